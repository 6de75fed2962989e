"""The autograde engine: same scores and notebooks as nbgrader, resumable after a kill, safe for other writers."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from conftest import answer_fixture, answer_with_widgets, assignment_ids, release_notebook

from camp import paths
from grader import bench, course, engine
from grader.course import autograde as nbgrader_autograde
from grader.course import init_course

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("engine")]  # one course, one worker


def _submit(home: Path, assignment: str, student: str, nb, answers_file: Path) -> None:
    folder = home / "course" / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    (folder / "answers.json").write_bytes(answers_file.read_bytes())
    (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC", encoding="utf-8")


@pytest.fixture(scope="module")
def camp(tmp_path_factory):
    """A course with, per assignment, one right and one typically wrong honest submission."""
    home = tmp_path_factory.mktemp("engine-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        init_course()
        for assignment in assignment_ids():
            fixture = answer_fixture(assignment)
            cases = {
                "right": fixture["widget_answers"],
                "wrong": {**fixture["widget_answers"], **fixture["wrong"][0]["answers"]},
            }
            for name, answers in cases.items():
                work = tmp_path_factory.mktemp(f"{assignment}-{name}")
                nb = answer_with_widgets(release_notebook(home, assignment), answers, work)
                _submit(home, assignment, f"{name}-{assignment[:2]}", nb, work / "answers.json")
        yield home


def test_engine_gives_the_same_scores_and_notebooks_as_nbgrader(camp):
    """Every module assignment: nbgrader's own autograde, then the engine — identical grades and notebooks."""
    for assignment in assignment_ids():
        outcome = nbgrader_autograde(assignment=assignment)
        assert set(outcome.values()) == {"graded"}, outcome
    reference, reference_nbs = bench._scores(), bench._snapshot()
    assert len(reference_nbs) == 2 * len(assignment_ids())
    for assignment in assignment_ids():
        result = engine.autograde_batch(assignment=assignment, workers=2, force=True, show_progress=False)
        assert sorted(result.graded) == sorted(s for s in result.outcome), result.outcome
        assert not result.review, result.review
    assert bench._scores() == reference
    assert bench._snapshot() == reference_nbs
    # and the same scores as stock nbgrader, whose hidden tests run inside the participant's kernel
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grader import config as camp_config
    from grader.course import submitted_students

    cfg = camp_config.traitlets_config()
    cfg.Autograde.autograde_preprocessors = [  # nbgrader's own Execute, unsandboxed: the reference only
        "nbgrader.preprocessors.Execute" if p == "grader.kernels.SandboxedExecute" else p
        for p in cfg.Autograde.autograde_preprocessors
        if not p.startswith("grader.verdict.")
    ]
    stock = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    for assignment in assignment_ids():
        for student in submitted_students(assignment=assignment):
            for _attempt in range(1 + course.KERNEL_START_RETRIES):  # its TCP port taken meanwhile: once more
                result = stock.autograde(assignment, student, force=True)
                if result["success"] or not course._kernel_never_started(result):
                    break
            assert result["success"], result.get("error")
    assert bench._scores() == reference
    right = {k: v for k, v in reference.items() if k[1].startswith("right") and k[2].endswith("_test")}
    wrong = {k: v for k, v in reference.items() if k[1].startswith("wrong") and k[2].endswith("_test")}
    assert all(v and v > 0 for v in right.values()) and 0 in wrong.values()


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_a_killed_batch_resumes_and_loses_nothing(camp, tmp_path):
    """kill -9 of the engine mid-batch, then a rerun: every submission intact, every grade there, none twice."""
    assignment = "00-start-here"
    submitted = camp / "course" / "submitted"
    source = submitted / f"right-{assignment[:2]}" / assignment
    for n in range(8):
        target = submitted / f"many{n}" / assignment
        if not target.exists():
            target.mkdir(parents=True)
            for f in source.iterdir():
                (target / f.name).write_bytes(f.read_bytes())
    before = _tree_digest(submitted)
    env = {**os.environ, "CAMP_HOME": str(camp)}
    cmd = [str(Path(sys.executable).parent / "camp"), "autograde", assignment, "--workers", "2", "--force"]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    done = camp / "engine" / assignment / "done"
    deadline = time.monotonic() + 120
    start = {p.name: p.stat().st_mtime for p in done.glob("*.json")} if done.exists() else {}
    while time.monotonic() < deadline:
        fresh = [p for p in done.glob("*.json") if p.stat().st_mtime != start.get(p.name)]
        if len(fresh) >= 2:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the engine and its workers, as a power cut would
    proc.wait()
    finished = {p.stem for p in done.glob("*.json") if p.stat().st_mtime != start.get(p.name)}
    autograded = camp / "course" / "autograded"
    graded_before = {
        f: f.stat().st_mtime_ns for s in finished for f in (autograded / s / assignment).glob("*.ipynb")
    }
    assert finished and graded_before, "some submissions were graded before the kill"
    assert _tree_digest(submitted) == before, "no submission was touched"
    rerun = subprocess.run(cmd[:-1], env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    summary = rerun.stdout.splitlines()[-1] if "graded" in rerun.stdout.splitlines()[-1] else rerun.stdout
    assert "ungradable 0" in rerun.stdout and "skipped (already graded)" in rerun.stdout, summary
    skipped = int(rerun.stdout.split("skipped (already graded) ")[1].split()[0])
    assert skipped >= len(finished) >= 2
    # none twice: what was finished before the kill is not graded again
    assert {f: f.stat().st_mtime_ns for f in graded_before} == graded_before
    from nbgrader.api import Gradebook

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        for n in range(8):
            assert gb.find_submission(assignment, f"many{n}").score == 6
    import sqlite3

    with sqlite3.connect(paths.gradebook_path()) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert list((camp / "backups").glob("gradebook-*.db")), "a backup is taken before each batch"


def test_other_trainers_can_write_while_a_batch_runs(camp):
    """A second writer on the SQLite gradebook (a trainer grading by hand) sees no lock failure."""
    from nbgrader.api import Gradebook

    errors: list[BaseException] = []
    writes: list[int] = []
    stop = threading.Event()

    def trainer():
        try:
            with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
                while not stop.is_set():
                    grade = gb.find_grade("q7_welcome_post", "00-start-here", "00-start-here", "right-00")
                    grade.manual_score = 3 - len(writes) % 2  # a new value each time: every commit writes
                    gb.db.commit()
                    writes.append(1)
                    time.sleep(0.01)
        except BaseException as exc:  # noqa: BLE001 - any failure is the finding
            errors.append(exc)

    engine.autograde_batch(assignment="00-start-here", workers=2, show_progress=False)  # grades to write to
    thread = threading.Thread(target=trainer)
    thread.start()
    while not writes and thread.is_alive():
        time.sleep(0.01)
    try:
        before = len(writes)
        result = engine.autograde_batch(
            assignment="00-start-here", workers=2, force=True, show_progress=False
        )
        during = len(writes) - before
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert during > 0, "the trainer wrote while the batch ran"
    assert not result.ungradable
    with Gradebook(
        paths.db_url(), paths.COURSE_ID
    ) as gb:  # the trainer's last write is what the gradebook holds
        last = gb.find_grade("q7_welcome_post", "00-start-here", "00-start-here", "right-00").manual_score
    assert last == 3 - (len(writes) - 1) % 2


def _camp_autograde(home: Path, **kwargs) -> subprocess.CompletedProcess:
    """`camp autograde 01-landscape --force` as a trainer types it, on the module's course."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "camp"), "autograde", "01-landscape", "--force"],
        env={**os.environ, "CAMP_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def test_progress_bar_and_summary_are_printed(camp):
    out = _camp_autograde(camp)
    assert out.returncode == 0, out.stderr
    assert re.search(r"\b2/2 #+ .* left", out.stderr), out.stderr  # tqdm's last line: count, bar, time left
    assert "graded 2 · skipped (already graded) 0 · ungradable 0" in out.stdout
    assert out.stdout.splitlines()[0].startswith(("sandbox: bubblewrap", "WARNING: sandbox is WEAK"))
    assert "could not set" not in out.stdout, out.stdout


def test_a_limit_the_sandbox_cannot_set_is_said_in_the_summary(camp):
    """The sandbox never fails open silently: with the file-size hard limit already below the kernels' own, the
    batch still grades and its summary names the limit that could not be set."""
    import resource

    low = 8 * 1024**2  # below the kernels' 50 MiB

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (low, low))

    out = _camp_autograde(camp, preexec_fn=lower)
    assert out.returncode == 0, out.stderr
    if os.geteuid() != 0 and not shutil.which("bwrap"):
        pytest.skip("the weak sandbox grades as this user, who may raise nothing either way")
    assert "WARNING: the sandbox could not set: RLIMIT_FSIZE" in out.stdout, out.stdout
    assert "graded 2" in out.stdout


@pytest.mark.parametrize("warm", [True, False])
def test_the_warm_parent_loads_once_what_the_batchs_notebooks_load(camp, monkeypatch, warm):
    """Assignment 07 counts tokens with four tokenizers (1.7 CPU-s to load): the warm parent loads them once, so a
    forked kernel finds them loaded before any cell asked. With warming switched off the kernel finds none."""
    assert {"camp.tokens", "camp.lessons.lesson07"} <= set(engine.warm_modules(["07-ai-tools"]))
    assert "camp.tokens" not in engine.warm_modules(["00-start-here"])
    if not warm:
        monkeypatch.setattr(engine, "warm_modules", lambda names: ())
    assignment, student = "07-ai-tools", f"warm-{warm}"
    source = camp / "course" / "submitted" / "right-07" / assignment
    nb = nbformat.read(source / f"{assignment}.ipynb", as_version=4)
    probe = next(
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1_prompt_missing_code"
    )
    probe.source += (
        "\nimport camp.tokens as _t\nprint('tokenizers loaded:', _t.tokenizer.cache_info().currsize)"
    )
    folder = camp / "course" / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    for name in ("answers.json", "timestamp.txt"):
        (folder / name).write_bytes((source / name).read_bytes())
    result = engine.autograde_batch(
        assignment=assignment, students=[student], workers=1, force=True, show_progress=False
    )
    assert result.outcome == {student: "graded"}
    graded = nbformat.read(camp / "course" / "autograded" / student / assignment / f"{assignment}.ipynb", 4)
    cell = next(
        c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1_prompt_missing_code"
    )
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert f"tokenizers loaded: {4 if warm else 0}" in text, text
