"""A participant's own progress: lessons opened and finished, quiz results, assignments and their scores."""

from __future__ import annotations

import getpass
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from camp import paths
from camp.files import write_json
from camp.lang import bi


def progress_path() -> Path:
    return paths.home() / "progress.json"


def _load() -> dict[str, Any]:
    try:
        data = json.loads(progress_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # no progress yet, or an unreadable file: start afresh rather than break a lesson


def _save(data: dict[str, Any]) -> None:
    path = progress_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, data)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def lesson_opened(lesson: str) -> None:
    """Record that a lesson was started (its first cell calls this)."""
    data = _load()
    entry = data.setdefault("lessons", {}).setdefault(lesson, {})
    entry.setdefault("opened", _now())
    _save(data)


def lesson_finished(lesson: str) -> None:
    """Record that a lesson was run to its end (its last cell calls this)."""
    data = _load()
    data.setdefault("lessons", {}).setdefault(lesson, {}).update(finished=_now())
    data["lessons"][lesson].setdefault("opened", data["lessons"][lesson]["finished"])
    _save(data)
    print("🎉 " + bi("यह पाठ पूरा हुआ!", "Lesson complete!"))


def record_quiz(qid: str, value: Any, correct: bool) -> None:
    data = _load()
    data.setdefault("quiz", {})[qid] = {"value": value, "correct": bool(correct), "at": _now()}
    _save(data)


def quiz_answer(qid: str) -> Any:
    return (_load().get("quiz", {}).get(qid) or {}).get("value")


_SCORE = re.compile(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)")


def assignments() -> dict[str, dict[str, Any]]:
    """Fetched assignments, whether submitted, and the score once feedback has been fetched."""
    found: dict[str, dict[str, Any]] = {}
    work = paths.work_dir()
    if work.exists():
        for folder in sorted(p for p in work.iterdir() if p.is_dir() and not p.name.startswith(".")):
            entry = {"fetched": True, "submitted": False, "score": None, "max_score": None}
            feedback = sorted(folder.glob("feedback/*/*.html"))
            if feedback:
                match = _SCORE.search(feedback[-1].read_text(encoding="utf-8", errors="replace"))
                if match:
                    entry["score"], entry["max_score"] = float(match[1]), float(match[2])
            found[folder.name] = entry
    inbound = paths.exchange_root() / paths.COURSE_ID / "inbound"
    user = getpass.getuser()
    if inbound.exists():
        for sub in inbound.iterdir():
            parts = sub.name.split("+")
            if len(parts) >= 2 and parts[0] == user:
                found.setdefault(parts[1], {"fetched": False, "score": None, "max_score": None})[
                    "submitted"
                ] = True
    return found


def summary() -> dict[str, Any]:
    """Everything above in one dict: {"lessons": ..., "quiz": {"answered", "correct"}, "assignments": ...}."""
    data = _load()
    quiz = data.get("quiz", {})
    return {
        "lessons": data.get("lessons", {}),
        "quiz": {"answered": len(quiz), "correct": sum(1 for q in quiz.values() if q.get("correct"))},
        "assignments": assignments(),
    }


def report() -> str:
    """The progress summary as bilingual Markdown text (for a notebook or the terminal)."""
    info = summary()
    lines = [f"### {bi('मेरी प्रगति', 'My progress')}", ""]
    lines.append(f"| {bi('पाठ', 'lesson')} | {bi('शुरू', 'opened')} | {bi('पूरा', 'finished')} |")
    lines.append("|---|---|---|")
    for lesson, entry in sorted(info["lessons"].items()):
        lines.append(
            f"| {lesson} | {'✅' if entry.get('opened') else '—'} | {'✅' if entry.get('finished') else '—'} |"
        )
    q = info["quiz"]
    lines += ["", f"{bi('क्विज़', 'Quiz')}: {q['correct']} / {q['answered']} {bi('सही', 'correct')}", ""]
    lines.append(f"| {bi('असाइनमेंट', 'assignment')} | {bi('जमा', 'submitted')} | {bi('अंक', 'score')} |")
    lines.append("|---|---|---|")
    for name, entry in sorted(info["assignments"].items()):
        score = "—" if entry.get("score") is None else f"{entry['score']:g} / {entry['max_score']:g}"
        lines.append(f"| {name} | {'✅' if entry.get('submitted') else '—'} | {score} |")
    return "\n".join(lines)


def show() -> None:
    """Show my progress in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(report()))
