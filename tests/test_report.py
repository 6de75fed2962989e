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
        assert mod.loc[name, "submitted_percent"] == pytest.approx(100 * sum(map(submitted, subs)) / len(subs))
    dis = report.completion_by_district(cohort).set_index("district")
    for district in {p["district"] for p in truth.people.values()}:
        ids = [pid for pid, p in truth.people.items() if p["district"] == district]
        pairs = [truth.subs[(pid, name)] for pid in ids for name in truth.items]
        assert dis.loc[district, "participants"] == len(ids)
        assert dis.loc[district, "submitted_percent"] == pytest.approx(100 * sum(map(submitted, pairs)) / len(pairs))


def test_score_distribution(camp):
    """Is each module's mean and median percentage that of its graded submissions?"""
    import statistics

    from grader import report

    truth, cohort = camp
    summary = report.score_summary(cohort).set_index("assignment")
    for name in truth.items:
        values = [percent(truth, pid, name) for pid in truth.people if truth.subs[(pid, name)]["state"] == "graded"]
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
        low = sorted(n for n in truth.items if truth.subs[(pid, n)]["state"] == "graded" and percent(truth, pid, n) < 50)
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
        assert row.share_correct == pytest.approx(100 * sum(share[(row.assignment, row.cell)]) / len(share[(row.assignment, row.cell)]))
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
    late = {(p, n) for (p, n), s in truth.subs.items()
            if s["state"] in ("graded", "pending") and truth.due[n] and s["timestamp"] > truth.due[n]}
    missing = {(p, n) for (p, n), s in truth.subs.items() if s["state"] == "none" and truth.due[n] and truth.due[n] < NOW}
    lm = report.late_or_missing(cohort)
    assert {(r.student, r.assignment) for r in lm.itertuples() if r.what == "late"} == late and late
    assert {(r.student, r.assignment) for r in lm.itertuples() if r.what == "missing"} == missing and missing
    assert set(map(tuple, cohort.ai_pending[["assignment", "student", "grade_id"]].values)) == set(truth.ai_pending)


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
    from sqlalchemy.engine import Engine

    from grader import report

    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        report.load(now=NOW)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert len(statements) == len(report.SQL)


def test_camp_report_terminal_and_self_contained_html(camp, tmp_path):
    """`camp report --html`: the terminal table names the sections; the HTML embeds PNG charts and fetches nothing."""
    from camp.cli import main

    truth, _ = camp
    out = tmp_path / "report.html"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["report", "--html", str(out)]) == 0
    text = buffer.getvalue()
    for title in ("Completion per module", "Who is behind", "Hardest items", "Manual grading pending",
                  "Late or missing", "AI proposals awaiting review", "ज़िले के अनुसार"):
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
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = nb.cells[1].outputs
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    models = [m["model_name"] for m in state.values()]
    assert models.count("ImageModel") == 3
    titles = next(m["state"]["titles"] for m in state.values() if m["model_name"] == "TabModel")
    assert any("Hardest items" in t for t in titles) and any("पीछे" in t for t in titles)
    html_text = " ".join(m["state"].get("value", "") for m in state.values() if m["model_name"] == "HTMLModel")
    assert f"participants: {len(truth.people)}" in html_text
    assert "/formgrader/submissions/" in html_text
