"""A resubmission keeps the trainer's finished manual grade when the written answer is unchanged.

nbgrader's SaveAutoGrades marks every manually graded cell "needs manual grade" again on each autograde
("if there was previously a manual grade … mark this as needing review"), so a participant who resubmits to
fix one autograded item re-opens every written answer the trainer had already graded. This subclass keeps
nbgrader's rule except in one case: the trainer had finished the cell (a manual score, not awaiting review)
and the cell's text — the written answer, inlined from answers.json — has the same fingerprint as at the
autograde the trainer graded. Test cells (whose answer is not in the cell) keep nbgrader's rule.
Fingerprints live in `<course>/answer_prints.db`, one row per graded cell.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from nbgrader import utils
from nbgrader.preprocessors import SaveAutoGrades

from camp import paths


def _store() -> sqlite3.Connection:
    path = paths.course_root() / "answer_prints.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(Path(path), timeout=60)
    db.execute(
        "CREATE TABLE IF NOT EXISTS answer_print (assignment TEXT, notebook TEXT, student TEXT, grade_id TEXT, "
        "digest TEXT, PRIMARY KEY (assignment, notebook, student, grade_id))"
    )
    return db


def fingerprint(source: str) -> str:
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()


class KeepManualGrades(SaveAutoGrades):
    """SaveAutoGrades that does not re-open a finished manual grade of an unchanged answer."""

    def _add_score(self, cell, resources) -> None:
        if not utils.is_solution(cell):  # a test cell's answer lives elsewhere: nbgrader's rule stands
            return super()._add_score(cell, resources)
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        grade = self.gradebook.find_grade(grade_id, self.notebook_id, self.assignment_id, self.student_id)
        finished = grade.manual_score is not None and not grade.needs_manual_grade
        super()._add_score(cell, resources)
        key = (self.assignment_id, self.notebook_id, self.student_id, grade_id)
        digest = fingerprint(cell.source)
        with _store() as db:
            row = db.execute(
                "SELECT digest FROM answer_print WHERE assignment=? AND notebook=? AND student=? AND grade_id=?",
                key,
            ).fetchone()
            if finished and grade.needs_manual_grade and row and row[0] == digest:
                grade.needs_manual_grade = False  # the trainer graded exactly this answer
                self.gradebook.db.commit()
            db.execute("INSERT OR REPLACE INTO answer_print VALUES (?, ?, ?, ?, ?)", (*key, digest))
