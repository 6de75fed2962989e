"""The trainer's verbs: prepare the course, release, collect, autograde, return feedback, the evening round.

Each verb is a keyword-only function; the `camp` command line and notebooks call the same ones.
"""

from __future__ import annotations

import getpass
import json
import shutil
from pathlib import Path

from camp import paths
from camp.lang import CampError
from camp.nbsettings import require_success
from grader import config as camp_config
from grader.submissions import (
    assignment_ids,
    failure_reason,
    nbgrader_api,
    preflight,
    require_known,
    submitted_students,
    tree_hash,
)


def _state() -> dict:
    path = paths.home() / "state.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _save_state(state: dict) -> None:
    (paths.home() / "state.json").write_text(json.dumps(state, indent=1), encoding="utf-8")


def init_course(*, release_all: bool = True) -> Path:
    """Create (or bring up to date) the camp folder: config, exchange, course sources, lessons, releases.

    Safe to run again: unchanged assignments are not regenerated, so a second run takes a moment.
    Returns the camp folder.
    """
    from grader import lessons

    home = paths.home()
    if paths.gradebook_path().exists():
        from grader.engine import prepare_gradebook

        prepare_gradebook()  # a backup before nbgrader opens (and may migrate) the gradebook
    for folder in (paths.course_root() / "source", paths.exchange_root(), paths.work_dir(), paths.logs_dir()):
        folder.mkdir(parents=True, exist_ok=True)
    paths.exchange_root().chmod(0o777)
    camp_config.write()
    lessons.build_lessons()
    state = _state()
    changed = []
    for assignment in assignment_ids():
        src = paths.assignments_source() / assignment
        digest = tree_hash(src)
        dest = paths.course_root() / "source" / assignment
        released = (paths.exchange_root() / paths.COURSE_ID / "outbound" / assignment).exists()
        if state.get(assignment) == digest and dest.exists() and (released or not release_all):
            continue
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        changed.append(assignment)
        state[assignment] = digest
    for assignment in changed:
        release(assignments=[assignment], to_exchange=release_all)
    _ensure_student(getpass.getuser())
    _save_state(state)
    from grader.feedback import install_notebook

    install_notebook(home)  # the participant's "my assignments" panel, next to lessons/
    from grader.report import install_dashboard

    install_dashboard(home)  # the trainer's dashboard, in trainer/
    return home


def _ensure_student(student_id: str, **fields: str) -> None:
    from nbgrader.api import Gradebook

    paths.ensure_tools_on_path()
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        gb.update_or_create_student(student_id, **fields)


def release(
    *, assignments: list[str] | None = None, to_exchange: bool = True, due: str | None = None
) -> list[str]:
    """Generate the participant version of each assignment and release it to the exchange.

    With no names, every assignment is released. `due` ("2026-12-05 18:00", IST) sets nbgrader's due date
    (kept in UTC), which the participant's panel and feedback show in IST. Returns the released ids.
    """
    from camp.panel import parse_due
    from grader import feedback as camp_feedback

    if due:
        parse_due(due)  # a date that cannot be read stops here, before anything is generated
    names = assignments or assignment_ids()
    for name in names:
        require_known(name)
    api = nbgrader_api()
    for name in names:
        src = paths.assignments_source() / name
        dest = paths.course_root() / "source" / name
        if not dest.exists():
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        require_success(api.generate_assignment(name, force=True, create=True), f"generate {name}")
        if due:
            camp_feedback.set_due(assignment=name, due=due)
        if to_exchange:
            api.unrelease(name)
            require_success(api.release_assignment(name), f"release {name}")
            camp_feedback.publish_due(assignment=name)
    return names


def collect(*, assignment: str) -> list[str]:
    """Collect every submission of `assignment` from the exchange; returns the participants collected.

    Hostile folders (symlinks, hard links, FIFOs, forged names, future timestamps) are refused:
    see grader.exchange, whose report `camp collect` prints.
    """
    from grader import exchange

    exchange.collect(assignment=assignment)
    return submitted_students(assignment=assignment)


def autograde(*, assignment: str, students: list[str] | None = None) -> dict[str, str]:
    """Autograde collected submissions; returns {participant: "graded" or "ungradable: reason"}.

    One bad submission never stops the batch.
    """
    require_known(assignment)
    api = nbgrader_api()
    outcome = {}
    for student in students or submitted_students(assignment=assignment):
        problem = preflight(assignment=assignment, student=student)
        if problem:
            outcome[student] = "ungradable: " + problem
            continue
        for _attempt in range(1 + KERNEL_START_RETRIES):
            result = api.autograde(assignment, student, force=True, create=True)
            if result.get("success") or not _kernel_never_started(result):
                break
        outcome[student] = "graded" if result.get("success") else "ungradable: " + failure_reason(result)
    return outcome


# nbgrader's own kernels listen on TCP ports that jupyter_client picks free and the kernel binds a moment later;
# another program (a second trainer's grading, a Lab) can take a port in between, and the kernel dies before it
# runs a cell ("Address already in use"). Nothing of the submission ran, so trying again is safe. (The engine's
# kernels use Unix sockets in their own folder and cannot collide this way.)
KERNEL_START_RETRIES = 2


def _kernel_never_started(result: dict) -> bool:
    text = (result.get("log") or "") + (result.get("error") or "")
    return "Kernel died before replying to kernel_info" in text


def feedback(
    *, assignment: str, students: list[str] | None = None, failed: dict[str, str] | None = None
) -> list[str]:
    """Generate feedback for graded submissions and release it to the exchange.

    One submission that cannot get feedback (e.g. its `submission_secret.txt` is missing) does not stop the
    others: its reason goes into `failed` ({participant: one line}); without `failed` the first one is raised.
    """
    require_known(assignment)
    api = nbgrader_api()
    done = []
    for student in students or submitted_students(assignment=assignment):
        try:
            if _feedback_one(api, assignment, student):
                done.append(student)
        except CampError as exc:
            if failed is None:
                raise
            failed[student] = exc.en
    return done


def _feedback_one(api, assignment: str, student: str) -> bool:
    """Feedback for one graded submission, made and released; False when it is not graded yet."""
    graded = paths.course_root() / "autograded" / student / assignment
    if not graded.exists():
        return False
    from grader.integrity import redact_secrets

    for notebook in graded.glob("*.ipynb"):
        redact_secrets(notebook)  # a key pasted into a notebook never travels back in feedback
    require_success(
        api.generate_feedback(assignment, student, force=True), f"feedback {assignment}/{student}"
    )
    require_success(api.release_feedback(assignment, student), f"release feedback {assignment}/{student}")
    from grader.feedback import release_data

    release_data(assignment=assignment, student=student)  # the panel shows it inline from this data
    return True


def evening(*, assignments: list[str] | None = None, workers: int | None = None, out=print) -> int:
    """The evening round: collect, autograde (one parallel batch) and return feedback for everything submitted.

    Prints one line per step and, at the end, each participant's score per assignment. Returns an exit code
    (0, or 130 when the grading was interrupted).
    """
    from grader import exchange
    from grader.engine import autograde_batch, summary
    from grader.report import score_table

    names = assignments or assignment_ids()
    for name in names:
        require_known(name)
    with_work = []
    for name in names:
        collected = exchange.collect(assignment=name)
        out(collected.summary().splitlines()[-1])
        for rejection in collected.rejected:
            out(f"  {rejection}")
        if submitted_students(assignment=name):
            with_work.append(name)
    if not with_work:
        out("nothing submitted yet / अभी कुछ जमा नहीं हुआ")
        return 0
    result = autograde_batch(assignment=with_work, workers=workers, show_progress=False)
    out(summary(result))
    if result.interrupted:
        return 130
    for name in with_work:
        failed: dict[str, str] = {}
        done = feedback(assignment=name, failed=failed)
        out(f"{name}: feedback released to {len(done)} participants / फ़ीडबैक भेजा गया")
        for student, why in sorted(failed.items()):
            out(f"  {student}: no feedback / फ़ीडबैक नहीं बना — {why}")
    out(score_table(assignments=with_work))
    return 0
