"""A mistake in a notebook cell, told in one Hindi/English line instead of a Python traceback.

`install()` puts an IPython custom exception handler in the running kernel (camp.answers does it when a
notebook uses it). Every error a cell raises, a syntax error included, is then shown as one line: what went
wrong and what to do next. In an optional answer cell (`answer_q1 = ...`) the line also says that the
widget answer still counts. The error is still an error (the cell fails, nbgrader sees it, `%tb` shows the
full traceback); only its display changes. `show_tracebacks(True)` turns this off for people who want them.
"""

from __future__ import annotations

import os
import re
import sys
import types
from typing import Any

from camp.lang import CampError

#: Set CAMP_TRACEBACKS=1 to keep Python's tracebacks from the start.
_wanted_tracebacks = os.environ.get("CAMP_TRACEBACKS", "") not in ("", "0")
_last_cell = {"source": ""}
#: What the handler shows in one line: every error, and the stop button (KeyboardInterrupt).
CAUGHT = (Exception, KeyboardInterrupt)
_ANSWER_CELL = re.compile(r"^\s*answer_q(\d+)\s*=", re.M)
_NUMBERED = re.compile(r"^❌\s*q(\d+)_\w*:\s*(.*)$")


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def install() -> bool:
    """Show errors as one bilingual line in this IPython kernel (a no-op outside IPython); True if active."""
    shell = _shell()
    if shell is None or _wanted_tracebacks:
        return False
    if getattr(shell, "_camp_friendly", False) and shell.custom_exceptions == CAUGHT:
        return True  # (IPython unregisters a handler that ever fails: then it is put back here)
    shell.set_custom_exc(CAUGHT, _handler)
    # Parse errors of a cell go to the custom handler; a syntax error met while IPython transforms the input
    # (before parsing) goes to showsyntaxerror instead, so that one is replaced too.
    shell.showsyntaxerror = types.MethodType(_showsyntaxerror, shell)
    if not getattr(shell, "_camp_friendly_events", False):
        shell.events.register("pre_run_cell", _remember_cell)
        shell._camp_friendly_events = True
    shell._camp_friendly = True
    return True


def show_tracebacks(on: bool = True) -> None:
    """Show Python's full tracebacks again (`on=True`), or one friendly line per error (`on=False`).

    Example:
        >>> import camp.answers
        >>> camp.answers.show_tracebacks(True)  # doctest: +SKIP
    """
    global _wanted_tracebacks
    _wanted_tracebacks = bool(on)
    shell = _shell()
    if shell is None:
        return
    if on:
        shell.set_custom_exc((), None)
        shell.__dict__.pop("showsyntaxerror", None)
        shell._camp_friendly = False
    else:
        install()


def _remember_cell(info: Any) -> None:
    _last_cell["source"] = getattr(info, "raw_cell", "") or ""


def _handler(shell, etype, value, tb, tb_offset=None):
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # so %tb still shows it all
    try:
        line = message(value, _last_cell["source"])
    except (
        Exception
    ):  # an exception that cannot even be printed: still one line (IPython drops failed handlers)
        line = (
            f"⚠️ इस सेल में ग़लती ({etype.__name__}) — सेल ठीक करके फिर चलाएँ / Mistake in this cell "
            f"({etype.__name__}) — fix the cell and run it again"
        )
    shell._showtraceback(etype, value, [line])
    return [line]


def _showsyntaxerror(shell, filename=None, running_compiled_code=False):
    etype, value, tb = shell._get_exc_info()
    _handler(shell, etype, value, tb)


def describe(exc: BaseException) -> tuple[str, str]:
    """What went wrong, in a few Hindi words and in English (with Python's own words in the English half).

    Example:
        >>> describe(NameError("name 'Shift' is not defined", name="Shift"))
        ("'Shift' नाम नहीं मिला", "name 'Shift' is not defined")
    """
    text = str(exc)
    if isinstance(exc, SyntaxError):
        at = f" {exc.lineno}" if exc.lineno else ""
        if isinstance(exc, IndentationError):
            return f"पंक्ति{at} की शुरुआत की ख़ाली जगह ग़लत है", f"the spaces at the start of line{at} are wrong"
        return (
            f'पंक्ति{at} Python की तरह नहीं लिखी गई (जैसे उद्धरण चिह्न " या कोष्ठक छूटा)',
            f'line{at} is not valid Python (e.g. a missing quote " or bracket): {exc.msg}',
        )
    if isinstance(exc, NameError):
        name = getattr(exc, "name", None) or (re.findall(r"'([^']+)'", text) or ["?"])[0]
        return f"'{name}' नाम नहीं मिला", text
    if isinstance(exc, ZeroDivisionError):
        return "शून्य से भाग नहीं हो सकता", text
    if isinstance(exc, ModuleNotFoundError):
        return f"मॉड्यूल '{exc.name}' नहीं मिला", text
    if isinstance(exc, FileNotFoundError):
        return f"फ़ाइल नहीं मिली: {exc.filename}", f"file not found: {exc.filename}"
    if isinstance(exc, KeyError):
        return f"{text} नहीं मिला (वर्तनी देखें)", f"{text} was not found (check the spelling)"
    if isinstance(exc, IndexError):
        return "सूची में इतने आइटम नहीं हैं", text
    if isinstance(exc, TypeError):
        return "मानों का प्रकार मेल नहीं खाता (जैसे शब्द और संख्या को जोड़ना)", text
    if isinstance(exc, ValueError):
        return "कोई मान सही रूप में नहीं है", text
    if isinstance(exc, AttributeError):
        return "इस चीज़ में यह नाम नहीं है", text
    return f"Python ने ग़लती बताई ({type(exc).__name__})", f"{type(exc).__name__}: {text}"


def _widget_answer_saved(number: str) -> bool:
    from camp import answers

    try:
        saved = answers.load()
    except answers.AnswersFileError:
        return False
    return any(k.startswith(f"q{number}_") and v not in (None, "", []) for k, v in saved.items())


def _check_failure(exc: BaseException) -> str:
    """A check's own message (camp.check.WrongAnswer) as one line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    hi, en = getattr(exc, "hi", None), getattr(exc, "en", None)
    match = _NUMBERED.match(lines[0]) if lines else None
    if hi and en and match:
        return f"प्रश्न {match.group(1)} ❌ {hi} / Question {match.group(1)} ❌ {en}"
    return " / ".join(lines)


def message(exc: BaseException, source: str = "") -> str:
    """The one line a participant sees for `exc`, raised by a cell whose code is `source`.

    Example:
        >>> message(NameError("name 'x' is not defined", name="x"))
        "⚠️ इस सेल में ग़लती: 'x' नाम नहीं मिला — सेल ठीक करके फिर चलाएँ / Mistake in this cell: name 'x' is not defined — fix the cell and run it again"
    """  # noqa: E501
    if type(exc).__name__ == "WrongAnswer":
        return _check_failure(exc)
    if isinstance(exc, CampError):
        return f"⚠️ {exc.hi} / {exc.en}"
    if isinstance(exc, KeyboardInterrupt):
        return "⏹ सेल बीच में रोक दिया गया; चाहें तो फिर चलाएँ / The cell was stopped; run it again if you like"
    hi, en = describe(exc)
    answer_cell = _ANSWER_CELL.search(source or "")
    if answer_cell and _widget_answer_saved(answer_cell.group(1)):
        then_hi = "कोड वैकल्पिक है; ऊपर विजेट वाला उत्तर ही गिना जाएगा"
        then_en = "code is optional; your widget answer above still counts"
    elif answer_cell:
        then_hi = "कोड वैकल्पिक है; ऊपर विजेट में उत्तर दें या कोड ठीक करें"
        then_en = "code is optional; answer with the widget above, or fix the code"
    else:
        then_hi, then_en = "सेल ठीक करके फिर चलाएँ", "fix the cell and run it again"
    return f"⚠️ इस सेल में ग़लती: {hi} — {then_hi} / Mistake in this cell: {en} — {then_en}"
