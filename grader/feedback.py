"""Feedback a participant understands: her score per question and in total, and one bilingual line each.

nbgrader's GenerateFeedback exports the autograded notebook through `FeedbackExporter` (selected in
grader/config.py). The page is built from *data* worked out here — the grading verdict of each test cell
(`metadata.camp.verdict`), the gradebook's points, the trainer's comments — and never from the cells
themselves, so no test source, output or traceback can reach it. The same data is written beside the page
(`<notebook>.json`), released beside it in the exchange, and shown inline by `camp.panel`.

Due dates live here too, since the participant meets them in the panel and the feedback: `camp release
--due` stores nbgrader's duedate (UTC) and publishes it beside the released assignment.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from camp import panel, paths
from camp.files import write_json

TEMPLATES = Path(__file__).resolve().parent / "templates"
NOTEBOOK_NAME = "मेरे असाइनमेंट (my assignments).ipynb"
FORMAT = 1
_GENERIC = (
    "यह उत्तर सही नहीं है; पाठ का यह भाग फिर पढ़ें और दोबारा कोशिश करें",
    "This answer is not right; read this part of the lesson again and try once more",
)
_QUESTION = re.compile(r"q(\d+)_")


# -- the data ----------------------------------------------------------------------------------------------
def _number(qid: str) -> int | None:
    match = _QUESTION.match(qid or "")
    return int(match.group(1)) if match else None


def _plain(markdown: str, limit: int = 400) -> str:
    """The first paragraph of a question's markdown as plain text."""
    paragraph = markdown.strip().split("\n\n")[0]
    text = re.sub(r"^#+\s*", "", paragraph, flags=re.M)
    text = re.sub(r"[*_`]+", "", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _questions(source) -> dict[str, tuple[str, str]]:
    """{qid: (Hindi text, English text)} from the course's own source notebook (never the submission)."""
    found = {}
    for cell in source.cells if source is not None else []:
        grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id", "")
        if cell.cell_type == "markdown" and grade_id.endswith("_question"):
            halves = re.split(r"\n-{3,}\n", cell.source, maxsplit=1) + [""]
            found[grade_id[: -len("_question")]] = (_plain(halves[0]), _plain(halves[1]))
    return found


def _legacy_hint(cell) -> tuple[str, str] | None:
    """The hint of a WrongAnswer error made before verdicts existed ("❌ qid: hint" on two lines)."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error" and out.get("ename") == "WrongAnswer":
            lines = [
                re.sub(r"^❌\s*\S+:\s*", "", ln).strip() for ln in str(out.get("evalue", "")).splitlines()
            ]
            lines = [ln for ln in lines if ln]
            if len(lines) == 2:
                return lines[0], lines[1]
    return None


def _auto_item(cell, meta: dict, questions: dict) -> dict[str, Any]:
    grade_id = str(meta.get("grade_id", ""))
    verdict = (cell.metadata.get("camp") or {}).get("verdict")
    verdict = verdict if isinstance(verdict, dict) else {}
    qid = str(verdict.get("qid") or (grade_id[: -len("_test")] if grade_id.endswith("_test") else grade_id))
    score, points = meta.get("score"), meta.get("points")
    # The gradebook's points decide (a trainer may have changed them); the verdict only explains.
    passed = bool(verdict.get("passed")) if score is None or points is None else score >= points
    if passed:
        hi, en = "सही", "correct"
    elif verdict and not verdict.get("passed") and isinstance(verdict.get("hi"), str):
        hi, en = verdict["hi"], str(verdict.get("en", ""))
    else:
        hi, en = _legacy_hint(cell) or _GENERIC
    number = verdict.get("number") if isinstance(verdict.get("number"), int) else _number(qid)
    q_hi, q_en = questions.get(qid, ("", ""))
    return {
        "kind": "auto",
        "qid": qid,
        "number": number,
        "score": score,
        "points": points,
        "passed": passed,
        "answered": bool(verdict.get("answered", True)),
        "hi": hi,
        "en": en,
        "question_hi": q_hi,
        "question_en": q_en,
    }


def _written_answer(cell) -> str:
    from grader.widget_answers import MARK

    if MARK in cell.source:
        lines = cell.source.split(MARK, 1)[1].splitlines()
        return "\n".join(ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in lines).strip()
    if cell.cell_type == "markdown":
        return cell.source.strip()
    own = [
        ln
        for ln in cell.source.splitlines()
        if ln.strip() and not ln.lstrip().startswith(("#", "answers.long_text("))
    ]  # her words, not markers
    return "\n".join(own).strip()


def _written_item(cell, meta: dict, questions: dict, rubrics: dict) -> dict[str, Any]:
    grade_id = str(meta.get("grade_id", ""))
    qid = str((cell.metadata.get("camp") or {}).get("answer") or grade_id)
    answer = _written_answer(cell)
    rubric = rubrics.get(grade_id) or {}
    q_hi, q_en = questions.get(qid, ("", ""))
    return {
        "kind": "written",
        "qid": qid,
        "grade_id": grade_id,
        "number": _number(qid),
        "score": meta.get("score"),
        "points": meta.get("points"),
        "answered": bool(answer),
        "answer": answer,
        "comment": meta.get("comment") or "",
        "question_hi": q_hi,
        "question_en": q_en,
        "criteria": [
            {"hi": c.get("hi", ""), "en": c.get("en", ""), "points": c.get("points")}
            for c in rubric.get("criteria", [])
            if isinstance(c, dict)
        ],
        # the rubric's example of a good answer goes back only when the trainer turns it on (after the due date)
        "example": str(rubric.get("example") or "") if show_examples() else "",
    }


def show_examples() -> bool:
    """`camp feedback --with-examples` (CAMP_FEEDBACK_EXAMPLES=1): return the rubric's example answer too."""
    from grader.settings import load

    return load().feedback_examples


def _gradebook_facts(info: dict, written: list[str]) -> tuple[dict[str, Any], set[str]]:
    """When it was submitted and due, and which written answers still wait for the trainer, from the
    gradebook (nbgrader scores an ungraded answer 0, so only the gradebook can tell "not graded yet")."""
    try:
        from nbgrader.api import Gradebook

        with Gradebook(info["db_url"]) as gb:
            sub = gb.find_submission(info["assignment"], info["student"])
            stamp, due, late = sub.timestamp, sub.duedate, sub.total_seconds_late
            grades = [
                gb.find_grade(g, info["notebook"], info["assignment"], info["student"]) for g in written
            ]
            waiting = {g.name for g in grades if g.manual_score is None and g.auto_score is None}
    except Exception:
        return {}, set()
    iso = lambda moment: panel.parse_time(moment).isoformat() if moment else None  # noqa: E731
    return {"submitted": iso(stamp), "due": iso(due), "late": bool(late and late > 0)}, waiting


def build(nb, resources: dict, *, course_root: Path | None = None) -> dict[str, Any]:
    """The feedback data of one graded notebook (after nbgrader's GetGrades has put the points in)."""
    from grader.rubric import source_rubrics

    info = resources.get("nbgrader", {})
    assignment, notebook = str(info.get("assignment", "")), str(info.get("notebook", ""))
    root = Path(course_root or paths.course_root())
    source_path = root / "source" / assignment / f"{notebook}.ipynb"
    try:
        source = nbformat.read(source_path, as_version=4)
    except Exception:
        source = None
    questions = _questions(source)
    rubrics = source_rubrics(assignment, notebook, root)
    items = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        if not (meta.get("grade") or meta.get("task")):
            continue
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            items.append(_auto_item(cell, meta, questions))
        else:
            items.append(_written_item(cell, meta, questions, rubrics))
    title_hi, title_en = panel.titles(source_path) if source is not None else ("", "")
    data = {
        "format": FORMAT,
        "assignment": assignment,
        "notebook": notebook,
        "title_hi": title_hi,
        "title_en": title_en,
        "score": info.get("score"),
        "max_score": info.get("max_score"),
        "late_penalty": info.get("late_penalty") or 0,
        "items": items,
    }
    if info.get("db_url") and info.get("student"):
        facts, waiting = _gradebook_facts(info, [i["grade_id"] for i in items if i["kind"] == "written"])
        data.update(facts)
        for item in items:
            if item.get("grade_id") in waiting:
                item["score"] = None  # shown as "not graded yet", not as 0
    for item in items:
        item.pop("grade_id", None)
    return data


def embed(data: dict) -> str:
    """The data as JSON that is safe inside a <script> element (no <, > or & in it)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback HTML, through the camp's template (grader/templates), from the feedback data.

    nbgrader's API forces `HTMLExporter.template_name = 'feedback'`; the settings below are this class's
    own, so they win, and the Formgrader's own HTMLExporter is left alone.
    """

    def __init__(self, config=None, **kw):
        cfg = Config()
        if config is not None:
            cfg.merge(config)
        cfg.FeedbackExporter.template_name = TEMPLATES.name
        cfg.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES.parent)]
        cfg.FeedbackExporter.extra_template_paths = [str(panel.TEMPLATES)]  # the body the panel renders too
        cfg.FeedbackExporter.exclude_input = True
        super().__init__(config=cfg, **kw)

    def _preprocess(self, nb, resources):
        nb, resources = super()._preprocess(nb, resources)
        coursedir = getattr(self.parent, "coursedir", None)
        root = Path(coursedir.root) if coursedir is not None and coursedir.root else None
        data = build(nb, resources, course_root=root)
        resources["camp_view"] = panel.present(data)
        resources["camp_json"] = embed(data)
        name = resources.get("nbgrader", {}).get("notebook") or resources.get("unique_key") or "feedback"
        outputs = resources.setdefault("outputs", {})
        outputs[f"{name}{panel.DATA_SUFFIX}"] = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        return nb, resources


# -- trainer side: release the data beside the page, due dates ------------------------------------------------
def release_data(*, assignment: str, student: str) -> list[Path]:
    """Put each generated page's data beside the page nbgrader released (`<exchange>/camp/feedback/<hash>.json`)."""
    from nbgrader.utils import notebook_hash

    folder = paths.course_root() / "feedback" / student / assignment
    secret_file = folder / "submission_secret.txt"
    outbound = paths.exchange_root() / paths.COURSE_ID / "feedback"
    if not secret_file.is_file() or not outbound.is_dir():
        return []
    secret = secret_file.read_text(encoding="utf-8")
    done = []
    for page in sorted(folder.glob("*.html")):
        data_file = page.with_suffix(panel.DATA_SUFFIX)
        if not data_file.is_file():
            continue
        dest = outbound / f"{notebook_hash(secret=secret, notebook_id=page.stem)}{panel.DATA_SUFFIX}"
        write_json(dest, json.loads(data_file.read_text(encoding="utf-8")))
        done.append(dest)
    return done


def set_due(*, assignment: str, due: str) -> None:
    """Store a due date typed in IST ("2026-12-05 18:00") as nbgrader's duedate (UTC) in the gradebook."""
    from nbgrader.api import Gradebook

    moment = panel.parse_due(due).replace(tzinfo=None)  # nbgrader keeps naive UTC
    paths.ensure_tools_on_path()
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        gb.update_or_create_assignment(assignment, duedate=moment)


def publish_due(*, assignment: str) -> None:
    """Write the gradebook's due date beside the released assignment, where the panel reads it."""
    from nbgrader.api import Gradebook, MissingEntry

    folder = paths.exchange_root() / paths.COURSE_ID / "outbound" / assignment
    if not folder.is_dir():
        return
    paths.ensure_tools_on_path()
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        try:
            due = gb.find_assignment(assignment).duedate
        except MissingEntry:
            due = None
    target = folder / panel.DUE_FILE
    if due is None:
        target.unlink(missing_ok=True)
    else:
        write_json(target, {"assignment": assignment, "due": panel.parse_time(due).isoformat()})


def install_notebook(home: Path | None = None) -> Path:
    """Put the "my assignments" notebook in the camp folder (again only when its cells changed)."""
    target = Path(home or paths.home()) / NOTEBOOK_NAME
    ours = nbformat.read(TEMPLATES / "my-assignments.ipynb", as_version=4)
    try:
        theirs = nbformat.read(target, as_version=4)
        if [c.source for c in theirs.cells] == [c.source for c in ours.cells]:
            return target
    except (OSError, ValueError):
        pass
    tmp = target.with_name(f".{target.name}.tmp")
    nbformat.write(ours, tmp)
    os.replace(tmp, target)
    return target
