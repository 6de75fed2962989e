"""The trainer's report: every figure equals one computed here from what the generator wrote, not by grader.report."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import re
from collections import Counter

import pytest

from grader import cohortgen

NOW = dt.datetime(2026, 12, 10, 12, 0)


# One worker runs this file in order: its module-scoped camp (CAMP_HOME) must not be split across xdist workers.
pytestmark = pytest.mark.xdist_group("report")


@pytest.fixture(scope="module")
def camp(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(tmp_path_factory.mktemp("report-camp")))
        truth = cohortgen.generate(participants=40, assignments=4, items=5, seed=3, now=NOW)
        from grader import report

        yield truth, report.load(now=NOW)


def submitted(sub: dict) -> bool:
    return sub["state"] != "none"


def percent(truth, pid, name) -> float:
    return 100 * sum(truth.subs[(pid, name)]["scores"].values()) / sum(truth.items[name].values())


def test_completion_per_module_and_district(camp):
    """Are the submitted counts per module and the shares per district those of the generated cohort?"""
    from grader import report

    truth, cohort = camp
    mod = report.completion_by_module(cohort).set_index("assignment")
    for name in truth.items:
        subs = [truth.subs[(pid, name)] for pid in truth.people]
        assert mod.loc[name, "submitted"] == sum(submitted(s) for s in subs)
        assert mod.loc[name, "graded"] == sum(s["state"] == "graded" for s in subs)
        assert mod.loc[name, "submitted_percent"] == pytest.approx(
            100 * sum(map(submitted, subs)) / len(subs)
        )
    dis = report.completion_by_district(cohort).set_index("district")
    for district in {p["district"] for p in truth.people.values()}:
        ids = [pid for pid, p in truth.people.items() if p["district"] == district]
        pairs = [truth.subs[(pid, name)] for pid in ids for name in truth.items]
        assert dis.loc[district, "participants"] == len(ids)
        assert dis.loc[district, "submitted_percent"] == pytest.approx(
            100 * sum(map(submitted, pairs)) / len(pairs)
        )


def test_score_distribution(camp):
    """Is each module's mean and median percentage that of its graded submissions?"""
    import statistics

    from grader import report

    truth, cohort = camp
    summary = report.score_summary(cohort).set_index("assignment")
    for name in truth.items:
        values = [
            percent(truth, pid, name) for pid in truth.people if truth.subs[(pid, name)]["state"] == "graded"
        ]
        assert summary.loc[name, "count"] == len(values)
        assert summary.loc[name, "mean"] == pytest.approx(statistics.mean(values))
        assert summary.loc[name, "median"] == pytest.approx(statistics.median(values))


def test_who_is_behind_and_what_they_miss(camp):
    """Does the behind list name exactly who missed a due assignment or scored under 50 %, and what?"""
    from grader import report

    truth, cohort = camp
    due = {n for n, d in truth.due.items() if d is not None and d < NOW}
    for name, d in truth.due.items():  # no due date: expected once half the cohort handed it in
        if d is None and sum(submitted(truth.subs[(p, name)]) for p in truth.people) >= len(truth.people) / 2:
            due.add(name)
    want = {}
    for pid in truth.people:
        missing = sorted(n for n in due if not submitted(truth.subs[(pid, n)]))
        low = sorted(
            n
            for n in truth.items
            if truth.subs[(pid, n)]["state"] == "graded" and percent(truth, pid, n) < 50
        )
        if missing or low:
            want[pid] = (missing, low)
    got = {r.id: (sorted(r.missing), sorted(r.below_50)) for r in report.behind(cohort).itertuples()}
    assert got == want and want


def test_hardest_items_and_common_wrong_answers(camp):
    """Are items ordered by share correct, and are their most common wrong answers those in answers.json?"""
    from grader import report

    truth, cohort = camp
    share, wrong = {}, {}
    for (_pid, name), sub in truth.subs.items():
        if sub["state"] not in ("graded", "pending"):
            continue
        for cell, maximum in truth.items[name].items():
            if cell == truth.written[name]:
                continue
            right = sub["scores"][cell] >= maximum
            share.setdefault((name, cell), []).append(right)
            if not right:
                value = sub["answers"][cell[: -len("_test")]]
                shown = ", ".join(value) if isinstance(value, list) else value
                wrong.setdefault((name, cell), Counter())[shown] += 1
    hard = report.hardest_items(cohort, top=5)
    lowest = sorted(100 * sum(v) / len(v) for v in share.values())[:5]
    assert list(hard["share_correct"]) == pytest.approx(lowest)
    for row in hard.itertuples():
        assert row.share_correct == pytest.approx(
            100 * sum(share[(row.assignment, row.cell)]) / len(share[(row.assignment, row.cell)])
        )
        counts = wrong[(row.assignment, row.cell)]
        top_count = counts.most_common(1)[0][1]
        answer, count = row.wrong_answers[0]
        assert count == top_count
        assert counts[answer.replace('"', "").strip("[]")] == top_count


def test_pending_late_missing_and_ai(camp):
    """Manual grading pending, late and missing submissions and AI proposals waiting: exactly the generated ones."""
    from grader import report

    truth, cohort = camp
    pending = {(n, p, truth.written[n]) for (p, n), s in truth.subs.items() if s["state"] == "pending"}
    got = report.pending_manual(cohort)
    assert set(zip(got["assignment"], got["student"], got["cell"])) == pending
    assert all(re.fullmatch(r"/formgrader/submissions/\w+", link) for link in got["formgrader"])
    late = {
        (p, n)
        for (p, n), s in truth.subs.items()
        if s["state"] in ("graded", "pending") and truth.due[n] and s["timestamp"] > truth.due[n]
    }
    missing = {
        (p, n)
        for (p, n), s in truth.subs.items()
        if s["state"] == "none" and truth.due[n] and truth.due[n] < NOW
    }
    lm = report.late_or_missing(cohort)
    assert {(r.student, r.assignment) for r in lm.itertuples() if r.what == "late"} == late and late
    assert {(r.student, r.assignment) for r in lm.itertuples() if r.what == "missing"} == missing and missing
    assert set(map(tuple, cohort.ai_pending[["assignment", "student", "grade_id"]].values)) == set(
        truth.ai_pending
    )


def test_filters_by_district_role_and_module(camp):
    """Does a filter keep only that district's / role's participants and those modules?"""
    from camp.lang import CampError

    truth, cohort = camp
    district = "भोपाल"
    ids = {pid for pid, p in truth.people.items() if p["district"] == district and p["role"] == "worker"}
    narrow = cohort.filter(district=district, role="worker", modules=["1", "02-module"])
    assert set(narrow.people["id"]) == ids and ids
    assert set(narrow.status["student"]) == ids
    assert set(narrow.status["assignment"]) == {"01-module", "02-module"}
    assert len(narrow.status) == 2 * len(ids)
    with pytest.raises(CampError, match="no module '9'"):
        cohort.filter(modules=["9"])


def test_one_query_per_view_whatever_the_cohort_size(camp, tmp_path, monkeypatch):
    """Does loading run one SQL statement per view, not one per participant or assignment?"""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    from grader import report

    statements = []

    def trace(dbapi_connection, _record):  # every statement SQLite runs on the gradebook, whoever sends it
        dbapi_connection.set_trace_callback(
            lambda sql: statements.append(sql) if sql.lstrip().upper().startswith("SELECT") else None
        )

    event.listen(Pool, "connect", trace)
    try:
        report.load(now=NOW)
    finally:
        event.remove(Pool, "connect", trace)
    assert len(statements) == len(report.SQL)


def test_camp_report_terminal_and_self_contained_html(camp, tmp_path):
    """`camp report --html`: the terminal table names the sections; the HTML embeds PNG charts and fetches nothing."""
    from grader.cli import main

    truth, _ = camp
    out = tmp_path / "report.html"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["report", "--html", str(out)]) == 0
    text = buffer.getvalue()
    for title in (
        "Completion per module",
        "Who is behind",
        "Hardest items",
        "Manual grading pending",
        "Late or missing",
        "AI proposals awaiting review",
        "ज़िले के अनुसार",
    ):
        assert title in text
    page = out.read_text(encoding="utf-8")
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert len(images) == 3
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert not re.search(r"<script|<link|src=['\"]?https?:|url\(", page, re.I)
    assert "&quot;http://x&quot;" in page  # the hostile name is text
    assert truth.people["p0002"]["name"] in page


def test_report_charts_use_the_devanagari_font(camp):
    """Are the chart titles drawn with Noto Sans Devanagari (so matras and conjuncts are shaped, not boxes)?"""
    from matplotlib import font_manager

    from grader import report

    _, cohort = camp
    figs = report.charts(cohort)
    title = figs["completion_module"].axes[0].title
    font = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
    assert "Devanagari" in font
    for fig in figs.values():
        report.png_base64(fig)


@pytest.mark.slow
def test_dashboard_notebook_runs_headless(camp):
    """Does the installed dashboard notebook run in a real kernel, with its tabs, charts and no error?"""
    import nbformat
    from nbclient import NotebookClient

    from camp import paths
    from grader import report

    truth, _ = camp
    path = report.install_dashboard(paths.home())
    assert path.parent.name == "trainer"
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[1].metadata["jupyter"]["source_hidden"]
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    outputs = nb.cells[1].outputs
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    models = [m["model_name"] for m in state.values()]
    assert models.count("ImageModel") == 3
    titles = next(m["state"]["titles"] for m in state.values() if m["model_name"] == "TabModel")
    assert any("Hardest items" in t for t in titles) and any("पीछे" in t for t in titles)
    html_text = " ".join(
        m["state"].get("value", "") for m in state.values() if m["model_name"] == "HTMLModel"
    )
    assert f"participants: {len(truth.people)}" in html_text
    assert "/formgrader/submissions/" in html_text


# -- the trainer's day mends -------------------------------------------------------------------------------


def _written_cell(text: str):
    from nbformat import v4

    cell = v4.new_code_cell("answers.long_text('q7_post')\n# " + text)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": True,
        "locked": False,
        "grade_id": "q7_post",
        "points": 4,
        "schema_version": 3,
    }
    return cell


def _autograde_once(text: str) -> None:
    from nbformat import v4

    from camp import paths
    from grader.keepgrades import KeepManualGrades

    nb = v4.new_notebook(cells=[_written_cell(text)])
    resources = {
        "nbgrader": {"notebook": "nb", "assignment": "a1", "student": "s1", "db_url": paths.db_url()}
    }
    KeepManualGrades().preprocess(nb, resources)


def _grade():
    from nbgrader.api import Gradebook

    from camp import paths

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        g = gb.find_grade("q7_post", "nb", "a1", "s1")
        return g.manual_score, g.needs_manual_grade


def _trainer_grades(score: float) -> None:
    from nbgrader.api import Gradebook

    from camp import paths

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        g = gb.find_grade("q7_post", "nb", "a1", "s1")
        g.manual_score, g.needs_manual_grade = score, False  # what the Formgrader does
        gb.db.commit()


def test_a_resubmission_keeps_a_finished_manual_grade_of_an_unchanged_answer(fresh_home):
    """Unchanged written answer: the trainer's grade stays final; a changed one is re-opened (nbgrader's rule)."""
    from nbgrader.api import Gradebook

    from camp import paths

    paths.ensure_tools_on_path()
    paths.course_root().mkdir(parents=True)
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        gb.add_assignment("a1")
        gb.add_notebook("nb", "a1")
        gb.add_grade_cell("q7_post", "nb", "a1", max_score=4, cell_type="code")
        gb.add_solution_cell("q7_post", "nb", "a1")
        gb.add_student("s1")
        gb.add_submission("a1", "s1")
    _autograde_once("नमस्ते, स्वागत है")
    assert _grade() == (None, True)  # waits for the trainer
    _trainer_grades(3)
    _autograde_once("नमस्ते, स्वागत है")  # resubmitted, answer unchanged
    assert _grade() == (3, False)
    _autograde_once("नमस्ते, स्वागत है! नया नियम")  # the answer changed: the trainer looks again
    assert _grade() == (3, True)
    _autograde_once("नमस्ते, स्वागत है! नया नियम")  # not re-graded yet: stays open
    assert _grade() == (3, True)
    _trainer_grades(4)
    _autograde_once("नमस्ते, स्वागत है! नया नियम")
    assert _grade() == (4, False)


def test_roster_duplicate_ids_are_reported_and_names_split(fresh_home, tmp_path):
    """A repeated id is named by line and not imported; the Formgrader's "last, first" has no empty part."""
    from nbgrader.api import Gradebook

    from camp import paths
    from grader.cli import main
    from grader.roster import import_roster, load

    paths.course_root().mkdir(parents=True)
    csv_file = tmp_path / "roster.csv"
    csv_file.write_text(
        "id,name,district,role,phone\np1,रेखा शर्मा,भोपाल,worker,\np2,Asha,इंदौर,leader,\np1,रेखा वर्मा,सागर,worker,\n",
        encoding="utf-8",
    )
    report = import_roster(file=csv_file)
    assert report.added == 2 and report.updated == 0
    assert len(report.errors) == 1 and "line 4" in report.errors[0] and "line 2" in report.errors[0]
    assert load()["p1"]["name"] == "रेखा शर्मा"
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        shown = {s.id: f"{s.last_name}, {s.first_name}" for s in gb.students}
    # nbgrader joins every name as "last, first": a one-word name fills both, so no part is ever empty
    assert shown == {"p1": "शर्मा, रेखा", "p2": "Asha, Asha"}
    assert all(part.strip() for name in shown.values() for part in name.split(","))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["roster", "list", "--district", "इंदौर"]) == 0
    assert "Asha" in out.getvalue() and "रेखा" not in out.getvalue() and "1 participants" in out.getvalue()


def test_feedback_and_evening_take_several_assignments():
    from grader.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["feedback", "00-start-here", "01-landscape"]).assignment == [
        "00-start-here",
        "01-landscape",
    ]
    assert parser.parse_args(["evening"]).assignment == []


@pytest.mark.slow
def test_evening_grades_and_returns_everything_with_scores(grader, course_home, monkeypatch):
    """`camp evening`: collected submissions are autograded, feedback returned, and each score printed."""
    monkeypatch.setenv("CAMP_HOME", str(course_home))  # this file's module-scoped camp may still be set
    import json

    import nbformat
    from conftest import answer_fixture, release_notebook

    from grader.course import evening

    name = "00-start-here"
    right = dict(answer_fixture(name)["widget_answers"])
    written = "q7_welcome_post"
    nb = release_notebook(course_home, name)
    points = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }

    def saved(answers):
        return {
            "answers.json": json.dumps(
                {"format": 1, "answers": {q: {"value": v} for q, v in answers.items()}}, ensure_ascii=False
            ),
            "submission_secret.txt": "evening-test-secret",
        }  # what nbgrader's submit leaves beside it

    quick = grader.submit(
        name, nbformat.from_dict(nb), saved({q: v for q, v in right.items() if q != written})
    )
    full = grader.submit(name, nbformat.from_dict(nb), saved(right))
    no_secret = {k: v for k, v in saved(right).items() if k != "submission_secret.txt"}
    broken = grader.submit(name, nbformat.from_dict(nb), no_secret)  # nbgrader cannot release feedback to it
    lines = []
    assert (
        evening(assignments=[name], out=lines.append) == 0
    )  # one bad submission stops no one else's feedback
    text = "\n".join(str(line) for line in lines)
    assert f"{name}: feedback released" in text
    assert int(re.search(r"graded (\d+)", text).group(1)) >= 3, text  # the session's course may hold others
    assert re.search(rf"{broken}: no feedback / .*submission_secret", text), text
    for student in (quick, full):  # the written answer waits for the trainer
        assert re.search(rf"{student}\s+{name}\s+manual grading pending", text), text
    assert (course_home / "course" / "feedback" / quick / name / f"{name}.html").exists()

    from nbgrader.api import Gradebook

    from camp import paths
    from grader.engine import autograde_batch

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:  # the trainer grades it, as the Formgrader does
        g = gb.find_grade(written, name, name, quick)
        g.manual_score, g.needs_manual_grade = 3.0, False
        gb.db.commit()
    # resubmitted unchanged and graded again: the trainer's grade stays final (nbgrader alone re-opens it)
    autograde_batch(assignment=name, students=[quick], force=True, show_progress=False)
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        g = gb.find_grade(written, name, name, quick)
        assert (g.manual_score, g.needs_manual_grade) == (3.0, False)
    lines.clear()
    assert evening(assignments=[name], out=lines.append) == 0
    text = "\n".join(str(line) for line in lines)
    auto = sum(v for k, v in points.items() if k != written)
    assert re.search(rf"{quick}\s+{name}\s+{auto + 3:g} / {sum(points.values()):g}", text), text


@pytest.mark.slow
def test_bench_runs_on_a_small_gradebook(tmp_path, monkeypatch):
    """`python -m grader.report --bench` prints a time for each step (figures, not a timed assertion)."""
    from grader import report

    monkeypatch.setenv("CAMP_HOME", str(tmp_path / "unused"))
    lines = []
    times = report.bench(participants=6, assignments=2, out=lines.append)
    for step in (
        "camp report (terminal)",
        "camp export grades --to grades.xlsx",
        "dashboard first view",
        "camp certificates",
        "nbgrader export",
    ):
        assert any(k.startswith(step) for k in times), step
    assert "nbgrader export failed" not in "\n".join(lines)
    assert not (tmp_path / "unused").exists()  # the generated camp lived in its own temporary folder
