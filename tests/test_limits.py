"""Limits that hold when the grader runs as root: a fork bomb, a memory bomb and a thread bomb in one batch.

Each bomb ends with its own notebook cut off and scored on what ran; the honest participants in the same batch
get their exact scores; the machine keeps answering (a probe process is pinged all along); the cgroup of every
kernel never went past its caps; and no participant process ran as uid 0 outside its namespace.
"""

from __future__ import annotations

import glob
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from conftest import answer_fixture, answers_file
from conftest import with_code as _with_code

from camp import paths
from grader import engine, sandbox
from grader.limits import KERNEL_LIMITS

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("limits")]
A = "00-start-here"
RIGHT = answer_fixture(A)["widget_answers"]
FULL = 6.0
BOMBS = {
    "fork_bomb": "import os\nwhile True:\n    os.fork()",
    "memory_bomb": "hog = []\nwhile True:\n    hog.append(b'x' * (64 * 1024**2))",
    "thread_bomb": (
        "import threading, time\nwhile True:\n"
        "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()"
    ),
}
ECHO = (
    "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\n"
    "print(s.getsockname()[1], flush=True)\nwhile True:\n    c, _ = s.accept()\n"
    "    c.sendall(c.recv(16))\n    c.close()\n"
)


class Watch(threading.Thread):
    """Samples every kernel cgroup (peak processes and memory, owners of its processes) and pings a probe."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port, self.stop = port, threading.Event()
        self.pids_peak = self.mem_peak = self.samples = 0
        self.root_uids: set[int] = set()
        self.ping_failures: list[str] = []
        self.pings = 0
        self.worst_ping = 0.0

    def _read(self, path: str) -> int:
        try:
            return int(Path(path).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0

    def run(self) -> None:
        last_ping = 0.0
        while not self.stop.is_set():
            for folder in glob.glob("/sys/fs/cgroup/pids/**/camp-grader/w*/k*", recursive=True):
                self.samples += 1
                self.pids_peak = max(
                    self.pids_peak, self._read(f"{folder}/pids.peak"), self._read(f"{folder}/pids.current")
                )
                for pid in (
                    Path(f"{folder}/cgroup.procs").read_text().split()
                    if os.path.exists(f"{folder}/cgroup.procs")
                    else []
                ):
                    try:
                        uid = int(Path(f"/proc/{pid}/status").read_text().split("\nUid:")[1].split()[0])
                    except (OSError, IndexError, ValueError):
                        continue
                    if uid == 0:
                        self.root_uids.add(int(pid))
            for folder in glob.glob("/sys/fs/cgroup/memory/**/camp-grader/w*/k*", recursive=True):
                self.mem_peak = max(self.mem_peak, self._read(f"{folder}/memory.max_usage_in_bytes"))
            for folder in glob.glob("/sys/fs/cgroup/**/camp-grader/w*/k*/memory.peak", recursive=True):
                self.mem_peak = max(self.mem_peak, self._read(folder))
            if time.monotonic() - last_ping > 0.5:
                last_ping = time.monotonic()
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
            time.sleep(0.05)


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
            answers = answers_file(RIGHT)
            subs = {
                "honest1": release,
                **{name: _with_code(release, code) for name, code in BOMBS.items()},
                "honest2": release,
                "honest3": release,
            }
            for student, nb in subs.items():
                folder = home / "course" / "submitted" / student / A
                folder.mkdir(parents=True)
                nbformat.write(nb, folder / f"{A}.ipynb")
                (folder / "answers.json").write_text(answers, encoding="utf-8")
            watch = Watch(port)
            watch.start()
            # one worker: a bomb may use its one core while the rest of the machine (and the other tests) run on
            result = engine.autograde_batch(
                assignment=A, workers=1, cell_timeout=20, notebook_timeout=90, show_progress=False
            )
            watch.stop.set()
            watch.join(timeout=30)
            from nbgrader.api import Gradebook

            scores = {}
            with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
                for student, status in result.outcome.items():
                    if status == "graded":
                        nb = gb.find_submission_notebook(A, A, student)
                        scores[student] = sum(g.score or 0 for g in nb.grades if g.name.endswith("_test"))
            yield {"result": result, "scores": scores, "watch": watch, "strong": strong, "home": home}
    finally:
        probe.kill()


def test_every_honest_participant_gets_the_exact_score(bombed):
    assert {s: bombed["scores"].get(s) for s in ("honest1", "honest2", "honest3")} == dict.fromkeys(
        ("honest1", "honest2", "honest3"), FULL
    ), bombed["result"].outcome


def test_each_bomb_is_cut_off_and_scored_on_what_ran(bombed):
    for name in BOMBS:
        assert bombed["result"].outcome[name] == "graded", (bombed["result"].outcome, bombed["result"].review)
        assert 0 <= bombed["scores"][name] <= FULL
    text = (bombed["home"] / "course" / "autograded" / "memory_bomb" / A / f"{A}.ipynb").read_text(
        encoding="utf-8"
    )
    # cut off by the memory cap (the kernel killed, or a MemoryError), or by a time limit on a very busy machine
    assert any(
        mark in text for mark in ("KernelDied", "MemoryError", "KernelUnresponsive", "NotebookTimeLimit")
    )


def test_the_machine_kept_answering(bombed):
    watch = bombed["watch"]
    assert watch.pings >= 5, "the probe was pinged all along"
    assert not watch.ping_failures, watch.ping_failures


def test_the_summary_says_which_limits_are_in_force(bombed):
    text = bombed["result"].sandbox
    if os.geteuid() == 0:
        assert "limits: cgroup v" in text and "never root" in text, text
    else:
        assert "limits: " in text, text


def test_kernel_cgroups_stayed_under_their_caps_and_nothing_ran_as_root(bombed):
    if os.geteuid() != 0 or not bombed["strong"]:
        pytest.skip(
            "per-participant cgroups need root (or a delegated cgroup); RLIMIT only here, as the summary says"
        )
    watch = bombed["watch"]
    print(
        f"peak processes {watch.pids_peak}, peak memory {watch.mem_peak / 1024**2:.0f} MiB, "
        f"{watch.pings} pings, worst {watch.worst_ping:.2f} s"
    )
    assert watch.samples > 0, "kernel cgroups were there to read"
    assert 0 < watch.pids_peak <= KERNEL_LIMITS["pids"], watch.pids_peak
    assert watch.pids_peak >= KERNEL_LIMITS["pids"] * 0.9, "the fork or thread bomb did reach the cap"
    assert 0 < watch.mem_peak <= KERNEL_LIMITS["memory"], watch.mem_peak
    assert not watch.root_uids, "participant processes ran as uid 0 outside their namespace"
