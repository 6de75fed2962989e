"""The participant's side of the exchange (what the Assignments tab does): fetch, submit, fetch feedback."""

from __future__ import annotations

from pathlib import Path

from camp import paths
from camp.nbsettings import require_success, shared_settings, to_config


def _exchange(kind: str, assignment: str):
    paths.ensure_tools_on_path()
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory

    cfg = to_config(shared_settings())
    cfg.CourseDirectory.assignment_id = assignment
    coursedir = CourseDirectory(config=cfg)
    factory = ExchangeFactory(config=cfg)
    return getattr(factory, kind)(coursedir=coursedir, authenticator=Authenticator(config=cfg), config=cfg)


def _capture(app, what: str) -> None:
    from nbgrader.utils import capture_log

    require_success(capture_log(app), what)


def fetch_assignment(*, assignment: str) -> Path:
    """Copy a released assignment into the participant's work folder; returns its folder."""
    _capture(_exchange("fetch_assignment", assignment), f"fetch {assignment}")
    return paths.work_dir() / assignment


def submit(*, assignment: str) -> None:
    """Hand in the participant's work folder for `assignment` (notebook and answers.json)."""
    _capture(_exchange("submit", assignment), f"submit {assignment}")


def list_assignments(*, submitted: bool = False) -> list[dict]:
    """nbgrader's list of released assignments ("released"/"fetched"), or with `submitted` this
    participant's submissions from the submission cache, each with nbgrader's feedback flags."""
    paths.ensure_tools_on_path()
    app = _exchange("list", "")
    app.cached = submitted
    return app.start()


def fetch_feedback(*, assignment: str) -> list[Path]:
    """Copy returned feedback beside the assignment; returns the feedback HTML files."""
    _capture(_exchange("fetch_feedback", assignment), f"fetch feedback {assignment}")
    return sorted((paths.work_dir() / assignment / "feedback").glob("*/*.html"))
