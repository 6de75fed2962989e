"""What the trainer's verbs (grader.course) and the engine (grader.engine) both need: the course's
assignments, the submissions collected, whether one can be graded, and nbgrader's API and failures.

It imports neither of them, so the engine no longer reaches into the course module (nor the course into the
engine at import time).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from camp import paths
from camp.lang import CampError
from grader import config as camp_config


def nbgrader_api():
    """nbgrader's Python API (NbGraderAPI) on this camp's course folder, exchange and gradebook."""
    paths.ensure_tools_on_path()
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = camp_config.traitlets_config()
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


def assignment_ids() -> list[str]:
    """The course's assignments: one folder each under `assignments/` holding a notebook."""
    root = paths.assignments_source()
    return (
        sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
        if root.exists()
        else []
    )


def require_known(assignment: str) -> None:
    """Raise one bilingual CampError naming the known assignments when `assignment` is not one of them."""
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


def submitted_students(*, assignment: str) -> list[str]:
    """The participants with a collected submission of `assignment`, sorted."""
    root = paths.course_root() / "submitted"
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir()) if root.exists() else []


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


def failure_reason(result: dict) -> str:
    """One line saying why nbgrader failed: the underlying exception, not its generic "see above" message."""
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    causes = [
        line
        for line in lines
        if re.match(r"^[\w.]*(Error|Exception|Exit)\b.*:", line)
        and "NbGraderException" not in line
        and "Please see the" not in line
    ]
    if causes:
        return causes[-1][:200]
    return lines[-1][:200] if lines else "unknown error"
