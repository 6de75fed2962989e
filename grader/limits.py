"""Limits that do not depend on who runs the grader: a cgroup per kernel where the machine allows it.

`RLIMIT_NPROC` counts processes per real uid and is not enforced for root, so on its own it cannot cap one
participant: all kernels of all workers share the uid, and as root it does nothing at all. Where the grader may
create cgroups (it runs as root, or a cgroup subtree was delegated to its user), each grading worker gets a
cgroup folder; every kernel goes into a child cgroup of its own with `pids.max`, a memory limit and a CPU quota,
so one participant's fork, memory or thread bomb stops at their own kernel while the others run on. Both cgroup
v2 (one unified tree) and v1 (one tree per controller) are handled. Where neither can be written, the resource
limits (`RLIMIT_*`) are all there is, and the summary says so, with the reason.

Layout, per worker: <controller root>/camp-grader/w<pid>/z (the zygote) and …/w<pid>/k<id> (one per kernel).

Who may write what (a kernel must never lift its own caps):
- the trusted worker makes every folder and writes every limit. When it is root, participant code runs as
  another uid, and of a kernel's folder only `cgroup.procs` (v1: and `tasks`) is handed to that uid, so the
  zygote can move its freshly forked child in; the limit files stay root's. On v2 the move also needs the common
  parent's `cgroup.procs` (w<pid>), which is handed over too: a process cannot be moved into w<pid> itself (it
  hands controllers down, so it may hold none), and the zygote's own folder stays root's.
- the zygote moves each child into its kernel folder before the child runs anything (the child waits), reads
  the limits back and tells the worker what is not in force (the batch summary prints it).
- a kernel then sees no cgroup file (the mount is hidden), gets a cgroup namespace rooted at its own folder, and
  may not create user namespaces, so it cannot mount a cgroup hierarchy of its own either (grader/zygote.py).
- cgroup v2: a cgroup that holds processes cannot hand controllers to its children (EBUSY), so when the
  grader's own cgroup refuses, its processes are moved into a leaf `camp-self` beside `camp-grader` first. Under
  systemd, start the grader in a delegated scope (`systemd-run --scope -p Delegate=yes camp autograde …`) so
  that this cgroup is its own.
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
GROUP = "camp-grader"
LEAF = "camp-self"  # v2: where the grader's own processes go, so that their cgroup can hand controllers down
CONTROLLERS = ("pids", "memory", "cpu")
REQUIRED = ("pids", "memory")  # without these two there are no per-participant caps
#: Per kernel: processes + threads, bytes of memory (RAM, page cache of its files included), CPU share.
KERNEL_LIMITS = {"pids": 256, "memory": 2 * 1024**3, "cpu": 1.0}
#: RLIMIT_NPROC for a kernel that could not be put in its cgroup (per user, as without cgroups).
FALLBACK_NPROC = 256
CPU_PERIOD = 100000


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


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def kernel_limit_files(controller: str, limits: dict | None = None) -> dict[str, str]:
    """The limit files of a kernel's cgroup for `controller` ('unified' = v2) and the values they must hold."""
    limits = {**KERNEL_LIMITS, **(limits or {})}
    quota = str(int(CPU_PERIOD * limits["cpu"]))
    if controller == "unified":
        return {
            "pids.max": str(limits["pids"]),
            "memory.max": str(limits["memory"]),
            "memory.swap.max": "0",
            "cpu.max": f"{quota} {CPU_PERIOD}",
        }
    return {
        "pids": {"pids.max": str(limits["pids"])},
        "memory": {
            "memory.limit_in_bytes": str(limits["memory"]),
            "memory.memsw.limit_in_bytes": str(limits["memory"]),  # RAM + swap (when swap is accounted)
        },
        "cpu": {"cpu.cfs_period_us": str(CPU_PERIOD), "cpu.cfs_quota_us": quota},
    }.get(controller, {})


#: Limit files that may be missing without a limit being lost: swap not accounted (no swap to cap).
OPTIONAL_FILES = {"memory.swap.max", "memory.memsw.limit_in_bytes"}


@dataclass
class Cgroups:
    """Where each controller's per-worker folder lives (host paths), and which limits are in force."""

    version: int = 0  # 2, 1, or 0 (none)
    worker: dict[str, Path] = field(default_factory=dict)  # controller -> …/camp-grader/w<pid>
    owner: int | None = None  # the uid participant code runs as, when the grader is root
    problems: list[str] = field(default_factory=list)  # what could not be set up (the summary says so)
    controllers: tuple[str, ...] = ()  # v2: the controllers handed down to the kernels
    kernel_owns_limits: bool = False  # tests only (CAMP_UNSAFE_TEST_SWITCHES=kernel-owns-cgroup)
    _prepared: list[dict[str, Path]] = field(default_factory=list)

    @classmethod
    def create(cls, tag: str, owner: int | None = None) -> Cgroups:
        """Make this worker's cgroup folders; an empty result (with the reason in `problems`) when not allowed."""
        from grader.settings import load  # here, not at the top: the sandboxed zygote imports this module

        settings = load()
        if settings.cgroups == "off":
            return cls()
        unsafe = "kernel-owns-cgroup" in settings.unsafe_test_switches
        problems: list[str] = []  # about v1 (a v2 failure counts only if v1 fails too)
        v2_failed = ""
        unified = ROOT / "unified" if (ROOT / "unified" / "cgroup.controllers").exists() else ROOT
        try:
            available = set((unified / "cgroup.controllers").read_text().split())
        except OSError:
            available = set()
        if set(REQUIRED) <= available:
            base = unified / _own_path("").lstrip("/")
            if base.name == LEAF:  # moved there by an earlier Cgroups.create (the batch's parent process)
                base = base.parent
            try:
                group = cls._make_v2(base, tag, owner)
                group.kernel_owns_limits = unsafe
                return group
            except OSError as exc:
                v2_failed = f"cgroup v2 under {base}: {_why(exc)}"
        worker = {}
        for controller in CONTROLLERS:
            base = ROOT / controller / _own_path(controller).lstrip("/")
            try:
                folder = cls._make_v1(base / GROUP / f"w{tag}")
            except OSError as exc:
                problems.append(f"cgroup v1 {controller} under {base}: {_why(exc)}")
                continue
            if folder is not None:
                worker[controller] = folder
        if "pids" in worker:
            if "memory" not in worker:
                problems.append("cgroup v1: no memory cgroup (memory is capped per process only)")
            return cls(version=1, worker=worker, owner=owner, problems=problems, kernel_owns_limits=unsafe)
        for folder in worker.values():
            _remove_tree(folder)
        problems = [v2_failed, *problems] if v2_failed else problems
        if os.geteuid() == 0 and not problems:
            problems.append(f"no cgroup hierarchy with pids and memory could be written under {ROOT}")
        return cls(problems=problems)

    @staticmethod
    def _make_v1(folder: Path) -> Path | None:
        if not _writable_dir(folder.parent.parent) and not _writable_dir(folder.parent):
            return None
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "z").mkdir(exist_ok=True)
        return folder

    @classmethod
    def _make_v2(cls, base: Path, tag: str, owner: int | None) -> Cgroups:
        offered = set((base / "cgroup.controllers").read_text().split())
        wanted = tuple(c for c in CONTROLLERS if c in offered)
        problems = []
        if not set(REQUIRED) <= set(wanted):
            raise OSError(errno.ENOENT, f"controllers offered here: {' '.join(sorted(offered)) or 'none'}")
        if "cpu" not in wanted:
            problems.append(f"CPU cap (no cpu controller offered in {base})")
        enabled = _enable_v2(base, wanted)
        group = base / GROUP
        group.mkdir(exist_ok=True)
        enabled = _enable_v2(group, enabled)
        folder = group / f"w{tag}"
        folder.mkdir(exist_ok=True)
        (folder / "z").mkdir(exist_ok=True)
        enabled = _enable_v2(folder, enabled)
        problems += [
            f"{c} cap (the {c} controller could not be handed down)" for c in wanted if c not in enabled
        ]
        if owner is not None:  # the zygote moves its children from z to k<id>: the common parent's file
            os.chown(folder / "cgroup.procs", owner, -1)
        return cls(version=2, worker={"unified": folder}, owner=owner, problems=problems, controllers=enabled)

    # -- used by the trusted worker -----------------------------------------------------------------------------
    def join_zygote(self, pid: int) -> None:
        """Put a process (the sandbox, before it starts the zygote) into this worker's zygote cgroup."""
        for folder in self.worker.values():
            (folder / "z" / "cgroup.procs").write_text(str(pid))

    def prepare_kernel(self, limits: dict | None = None) -> dict[str, Path]:
        """A new cgroup for the next kernel, per controller, with its limits written (host paths).

        Made and written here, by the trusted worker; only what the zygote needs to move the kernel in is
        handed to the sandbox's user. A folder that cannot be made is left out; the zygote reads every limit
        back, so whatever is missing is reported, never silently skipped."""
        self._collect()
        name = f"k{uuid.uuid4().hex[:16]}"
        made: dict[str, Path] = {}
        for controller, folder in self.worker.items():
            path = folder / name
            try:
                path.mkdir()
            except OSError:
                continue
            for key, value in kernel_limit_files(controller, limits).items():
                try:
                    (path / key).write_text(value)
                except OSError:
                    pass  # read back by the zygote: a limit that did not take is reported there
            if self.owner is not None:
                handed = ["cgroup.procs", "tasks"]
                if self.kernel_owns_limits:  # tests only: the old way, the kernel's uid owns its limits
                    handed = [p.name for p in path.iterdir()]
                    os.chown(path, self.owner, -1)
                for name_ in handed:
                    if (path / name_).exists():
                        os.chown(path / name_, self.owner, -1)
            made[controller] = path
        self._prepared.append(made)
        return made

    def _collect(self) -> None:
        """Remove the folders of finished kernels (empty, and older than the two newest: running, prestarted)."""
        keep = self._prepared[-2:]
        for made in self._prepared[:-2]:
            gone = True
            for path in made.values():
                try:
                    if (path / "cgroup.procs").read_text().strip():
                        gone = False
                        continue
                    path.rmdir()
                except FileNotFoundError:
                    pass
                except OSError:
                    gone = False
            if not gone:
                keep.insert(0, made)
        self._prepared = keep

    def describe(self) -> str:
        if not self.version:
            why = f" ({'; '.join(self.problems)})" if self.problems else ""
            return (
                f"limits: RLIMIT only (no cgroups here{why}: processes are capped per user, not per participant; "
                "run the grader as root or delegate a cgroup to get per-participant caps)"
            )
        mem = KERNEL_LIMITS["memory"] // 1024**2
        has_cpu = "cpu" in (self.controllers if self.version == 2 else self.worker)
        cpu = " · CPU 1 core" if has_cpu else ""
        line = (
            f"limits: cgroup v{self.version} per participant (processes {KERNEL_LIMITS['pids']} · "
            f"memory {mem} MiB{cpu}) + RLIMIT"
        )
        if self.problems:
            line += " · NOT in force: " + "; ".join(self.problems)
        return line

    def remove(self) -> None:
        for folder in self.worker.values():
            _remove_tree(folder)


def _enable_v2(folder: Path, controllers: tuple[str, ...]) -> tuple[str, ...]:
    """Hand `controllers` down to the children of `folder` (cgroup.subtree_control); returns those handed down.
    Raises when pids or memory cannot be.

    A cgroup other than the root may not both hold processes and hand controllers down: the kernel refuses with
    EBUSY. Then the processes in it (the grader's own, and whatever shares its cgroup) move into a leaf beside
    the grader's group, and it is tried again."""
    control = folder / "cgroup.subtree_control"
    enabled = []
    for controller in controllers:
        for attempt in range(5):
            if controller in control.read_text().split():
                enabled.append(controller)
                break
            try:
                control.write_text(f"+{controller}")
                enabled.append(controller)
                break
            except OSError as exc:
                if exc.errno == errno.EBUSY and attempt < 4:
                    _into_leaf(folder)
                    continue
                if controller in REQUIRED:
                    raise OSError(exc.errno, f"{control}: +{controller}: {_why(exc)}") from None
                break
    return tuple(enabled)


def _into_leaf(folder: Path) -> None:
    """Move every process of `folder` into its child LEAF (v2), so that `folder` may hand controllers down."""
    leaf = folder / LEAF
    leaf.mkdir(exist_ok=True)
    for pid in (folder / "cgroup.procs").read_text().split():
        try:
            (leaf / "cgroup.procs").write_text(pid)
        except OSError:
            pass  # exited meanwhile


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


# -- used inside the sandbox, by the zygote ---------------------------------------------------------------------
def place(pid: int, groups: dict[str, str], limits: dict | None = None) -> list[str]:
    """Move process `pid` into its kernel's cgroups (`groups`: controller -> folder as the zygote sees it), then
    read every limit back. Returns what is not in force (empty: all of it is)."""
    missing = []
    for controller, folder in groups.items():
        path = Path(folder)
        try:
            with open(path / "cgroup.procs", "w") as handle:
                handle.write(str(pid))
        except OSError as exc:
            missing.append(f"per-participant {controller} cgroup: the kernel could not join it ({_why(exc)})")
            continue
        for key, value in kernel_limit_files(controller, limits).items():
            try:
                found = (path / key).read_text().strip()
            except FileNotFoundError:
                if key in OPTIONAL_FILES or (controller == "unified" and key == "cpu.max"):
                    continue  # no swap accounting; no cpu controller handed down (the summary says "no CPU")
                found = "missing"
            except OSError as exc:
                found = _why(exc)
            if found != value:
                missing.append(f"per-participant cgroup limit {key} (reads {found!r}, not {value!r})")
    return missing
