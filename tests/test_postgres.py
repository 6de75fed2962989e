"""The gradebook on a real PostgreSQL server (Debian's package), and `camp db migrate` from SQLite.

The server is started by the test on a free loopback port with its data in a temporary folder (as the
`postgres` account when the test runs as root: PostgreSQL refuses to run as root), with a password
that exists only for the test; it is stopped and its folder removed at the end. Skipped with the reason
when PostgreSQL (`initdb`) or the psycopg driver is missing: `make system-deps` installs the package as root.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("postgres")]
ASSIGNMENT = "00-start-here"
REPO = Path(__file__).resolve().parents[1]
FIXTURE = json.loads((REPO / "grader" / "data" / "answers" / f"{ASSIGNMENT}.json").read_text("utf-8"))


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else shutil.which(name)


def _missing() -> str | None:
    if not _bin("initdb") or not _bin("pg_ctl"):
        return (
            "PostgreSQL is not installed (Debian's postgresql package; make system-deps installs it as root)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg driver is not installed: pip install -e '.[dev]'"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no 'postgres' account to run the server as"
    return None


if _missing():
    pytest.skip(_missing(), allow_module_level=True)

from conftest import free_port  # noqa: E402


class Server:
    def __init__(self, folder: Path, port: int, password: str):
        self.folder, self.port, self.password = folder, port, password

    def url(self, db: str) -> str:
        return f"postgresql://camp:{self.password}@127.0.0.1:{self.port}/{db}"

    def new_database(self) -> str:
        import psycopg

        name = "camp_" + secrets.token_hex(4)
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name


@pytest.fixture(scope="module")
def postgres():
    folder = Path(tempfile.mkdtemp(prefix="camp-pg-", dir="/tmp"))
    owner = {}
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        owner = {"user": entry.pw_uid, "group": entry.pw_gid}
    os.chmod(folder, 0o700)
    password = secrets.token_urlsafe(18)
    pwfile = folder / "pw"
    pwfile.write_text(password + "\n", encoding="utf-8")
    if owner:
        os.chown(pwfile, owner["user"], owner["group"])
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(folder)}
    data, port = folder / "data", free_port()
    started = False
    try:
        subprocess.run(
            [
                _bin("initdb"),
                "-D",
                str(data),
                "-U",
                "camp",
                f"--pwfile={pwfile}",
                "-A",
                "scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            env=env,
            cwd=folder,
            **owner,
        )
        pwfile.unlink()
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=60"
        subprocess.run(
            [
                _bin("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "120",
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
            env=env,
            cwd=folder,
            **owner,
        )
        started = True
        yield Server(folder, port, password)
    finally:
        if started:
            subprocess.run(
                [_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                env=env,
                cwd=folder,
                **owner,
            )
        shutil.rmtree(folder, ignore_errors=True)


def _graded_camp(home: Path, students: dict[str, dict], *, grade: bool = True) -> None:
    """Roster, release and an autograded submission per student, in the camp at `home` (its gradebook as set)."""
    import nbformat

    from grader import course, roster

    home.mkdir(parents=True, exist_ok=True)
    people = home / "roster.csv"
    people.write_text(
        "id,name,district,role,phone\n" + "".join(f"{s},प्रतिभागी {s},सीहोर,worker,\n" for s in students),
        encoding="utf-8",
    )
    assert roster.import_roster(file=people).added == len(students)
    course.release(assignments=[ASSIGNMENT], to_exchange=False)
    released = nbformat.read(home / "course" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for student, values in students.items():
        folder = home / "course" / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(released, folder / f"{ASSIGNMENT}.ipynb")
        (folder / "answers.json").write_text(
            json.dumps(
                {
                    "format": 1,
                    "answers": {
                        k: {"value": v, "saved": "2026-12-02T10:00:00+00:00"} for k, v in values.items()
                    },
                }
            ),
            encoding="utf-8",
        )
        (folder / "timestamp.txt").write_text("2026-12-02 10:00:00.000000 UTC", encoding="utf-8")
    if grade:
        assert course.autograde(assignment=ASSIGNMENT) == {s: "graded" for s in students}


RIGHT = FIXTURE["widget_answers"]
STUDENTS = {"asha": RIGHT, "ravi": {**RIGHT, **FIXTURE["wrong"][1]["answers"]}, "meena": {}}


def test_gradebook_on_postgresql(postgres, tmp_path, monkeypatch):
    """Roster, release and autograde keep every score in PostgreSQL (nothing in SQLite)."""
    from grader import hub

    url = postgres.url(postgres.new_database())
    monkeypatch.setenv("CAMP_HOME", str(tmp_path / "camp"))
    monkeypatch.setenv("CAMP_DB_URL", hub._engine_url(url))
    _graded_camp(tmp_path / "camp", STUDENTS)
    assert not (tmp_path / "camp" / "course" / "gradebook.db").exists(), "nothing went to SQLite"
    census = hub.gradebook_census(url)
    assert census["scores"] == {
        f"asha/{ASSIGNMENT}": 6.0,
        f"ravi/{ASSIGNMENT}": 4.0,
        f"meena/{ASSIGNMENT}": 0.0,
    }


def test_db_migrate_moves_a_sqlite_camp_without_loss(postgres, tmp_path, monkeypatch):
    """`camp db migrate --to postgresql://…`: same rows per table, same scores and total; a second run refuses."""
    from grader import hub

    home = tmp_path / "camp"
    monkeypatch.setenv("CAMP_HOME", str(home))
    monkeypatch.delenv("CAMP_DB_URL", raising=False)
    _graded_camp(home, STUDENTS)
    sqlite = f"sqlite:///{home / 'course' / 'gradebook.db'}"
    before = hub.gradebook_census(sqlite)
    assert before["total"] == 10.0 and before["rows"]["grade"] > 0

    url = postgres.url(postgres.new_database())
    env = {**os.environ, "CAMP_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "db", "migrate", "--to", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "3 submissions, total score 10" in done.stdout
    assert postgres.password not in done.stdout + done.stderr, "the password is never printed"
    assert hub.gradebook_census(url) == before
    assert list((home / "backups").glob("gradebook-before-migrate-*.db"))
    # The hub's trainer servers take the URL from the course folder (0640), never from participants' reach.
    saved = home / "etc" / "db-url"
    assert saved.stat().st_mode & 0o777 == 0o640
    assert saved.read_text(encoding="utf-8").strip() == hub._engine_url(url)
    assert hub.trainer_db_url(hub.Settings(root=tmp_path, trainers_group="x", participants_group="y")) is None
    (tmp_path / "course").symlink_to(home)  # a hub whose course folder is this camp
    assert hub.trainer_db_url(hub.Settings(root=tmp_path)) == hub._engine_url(url)

    again = subprocess.run(
        [sys.executable, "-m", "grader.cli", "db", "migrate", "--to", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 1 and "not empty" in again.stderr
    assert postgres.password not in again.stdout + again.stderr
    assert hub.gradebook_census(url) == before, "a refused second copy changes nothing"


TRAINER = f"""
import sys
from nbgrader.api import Gradebook
url, kind, students = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
with Gradebook(url, "camp") as gb:
    for round in range(3):
        for student in students:
            nb = gb.find_submission_notebook("{ASSIGNMENT}", "{ASSIGNMENT}", student)
            if kind == "scores":
                for grade in nb.grades:
                    if not grade.name.endswith("_test"):
                        grade.manual_score = 1 + round
            else:
                for comment in nb.comments:
                    comment.manual_comment = f"round {{round}} for {{student}}"
            gb.db.commit()
"""


def test_two_trainers_and_an_autograde_batch_write_at_once(postgres, tmp_path, monkeypatch):
    """One trainer scores written answers, another writes comments, while a batch grades others: nothing lost."""
    from grader import course, hub

    url = hub._engine_url(postgres.url(postgres.new_database()))
    home = tmp_path / "camp"
    monkeypatch.setenv("CAMP_HOME", str(home))
    monkeypatch.setenv("CAMP_DB_URL", url)
    early = {f"early{i}": RIGHT for i in range(3)}
    late = {f"late{i}": RIGHT for i in range(3)}
    _graded_camp(home, {**early, **late}, grade=False)
    assert course.autograde(assignment=ASSIGNMENT, students=sorted(early)) == {s: "graded" for s in early}

    env = {**os.environ, "CAMP_HOME": str(home), "CAMP_DB_URL": url}
    # The batch: nbgrader's own autograde of three more submissions, in its own process (grader.course).
    grade = f"from grader.course import autograde; print(autograde(assignment={ASSIGNMENT!r}, students={sorted(late)!r}))"
    batch = subprocess.Popen(
        [sys.executable, "-c", grade], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    trainers = [
        subprocess.Popen(
            [sys.executable, "-c", TRAINER, url, kind, ",".join(sorted(early))],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for kind in ("scores", "comments")
    ]
    outputs = []
    for proc in (batch, *trainers):
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
        outputs.append(out)
    assert outputs[0].strip() == repr({s: "graded" for s in sorted(late)}), outputs[0]

    from nbgrader.api import Gradebook

    with Gradebook(url, "camp") as gb:
        for student in early:
            nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            written = [g.manual_score for g in nb.grades if not g.name.endswith("_test")]
            assert written and all(score == 3 for score in written), (student, written)
            assert all(c.manual_comment == f"round 2 for {student}" for c in nb.comments)
        for student in late:
            assert gb.find_submission(ASSIGNMENT, student).score == 6.0
