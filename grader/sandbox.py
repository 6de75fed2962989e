"""Where participant code runs while grading: a bubblewrap sandbox on Linux, resource limits everywhere.

Strong mode (Linux with `bwrap`): the warm zygote and every kernel it forks live in new user, PID, network,
IPC and mount namespaces as an unprivileged user. They see read-only Python and the `camp` package, and one
writable scratch folder per grading worker. There is no network, nothing of the trainer's home, no gradebook,
no `source/` or `release/`, and no other participant's folder. Weak mode (no bubblewrap, not Linux):
the same limits and minimal environment, but files and network are not hidden. The engine says so loudly.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

NOBODY = 65534
DEFAULT_LIMITS = {
    "as": 4 * 1024**3,  # address space: a memory bomb gets MemoryError
    "nproc": 256,  # processes and threads in the sandbox's user namespace: a fork bomb stops here
    "cpu": 120,  # CPU seconds per kernel
    "fsize": 50 * 1024**2,  # no file written bigger than this
    "nofile": 512,
}


@functools.lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """True when bubblewrap can create the namespaces the strong sandbox needs."""
    exe = shutil.which("bwrap")
    if not exe or not sys.platform.startswith("linux"):
        return False
    probe = [exe, "--unshare-all", "--uid", str(NOBODY), "--gid", str(NOBODY), "--ro-bind", "/", "/",
             "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _package_dir(name: str) -> Path:
    import importlib

    return Path(importlib.import_module(name).__path__[0]).resolve()


@dataclass
class Sandbox:
    strong: bool
    limits: dict = field(default_factory=lambda: dict(DEFAULT_LIMITS))

    @classmethod
    def detect(cls) -> Sandbox:
        mode = os.environ.get("CAMP_SANDBOX", "auto")
        if mode == "off":
            return cls(strong=False)
        if mode == "bwrap" and not bwrap_works():
            raise RuntimeError("CAMP_SANDBOX=bwrap but bubblewrap does not work here")
        return cls(strong=bwrap_works())

    def describe(self) -> str:
        if self.strong:
            return "sandbox: bubblewrap (no network, own files only, limits on memory/processes/CPU/files)"
        return ("WARNING: sandbox is WEAK — bubblewrap is not available, so participant code can read files and "
                "use the network as the trainer's user (limits on memory/processes/CPU still apply). "
                "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap).")

    def env(self, scratch: Path) -> dict[str, str]:
        """The zygote's environment: nothing of the trainer's (no keys, tokens or settings)."""
        home = scratch / "home"
        home.mkdir(parents=True, exist_ok=True)
        mpl = scratch / "mpl"
        mpl.mkdir(exist_ok=True)
        try:  # matplotlib's font list, so kernels do not rebuild it
            import matplotlib

            for cache in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
                shutil.copy(cache, mpl / cache.name)
        except Exception:
            pass
        return {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MPLCONFIGDIR": str(mpl),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "CAMP_HOME": str(scratch / "camp-home"),
        }

    def kernel_env(self, job: Path) -> dict[str, str]:
        env = self.env(job.parent.parent)
        env["HOME"] = str(job)
        env["NBGRADER_EXECUTION"] = "autograde"
        return env

    def wrap(self, cmd: list[str], *, scratch: Path) -> list[str]:
        """`cmd` inside bubblewrap (strong mode), or unchanged (weak mode)."""
        if not self.strong:
            return cmd
        args = [shutil.which("bwrap") or "bwrap", "--unshare-all", "--die-with-parent", "--new-session",
                "--uid", str(NOBODY), "--gid", str(NOBODY),
                "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--dir", "/etc"]
        for path in ("/usr", "/bin", "/lib", "/lib64", "/sbin"):
            if os.path.exists(path):
                args += ["--ro-bind", path, path]
        if os.path.exists("/etc/ld.so.cache"):
            args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        readonly = {Path(sys.base_prefix).resolve(), Path(sys.prefix), Path(sys.prefix).resolve(),
                    _package_dir("camp"), _package_dir("grader")}
        for path in sorted(readonly):
            args += ["--ro-bind", str(path), str(path)]
        args += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch), "--clearenv"]
        for key, value in self.env(scratch).items():
            args += ["--setenv", key, value]
        return args + cmd
