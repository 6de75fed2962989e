"""A generated camp for tests and the benchmark: roster, nbgrader gradebook, collected answers.json, AI proposals.

Everything is written through nbgrader's own ORM (one commit), so the gradebook is a real one that
`nbgrader export` and the Formgrader read too. `generate()` returns the truth it wrote (`Truth`), from which a
test computes its expected figures without the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field

from camp import paths

DISTRICTS = ["भोपाल", "इंदौर", "ग्वालियर", "जबलपुर", "उज्जैन", "सागर", "रीवा"]
FIRST = ["रेखा", "अमित", "सुनीता", "रवि", "आशा", "मोहन", "क्षमा", "त्रिलोक", "ज्ञानेश", "श्रद्धा"]
LAST = ["शर्मा", "वर्मा", "यादव", "पटेल", "खान", "सिंह"]
OPTIONS = ["A", "B", "C", "D"]


@dataclass
class Truth:
    """What was written: per assignment its items' maxima and due date; per (student, assignment) what happened."""

    people: dict[str, dict[str, str]] = field(default_factory=dict)
    items: dict[str, dict[str, float]] = field(default_factory=dict)  # assignment -> {cell: max}
    written: dict[str, str] = field(default_factory=dict)  # assignment -> its written (manual) cell
    due: dict[str, dt.datetime | None] = field(default_factory=dict)
    # (student, assignment) -> {"state": graded|pending|collected|none, "scores": {cell: score},
    #                          "timestamp": datetime, "answers": {qid: value}}
    subs: dict[tuple[str, str], dict] = field(default_factory=dict)
    ai_pending: list[tuple[str, str, str]] = field(default_factory=list)


def generate(
    *,
    participants: int = 20,
    assignments: int = 4,
    items: int = 5,
    seed: int = 7,
    now: dt.datetime = dt.datetime(2026, 12, 10, 12, 0),
) -> Truth:
    """Fill the camp folder at $CAMP_HOME with a generated cohort; returns what was written."""
    from nbgrader import api
    from nbgrader.api import Gradebook

    from grader.aigrade import store as aigrade_store

    rng = random.Random(seed)
    truth = Truth()
    paths.ensure_tools_on_path()
    paths.course_root().mkdir(parents=True, exist_ok=True)
    for i in range(participants):
        pid = f"p{i:04d}"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if i == 1:
            name = '=HYPERLINK("http://x","ok")'
        truth.people[pid] = {
            "name": name,
            "district": rng.choice(DISTRICTS),
            "role": "leader" if i % 5 == 0 else "worker",
            "phone": "",
        }
    (paths.home() / "roster.json").write_text(json.dumps(truth.people, ensure_ascii=False), encoding="utf-8")
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        db = gb.db
        students = {
            pid: api.Student(id=pid, first_name=p["name"], last_name="") for pid, p in truth.people.items()
        }
        db.add_all(students.values())
        for a in range(assignments):
            name = f"{a:02d}-module"
            due = None if a == assignments - 1 else now - dt.timedelta(days=assignments - a)
            truth.due[name] = due
            assignment = api.Assignment(name=name, duedate=due, course_id=paths.COURSE_ID)
            notebook = api.Notebook(name=name, assignment=assignment)
            cells = {}
            for q in range(1, items + 1):
                cells[f"q{q}_item_test"] = api.GradeCell(
                    name=f"q{q}_item_test", max_score=float(1 + q % 3), cell_type="code", notebook=notebook
                )
            written = f"q{items + 1}_post"
            cells[written] = api.GradeCell(name=written, max_score=4.0, cell_type="code", notebook=notebook)
            api.SolutionCell(name=written, notebook=notebook)
            truth.items[name] = {c: g.max_score for c, g in cells.items()}
            truth.written[name] = written
            db.add(assignment)
            for pid in truth.people:
                _submission(rng, truth, db, api, students[pid], assignment, notebook, cells, written, now)
        db.commit()
    _proposals(rng, truth, aigrade_store)
    return truth


def _submission(rng, truth, db, api, student, assignment, notebook, cells, written, now) -> None:
    name, pid = assignment.name, student.id
    roll = rng.random()
    state = "none" if roll < 0.12 else "collected" if roll < 0.17 else "pending" if roll < 0.3 else "graded"
    record = {"state": state, "scores": {}, "timestamp": None, "answers": {}}
    truth.subs[(pid, name)] = record
    if state == "none":
        return
    due = truth.due[name] or now
    stamp = due + dt.timedelta(hours=rng.choice([-30, -5, -1, 2, 20]) if rng.random() < 0.5 else -10)
    record["timestamp"] = stamp
    answers = {}
    for cell in cells:
        if cell == written:
            answers[cell] = "नमस्ते, ग्रुप में स्वागत है!"
            continue
        right = rng.random() < 0.4 + 0.1 * int(cell[1])
        answers[cell[: -len("_test")]] = "A" if right else rng.choice(OPTIONS[1:] + [["B", "C"]])
    record["answers"] = answers
    folder = paths.course_root() / "submitted" / pid / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "answers.json").write_text(
        json.dumps(
            {"format": 1, "answers": {k: {"value": v} for k, v in answers.items()}}, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    if state == "collected":  # collected, not yet autograded: no gradebook row
        return
    sub = api.SubmittedAssignment(assignment=assignment, student=student, timestamp=stamp)
    snb = api.SubmittedNotebook(notebook=notebook, assignment=sub)
    for cell, grade_cell in cells.items():
        if cell == written:
            manual = None if state == "pending" else float(rng.randint(0, 4))
            api.Grade(
                cell=grade_cell,
                notebook=snb,
                auto_score=None,
                manual_score=manual,
                needs_manual_grade=manual is None,
            )
            if manual is not None:
                record["scores"][cell] = manual
            continue
        score = grade_cell.max_score if answers[cell[: -len("_test")]] == "A" else 0.0
        api.Grade(cell=grade_cell, notebook=snb, auto_score=score, needs_manual_grade=False)
        record["scores"][cell] = score
    db.add(sub)


def _proposals(rng, truth: Truth, aigrade_store) -> None:
    """A few AI proposals on pending written answers, some decided."""
    rubric = {"criteria": [{"id": "all", "points": 4, "hi": "सब", "en": "all"}]}
    with aigrade_store.connect() as db:
        for (pid, name), record in sorted(truth.subs.items()):
            if record["state"] == "pending" and rng.random() < 0.6:
                status = "pending" if rng.random() < 0.7 else "accepted"
                db.execute(
                    "INSERT INTO proposal (assignment, student, notebook, grade_id, rubric, scores, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        pid,
                        name,
                        truth.written[name],
                        json.dumps(rubric),
                        json.dumps({"all": 3}),
                        status,
                    ),
                )
                if status == "pending":
                    truth.ai_pending.append((name, pid, truth.written[name]))
