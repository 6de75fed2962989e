"""What assignment test cells call: compare an answer, and explain in Hindi and English when it is wrong.

Answers are first turned into plain data (str, number, list, dict) through JSON, so an object that
claims to equal anything cannot pass a check.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from camp import friendly
from camp.answers import parse_number, question_label, show_status, status_text
from camp.lang import bi


class WrongAnswer(AssertionError):
    """A failed check: the message is the bilingual hint the participant sees in feedback."""


def _plain(value: Any) -> Any:
    """A copy of `value` made only of JSON types, or a WrongAnswer if it is anything else."""
    try:
        if hasattr(value, "tolist"):  # numpy / pandas scalars and arrays
            value = value.tolist()
        return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError):
        raise WrongAnswer(
            bi(
                "उत्तर साधारण मान होना चाहिए (शब्द, संख्या या सूची)।",
                "The answer must be a plain value (text, number or list).",
                sep="\n",
            )
        ) from None


def _fail(qid: str, hint_hi: str, hint_en: str) -> None:
    error = WrongAnswer(f"❌ {qid}: {hint_hi}\n❌ {qid}: {hint_en}")
    error.hi, error.en = hint_hi, hint_en  # the grader shows these two lines, nothing else
    raise error


def _require(qid: str, got: Any) -> Any:
    got = _plain(got)
    if got is None or got == "" or got == []:
        _fail(qid, "अभी उत्तर नहीं दिया गया।", "Not answered yet.")
    return got


def _ok(qid: str) -> None:
    print(f"✅ {qid}: {bi('सही', 'correct')}")


ANSWER_MIME = "application/vnd.camp.answer+json"


def _record(qid: str, got: Any) -> None:
    """Leave the answer in the cell's output, so the grader can re-check it outside this kernel."""
    try:
        from IPython.display import display

        # text/plain is the fallback a notebook shows (nothing), instead of "no renderer for this output"
        display({ANSWER_MIME: {"qid": qid, "value": _plain(got)}, "text/plain": ""}, raw=True)
    except Exception:  # not JSON-able, or no IPython: the re-check then treats the item as unverified
        pass


def answered(qid: str, got: Any) -> None:
    """The visible check: was an answer given? (The hidden test decides whether it is right.)

    While working, a missing answer is only reported, so "Run All" goes on and shows every question; the
    line ("प्रश्न 6 ⏳ … / Question 6 ⏳ …") turns to ✔ when the question's widget is answered. Under
    nbgrader's Validate a missing answer fails with that one line, so Validate lists the questions still
    unanswered (camp.friendly shows it without a traceback).
    """
    _record(qid, got)
    friendly.install()
    validating = os.environ.get("NBGRADER_EXECUTION") == "validate"
    try:
        plain = _plain(got)
    except WrongAnswer as exc:  # not plain data (e.g. a table): say so, on the question's line
        label_hi, label_en = question_label(qid)
        hi, en = (str(exc).splitlines() + ["", ""])[:2]
        line = f"{label_hi} ❌ {hi} / {label_en} ❌ {en}"
        if validating:
            raise WrongAnswer(line) from None
        show_status(qid, False, line)
        return
    if plain is None or plain == "" or plain == []:
        if validating:
            raise WrongAnswer(status_text(qid, False, validating=True))
        show_status(qid, False)
        return
    show_status(qid, True)


def equal(qid: str, got: Any, expected: Any, *, hint_hi: str, hint_en: str, ignore_case: bool = True) -> None:
    """Pass when the answer equals `expected` (text compared without extra spaces, and case-blind)."""
    got = _require(qid, got)
    if isinstance(got, str) and isinstance(expected, str):
        same = " ".join(got.split()) == " ".join(expected.split())
        if ignore_case:
            same = " ".join(got.split()).casefold() == " ".join(expected.split()).casefold()
    else:
        same = type(got) is type(expected) and got == expected
    if not same:
        _fail(qid, hint_hi, hint_en)
    _ok(qid)


def one_of(qid: str, got: Any, accepted: list[Any], *, hint_hi: str, hint_en: str) -> None:
    """Pass when the answer is any of `accepted` (text compared case-blind)."""
    got = _require(qid, got)
    norm = [a.casefold().strip() if isinstance(a, str) else a for a in accepted]
    if (got.casefold().strip() if isinstance(got, str) else got) not in norm:
        _fail(qid, hint_hi, hint_en)
    _ok(qid)


def same_set(qid: str, got: Any, expected: list[Any], *, hint_hi: str, hint_en: str) -> None:
    """Pass when the answer lists exactly the expected items, in any order."""
    got = _require(qid, got)
    if not isinstance(got, list) or sorted(map(str, got)) != sorted(map(str, expected)):
        _fail(qid, hint_hi, hint_en)
    _ok(qid)


def close(qid: str, got: Any, expected: float, *, tol: float, hint_hi: str, hint_en: str) -> None:
    """Pass when a number is within `tol` of `expected` (typed numbers like "१२.५" or "12.5%" are read)."""
    got = _require(qid, got)
    try:
        number = parse_number(got) if not isinstance(got, bool) else None
    except Exception:
        number = None
    if number is None or not math.isfinite(number) or abs(number - expected) > tol:
        _fail(qid, hint_hi, hint_en)
    _ok(qid)


def true(qid: str, condition: Any, *, hint_hi: str, hint_en: str) -> None:
    """Pass when `condition` is exactly True (for checks on code answers, e.g. a table's shape)."""
    if _plain(condition) is not True:
        _fail(qid, hint_hi, hint_en)
    _ok(qid)
