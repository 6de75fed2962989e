"""The `camp` command line, run as a real process from the venv with a PATH that lacks the venv's bin/."""

from __future__ import annotations

import csv
import os
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
    """course init, release, collect, autograde, feedback and export run with PATH lacking .venv/bin."""
    assert str(Path(sys.executable).parent) not in "/usr/bin:/bin"
    result = run("course", "init", home=fresh_home)
    assert result.returncode == 0, result.stderr
    assert (fresh_home / "course" / "gradebook.db").exists()
    assert (fresh_home / "exchange" / "camp" / "outbound" / "00-start-here").is_dir()
    for args in (
        ["release", "00-start-here"],
        ["collect", "00-start-here"],
        ["autograde", "00-start-here"],
        ["feedback", "00-start-here", "01-landscape"],
        ["export", "grades", "--to", str(tmp_path / "g.csv")],
        ["evening", "00-start-here"],
        ["roster", "list"],
        ["report"],
    ):
        result = run(*args, home=fresh_home)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr and "SAWarning" not in result.stderr, (args, result.stderr)
    assert (fresh_home / "trainer" / "ट्रेनर डैशबोर्ड (trainer dashboard).ipynb").exists()
    assert next(csv.reader((tmp_path / "g.csv").open(encoding="utf-8-sig")))[:4] == [
        "id",
        "name",
        "district",
        "role",
    ]


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
