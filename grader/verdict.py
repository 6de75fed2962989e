"""The answer key never enters the participant's kernel: hide the hidden tests, then judge the answers outside.

nbgrader's autograde puts every test cell back from the course's source, hidden tests included, and runs it in
the participant's kernel. That kernel runs the participant's own code first, so it could read each check as it
arrives (an IPython input hook) and set the answer that passes. Here the two steps are split:

- `HideTests` (before Execute) cuts the hidden tests out of the cells, line by line exactly as nbgrader's release
  (`ClearHiddenTests`) does: every line that contains `BEGIN HIDDEN TESTS` (any number of `#`, spaces, a CRLF
  ending) starts a hidden block, every line that contains `END HIDDEN TESTS` ends it, in every cell whose code
  came from the trainer's source (locked or test cells). It fails closed: such a cell that still holds anything
  like a marker afterwards (`begin hidden tests`, `BEGIN  HIDDEN TESTS`, ...), or a block with no end, stops the
  submission ("ungradable: HiddenTestsError: ...") before any kernel starts. The kernel
  then runs what the participant was released: the visible part of each test cell only records the answer as data
  (`camp.check.ANSWER_MIME`). The hidden code is kept in the grader's memory (nbconvert's resources), never in
  the notebook, a file or a message the kernel receives.
- `JudgeAnswers` (after Execute) runs each hidden check here, in the grader's process, on the recorded answer
  (plain JSON, size-capped), and leaves one output per test cell: a bilingual ✅ line, or a `WrongAnswer` error
  whose only text is the question number and the hint. That verdict is the only one: nbgrader's SaveAutoGrades
  scores from it. The cell's source gets its hidden tests back, for the trainer's copy.

Every check is a plain call on `got` (`check.equal(qid, got, ...)`): `tests/test_assignments.py` keeps it so.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import re
from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from camp import check

#: nbgrader's own delimiters (ClearHiddenTests): a line that contains one of them, whatever else it holds.
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
#: Anything that looks like a marker, in any case and spacing: none may be left in what the kernel receives.
MARKER_LEFT = re.compile(r"(BEGIN|END)[\W_]*HIDDEN[\W_]*TESTS?", re.I)
RESOURCE = "camp_hidden_tests"
MAX_RECORD = 64_000  # bytes of JSON an answer record may carry (a long post is a few KB)
#: Outputs the engine puts in a cell that could not run (kept as the reason of a failed verdict).
STOPPED = {"NotebookTimeLimit", "KernelDied", "KernelUnresponsive", "GradingError"}
#: What a hidden check may use besides `check` and `got`.
SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in (
        "isinstance",
        "str",
        "int",
        "float",
        "list",
        "len",
        "sorted",
        "round",
        "abs",
        "set",
        "bool",
        "dict",
        "tuple",
        "min",
        "max",
        "sum",
        "any",
        "all",
        "True",
        "False",
        "None",
    )
}

NOT_ANSWERED = (
    "अभी उत्तर नहीं दिया गया — विजेट में उत्तर चुनें और फिर से जमा करें",
    "Not answered yet — choose your answer in the widget and submit again",
)


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def from_source(cell) -> bool:
    """Did this cell's code come from the trainer's source (a locked cell, or a test cell), where hidden tests
    live? nbgrader's OverwriteCells has put back the source's code and `locked` flag before HideTests runs."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("locked")) or (bool(meta.get("grade")) and not meta.get("solution"))


def question_number(qid: str) -> int | None:
    match = re.match(r"q(\d+)_", qid or "")
    return int(match.group(1)) if match else None


class HiddenTestsError(RuntimeError):
    """A cell's hidden tests cannot be cut out with certainty: the submission is not run at all."""


def split_hidden(source: str) -> tuple[str, str | None]:
    """(what the kernel may see, the hidden tests or None), line by line as nbgrader's ClearHiddenTests cuts them.

    Raises HiddenTestsError when a block has no end, blocks are nested, or anything like a marker is left in
    the visible part (a variant nbgrader would not have cut either: the trainer must fix the source).
    """
    visible: list[str] = []
    hidden: list[str] = []
    inside = found = False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            if inside:
                raise HiddenTestsError("a BEGIN HIDDEN TESTS line inside another hidden block")
            inside = found = True
        elif END_HIDDEN in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            visible.append(line)
    if inside:
        raise HiddenTestsError("a BEGIN HIDDEN TESTS line with no END HIDDEN TESTS after it")
    text = "\n".join(visible).rstrip("\r\n")
    left = MARKER_LEFT.search(text)
    if left:
        raise HiddenTestsError(
            f"{left.group(0)[:40]!r} is not a marker nbgrader cuts out; write '### BEGIN HIDDEN TESTS' "
            "exactly in the source and release again"
        )
    return text, ("\n".join(hidden) if found else None)


def hidden_code(source: str) -> str | None:
    """The hidden tests of a cell's source, or None when it has none."""
    return split_hidden(source)[1]


def strip_hidden(source: str) -> str:
    return split_hidden(source)[0]


def answer_record(cell) -> tuple[bool, Any]:
    """The first answer the kernel recorded in this cell, as plain JSON data: (found, value).

    A record that is not small, plain JSON data counts as no answer.
    """
    for out in cell.get("outputs", []):
        data = (
            out.get("data", {}).get(check.ANSWER_MIME)
            if out.get("output_type") in ("display_data", "execute_result")
            else None
        )
        if data is None:
            continue
        try:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            return False, None
        if len(text.encode()) > MAX_RECORD or not isinstance(data, dict) or "value" not in data:
            return False, None
        return True, json.loads(text)["value"]
    return False, None


def judge(code: str, qid: str, got: Any) -> tuple[bool, str, str]:
    """Run a hidden check on `got` in this process: (passed, Hindi line, English line)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the check's own ✅ line is for notebooks
            exec(
                compile(code, f"<hidden test {qid}>", "exec"),
                {"__builtins__": SAFE_BUILTINS, "check": check, "got": got},
            )
    except check.WrongAnswer as exc:
        hi, en = getattr(exc, "hi", None), getattr(exc, "en", None)
        if hi is None:  # a message made outside check._fail: its two lines, prefixes removed
            lines = [re.sub(r"^❌\s*\S+:\s*", "", line) for line in str(exc).splitlines() if line.strip()]
            hi, en = (lines + ["", ""])[:2]
        return False, hi, en
    except Exception as exc:  # a check that cannot run here: scored 0, and the trainer is told (review)
        return (
            False,
            "इस प्रश्न की जाँच नहीं हो सकी; ट्रेनर देखेंगे",
            f"this question could not be checked ({type(exc).__name__}); the trainer will look at it",
        )
    return True, "सही", "correct"


def verdict_output(number: int | None, passed: bool, hi: str, en: str) -> NotebookNode:
    label_hi = f"प्रश्न {number}" if number else "प्रश्न"
    label_en = f"Question {number}" if number else "Question"
    if passed:
        return NotebookNode(
            output_type="stream", name="stdout", text=f"✅ {label_hi}: {hi} / {label_en}: {en}\n"
        )
    return NotebookNode(
        output_type="error",
        ename="WrongAnswer",
        evalue=f"{label_hi}: {hi} / {label_en}: {en}",
        traceback=[f"❌ {label_hi}: {hi}", f"❌ {label_en}: {en}"],
    )


class HideTests(NbGraderPreprocessor):
    """Before Execute: cut the hidden tests out of every cell; keep them in the grader's memory only."""

    def preprocess(self, nb, resources):
        kept = resources.setdefault(RESOURCE, {})
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not from_source(cell):
                continue  # the participant's own code: it holds no key, and runs as she wrote it
            try:
                visible, code = split_hidden(cell.source)
            except HiddenTestsError as exc:  # fail closed: no kernel runs this notebook
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                where = f"cell {index + 1}" + (f" ({grade_id})" if grade_id else "")
                raise HiddenTestsError(f"{where}: {exc}") from None
            if code is not None:
                kept[index] = (cell.source, code)
                cell.source = visible
        return nb, resources


class JudgeAnswers(NbGraderPreprocessor):
    """After Execute: each test cell's verdict, made here from the recorded answer; hidden tests put back."""

    def preprocess(self, nb, resources):
        kept = resources.pop(RESOURCE, {})
        for index, cell in enumerate(nb.cells):
            if index not in kept:
                continue
            original, code = kept[index]
            cell.source = original
            if not is_test_cell(cell):
                continue
            grade_id = cell.metadata["nbgrader"].get("grade_id", "")
            qid = grade_id[: -len("_test")] if grade_id.endswith("_test") else grade_id
            found, got = answer_record(cell)
            stopped = next(
                (
                    o
                    for o in cell.get("outputs", [])
                    if o.get("output_type") == "error" and o.get("ename") in STOPPED
                ),
                None,
            )
            answered = found and got not in (None, "", [])
            if stopped is not None:
                passed, hi, en = False, *_split(stopped.get("evalue", ""))
            elif not found:
                passed, (hi, en) = False, NOT_ANSWERED
            else:
                passed, hi, en = judge(code, qid, got)
                if not answered:
                    hi, en = NOT_ANSWERED
            number = question_number(qid)
            cell.outputs = [verdict_output(number, passed, hi, en)]
            camp_meta = dict(cell.metadata.get("camp", {}))
            camp_meta["verdict"] = {
                "qid": qid,
                "number": number,
                "passed": passed,
                "answered": bool(answered),
                "hi": hi,
                "en": en,
            }
            cell.metadata["camp"] = camp_meta
        return nb, resources


def _split(text: str) -> tuple[str, str]:
    hi, _, en = text.partition(" / ")
    return hi.strip(), (en or hi).strip()
