"""nbgrader's settings both sides share (the course folder and the exchange), and its results checked."""

from __future__ import annotations

from camp import paths
from camp.lang import CampError


def shared_settings() -> dict[str, dict[str, object]]:
    """What a participant's fetch, submit and feedback need, as {section: {option: value}}.

    The trainer's side (grader.config.nbgrader_settings) starts from these and adds the gradebook and its
    preprocessors, so both sides always name the same course and exchange.
    """
    return {
        "CourseDirectory": {
            "root": str(paths.course_root()),
            "course_id": paths.COURSE_ID,
            # What a participant's folder may carry besides the notebook (answers.json among them).
            "ignore": [
                ".ipynb_checkpoints",
                "*.pyc",
                "__pycache__",
                "feedback",
                ".answers-*",
                ".camp-due.json",
            ],
            "max_file_size": 5000,
        },
        "Exchange": {
            "root": str(paths.exchange_root()),
            "assignment_dir": str(paths.work_dir()),
            "path_includes_course": False,
            # nbgrader's record of what this participant submitted: per camp, not user-wide
            "cache": str(paths.home() / "nbgrader-cache"),
        },
    }


def to_config(settings: dict[str, dict[str, object]]):
    """{section: {option: value}} as a traitlets Config object, for nbgrader's apps and API."""
    from traitlets.config import Config

    cfg = Config()
    for section, options in settings.items():
        for key, value in options.items():
            cfg[section][key] = value
    return cfg


def require_success(result: dict, what: str) -> dict:
    """An nbgrader app's or API call's result, or one bilingual CampError with its last line when it failed."""
    if not result.get("success"):
        detail = (result.get("error") or result.get("log") or "").strip().splitlines()
        last = detail[-1] if detail else "unknown error"
        raise CampError(f"{what} नहीं हो सका: {last}", f"{what} failed: {last}")
    return result
