"""Bring widget answers into the graded notebook, so nbgrader and the Formgrader see them.

A long-text answer typed in a widget lives in `answers.json`, not in the cell. nbgrader scores an
unchanged answer cell as blank (zero, no manual grading), and the Formgrader shows only cells, so
before grading this preprocessor writes the saved text into its cell as comment lines: the trainer
reads it there, and an empty answer stays an unchanged cell that nbgrader scores as blank.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

from camp import answers

MARK = "# ---- उत्तर / answer (answers.json) ----"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def as_comment(text: str) -> str:
    """Text as Python comment lines; no line break of any kind can end the comment early."""
    lines = str(text).splitlines() or [""]
    return "\n".join("# " + _CONTROL.sub("", line) for line in lines)


def widget_question(cell) -> str | None:
    """The question id of a long-text widget cell (`metadata.camp.answer`), or None."""
    return (cell.get("metadata", {}).get("camp") or {}).get("answer")


def read_answers(folder: Path) -> dict:
    """Saved answers in a submission folder (the participant's own parser); a broken or missing file gives none
    (scored as blank)."""
    try:
        return answers.load(folder)
    except (answers.AnswersFileError, OSError):
        return {}


class InlineAnswers(NbGraderPreprocessor):
    """Write each long-text widget answer into its cell as comment lines (before grading)."""

    def preprocess(self, nb, resources):
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        saved = read_answers(folder)
        for cell in nb.cells:
            qid = widget_question(cell)
            if cell.cell_type != "code" or not qid:
                continue
            cell.source = cell.source.split(MARK)[0].rstrip("\n")
            value = saved.get(qid)
            if isinstance(value, str) and value.strip():
                cell.source += "\n" + MARK + "\n" + as_comment(value.strip())
        return nb, resources
