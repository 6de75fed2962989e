"""Build nbgrader source notebooks for assignments from a few calls, all in the course's one shape.

Every autograded item gets: its question (Hindi, then English), an answer widget (no code needed),
an optional code cell (`answer_qN = None`, graded the same way), and one test cell, so the item is
scored once whichever way it was answered. A free-text item gets a long-text widget in a manually
graded cell whose rubric lives in the cell's metadata.

Example:
    >>> nb = Assignment("00-start-here")  # doctest: +SKIP
    >>> nb.item("q1_run_key", points=1, widget="choice", options=[...], solution='"A"',
    ...         test='check.equal("q1_run_key", got, "A", hint_hi="...", hint_en="...")')  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float = 0) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id, "schema_version": 3}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


class Assignment:
    """An nbgrader source notebook under construction."""

    def __init__(self, name: str):
        self.name = name
        self.nb = new_notebook()
        self.nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        self.nb.metadata["language_info"] = {"name": "python"}
        self._count = 0

    def _add(self, cell) -> None:
        self.nb.cells.append(cell)

    def md(self, hi: str, en: str, *, grade_id: str | None = None) -> None:
        """A bilingual instruction cell (read-only when given a grade_id)."""
        cell = new_markdown_cell(f"{hi.strip()}\n\n---\n\n{en.strip()}")
        if grade_id:
            cell.metadata.update(_meta(grade_id, grade=False, solution=False, locked=True))
        self._add(cell)

    def code(self, source: str, *, grade_id: str) -> None:
        """A read-only code cell (setup, data loading)."""
        cell = new_code_cell(source.strip())
        cell.metadata.update(_meta(grade_id, grade=False, solution=False, locked=True))
        self._add(cell)

    def item(
        self,
        grade_id: str,
        *,
        points: float,
        question_hi: str,
        question_en: str,
        widget: str,
        test: str,
        solution: str,
        options: list[tuple[str, Any]] | None = None,
        unit: str = "",
        code_hint: str = "",
        code_setup: str = "",
    ) -> None:
        """One autograded item, answered by widget or by code.

        `test` is the hidden check; it can use `got` (the participant's answer, from either path). A code
        cell that raised leaves no `answer_qN`, so the test cell falls back to the saved widget answer.
        `solution` is the value the reference solution assigns to `answer_<qid>` (Python source).
        """
        self._count += 1
        var = f"answer_{grade_id.split('_')[0]}"
        self.md(f"### {question_hi}", f"### {question_en}", grade_id=f"{grade_id}_question")
        args = [json.dumps(grade_id, ensure_ascii=False)]
        if options is not None:
            args.append(json.dumps([list(o) for o in options], ensure_ascii=False))
        if unit:
            args.append(f"unit={json.dumps(unit, ensure_ascii=False)}")
        self.code(f"answers.{widget}({', '.join(args)})", grade_id=f"{grade_id}_widget")
        hint = code_hint or "कोड से उत्तर देना चाहें तो None की जगह लिखें / to answer in code, replace None"
        lines = [f"# (वैकल्पिक / optional) {hint}"]
        if code_setup:
            lines.append(code_setup.strip())
        lines += [f"{var} = None", "### BEGIN SOLUTION", f"{var} = {solution}", "### END SOLUTION"]
        cell = new_code_cell("\n".join(lines))
        cell.metadata.update(_meta(f"{grade_id}_code", grade=False, solution=True, locked=False))
        self._add(cell)
        source = "\n".join(
            [
                f"got = answers.answer({grade_id!r}, globals().get({var!r}))",  # a failed code cell: the widget's
                f"check.answered({grade_id!r}, got)",
                "### BEGIN HIDDEN TESTS",
                test.strip(),
                "### END HIDDEN TESTS",
            ]
        )
        cell = new_code_cell(source)
        cell.metadata.update(
            _meta(f"{grade_id}_test", grade=True, solution=False, locked=True, points=points)
        )
        self._add(cell)

    def free_text(
        self,
        grade_id: str,
        *,
        question_hi: str,
        question_en: str,
        criteria: list[dict[str, Any]],
        example: str,
    ) -> None:
        """A free-text task written in a long-text widget and graded by the trainer against a rubric.

        `criteria`: [{"id": "audience", "hi": "...", "en": "...", "points": 2}, ...]
        """
        self.md(f"### {question_hi}", f"### {question_en}", grade_id=f"{grade_id}_question")
        points = sum(c["points"] for c in criteria)
        source = f"answers.long_text({grade_id!r})\n### BEGIN SOLUTION\n### END SOLUTION"
        cell = new_code_cell(source)
        cell.metadata.update(_meta(grade_id, grade=True, solution=True, locked=False, points=points))
        cell.metadata["camp"] = {"answer": grade_id, "rubric": {"criteria": criteria, "example": example}}
        self._add(cell)

    def write(self, folder: Path) -> Path:
        folder = Path(folder) / self.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.ipynb"
        nbformat.validate(self.nb)
        nbformat.write(self.nb, path)
        return path


def answer_with_widgets(nb, answers: dict[str, Any], workdir: Path):
    """Run a released notebook in a real kernel and answer through its widgets, as clicks and typing would.

    Returns the notebook as the participant would save it; their answers.json is left in `workdir`.
    Tests and `make bench` use it to make honest submissions.
    """
    from camp.notebooks import ReliableClient

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    driver = new_code_cell(
        "from camp import answers as _a\n"
        f"for _q, _v in {json.dumps(answers, ensure_ascii=False)}.items():\n"
        "    _a.shown[_q].set(_v)\n"
    )
    nb.cells.append(driver)
    Path(workdir).mkdir(parents=True, exist_ok=True)
    ReliableClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()
    nb.cells.remove(driver)
    return nb
