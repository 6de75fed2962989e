"""One submission is one trust boundary, and the answer key never reaches it: properties, not tricks.

Each property is shown twice where a switch exists: with the defence on it holds, and with that one defence
switched off (CAMP_UNSAFE_TEST_SWITCHES) the same hostile code does find what it looks for, so the test can fail.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import stat
import threading
import time
from pathlib import Path

import nbformat
import pytest
from conftest import answer_fixture
from conftest import answers_file as _answers
from conftest import with_code as _with_code

from camp import paths
from grader import engine, sandbox

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("isolation")]
A = "00-start-here"
RIGHT = answer_fixture(A)["widget_answers"]
# The expected values of three hidden checks are replaced by canaries: no honest answer and no code contains them.
CANARIES = {"q2_cell_kind": "canary-kind-7f3a", "q3_engagements": 7391.25, "q6_hashtag": "#Canary7f3aHash"}
NEEDLES = ["canary-kind-7f3a", "7391.25", "Canary7f3aHash"]
WITH_CANARIES = {**RIGHT, **CANARIES}
FULL = 6.0


def _hidden(needles: list[str]) -> str:
    """The needles as the attacker's code carries them: encoded, so its own source never contains them."""
    return base64.b64encode(json.dumps(needles).encode()).decode()


# Registers an input hook that sees every cell's code as it arrives, and searches files, environment and
# processes for the (encoded) needles; reports in every non-test cell (test cells' outputs are the grader's).
SPY = r"""
import base64 as _b, json as _j, os as _o
_needles = _j.loads(_b.b64decode("NEEDLES"))
_hits, _seen = [], []
def _spy(lines):
    code = "".join(lines)
    _seen.append(code)
    _hits.extend(f"HIT code {n}" for n in _needles if n in code)
    return lines
get_ipython().input_transformers_cleanup.append(_spy)
_searched = []
def _search():
    if _searched:
        return "searched"
    _searched.append(1)
    for k, v in _o.environ.items():
        _hits.extend(f"HIT env {k}" for n in _needles if n in v)
    for root, dirs, files in _o.walk("/"):
        if root.startswith(("/proc", "/sys", "/dev", "/usr")) or "/lib/python" in root or "share/jupyter" in root:
            dirs[:] = []
            continue
        for f in files:
            try:
                data = open(_o.path.join(root, f), "rb").read(2_000_000).decode("utf-8", "replace")
            except Exception:
                continue
            _hits.extend(f"HIT file {_o.path.join(root, f)}" for n in _needles if n in data)
    for pid in _o.listdir("/proc"):
        if pid.isdigit() and int(pid) != _o.getpid():
            try:
                data = open(f"/proc/{pid}/cmdline", "rb").read().decode("utf-8", "replace")
            except Exception:
                continue
            _hits.extend(f"HIT proc {pid}" for n in _needles if n in data)
    return "searched"
def _report(result):
    if "check.answered" not in (_seen[-1] if _seen else ""):
        print("SPY", len(_seen), _search(), sorted(set(_hits)))
get_ipython().events.register("post_run_cell", _report)
"""

# Looks for any other kernel or the zygote: connection files, sockets, processes, signals, /proc/<pid>/mem.
PROBE = r"""
import json as _j, os as _o, socket as _s, stat as _st, sys as _sys
_mine = _o.path.dirname(_sys.argv[_sys.argv.index("-f") + 1]) if "-f" in _sys.argv else "?"
_found = []
for root, dirs, files in _o.walk("/"):
    if root.startswith(("/proc", "/sys", "/dev", "/usr")) or "/lib/python" in root or "site-packages" in root:
        dirs[:] = []
        continue
    for f in files:
        path = _o.path.join(root, f)
        if root == _mine:
            continue
        try:
            mode = _o.lstat(path).st_mode
        except OSError:
            continue
        if _st.S_ISSOCK(mode):
            try:
                c = _s.socket(_s.AF_UNIX)
                c.connect(path)
                _found.append("SOCKET " + path)
            except OSError:
                pass
        elif f.endswith(".json"):
            try:
                d = _j.load(open(path))
                if isinstance(d, dict) and "key" in d and "transport" in d:
                    _found.append("CONNECTION " + path)
            except Exception:
                pass
_others = [p for p in _o.listdir("/proc") if p.isdigit() and int(p) != _o.getpid()]
for p in _others:
    try:
        open(f"/proc/{p}/mem", "rb").close()
        _found.append("MEM " + p)
    except OSError:
        pass
_threads = {int(t) for t in _o.listdir("/proc/self/task")}
for pid in range(1, 5000):
    if pid == _o.getpid() or pid in _threads:
        continue
    try:
        _o.kill(pid, 0)
        _found.append(f"SIGNAL {pid}")
    except OSError:
        pass
print("PROBE", len(_others), "others;", sorted(set(_found))[:20])
"""


def _course(home: Path):
    """A course whose assignment 00 has canaries as the expected values of three hidden checks."""
    from grader.course import init_course, release

    init_course()
    source = home / "course" / "source" / A / f"{A}.ipynb"
    src = nbformat.read(source, as_version=4)
    swaps = {
        "q2_cell_kind": ('"markdown"', json.dumps(CANARIES["q2_cell_kind"])),
        "q3_engagements": ("got, 60,", f"got, {CANARIES['q3_engagements']},"),
        "q6_hashtag": ('"#SamparkSetuCamp"', json.dumps(CANARIES["q6_hashtag"])),
    }
    for cell in src.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        for qid, (old, new) in swaps.items():
            if grade_id == f"{qid}_test":
                assert old in cell.source
                cell.source = cell.source.replace(old, new)
    nbformat.write(src, source)
    release(assignments=[A])
    return nbformat.read(home / "course" / "release" / A / f"{A}.ipynb", as_version=4)


def _put(home: Path, student: str, nb, answers: str, extra=None) -> Path:
    folder = home / "course" / "submitted" / student / A
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{A}.ipynb")
    (folder / "answers.json").write_text(answers, encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC", encoding="utf-8")
    if extra:
        extra(folder)
    return folder


def _scores(result) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        for student, status in result.outcome.items():
            if status == "graded":
                nb = gb.find_submission_notebook(A, A, student)
                out[student] = {g.name: g.score for g in nb.grades if g.name.endswith("_test")}
    return out


def _printed(home: Path, student: str) -> str:
    nb = json.loads((home / "course" / "autograded" / student / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    return "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))


def _run_batch(tmp_path_factory, switches: str):
    if not sandbox.bwrap_works():
        pytest.skip(
            "needs bubblewrap (`make test` installs it as root): these are properties of the strong sandbox"
        )
    home = tmp_path_factory.mktemp("isolation-off" if switches else "isolation-on")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        mp.setenv("CAMP_UNSAFE_TEST_SWITCHES", switches)
        release_nb = _course(home)
        _put(home, "honest1", release_nb, _answers(WITH_CANARIES))
        _put(
            home,
            "attacker",
            _with_code(release_nb, SPY.replace("NEEDLES", _hidden(NEEDLES)) + PROBE),
            _answers(RIGHT),
        )
        _put(home, "honest2", release_nb, _answers(WITH_CANARIES))
        result = engine.autograde_batch(
            assignment=A, workers=1, cell_timeout=60, notebook_timeout=240, show_progress=False
        )
        return {
            "home": home,
            "result": result,
            "scores": _scores(result),
            "attacker": _printed(home, "attacker") if result.outcome.get("attacker") == "graded" else "",
        }


@pytest.fixture(scope="module")
def defended(tmp_path_factory):
    return _run_batch(tmp_path_factory, "")


@pytest.fixture(scope="module")
def undefended(tmp_path_factory):
    return _run_batch(tmp_path_factory, "show-tests,shared-kernels")


def test_the_canaries_are_the_real_expected_values(defended):
    """Honest answers equal to the canaries earn every point: the canaries are the answer key."""
    assert sum(defended["scores"]["honest1"].values()) == FULL
    assert sum(defended["scores"]["honest2"].values()) == FULL


def test_nothing_the_participant_kernel_receives_contains_the_answer_key(defended):
    printed = defended["attacker"]
    spy = [line for line in printed.splitlines() if line.startswith("SPY")]
    assert spy, "the spy ran"
    assert int(spy[-1].split()[1]) >= 13, "it saw every cell as it arrived, the test cells among them"
    assert "searched" in spy[-1]
    assert "HIT" not in printed, spy[-1]
    for needle in NEEDLES:
        assert needle not in printed


def test_with_the_tests_in_the_kernel_the_same_spy_finds_the_key(undefended):
    """The defence switched off (hidden tests sent to the kernel, as stock nbgrader does): the spy sees them."""
    assert undefended["result"].outcome["attacker"] == "graded", undefended["result"].outcome
    spy = [line for line in undefended["attacker"].splitlines() if line.startswith("SPY")]
    assert any("HIT code" in line for line in spy), undefended["attacker"][-3000:]


def test_a_kernel_finds_no_other_kernel_and_not_the_zygote(defended):
    probe = [line for line in defended["attacker"].splitlines() if line.startswith("PROBE")]
    assert probe, "the probe ran"
    assert probe[-1].startswith("PROBE 0 others; []"), probe[-1]


def test_with_shared_namespaces_the_same_probe_finds_the_next_kernel(undefended):
    probe = [line for line in undefended["attacker"].splitlines() if line.startswith("PROBE")][-1]
    assert "CONNECTION" in probe and "SIGNAL" in probe, probe


def test_the_honest_participants_around_the_attacker_get_their_exact_scores(defended, undefended):
    for batch in (defended, undefended):
        assert batch["scores"]["honest1"] == batch["scores"]["honest2"]
        assert sum(batch["scores"]["honest1"].values()) == FULL
    assert sum(defended["scores"]["attacker"].values()) == FULL - 3  # knew no canary: three items wrong


# -- a job folder seeded with links and special files changes nothing outside it -----------------------------------
def test_links_fifos_and_devices_in_a_submission_change_nothing(tmp_path_factory):
    if not sandbox.bwrap_works():
        pytest.skip("needs bubblewrap")
    home = tmp_path_factory.mktemp("links")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        release_nb = _course(home)
        gradebook = paths.gradebook_path()
        honest = _put(home, "honest1", release_nb, _answers(WITH_CANARIES))

        def hostile(folder: Path) -> None:
            (folder / "answers.json").unlink()
            (folder / "answers.json").symlink_to(honest / "answers.json")  # borrow another's answers
            (folder / "gradebook.db").symlink_to(gradebook)
            (folder / "passwd").symlink_to("/etc/passwd")
            os.mkfifo(folder / "pipe")
            if os.geteuid() == 0:
                os.mknod(folder / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
            (folder / "sub").mkdir()
            (folder / "sub" / "up").symlink_to("../..")

        # a second participant plants links in its own job folder and /tmp for whoever comes next
        code = (
            "import os\nprint('LISTING', sorted(f for f in os.listdir('.') if f != '.ipython'))\n"
            "os.symlink('/tmp', 'planted-link')\nos.symlink('..', 'answers.json.bak')\n"
            "open('/tmp/planted', 'w').write('x')\nos.mkfifo('fifo')\n"
        )
        # the participant graded right after the planter, by the same worker, lists what she finds: her job
        # folder, and every file or link anywhere under /tmp except in her own job and socket folders and the
        # read-only folders the sandbox binds there (Python living under /tmp)
        from grader.kernels import _readonly_under_tmp

        reader = (
            "import os, sys\n"
            "mine = {os.getcwd(), os.path.dirname(sys.argv[sys.argv.index('-f') + 1])}\n"
            f"bound = {_readonly_under_tmp()!r}\n"
            "print('HERS', sorted(f for f in os.listdir('.') if f != '.ipython'))\n"
            "found = []\n"
            "for root, dirs, files in os.walk('/tmp'):\n"
            "    if root in mine or any(root == b or root.startswith(b + '/') for b in bound):\n"
            "        dirs[:] = []\n"
            "        continue\n"
            "    found += [os.path.join(root, n) for n in files + dirs if not os.path.isdir(os.path.join(root, n))"
            " or os.path.islink(os.path.join(root, n))]\n"
            "print('TMP', sorted(found))\n"
        )
        _put(home, "seeded", release_nb, _answers(RIGHT), extra=hostile)
        _put(home, "planter", _with_code(release_nb, code), _answers(RIGHT))
        _put(home, "reader", _with_code(release_nb, reader), _answers(WITH_CANARIES))
        _put(home, "honest2", release_nb, _answers(WITH_CANARIES))
        before = gradebook.read_bytes()[:16]
        result = engine.autograde_batch(assignment=A, workers=1, cell_timeout=30, show_progress=False)
        scores = _scores(result)
        refused = result.outcome.pop("seeded")
        assert refused.startswith("ungradable: refused: ") and "answers.json: a link" in refused, refused
        assert "pipe: a special file" in refused and "gradebook.db: a link" in refused, refused
        assert result.outcome == {
            "planter": "graded",
            "reader": "graded",
            "honest1": "graded",
            "honest2": "graded",
        }, result.outcome
        assert sum(scores["honest1"].values()) == FULL and sum(scores["honest2"].values()) == FULL
        listing = next(line for line in _printed(home, "planter").splitlines() if line.startswith("LISTING"))
        assert listing == "LISTING ['answers.json', 'timestamp.txt']", listing
        # graded next (sorted: planter, reader), she finds what the planter found: her own two files, and no
        # file or link of the planter's in her folder or anywhere under /tmp
        printed = _printed(home, "reader")
        hers = next(line for line in printed.splitlines() if line.startswith("HERS"))
        assert hers == listing.replace("LISTING", "HERS"), printed
        tmp = next(line for line in printed.splitlines() if line.startswith("TMP"))
        assert tmp == "TMP []", tmp
        assert sum(scores["reader"].values()) == FULL
        assert gradebook.read_bytes()[:16] == before == b"SQLite format 3\x00"
        assert not Path("/tmp/planted").exists()
        assert (honest / "answers.json").read_text(encoding="utf-8") == _answers(WITH_CANARIES)
        assert not list((home / "course" / "autograded").glob("seeded")), (
            "nothing of a refused folder is copied"
        )


# -- a dead zygote is restarted; every honest participant still gets the exact score --------------------------------
def _zygotes(home: Path) -> list[int]:
    """Host pids of the zygotes grading in `home`: `-m grader.zygote`, child of bwrap, working in its scratch."""
    procs = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                cwd = os.readlink(f"/proc/{pid}/cwd")
            except (OSError, IndexError, ValueError):
                continue
            procs[int(pid)] = (cmd, ppid, cwd)
    return [
        pid
        for pid, (cmd, ppid, cwd) in procs.items()
        if b"grader.zygote" in cmd
        and not cmd[0].endswith(b"bwrap")
        and cwd.startswith(str(home))
        and ppid in procs
        and procs[ppid][0][0].endswith(b"bwrap")
    ]


def test_the_zygote_killed_mid_batch_costs_no_honest_participant_a_point(tmp_path_factory):
    if not sandbox.bwrap_works():
        pytest.skip("needs bubblewrap")
    home = tmp_path_factory.mktemp("zygote-kill")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        release_nb = _course(home)
        slow = "import time\ntime.sleep(1.5)\n"  # so the kill lands while a notebook runs
        for n in range(6):
            _put(home, f"honest{n}", _with_code(release_nb, slow), _answers(WITH_CANARIES))
        killed: list[int] = []

        def killer():
            done = home / "engine" / A / "done"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not killed:
                graded = list(done.glob("*.json")) if done.exists() else []
                fresh = _zygotes(home)
                if len(graded) >= 2 and fresh:
                    for pid in fresh:
                        os.kill(pid, signal.SIGKILL)
                        killed.append(pid)
                time.sleep(0.05)

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        result = engine.autograde_batch(assignment=A, workers=1, cell_timeout=20, show_progress=False)
        thread.join(timeout=5)
        assert killed, "the zygote was killed mid-batch"
        assert set(result.outcome.values()) == {"graded"}, result.outcome
        scores = _scores(result)
        assert all(sum(s.values()) == FULL for s in scores.values()), scores


def test_a_notebook_that_stops_the_sandbox_twice_is_marked_and_the_next_is_graded(tmp_path_factory):
    """The zygote dies twice while one notebook runs (killed from outside each time that notebook's cell runs: a
    kernel cannot reach it): that participant is named for review, and the participants before and after her,
    in the same worker, get their exact scores."""
    if not sandbox.bwrap_works():
        pytest.skip("needs bubblewrap")
    home = tmp_path_factory.mktemp("zygote-twice")
    marker = [b"sleep", b"7391"]  # the victim's cell runs this; the killer looks for it in /proc
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        release_nb = _course(home)
        _put(home, "a_honest", release_nb, _answers(WITH_CANARIES))
        victim = "import subprocess\nsubprocess.run(['sleep', '7391'])\n"
        _put(home, "m_victim", _with_code(release_nb, victim), _answers(WITH_CANARIES))
        _put(home, "z_honest", release_nb, _answers(WITH_CANARIES))
        killed: list[list[int]] = []

        def running_marker() -> bool:
            for pid in os.listdir("/proc"):
                try:
                    if pid.isdigit() and Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:2] == marker:
                        return True
                except OSError:
                    continue
            return False

        def killer():
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and len(killed) < 2:
                found = _zygotes(home) if running_marker() else []
                for pid in found:
                    os.kill(pid, signal.SIGKILL)
                if found:
                    killed.append(found)
                    while running_marker() and time.monotonic() < deadline:  # it dies with the sandbox
                        time.sleep(0.05)
                time.sleep(0.05)

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        result = engine.autograde_batch(assignment=A, workers=1, cell_timeout=120, show_progress=False)
        thread.join(timeout=5)
        scores = _scores(result)
    assert len(killed) == 2, killed
    assert result.outcome == {
        "a_honest": "graded",
        "m_victim": "ungradable: the grading sandbox stopped twice during this notebook",
        "z_honest": "graded",
    }, result.outcome
    assert any("stopped twice" in note for note in result.review["m_victim"]), result.review
    assert "a_honest" not in result.review and "z_honest" not in result.review, result.review
    assert sum(scores["a_honest"].values()) == FULL and sum(scores["z_honest"].values()) == FULL, scores


def test_a_kernel_whose_sandbox_is_gone_polls_as_dead():
    """nbclient asks every second whether the kernel lives; with the zygote gone the answer must be "dead" (so the
    cell ends at once and the worker grades the notebook again), not an exception that ends only the asking and
    leaves the cell to wait out its timeout (the twice-stopped test above took 259 s that way, 22 s now)."""
    from grader import kernels

    class GoneZygote:
        def request(self, **message):
            raise kernels.ZygoteStopped("the grading sandbox stopped unexpectedly")

    process = kernels.ForkedProcess(GoneZygote(), 12345)
    assert process.poll() == -9 and process.returncode == -9


def test_answer_records_are_plain_small_data():
    """The verdict reads at most one small JSON record per cell; anything else counts as no answer."""
    from camp.check import ANSWER_MIME
    from grader.verdict import answer_record, judge

    cell = {
        "outputs": [
            {"output_type": "display_data", "data": {ANSWER_MIME: {"qid": "q1", "value": "A"}}},
            {"output_type": "display_data", "data": {ANSWER_MIME: {"qid": "q1", "value": "B"}}},
        ]
    }
    assert answer_record(cell) == (True, "A")
    huge = {
        "outputs": [
            {"output_type": "display_data", "data": {ANSWER_MIME: {"qid": "q1", "value": "x" * 70_000}}}
        ]
    }
    assert answer_record(huge) == (False, None)
    passed, hi, en = judge('check.equal("q1_x", got, "A", hint_hi="हिंट", hint_en="hint")', "q1_x", "B")
    assert (passed, hi, en) == (False, "हिंट", "hint")
    assert judge('check.equal("q1_x", got, "A", hint_hi="h", hint_en="h")', "q1_x", "A")[0] is True
    escape = judge("__import__('os').system('true')", "q1_x", "A")
    assert escape[0] is False and "could not be checked" in escape[2]


def test_every_hidden_check_is_a_plain_call_on_the_answer():
    """So it can run outside the kernel: only `check`, `got` and a few builtins (see grader.verdict)."""
    import ast

    from grader.verdict import SAFE_BUILTINS, hidden_code

    repo = Path(__file__).resolve().parents[1]
    checked = 0
    for path in sorted((repo / "assignments").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            code = hidden_code(cell.source) if cell.cell_type == "code" else None
            if code:
                nodes = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)]
                local = {n.id for n in nodes if isinstance(n.ctx, ast.Store)}  # its own helper variables
                names = {n.id for n in nodes} - local
                assert names <= {"check", "got", *SAFE_BUILTINS}, (path.name, names)
                assert not re.search(r"\bimport\b|__", code), path.name
                checked += 1
    assert checked >= 40


def test_a_course_whose_python_lives_under_tmp_is_graded(tmp_path_factory):
    """Each kernel gets a fresh, empty /tmp, which would hide a Python environment living under /tmp (a course
    cloned there: 39 tests failed that way once, every kernel dying at start). The sandbox's read-only folders
    under /tmp are bound back into each kernel, read-only, and nothing else of /tmp is. Here the environment is
    reached through /tmp (its `sys.prefix` is there); the kernel imports a package it has not imported yet,
    cannot write into the environment, and does not see a file planted beside it."""
    import subprocess
    import sys
    import tempfile

    if not sandbox.bwrap_works():
        pytest.skip("needs bubblewrap (`make test` installs it as root): a property of the strong sandbox")
    outside = Path(tempfile.mkdtemp(prefix="camp-tmp-python-", dir="/tmp"))
    try:
        venv = outside / ".venv"
        venv.symlink_to(Path(sys.prefix).resolve(), target_is_directory=True)
        (outside / "planted.txt").write_text("beside the environment", encoding="utf-8")
        home = tmp_path_factory.mktemp("python-under-tmp")
        env = {**os.environ, "CAMP_HOME": str(home), "PATH": f"{venv / 'bin'}:/usr/bin:/bin"}
        probe = (
            "import sys, os\n"
            "print('prefix:', sys.prefix)\n"
            "import quicktok  # not imported by the warm parent for assignment 00\n"
            "print('imported quicktok')\n"
            "try:\n"
            "    open(os.path.join(sys.prefix, 'written-by-a-kernel'), 'w')\n"
            "except OSError as exc:\n"
            "    print('write refused:', exc.strerror)\n"
            f"print('planted visible:', os.path.exists({str(outside / 'planted.txt')!r}))\n"
        )
        setup = (
            "import sys, nbformat\n"
            "from grader.course import init_course\n"
            "from conftest import answers_file, with_code\n"
            "init_course(release_all=False)\n"
            "from grader.course import release\n"
            f"release(assignments=[{A!r}])\n"
        )
        run = lambda code: subprocess.run(  # noqa: E731
            [str(venv / "bin" / "python"), "-c", code],
            env={**env, "PYTHONPATH": str(Path(__file__).parent)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        done = run(setup)
        assert done.returncode == 0, done.stderr[-2000:]
        release_nb = nbformat.read(home / "course" / "release" / A / f"{A}.ipynb", as_version=4)
        _put(home, "p1", _with_code(release_nb, probe), _answers(RIGHT))
        done = run(
            "import sys; from grader.cli import main; sys.argv = ['camp', 'autograde', "
            f"{A!r}, '--workers', '1']; sys.exit(main())"
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert "graded 1" in done.stdout, done.stdout
        printed = _printed(home, "p1")
        assert f"prefix: {venv}" in printed, printed
        assert "imported quicktok" in printed, printed
        assert "write refused: Read-only file system" in printed, printed
        assert "planted visible: False" in printed, printed
        assert not (Path(sys.prefix) / "written-by-a-kernel").exists()
    finally:
        import shutil

        shutil.rmtree(outside, ignore_errors=True)
