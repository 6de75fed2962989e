"""The `camp` command line, run as a real process from the venv with a PATH that lacks the venv's bin/."""

from __future__ import annotations

import csv
import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CAMP = Path(sys.executable).parent / "camp"


def run(*args: str, home: Path, debug: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = "/usr/bin:/bin"  # no .venv/bin: nbgrader must still find alembic
    env["CAMP_HOME"] = str(home)
    cmd = [str(CAMP), *(["--debug"] if debug else []), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)


def test_camp_console_script_exists_in_the_venv():
    """After installation `.venv/bin/camp` exists and is executable."""
    assert CAMP.exists() and os.access(CAMP, os.X_OK)


@pytest.mark.slow
def test_trainer_commands_work_without_the_venv_on_path(fresh_home, tmp_path):
    """With PATH lacking .venv/bin, a participant's widget-answered submission goes through the trainer's commands
    as trainers run them (release, collect, `camp autograde` — the engine —, feedback, export, evening, report),
    each doing its work: collected, graded with full marks, feedback she fetches, her row in the CSV."""
    import getpass

    import nbformat
    from conftest import answer_fixture, answer_with_widgets

    from camp import participant

    assert str(Path(sys.executable).parent) not in "/usr/bin:/bin"
    me, name = getpass.getuser(), "00-start-here"
    result = run("course", "init", home=fresh_home)
    assert result.returncode == 0, result.stderr
    assert (fresh_home / "course" / "gradebook.db").exists()
    assert (fresh_home / "exchange" / "camp" / "outbound" / name).is_dir()

    def step(*args: str) -> str:
        result = run(*args, home=fresh_home)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr and "SAWarning" not in result.stderr, (args, result.stderr)
        return result.stdout

    released = step("release", name, "--due", "2026-12-05 18:00")  # typed in IST
    assert f"released {name}" in released and "(due 2026-12-05 18:00 IST" in released
    from nbgrader.api import Gradebook

    from camp import paths

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:  # stored as nbgrader keeps it: naive UTC
        assert gb.find_assignment(name).duedate == datetime.datetime(2026, 12, 5, 12, 30)
    folder = participant.fetch_assignment(assignment=name)
    notebook = folder / f"{name}.ipynb"
    answered = answer_with_widgets(
        nbformat.read(notebook, as_version=4), answer_fixture(name)["widget_answers"], folder
    )
    nbformat.write(answered, notebook)
    participant.submit(assignment=name)

    collected = step("collect", name, "01-landscape")  # several at once, as the other verbs take them
    assert f"collected 1 submissions of {name}" in collected and me in collected
    assert "collected 0 submissions of 01-landscape" in collected
    assert collected.count("ownership ") == 1, collected
    graded = step("autograde", name)
    assert "graded 1 · skipped (already graded) 0 · ungradable 0" in graded
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:  # the scores printed are the gradebook's
        scores = {
            s.student.id: (s.score, s.max_score, s.needs_manual_grade)
            for s in gb.assignment_submissions(name)
        }
    assert list(scores) == [me]
    for student, (got, top, pending) in scores.items():
        cell = f"{got:g} / {top:g}"
        shown = f"manual grading pending · {cell} so far" if pending else cell
        assert re.search(rf"^\s+{re.escape(student)}\s+{name}\s+{re.escape(shown)}\s*$", graded, re.M), graded
    assert f"{name}: feedback released to 1 participants" in step("feedback", name, "01-landscape")
    pages = participant.fetch_feedback(assignment=name)
    assert pages and "Score:" in pages[0].read_text(encoding="utf-8")
    step("export", "grades", "--to", str(tmp_path / "g.csv"))
    rows = list(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8-sig")))
    assert list(rows[0])[:4] == ["id", "name", "district", "role"]
    (mine,) = [r for r in rows if r["id"] == me]
    (score,) = [v for k, v in mine.items() if k.startswith(f"{name} score")]
    assert score.startswith("manual grading pending"), (
        mine
    )  # graded; her written answer waits for the trainer
    assert "skipped (already graded) 1" in step(
        "evening", name
    )  # nothing new: the batch skips what it graded
    step("roster", "list")
    assert me in step("report")
    assert (fresh_home / "trainer" / "ट्रेनर डैशबोर्ड (trainer dashboard).ipynb").exists()


def test_every_trainer_verb_takes_several_assignments():
    """collect, autograde, feedback, release (and evening) take the same: one or more assignment names."""
    from grader.cli import build_parser

    parser = build_parser()
    names = ["00-start-here", "01-landscape", "02-sources"]
    for verb, field in (
        ("collect", "assignment"),
        ("autograde", "assignment"),
        ("feedback", "assignment"),
        ("release", "assignments"),
        ("evening", "assignment"),
    ):
        assert getattr(parser.parse_args([verb, *names]), field) == names, verb
    for verb, field in (("collect", "assignment"), ("release", "assignments"), ("evening", "assignment")):
        assert getattr(parser.parse_args([verb]), field) == [], verb  # none named: every (released) one


@pytest.mark.parametrize(
    "args, message",
    [
        (["autograde", "99-nope"], "there is no assignment called '99-nope'"),
        (["release", "00-start-here", "typo"], "there is no assignment called 'typo'"),
        (["roster", "import", "missing.csv"], "file not found: missing.csv"),
    ],
)
def test_user_errors_exit_1_with_one_clear_line(args, message, fresh_home):
    """A user's mistake: exit 1, one line on stderr naming the problem, no traceback; --debug shows it."""
    result = run(*args, home=fresh_home)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    assert "Traceback" in run(*args, home=fresh_home, debug=True).stderr


def test_roster_import_reports_bad_rows_by_line_and_is_idempotent(fresh_home, tmp_path):
    """Bad rows are named with their line; good rows (Devanagari names) are imported; twice changes nothing."""
    file = tmp_path / "roster.csv"
    file.write_text(
        "id,name,district,role,phone\n"
        "p001,सुनीता यादव,भोपाल,worker,9826012345\n"
        "p002,रमेश पटेल,इंदौर,नेता,\n"
        "bad id,Someone,Rewa,worker,\n"
        "p004,अनिल,Sagar,chief,\n"
        'p005,"Khan, Salma",Ujjain,leader,12345\n',
        encoding="utf-8",
    )
    first = run("roster", "import", str(file), home=fresh_home)
    assert first.returncode == 1
    errors = first.stderr.strip().splitlines()
    assert [e.split(":")[0] for e in errors] == [
        "roster.csv line 4",
        "roster.csv line 5",
        "roster.csv line 6",
    ]
    assert "2 added, 0 updated, 0 unchanged, 3 rejected" in first.stdout
    second = run("roster", "import", str(file), home=fresh_home)
    assert "0 added, 0 updated, 2 unchanged, 3 rejected" in second.stdout
    from grader import roster

    people = roster.load()
    assert people["p001"]["name"] == "सुनीता यादव" and people["p002"]["role"] == "leader"


def test_roster_with_missing_columns_is_refused(fresh_home, tmp_path):
    file = tmp_path / "r.csv"
    file.write_text("id,name\np1,A\n", encoding="utf-8")
    result = run("roster", "import", str(file), home=fresh_home)
    assert result.returncode == 1 and "missing columns: district, role" in result.stderr
