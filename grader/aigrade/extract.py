"""Where answers, rubrics and questions are: the free-text items of a submission, widget answers included."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from camp import paths
from camp.lang import CampError

# A cell whose answer is a widget: the value is in answers.json beside the notebook.
_LONG_TEXT = r"long_text\(\s*(?:qid\s*=\s*)?['\"]{}['\"]"


# -- where answers, rubrics and questions are -----------------------------------------------------


@dataclass
class Item:
    """One free-text answer of one participant, with its rubric."""

    assignment: str
    student: str
    notebook: str
    grade_id: str
    rubric: dict[str, Any]
    question: str
    answer: str

    @property
    def key(self) -> str:
        return f"{self.student}/{self.notebook}/{self.grade_id}"


def _questions(assignment: str, notebook: str) -> dict[str, str]:
    """{grade_id: the task text}: the markdown cell just above each graded cell of the source notebook."""
    path = paths.course_root() / "source" / assignment / f"{notebook}.ipynb"
    if not path.exists():
        return {}
    found, last_text = {}, ""
    for cell in nbformat.read(path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            found[meta.get("grade_id", "")] = last_text[:2000]
        elif cell.cell_type == "markdown":
            last_text = cell.source
    return found


def is_empty(answer: str) -> bool:
    from grader.config import STUB_PY, nbgrader_settings

    stubs = {"", STUB_PY, str(nbgrader_settings()["ClearSolutions"]["text_stub"])}
    return answer.strip() in stubs


def notebook_answers(folder: Path, notebook: Path, rubrics: dict[str, dict]) -> dict[str, str]:
    """{grade_id: the participant's answer text} for the rubric cells of one autograded notebook."""
    from camp import answers

    nb = nbformat.read(notebook, as_version=4)
    try:
        saved = answers.load(folder)
    except answers.AnswersFileError:
        saved = {}
    found = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in rubrics or cell.metadata.get("camp", {}).get("rubric_view"):
            continue
        qid = cell.metadata.get("camp", {}).get("answer")
        if qid or re.search(_LONG_TEXT.format(re.escape(grade_id)), cell.source):
            found[grade_id] = str(saved.get(qid or grade_id) or "")
        else:
            found[grade_id] = cell.source
    return found


def submission_items(assignment: str, students: list[str] | None = None) -> Iterator[Item]:
    from nbgrader.api import Gradebook, MissingEntry

    from grader.rubric import source_rubrics

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        try:
            submissions = gb.find_assignment(assignment).submissions
        except MissingEntry:
            raise CampError(
                f"ग्रेडबुक में '{assignment}' नहीं है: पहले collect और autograde चलाएँ।",
                f"'{assignment}' is not in the gradebook: run collect and autograde first.",
            ) from None
        wanted = [(s.student_id, [nb.name for nb in s.notebooks]) for s in submissions]
    for student, notebooks in sorted(wanted):
        if students and student not in students:
            continue
        for notebook in notebooks:
            rubrics = source_rubrics(assignment, notebook)
            path = paths.course_root() / "autograded" / student / assignment / f"{notebook}.ipynb"
            if not rubrics or not path.exists():
                continue
            questions = _questions(assignment, notebook)
            for grade_id, answer in notebook_answers(path.parent, path, rubrics).items():
                yield Item(
                    assignment,
                    student,
                    notebook,
                    grade_id,
                    rubrics[grade_id],
                    questions.get(grade_id, ""),
                    answer,
                )
