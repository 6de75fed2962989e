"""Limits that do not depend on who runs the grader: a cgroup per kernel where the machine allows it.

`RLIMIT_NPROC` counts processes per real uid and is not enforced for root, so on its own it cannot cap one
participant: all kernels of all workers share the uid, and as root it does nothing at all. Where the grader may
create cgroups (it runs as root, or a cgroup subtree was delegated to its user), each grading worker gets a
cgroup folder handed to the sandbox's user; the zygote puts every kernel in a child cgroup of its own with
`pids.max`, a memory limit and a CPU quota, so one participant's fork, memory or thread bomb stops at their own
kernel while the others run on. Both cgroup v2 (one unified tree) and v1 (one tree per controller) are handled.
Where neither can be written, the resource limits (`RLIMIT_*`) are all there is, and the summary says so.

Layout, per worker: <controller root>/camp-grader/w<pid>/z (the zygote) and …/w<pid>/k<name> (one per kernel).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
GROUP = "camp-grader"
CONTROLLERS = ("pids", "memory", "cpu")
#: Per kernel: processes + threads, bytes of memory (RAM, page cache of its files included), CPU share.
KERNEL_LIMITS = {"pids": 256, "memory": 2 * 1024**3, "cpu": 1.0}


def _own_path(controller: str) -> str:
    """This process's cgroup path for `controller` ('' = the v2 unified tree), from /proc/self/cgroup."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return "/"
    for line in lines:
        _, names, path = line.split(":", 2)
        if (controller == "" and names == "") or controller in names.split(","):
            return path or "/"
    return "/"


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


@dataclass
class Cgroups:
    """Where each controller's per-worker folder lives (host paths), and which limits are in force."""

    version: int = 0  # 2, 1, or 0 (none)
    worker: dict[str, Path] = field(default_factory=dict)  # controller -> …/camp-grader/w<pid>

    @classmethod
    def create(cls, tag: str, owner: int | None = None) -> Cgroups:
        """Make this worker's cgroup folders (handed to uid `owner` when given); an empty result when not allowed."""
        from grader.settings import load  # here, not at the top: the sandboxed zygote imports this module

        if load().cgroups == "off":
            return cls()
        unified = ROOT / "unified" if (ROOT / "unified" / "cgroup.controllers").exists() else ROOT
        try:
            available = set((unified / "cgroup.controllers").read_text().split())
        except OSError:
            available = set()
        if {"pids", "memory"} <= available:
            base = unified / _own_path("").lstrip("/")
            group = cls._make_v2(base, tag, owner, available & set(CONTROLLERS))
            if group:
                return group
        worker = {}
        for controller in CONTROLLERS:
            base = ROOT / controller / _own_path(controller).lstrip("/")
            folder = cls._make_dir(base / GROUP / f"w{tag}", owner)
            if folder is not None:
                worker[controller] = folder
        if "pids" in worker:
            return cls(version=1, worker=worker)
        for folder in worker.values():
            _remove_tree(folder)
        return cls()

    @staticmethod
    def _make_dir(folder: Path, owner: int | None) -> Path | None:
        if not _writable_dir(folder.parent.parent) and not _writable_dir(folder.parent):
            return None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "z").mkdir(exist_ok=True)
            if owner is not None:  # the sandbox's user makes and fills the kernels' folders
                for folder_ in (folder, folder / "z"):
                    os.chown(folder_, owner, -1)
                    for name in ("cgroup.procs", "tasks"):
                        if (folder_ / name).exists():
                            os.chown(folder_ / name, owner, -1)
            return folder
        except OSError:
            return None

    @classmethod
    def _make_v2(cls, base: Path, tag: str, owner: int | None, controllers: set[str]) -> Cgroups | None:
        enable = " ".join(f"+{c}" for c in sorted(controllers))
        try:
            group = base / GROUP
            group.mkdir(exist_ok=True)
            (base / "cgroup.subtree_control").write_text(enable)
            (group / "cgroup.subtree_control").write_text(enable)
            folder = group / f"w{tag}"
            folder.mkdir(exist_ok=True)
            (folder / "z").mkdir(exist_ok=True)
            (folder / "cgroup.subtree_control").write_text(enable)
            if owner is not None:
                for path in [folder, *folder.iterdir(), folder / "z", *(folder / "z").iterdir()]:
                    if path.is_dir() or path.name in (
                        "cgroup.procs",
                        "cgroup.threads",
                        "cgroup.subtree_control",
                    ):
                        os.chown(path, owner, -1)
        except OSError:
            return None
        return cls(version=2, worker={"unified": folder})

    # -- used by the trusted worker -----------------------------------------------------------------------------
    def join_zygote(self, pid: int) -> None:
        """Put a process (the sandbox, before it starts the zygote) into this worker's zygote cgroup."""
        for folder in self.worker.values():
            (folder / "z" / "cgroup.procs").write_text(str(pid))

    def describe(self) -> str:
        if not self.version:
            return (
                "limits: RLIMIT only (no cgroups here: processes are capped per user, not per participant; "
                "run the grader as root or delegate a cgroup to get per-participant caps)"
            )
        mem = KERNEL_LIMITS["memory"] // 1024**2
        cpu = " · CPU 1 core" if (self.version == 2 or "cpu" in self.worker) else ""
        return (
            f"limits: cgroup v{self.version} per participant (processes {KERNEL_LIMITS['pids']} · "
            f"memory {mem} MiB{cpu}) + RLIMIT"
        )

    def remove(self) -> None:
        for folder in self.worker.values():
            _remove_tree(folder)


def _remove_tree(folder: Path) -> None:
    """rmdir a cgroup folder and its children (cgroup folders are removed with rmdir, children first)."""
    if not folder.exists():
        return
    for child in sorted(
        (p for p in folder.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True
    ):
        _kill_and_rmdir(child)
    _kill_and_rmdir(folder)


def _kill_and_rmdir(folder: Path) -> None:
    import signal

    for _ in range(50):
        try:
            pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
        except OSError:
            pids = []
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            folder.rmdir()
            return
        except OSError:
            import time

            time.sleep(0.02)
    shutil.rmtree(folder, ignore_errors=True)


# -- used inside the sandbox (the zygote, and each kernel before it runs anything) ----------------------------
def kernel_group(mounts: dict[str, str], name: str, limits: dict | None = None) -> list[str]:
    """Create the kernel's cgroup folders under the sandbox's view of the worker's folders; returns them."""
    limits = {**KERNEL_LIMITS, **(limits or {})}
    made = []
    for controller, folder in mounts.items():
        path = Path(folder) / f"k{name}"
        path.mkdir(exist_ok=True)
        writes = {}
        if controller == "unified":
            writes = {
                "pids.max": str(limits["pids"]),
                "memory.max": str(limits["memory"]),
                "memory.swap.max": "0",
                "cpu.max": f"{int(100000 * limits['cpu'])} 100000",
            }
        elif controller == "pids":
            writes = {"pids.max": str(limits["pids"])}
        elif controller == "memory":
            writes = {"memory.limit_in_bytes": str(limits["memory"])}
        elif controller == "cpu":
            writes = {"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": str(int(100000 * limits["cpu"]))}
        for key, value in writes.items():
            try:
                (path / key).write_text(value)
            except OSError:
                pass  # e.g. no swap accounting: the other limits still hold
        made.append(str(path))
    return made


def join(groups: list[str]) -> None:
    """Move the calling process into each of these cgroups (children follow)."""
    for folder in groups:
        with open(Path(folder) / "cgroup.procs", "w") as handle:
            handle.write(str(os.getpid()))


def release(groups: list[str]) -> None:
    """Remove a finished kernel's cgroups (after its processes are gone)."""
    for folder in groups:
        try:
            os.rmdir(folder)
        except OSError:
            pass
