"""A warm parent for kernels: imports the heavy modules once, then forks one fresh kernel per notebook.

Run as `python -m grader.zygote` (by grader.kernels, possibly inside a bubblewrap sandbox). It speaks JSON
lines on stdin/stdout:

    {"op": "spawn", "argv": [...], "cwd": "...", "env": {...}, "limits": {...}}  -> {"pid": 123}
    {"op": "poll", "pid": 123}                                                    -> {"returncode": null | int}
    {"op": "signal", "pid": 123, "sig": 2}                                        -> {"ok": true}
    {"op": "cleanup"}   kill every process left behind (by any kernel)           -> {"killed": n}

Each kernel is a forked child in a new session, with resource limits, a minimal environment and its own
working folder; it shares no state with the kernels before it (a fork copies the warm parent, nothing else).

A spawn request names the cgroup folders the trusted worker made for the kernel, limits written
(grader/limits.py). The child waits until the zygote has moved it in and read the limits back; what is not in
force goes into the reply's "unset" (the batch summary prints it), and such a kernel falls back to the per-user
process limit.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys

from grader.limits import FALLBACK_NPROC, place

WARM = [
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "ipywidgets",
    "camp.answers",
    "camp.check",
    "camp.charts",
    "camp.data",
    "camp.quiz",
    # what IPKernelApp.initialize imports on its own (the debugger alone pulls in debugpy): imported once
    # here instead of in every kernel (0.15 s of CPU a kernel on the 2-core machine)
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.extensions",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "sqlite3",
    "pdb",
    "pydoc",
    "faulthandler",
    "tornado.gen",
    "tornado.locks",
    "tornado.queues",
    "encodings.idna",
    "email.parser",
]
_status: dict[int, int] = {}
#: Tests only (CAMP_UNSAFE_TEST_SWITCHES=nested-userns): kernels may create user namespaces, as they once could.
_NESTED_USERNS = False


def _warm_up(extra: list[str] = ()) -> None:
    """Import what every kernel imports, plus `extra`: the camp modules this batch's notebooks import in their
    locked cells (from the course's source, trusted). A module with a `warm()` function has it called (camp.tokens
    loads its vocabularies). Then one small Hindi chart is drawn off-screen, so fonts and glyphs are loaded once."""
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    os.environ.setdefault(
        "PYDEVD_DISABLE_FILE_VALIDATION", "1"
    )  # debugpy's note on frozen modules, at import
    import ipykernel.ipkernel  # noqa: F401  (the kernel itself, IPython, zmq, tornado)
    import ipykernel.kernelapp  # noqa: F401

    for name in WARM:
        try:
            __import__(name)
        except Exception:  # a missing optional module only costs its import time later
            pass
    for name in extra:
        if not name.startswith("camp."):
            continue
        try:
            module = __import__(name, fromlist=["_"])
            if callable(getattr(module, "warm", None)):
                module.warm()
        except Exception:
            pass
    try:
        import io

        from matplotlib.figure import Figure

        import camp.charts

        camp.charts.setup()
        fig = Figure(figsize=(2, 1.5))  # not pyplot: no figure number or state is left for the kernels
        ax = fig.subplots()
        ax.bar(["भोपाल", "Vidisha"], [3, 2])
        ax.set_title("रक्तदान / blood")
        fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    except Exception:
        pass


def _subreaper() -> bool:
    """Become the parent of orphans (PR_SET_CHILD_SUBREAPER), so nothing a kernel starts escapes cleanup."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except Exception:
        return False


def _dies_with_parent() -> bool:
    """Is PR_SET_PDEATHSIG in place for this process (the worker set it before exec; bwrap --die-with-parent)?"""
    try:
        signal_number = ctypes.c_int(0)
        return _libc.prctl(2, ctypes.byref(signal_number), 0, 0, 0) == 0 and signal_number.value != 0
    except Exception:
        return False


def unsettable_limits(limits: dict) -> list[str]:
    """The resource limits a kernel could not be given here (a value above a hard limit this process cannot raise).

    A kernel sets them in its forked child, where a failure has no one to tell; the zygote, with the same
    rights, says beforehand which would fail, and the worker's summary prints them (the sandbox never fails
    open silently)."""
    missing = []
    privileged = os.geteuid() == 0
    for name, value in limits.items():
        kind = getattr(resource, f"RLIMIT_{name.upper()}", None)
        if kind is None or not value:
            if value:
                missing.append(f"RLIMIT_{name.upper()} (not on this system)")
            continue
        hard = resource.getrlimit(kind)[1]
        if not privileged and hard != resource.RLIM_INFINITY and int(value) > hard:
            missing.append(f"RLIMIT_{name.upper()} (hard limit {hard} < {int(value)})")
    return missing


def _limit(limits: dict) -> None:
    for name, value in limits.items():
        kind = getattr(resource, f"RLIMIT_{name.upper()}", None)
        if kind is not None and value:
            try:
                resource.setrlimit(kind, (int(value), int(value)))
            except (ValueError, OSError):
                pass


# -- one submission, one trust boundary ---------------------------------------------------------------------
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWCGROUP = 0x40000000, 0x08000000, 0x02000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(
        _libc.mount(
            source and source.encode(),
            target.encode(),
            fstype and fstype.encode(),
            flags,
            data and data.encode(),
        ),
        f"mount {target}",
    )


def _drop_capabilities() -> None:
    """No capability left, none to gain (the kernel's uid is not 0 in its namespace, so exec gives none back)."""
    for cap in range(64):
        _libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP (fails harmlessly past the last capability)
    _libc.prctl(47, 4, 0, 0, 0)  # PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    header, data = Header(0x20080522, 0), (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")
    _check(_libc.prctl(38, 1, 0, 0, 0), "no_new_privs")  # PR_SET_NO_NEW_PRIVS


def _isolate(spec: dict) -> None:
    """Put this kernel in namespaces of its own, then fork it as PID 1 there; the parent only supervises.

    Inside, the kernel sees the system read-only as the zygote does, but of the worker's scratch folder only its
    own job folder and its own socket folder; a fresh /tmp and a /proc that lists only its own processes; no
    network, no IPC with anyone, and no cgroup files. So no other kernel, and not the zygote, can be found,
    read, connected to or signalled, and nothing it writes outside its job folder survives it.

    Its cgroup namespace is rooted at its own cgroup (it is in it by now), and it may create no user namespace:
    a new one would give it the capabilities to mount a cgroup hierarchy and write its own limits.
    """
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWCGROUP
    _check(_libc.unshare(flags), "unshare")
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as handle:
        handle.write(f"{gid} {gid} 1")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    scratch, job, ipc = spec["scratch"], spec["job"], spec["ipc"]
    keep = {job: os.open(job, os.O_PATH | os.O_DIRECTORY), ipc: os.open(ipc, os.O_PATH | os.O_DIRECTORY)}
    # Python and camp living under /tmp (a course cloned there): bound back, read-only as the sandbox has them
    readonly = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in spec.get("keep_readonly", [])}
    owner = f"uid={uid},gid={gid}"
    _mount("camp-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size=64m,{owner}")
    for path, fd in readonly.items():
        os.makedirs(path, exist_ok=True)
        _mount(
            f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC
        )  # a bind keeps the source's read-only flag
        os.close(fd)
    os.makedirs(scratch, exist_ok=True)  # the scratch folder may itself live under /tmp
    _mount("camp-kernel", scratch, "tmpfs", MS_NOSUID | MS_NODEV, f"mode=755,size=16m,{owner}")
    for folder in ("home", "mpl", "camp-home"):
        os.makedirs(os.path.join(scratch, folder), exist_ok=True)
    for path, fd in keep.items():
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND)
        os.close(fd)
    for hidden in spec.get("hide", []):
        if os.path.isdir(hidden):
            _mount(
                "camp-hidden", hidden, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, f"mode=755,size=4k,{owner}"
            )
    child = os.fork()
    if child:
        _supervise(child)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    if not _NESTED_USERNS:
        _forbid_user_namespaces()
    _drop_capabilities()
    _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: dies with its supervisor


def _forbid_user_namespaces() -> None:
    """No user namespace may be created inside this one (the limit is per user namespace, like bubblewrap's
    --disable-userns). Set while this process still holds CAP_SYS_RESOURCE here; once its capabilities are
    dropped, nothing in the kernel can raise the limit again. Fails loudly: a kernel never runs without it."""
    with open("/proc/sys/user/max_user_namespaces", "w") as handle:
        handle.write("0")
    with open("/proc/sys/user/max_user_namespaces") as handle:
        if handle.read().strip() != "0":
            raise OSError("user namespaces could not be forbidden in the kernel")


def _userns_forbidden_here() -> bool:
    """Does forbidding user namespaces work on this machine? A throwaway child does what _isolate does, then
    tries to create one (called once when the zygote starts; a kernel where it fails would not start)."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            uid, gid = os.getuid(), os.getgid()
            _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID), "unshare")
            for name, text in (
                ("setgroups", "deny"),
                ("uid_map", f"{uid} {uid} 1"),
                ("gid_map", f"{gid} {gid} 1"),
            ):
                with open(f"/proc/self/{name}", "w") as handle:
                    handle.write(text)
            _mount(None, "/", None, MS_REC | MS_PRIVATE)
            inner = os.fork()
            if inner == 0:
                status = 1
                try:
                    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
                    _forbid_user_namespaces()
                    _drop_capabilities()
                    status = 0 if _libc.unshare(CLONE_NEWUSER) != 0 else 1
                finally:
                    os._exit(status)
            code = os.waitstatus_to_exitcode(os.waitpid(inner, 0)[1])
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def _supervise(child: int) -> None:
    """The kernel's parent, outside its PID namespace: pass a stop on, exit with the kernel. Never returns."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt reaches the kernel itself (same group)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(child, signal.SIGKILL))
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(0)


def _cap_output(limit: int) -> None:
    """Each cell's printed output stops at `limit` characters inside the kernel, with one bilingual note.

    The grader caps what it receives too; capping here as well keeps an honest notebook that prints too much
    from flooding the grader (and timing out on a busy machine) before its later cells can run.
    """
    from ipykernel import iostream

    original = iostream.OutStream.write
    state = {"cell": None, "used": 0, "noted": False}

    def write(self, text):
        try:
            from IPython import get_ipython

            shell = get_ipython()
            cell = shell.execution_count if shell is not None else None
        except Exception:
            cell = None
        if cell != state["cell"]:
            state.update(cell=cell, used=0, noted=False)
        size = len(text) if isinstance(text, str) else 0
        if state["used"] + size <= limit:
            state["used"] += size
            return original(self, text)
        room = max(0, limit - state["used"])
        state["used"] = limit
        if room:
            original(self, text[:room])
        if not state["noted"]:
            state["noted"] = True
            original(self, "\n[output limit reached; the rest was dropped / आउटपुट सीमा पूरी हुई]\n")
        return size

    iostream.OutStream.write = write


def _child(request: dict, go: int) -> None:
    """In the forked child: wait until the zygote has put it in its cgroups, then become the kernel. Never
    returns."""
    try:
        placed = os.read(go, 1)
        if not placed:  # the zygote is gone: no kernel
            os._exit(1)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, 65536)  # the zygote's pipes and anything else inherited
        if request.get("isolate"):
            _isolate(request["isolate"])
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request.get("env", {}))
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        limits = dict(request.get("limits", {}))
        if placed != b"1" and limits.get("nproc"):  # no cgroup of its own: the per-user process limit
            limits["nproc"] = min(int(limits["nproc"]), FALLBACK_NPROC)
        _limit(limits)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if "pandas" in sys.modules:
            # pandas chose its column limit when the zygote imported it outside a kernel ("terminal": 0);
            # a kernel that imports pandas itself gets 20. Match it, so notebooks come out the same.
            sys.modules["pandas"].set_option("display.max_columns", 20)
        if request.get("output_limit"):
            _cap_output(int(request["output_limit"]))
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        if request["cwd"] not in sys.path:
            sys.path.insert(0, "")
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["argv"])
    except BaseException:
        if request.get("debug"):  # CAMP_ENGINE_DEBUG: why a kernel could not start, in its job folder
            import traceback

            with open(os.path.join(request["cwd"], "kernel-error.txt"), "w") as handle:
                traceback.print_exc(file=handle)
        raise
    finally:
        os._exit(0)


def _reap(*_args) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _status[pid] = os.waitstatus_to_exitcode(status)


def descendants(root: int, keep: set[int] = frozenset()) -> list[int]:
    """Every process whose parent chain leads to `root`, except the trees rooted at `keep` (psutil's walk)."""
    import psutil

    try:
        tree = psutil.Process(root).children(recursive=True)
    except psutil.Error:
        return []
    spared = set(keep)
    for pid in keep:
        try:
            spared.update(p.pid for p in psutil.Process(pid).children(recursive=True))
        except psutil.Error:
            pass
    return sorted(p.pid for p in tree if p.pid not in spared)


def _cleanup(keep: set[int]) -> int:
    killed = 0
    for _ in range(20):  # a fork bomb may race us: repeat until none is left
        pids = descendants(os.getpid(), keep)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        _reap()
    return killed


def serve() -> None:
    global _NESTED_USERNS
    unset = [] if _subreaper() else ["subreaper (a kernel's orphans could outlive it)"]
    if not _dies_with_parent():
        unset.append("die-with-parent (the sandbox could outlive its grading worker)")
    unset += [p for p in os.environ.pop("CAMP_CGROUP_PROBLEMS", "").split("\n") if p]
    _NESTED_USERNS = os.environ.pop("CAMP_UNSAFE_NESTED_USERNS", "") == "1"
    try:
        forbidden = _NESTED_USERNS or _userns_forbidden_here()
    except OSError:
        forbidden = False
    _warm_up(sys.argv[1:])  # the batch's camp modules (grader/engine.py: warm_modules)
    signal.signal(signal.SIGCHLD, _reap)
    out = sys.stdout
    out.write(json.dumps({"ready": True, "pid": os.getpid(), "unset": unset}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        op = request.get("op")
        if op == "spawn":
            groups = {c: f for c, f in (request.get("cgroup_mounts") or {}).items() if f}
            go_read, go_write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(go_write)
                _child(request, go_read)
            os.close(go_read)
            missing = place(pid, groups, request.get("cgroup_limits")) if groups else []
            try:
                os.write(go_write, b"1" if groups and not missing else b"0")  # the child may now run
            except OSError:
                pass  # it is gone already: its poll says so
            os.close(go_write)
            if request.get("isolate") and not forbidden:  # such a kernel dies at start rather than run so
                missing.append(
                    "no user namespaces inside a kernel (not enforceable here: kernels cannot start)"
                )
            reply = {
                "pid": pid,
                "cgroups": bool(groups) and not missing,
                "unset": unsettable_limits(request.get("limits", {})) + missing,
            }
        elif op == "poll":
            _reap()
            pid = request["pid"]
            alive = pid not in _status
            reply = {"returncode": None if alive else _status[pid]}
        elif op == "signal":
            try:
                os.killpg(request["pid"], request["sig"])
            except OSError:
                try:
                    os.kill(request["pid"], request["sig"])
                except OSError:
                    pass
            reply = {"ok": True}
        elif op == "cleanup":
            reply = {"killed": _cleanup(set(request.get("keep", [])))}
        elif op == "ping":
            reply = {"ok": True}
        else:
            reply = {"error": f"unknown op {op!r}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    serve()
