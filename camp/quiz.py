"""Self-check quizzes in lessons: the same answer widgets as assignments, with instant bilingual feedback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from camp import answers, progress
from camp.answers import AnswerBox, parse_number


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
) -> None:
    """Show one quiz question; the participant's answer is checked at once and remembered.

    `correct` is an option value (one choice), a list of values (several choices) or a number.

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
