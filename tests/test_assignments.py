"""Every assignment, end to end through real nbgrader and real kernels."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from conftest import (
    REPO,
    answer_fixture,
    answer_with_widgets,
    answers_file,
    assignment_ids,
    release_notebook,
    source_notebook,
)

pytestmark = pytest.mark.slow
ASSIGNMENTS = assignment_ids()


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_shape_of_the_source(assignment, course_home):
    """Does the source have >= 5 autograded items, >= 1 rubric-graded free-text item, and bilingual text?"""
    nb = source_notebook(course_home, assignment)
    tests = [c for c in nb.cells if _meta(c).get("grade") and not _meta(c).get("solution")]
    manual = [c for c in nb.cells if _meta(c).get("grade") and _meta(c).get("solution")]
    assert len(tests) >= 5
    assert manual, "at least one free-text item graded by hand"
    for cell in manual:
        rubric = cell.metadata.get("camp", {}).get("rubric")
        assert rubric and rubric["criteria"] and rubric.get("example"), (
            f"{_meta(cell)['grade_id']} has no rubric"
        )
        assert sum(c["points"] for c in rubric["criteria"]) == _meta(cell)["points"]
        assert all(c["hi"].strip() and c["en"].strip() for c in rubric["criteria"])
    for cell in tests:
        assert "hint_hi=" in cell.source and "hint_en=" in cell.source, _meta(cell)["grade_id"]
    devanagari = re.compile(r"[\u0900-\u097F]")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert devanagari.search(cell.source) and re.search(r"[A-Za-z]{3}", cell.source), cell.source[:80]


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if "06" <= a[:2] <= "10"])
def test_assignments_06_to_10_have_8_to_10_autograded_items_and_rubric_tasks(assignment):
    """Issues 14 and 16 ask modules 06–10 for 8–10 autograded items (each answerable by its widget) and one or more
    rubric tasks: is that so in each source notebook, and does every item have its widget cell?"""
    nb = nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    ids = [_meta(c).get("grade_id", "") for c in nb.cells]
    tests = [i for c, i in zip(nb.cells, ids) if _meta(c).get("grade") and not _meta(c).get("solution")]
    manual = [i for c, i in zip(nb.cells, ids) if _meta(c).get("grade") and _meta(c).get("solution")]
    assert 8 <= len(tests) <= 10, (assignment, len(tests))
    assert 1 <= len(manual) <= 3, (assignment, manual)
    for test in tests:
        assert test.removesuffix("_test") + "_widget" in ids, test


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_holds_no_solution_hidden_test_or_rubric(assignment, course_home):
    """Is every solution, hidden test and rubric example removed from the participant's version?"""
    source = source_notebook(course_home, assignment)
    release = release_notebook(course_home, assignment)
    text = json.dumps(release, ensure_ascii=False)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert '"rubric"' not in text
    for cell in source.cells:
        rubric = cell.metadata.get("camp", {}).get("rubric")
        if rubric:
            assert rubric["example"].splitlines()[0] not in text
        if "### BEGIN HIDDEN TESTS" in cell.source:
            hidden = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0].strip()
            assert hidden and hidden not in text
        if "### BEGIN SOLUTION" in cell.source:
            solution = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0].strip()
            if solution:
                assert solution not in text
    folder = course_home / "course" / "release" / assignment
    assert sorted(p.name for p in folder.iterdir()) == [f"{assignment}.ipynb"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_and_release_scores_zero(assignment, grader, course_home):
    """Does the reference solution earn every autograded point, and the untouched release none?"""
    maximum = grader.max_auto(assignment)
    solution = grader.submit(assignment, source_notebook(course_home, assignment))
    assert grader.grade(assignment, solution) == "graded"
    assert grader.auto_scores(assignment, solution) == maximum

    blank = grader.submit(assignment, release_notebook(course_home, assignment))
    assert grader.grade(assignment, blank) == "graded"
    scores = grader.scores(assignment, blank)
    assert sum(scores.values()) == 0, scores


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_widgets_only_earn_full_marks_and_long_text_reaches_the_trainer(
    assignment, grader, course_home, tmp_path
):
    """Answering only through the widgets (no code) -> saved, submitted, autograded: full marks?"""
    fixture = answer_fixture(assignment)
    assert fixture, f"grader/data/answers/{assignment}.json is missing"
    nb = answer_with_widgets(
        release_notebook(course_home, assignment), fixture["widget_answers"], tmp_path / "work"
    )
    saved = json.loads((tmp_path / "work" / "answers.json").read_text(encoding="utf-8"))
    student = grader.submit(assignment, nb, files={"answers.json": json.dumps(saved, ensure_ascii=False)})
    assert grader.grade(assignment, student) == "graded"
    assert grader.auto_scores(assignment, student) == grader.max_auto(assignment)
    graded = grader.autograded(assignment, student)
    free = {c.metadata["camp"]["answer"]: c for c in graded.cells if c.metadata.get("camp", {}).get("answer")}
    assert free
    for qid, cell in free.items():
        first_line = fixture["widget_answers"][qid].splitlines()[0]
        assert first_line in cell.source, "the trainer sees the written answer in the graded cell"
    assert any(c.metadata.get("camp", {}).get("rubric_view") for c in graded.cells), (
        "rubric shown to the trainer"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_typical_wrong_answers_lose_points_with_bilingual_hints(assignment, grader, course_home, tmp_path):
    """Does each typical wrong answer lose exactly its items' points, with a Hindi and an English hint?"""
    fixture = answer_fixture(assignment)
    assert len(fixture.get("wrong", [])) >= 2
    maximum = grader.max_auto(assignment)
    for n, case in enumerate(fixture["wrong"]):
        answers = {**fixture["widget_answers"], **case["answers"]}
        nb = answer_with_widgets(release_notebook(course_home, assignment), answers, tmp_path / f"w{n}")
        files = {"answers.json": (tmp_path / f"w{n}" / "answers.json").read_text(encoding="utf-8")}
        student = grader.submit(assignment, nb, files=files)
        assert grader.grade(assignment, student) == "graded"
        scores = grader.auto_scores(assignment, student)
        for grade_id, score in scores.items():
            expected = 0 if grade_id in case["loses"] else maximum[grade_id]
            assert score == expected, f"{case['why']}: {grade_id}"
        graded = grader.autograded(assignment, student)
        for cell in graded.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") in case["loses"]:
                errors = [o for o in cell.outputs if o.output_type == "error"]
                assert errors and errors[0].ename == "WrongAnswer"
                assert re.search(r"[\u0900-\u097F]", errors[0].evalue) and re.search(
                    r"[A-Za-z]{4}", errors[0].evalue
                )


@pytest.mark.parametrize("assignment", ASSIGNMENTS[:1])
@pytest.mark.parametrize("tamper", ["right", "truncated", "reshaped", "missing"])
def test_tampered_or_missing_answers_file_scores_zero_without_crash(assignment, tamper, grader, course_home):
    """The right answers in a broken (cut short), reshaped (a list) or missing answers.json: graded, no crash,
    and zero for the widget items; the same answers intact score (the control that shows this can fail)."""
    right = answer_fixture(assignment)["widget_answers"]
    text = answers_file(right)
    files = {
        "right": {"answers.json": text},
        "truncated": {"answers.json": text[: len(text) // 2]},
        "reshaped": {
            "answers.json": json.dumps({"format": 1, "answers": [{"value": v} for v in right.values()]})
        },
        "missing": {},
    }[tamper]
    student = grader.submit(assignment, release_notebook(course_home, assignment), files=files)
    assert grader.grade(assignment, student) == "graded"
    score = sum(grader.scores(assignment, student).values())
    assert (score > 0) if tamper == "right" else (score == 0), score


def test_code_path_and_widget_path_never_score_twice(grader, course_home, tmp_path):
    """An item answered both ways is scored once, by the code answer."""
    assignment = "00-start-here"
    fixture = answer_fixture(assignment)
    nb = answer_with_widgets(
        release_notebook(course_home, assignment), fixture["widget_answers"], tmp_path / "w"
    )
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q1_run_key_code":
            cell.source = cell.source.replace("answer_q1 = None", 'answer_q1 = "C"')
    files = {"answers.json": (tmp_path / "w" / "answers.json").read_text(encoding="utf-8")}
    student = grader.submit(assignment, nbformat.from_dict(nb), files=files)
    grader.grade(assignment, student)
    scores = grader.auto_scores(assignment, student)
    assert scores["q1_run_key_test"] == 0
    assert sum(scores.values()) == sum(grader.max_auto(assignment).values()) - 1
