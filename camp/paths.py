"""Where the course sources and the camp's state live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The checkout (or installed tree) that holds modules/ and assignments/ (`$CAMP_SOURCES` moves it).
DEFAULT_SOURCES = Path(__file__).resolve().parents[1]
SOURCE_ROOT = Path(os.environ.get("CAMP_SOURCES", DEFAULT_SOURCES))

COURSE_ID = "camp"


def home() -> Path:
    """The one folder that holds all generated state (`$CAMP_HOME`, default `.camp/` in the checkout)."""
    return Path(os.environ.get("CAMP_HOME") or default_home()).resolve()


def default_home() -> Path:
    """The state folder when `$CAMP_HOME` is not set: `.camp/` in the checkout."""
    return (SOURCE_ROOT / ".camp").resolve()


def course_root() -> Path:
    """nbgrader's course directory: source/, release/, submitted/, autograded/, feedback/, gradebook."""
    return home() / "course"


def exchange_root() -> Path:
    """nbgrader's exchange, where released assignments and submissions travel."""
    return home() / "exchange"


def work_dir() -> Path:
    """Where a participant's fetched assignments go."""
    return home() / "my-work"


def lessons_dir() -> Path:
    """The participant's own copies of the lessons (edits never touch the sources)."""
    return home() / "lessons"


def config_dir() -> Path:
    """Jupyter and nbgrader configuration written for this camp."""
    return home() / "etc" / "jupyter"


def logs_dir() -> Path:
    return home() / "logs"


def gradebook_path() -> Path:
    return course_root() / "gradebook.db"


def db_url() -> str:
    """The gradebook URL: `$CAMP_DB_URL` (e.g. PostgreSQL) or SQLite that waits for a busy writer."""
    return os.environ.get("CAMP_DB_URL") or default_db_url()


def default_db_url() -> str:
    """SQLite in the course folder, waiting up to 60 s for a busy writer (several grading workers)."""
    return f"sqlite:///{gradebook_path()}?timeout=60"


def modules_source() -> Path:
    return SOURCE_ROOT / "modules"


def assignments_source() -> Path:
    return SOURCE_ROOT / "assignments"


def ensure_tools_on_path() -> None:
    """Put this interpreter's bin/ first on PATH.

    nbgrader runs `alembic` by name; from an unactivated virtual environment that fails with
    FileNotFoundError unless the environment's bin/ is on PATH.
    """
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[:1] != [bindir]:
        os.environ["PATH"] = os.pathsep.join([bindir, *[p for p in parts if p and p != bindir]])
