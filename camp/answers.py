"""Answer without code: widgets whose answers are saved in a file that nbgrader submits and grades.

A participant answers by clicking, typing a number or writing a sentence. Each answer is written at
once to `answers.json` beside the notebook (the kernel's working folder), which nbgrader's submit,
collect and autograde carry with the notebook; the test cells read it back through `answer()`.
Re-running a cell, reopening the notebook or answering twice keeps the latest answer, shown back in the
option's own words. The line a test cell prints under each question (`status_text`) follows the widget.
Long text is saved while it is typed, a second after the last key. Importing this module in a notebook
also makes cell errors one Hindi/English line (`camp.friendly`; `show_tracebacks(True)` turns that off).
"""

from __future__ import annotations

import asyncio
import atexit
import html
import json
import math
import os
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from camp import friendly
from camp.files import write_json
from camp.friendly import show_tracebacks  # noqa: F401  (camp.answers.show_tracebacks(True) in a notebook)
from camp.lang import CampError, bi

ANSWERS_FILE = "answers.json"
FORMAT = 1
#: Seconds after the last key before typed long text is saved.
DEBOUNCE = 1.0

#: Widgets shown in this kernel, by question id (tests drive them as the browser would).
shown: dict[str, AnswerBox] = {}
#: Question ids whose test cell last took the answer from the code cell (the widget then leaves its line).
_from_code: dict[str, bool] = {}
#: Long-text boxes whose typing is not saved yet.
_pending: dict[str, AnswerBox] = {}


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

    One test cell per question calls this, so an item is scored once whichever path was used. Test cells
    pass `globals().get("answer_q1")`, so a code cell that failed (and left no variable) falls back to
    the widget's answer.

    Example:
        >>> answer("q1_cell_kind", globals().get("answer_q1"))  # doctest: +SKIP
    """
    friendly.install()  # a kernel forked from a warm parent imported this module before IPython existed
    from_code = code is not None and code is not Ellipsis
    _from_code[qid] = from_code
    return code if from_code else load(folder).get(qid)


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


# -- the line under each question ---------------------------------------------------------------------
def question_label(qid: str) -> tuple[str, str]:
    """("प्रश्न 6", "Question 6") for "q6_many_times_threshold"; never the internal id."""
    match = re.match(r"q(\d+)_", qid or "")
    return (f"प्रश्न {match.group(1)}", f"Question {match.group(1)}") if match else ("यह प्रश्न", "This question")


def status_text(qid: str, answered: bool, *, validating: bool = False) -> str:
    """The one line a test cell shows under its question: answered (✔) or not yet (⏳), and what to do."""
    hi, en = question_label(qid)
    if answered:
        return (
            f"{hi} ✔ उत्तर मिला — जमा करने के बाद जाँचा जाएगा / "
            f"{en} ✔ answer found — it is checked after you submit"
        )
    if validating:
        return (
            f"{hi} ⏳ अभी उत्तर नहीं दिया — विजेट में उत्तर दें, फिर Validate करें / "
            f"{en} ⏳ not answered yet — answer in the widget, then Validate again"
        )
    return f"{hi} ⏳ अभी उत्तर नहीं दिया — ऊपर उत्तर दें / {en} ⏳ not answered yet — answer above"


def _in_ipython() -> bool:
    try:
        from IPython.core.interactiveshell import InteractiveShell
    except ImportError:
        return False
    return InteractiveShell.initialized()


def show_status(qid: str, answered: bool, text: str | None = None) -> None:
    """Show the status line (a test cell calls this); the question's widget updates it when answered."""
    line = text or status_text(qid, answered)
    if not _in_ipython():
        print(line)
        return
    from IPython.display import display

    display({"text/plain": line}, raw=True, display_id=f"camp-status-{qid}")


def _update_status(qid: str, answered: bool) -> None:
    if _from_code.get(qid) or not _in_ipython():
        return  # a code answer counts over the widget's, so the line stays as the test cell left it
    from IPython.display import update_display

    update_display({"text/plain": status_text(qid, answered)}, raw=True, display_id=f"camp-status-{qid}")


# -- how answers are shown ----------------------------------------------------------------------------
#: Long options wrap beside their button, and tick-box labels are shown whole (ipywidgets' own rules give
#: radio labels a fixed height and cut checkbox labels with "…").
STYLE = """<style class="camp-answer-style">
.camp-answer .widget-radio { width: auto; }
.camp-answer .widget-radio-box { margin-bottom: 0 !important; }
.camp-answer .widget-radio-box label {
  display: flex; align-items: flex-start; gap: 0.6em; height: auto; line-height: 1.45;
  padding: 0.2em 0; white-space: normal; overflow-wrap: anywhere; }
.camp-answer .widget-radio-box input { order: -1; float: none; flex: 0 0 auto; height: 1.45em; margin: 0 0 0 1px; }
.camp-answer .widget-checkbox { width: auto; height: auto; }
.camp-answer .widget-checkbox .widget-label-basic {
  display: flex; align-items: flex-start; gap: 0.6em; height: auto; line-height: 1.45; padding: 0.2em 0;
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere; }
.camp-answer textarea, .camp-answer input[type='text'] { font-family: var(--jp-ui-font-family); }
.camp-answer .widget-checkbox input[type='checkbox'] { flex: 0 0 auto; align-self: flex-start; height: 1.45em; margin: 0; }
</style>"""

#: Hindi beside units given only in English.
_UNITS = {
    "engagements": "एंगेजमेंट",
    "characters": "वर्ण",
    "hours": "घंटे",
    "days": "दिन",
    "posts": "पोस्ट",
    "times": "बार",
    "hashtags": "हैशटैग",
    "year": "साल",
    "years": "साल",
    "people": "लोग",
    "minutes": "मिनट",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~!&])")


def unit_text(unit: str) -> str:
    """A unit in both languages where both are known: "engagements" -> "एंगेजमेंट / engagements"."""
    hindi = _UNITS.get(unit.strip().casefold())
    return bi(hindi, unit.strip()) if hindi and "/" not in unit else unit


def _md(text: Any) -> str:
    """Text shown as itself in Markdown (no emphasis, links, headings, lists or HTML from what was typed)."""
    text = _MD_SPECIAL.sub(r"\\\1", str(text))
    text = re.sub(r"^(\s*)([-+])(\s)", r"\1\\\2\3", text, flags=re.M)
    return re.sub(r"^(\s*\d+)([.)])", r"\1\\\2", text, flags=re.M)


def _plain_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_SHARED: dict[str, Any] = {}


def shared(name: str) -> Any:
    """One layout or style (or the hidden style sheet) for every answer box of this kernel.

    Every ipywidgets widget makes its own Layout and Style by default, and each is a model the kernel sends and
    the notebook saves: an answer box was 20 models, of which 11 were identical defaults. Sharing them halves
    what a widget cell costs (about 17 → 9 ms of kernel CPU) and what the notebook carries. Never changed after
    creation; made again when closed (`Widget.close_all()`, a new kernel).
    """
    import ipywidgets as w

    widget = _SHARED.get(name)
    if widget is None or getattr(widget, "comm", None) is None:
        make = {
            "plain": w.Layout,
            "auto": lambda: w.Layout(width="auto"),
            "number": lambda: w.Layout(width="12em"),
            "text": lambda: w.Layout(width="80%"),
            "long_text": lambda: w.Layout(width="95%", height="140px"),
            # each widget's own style class (most are not exported by name)
            "html": w.HTML.class_traits()["style"].klass,
            "label": w.Label.class_traits()["style"].klass,
            "button": w.Button.class_traits()["style"].klass,
            "textbox": w.Text.class_traits()["style"].klass,
            "checkbox": w.Checkbox.class_traits()["style"].klass,
            "description": w.RadioButtons.class_traits()["style"].klass,
            "sheet": lambda: w.HTML(STYLE, layout=w.Layout(display="none"), style=shared("html")),
        }[name]
        widget = _SHARED[name] = make()
    return widget


def tidy(*children: Any) -> Any:
    """Widgets in a box where long radio options and tick-box labels wrap beside their buttons, as here.

    Example:
        >>> display(tidy(widgets.RadioButtons(options=long_options)))  # doctest: +SKIP
    """
    import ipywidgets as w

    return w.VBox([shared("sheet"), *children], layout=shared("plain")).add_class("camp-answer")


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def flush() -> None:
    """Save every long text typed but not saved yet (before a cell runs, and when the kernel stops)."""
    for box in list(_pending.values()):
        box._flush()


def _hook_shell() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and not getattr(shell, "_camp_answers_flush", False):
        shell.events.register("pre_run_cell", lambda *_: flush())
        shell._camp_answers_flush = True


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

        friendly.install()
        _hook_shell()
        self.qid, self.kind, self.unit = qid, kind, unit_text(unit) if unit else ""
        self._store = store or (lambda q, v: save(q, v))
        self._check = check
        self._markdown = Markdown
        self._timer: asyncio.TimerHandle | None = None
        self.options = [(o, o) if isinstance(o, str) else (str(o[0]), o[1]) for o in options]
        plain = shared("plain")
        if kind == "choice":
            self.widget = w.RadioButtons(
                options=self.options, value=None, layout=shared("auto"), style=shared("description")
            )
        elif kind == "choices":
            self._boxes = [
                w.Checkbox(description=lab, value=False, indent=False, layout=plain, style=shared("checkbox"))
                for lab, _ in self.options
            ]
            self.widget = w.VBox(self._boxes, layout=plain)
        elif kind in ("number", "text"):
            self.widget = w.Text(
                continuous_update=False,
                placeholder="0" if kind == "number" else "",
                layout=shared(kind),
                style=shared("textbox"),
            )
        elif kind == "long_text":  # every key reaches the kernel (the counter); saved a second after the last
            self.widget = w.Textarea(
                continuous_update=True, layout=shared("long_text"), style=shared("textbox")
            )
        else:
            raise ValueError(f"unknown answer kind {kind!r}")
        self.status = w.HTML(layout=plain, style=shared("html"))
        parts = [w.HTML(f"<b>{label}</b>", layout=plain, style=shared("html"))] if label else []
        row = [self.widget] + ([w.Label(self.unit, layout=plain, style=shared("label"))] if self.unit else [])
        if kind in ("text", "long_text", "number"):
            button = w.Button(
                description=bi("सहेजें", "Save"),
                icon="check",
                button_style="info",
                layout=plain,
                style=shared("button"),
            )
            button.on_click(lambda _: self._flush())
            row.append(button)
        self.box = tidy(*parts, (w.HBox if kind != "long_text" else w.VBox)(row, layout=plain), self.status)
        self._set_widget(initial)
        self._value = initial
        self._observe()
        display(self.box)
        self._echo = display(self._markdown(self._echo_text()), display_id=True)
        self._refresh_status()

    # -- the widget's value, whatever its kind -------------------------------------------------
    def _observe(self) -> None:
        targets = self._boxes if self.kind == "choices" else [self.widget]
        react = self._typed if self.kind == "long_text" else self._changed
        for target in targets:
            target.observe(lambda _change: react(), names="value")

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
            self.widget.value = _plain_number(value)
        else:
            self.widget.value = value

    def _typed(self) -> None:
        """A key was typed in the long-text box: count at once, save a second after the last key."""
        loop = _running_loop()
        if loop is None:  # plain Python: nothing to wait for
            self._flush()
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(DEBOUNCE, self._flush)
        _pending[self.qid] = self
        self._refresh_status(saving=True)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        _pending.pop(self.qid, None)
        self._changed()

    def _changed(self) -> None:
        try:
            value = self._read_widget()
        except CampError as exc:
            self.status.value = (
                f"<span style='color:#b00'>{html.escape(exc.hi)}<br>{html.escape(exc.en)}</span>"
            )
            return
        if value != self._value:
            self._value = value
            self._store(self.qid, value)
            if self._echo is not None:  # None outside a notebook (plain Python)
                self._echo.update(self._markdown(self._echo_text()))
            _update_status(self.qid, value not in (None, "", []))
        self._refresh_status()

    def _label(self, value: Any) -> str:
        return next((lab for lab, v in self.options if v == value), str(value))

    def _echo_text(self) -> str:
        saved = f"📝 **{bi('सहेजा गया उत्तर', 'Saved answer')}**"
        value = self._value
        if value is None or value == "" or value == []:
            return f"{saved}: {bi('अभी कोई उत्तर नहीं', 'no answer yet')}"
        if self.kind == "choice":
            return f"{saved}: {_md(self._label(value))}"
        if self.kind == "choices":
            return f"{saved}:\n\n" + "\n".join(f"- {_md(self._label(v))}" for v in value)
        if self.kind == "long_text":
            quoted = "\n".join(f"> {_md(line)}" if line.strip() else ">" for line in str(value).splitlines())
            return f"{saved}:\n\n{quoted}"
        unit = f" {_md(self.unit)}" if self.unit else ""
        return f"{saved}: {_md(_plain_number(value))}{unit}"

    def _refresh_status(self, *, saving: bool = False) -> None:
        if self._check and self._value is not None:
            self.status.value = self._check(self._value)
        elif self.kind == "long_text":
            count = len(self.widget.value.strip())
            if saving:
                state = bi("सहेजा जा रहा है…", "saving…")
            elif self._value:
                state = "✓ " + bi("सहेजा गया", "saved")
            else:
                state = ""
            counted = f"{bi('अक्षर', 'characters')}: {count}"
            self.status.value = f"<small>{counted}{' · ' + state if state else ''}</small>"
        else:
            self.status.value = ""

    # -- for tests and notebooks: answer as the browser would -------------------------------------
    def set(self, value: Any) -> None:
        """Set the widget as a click or typing would, and save it at once (no waiting for the last key)."""
        if self.kind == "choices":
            for (_, v), box in zip(self.options, self._boxes):
                box.value = v in value
        elif self.kind == "number":
            self.widget.value = value if isinstance(value, str) else _plain_number(value)  # typed as text
        else:
            self.widget.value = value
        if self.kind in ("text", "long_text", "number"):
            self._flush()  # typing is saved on leaving the box, on the Save button, or (long text) after a pause

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


atexit.register(flush)  # typing not yet saved when the kernel is shut down
friendly.install()
