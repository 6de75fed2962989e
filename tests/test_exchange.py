"""The exchange is hostile: what a participant puts in nbgrader's inbound is refused by name, never copied.

Attacks are planted in a real exchange (inbound mode 2733, as nbgrader makes it): symlinks to the gradebook,
the roster and the source notebook with its hidden tests, a hard link, a FIFO, a socket, a folder forged in
another participant's name with a far-future timestamp, ids not in the roster or not ids at all. Honest
participants submit with nbgrader's own submit. `camp collect` must name every refusal, copy nothing from
a refused folder, and collect (and grade) each honest participant's own latest submission.

With root, the attacker and the honest participants are real Unix users created by the test (useradd) and
every file is written by their own processes; the ownership check is then on. Without root, the same
attacks that need no second user run as the current user (ownership is then not checked, and said so).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from conftest import answer_fixture, answer_with_widgets

from camp import paths

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("exchange")]
A = "00-start-here"


# -- helpers --------------------------------------------------------------------------------------


@dataclass
class User:
    name: str
    uid: int
    gid: int
    home: Path  # a folder of the user's own, outside the exchange


def as_user(user: User | None, action) -> None:
    """Run `action()` in a child process, as `user` (setgid/setuid) when given; re-raise its failure here."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only system calls, then _exit
        code = 1
        try:
            os.close(read)
            if user is not None:
                os.setgroups([])
                os.setgid(user.gid)
                os.setuid(user.uid)
            os.umask(0o022)
            action()
            code = 0
        except BaseException:
            os.write(write, traceback.format_exc().encode())
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        error = pipe.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, error


def stamp(delta: timedelta = timedelta()) -> str:
    """A timestamp as nbgrader's submit writes it (`%Y-%m-%d %H:%M:%S.%f %Z`, UTC)."""
    return (datetime.now(timezone.utc) + delta).strftime("%Y-%m-%d %H:%M:%S.%f %Z")


def inbound() -> Path:
    return paths.exchange_root() / paths.COURSE_ID / "inbound"


def folder_name(student: str, when: str) -> str:
    return f"{student}+{A}+{when}+{base64.urlsafe_b64encode(os.urandom(9)).decode()}"


#: The released notebook and its answers.json, answered once through the widgets as the fixture answers
#: (6 of the 10 points are autograded); every honest submission is a copy.
ANSWERED: dict[str, bytes] = {}


def answer_once(work: Path) -> None:
    released = nbformat.read(paths.course_root() / "release" / A / f"{A}.ipynb", as_version=4)
    nb = answer_with_widgets(released, answer_fixture(A)["widget_answers"], work)
    ANSWERED[f"{A}.ipynb"] = nbformat.writes(nb).encode("utf-8")
    ANSWERED["answers.json"] = (work / "answers.json").read_bytes()


def nbgrader_submit(
    student: str, work: Path, user: User | None = None, extra: dict[str, str] | None = None
) -> str:
    """nbgrader's own submit of `work/<assignment>` for `student`, run as `user`; returns the inbound folder name."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory

    from grader import config as camp_config

    folder = work / A
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in ANSWERED.items():
        (folder / name).write_bytes(data)
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    if user is not None:
        for path in [work, *work.rglob("*")]:
            os.chown(path, user.uid, user.gid)
    cfg = camp_config.traitlets_config()
    cfg.CourseDirectory.assignment_id = A
    cfg.CourseDirectory.student_id = student
    cfg.Exchange.assignment_dir = str(work)
    cfg.Exchange.cache = str(work / ".nbgrader-cache")
    app = ExchangeFactory(config=cfg).Submit(
        coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg), config=cfg
    )
    before = set(os.listdir(inbound()))
    as_user(user, app.start)
    (made,) = set(os.listdir(inbound())) - before
    return made


def plant_attacks(mallory: User | None, victim: str, unknown: str) -> dict[str, str]:
    """Every attack, each in its own folder of inbound, written by `mallory`'s process: {folder: reason expected}."""
    course = paths.course_root()
    roster_file = paths.home() / "roster.json"
    secret_source = course / "source" / A / f"{A}.ipynb"
    home = mallory.home if mallory else Path(tempfile.mkdtemp(dir=paths.home()))
    me = mallory.name if mallory else MALLORY
    past = [stamp(-timedelta(minutes=50 - i)) for i in range(12)]
    plan = {
        folder_name(me, past[0]): "symlink",  # the notebook is the source with its hidden tests
        folder_name(me, past[1]): "symlink",  # the gradebook
        folder_name(me, past[2]): "symlink",  # the roster, one folder down
        folder_name(me, past[3]): "symlink",  # a whole folder of the course
        folder_name(me, past[4]): "symlink",  # the submission folder itself
        folder_name(me, past[5]): "hard link",
        folder_name(me, past[6]): "FIFO",
        folder_name(me, past[7]): "socket",
        folder_name(victim, stamp(timedelta(days=3650))): "in the future",
        folder_name(unknown, past[8]): "not in the roster",
        folder_name("=HYPERLINK(0)", past[9]): "not a valid participant id",
    }
    names = list(plan)
    released = paths.course_root() / "release" / A / f"{A}.ipynb"
    blank = released.read_bytes()

    def attack() -> None:
        box = inbound()

        def made(i: int) -> Path:
            path = box / names[i]
            path.mkdir()
            return path

        os.symlink(secret_source, made(0) / f"{A}.ipynb")
        folder = made(1)
        (folder / f"{A}.ipynb").write_bytes(blank)
        os.symlink(course / "gradebook.db", folder / "data.db")
        folder = made(2)
        (folder / f"{A}.ipynb").write_bytes(blank)
        (folder / "extra").mkdir()
        os.symlink(roster_file, folder / "extra" / "people.json")
        folder = made(3)
        (folder / f"{A}.ipynb").write_bytes(blank)
        os.symlink(course, folder / "course")
        os.symlink(course / "source" / A, box / names[4])
        outside = home / "outside.txt"
        outside.write_text("a file of mine elsewhere", encoding="utf-8")
        os.link(outside, made(5) / f"{A}.ipynb")
        folder = made(6)
        (folder / f"{A}.ipynb").write_bytes(blank)
        os.mkfifo(folder / "pipe")
        folder = made(7)
        (folder / f"{A}.ipynb").write_bytes(blank)
        os.chdir(folder)  # a socket's path is limited to ~100 bytes: bind it by a relative name
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind("sock")
        for i in (8, 9, 10):
            folder = made(i)
            (folder / f"{A}.ipynb").write_bytes(blank)  # zero points, if it were ever graded
            (folder / "forged.txt").write_text("mallory was here", encoding="utf-8")
        for name in names:
            # as nbgrader's submit leaves a submission (listed by name: inbound is not listable)
            if not (box / name).is_symlink():
                (box / name).chmod(0o777)

    as_user(mallory, attack)
    return plan


MALLORY = "mallory"


def assert_refused(out: str, plan: dict[str, str]) -> None:
    lines = out.splitlines()
    for name, why in plan.items():
        found = [line for line in lines if line.startswith(f"rejected: {name}: ")]
        assert len(found) == 1 and why in found[0], (name, why, out)


def assert_nothing_leaked(people: dict[str, dict]) -> None:
    """Nothing under submitted/ is a link or special file, or holds the gradebook, a phone or a hidden test."""
    gradebook = paths.gradebook_path().read_bytes()[:4096]
    for path in (paths.course_root() / "submitted").rglob("*"):
        mode = os.lstat(path).st_mode
        assert stat.S_ISDIR(mode) or stat.S_ISREG(mode), path
        assert not path.is_symlink(), path
        if stat.S_ISREG(mode):
            data = path.read_bytes()
            assert gradebook[:100] not in data and b"BEGIN HIDDEN TESTS" not in data, path
            assert not any(p["phone"].encode() in data for p in people.values() if p["phone"]), path
            assert b"mallory was here" not in data and b"a file of mine" not in data, path


def write_roster(people: dict[str, str]) -> dict[str, dict]:
    from grader import roster

    phones = iter(["9876543210", "9123456780", "9988776655", "9811122233"])
    text = "id,name,district,role,phone\n" + "".join(
        f"{pid},{name},Bhopal,worker,{next(phones)}\n" for pid, name in people.items()
    )
    file = paths.home() / "people.csv"
    file.write_text(text, encoding="utf-8")
    assert not roster.import_roster(file=file).errors
    return roster.load()


def collect_cli() -> str:
    """`camp collect` in this process (the CLI's own output)."""
    import contextlib as _c
    import io

    from grader.cli import main

    buffer = io.StringIO()
    with _c.redirect_stdout(buffer):
        assert main(["collect", A]) == 0
    return buffer.getvalue()


def scores() -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        return {s.student_id: s.score for s in gb.find_assignment(A).submissions}


def submitted(student: str) -> Path:
    return paths.course_root() / "submitted" / student / A


# -- the prepared course, copied for each test ----------------------------------------------------


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    home = tmp_path_factory.mktemp("exchange-course") / "camp"
    home.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAMP_HOME", str(home))
        from grader.course import init_course

        init_course()
        answer_once(home / "answered")
    return home


@pytest.fixture
def camp(prepared, monkeypatch):
    """A copy of the prepared camp folder in a place other users can reach (/tmp, mode 0711 above it)."""
    base = Path(tempfile.mkdtemp(prefix="camp-exchange-test-"))
    base.chmod(0o711)
    home = base / "camp"
    shutil.copytree(prepared, home, symlinks=True)
    home.chmod(0o711)
    monkeypatch.setenv("CAMP_HOME", str(home))
    assert stat.S_IMODE(os.stat(inbound()).st_mode) == 0o2733  # as nbgrader makes it: all may write
    yield home
    shutil.rmtree(base, ignore_errors=True)


# -- the attack, documented: nbgrader's own collect copies what a symlink points at ---------------


def test_stock_nbgrader_collect_copies_symlink_targets_and_camp_collect_refuses(camp):
    """With the defence off (nbgrader's own collect), the roster and source notebook arrive; with it, nothing."""
    from grader import exchange

    people = write_roster({MALLORY: "Mallory"})
    name = folder_name(MALLORY, stamp(-timedelta(minutes=1)))
    folder = inbound() / name
    folder.mkdir()
    (folder / f"{A}.ipynb").symlink_to(paths.course_root() / "source" / A / f"{A}.ipynb")
    (folder / "people.json").symlink_to(paths.home() / "roster.json")

    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grader.config import traitlets_config

    cfg = traitlets_config()  # the camp's settings with nbgrader's own collect: the defence off
    cfg.ExchangeFactory.collect = "nbgrader.exchange.default.collect.ExchangeCollect"
    stock = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg).collect(A, update=True)
    assert stock["success"], stock
    loot = submitted(MALLORY)
    assert not (loot / "people.json").is_symlink()
    assert people[MALLORY]["phone"] in (loot / "people.json").read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" in (loot / f"{A}.ipynb").read_text(encoding="utf-8")

    shutil.rmtree(paths.course_root() / "submitted")
    report = exchange.collect(assignment=A)
    assert [(r.folder, r.reason.split(" (")[0]) for r in report.rejected] == [
        (name, f"{A}.ipynb is a symlink")
    ]
    assert report.submitted == [] and not submitted(MALLORY).exists()


# -- one user: what needs no second account -------------------------------------------------------


def test_single_user_exchange_refuses_each_attack_and_grades_the_honest(camp, tmp_path):
    """Symlinks, hard link, FIFO, socket, forged future folder, unknown and invalid ids: each named, none copied."""
    from grader import course

    asha, ravi, zed = "asha", "ravi", "zed"
    people = write_roster({asha: "Asha Verma", ravi: "Ravi Kumar", MALLORY: "Mallory"})
    nbgrader_submit(asha, tmp_path / "asha", extra={"mine.txt": "asha's first"})
    nbgrader_submit(ravi, tmp_path / "ravi", extra={"mine.txt": "ravi's own"})
    plan = plant_attacks(None, victim=asha, unknown=zed)

    out = collect_cli()
    assert_refused(out, plan)
    assert "ownership not checked" in out and "single-user" in out
    assert f"collected 2 submissions of {A}" in out
    assert course.submitted_students(assignment=A) == [asha, ravi]
    assert (submitted(asha) / "mine.txt").read_text(encoding="utf-8") == "asha's first"
    assert (submitted(ravi) / "mine.txt").read_text(encoding="utf-8") == "ravi's own"
    assert_nothing_leaked(people)

    assert course.autograde(assignment=A) == {asha: "graded", ravi: "graded"}
    assert scores() == {asha: 6, ravi: 6}

    # the forged far-future folder neither replaced asha's work nor blocks her next submission
    nbgrader_submit(asha, tmp_path / "asha", extra={"mine.txt": "asha's second"})
    again = collect_cli()
    assert_refused(again, plan)
    assert (submitted(asha) / "mine.txt").read_text(encoding="utf-8") == "asha's second"
    assert "new or updated: asha)" in again


def test_a_future_timestamp_collected_before_blocks_nothing(camp, tmp_path):
    """A far-future timestamp that nbgrader's own collect let into submitted/ is replaced by the honest submission."""
    write_roster({"asha": "Asha Verma"})
    old = submitted("asha")
    old.mkdir(parents=True)
    (old / "timestamp.txt").write_text(stamp(timedelta(days=3650)), encoding="utf-8")
    (old / "forged.txt").write_text("mallory was here", encoding="utf-8")
    made = nbgrader_submit("asha", tmp_path / "asha", extra={"mine.txt": "asha's own"})
    from grader import exchange

    report = exchange.collect(assignment=A)
    assert report.collected == ["asha"] and not report.rejected
    assert (submitted("asha") / "mine.txt").exists() and not (submitted("asha") / "forged.txt").exists()
    when = made.split("+")[2]
    assert (submitted("asha") / "timestamp.txt").read_text(encoding="utf-8") == when
    assert exchange.collect(assignment=A).unchanged == ["asha"]  # the same submission is not copied twice


def test_a_file_swapped_for_a_symlink_after_the_check_is_refused(camp, monkeypatch):
    """The copy opens with O_NOFOLLOW and compares fstat with the check: a swap in between is refused."""
    from grader import exchange

    write_roster({"asha": "Asha Verma"})
    name = folder_name("asha", stamp(-timedelta(minutes=1)))
    folder = inbound() / name
    folder.mkdir()
    (folder / f"{A}.ipynb").write_text("{}", encoding="utf-8")
    real_open = os.open

    def swapping_open(path, flags, *args, dir_fd=None, **kwargs):
        if path == f"{A}.ipynb" and dir_fd is not None and not flags & os.O_WRONLY:
            os.unlink(folder / path)  # the attacker wins the race: now a symlink to the gradebook
            os.symlink(paths.gradebook_path(), folder / path)
        return real_open(path, flags, *args, dir_fd=dir_fd, **kwargs)

    monkeypatch.setattr(exchange.os, "open", swapping_open)
    report = exchange.collect(assignment=A)
    monkeypatch.undo()
    assert [r.folder for r in report.rejected] == [name] and "symlink" in report.rejected[0].reason
    assert not submitted("asha").exists()


def test_the_formgraders_collect_can_use_the_same_refusals(camp):
    """nbgrader's API with `ExchangeFactory.collect = grader.exchange.CampCollect` refuses as `camp collect` does."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grader import config as camp_config

    write_roster({MALLORY: "Mallory"})
    name = folder_name(MALLORY, stamp(-timedelta(minutes=1)))
    (inbound() / name).mkdir()
    (inbound() / name / "loot").symlink_to(paths.home() / "roster.json")
    cfg = camp_config.traitlets_config()
    cfg.ExchangeFactory.collect = "grader.exchange.CampCollect"
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    result = api.collect(A, update=True)
    assert result["success"], result
    assert f"rejected: {name}: loot is a symlink" in result["log"]
    assert not submitted(MALLORY).exists()


# -- real Unix users: the exchange shared between accounts ----------------------------------------


@pytest.fixture
def users(camp):
    """asha, ravi (honest) and mallory (hostile): real accounts made with useradd, removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("creating Unix users needs root (useradd); the single-user variant covers the rest")
    if not shutil.which("useradd") or not shutil.which("userdel"):
        pytest.skip("useradd/userdel are not installed")
    tag = uuid.uuid4().hex[:6]
    made: dict[str, User] = {}
    try:
        for role in ("asha", "ravi", "mallory"):
            name = f"{role}-{tag}"
            subprocess.run(
                ["useradd", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name],
                check=True,
                capture_output=True,
                text=True,
            )
            entry = pwd.getpwnam(name)
            home = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=camp.parent))
            os.chown(home, entry.pw_uid, entry.pw_gid)
            made[role] = User(name, entry.pw_uid, entry.pw_gid, home)
        yield made
    finally:
        for user in made.values():
            subprocess.run(["userdel", user.name], capture_output=True)
            with contextlib.suppress(OSError):
                subprocess.run(["groupdel", user.name], capture_output=True)


def test_shared_exchange_between_real_users(camp, users):
    """Each attack by a real second account is named; forged owners are refused; the honest are graded right."""
    from grader import course

    asha, ravi, mallory = users["asha"], users["ravi"], users["mallory"]
    people = write_roster({asha.name: "Asha Verma", ravi.name: "Ravi Kumar", mallory.name: "Mallory"})
    nbgrader_submit(asha.name, asha.home / "work", asha, extra={"mine.txt": "asha's first"})
    nbgrader_submit(ravi.name, ravi.home / "work", ravi, extra={"mine.txt": "ravi's own"})
    plan = plant_attacks(mallory, victim=asha.name, unknown=f"zed-{uuid.uuid4().hex[:4]}")
    # a folder in ravi's name, newer than his, with a plausible timestamp: only its owner gives it away
    forged = folder_name(ravi.name, stamp(-timedelta(seconds=1)))
    blank = (paths.course_root() / "release" / A / f"{A}.ipynb").read_bytes()

    def forge() -> None:
        (inbound() / forged).mkdir()
        (inbound() / forged / f"{A}.ipynb").write_bytes(blank)
        (inbound() / forged / "forged.txt").write_text("mallory was here", encoding="utf-8")

    as_user(mallory, forge)
    plan[forged] = f"claims to be {ravi.name}'s but is owned by {mallory.name}"
    owners = {pwd.getpwuid(os.lstat(inbound() / n).st_uid).pw_name for n in os.listdir(inbound())}
    assert owners == {asha.name, ravi.name, mallory.name}  # every folder written by its own account

    out = collect_cli()
    assert_refused(out, plan)
    assert "ownership checked" in out
    assert course.submitted_students(assignment=A) == sorted([asha.name, ravi.name])
    assert (submitted(asha.name) / "mine.txt").read_text(encoding="utf-8") == "asha's first"
    assert (submitted(ravi.name) / "mine.txt").read_text(encoding="utf-8") == "ravi's own"
    assert_nothing_leaked(people)

    assert course.autograde(assignment=A) == {asha.name: "graded", ravi.name: "graded"}
    assert scores() == {asha.name: 6, ravi.name: 6}

    nbgrader_submit(asha.name, asha.home / "work", asha, extra={"mine.txt": "asha's second"})
    again = collect_cli()
    assert_refused(again, plan)
    assert (submitted(asha.name) / "mine.txt").read_text(encoding="utf-8") == "asha's second"


def test_what_another_account_puts_into_a_submission_is_left_out_and_named(camp, users, monkeypatch):
    """nbgrader leaves each submission folder mode 0777, so another account that knows a folder's name can put
    files into it. Whatever it put there is left out unread and that account is named; the rest, all hers, is
    collected and graded, and the intrusion after her submission does not make her late. What it deleted cannot
    come back: ravi's answers.json, replaced by mallory's, is missing (and mallory is named for it)."""
    from grader import course, exchange

    asha, ravi, mallory = users["asha"], users["ravi"], users["mallory"]
    people = write_roster({asha.name: "Asha Verma", ravi.name: "Ravi Kumar", mallory.name: "Mallory"})
    monkeypatch.setattr(exchange, "SUBMIT_TOLERANCE", timedelta(seconds=5))
    hers = nbgrader_submit(asha.name, asha.home / "work", asha, extra={"mine.txt": "asha's own"})
    his = nbgrader_submit(ravi.name, ravi.home / "work", ravi)
    assert stat.S_IMODE(os.stat(inbound() / hers).st_mode) == 0o777
    time.sleep(8)  # past the tolerance: a change of theirs now would make a submission late
    wrong = json.dumps({"format": 1, "answers": {"q1_run_key": {"value": "A", "saved": "x"}}})

    def intrude() -> None:
        box = inbound() / hers
        (box / "extra.py").write_text("print('mallory was here')", encoding="utf-8")
        (box / "loot").symlink_to(paths.gradebook_path())
        os.mkfifo(box / "pipe")
        (box / "more").mkdir()
        (box / "more" / "answers.json").write_text(wrong, encoding="utf-8")
        (inbound() / his / "answers.json").unlink()  # his answers, gone
        (inbound() / his / "answers.json").write_text(wrong, encoding="utf-8")

    as_user(mallory, intrude)
    out = collect_cli()
    expected = {
        f"{hers}/extra.py": (asha, "a file"),
        f"{hers}/loot": (asha, "a symlink"),
        f"{hers}/more": (asha, "a folder"),
        f"{hers}/pipe": (asha, "a FIFO (named pipe)"),
        f"{his}/answers.json": (ravi, "a file"),
    }
    for path, (owner, what) in expected.items():
        found = [line for line in out.splitlines() if line.startswith(f"rejected: {path}: ")]
        assert found == [
            f"rejected: {path}: put there by {mallory.name}, not {owner.name} ({what}); left out, the rest is "
            "collected"
        ], out
    assert f"5 put into someone else's submission by {mallory.name}: left out" in out
    assert not [
        line for line in out.splitlines() if line.startswith((f"rejected: {hers}: ", f"rejected: {his}: "))
    ]
    assert "back-dated" not in out, out  # mallory's changes after their submissions make neither late
    assert course.submitted_students(assignment=A) == sorted([asha.name, ravi.name])
    assert sorted(p.name for p in submitted(asha.name).iterdir()) == sorted(
        [f"{A}.ipynb", "answers.json", "mine.txt", "submission_secret.txt", "timestamp.txt"]
    )
    assert sorted(p.name for p in submitted(ravi.name).iterdir()) == sorted(
        [f"{A}.ipynb", "submission_secret.txt", "timestamp.txt"]
    )
    assert_nothing_leaked(people)

    assert course.autograde(assignment=A) == {asha.name: "graded", ravi.name: "graded"}
    assert scores() == {
        asha.name: 6,
        ravi.name: 0,
    }  # hers in full; his answers were deleted, mallory's never used
