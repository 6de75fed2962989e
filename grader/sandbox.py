"""Where participant code runs while grading: a bubblewrap sandbox on Linux, resource limits everywhere.

Strong mode (Linux with `bwrap`): the warm zygote lives in new user, PID, network, IPC and mount namespaces as
an unprivileged user, seeing read-only Python, the `camp` package, of `grader` only the zygote's own files
(ZYGOTE_MODULES; with the usual editable install nothing else of it: no answer key, no trainer's tools) and its
worker's scratch folder. Every kernel it forks then goes into namespaces of its own (grader/zygote.py): it
sees only its own job folder and its own sockets, a fresh /tmp and /proc, and no other kernel, not even the
zygote.

Never as root: when the grader is started as root (CI, a server, `sudo`), the sandbox is created by the
unprivileged user `nobody` (or CAMP_GRADER_USER), so participant code is that user outside its namespaces
too, and limits that count per user hold. Since that user may not be able to reach the Python or the course
(e.g. under /root), a tiny launcher first makes a private mount namespace as root, bind-mounts exactly the
folders the sandbox needs onto a staging folder it can reach, drops to the user, then starts bwrap.

Limits per participant (grader/limits.py): the trusted worker makes each kernel's cgroup and writes its limits
before the kernel exists; the zygote only moves the kernel in. The sandbox shares the worker's cgroup namespace
(so the zygote can move a kernel between two cgroups it sees), and each kernel gets one of its own.

Weak mode (no bubblewrap, not Linux): the same limits and minimal environment, but files and network are not
hidden. The engine says so loudly. Weak mode refuses to run as root.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader import settings as camp_settings
from grader.limits import Cgroups

NOBODY = 65534
DEFAULT_LIMITS = {
    "as": 4 * 1024**3,  # address space: a memory bomb gets MemoryError
    "nproc": 256,  # processes and threads of the sandbox's user (per user; the cgroup caps per participant)
    "cpu": 120,  # CPU seconds per kernel
    "fsize": 50 * 1024**2,  # no file written bigger than this
    "nofile": 512,
}
CGROUP_MOUNT = "/run/camp-cgroup"  # where the sandbox sees this worker's cgroup folders

# Run as root in a fresh Python (-I -S: nothing from the environment or site-packages): make a private mount
# namespace, bind each needed folder onto a staging folder any user can reach, drop to the user, exec bwrap.
_LAUNCHER = r"""
import ctypes, json, os, sys
spec = json.loads(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
def mount(src, target, fstype, flags, data=None):
    if libc.mount(src and src.encode(), target.encode(), fstype and fstype.encode(), flags,
                  data and data.encode()) != 0:
        err = ctypes.get_errno()
        sys.exit(f"camp sandbox launcher: mount {target}: {os.strerror(err)}")
if libc.unshare(0x00020000) != 0:
    sys.exit("camp sandbox launcher: unshare(CLONE_NEWNS) failed")
mount(None, "/", None, 16384 | (1 << 18))  # MS_REC | MS_PRIVATE: nothing leaks back to the host
fds = [os.open(path, os.O_PATH) for path in spec["paths"]]
mount("camp-stage", spec["stage"], "tmpfs", 2 | 4, "mode=755,size=64k")  # MS_NOSUID | MS_NODEV
for index, fd in enumerate(fds):
    target = os.path.join(spec["stage"], str(index))
    if os.path.isdir(f"/proc/self/fd/{fd}"):
        os.mkdir(target)
    else:
        open(target, "w").close()
    mount(f"/proc/self/fd/{fd}", target, None, 4096 | 16384)  # MS_BIND | MS_REC
    os.close(fd)
os.setgroups([])
os.setgid(spec["gid"])
os.setuid(spec["uid"])
if os.getuid() == 0 or os.geteuid() == 0:
    sys.exit("camp sandbox launcher: could not drop root")
os.execv(spec["argv"][0], spec["argv"])
"""


def grader_user() -> tuple[int, int] | None:
    """(uid, gid) that participant code runs as when the grader is root; None when not root."""
    if os.geteuid() != 0:
        return None
    name = camp_settings.load().grader_user
    try:
        entry = pwd.getpwnam(name)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return NOBODY, NOBODY


@functools.lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """True when bubblewrap can create the namespaces the strong sandbox needs, launched as the engine does."""
    exe = shutil.which("bwrap")
    if not exe or not sys.platform.startswith("linux"):
        return False
    try:
        box = Sandbox(strong=True)
        probe = [
            exe,
            "--unshare-all",
            "--uid",
            str(NOBODY),
            "--gid",
            str(NOBODY),
            "--ro-bind",
            "/",
            "/",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "true",
        ]
        return subprocess.run(box.launch(probe, paths=[]), capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _package_dir(name: str) -> Path:
    import importlib

    return Path(importlib.import_module(name).__path__[0]).resolve()


#: The only trainer-side modules the sandbox holds: the zygote and what it imports (tests/test_layers.py checks
#: that importing grader.zygote loads exactly these). Kernels need the participant package `camp`, nothing else.
ZYGOTE_MODULES = ("grader", "grader.limits", "grader.zygote")


def readonly_paths() -> set[Path]:
    """What the strong sandbox mounts read-only besides the system: Python, `camp`, and the zygote's files."""
    import importlib.util

    zygote = {Path(importlib.util.find_spec(name).origin).resolve() for name in ZYGOTE_MODULES}
    return {
        Path(sys.base_prefix).resolve(),
        Path(sys.prefix),
        Path(sys.prefix).resolve(),
        _package_dir("camp"),
        *zygote,
    }


@dataclass
class Sandbox:
    strong: bool
    limits: dict = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    cgroups: Cgroups = field(default_factory=Cgroups)
    isolate_kernels: bool = (
        True  # one namespace per kernel (strong mode); off only in the tests that show why
    )

    @classmethod
    def detect(cls) -> Sandbox:
        mode = camp_settings.load().sandbox
        if mode == "off":
            return cls(strong=False)
        if mode == "bwrap" and not bwrap_works():
            raise RuntimeError("CAMP_SANDBOX=bwrap but bubblewrap does not work here")
        return cls(strong=bwrap_works())

    @property
    def user(self) -> tuple[int, int] | None:
        return grader_user()

    def check_allowed(self) -> None:
        """Refuse to run participant code as root outside a namespace."""
        if not self.strong and os.geteuid() == 0:
            raise RuntimeError(
                "refusing to grade as root without bubblewrap: participant code would run as root. Install "
                "bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or run the grader as a normal user."
            )

    def describe(self) -> str:
        if self.strong:
            who = " as an unprivileged user" if self.user else ""
            return (
                f"sandbox: bubblewrap (no network, own files only, one namespace per participant{who}, "
                "limits on memory/processes/CPU/files)"
            )
        return (
            "WARNING: sandbox is WEAK — bubblewrap is not available, so participant code can read files and "
            "use the network as the trainer's user (limits on memory/processes/CPU still apply). "
            "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap)."
        )

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
            **self._zygote_notes(),
        }

    def _zygote_notes(self) -> dict[str, str]:
        """What the zygote is told at start: limits this worker could not set up (it reports them with what
        it could not set itself), and, for tests only, a defence switched off."""
        notes = {}
        if self.cgroups.problems:
            notes["CAMP_CGROUP_PROBLEMS"] = "\n".join(self.cgroups.problems)
        if "nested-userns" in camp_settings.load().unsafe_test_switches:
            notes["CAMP_UNSAFE_NESTED_USERNS"] = "1"  # kernels may create user namespaces again
        return notes

    def kernel_env(self, job: Path) -> dict[str, str]:
        env = self.env(job.parent.parent)
        for key in self._zygote_notes():
            env.pop(key, None)
        env["HOME"] = str(job)
        env["NBGRADER_EXECUTION"] = "autograde"
        return env

    def launch(self, argv: list[str], *, paths: list[str]) -> list[str]:
        """`argv` (a bwrap command whose binds name `paths`), started so participant code is never root."""
        user = self.user
        if user is None:
            return argv
        stage = "/tmp"  # in the launcher's private mount namespace only; bwrap gives the sandbox its own /tmp
        staged = {path: f"{stage}/{n}" for n, path in enumerate(paths)}
        argv = [
            staged.get(a, a) if i > 0 and argv[i - 1] in ("--ro-bind", "--bind") else a
            for i, a in enumerate(argv)
        ]
        spec = {"paths": paths, "stage": stage, "uid": user[0], "gid": user[1], "argv": argv}
        return [sys.executable, "-I", "-S", "-c", _LAUNCHER, json.dumps(spec)]

    def prepare(self, scratch: Path) -> None:
        """Hand the scratch folder to the sandbox's user (when the grader is root)."""
        if self.user is not None:
            chown_tree(scratch, *self.user)

    def wrap(self, cmd: list[str], *, scratch: Path) -> list[str]:
        """`cmd` inside bubblewrap (strong mode), or unchanged (weak mode)."""
        if not self.strong:
            self.check_allowed()
            return cmd
        args = [
            shutil.which("bwrap") or "bwrap",
            # every namespace but the cgroup one: under cgroup v2 with nsdelegate, a process may only move
            # another between cgroups inside its own cgroup namespace, and the zygote moves each kernel from
            # its own cgroup into the kernel's. Each kernel gets a cgroup namespace of its own (grader/zygote.py).
            "--unshare-user",
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--die-with-parent",
            "--new-session",
            "--uid",
            str(NOBODY),
            "--gid",
            str(NOBODY),
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--tmpfs",
            "/tmp",
            "--dir",
            "/etc",
        ]
        for path in ("/usr", "/bin", "/lib", "/lib64", "/sbin"):
            if os.path.exists(path):
                args += ["--ro-bind", path, path]
        if os.path.exists("/etc/ld.so.cache"):
            args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
        staged = []
        for path in sorted(readonly_paths()):
            args += ["--ro-bind", str(path), str(path)]
            staged.append(str(path))
        args += ["--bind", str(scratch), str(scratch)]
        staged.append(str(scratch))
        for controller, folder in self.cgroups.worker.items():
            args += ["--bind", str(folder), f"{CGROUP_MOUNT}/{controller}"]
            staged.append(str(folder))
        args += ["--chdir", str(scratch), "--clearenv"]
        for key, value in self.env(scratch).items():
            args += ["--setenv", key, value]
        return self.launch(args + cmd, paths=staged)

    def cgroup_mounts(self) -> dict[str, str]:
        """The next kernel's cgroup folders, made and filled with its limits here (the trusted side), as the
        zygote sees them: controller -> folder the zygote moves the kernel into (empty: no cgroups)."""
        prepared = self.cgroups.prepare_kernel()
        if self.strong:
            return {c: f"{CGROUP_MOUNT}/{c}/{folder.name}" for c, folder in prepared.items()}
        return {c: str(folder) for c, folder in prepared.items()}


def chown_tree(folder: Path, uid: int, gid: int) -> None:
    """chown a folder the trusted side made, never following a link."""
    os.chown(folder, uid, gid, follow_symlinks=False)
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)
