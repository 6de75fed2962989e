"""Self-check quizzes in lessons: the same answer widgets as assignments, with instant bilingual feedback.

A lesson shows its whole quiz with one call, `quiz.show("00")`. The questions, options, right answers and
explanations live in `camp/data/quizzes.json`, inside the installed package: not in the lesson, so the
answers cannot be read off the notebook, and outside the participant's JupyterLab folder. Answering the
last question marks the lesson complete in the participant's progress.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from camp import answers, progress
from camp.answers import AnswerBox, parse_number
from camp.data import DATA_DIR
from camp.lang import CampError, bi

QUIZ_FILE = DATA_DIR / "quizzes.json"


@dataclass(frozen=True)
class Question:
    """One quiz question as `camp/data/quizzes.json` holds it."""

    id: str
    label: str
    correct: Any  # an option value, a list of option values, or a number
    explain_hi: str
    explain_en: str
    options: tuple[tuple[str, Any], ...] = ()
    unit: str = ""
    tol: float = 0.0
    lesson: str = field(default="", compare=False)


@cache
def bank() -> dict[str, tuple[Question, ...]]:
    """Every lesson's quiz, {lesson: questions in order}, read once from `camp/data/quizzes.json` and
    `camp/data/quizzes/*.json` (one file a lesson from 08 on)."""
    data = json.loads(QUIZ_FILE.read_text(encoding="utf-8"))
    for extra in sorted(
        (DATA_DIR / "quizzes").glob("*.json")
    ):  # later lessons keep their quiz in a file each
        data["lessons"].update(json.loads(extra.read_text(encoding="utf-8"))["lessons"])
    return {
        lesson: tuple(
            Question(
                **{**item, "options": tuple(tuple(o) for o in item.get("options", ())), "lesson": lesson}
            )
            for item in items
        )
        for lesson, items in data["lessons"].items()
    }


def questions(lesson: str) -> tuple[Question, ...]:
    """The quiz questions of one lesson ("00", "01", …), in order; empty for a lesson without a quiz."""
    return bank().get(str(lesson), ())


def lesson_of(qid: str) -> str | None:
    """The lesson whose quiz asks `qid`, or None."""
    for lesson, items in bank().items():
        if any(q.id == qid for q in items):
            return lesson
    return None


def _same(value: Any, correct: Any, tol: float) -> bool:
    if isinstance(correct, (int, float)) and not isinstance(correct, bool):
        try:
            number = parse_number(value)
        except Exception:
            return False
        return number is not None and abs(number - correct) <= tol
    if isinstance(correct, list):
        return sorted(map(str, value or [])) == sorted(map(str, correct))
    if isinstance(correct, str) and isinstance(value, str):
        return value.strip().casefold() == correct.strip().casefold()
    return value == correct


def is_right(q: Question, value: Any) -> bool:
    """Whether `value` answers `q` correctly (numbers within `q.tol`; ticked options in any order)."""
    return _same(value, q.correct, q.tol)


def question(
    qid: str,
    *,
    label: str,
    correct: Any,
    explain_hi: str,
    explain_en: str,
    options: Sequence[str | tuple[str, Any]] = (),
    unit: str = "",
    tol: float = 0.0,
    on_answer: Callable[[], None] | None = None,
) -> None:
    """Show one quiz question; the participant's answer is checked at once and remembered.

    `correct` is an option value (one choice), a list of values (several choices) or a number.
    Lessons do not call this (their answers would be readable there): they call `show(lesson)`.

    Example:
        >>> question("m00_q1", label="कोड सेल चलाने की कुंजी? / Key to run a cell?",
        ...          options=[("Shift+Enter", "a"), ("Tab", "b")], correct="a",
        ...          explain_hi="Shift+Enter सेल चलाता है।", explain_en="Shift+Enter runs a cell.")  # doctest: +SKIP
    """
    if options:
        kind = "choices" if isinstance(correct, list) else "choice"
    else:
        kind = "number" if isinstance(correct, (int, float)) else "text"

    def check(value: Any) -> str:
        if _same(value, correct, tol):
            return f"<span style='color:#127a2d'>✅ सही! {explain_hi}<br>✅ Correct! {explain_en}</span>"
        return f"<span style='color:#b3261e'>❌ फिर से सोचें। {explain_hi}<br>❌ Not quite. {explain_en}</span>"

    def store(q: str, value: Any) -> None:
        progress.record_quiz(q, value, _same(value, correct, tol))
        if on_answer is not None:
            on_answer()

    answers.shown[qid] = AnswerBox(
        qid,
        kind,
        label=label,
        options=options,
        unit=unit,
        initial=progress.quiz_answer(qid),
        store=store,
        check=check,
    )


def _tally_text(lesson: str) -> str:
    state = progress.lesson_status(lesson)
    if state["status"] == "complete":
        return (
            "<b style='color:#127a2d'>🎉 "
            + bi(f"पाठ {lesson} पूरा हुआ!", f"Lesson {lesson} complete!")
            + "</b>"
        )
    left = state["quiz_total"] - state["quiz_answered"]
    return "📝 " + bi(
        f"क्विज़: {state['quiz_answered']} / {state['quiz_total']} सवालों के उत्तर दिए; {left} बाक़ी। "
        "सबके उत्तर देते ही पाठ पूरा गिना जाएगा।",
        f"Quiz: {state['quiz_answered']} of {state['quiz_total']} answered; {left} left. "
        "The lesson counts as complete once all are answered.",
        sep="<br>",
    )


def show(lesson: str) -> None:
    """Show a lesson's whole self-check quiz, with a line that counts the answers and marks completion.

    Example:
        >>> show("00")  # doctest: +SKIP
    """
    import ipywidgets as w
    from IPython.display import display

    items = questions(lesson)
    if not items:
        raise CampError(f"पाठ '{lesson}' का कोई क्विज़ नहीं मिला।", f"No quiz found for lesson '{lesson}'.")
    progress.lesson_opened(str(lesson))
    tally = w.HTML()

    def update() -> None:
        tally.value = _tally_text(str(lesson))

    for n, q in enumerate(items, start=1):
        question(
            q.id,
            label=f"{n}. {q.label}",
            correct=q.correct,
            explain_hi=q.explain_hi,
            explain_en=q.explain_en,
            options=q.options,
            unit=q.unit,
            tol=q.tol,
            on_answer=update,
        )
    update()
    display(tally)
