"""Grade exports: CSV (UTF-8 with BOM) and XLSX read back equal figures computed here from what was generated."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile

import pytest

from grader import cohortgen
from grader.safe_export import FORMULA_START, is_number

NOW = dt.datetime(2026, 12, 10, 12, 0)


@pytest.fixture
def camp(fresh_home):
    return cohortgen.generate(participants=15, assignments=3, items=4, seed=11, now=NOW)


def expected_rows(truth: cohortgen.Truth) -> dict[str, dict]:
    """Each participant's cells, computed from the generated truth alone (not from grader.report)."""
    out = {}
    for pid, person in truth.people.items():
        cells, percents, open_ = {}, [], 0
        for name in sorted(truth.items):
            maximum = sum(truth.items[name].values())
            sub = truth.subs[(pid, name)]
            if sub["state"] == "graded":
                score = sum(sub["scores"].values())
                cells[name] = (score, 100 * score / maximum)
                percents.append(100 * score / maximum)
            elif sub["state"] == "none":
                cells[name] = ("not submitted", 0.0)
                percents.append(0.0)
            else:
                cells[name] = ("manual grading pending" if sub["state"] == "pending" else "not graded", None)
                open_ += 1
        out[pid] = {
            "person": person,
            "cells": cells,
            "counted": len(percents),
            "open": open_,
            "total": sum(percents) / len(percents),
        }
    return out


def _export(path) -> None:
    from grader.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["export", "grades", "--to", str(path)]) == 0


def _check(header: list[str], rows: list[list], truth, unquote) -> None:
    want = expected_rows(truth)
    names = sorted(truth.items)
    for name in names:
        maximum = sum(truth.items[name].values())
        assert f"{name} score (max {maximum:g})" in header and f"{name} %" in header
    assert header[-3:] == ["assignments counted", "not yet graded", "total %"]
    assert sorted(r[0] for r in rows) == sorted(want)
    for row in rows:
        w = want[row[0]]
        assert unquote(row[1]) == w["person"]["name"] and row[2] == w["person"]["district"]
        for i, name in enumerate(names):
            score, percent = row[4 + 2 * i], row[5 + 2 * i]
            got_score, got_percent = w["cells"][name]
            if isinstance(got_score, str):
                assert str(score).startswith(got_score + " / ")
            else:
                assert float(score) == pytest.approx(got_score)
            if got_percent is None:
                assert percent in ("", None)
            else:
                assert float(percent) == pytest.approx(got_percent, abs=0.05)
        assert int(row[-3]) == w["counted"] and int(row[-2]) == w["open"]
        assert float(row[-1]) == pytest.approx(w["total"], abs=0.05)


def test_csv_reads_back_with_bom_and_no_formula(camp, tmp_path):
    """Does the CSV start with a BOM, keep Devanagari, hold every figure and no live formula?"""
    out = tmp_path / "grades.csv"
    _export(out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert any("भोपाल" in cell or "इंदौर" in cell for row in rows for cell in row)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or is_number(cell), cell
    _check(rows[0], rows[1:], camp, lambda s: s[1:] if s.startswith("'=") else s)
    hostile = next(r for r in rows if r[0] == "p0001")
    assert hostile[1] == "'" + '=HYPERLINK("http://x","ok")'


def test_xlsx_reads_back_as_numbers_and_text_cells(camp, tmp_path):
    """Does the XLSX hold numbers as numbers, the formula-like name as a text cell, and no formula at all?"""
    from openpyxl import load_workbook

    out = tmp_path / "grades.xlsx"
    _export(out)
    sheet = load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    _check(rows[0], rows[1:], camp, lambda s: s)
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    name = cells["p0001"][1]
    assert name.value == '=HYPERLINK("http://x","ok")' and name.data_type == "s"
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type in ("s", "n"), (cell.coordinate, cell.value)
    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml


def test_export_refuses_an_unknown_suffix(camp, tmp_path, capsys):
    from grader.cli import main

    assert main(["export", "grades", "--to", str(tmp_path / "grades.ods")]) == 1
    assert ".csv or .xlsx" in capsys.readouterr().err
    assert not (tmp_path / "grades.ods").exists()


def test_xlsx_writes_every_formula_start_as_text(fresh_home, tmp_path):
    """Roster names, districts and forged gradebook ids beginning with each of = + - @ tab CR read back from the
    XLSX as text cells holding exactly that text, marked quote-prefixed, with no formula anywhere in the file."""

    from openpyxl import load_workbook
    from test_exports import HOSTILE_IDS, HOSTILE_NAMES, hostile_gradebook

    assert sorted({t[0] for t in HOSTILE_NAMES}) == sorted(FORMULA_START)
    assert sorted({t[0] for t in HOSTILE_IDS}) == sorted(FORMULA_START)
    people = hostile_gradebook()
    out = tmp_path / "grades.xlsx"
    _export(out)

    def read(text: str) -> str:  # what any XML reader gives back: a CR in XML text is read as LF
        return text.replace("\r", "\n")

    sheet = load_workbook(out).active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == len(people) + len(HOSTILE_IDS)
    planted = [(rows[pid][1], p["name"]) for pid, p in people.items()]
    planted += [(rows[pid][2], p["district"]) for pid, p in people.items()]
    planted += [(rows[read(f)][0], f) for f in HOSTILE_IDS] + [(rows[read(f)][1], f) for f in HOSTILE_IDS]
    assert len(planted) == 4 * 6
    for cell, text in planted:
        assert (cell.value, cell.data_type, cell.quotePrefix) == (read(text), "s", True), (
            cell.coordinate,
            text,
        )
    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/"))
    assert "<f>" not in xml and "<f " not in xml and 'quotePrefix="1"' in xml
