"""The proposals store (`<camp>/ai/proposals.db`): AI scores kept apart from nbgrader's grades."""

from __future__ import annotations

import getpass
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from camp import paths

# -- the proposals store --------------------------------------------------------------------------


def store_path() -> Path:
    return paths.home() / "ai" / "proposals.db"


def connect() -> sqlite3.Connection:
    store_path().parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(store_path(), timeout=30)
    db.row_factory = sqlite3.Row
    db.execute(
        """CREATE TABLE IF NOT EXISTS proposal (
            assignment TEXT NOT NULL, student TEXT NOT NULL, notebook TEXT NOT NULL, grade_id TEXT NOT NULL,
            rubric TEXT NOT NULL, scores TEXT NOT NULL, comment_hi TEXT, comment_en TEXT,
            model TEXT, answer_hash TEXT, created TEXT,
            status TEXT NOT NULL DEFAULT 'pending', decided TEXT, decided_by TEXT, decided_at TEXT,
            PRIMARY KEY (assignment, student, notebook, grade_id))"""
    )
    return db


@dataclass
class Proposal:
    """An AI proposal and, once a trainer decided, their decision (`decided`: criterion -> score)."""

    assignment: str
    student: str
    notebook: str
    grade_id: str
    rubric: dict[str, Any]
    scores: dict[str, float]
    comment_hi: str
    comment_en: str
    model: str
    status: str = "pending"  # pending, accepted, changed, rejected
    decided: dict[str, float] | None = None
    answer_hash: str = field(default="", repr=False)

    @property
    def key(self) -> str:
        return f"{self.student}/{self.notebook}/{self.grade_id}"

    @property
    def total(self) -> float:
        return sum(self.scores.values())

    @property
    def max_points(self) -> float:
        return float(sum(c["points"] for c in self.rubric["criteria"]))

    @classmethod
    def _from_row(cls, row: sqlite3.Row) -> Proposal:
        return cls(
            row["assignment"],
            row["student"],
            row["notebook"],
            row["grade_id"],
            json.loads(row["rubric"]),
            json.loads(row["scores"]),
            row["comment_hi"] or "",
            row["comment_en"] or "",
            row["model"] or "",
            row["status"],
            json.loads(row["decided"]) if row["decided"] else None,
            row["answer_hash"] or "",
        )


def proposals(
    *, assignment: str, students: list[str] | None = None, status: str | None = None
) -> list[Proposal]:
    """The stored proposals of an assignment, optionally only some participants' or one status."""
    with connect() as db:
        rows = db.execute(
            "SELECT * FROM proposal WHERE assignment = ? ORDER BY student, notebook, grade_id", (assignment,)
        ).fetchall()
    found = [Proposal._from_row(r) for r in rows]
    return [
        p for p in found if (not students or p.student in students) and (status is None or p.status == status)
    ]


def save(p: Proposal) -> None:
    with connect() as db:
        db.execute(
            "INSERT OR REPLACE INTO proposal VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                p.assignment,
                p.student,
                p.notebook,
                p.grade_id,
                json.dumps(p.rubric, ensure_ascii=False),
                json.dumps(p.scores),
                p.comment_hi,
                p.comment_en,
                p.model,
                p.answer_hash,
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
                p.status,
                json.dumps(p.decided) if p.decided is not None else None,
                getpass.getuser() if p.status != "pending" else None,
                datetime.now(timezone.utc).isoformat(timespec="seconds") if p.status != "pending" else None,
            ),
        )
