"""`camp export grades`: one row per participant, CSV (UTF-8 with BOM) or XLSX (openpyxl), never a live formula.

Columns: id, name, district, role; per assignment its score (out of the maximum named in the header) and its
percentage; then how many assignments were counted, how many are not yet graded, and the total.
A score cell says "not submitted" when nothing was handed in, "not graded" when it was collected but not
autograded, and "manual grading pending" while a written answer awaits the trainer.

**Total %** = the average of the assignment percentages, every assignment weighing the same (raw points are
never added across different maxima). "not submitted" counts as 0 %; an assignment not yet (fully) graded is
left out and counted in "not yet graded".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from camp.lang import CampError
from grader import report as rep
from grader.safe_export import FORMULA_START, is_number, safe_row

STATUS_TEXT = {s: f"{s} / {hi}" for s, hi in rep.STATUS_HI.items()}


def grade_rows(cohort: rep.Cohort) -> tuple[list[str], list[list[Any]]]:
    """The export as a header and rows (numbers as floats, statuses as text)."""
    names = list(cohort.assignments["assignment"])
    maxima = dict(zip(cohort.assignments["assignment"], cohort.assignments["max_score"]))
    header = ["id", "name", "district", "role"]
    for a in names:
        header += [f"{a} score (max {maxima[a]:g})", f"{a} %"]
    header += ["assignments counted", "not yet graded", "total %"]
    by = {(r.student, r.assignment): r for r in cohort.status.itertuples()}
    rows = []
    for p in cohort.people.itertuples():
        row: list[Any] = [p.id, p.name, p.district, p.role]
        percents, open_ = [], 0
        for a in names:
            r = by[(p.id, a)]
            if r.status == rep.GRADED:
                row += [
                    round(float(r.score), 2),
                    round(float(r.percent), 1) if r.percent == r.percent else "",
                ]
                percents.append(float(r.percent) if r.percent == r.percent else 0.0)
            elif r.status == rep.NOT_SUBMITTED:
                row += [STATUS_TEXT[r.status], 0.0]
                percents.append(0.0)
            else:
                row += [STATUS_TEXT[r.status], ""]
                open_ += 1
        total = round(sum(percents) / len(percents), 1) if percents else ""
        rows.append(row + [len(percents), open_, total])
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """UTF-8 with a BOM (Excel then reads Devanagari right), quoted by the csv module, every cell made safe."""
    import csv

    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(safe_row(header))
        writer.writerows(safe_row(row) for row in rows)
    return Path(path)


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """An XLSX sheet: numbers as numbers, every text a text cell (a formula-like one too, shown with a quote prefix)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "grades"
    for r, values in enumerate([header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.value = value
                continue
            text = "" if value is None else str(value)
            if not text:
                continue  # an empty cell stays empty
            cell.value = text
            cell.data_type = "s"  # openpyxl reads "=…" as a formula; a string cell is never evaluated
            if text.startswith(FORMULA_START) and not is_number(text):
                cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    sheet.freeze_panes = "C2"
    for c, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(max(10, len(name) + 2), 40)
    book.save(path)
    return Path(path)


def export_grades(
    *, to: Path, district: str | None = None, role: str | None = None, modules: list[str] | None = None
) -> Path:
    """Write the grades to `to` (.csv or .xlsx, by its suffix); returns the path."""
    to = Path(to)
    suffix = to.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CampError(
            f"{to.name}: फ़ाइल .csv या .xlsx होनी चाहिए", f"{to.name}: the file must end in .csv or .xlsx"
        )
    header, rows = grade_rows(rep.load().filter(district=district, role=role, modules=modules))
    to.parent.mkdir(parents=True, exist_ok=True)
    return (write_csv if suffix == ".csv" else write_xlsx)(to, header, rows)
