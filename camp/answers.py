"""Answer without code: widgets whose answers are saved in a file that nbgrader submits and grades.

A participant answers by clicking, typing a number or writing a sentence. Each answer is written at
once to `answers.json` beside the notebook (the kernel's working folder), which nbgrader's submit,
collect and autograde carry with the notebook; the test cells read it back through `answer()`.
Re-running a cell, reopening the notebook or answering twice keeps the latest answer, shown back.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from camp.files import write_json
from camp.lang import CampError, bi

ANSWERS_FILE = "answers.json"
FORMAT = 1

#: Widgets shown in this kernel, by question id (tests drive them as the browser would).
shown: dict[str, AnswerBox] = {}


class AnswersFileError(CampError):
    """The answers file exists but cannot be trusted (broken JSON, wrong shape)."""


def answers_path(folder: str | Path | None = None) -> Path:
    return Path(folder or os.getcwd()) / ANSWERS_FILE


def load(folder: str | Path | None = None) -> dict[str, Any]:
    """All saved answers in `folder` (default: the notebook's folder) as {question id: value}.

    Raises AnswersFileError when the file exists but is broken, so a tampered file scores zero
    with a clear message instead of crashing or passing.
    """
    path = answers_path(folder)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["answers"]
        if data.get("format") != FORMAT or not isinstance(items, dict):
            raise ValueError("unexpected shape")
        return {str(k): v["value"] for k, v in items.items() if isinstance(v, dict) and "value" in v}
    except (ValueError, KeyError, TypeError) as exc:
        raise AnswersFileError(
            f"उत्तरों की फ़ाइल {ANSWERS_FILE} टूटी हुई है ({exc}); विजेट में उत्तर फिर से चुनें।",
            f"The answers file {ANSWERS_FILE} is broken ({exc}); choose your answers in the widgets again.",
        ) from exc


def save(qid: str, value: Any, folder: str | Path | None = None) -> None:
    """Save one answer, keeping the others; the file is replaced atomically so it is never half-written."""
    path = answers_path(folder)
    try:
        current = load(folder)
    except AnswersFileError:
        current = {}  # a broken file is replaced by a good one; the participant re-answers
    current[qid] = value
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    data = {"format": FORMAT, "answers": {k: {"value": v, "saved": now} for k, v in sorted(current.items())}}
    write_json(path, data)


def answer(qid: str, code: Any = None, folder: str | Path | None = None) -> Any:
    """The participant's answer to `qid`: the code path's value if they wrote one, else the widget's.

    One test cell per question calls this, so an item is scored once whichever path was used.

    Example:
        >>> answer("q1_cell_kind", answer_q1)  # doctest: +SKIP
    """
    if code is not None and code is not Ellipsis:
        return code
    return load(folder).get(qid)


_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


def parse_number(text: Any) -> float | None:
    """Read a typed number: Devanagari digits, thousands commas and a trailing % are fine.

    Example:
        >>> parse_number("१,२५०")
        1250.0
    """
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    cleaned = str(text).translate(_DEVANAGARI_DIGITS).replace(",", "").replace("%", "").strip()
    if not cleaned:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        raise CampError(
            f"'{text}' संख्या नहीं है; केवल अंक लिखें, जैसे 12.5",
            f"'{text}' is not a number; type digits only, e.g. 12.5",
        ) from None
    if math.isnan(number) or math.isinf(number):
        raise CampError("यह संख्या मान्य नहीं है।", "This number is not valid.")
    return number


def _describe(value: Any) -> str:
    if value is None or value == "" or value == []:
        return bi("अभी कोई उत्तर नहीं", "no answer yet")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class AnswerBox:
    """One question's widget, its saved-answer echo, and where the answer is kept.

    `store` is called with each new answer; `check` (lessons' quizzes only) returns feedback text.
    """

    def __init__(
        self,
        qid: str,
        kind: str,
        *,
        label: str = "",
        options: Sequence[str | tuple[str, Any]] = (),
        unit: str = "",
        initial: Any = None,
        store: Callable[[str, Any], None] | None = None,
        check: Callable[[Any], str] | None = None,
    ):
        import ipywidgets as w
        from IPython.display import Markdown, display

        self.qid, self.kind, self.unit = qid, kind, unit
        self._store = store or (lambda q, v: save(q, v))
        self._check = check
        self._markdown = Markdown
        self.options = [(o, o) if isinstance(o, str) else (str(o[0]), o[1]) for o in options]
        layout = w.Layout(width="auto")
        if kind == "choice":
            self.widget = w.RadioButtons(options=self.options, value=None, layout=layout)
        elif kind == "choices":
            self._boxes = [w.Checkbox(description=lab, value=False, indent=False) for lab, _ in self.options]
            self.widget = w.VBox(self._boxes)
        elif kind == "number":
            self.widget = w.Text(continuous_update=False, placeholder="0", layout=w.Layout(width="12em"))
        elif kind == "text":
            self.widget = w.Text(continuous_update=False, layout=w.Layout(width="80%"))
        elif kind == "long_text":
            self.widget = w.Textarea(continuous_update=False, layout=w.Layout(width="95%", height="140px"))
        else:
            raise ValueError(f"unknown answer kind {kind!r}")
        self.status = w.HTML()
        parts = [w.HTML(f"<b>{label}</b>")] if label else []
        row = [self.widget] + ([w.Label(unit)] if unit else [])
        if kind in ("text", "long_text", "number"):
            button = w.Button(description=bi("सहेजें", "Save"), icon="check", button_style="info")
            button.on_click(lambda _: self._changed())
            row.append(button)
        self.box = w.VBox([*parts, w.HBox(row) if kind != "long_text" else w.VBox(row), self.status])
        self._set_widget(initial)
        self._value = initial
        self._observe()
        display(self.box)
        self._echo = display(self._markdown(self._echo_text()), display_id=True)
        self._refresh_status()

    # -- the widget's value, whatever its kind -------------------------------------------------
    def _observe(self) -> None:
        targets = self._boxes if self.kind == "choices" else [self.widget]
        for target in targets:
            target.observe(lambda _change: self._changed(), names="value")

    def _read_widget(self) -> Any:
        if self.kind == "choices":
            return [v for (_, v), box in zip(self.options, self._boxes) if box.value]
        value = self.widget.value
        if self.kind == "number":
            return parse_number(value)
        if self.kind in ("text", "long_text"):
            return value.strip() or None
        return value

    def _set_widget(self, value: Any) -> None:
        if value is None:
            return
        if self.kind == "choices":
            for (_, v), box in zip(self.options, self._boxes):
                box.value = v in value
        elif self.kind == "choice":
            if value in [v for _, v in self.options]:
                self.widget.value = value
        elif self.kind == "number":
            self.widget.value = _describe(value)
        else:
            self.widget.value = value

    def _changed(self) -> None:
        try:
            value = self._read_widget()
        except CampError as exc:
            self.status.value = f"<span style='color:#b00'>{exc.hi}<br>{exc.en}</span>"
            return
        if value == self._value:
            return
        self._value = value
        self._store(self.qid, value)
        if self._echo is not None:  # None outside a notebook (plain Python)
            self._echo.update(self._markdown(self._echo_text()))
        self._refresh_status()

    def _echo_text(self) -> str:
        unit = f" {self.unit}" if self.unit and self._value is not None else ""
        shown_value = _describe(self._value)
        if self.kind == "long_text" and self._value:
            quoted = "\n".join(f"> {line}" for line in str(self._value).splitlines())
            return f"📝 **{bi('सहेजा गया उत्तर', 'Saved answer')}** ({self.qid}):\n\n{quoted}"
        return f"📝 **{bi('सहेजा गया उत्तर', 'Saved answer')}** ({self.qid}): {shown_value}{unit}"

    def _refresh_status(self) -> None:
        if self._check and self._value is not None:
            self.status.value = self._check(self._value)
        elif self.kind == "long_text":
            count = len(self._value or "")
            self.status.value = f"<small>{bi('अक्षर', 'characters')}: {count}</small>"

    # -- for tests and notebooks: answer as the browser would -------------------------------------
    def set(self, value: Any) -> None:
        """Set the widget as a click or typing would (the observers save it)."""
        if self.kind == "choices":
            for (_, v), box in zip(self.options, self._boxes):
                box.value = v in value
        elif self.kind == "number":
            self.widget.value = value if isinstance(value, str) else _describe(value)  # typed as text
        else:
            self.widget.value = value
        if self.kind in ("text", "long_text", "number"):
            self._changed()  # typing is saved on leaving the box or on the Save button

    @property
    def value(self) -> Any:
        return self._value


def _ask(qid: str, kind: str, label: str, **kw: Any) -> None:
    try:
        initial = load().get(qid)
    except AnswersFileError as exc:
        print(exc)
        initial = None
    shown[qid] = AnswerBox(qid, kind, label=label, initial=initial, **kw)


def choice(qid: str, options: Sequence[str | tuple[str, Any]], *, label: str = "") -> None:
    """Ask for one option. `options` are labels, or (label, value) pairs such as ("क) कोड / A) Code", "A").

    Example:
        >>> choice("q1_cell_kind", [("क) मार्कडाउन / A) Markdown", "A"), ("ख) कोड / B) Code", "B")])  # doctest: +SKIP
    """
    _ask(qid, "choice", label, options=options)


def choices(qid: str, options: Sequence[str | tuple[str, Any]], *, label: str = "") -> None:
    """Ask for all options that apply (tick boxes); the answer is the list of ticked values."""
    _ask(qid, "choices", label, options=options)


def number(qid: str, *, unit: str = "", label: str = "") -> None:
    """Ask for a number, shown with its unit (e.g. "%" or "अक्षर / characters")."""
    _ask(qid, "number", label, unit=unit)


def text(qid: str, *, label: str = "") -> None:
    """Ask for a short text (a word, a hashtag, a line)."""
    _ask(qid, "text", label)


def long_text(qid: str, *, label: str = "") -> None:
    """Ask for a long text (a post, a reply); the trainer grades it with the rubric."""
    _ask(qid, "long_text", label)
