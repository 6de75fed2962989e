"""A participant's own progress: lessons opened and completed (quiz all answered), quiz results, assignments."""

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
    if "opened" not in entry:
        entry["opened"] = _now()
        _save(data)


def _quiz_ids(lesson: str) -> list[str]:
    from camp import quiz  # quiz records its answers here: imported late to avoid a cycle

    return [q.id for q in quiz.questions(lesson)]


def _status(data: dict[str, Any], lesson: str) -> dict[str, Any]:
    entry = data.get("lessons", {}).get(lesson, {})
    asked = _quiz_ids(lesson)
    answered = sum(1 for qid in asked if qid in data.get("quiz", {}))
    done = bool(entry.get("completed")) if not asked else answered == len(asked)
    status = "complete" if done else "opened" if entry or answered else "not_started"
    return {
        "status": status,
        "opened": entry.get("opened"),
        "completed": entry.get("completed") if done else None,
        "quiz_answered": answered,
        "quiz_total": len(asked),
    }


def lesson_status(lesson: str) -> dict[str, Any]:
    """Where a lesson stands: "not_started", "opened" or "complete", and how much of its quiz is answered.

    A lesson is complete when every question of its self-check quiz has an answer (right or wrong):
    running its cells is not enough.

    Example:
        >>> lesson_status("00")["status"]  # doctest: +SKIP
        'opened'
    """
    return _status(_load(), str(lesson))


def lesson_end(lesson: str) -> None:
    """The lesson's last cell: say whether the lesson is complete, or what is left to do."""
    data = _load()
    if not _quiz_ids(lesson):  # a lesson without a quiz is complete once run to its end
        data.setdefault("lessons", {}).setdefault(lesson, {}).setdefault("completed", _now())
        _save(data)
    state = lesson_status(lesson)
    if state["status"] == "complete":
        print("🎉 " + bi("यह पाठ पूरा हुआ!", "Lesson complete!"))
        return
    left = state["quiz_total"] - state["quiz_answered"]
    print(
        "📝 "
        + bi(
            f"पाठ का अंत। ऊपर क्विज़ के {left} सवाल बाक़ी हैं; उनके उत्तर देते ही पाठ पूरा गिना जाएगा।",
            f"End of the lesson. {left} quiz question(s) above are left; answer them and the lesson "
            "counts as complete.",
            sep="\n",
        )
    )


def record_quiz(qid: str, value: Any, correct: bool) -> None:
    """Keep a quiz answer; the answer that completes a lesson's quiz marks the lesson complete."""
    data = _load()
    data.setdefault("quiz", {})[qid] = {"value": value, "correct": bool(correct), "at": _now()}
    from camp import quiz

    lesson = quiz.lesson_of(qid)
    if lesson is not None and _status(data, lesson)["status"] == "complete":
        entry = data.setdefault("lessons", {}).setdefault(lesson, {})
        entry.setdefault("opened", _now())
        entry.setdefault("completed", _now())
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
    """Everything above in one dict: {"lessons": ..., "quiz": {"answered", "correct"}, "assignments": ...}.

    Each lesson's entry is `lesson_status`: its "status" is "opened" until its quiz is all answered, then
    "complete".
    """
    from camp import quiz as lesson_quizzes

    data = _load()
    quiz = data.get("quiz", {})
    seen = set(data.get("lessons", {})) | {lesson_quizzes.lesson_of(q) for q in quiz} - {None}
    seen |= set(lesson_quizzes.bank())  # every lesson of the course, "not started" ones too
    return {
        "lessons": {lesson: _status(data, lesson) for lesson in sorted(seen)},
        "quiz": {"answered": len(quiz), "correct": sum(1 for q in quiz.values() if q.get("correct"))},
        "assignments": assignments(),
    }


def report() -> str:
    """The progress summary as bilingual Markdown text (for a notebook or the terminal)."""
    info = summary()
    lines = [f"### {bi('मेरी प्रगति', 'My progress')}", ""]
    lines.append(
        f"| {bi('पाठ', 'lesson')} | {bi('शुरू', 'opened')} | {bi('क्विज़', 'quiz')} | {bi('पूरा', 'complete')} |"
    )
    lines.append("|---|---|---|---|")
    for lesson, entry in info["lessons"].items():
        opened = "✅" if entry["status"] != "not_started" else "—"
        done = "✅" if entry["status"] == "complete" else "—"
        lines.append(f"| {lesson} | {opened} | {entry['quiz_answered']} / {entry['quiz_total']} | {done} |")
    q = info["quiz"]
    lines += ["", f"{bi('क्विज़', 'Quiz')}: {q['correct']} / {q['answered']} {bi('सही', 'correct')}", ""]
    lines.append(f"| {bi('असाइनमेंट', 'assignment')} | {bi('जमा', 'submitted')} | {bi('अंक', 'score')} |")
    lines.append("|---|---|---|")
    for name, entry in sorted(info["assignments"].items()):
        score = "—" if entry.get("score") is None else f"{entry['score']:g} / {entry['max_score']:g}"
        lines.append(f"| {name} | {'✅' if entry.get('submitted') else '—'} | {score} |")
    lines += [
        "",
        bi(
            "पाठ तब पूरा गिना जाता है जब उसके क्विज़ के सब सवालों के उत्तर दिए जाएँ।",
            "A lesson counts as complete once every question of its quiz is answered.",
        ),
    ]
    return "\n".join(lines)


def show() -> None:
    """Show my progress in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(report()))
