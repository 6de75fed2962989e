"""A warm parent for kernels: imports the heavy modules once, then forks one fresh kernel per notebook.

Run as `python -m grader.zygote` (by grader.kernels, possibly inside a bubblewrap sandbox). It speaks JSON
lines on stdin/stdout:

    {"op": "spawn", "argv": [...], "cwd": "...", "env": {...}, "limits": {...}}  -> {"pid": 123}
    {"op": "poll", "pid": 123}                                                    -> {"returncode": null | int}
    {"op": "signal", "pid": 123, "sig": 2}                                        -> {"ok": true}
    {"op": "cleanup"}   kill every process left behind (by any kernel)           -> {"killed": n}

Each kernel is a forked child in a new session, with resource limits, a minimal environment and its own
working folder; it shares no state with the kernels before it (a fork copies the warm parent, nothing else).
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys

WARM = ["numpy", "pandas", "matplotlib", "matplotlib.pyplot", "ipywidgets", "camp.answers", "camp.check",
        "camp.charts", "camp.data", "camp.quiz"]
_status: dict[int, int] = {}


def _warm_up() -> None:
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    import ipykernel.ipkernel  # noqa: F401  (the kernel itself, IPython, zmq, tornado)
    import ipykernel.kernelapp  # noqa: F401

    for name in WARM:
        try:
            __import__(name)
        except Exception:  # a missing optional module only costs its import time later
            pass
    try:
        import camp.charts

        camp.charts.setup()
    except Exception:
        pass


def _subreaper() -> None:
    """Become the parent of orphans (PR_SET_CHILD_SUBREAPER), so nothing a kernel starts escapes cleanup."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    except Exception:
        pass


def _limit(limits: dict) -> None:
    for name, value in limits.items():
        kind = getattr(resource, f"RLIMIT_{name.upper()}", None)
        if kind is not None and value:
            try:
                resource.setrlimit(kind, (int(value), int(value)))
            except (ValueError, OSError):
                pass


def _child(request: dict) -> None:
    """In the forked child: become the kernel. Never returns."""
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, 1024)  # the zygote's pipes and anything else inherited
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request.get("env", {}))
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        _limit(request.get("limits", {}))
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if "pandas" in sys.modules:
            # pandas chose its column limit when the zygote imported it outside a kernel ("terminal": 0);
            # a kernel that imports pandas itself gets 20. Match it, so notebooks come out the same.
            sys.modules["pandas"].set_option("display.max_columns", 20)
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        if request["cwd"] not in sys.path:
            sys.path.insert(0, "")
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["argv"])
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
    """Every process whose parent chain leads to `root`, except the trees rooted at `keep`."""
    me = root
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {me}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier and pid not in found and pid not in keep}
        found |= frontier
    return sorted(found)


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
    _subreaper()
    _warm_up()
    signal.signal(signal.SIGCHLD, _reap)
    out = sys.stdout
    out.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        op = request.get("op")
        if op == "spawn":
            pid = os.fork()
            if pid == 0:
                _child(request)
            reply = {"pid": pid}
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
