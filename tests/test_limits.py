"""Limits that hold when the grader runs as root: a fork bomb, a memory bomb and a thread bomb in one batch, and a
participant who tries to lift her own caps.

Each bomb ends with its own notebook cut off and scored exactly on what ran; the honest participants in the same
batch get their exact scores; the machine keeps answering (a probe process is pinged all along); the cgroup of
every kernel never went past its caps and its limit files never changed, read from outside; and no participant
process ran as uid 0 outside its namespace. The cap-lifting attack is run again with its two defences switched
off (CAMP_UNSAFE_TEST_SWITCHES), one at a time and both: only with both off does it lift the cap, so the test
can fail.

Kernel cgroups are read on cgroup v1 (one tree per controller) and v2 (the unified tree) alike; this CI runs v1.
"""

from __future__ import annotations

import glob
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from conftest import answer_fixture, answers_file
from conftest import with_code as _with_code

from camp import paths
from grader import engine, sandbox
from grader.limits import GROUP, KERNEL_LIMITS

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("limits")]
A = "00-start-here"
RIGHT = answer_fixture(A)["widget_answers"]
FULL = 6.0
BOMB_CELL = "q4_submit_steps_code"  # after three test cells: what ran before the bomb is worth 3 points
BOMBS = {
    "fork_bomb": "import os\nwhile True:\n    os.fork()",
    "memory_bomb": "hog = []\nwhile True:\n    hog.append(b'x' * (64 * 1024**2))",
    "thread_bomb": (
        "import threading, time\nwhile True:\n"
        "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()"
    ),
}
STOPPED = ("KernelDied", "KernelUnresponsive")  # the kernel is gone: the cells after the bomb did not run
#: How each bomb is cut off, as its cell shows it: a fork refused at the process cap, or the kernel wedged by its
#: hundreds of forked copies (which one varies from run to run); the kernel killed by the memory cap (the cgroup's
#: OOM killer) or a MemoryError; a thread refused at the process cap. That it was the bomb's own cgroup cap that
#: stopped it is read from outside (Watch.by_participant).
CUT_OFF = {
    "fork_bomb": ("BlockingIOError", *STOPPED),
    "memory_bomb": ("KernelDied", "MemoryError"),
    "thread_bomb": ("can't start new thread",),
}
WHO = (
    "participant.txt"  # put beside each submission (copied into its job folder): whose kernel a cgroup holds
)

# A participant who tries to lift her own caps: writes "max" into every limit file she can find, then into every
# one she can reach by mounting the cgroup hierarchies in new user, mount and cgroup namespaces (the attack the
# audit showed), then forks past the process cap with children that wait, so the count can be read from outside.
LIFTER = r"""
import ctypes, glob, os, time, warnings
warnings.simplefilter("ignore")
_FILES = ("pids.max", "memory.memsw.limit_in_bytes", "memory.limit_in_bytes", "memory.max", "memory.swap.max")

def _lift(root, lifted, refused):
    for name in _FILES:
        for path in glob.glob(f"{root}/**/{name}", recursive=True):
            try:
                with open(path, "w") as f:
                    f.write("-1" if "limit_in_bytes" in name else "max")
                lifted.append(path)
            except OSError as e:
                refused.append(f"{path}: {e.strerror}")

def _in_new_namespaces(report):
    libc = ctypes.CDLL(None, use_errno=True)
    lifted, refused = [], []
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(0x10000000 | 0x00020000 | 0x02000000) != 0:  # user, mount, cgroup
        refused.append("unshare: " + os.strerror(ctypes.get_errno()))
    else:
        for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
        for fstype, option in (("cgroup", "pids"), ("cgroup", "memory"), ("cgroup2", None)):
            target = f"/tmp/cg-{option or 'unified'}"
            os.makedirs(target, exist_ok=True)
            if libc.mount(fstype.encode(), target.encode(), fstype.encode(), 0, option and option.encode()) == 0:
                _lift(target, lifted, refused)
            else:
                refused.append(f"mount {fstype} {option}: " + os.strerror(ctypes.get_errno()))
    os.write(report, repr((lifted, refused)).encode())

_lifted, _refused = [], []
for _root in ("/sys/fs/cgroup", "/run"):
    _lift(_root, _lifted, _refused)
_r, _w = os.pipe()
_pid = os.fork()  # a new user namespace needs a single-threaded process: a fresh child
if _pid == 0:
    try:
        _in_new_namespaces(_w)
    finally:
        os._exit(0)
os.close(_w)
_more = eval(os.read(_r, 1_000_000).decode() or "([], [])")
os.waitpid(_pid, 0)
print("LIFTED", sorted(_lifted + _more[0]))
print("REFUSED", sorted(_refused + _more[1]))
_kids = []
for _ in range(KIDS):
    try:
        _kid = os.fork()
    except OSError as e:
        print("FORK REFUSED", type(e).__name__)
        break
    if _kid == 0:
        time.sleep(3)
        os._exit(0)
    _kids.append(_kid)
print("FORKED", len(_kids))
for _kid in _kids:
    os.waitpid(_kid, 0)
"""
KIDS = KERNEL_LIMITS["pids"] + 144  # well past the cap
ECHO = (
    "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\n"
    "print(s.getsockname()[1], flush=True)\nwhile True:\n    c, _ = s.accept()\n"
    "    c.sendall(c.recv(16))\n    c.close()\n"
)
#: The limit files read from outside, and the value each must keep (v1 and v2 names).
LIMIT_VALUES = {
    "pids.max": str(KERNEL_LIMITS["pids"]),
    "memory.limit_in_bytes": str(KERNEL_LIMITS["memory"]),
    "memory.max": str(KERNEL_LIMITS["memory"]),
}


class Watch(threading.Thread):
    """Samples the kernel cgroups of this test's grading workers, from outside, on cgroup v1 and v2: peak processes
    and memory, the limit files' values, the host uids of their processes; and pings a probe process."""

    def __init__(self, port: int | None = None):
        super().__init__(daemon=True)
        self.port, self.stop = port, threading.Event()
        self.pids_peak = self.mem_peak = self.samples = 0
        self.uids: set[int] = set()
        self.limits_seen: dict[str, set[str]] = {}
        #: participant -> peak processes, forks refused by pids.max, peak memory, kills by the memory cap
        self.by_participant: dict[str, dict[str, int]] = {}
        self._whose: dict[str, str] = {}
        self.ping_failures: list[str] = []
        self.pings = 0
        self.worst_ping = 0.0
        self._mine: dict[str, bool] = {}

    @staticmethod
    def _read(path: str) -> str:
        try:
            return Path(path).read_text().strip()
        except OSError:
            return ""

    def _number(self, path: str) -> int:
        try:
            return int(self._read(path).split()[0])
        except (ValueError, IndexError):
            return 0

    def _ours(self, worker: str) -> bool:
        """Is …/camp-grader/w<pid> a grading worker started by this test process (not another test's)?"""
        if worker not in self._mine:
            tag = os.path.basename(worker)[1:]
            try:
                self._mine[worker] = tag.isdigit() and any(
                    p.pid == os.getpid() for p in psutil.Process(int(tag)).parents()
                )
            except psutil.Error:
                return False
        return self._mine[worker]

    def kernel_groups(self) -> list[str]:
        """Every kernel cgroup of this test's workers: v1 trees (/sys/fs/cgroup/<controller>/…) and the v2 tree
        (/sys/fs/cgroup/… or /sys/fs/cgroup/unified/…)."""
        found = []
        for worker in glob.glob(f"/sys/fs/cgroup/**/{GROUP}/w*", recursive=True):
            if self._ours(worker):
                found += glob.glob(f"{worker}/k*")
        return found

    def _events(self, path: str, key: str) -> int:
        """A counter from a flat-keyed file (pids.events, memory.events): `max 12` -> 12."""
        for line in self._read(path).splitlines():
            if line.split()[:1] == [key]:
                return int(line.split()[1])
        return 0

    def sample(self) -> None:
        for folder in self.kernel_groups():
            self.samples += 1
            pids = mem = refused = 0
            if os.path.exists(f"{folder}/pids.max"):  # v1 pids tree or v2
                pids = max(self._number(f"{folder}/pids.peak"), self._number(f"{folder}/pids.current"))
                refused = self._events(f"{folder}/pids.events", "max")  # forks refused by pids.max
            for name in ("memory.max_usage_in_bytes", "memory.peak", "memory.current"):  # v1, v2 (≥ 5.19), v2
                mem = max(mem, self._number(f"{folder}/{name}"))
            # processes killed by the memory cap's OOM killer (v1: memory.oom_control, v2: memory.events)
            kills = self._events(f"{folder}/memory.oom_control", "oom_kill")
            kills += self._events(f"{folder}/memory.events", "oom_kill")
            self.pids_peak, self.mem_peak = max(self.pids_peak, pids), max(self.mem_peak, mem)
            for name in LIMIT_VALUES:
                value = self._read(f"{folder}/{name}")
                if value:
                    self.limits_seen.setdefault(name, set()).add(value)
            for pid in self._read(f"{folder}/cgroup.procs").split():
                status = self._read(f"/proc/{pid}/status")
                if "\nUid:" in status:
                    self.uids.add(int(status.split("\nUid:")[1].split()[0]))  # real uid, as the host sees it
                if (
                    folder not in self._whose
                ):  # whose job folder the kernel works in, through /proc from outside
                    who = self._read(f"/proc/{pid}/cwd/{WHO}")
                    if who:
                        self._whose[folder] = who
            if folder in self._whose:
                record = self.by_participant.setdefault(
                    self._whose[folder], dict.fromkeys(("pids", "refused", "mem", "oom_kills"), 0)
                )
                for key, value in (("pids", pids), ("refused", refused), ("mem", mem), ("oom_kills", kills)):
                    record[key] = max(record[key], value)

    def ping(self) -> None:
        start = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=15) as conn:
                conn.settimeout(15)
                conn.sendall(b"ping")
                if conn.recv(16) != b"ping":
                    self.ping_failures.append("wrong answer")
        except OSError as exc:
            self.ping_failures.append(repr(exc))
        self.pings += 1
        self.worst_ping = max(self.worst_ping, time.monotonic() - start)

    def run(self) -> None:
        last_ping = 0.0
        while not self.stop.is_set():
            self.sample()
            if self.port and time.monotonic() - last_ping > 0.5:
                last_ping = time.monotonic()
                self.ping()
            time.sleep(0.05)


def _cgroups_here() -> bool:
    """Per-participant cgroups are expected: root (CI) with the strong sandbox."""
    return os.geteuid() == 0 and sandbox.bwrap_works()


def _submit(home: Path, subs: dict) -> None:
    for student, nb in subs.items():
        folder = home / "course" / "submitted" / student / A
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{A}.ipynb")
        (folder / "answers.json").write_text(answers_file(RIGHT), encoding="utf-8")
        (folder / WHO).write_text(student, encoding="utf-8")


def _scores(result) -> dict[str, float]:
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        for student, status in result.outcome.items():
            if status == "graded":
                nb = gb.find_submission_notebook(A, A, student)
                scores[student] = sum(g.score or 0 for g in nb.grades if g.name.endswith("_test"))
    return scores


def _cells(home: Path, student: str) -> list[dict]:
    path = home / "course" / "autograded" / student / A / f"{A}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    return "".join(
        "".join(o.get("text", "")) + o.get("ename", "") + ": " + o.get("evalue", "") + "\n"
        for o in cell.get("outputs", [])
    )


def _printed(home: Path, student: str) -> str:
    return "".join(_text(c) for c in _cells(home, student))


@pytest.fixture(scope="module")
def bombed(tmp_path_factory):
    strong = sandbox.bwrap_works()
    if not strong and os.geteuid() == 0:
        pytest.skip(
            "no bubblewrap: as root the grader refuses to run participant code (`make test` installs it)"
        )
    home = tmp_path_factory.mktemp("limits-home")
    probe = subprocess.Popen([sys.executable, "-c", ECHO], stdout=subprocess.PIPE, text=True)
    port = int(probe.stdout.readline())
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("CAMP_HOME", str(home))
            if not strong:
                mp.setenv("CAMP_SANDBOX", "off")
            from grader.course import init_course

            init_course()
            release = nbformat.read(home / "course" / "release" / A / f"{A}.ipynb", as_version=4)
            _submit(
                home,
                {
                    "honest1": release,
                    **{name: _with_code(release, code, BOMB_CELL) for name, code in BOMBS.items()},
                    "lifter": _with_code(release, LIFTER.replace("KIDS", str(KIDS))),
                    "honest2": release,
                    "honest3": release,
                },
            )
            watch = Watch(port)
            watch.start()
            # one worker: a bomb may use its one core while the rest of the machine (and the other tests) run on
            result = engine.autograde_batch(
                assignment=A, workers=1, cell_timeout=20, notebook_timeout=90, show_progress=False
            )
            watch.stop.set()
            watch.join(timeout=30)
            yield {
                "result": result,
                "scores": _scores(result),
                "watch": watch,
                "strong": strong,
                "home": home,
            }
    finally:
        probe.kill()


def test_every_honest_participant_gets_the_exact_score(bombed):
    assert {s: bombed["scores"].get(s) for s in ("honest1", "honest2", "honest3")} == dict.fromkeys(
        ("honest1", "honest2", "honest3"), FULL
    ), bombed["result"].outcome


def _points_before(home: Path, grade_id: str) -> float:
    """Points of the test cells that come before the cell `grade_id` in the assignment's source notebook."""
    source = nbformat.read(home / "course" / "source" / A / f"{A}.ipynb", as_version=4)
    points = 0.0
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == grade_id:
            return points
        if meta.get("grade") and cell.cell_type == "code":
            points += float(meta.get("points", 0))
    raise AssertionError(f"{grade_id} is not in the notebook")


@pytest.mark.parametrize("name", list(BOMBS))
def test_each_bomb_is_cut_off_by_its_cap_and_scored_exactly_on_what_ran(bombed, name):
    """The bomb's cell shows how it was cut off. If the kernel was stopped, only the test cells before the bomb
    ran and earn their points (3 of 6 here); if the kernel lived on (the cap refused it a fork, a thread or
    memory), every later cell ran and earns its (right) widget answer."""
    result, home = bombed["result"], bombed["home"]
    assert result.outcome[name] == "graded", (result.outcome, result.review)
    cells = _cells(home, name)
    bomb = next(c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == BOMB_CELL)
    shown = _text(bomb)
    assert any(mark in shown for mark in CUT_OFF[name]), shown[-2000:]
    if _cgroups_here():  # her own cgroup's cap stopped it, as read from outside
        seen = bombed["watch"].by_participant.get(name)
        assert seen, bombed["watch"].by_participant
        if name == "memory_bomb" and "KernelDied" in shown:  # killed by her cgroup's OOM killer, at the cap
            assert seen["oom_kills"] > 0 and 0.9 * KERNEL_LIMITS["memory"] <= seen["mem"], seen
        if name == "memory_bomb":
            assert seen["mem"] <= KERNEL_LIMITS["memory"], seen
        else:
            assert seen["refused"] > 0 and seen["pids"] == KERNEL_LIMITS["pids"], seen
    before = _points_before(home, BOMB_CELL)
    assert before == 3.0
    stopped = any(mark in shown for mark in STOPPED)
    expected = before if stopped else FULL
    assert bombed["scores"][name] == expected, (shown[-2000:], bombed["scores"][name])
    if stopped:  # every cell after the bomb says it did not run
        after = cells[cells.index(bomb) + 1 :]
        code = [c for c in after if c["cell_type"] == "code"]
        assert code and all("did not run because the kernel had stopped" in _text(c) for c in code)


def test_the_machine_kept_answering(bombed):
    watch = bombed["watch"]
    assert watch.pings >= 5, "the probe was pinged all along"
    assert not watch.ping_failures, watch.ping_failures


def test_the_summary_says_which_limits_are_in_force(bombed):
    result = bombed["result"]
    text = engine.summary(result)
    if _cgroups_here():
        assert "limits: cgroup v" in result.sandbox and "never root" in result.sandbox, text
        assert "NOT in force" not in text and not result.unset, text  # everything the line promises held
    else:
        assert "limits: " in result.sandbox, text


def test_kernel_cgroups_stayed_under_their_caps_and_nothing_ran_as_root(bombed):
    if not _cgroups_here():
        pytest.skip(
            "per-participant cgroups need root (or a delegated cgroup); RLIMIT only here, as the summary says"
        )
    watch = bombed["watch"]
    print(
        f"peak processes {watch.pids_peak}, peak memory {watch.mem_peak / 1024**2:.0f} MiB, "
        f"uids {sorted(watch.uids)}, limits seen {watch.limits_seen}, per participant {watch.by_participant}, "
        f"{watch.pings} pings, "
        f"worst {watch.worst_ping:.2f} s"
    )
    assert watch.samples > 0, "kernel cgroups were there to read"
    assert 0 < watch.pids_peak <= KERNEL_LIMITS["pids"], watch.pids_peak
    assert watch.pids_peak >= KERNEL_LIMITS["pids"] * 0.9, "the fork or thread bomb did reach the cap"
    # The kernel may charge a few pages past memory.max while it kills a task (forced charges: CI once saw the cap
    # + 4 KiB); the bomb, unbounded, would have taken gigabytes more. A small slack, not a second cap.
    assert 0 < watch.mem_peak <= KERNEL_LIMITS["memory"] + 16 * 1024**2, watch.mem_peak
    assert watch.uids and 0 not in watch.uids, "participant processes ran as uid 0 outside their namespace"
    assert watch.limits_seen.get("pids.max") == {LIMIT_VALUES["pids.max"]}, watch.limits_seen
    memory = watch.limits_seen.get("memory.limit_in_bytes", set()) | watch.limits_seen.get(
        "memory.max", set()
    )
    assert memory == {str(KERNEL_LIMITS["memory"])}, watch.limits_seen


def test_a_participant_cannot_lift_her_own_caps(bombed):
    """She finds no limit file, may not create a user namespace to mount one, and her forks stop at the cap."""
    if not _cgroups_here():
        pytest.skip("per-participant cgroups need root here; RLIMIT only, as the summary says")
    printed = _printed(bombed["home"], "lifter")
    lines = {line.split(" ", 1)[0]: line for line in printed.splitlines() if line.split(" ", 1)[0].isupper()}
    assert lines.get("LIFTED") == "LIFTED []", printed[-3000:]
    assert "unshare: No space left on device" in lines.get("REFUSED", ""), printed[-3000:]
    forked = int(lines["FORKED"].split()[1])
    assert "FORK REFUSED BlockingIOError" in printed and 0 < forked < KERNEL_LIMITS["pids"], printed[-3000:]
    seen = bombed["watch"].by_participant["lifter"]  # her cgroup, from outside
    assert seen["pids"] == KERNEL_LIMITS["pids"] and seen["refused"] > 0, seen


# -- the same attack with its defences switched off ------------------------------------------------------------------
def _lift_batch(tmp_path_factory, switches: str) -> dict:
    if not _cgroups_here():
        pytest.skip("the limit files are the trusted side's only when the grader is root with bubblewrap")
    home = tmp_path_factory.mktemp("lift-" + (switches.replace(",", "-") or "defended"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        mp.setenv("CAMP_UNSAFE_TEST_SWITCHES", switches)
        from grader.course import init_course

        init_course()
        release = nbformat.read(home / "course" / "release" / A / f"{A}.ipynb", as_version=4)
        _submit(home, {"lifter": _with_code(release, LIFTER.replace("KIDS", str(KIDS)))})
        watch = Watch()
        watch.start()
        result = engine.autograde_batch(assignment=A, workers=1, cell_timeout=60, show_progress=False)
        watch.stop.set()
        watch.join(timeout=30)
    assert result.outcome == {"lifter": "graded"}, result.outcome
    printed = _printed(home, "lifter")
    return {"watch": watch, "printed": printed, "forked": int(printed.split("FORKED ")[1].split()[0])}


def test_with_both_defences_off_the_same_participant_lifts_her_cap(tmp_path_factory):
    """Kernels may create user namespaces again and own their limit files (as before the fix): she mounts her
    cgroup, writes "max" into pids.max and forks past the cap, as seen from outside. So the test above can fail."""
    batch = _lift_batch(tmp_path_factory, "nested-userns,kernel-owns-cgroup")
    watch = batch["watch"]
    print(f"defences off: peak processes {watch.pids_peak}, forked {batch['forked']}, {watch.limits_seen}")
    assert "/tmp/cg-pids/pids.max" in batch["printed"].split("LIFTED")[1].split("\n")[0], batch["printed"]
    assert batch["forked"] == KIDS
    assert watch.by_participant["lifter"]["pids"] > KERNEL_LIMITS["pids"], watch.by_participant
    assert "max" in watch.limits_seen.get("pids.max", set()), watch.limits_seen


@pytest.mark.parametrize(
    "switch, refused",
    [
        ("nested-userns", "/tmp/cg-pids/pids.max: Permission denied"),  # she mounts it, but it is root's
        ("kernel-owns-cgroup", "unshare: No space left on device"),  # it is hers, but she cannot reach it
    ],
)
def test_either_defence_alone_keeps_the_cap(tmp_path_factory, switch, refused):
    batch = _lift_batch(tmp_path_factory, switch)
    watch = batch["watch"]
    print(f"{switch} off: peak processes {watch.pids_peak}, forked {batch['forked']}, {watch.limits_seen}")
    assert "LIFTED []" in batch["printed"] and refused in batch["printed"], batch["printed"][-3000:]
    seen = watch.by_participant["lifter"]
    assert batch["forked"] < KERNEL_LIMITS["pids"] and seen["pids"] == KERNEL_LIMITS["pids"], seen
    assert seen["refused"] > 0, seen
    assert watch.limits_seen.get("pids.max") == {LIMIT_VALUES["pids.max"]}, watch.limits_seen


# -- a limit that does not take is never silent -----------------------------------------------------------------------
def _kernel_limit(folder: Path, what: str = "Max processes") -> str:
    """A limit of the kernel in this cgroup folder, from /proc/<pid>/limits on the host (waits for the kernel to set
    it: the supervisor the zygote forks first keeps the zygote's limits)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for pid in (folder / "cgroup.procs").read_text().split():
            try:
                line = next(
                    x for x in Path(f"/proc/{pid}/limits").read_text().splitlines() if x.startswith(what)
                )
            except (OSError, StopIteration):
                continue
            if line.split()[2] in ("256", "16384"):
                return line.split()[2]
        time.sleep(0.05)
    return "not seen"


def test_the_limit_files_are_the_trusted_sides_and_a_limit_that_did_not_take_is_reported(
    tmp_path, monkeypatch
):
    """A real zygote (as the engine starts it) spawns two kernels. The first one's cgroup is as the trusted worker
    made it: its limit files are root's, only cgroup.procs is the sandbox user's, the zygote reports nothing, and
    the kernel gets the per-participant process limit's backstop (16384). For the second, the trusted side's write
    of pids.max is undone before the spawn (as if it had failed): the zygote reads it back, the worker's list of
    what could not be set names it (the summary's WARNING line), and that kernel falls back to 256 per user."""
    if not _cgroups_here():
        pytest.skip("per-participant cgroups need root (CI) with bubblewrap")
    from grader import kernels
    from grader.limits import Cgroups
    from grader.sandbox import NOBODY, Sandbox, grader_user

    monkeypatch.setenv("CAMP_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(kernels, "UNSET", set())
    uid = (grader_user() or (NOBODY, NOBODY))[0]
    broken: list[bool] = []

    class Sabotaged(Sandbox):
        def cgroup_mounts(self) -> dict[str, str]:
            mounts = super().cgroup_mounts()
            if broken:
                for folder in self.cgroups._prepared[-1].values():
                    if (folder / "pids.max").exists():
                        (folder / "pids.max").write_text("max")
            return mounts

    box = Sabotaged(strong=True, cgroups=Cgroups.create(f"t{os.getpid()}", owner=uid))
    box.limits["nproc"] = 16384  # as the engine sets it where cgroups cap each participant
    try:
        zygote = kernels.start_zygote(tmp_path / "s", box)
        first = kernels.Prestarted(zygote)
        made = box.cgroups._prepared[-1]
        for folder in made.values():
            owners = {p.name: p.stat().st_uid for p in folder.iterdir()}
            handed = {name for name, owner in owners.items() if owner == uid}
            assert handed <= {"cgroup.procs", "tasks"} and "cgroup.procs" in handed, owners
            assert folder.stat().st_uid == 0 and all(o in (0, uid) for o in owners.values()), owners
        pids_folder = next(f for f in made.values() if (f / "pids.max").exists())
        assert not kernels.UNSET, kernels.UNSET
        assert first.cgroups is True
        assert _kernel_limit(pids_folder) == "16384"
        broken.append(True)
        second = kernels.Prestarted(zygote)
        pids_folder = next(f for f in box.cgroups._prepared[-1].values() if (f / "pids.max").exists())
        assert "per-participant cgroup limit pids.max (reads 'max', not '256')" in kernels.UNSET, (
            kernels.UNSET
        )
        assert second.cgroups is False
        assert _kernel_limit(pids_folder) == "256"
    finally:
        kernels.stop_zygote()
        box.cgroups.remove()
