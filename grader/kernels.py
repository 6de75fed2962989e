"""Kernels forked from a warm zygote: nbclient/nbgrader talk to them like any kernel, over IPC sockets.

`Zygote` starts `python -m grader.zygote` (inside the sandbox when one is available) and sends it requests.
`ForkKernelManager` is a jupyter_client kernel manager whose provisioner asks the zygote for a kernel instead
of starting a new Python; `CampExecute` is nbgrader's Execute with that manager and with limits that let a
notebook keep the score of what ran.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import queue
import shutil
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

# jsonschema imports rfc3987_syntax, when it is installed, for its "iri" format checks, and that builds a
# grammar at import time (1.3 s of CPU here, in every grading worker). Nothing the grader validates uses a
# format checker, so a worker that imports jsonschema through this module goes without it.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)

import zmq  # noqa: E402
import zmq.asyncio  # noqa: E402
from jupyter_client.asynchronous import AsyncKernelClient  # noqa: E402
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from nbformat import NotebookNode
from traitlets import Float, Integer, default

from camp.check import ANSWER_MIME
from camp.notebooks import ShortPollMixin
from grader import settings as camp_settings
from grader.sandbox import CGROUP_MOUNT, Sandbox, readonly_paths

ZYGOTE: Zygote | None = None  # one per grading worker process
#: What the sandbox could not put in place in this worker (the zygote says so): the batch summary prints it.
UNSET: set[str] = set()


class Zygote:
    """The warm parent process and its request channel (JSON lines over pipes)."""

    def __init__(self, scratch: Path, sandbox: Sandbox, warm: tuple[str, ...] = ()):
        self.scratch = Path(scratch)
        self.sandbox = sandbox
        self.warm = tuple(warm)
        for folder in ("ipc", "jobs"):
            (self.scratch / folder).mkdir(parents=True, exist_ok=True)
        env = sandbox.env(self.scratch)
        sandbox.prepare(self.scratch)
        cmd = sandbox.wrap([sys.executable, "-m", "grader.zygote", *self.warm], scratch=self.scratch)
        cgroups = sandbox.cgroups

        def before_exec() -> None:
            _die_with_parent()
            try:
                cgroups.join_zygote(os.getpid())  # the sandbox and all it starts count against this worker
            except OSError:
                pass

        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, preexec_fn=before_exec
        )
        self._lock = threading.Lock()
        self.pid: int | None = None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self) -> None:
        """Block until the zygote has imported everything (start it early, do other work, then wait)."""
        if self.pid is None:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the grading sandbox did not start (zygote exited)")
            hello = json.loads(line)
            self.pid = hello["pid"]
            UNSET.update(hello.get("unset", []))

    def request(self, **message: Any) -> dict:
        self.wait_ready()
        with self._lock:
            try:
                self.proc.stdin.write(json.dumps(message) + "\n")
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
            except (OSError, ValueError):
                line = ""
        if not line:
            raise ZygoteStopped("the grading sandbox stopped unexpectedly")
        return json.loads(line)

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.kill()
        self.proc.wait(timeout=10)


class ZygoteStopped(RuntimeError):
    """The zygote died (killed from inside the sandbox, or out of memory): the worker starts a new one."""


def _die_with_parent() -> None:
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class ForkedProcess:
    """What jupyter_client expects of a kernel's Popen, for a kernel that the zygote forked."""

    def __init__(self, zygote: Zygote, pid: int):
        self.zygote, self.pid = zygote, pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = self.zygote.request(op="poll", pid=self.pid)["returncode"]
            except ZygoteStopped:
                # The sandbox is gone and its kernels with it. Say "dead" (SIGKILL): nbclient's liveness check
                # ends the cell at once. Raised instead, it ended only that check, and the cell waited out its
                # whole timeout (2 min) before the worker noticed and graded the notebook again.
                self.returncode = -9
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        end = time.monotonic() + (timeout or 3600)
        while self.poll() is None and time.monotonic() < end:
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        self.zygote.request(op="signal", pid=self.pid, sig=int(sig))

    def kill(self) -> None:
        self.send_signal(9)

    def terminate(self) -> None:
        self.send_signal(15)


class Prestarted:
    """A kernel forked ahead of time, initialising while the previous notebook runs.

    Its job folder and socket folder are new, made here (by the trusted worker) and named by a random id;
    in strong mode the kernel sees nothing else of the scratch folder, so no earlier kernel could have
    reached them.
    """

    def __init__(self, zygote: Zygote):
        from jupyter_client.connect import write_connection_file

        name = uuid.uuid4().hex[:16]
        box = zygote.sandbox
        self.job = zygote.scratch / "jobs" / name
        self.ipc = zygote.scratch / "ipc" / name
        self.job.mkdir(mode=0o700)
        self.ipc.mkdir(mode=0o700)
        self.connection_file = str(self.ipc / "connection.json")
        write_connection_file(self.connection_file, transport="ipc", ip=str(self.ipc / "k"))
        if box.user is not None:
            for path in (self.job, self.ipc, Path(self.connection_file)):
                os.chown(path, *box.user, follow_symlinks=False)
        argv = ["-f", self.connection_file, "--HistoryManager.hist_file=:memory:"]
        request = {
            "op": "spawn",
            "name": name,
            "argv": argv,
            "cwd": str(self.job),
            "env": box.kernel_env(self.job),
            "limits": box.limits,
            "cgroup_mounts": box.cgroup_mounts(),
            "output_limit": OUTPUT_LIMIT,
            "debug": camp_settings.load().engine_debug,
        }
        if box.strong and box.isolate_kernels:
            request["isolate"] = {
                "scratch": str(zygote.scratch),
                "job": str(self.job),
                "ipc": str(self.ipc),
                "hide": [CGROUP_MOUNT],
                # Python and camp, when they live under /tmp: the kernel's fresh /tmp would hide them
                "keep_readonly": _readonly_under_tmp(),
            }
        reply = zygote.request(**request)
        self.pid = reply["pid"]
        self.cgroups = reply.get("cgroups", False)
        UNSET.update(reply.get("unset", []))


@functools.cache
def _readonly_under_tmp() -> list[str]:
    """The sandbox's read-only folders (Python, camp) that live under /tmp, which each kernel gets fresh."""
    return sorted(str(p) for p in readonly_paths() if p.is_dir() and p.is_relative_to("/tmp"))


#: Where the last notebook's Execute spent its time (seconds): kernel start and connection, the cells (the
#: participant's code and its messages), kernel stop. The engine keeps it in each submission's marker.
TIMES: dict[str, float] = {}

OUTPUT_LIMIT = 1_000_000  # characters a kernel prints per cell before it stops sending (CampExecute caps too)


def safe_copy(source: Path, target: Path) -> list[str]:
    """Copy a submission's own files into a job folder without following any link; returns what was refused.

    Only regular files and folders are copied (never a notebook: the graded copy holds the hidden tests);
    links, FIFOs, sockets and devices are left out. Files are opened with O_NOFOLLOW and created with O_EXCL,
    so neither side can be redirected elsewhere.
    """
    refused: list[str] = []
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
    for entry in os.scandir(source):
        if entry.name.endswith(".ipynb") or entry.name == ".ipynb_checkpoints":
            continue
        info = entry.stat(follow_symlinks=False)
        dest = target / entry.name
        if stat.S_ISDIR(info.st_mode):
            dest.mkdir(mode=0o700)
            refused += [f"{entry.name}/{r}" for r in safe_copy(Path(entry.path), dest)]
        elif stat.S_ISREG(info.st_mode):
            src_fd = os.open(entry.path, flags)
            try:
                if not stat.S_ISREG(os.fstat(src_fd).st_mode):
                    refused.append(entry.name)
                    continue
                dst_fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
                with os.fdopen(src_fd, "rb", closefd=False) as src, os.fdopen(dst_fd, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)
            finally:
                os.close(src_fd)
        else:
            refused.append(entry.name)
    return refused


_ready: list[Prestarted] = []


def prestart() -> None:
    """Fork the next kernel now, so the next notebook does not wait for one."""
    if ZYGOTE is not None and not _ready:
        _ready.append(Prestarted(ZYGOTE))


class ForkProvisioner(LocalProvisioner):
    """Give nbclient a kernel forked by the zygote, in a scratch copy of the notebook's folder."""

    kernel: Prestarted | None = None

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        prestart()
        self.kernel = _ready.pop()
        km = self.parent
        km.load_connection_file(self.kernel.connection_file)
        km.connection_file = self.kernel.connection_file
        km._connection_file_written = True
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        zygote, kernel = ZYGOTE, self.kernel
        source = Path(kwargs.get("cwd") or ".")
        # Only the submission's own files, never a notebook (the graded copy holds the hidden tests).
        safe_copy(source, kernel.job)
        if zygote.sandbox.user is not None:
            from grader.sandbox import chown_tree

            chown_tree(kernel.job, *zygote.sandbox.user)
        self.process = ForkedProcess(zygote, kernel.pid)
        self.pid, self.pgid, self.cwd = kernel.pid, None, str(kernel.job)
        prestart()  # the next notebook's kernel starts while this one runs
        return self.connection_info

    async def wait(self) -> int | None:
        """As LocalProvisioner.wait, polling every 5 ms instead of 100 ms (a forked kernel dies at once)."""
        while self.process is not None and await self.poll() is None:
            await asyncio.sleep(0.005)
        ret = self.process.returncode if self.process is not None else 0
        self.process = None
        return ret

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart=restart)
        if self.kernel is not None:
            if self.process is not None and self.process.poll() is None:
                self.process.kill()
            if not camp_settings.load().engine_debug:  # debugging keeps the job folder (kernel-error.txt)
                shutil.rmtree(
                    self.kernel.job, ignore_errors=True
                )  # never reused: the next kernel gets new ones
            shutil.rmtree(self.kernel.ipc, ignore_errors=True)
            relay().forget(str(self.kernel.ipc))
            self.kernel = None


#: Bytes of one message a kernel may send to the grader, all its parts together: the 1 MB cell cap with room to
#: spare. The relay below drops a bigger message before it reaches the worker's zmq sockets (whose MAXMSGSIZE
#: refuses any single part over it, as a second guard).
MAX_MESSAGE = 4_000_000


def capped_context() -> zmq.asyncio.Context:
    """A zmq context whose sockets refuse any message part over MAX_MESSAGE."""
    context = zmq.asyncio.Context()
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
    return context


class Relay:
    """Byte pumps between the grader's zmq sockets and a kernel's, dropping any message over MAX_MESSAGE.

    zmq's MAXMSGSIZE checks each part of a message alone, and zmq keeps every part of a message until its last
    one arrives: a kernel sending one message of a hundred 3 MB parts put 300 MB into the worker. Here the
    worker's sockets connect to Unix sockets in a private folder of this process; for each connection a thread
    connects to the kernel's socket and copies bytes both ways. From the kernel it reads ZMTP 3 frames (1 flag
    byte, a 1- or 8-byte size, the body) and holds one message's frames (at most MAX_MESSAGE bytes) until its
    last frame: a message whose parts add up to more is read past and never forwarded, and its kernel socket is
    noted (`take_drops`), so the grader can say so in the cell and not wait for a reply that will not come.
    Anything that is not ZMTP 3 from the kernel closes the connection. Only IPC kernels are relayed.
    """

    CHUNK = 65536

    def __init__(self) -> None:
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="camp-relay-"))  # 0700: only this worker's user
        self._lock = threading.Lock()
        self._listeners: dict[str, tuple[Any, str]] = {}  # kernel url -> (listening socket, relay url)
        self._drops: set[str] = set()
        self._count = 0

    def endpoint(self, url: str) -> str:
        """The relay's URL for a kernel's IPC URL (a listener is made on first use)."""
        import socket

        if not url.startswith("ipc://"):
            return url
        with self._lock:
            if url not in self._listeners:
                self._count += 1
                path = str(self.folder / str(self._count))
                listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                listener.bind(path)
                listener.listen(8)
                self._listeners[url] = (listener, f"ipc://{path}")
                threading.Thread(target=self._accept, args=(listener, url[6:], url), daemon=True).start()
            return self._listeners[url][1]

    def forget(self, folder: str | None) -> None:
        """Close the listeners of a finished kernel (whose sockets are in `folder`), or all of them (None)."""
        import socket

        inside = None if folder is None else f"ipc://{folder.rstrip('/')}/"
        with self._lock:
            for url in [u for u in self._listeners if inside is None or u.startswith(inside)]:
                listener, relay_url = self._listeners.pop(url)
                try:
                    listener.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                listener.close()
                with contextlib.suppress(OSError):
                    os.unlink(relay_url[6:])
                self._drops.discard(url)

    def take_drops(self, urls: dict[str, str]) -> set[str]:
        """The channels ({channel: kernel url}) that had a message dropped since the last call."""
        with self._lock:
            found = {channel for channel, url in urls.items() if url in self._drops}
            self._drops -= set(urls.values())
        return found

    def close(self) -> None:
        self.forget(None)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _accept(self, listener, target: str, url: str) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client, target, url), daemon=True).start()

    def _serve(self, client, target: str, url: str) -> None:
        import socket

        kernel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            for _ in range(500):  # a kernel still starting has not bound its socket yet
                try:
                    kernel.connect(target)
                    break
                except (FileNotFoundError, ConnectionRefusedError):
                    time.sleep(0.01)
            else:
                raise ConnectionRefusedError(target)
            threading.Thread(target=self._to_kernel, args=(client, kernel), daemon=True).start()
            self._from_kernel(kernel, client, url)
        except (OSError, EOFError, ValueError):
            pass
        finally:
            for sock in (kernel, client):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _to_kernel(self, client, kernel) -> None:
        import socket

        try:
            while chunk := client.recv(self.CHUNK):
                kernel.sendall(chunk)
        except OSError:
            pass
        for sock in (kernel, client):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _from_kernel(self, kernel, client, url: str) -> None:
        seen = b""  # the 64-byte greeting, forwarded as it comes (each side waits for parts of the other's)
        while len(seen) < 64:
            chunk = kernel.recv(64 - len(seen))
            if not chunk:
                return
            seen += chunk
            if seen[0] != 0xFF or (len(seen) > 9 and seen[9] != 0x7F) or (len(seen) > 10 and seen[10] < 3):
                raise ValueError("not ZMTP 3")
            client.sendall(chunk)
        read = _Reader(kernel, self.CHUNK)
        parts: list[bytes] = []
        total, dropping = 0, False
        while True:
            head = read.exact(1)
            flags = head[0]
            if flags & 0xF8:
                raise ValueError("reserved frame flags")
            head += read.exact(8 if flags & 0x02 else 1)
            size = int.from_bytes(head[1:], "big")
            total += size
            if dropping or total > MAX_MESSAGE:
                parts, dropping = [], True
                read.skip(size)
            else:
                parts += [head, read.exact(size)]
            if flags & 0x01 and not flags & 0x04:  # more parts follow (a command frame stands alone)
                continue
            if dropping:
                with self._lock:
                    self._drops.add(url)
            else:
                client.sendall(b"".join(parts))
            parts, total, dropping = [], 0, False


class _Reader:
    """Exact reads from a stream socket, and skips that keep no more than a chunk in memory."""

    def __init__(self, sock, chunk: int):
        self.sock, self.chunk, self.buf = sock, chunk, b""

    def _more(self) -> bytes:
        data = self.sock.recv(self.chunk)
        if not data:
            raise EOFError
        return data

    def exact(self, n: int) -> bytes:
        if len(self.buf) < n:
            chunks, have = [self.buf], len(self.buf)
            while have < n:
                data = self._more()
                chunks.append(data)
                have += len(data)
            self.buf = b"".join(chunks)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def skip(self, n: int) -> None:
        while len(self.buf) < n:
            n -= len(self.buf)
            self.buf = self._more()
        self.buf = self.buf[n:]


_RELAY: Relay | None = None


def relay() -> Relay:
    """This process's relay (made on first use, in the grading worker, never before a fork)."""
    global _RELAY
    if _RELAY is None:
        _RELAY = Relay()
    return _RELAY


def _relayed(owner: Any, url: str) -> str:
    """The URL `owner` (a client or manager) connects to for a kernel's `url`: the relay's. Tests may switch the
    relay off (CAMP_UNSAFE_TEST_SWITCHES=no-relay), read once per owner."""
    off = owner.__dict__.get("_camp_no_relay")
    if off is None:
        off = owner.__dict__["_camp_no_relay"] = "no-relay" in camp_settings.load().unsafe_test_switches
    return url if off else relay().endpoint(url)


class ForkKernelClient(AsyncKernelClient):
    """jupyter_client's client through the relay, with capped sockets, waiting 20 ms instead of 200 ms for IOPub
    around kernel_info.

    Every connection to the kernel goes through `Relay` (a message over MAX_MESSAGE is dropped there, and
    `dropped_channels` says where), and every socket refuses a message part over MAX_MESSAGE.

    A new subscriber misses IOPub messages sent before its subscription is in place, so jupyter_client
    waits 0.2 s for one, asks again, then waits 0.2 s more for IOPub to fall quiet. A forked kernel answers
    within milliseconds, and nbclient ignores any message that does not belong to the cell it runs: the
    long waits only cost every notebook 0.4 s.
    """

    @default("context")
    def _capped_context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        return capped_context()

    def _make_url(self, channel: str) -> str:
        return _relayed(self, super()._make_url(channel))

    def dropped_channels(self) -> set[str]:
        """The channels on which the kernel sent a message over MAX_MESSAGE since the last call."""
        urls = {c: super(ForkKernelClient, self)._make_url(c) for c in ("shell", "iopub", "control")}
        return relay().take_drops(urls)

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.time() + (timeout if timeout is not None else 60)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except queue.Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.02)  # IOPub is connected (else ask again)
                except queue.Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except queue.Empty:
                break

    wait_for_ready = _async_wait_for_ready  # the async client binds its public name at class creation


class ForkKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels come from the zygote (IPC sockets in the worker's scratch folder)."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.client_factory = ForkKernelClient

    @default("context")
    def _capped_context_default(self) -> zmq.asyncio.Context:  # its control socket talks to the kernel too
        self._created_context = True
        return capped_context()

    def _make_url(self, channel: str) -> str:
        return _relayed(self, super()._make_url(channel))

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        self.cache_ports = False
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=0.005)  # the 100 ms default costs every notebook 0.1 s


def kill_strays() -> int:
    """Kill every process a finished kernel left behind (the prestarted kernel is spared)."""
    if ZYGOTE is None:
        return 0
    return ZYGOTE.request(op="cleanup", keep=[k.pid for k in _ready])["killed"]


def _note(ename: str, hi: str, en: str) -> NotebookNode:
    text = f"{hi} / {en}"
    return NotebookNode(output_type="error", ename=ename, evalue=text, traceback=[f"{ename}: {text}"])


def _nbgrader_execute():
    from nbgrader.preprocessors import Execute

    return Execute


class CampExecute(ShortPollMixin, _nbgrader_execute()):
    """nbgrader's Execute on forked kernels, with a notebook time budget and an output cap.

    A notebook that dies, runs out of time or floods its output keeps the score of what ran; the cells
    that could not run get an error output saying why (so their tests score zero).
    """

    notebook_timeout = Float(300, help="wall-clock seconds for the whole notebook").tag(config=True)
    max_output_bytes = Integer(5_000_000, help="output kept per notebook; the rest is dropped").tag(
        config=True
    )
    max_cell_output_bytes = Integer(1_000_000, help="output kept per cell; the rest is dropped").tag(
        config=True
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs["kernel_manager_class"] = ForkKernelManager if ZYGOTE is not None else AsyncKernelManager
        super().__init__(*args, **kwargs)
        if ZYGOTE is not None:
            self.shutdown_kernel = "immediate"  # the zygote reaps it; no graceful-exit polling

    def preprocess(self, nb, resources=None, km=None):
        self._started = time.monotonic()
        self._stopped: NotebookNode | None = None
        self._bytes = self._cell_bytes = self._comm_bytes = 0
        self._cell = -1
        self._capped = False
        self._answered: set[int] = set()  # test cells whose answer record is kept (outside the output budget)
        self._cut: set[str] = set()  # channels on which a message over MAX_MESSAGE was dropped, this cell
        self._waiting: str | None = None
        TIMES.clear()
        TIMES.update(start=0.0, cells=0.0)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            total = time.monotonic() - self._started
            TIMES["stop"] = max(0.0, total - TIMES["start"] - TIMES["cells"])

    def preprocess_cell(self, cell, resources, index):
        began = time.monotonic()
        if not TIMES.get("started"):  # the first cell: the kernel is started and connected by now
            TIMES["started"], TIMES["start"] = True, began - self._started
        try:
            return self._run_cell(cell, resources, index)
        finally:
            TIMES["cells"] += time.monotonic() - began

    def _run_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped is None and time.monotonic() - self._started > self.notebook_timeout:
            self._stopped = _note(
                "NotebookTimeLimit",
                "नोटबुक की समय-सीमा पूरी हुई; यह सेल नहीं चला",
                "the notebook's time limit was reached; this cell did not run",
            )
        if self._stopped is not None:
            cell.outputs = [self._stopped]
            return cell, resources
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        self._cut = set()
        self._cell, self._cell_bytes, self._capped = index, 0, False
        try:
            result = super().preprocess_cell(cell, resources, index)
            if self._cut_now():  # a message over MAX_MESSAGE was dropped by the relay
                self._cap_note(cell.outputs)
            return result
        except CellTimeoutError:
            cell.outputs.append(
                _note(
                    "KernelUnresponsive",
                    "कर्नेल ने जवाब देना बंद कर दिया (समय-सीमा)",
                    "the kernel stopped answering (time limit)",
                )
            )
        except DeadKernelError:
            cell.outputs.append(
                _note(
                    "KernelDied",
                    "कर्नेल बंद हो गया (शायद exit या मेमोरी/समय सीमा)",
                    "the kernel stopped (exit, or a memory/time limit)",
                )
            )
        except Exception as exc:  # the kernel is in a state we cannot trust: keep what ran, run no more
            cell.outputs.append(
                _note(
                    "GradingError",
                    "यह सेल चलाते समय गड़बड़ी हुई",
                    f"grading this cell failed ({type(exc).__name__})",
                )
            )
        self._stopped = _note(
            "KernelDied",
            "कर्नेल बंद होने के बाद यह सेल नहीं चला",
            "this cell did not run because the kernel had stopped",
        )
        return cell, resources

    def _cut_now(self) -> set[str]:
        """The channels on which the kernel sent a message over MAX_MESSAGE during this cell (dropped)."""
        if self.kc is not None and hasattr(self.kc, "dropped_channels"):
            self._cut |= self.kc.dropped_channels()
        return self._cut

    async def _async_poll_for_reply(self, msg_id, *args, **kwargs):
        self._waiting = msg_id
        return await super()._async_poll_for_reply(msg_id, *args, **kwargs)

    async def _shell_msg(self, timeout: float | None) -> dict:
        """As ShortPollMixin's, but a dropped reply ends the wait: it was over MAX_MESSAGE (a huge error) and
        will never come; the cell gets an error reply of a few bytes instead."""
        from queue import Empty

        from camp.notebooks import POLL

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = POLL if deadline is None else min(POLL, max(0.0, deadline - time.monotonic()))
            try:
                return await super()._shell_msg(step)
            except Empty:
                if "shell" in self._cut_now():
                    return self._lost_reply()
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    def _lost_reply(self) -> dict:
        from datetime import datetime, timezone

        hi, en = "इस सेल का उत्तर बहुत बड़ा था; छोड़ दिया गया", "this cell's reply was too large and was dropped"
        return {
            "header": {"msg_type": "execute_reply", "msg_id": "", "date": datetime.now(timezone.utc)},
            "msg_type": "execute_reply",
            "parent_header": {"msg_id": self._waiting},
            "metadata": {},
            "content": {
                "status": "error",
                "execution_count": None,
                "ename": "OutputLimit",
                "evalue": f"{hi} / {en}",
                "traceback": [f"OutputLimit: {hi} / {en}"],
            },
        }

    def _cap_note(self, outs) -> None:
        if not self._capped:  # a note on stdout: nbgrader would count stderr as a failed test
            self._capped = True
            outs.append(
                NotebookNode(
                    output_type="stream",
                    name="stdout",
                    text="[output limit reached; the rest was dropped / आउटपुट सीमा पूरी हुई]\n",
                )
            )

    def output(self, outs, msg, display_id, cell_index):
        """Every byte the kernel sends counts; answer records and errors have small fixed limits of their own.

        A test cell's first answer record is kept outside the cell and notebook budgets (it is at most
        MAX_ANSWER_RECORD, and there is one per test cell): a notebook that printed a lot keeps its answers.
        """
        content = msg.get("content", {})
        size = len(json.dumps(content, ensure_ascii=False))
        if cell_index != self._cell:
            self._cell, self._cell_bytes, self._capped = cell_index, 0, False
        answer = ANSWER_MIME in content.get("data", {})
        if answer and size > MAX_ANSWER_RECORD:
            answer = False
            content = {
                "data": {"text/plain": "[answer too long: not recorded / उत्तर बहुत लंबा: दर्ज नहीं हुआ]"},
                "metadata": {},
            }
            msg = {**msg, "content": content}
            size = len(json.dumps(content, ensure_ascii=False))
        if answer and cell_index not in self._answered and self._is_test_cell(cell_index):
            self._answered.add(cell_index)
            return super().output(outs, msg, display_id, cell_index)
        if msg.get("msg_type") == "error":
            content = _short_error(content)
            msg = {**msg, "content": content}
            size = len(json.dumps(content, ensure_ascii=False))
        self._cell_bytes += size
        self._bytes += size
        if self._cell_bytes > self.max_cell_output_bytes or self._bytes > self.max_output_bytes:
            self._cap_note(outs)
            if msg.get("msg_type") == "error":  # the cell still fails (its test scores zero), in a few bytes
                outs.append(
                    NotebookNode(
                        output_type="error",
                        ename=content.get("ename", "Error")[:100],
                        evalue="",
                        traceback=[],
                    )
                )
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _is_test_cell(self, index: int) -> bool:
        from grader.verdict import is_test_cell

        cells = self.nb.cells if self.nb is not None else []
        return 0 <= index < len(cells) and is_test_cell(cells[index])

    def handle_comm_msg(self, outs, msg, cell_index):
        """Widget messages count against a notebook budget of their own (a flood of them is dropped, not kept
        in memory; a notebook that printed a lot still keeps its widgets)."""
        self._comm_bytes += len(json.dumps(msg.get("content", {}), ensure_ascii=False))
        if self._comm_bytes > self.max_output_bytes:
            return None
        return super().handle_comm_msg(outs, msg, cell_index)


class SandboxedExecute(CampExecute):
    """The Execute step of the camp's nbgrader config: `nbgrader autograde`, the Formgrader's Autograde button
    and `grader.course.autograde` run participant code in the same sandbox as `camp autograde`.

    Stock nbgrader runs each notebook in a plain kernel of the process that grades (the trainer, or root): it
    could read the course's source notebooks and gradebook from disk. Here a submitted folder holding a link or
    special file is refused, then the notebook runs as CampExecute, in a kernel forked from a sandboxed zygote
    that this process starts on first use and keeps warm (started and owned here; in an engine worker the
    engine's own zygote is used). As root without bubblewrap it refuses, as the engine does. What the engine adds
    on top (several workers, a retry when the sandbox stops, the review notes, the batch summary) is `camp
    autograde`'s.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        ensure_zygote()
        super().__init__(*args, **kwargs)
        if (
            _OWN_ZYGOTE is not None and not ZYGOTE.sandbox.strong
        ):  # never silent: the Formgrader's log says it
            self.log.warning("%s", ZYGOTE.sandbox.describe())

    def preprocess(self, nb, resources=None, km=None):
        if ZYGOTE is not None and _OWN_ZYGOTE is None:  # an engine worker: the engine checked and cleans up
            return super().preprocess(nb, resources, km)
        info = (resources or {}).get("nbgrader", {})
        if info.get("student") and info.get("assignment"):
            from nbgrader.coursedir import CourseDirectory

            from grader.engine import unsafe_entries

            course = CourseDirectory(config=self.config)
            folder = Path(course.format_path(course.submitted_directory, info["student"], info["assignment"]))
            bad = unsafe_entries(folder)
            if bad:
                raise RuntimeError(
                    "refused: " + "; ".join(bad[:5]) + " (links and special files are never graded)"
                )
        ensure_zygote()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            with contextlib.suppress(ZygoteStopped, OSError, ValueError):
                kill_strays()


#: The key of the zygote this process started for SandboxedExecute (None: none, or the engine's own).
_OWN_ZYGOTE: tuple | None = None


def ensure_zygote() -> None:
    """A live sandboxed zygote in this process for SandboxedExecute: the engine's when this is an engine worker,
    else one started here (again when it died, or when the camp folder or sandbox settings changed)."""
    global _OWN_ZYGOTE
    if ZYGOTE is not None and _OWN_ZYGOTE is None:
        return  # an engine worker's: the engine restarts it
    from grader.limits import Cgroups
    from grader.sandbox import Sandbox, grader_user

    settings = camp_settings.load()
    key = (str(scratch_root()), settings.sandbox, tuple(sorted(settings.unsafe_test_switches)))
    if ZYGOTE is not None and key == _OWN_ZYGOTE and zygote_alive() and ZYGOTE.scratch.is_dir():
        return
    _stop_own_zygote()
    box = Sandbox.detect()
    box.check_allowed()  # as root without bubblewrap: refused (participant code would be root)
    user = grader_user()
    box.cgroups = Cgroups.create(f"p{os.getpid()}", owner=user[0] if user else None)
    if box.cgroups.version:
        box.limits["nproc"] = 16384
    scratch = scratch_root()
    shutil.rmtree(scratch, ignore_errors=True)
    start_zygote(scratch, box)
    _OWN_ZYGOTE = key
    if not _AT_EXIT:
        import atexit

        atexit.register(_stop_own_zygote)
        _AT_EXIT.append(True)


_AT_EXIT: list[bool] = []


def _stop_own_zygote() -> None:
    global _OWN_ZYGOTE
    if _OWN_ZYGOTE is None or ZYGOTE is None:
        _OWN_ZYGOTE = None
        return
    scratch, cgroups = ZYGOTE.scratch, ZYGOTE.sandbox.cgroups
    _OWN_ZYGOTE = None
    stop_zygote()
    with contextlib.suppress(OSError):
        cgroups.remove()
    remove_scratch(scratch)


MAX_ANSWER_RECORD = 70_000  # bytes of one answer record as sent (grader.verdict reads at most 64 KB of JSON)
MAX_ERROR = 8_000  # bytes of an error's name, message and traceback kept


def _short_error(content: dict) -> dict:
    ename = str(content.get("ename", "Error"))[:200]
    evalue = str(content.get("evalue", ""))[:2000]
    traceback, used = [], len(ename) + len(evalue)
    for line in content.get("traceback", []) or []:
        line = str(line)[:2000]
        if used + len(line) > MAX_ERROR:
            traceback.append("…")
            break
        traceback.append(line)
        used += len(line)
    return {**content, "ename": ename, "evalue": evalue, "traceback": traceback}


def stop_zygote() -> None:
    global ZYGOTE, _RELAY
    _ready.clear()
    if ZYGOTE is not None:
        ZYGOTE.close()
        ZYGOTE = None
    if _RELAY is not None:
        _RELAY.close()
        _RELAY = None


def start_zygote(scratch: Path, sandbox: Sandbox, warm: tuple[str, ...] = ()) -> Zygote:
    """Start the warm parent; `warm` names camp modules it imports (and warms) beyond the usual ones."""
    global ZYGOTE
    stop_zygote()
    ZYGOTE = Zygote(scratch, sandbox, warm)
    return ZYGOTE


def zygote_alive() -> bool:
    return ZYGOTE is not None and ZYGOTE.alive()


def restart_zygote() -> Zygote:
    """A new zygote in the same sandbox settings, with fresh scratch folders (nothing of the old one is reused)."""
    old = ZYGOTE
    scratch, sandbox, warm = old.scratch, old.sandbox, old.warm
    stop_zygote()
    shutil.rmtree(scratch, ignore_errors=True)
    zygote = start_zygote(scratch, sandbox, warm)
    prestart()
    return zygote


#: A kernel's socket is <scratch>/ipc/<16 hex>/k-<n>, and a Unix socket's path must fit in 107 bytes.
SCRATCH_MAX = 78


def scratch_root() -> Path:
    """This worker's scratch folder: in the camp folder, or, when that path is too long for the kernels' sockets,
    in a private folder of /var/tmp (mode 0711, random name; not /tmp, which each kernel gets fresh)."""
    from camp import paths

    default = paths.home() / "engine" / "scratch" / f"w{os.getpid()}"
    if len(str(default)) <= SCRATCH_MAX:
        return default
    global _SHORT_BASE
    if _SHORT_BASE is None or not _SHORT_BASE.is_dir():
        import tempfile

        _SHORT_BASE = Path(
            tempfile.mkdtemp(prefix="camp-", dir="/var/tmp" if os.path.isdir("/var/tmp") else None)
        )
        _SHORT_BASE.chmod(
            0o711
        )  # the sandbox's user passes through to its own scratch, and sees nothing else
    return _SHORT_BASE / f"w{os.getpid()}"


_SHORT_BASE: Path | None = None


def remove_scratch(scratch: Path) -> None:
    """Remove a worker's scratch folder (and the private /var/tmp folder around it, when it has one)."""
    shutil.rmtree(scratch, ignore_errors=True)
    if _SHORT_BASE is not None and scratch.parent == _SHORT_BASE:
        try:
            _SHORT_BASE.rmdir()
        except OSError:
            pass
