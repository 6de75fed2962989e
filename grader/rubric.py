"""Rubrics for free-text answers: kept in the source cell's metadata, shown to the trainer at grading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from camp import paths


def rubric_of(cell: Any) -> dict[str, Any] | None:
    """The rubric stored in a cell's metadata (`metadata.camp.rubric`), or None."""
    return (cell.get("metadata", {}).get("camp") or {}).get("rubric")


def render(rubric: dict[str, Any]) -> str:
    """A rubric as Markdown: criteria with points, then an example of a good answer."""
    lines = [
        "#### 🧑‍🏫 मूल्यांकन मानदंड / Rubric (for the trainer)",
        "",
        "| मानदंड / criterion | अंक / points |",
        "|---|---|",
    ]
    for crit in rubric.get("criteria", []):
        lines.append(f"| {crit['hi']} / {crit['en']} | {crit['points']} |")
    total = sum(c["points"] for c in rubric.get("criteria", []))
    lines.append(f"| **कुल / total** | **{total}** |")
    if rubric.get("example"):
        lines += ["", "**अच्छे उत्तर का उदाहरण / Example of a good answer:**", ""]
        lines += [f"> {line}" for line in str(rubric["example"]).splitlines()]
    return "\n".join(lines)


def source_rubrics(assignment: str, notebook: str, course_root: Path | None = None) -> dict[str, dict]:
    """{grade_id: rubric} for the manually graded cells of a source notebook."""
    root = course_root or paths.course_root()
    path = root / "source" / assignment / f"{notebook}.ipynb"
    if not path.exists():
        return {}
    nb = nbformat.read(path, as_version=4)
    found = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        rubric = rubric_of(cell)
        if meta.get("grade") and rubric:
            found[meta["grade_id"]] = rubric
    return found


class ShowRubric(NbGraderPreprocessor):
    """After autograding, put each free-text item's rubric just below it, so the Formgrader shows it.

    The rubric comes from the course's source notebook, never from the submission.
    """

    def preprocess(self, nb, resources):
        meta = resources.get("nbgrader", {})
        root = Path(self.config.CourseDirectory.get("root") or paths.course_root())
        rubrics = source_rubrics(meta.get("assignment", ""), meta.get("notebook", ""), root)
        if not rubrics:
            return nb, resources
        cells = []
        for cell in nb.cells:
            if cell.metadata.get("camp", {}).get("rubric_view"):
                continue  # never twice, and never a participant's copy of one
            cells.append(cell)
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in rubrics:
                view = nbformat.v4.new_markdown_cell(render(rubrics[grade_id]))
                view.metadata["camp"] = {"rubric_view": grade_id}
                view.id = f"rubric-{grade_id}"[:64]  # the same id on every run
                cells.append(view)
        nb.cells = cells
        return nb, resources


class StripRubric(NbGraderPreprocessor):
    """Remove rubrics from the participant's version of a notebook (they hold an example answer)."""

    def preprocess_cell(self, cell, resources, index):
        camp = cell.metadata.get("camp")
        if isinstance(camp, dict) and "rubric" in camp:
            del camp["rubric"]
        return cell, resources
