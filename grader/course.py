"""The trainer's verbs: prepare the course, release, collect, autograde, return feedback, export grades.

Each verb is a keyword-only function; the `camp` command line and notebooks call the same ones.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import shutil
from pathlib import Path

from camp import paths
from camp.lang import CampError
from grader import config as camp_config


def _api():
    paths.ensure_tools_on_path()
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = camp_config.traitlets_config()
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


def _run(result: dict, what: str) -> dict:
    if not result.get("success"):
        detail = (result.get("error") or result.get("log") or "").strip().splitlines()
        last = detail[-1] if detail else "unknown error"
        raise CampError(f"{what} नहीं हो सका: {last}", f"{what} failed: {last}")
    return result


def assignment_ids() -> list[str]:
    """The course's assignments: one folder each under `assignments/` holding a notebook."""
    root = paths.assignments_source()
    return (
        sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
        if root.exists()
        else []
    )


def _known(assignment: str) -> None:
    if assignment not in assignment_ids():
        known = ", ".join(assignment_ids()) or "-"
        raise CampError(
            f"'{assignment}' नाम का कोई असाइनमेंट नहीं है (उपलब्ध: {known})",
            f"there is no assignment called '{assignment}' (known: {known})",
        )


def tree_hash(folder: Path) -> str:
    """SHA-256 of a folder's file names and contents (empty folder or none: the hash of nothing)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


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


def release(*, assignments: list[str] | None = None, to_exchange: bool = True, due: str | None = None) -> list[str]:
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
        _known(name)
    api = _api()
    for name in names:
        src = paths.assignments_source() / name
        dest = paths.course_root() / "source" / name
        if not dest.exists():
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        _run(api.generate_assignment(name, force=True, create=True), f"generate {name}")
        if due:
            camp_feedback.set_due(assignment=name, due=due)
        if to_exchange:
            api.unrelease(name)
            _run(api.release_assignment(name), f"release {name}")
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


def submitted_students(*, assignment: str) -> list[str]:
    root = paths.course_root() / "submitted"
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir()) if root.exists() else []


def autograde(*, assignment: str, students: list[str] | None = None) -> dict[str, str]:
    """Autograde collected submissions; returns {participant: "graded" or "ungradable: reason"}.

    One bad submission never stops the batch.
    """
    _known(assignment)
    api = _api()
    outcome = {}
    for student in students or submitted_students(assignment=assignment):
        problem = preflight(assignment=assignment, student=student)
        if problem:
            outcome[student] = "ungradable: " + problem
            continue
        result = api.autograde(assignment, student, force=True, create=True)
        outcome[student] = "graded" if result.get("success") else "ungradable: " + _reason(result)
    return outcome


def preflight(*, assignment: str, student: str) -> str | None:
    """Why a submission cannot be graded (missing, renamed or corrupt notebook), or None if it can."""
    import nbformat

    folder = paths.course_root() / "submitted" / student / assignment
    if not folder.is_dir():
        return "no submission folder"
    expected = sorted(p.name for p in (paths.course_root() / "release" / assignment).glob("*.ipynb"))
    found = sorted(p.name for p in folder.glob("*.ipynb"))
    for name in expected:
        if name not in found:
            others = f" (found: {', '.join(found)})" if found else ""
            return f"notebook {name} missing from the submission{others}"
        try:
            nb = nbformat.read(folder / name, as_version=4)
        except Exception:
            return "notebook is not valid JSON"
        ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
        twice = sorted({i for i in ids if i and ids.count(i) > 1})
        if twice:
            return f"graded cell {', '.join(twice)} appears more than once (copied by the participant)"
    return None


def _reason(result: dict) -> str:
    """One line saying why nbgrader failed: the underlying exception, not its generic "see above" message."""
    import re

    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    causes = [line for line in lines if re.match(r"^[\w.]*(Error|Exception|Exit)\b.*:", line)
              and "NbGraderException" not in line and "Please see the" not in line]
    if causes:
        return causes[-1][:200]
    return lines[-1][:200] if lines else "unknown error"


def feedback(*, assignment: str, students: list[str] | None = None) -> list[str]:
    """Generate feedback for graded submissions and release it to the exchange."""
    _known(assignment)
    api = _api()
    done = []
    for student in students or submitted_students(assignment=assignment):
        graded = paths.course_root() / "autograded" / student / assignment
        if not graded.exists():
            continue
        from grader.integrity import redact_secrets

        for notebook in graded.glob("*.ipynb"):
            redact_secrets(notebook)  # a key pasted into a notebook never travels back in feedback
        _run(api.generate_feedback(assignment, student, force=True), f"feedback {assignment}/{student}")
        _run(api.release_feedback(assignment, student), f"release feedback {assignment}/{student}")
        from grader.feedback import release_data

        release_data(assignment=assignment, student=student)  # the panel shows it inline from this data
        done.append(student)
    return done


def export_grades(*, to: Path) -> Path:
    """Write every participant's score per assignment to a CSV file (properly quoted, no formulas)."""
    from nbgrader.api import Gradebook, MissingEntry

    from grader import roster

    people = roster.load()
    paths.ensure_tools_on_path()
    rows = []
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        assignments = [a.name for a in gb.assignments]
        for student in gb.students:
            info = people.get(student.id, {})
            row = {
                "id": student.id,
                "name": info.get("name") or " ".join(filter(None, [student.first_name, student.last_name])),
                "district": info.get("district", ""),
                "role": info.get("role", ""),
            }
            total = 0.0
            for name in assignments:
                try:
                    score = gb.find_submission(name, student.id).score
                except MissingEntry:
                    score = None
                row[name] = "" if score is None else f"{score:g}"
                total += score or 0.0
            row["total"] = f"{total:g}"
            rows.append(row)
    from grader.safe_export import write_csv

    # a cell starting with = + - @ tab or CR is written as text, never as a live formula
    return write_csv(Path(to), ["id", "name", "district", "role", *assignments, "total"], rows)


def evening(*, assignments: list[str] | None = None, workers: int | None = None, out=print) -> int:
    """The evening round: collect, autograde (one parallel batch) and return feedback for everything submitted.

    Prints one line per step and, at the end, each participant's score per assignment. Returns an exit code
    (0, or 130 when the grading was interrupted).
    """
    from grader import exchange
    from grader.engine import autograde_batch, summary
    from grader.report import GRADED, load, table

    names = assignments or assignment_ids()
    for name in names:
        _known(name)
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
        done = feedback(assignment=name)
        out(f"{name}: feedback released to {len(done)} participants / फ़ीडबैक भेजा गया")
    cohort = load().filter(modules=with_work)
    s = cohort.status[cohort.status["status"] != "not submitted"].copy()
    s["score"] = [
        f"{r.score:g} / {r.max_score:g}" if r.status == GRADED else r.status for r in s.itertuples()
    ]
    out("scores / अंक:")
    out(table(s[["student", "assignment", "score"]].sort_values(["assignment", "student"]), limit=100000))
    return 0
