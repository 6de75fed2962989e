"""Kernels forked from a warm zygote: nbclient/nbgrader talk to them like any kernel, over IPC sockets.

`Zygote` starts `python -m grader.zygote` (inside the sandbox when one is available) and sends it requests.
`ForkKernelManager` is a jupyter_client kernel manager whose provisioner asks the zygote for a kernel instead
of starting a new Python; `CampExecute` is nbgrader's Execute with that manager and with limits that let a
notebook keep the score of what ran.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from nbformat import NotebookNode
from traitlets import Float, Integer

from camp.check import ANSWER_MIME
from grader.notebooks import ShortPollMixin
from grader.sandbox import Sandbox

ZYGOTE: Zygote | None = None  # one per grading worker process


class Zygote:
    """The warm parent process and its request channel (JSON lines over pipes)."""

    def __init__(self, scratch: Path, sandbox: Sandbox):
        self.scratch = Path(scratch)
        self.sandbox = sandbox
        (self.scratch / "ipc").mkdir(parents=True, exist_ok=True)
        (self.scratch / "jobs").mkdir(parents=True, exist_ok=True)
        cmd = sandbox.wrap([sys.executable, "-m", "grader.zygote"], scratch=self.scratch)
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=sandbox.env(self.scratch),
            preexec_fn=_die_with_parent,
        )
        self._lock = threading.Lock()
        self.pid: int | None = None

    def wait_ready(self) -> None:
        """Block until the zygote has imported everything (start it early, do other work, then wait)."""
        if self.pid is None:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the grading sandbox did not start (zygote exited)")
            self.pid = json.loads(line)["pid"]

    def request(self, **message: Any) -> dict:
        self.wait_ready()
        with self._lock:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the grading sandbox stopped unexpectedly")
        return json.loads(line)

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.kill()
        self.proc.wait(timeout=10)


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
            self.returncode = self.zygote.request(op="poll", pid=self.pid)["returncode"]
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
    """A kernel forked ahead of time, initialising while the previous notebook runs."""

    def __init__(self, zygote: Zygote):
        from jupyter_client.connect import write_connection_file

        name = uuid.uuid4().hex[:12]
        self.job = zygote.scratch / "jobs" / name
        self.job.mkdir(parents=True)
        self.connection_file = str(zygote.scratch / "ipc" / f"k{name}.json")
        write_connection_file(self.connection_file, transport="ipc", ip=str(zygote.scratch / "ipc" / f"k{name}"))
        argv = ["-f", self.connection_file, "--HistoryManager.hist_file=:memory:"]
        reply = zygote.request(op="spawn", argv=argv, cwd=str(self.job), env=zygote.sandbox.kernel_env(self.job),
                               limits=zygote.sandbox.limits)
        self.pid = reply["pid"]


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
        shutil.copytree(source, kernel.job, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"),
                        dirs_exist_ok=True)
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
            shutil.rmtree(self.kernel.job, ignore_errors=True)
            for path in Path(self.kernel.connection_file).parent.glob(Path(self.kernel.connection_file).stem + "*"):
                path.unlink(missing_ok=True)
            self.kernel = None


class ForkKernelClient(AsyncKernelClient):
    """jupyter_client's client, waiting 20 ms instead of 200 ms for IOPub around kernel_info.

    A new subscriber misses IOPub messages sent before its subscription is in place, so jupyter_client
    waits 0.2 s for one, asks again, then waits 0.2 s more for IOPub to fall quiet. A forked kernel answers
    within milliseconds, and nbclient ignores any message that does not belong to the cell it runs: the
    long waits only cost every notebook 0.4 s.
    """

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

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
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
    max_output_bytes = Integer(5_000_000, help="output kept per notebook; the rest is dropped").tag(config=True)
    max_cell_output_bytes = Integer(1_000_000, help="output kept per cell; the rest is dropped").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs["kernel_manager_class"] = ForkKernelManager if ZYGOTE is not None else AsyncKernelManager
        super().__init__(*args, **kwargs)
        if ZYGOTE is not None:
            self.shutdown_kernel = "immediate"  # the zygote reaps it; no graceful-exit polling

    def preprocess(self, nb, resources=None, km=None):
        self._started = time.monotonic()
        self._stopped: NotebookNode | None = None
        self._bytes = self._cell_bytes = 0
        self._cell = -1
        self._capped = False
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped is None and time.monotonic() - self._started > self.notebook_timeout:
            self._stopped = _note("NotebookTimeLimit", "नोटबुक की समय-सीमा पूरी हुई; यह सेल नहीं चला",
                                  "the notebook's time limit was reached; this cell did not run")
        if self._stopped is not None:
            cell.outputs = [self._stopped]
            return cell, resources
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            cell.outputs.append(_note("KernelDied", "कर्नेल बंद हो गया (शायद exit या मेमोरी/समय सीमा)",
                                      "the kernel stopped (exit, or a memory/time limit)"))
        except CellTimeoutError:
            cell.outputs.append(_note("KernelUnresponsive", "कर्नेल ने जवाब देना बंद कर दिया (समय-सीमा)",
                                      "the kernel stopped answering (time limit)"))
        except Exception as exc:  # the kernel is in a state we cannot trust: keep what ran, run no more
            cell.outputs.append(_note("GradingError", "यह सेल चलाते समय गड़बड़ी हुई",
                                      f"grading this cell failed ({type(exc).__name__})"))
        self._stopped = _note("KernelDied", "कर्नेल बंद होने के बाद यह सेल नहीं चला",
                              "this cell did not run because the kernel had stopped")
        return cell, resources

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if msg.get("msg_type") == "error" or ANSWER_MIME in content.get("data", {}):
            return super().output(outs, msg, display_id, cell_index)  # errors and answer records always count
        size = len(json.dumps(content, ensure_ascii=False))
        if cell_index != self._cell:
            self._cell, self._cell_bytes, self._capped = cell_index, 0, False
        if self._cell_bytes + size > self.max_cell_output_bytes or self._bytes + size > self.max_output_bytes:
            if not self._capped:  # a note on stdout: nbgrader would count stderr as a failed test
                self._capped = True
                outs.append(NotebookNode(output_type="stream", name="stdout",
                                         text="[output limit reached; the rest was dropped / आउटपुट सीमा पूरी हुई]\n"))
            return None
        self._cell_bytes += size
        self._bytes += size
        return super().output(outs, msg, display_id, cell_index)


def stop_zygote() -> None:
    global ZYGOTE
    _ready.clear()
    if ZYGOTE is not None:
        ZYGOTE.close()
        ZYGOTE = None


def start_zygote(scratch: Path, sandbox: Sandbox) -> Zygote:
    global ZYGOTE
    stop_zygote()
    ZYGOTE = Zygote(scratch, sandbox)
    return ZYGOTE


def scratch_root() -> Path:
    from camp import paths

    return paths.home() / "engine" / "scratch" / f"w{os.getpid()}"
