"""Feedback a participant understands: one bilingual line per question, and nothing that gives an answer away."""

from __future__ import annotations

import ast
import getpass
import importlib
import json
import re
import shutil
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import nbformat
import pytest
from conftest import (
    REPO,
    answer_fixture,
    answer_with_widgets,
    assignment_ids,
    release_notebook,
    source_notebook,
)
from nbformat.v4 import new_output
from traitlets.config import Config

from camp import panel, paths
from grader import feedback

ASSIGNMENTS = assignment_ids()
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
CALL = re.compile(r"\bcheck\.\w+\(")


# -- notebooks built to the grading contract (what the autograde engine leaves) --------------------------------
def _hidden_check(cell) -> ast.Call:
    code = HIDDEN.search(cell.source).group(1)
    return next(
        n
        for n in ast.walk(ast.parse(code))
        if isinstance(n, ast.Call) and getattr(n.func, "attr", "") != "replace"
    )


def _hidden_checks(cell) -> list[ast.Call]:
    """Every check of a hidden test that carries a hint (most have one; some, two)."""
    code = HIDDEN.search(cell.source).group(1)
    return [
        n
        for n in ast.walk(ast.parse(code))
        if isinstance(n, ast.Call) and any(k.arg == "hint_hi" for k in n.keywords)
    ]


def _hints(call: ast.Call) -> tuple[str, str]:
    kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg in ("hint_hi", "hint_en")}
    return kw["hint_hi"], kw["hint_en"]


def _expected(call: ast.Call):
    """The value the hidden check compares with (the answer that must never be shown)."""
    node = call.args[2]
    return eval(
        compile(ast.Expression(node), "<expected>", "eval"), {"__builtins__": {}}
    )  # repo source, arithmetic


def _qid(grade_id: str) -> str:
    return grade_id[: -len("_test")]


def _number(qid: str) -> int:
    return int(re.match(r"q(\d+)_", qid).group(1))


def graded_notebook(assignment: str, loses: set[str], *, written_score=None, comment: str = ""):
    """The source notebook as the engine leaves it after grading: verdicts, one output per test cell, the
    hidden tests (and here even the solutions) still in the sources, points put in as GetGrades does."""
    nb = nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    score = total = 0.0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        total += meta["points"]
        if meta.get("solution"):  # a written answer, typed in the widget, inlined by the grader
            cell.source += "\n# ---- उत्तर / answer (answers.json) ----\n# मेरा उत्तर: स्वागत है!"
            meta["score"], meta["comment"] = written_score, comment
            score += written_score or 0
            continue
        qid = _qid(meta["grade_id"])
        n, passed = _number(qid), meta["grade_id"] not in loses
        hi, en = ("सही", "correct") if passed else _hints(_hidden_check(cell))
        cell.metadata["camp"] = {
            "verdict": {"qid": qid, "number": n, "passed": passed, "answered": True, "hi": hi, "en": en}
        }
        if passed:
            cell.outputs = [
                new_output("stream", name="stdout", text=f"✅ प्रश्न {n}: सही / Question {n}: correct\n")
            ]
        else:
            cell.outputs = [
                new_output(
                    "error",
                    ename="WrongAnswer",
                    evalue=f"प्रश्न {n}: {hi} / Question {n}: {en}",
                    traceback=[f"❌ प्रश्न {n}: {hi}", f"❌ Question {n}: {en}"],
                )
            ]
        meta["score"] = 0.0 if not passed else float(meta["points"])
        score += meta["score"]
    return nb, score, total


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A camp folder whose course holds the source notebooks (where the feedback takes question texts)."""
    monkeypatch.setenv("CAMP_HOME", str(tmp_path))
    for assignment in ASSIGNMENTS:
        shutil.copytree(REPO / "assignments" / assignment, tmp_path / "course" / "source" / assignment)
    return tmp_path


def export(nb, assignment: str, score: float, total: float, **extra) -> tuple[str, dict]:
    """The feedback page nbgrader's GenerateFeedback would write, and the data written beside it."""
    resources = {
        "nbgrader": {
            "assignment": assignment,
            "notebook": assignment,
            "student": "asha",
            "score": score,
            "max_score": total,
            "late_penalty": 0,
            **extra,
        }
    }
    page, out = feedback.FeedbackExporter(config=Config()).from_notebook_node(nb, resources=resources)
    return page, json.loads(out["outputs"][f"{assignment}.json"])


class _Text(HTMLParser):
    """The text a reader sees, per question block (li#qN) and whole (style and data script left out)."""

    def __init__(self):
        super().__init__()
        self.stack, self.blocks, self.all, self.skip = [], {}, [], 0

    VOID = ("br", "img", "meta", "link", "hr", "input")  # elements without an end tag

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        if tag in ("style", "script"):
            self.skip += 1
        self.stack.append(
            attrs.get("id") if tag == "li" and (attrs.get("id") or "").startswith("q") else None
        )

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if tag in ("style", "script"):
            self.skip -= 1
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.skip:
            return
        self.all.append(data)
        for block in filter(None, self.stack):
            self.blocks[block] = self.blocks.get(block, "") + data


def read(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    return parser


def _tokens(value) -> list[str]:
    if isinstance(value, list):
        return [t for v in value for t in _tokens(v)]
    if isinstance(value, float) or isinstance(value, int):
        return sorted({f"{value:g}", f"{round(value, 2):g}", f"{round(value, 1):g}"})
    return [str(value)]


def _cases(assignment: str) -> list[tuple[str, list[str]]]:
    return [(case["why"], case["loses"]) for case in answer_fixture(assignment)["wrong"]]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_wrong_answers_show_the_hint_and_never_the_answer_or_the_test(assignment, course):
    """For every typical wrong answer of every assignment: the hint in both languages, ✅ for the rest, and
    nowhere the expected value, a hidden test, a test cell's source, a solution or a traceback."""
    source = nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
    tests = {
        c.metadata["nbgrader"]["grade_id"]: c for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source
    }
    for why, loses in _cases(assignment):
        nb, score, total = graded_notebook(assignment, set(loses))
        page, data = export(nb, assignment, score, total)
        text = read(page)
        whole = "".join(text.all)
        for marker in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "Traceback", "answers.answer(", "got ="):
            assert marker not in page, (why, marker)
        assert not CALL.search(page), why
        for grade_id, cell in tests.items():
            qid, n = _qid(grade_id), _number(_qid(grade_id))
            block = text.blocks[f"q{n}"]
            for line in HIDDEN.search(cell.source).group(1).strip().splitlines():
                assert line.strip() not in page, (why, line)
            if grade_id not in loses:
                assert f"प्रश्न {n} ✅" in block and f"Question {n} ✅" in block, (why, block)
                continue
            hint_hi, hint_en = _hints(_hidden_check(cell))
            assert f"प्रश्न {n} ❌ {hint_hi} / Question {n} ❌ {hint_en}" in block, (why, block)
            rest = block.replace(hint_hi, "").replace(hint_en, "")
            for item in (i for i in data["items"] if i["qid"] == qid):
                rest = rest.replace(item["question_hi"], "").replace(item["question_en"], "")
            rest = rest.replace(f"प्रश्न {n}", "").replace(f"Question {n}", "")
            for token in _tokens(_expected(_hidden_check(cell))):
                assert not re.search(rf"(?<![\w.]){re.escape(token)}(?![\w.])", rest), (why, qid, token, rest)
        assert f"{score:g} / {total:g}" in whole, why
        assert "आगे क्या करें / What next:" in whole
        assert panel.render_feedback(data).count('class="camp-verdict"') == len(data["items"]), (
            "the panel shows the same"
        )


def _widget_options(nb) -> dict[str, tuple[str, list]]:
    """{qid: (widget kind, [option values])} from each answer widget's one call, e.g. answers.choice("q1", [...])."""
    found = {}
    for cell in nb.cells:
        if not cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_widget"):
            continue
        call = next(
            n for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Call) and n.args
        )  # the cell is that one call
        qid, kind = ast.literal_eval(call.args[0]), call.func.attr
        options = [v for _, v in _literal_or_built(call.args[1])] if kind in ("choice", "choices") else []
        found[qid] = (kind, options)
    return found


def _literal_or_built(node):
    """A widget's options: written out, or built by the lesson's module (e.g. `lesson10.day_options()`)."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        module = node.func.value.id
        scope = {module: importlib.import_module(f"camp.lessons.{module}")}
        return eval(compile(ast.Expression(node), "<options>", "eval"), scope)  # repo source


def _all_wrong_answers(assignment: str, source) -> dict:
    """Widget answers in which EVERY auto-graded item is wrong: the typical wrong answer of the fixtures where one
    exists for the item, otherwise a non-key option (a single other tick, a far-off number, another text).
    Written items keep their fixture text, so only the auto-graded ones lose."""
    fixture = answer_fixture(assignment)
    wrong = dict(fixture["widget_answers"])
    from_fixtures = {}
    for case in fixture["wrong"]:
        for grade_id in case["loses"]:
            if _qid(grade_id) in case["answers"]:
                from_fixtures.setdefault(_qid(grade_id), case["answers"][_qid(grade_id)])
    widgets = _widget_options(source)
    for cell in source.cells:
        if "### BEGIN HIDDEN TESTS" not in cell.source:
            continue
        qid, call = _qid(cell.metadata["nbgrader"]["grade_id"]), _hidden_check(cell)
        if qid in from_fixtures:
            wrong[qid] = from_fixtures[qid]
            continue
        key, kind = _expected(call), widgets[qid][0]
        accepted = key if call.func.attr == "one_of" else [key] if kind != "choices" else key
        if kind == "choice":
            wrong[qid] = next(v for v in widgets[qid][1] if v not in accepted)
        elif kind == "choices":
            wrong[qid] = [next(v for v in widgets[qid][1] if v not in accepted)]
        elif kind == "number":
            wrong[qid] = float(key) * 3 + 100
        else:
            wrong[qid] = "कुछ और / something else"
    return wrong


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_auto_graded_question_wrong_each_line_shows_its_hint_and_no_answer(
    assignment, grader, course_home, tmp_path
):
    """Every auto-graded item answered wrong through the widgets, graded and returned by real nbgrader (kernels,
    autograde, GenerateFeedback): each question's line is ❌ with its own hint in both languages, on the page and
    in the panel; no expected value, hidden test, `check.` call or traceback anywhere."""
    from nbgrader.api import Gradebook

    from grader import course

    source = source_notebook(course_home, assignment)
    tests = {
        c.metadata["nbgrader"]["grade_id"]: c for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source
    }
    answers = _all_wrong_answers(assignment, source)
    nb = answer_with_widgets(release_notebook(course_home, assignment), answers, tmp_path / "work")
    files = {
        "answers.json": (tmp_path / "work" / "answers.json").read_text(encoding="utf-8"),
        "submission_secret.txt": "all-wrong-" + assignment,  # what `nbgrader submit` writes
    }
    student = grader.submit(assignment, nb, files=files)
    assert grader.grade(assignment, student) == "graded"
    lost = {g: s for g, s in grader.auto_scores(assignment, student).items() if s}
    assert not lost, f"these answers were meant to be wrong but scored: {lost}"
    assert course.feedback(assignment=assignment, students=[student]) == [student]

    folder = course_home / "course" / "feedback" / student / assignment
    page = (folder / f"{assignment}.html").read_text(encoding="utf-8")
    data = json.loads((folder / f"{assignment}{panel.DATA_SUFFIX}").read_text(encoding="utf-8"))
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        submission = gb.find_submission(assignment, student)
        score, total = submission.score, submission.max_score
    for shown in (page, panel.render_feedback(data)):
        text = read(shown)
        for marker in (
            "BEGIN HIDDEN TESTS",
            "BEGIN SOLUTION",
            "Traceback",
            "answers.answer(",
            "got =",
            "Trust",
        ):
            assert marker not in shown, marker
        assert not CALL.search(shown)
        for grade_id, cell in tests.items():
            qid, n = _qid(grade_id), _number(_qid(grade_id))
            block = text.blocks[f"q{n}"]
            for line in HIDDEN.search(cell.source).group(1).strip().splitlines():
                assert line.strip() not in shown, line
            checks = _hidden_checks(cell)  # an item may have several checks; the first that fails speaks
            flat = " ".join(block.split())
            shown_hints = [
                (hi, en)
                for hi, en in map(_hints, checks)
                if " ".join(f"प्रश्न {n} ❌ {hi} / Question {n} ❌ {en}".split()) in flat
            ]
            assert shown_hints, block
            assert f"प्रश्न {n} ✅" not in block and f"Question {n} ✅" not in block, block
            hint_hi, hint_en = shown_hints[0]
            rest = block.replace(hint_hi, "").replace(hint_en, "")
            for item in (i for i in data["items"] if i["qid"] == qid):
                rest = rest.replace(item["question_hi"], "").replace(item["question_en"], "")
            rest = rest.replace(f"प्रश्न {n}", "").replace(f"Question {n}", "")
            for token in (t for call in checks for t in _tokens(_expected(call))):
                assert not re.search(rf"(?<![\w.]){re.escape(token)}(?![\w.])", rest), (qid, token, rest)
        assert f"{score:g} / {total:g}" in "".join(text.all)
    assert len([i for i in data["items"] if i.get("kind") == "auto" and not i["passed"]]) == len(tests)


def test_the_feedback_data_travels_inside_the_page_when_no_file_is_beside_it(course, tmp_path):
    """Can the panel read a page alone (embedded data), and does its view equal the page's own?"""
    nb, score, total = graded_notebook("05-misinformation", {"q6_many_times_threshold_test"})
    page, data = export(nb, "05-misinformation", score, total)
    path = tmp_path / "fb" / "05-misinformation.html"
    path.parent.mkdir()
    path.write_text(page, encoding="utf-8")
    assert panel.load_feedback(path) == data
    shown = read(panel.render_feedback(data))
    assert " ".join(shown.blocks["q6"].split()) == " ".join(read(page).blocks["q6"].split())
    hint = next(
        c.metadata["camp"]["verdict"]["hi"]
        for c in nb.cells
        if c.metadata.get("camp", {}).get("verdict", {}).get("number") == 6
    )
    assert " ".join(f"प्रश्न 6 ❌ {hint}".split()) in " ".join(shown.blocks["q6"].split())


def test_written_tasks_show_points_comment_and_criteria(course):
    """A free-text task shows its points, the trainer's comment, her answer and the rubric criteria."""
    nb, score, total = graded_notebook(
        "00-start-here", set(), written_score=3, comment="नियम अच्छा है; नाम जोड़ें"
    )
    page, _ = export(nb, "00-start-here", score, total)
    block = read(page).blocks["q7"]
    assert "प्रश्न 7 ✍️ 3 / 4 अंक / Question 7 ✍️ 3 / 4 points" in block
    assert "नियम अच्छा है; नाम जोड़ें" in block and "मेरा उत्तर: स्वागत है!" in block
    rubric = json.loads(
        json.dumps(
            nbformat.read(REPO / "assignments/00-start-here/00-start-here.ipynb", as_version=4)
            .cells[-2]
            .metadata["camp"]["rubric"]
        )
    )
    assert rubric["criteria"][0]["hi"] in block
    assert rubric["example"].splitlines()[0] not in page, "the example answer stays with the trainer"

    with pytest.MonkeyPatch.context() as mp:  # `camp feedback --with-examples`: the trainer turns it on
        mp.setenv("CAMP_FEEDBACK_EXAMPLES", "1")
        page, data = export(nb, "00-start-here", score, total)
    block = read(page).blocks["q7"]
    assert rubric["example"].splitlines()[0] in block and "An example of a good answer" in block
    assert rubric["example"].splitlines()[0] in read(panel.render_feedback(data)).blocks["q7"]

    nb, score, total = graded_notebook("00-start-here", set(), written_score=None)
    block = read(export(nb, "00-start-here", score, total)[0]).blocks["q7"]
    assert "प्रश्न 7 ✍️ ट्रेनर अभी जाँचेंगे" in block


def test_hostile_text_is_shown_as_text(course):
    """Markup in a comment, a written answer or a forged hint is escaped, never run."""
    nb, score, total = graded_notebook(
        "00-start-here", {"q1_run_key_test"}, written_score=1, comment="<img src=x onerror=alert(1)>"
    )
    nb.cells[
        [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells].index("q1_run_key_test")
    ].metadata["camp"]["verdict"]["hi"] = "</script><script>alert(2)</script>"
    page, data = export(nb, "00-start-here", score, total)
    for shown in (page, panel.render_feedback(data)):
        assert "<img src=x" not in shown and "<script>alert" not in shown
        assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert page.count("</script>") == 1, "the data cannot close its script element"


def test_without_verdicts_no_output_is_shown(course):
    """An autograded notebook from before verdicts (tracebacks in the outputs) still shows only lines."""
    nb, score, total = graded_notebook("00-start-here", {"q3_engagements_test"})
    for cell in nb.cells:
        cell.metadata.pop("camp", None)
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                out.traceback = [
                    "Traceback (most recent call last):",
                    'File "camp/check.py", line 99, in close',
                ]
                out.evalue = "❌ q3_engagements: तीनों संख्याएँ जोड़ें: 40 + 12 + 8।\n❌ q3_engagements: Add all three numbers."
    page, _ = export(nb, "00-start-here", score, total)
    assert "Traceback" not in page and "check.py" not in page
    assert (
        "प्रश्न 3 ❌ तीनों संख्याएँ जोड़ें: 40 + 12 + 8। / Question 3 ❌ Add all three numbers."
        in read(page).blocks["q3"]
    )
    assert "प्रश्न 1 ✅ सही / Question 1 ✅ correct" in read(page).blocks["q1"]


def test_next_step_and_lateness_follow_the_due_date():
    """Before the due date: correct and resubmit; after it: done; all right: done; late: said so, in IST."""
    due = datetime(2026, 12, 5, 12, 30, tzinfo=timezone.utc)  # 6:00 pm IST
    wrong = {
        "items": [
            {"kind": "auto", "number": 1, "passed": False, "score": 0, "points": 1, "hi": "h", "en": "e"}
        ],
        "due": due.isoformat(),
        "submitted": (due - timedelta(hours=1)).isoformat(),
        "score": 0,
        "max_score": 1,
    }
    before = panel.present(wrong, now=due - timedelta(minutes=5))
    assert before["next"] == (
        "✏️ ❌ वाले प्रश्न सुधारें और 5 दिसंबर 2026, शाम 6:00 बजे से पहले 📤 फिर से जमा करें",
        "✏️ Correct the ❌ questions and 📤 submit again before 5 Dec 2026, 6:00 pm IST",
    )
    assert before["late"] is None
    assert "बीत गया" in panel.present(wrong, now=due + timedelta(minutes=5))["next"][0]
    right = {**wrong, "items": [{**wrong["items"][0], "passed": True, "score": 1}]}
    assert panel.present(right, now=due)["next"][1] == "🎉 All correct! This assignment is done"
    late = {**wrong, "submitted": (due + timedelta(hours=2, minutes=10)).isoformat(), "late": True}
    assert panel.present(late, now=due)["late"] == (
        "⏰ देर से जमा हुआ: अंतिम समय 5 दिसंबर 2026, शाम 6:00 बजे था, आपने 5 दिसंबर 2026, रात 8:10 बजे को जमा किया",
        "⏰ Submitted late: it was due 5 Dec 2026, 6:00 pm IST, you submitted 5 Dec 2026, 8:10 pm IST",
    )


def test_due_dates_are_read_in_ist_and_stored_in_utc():
    """'2026-12-05 18:00' is 12:30 UTC; a bare date is the end of that day; nonsense is one clear error."""
    assert panel.parse_due("2026-12-05 18:00") == datetime(2026, 12, 5, 12, 30, tzinfo=timezone.utc)
    assert panel.parse_due("2026-12-05") == datetime(2026, 12, 5, 18, 29, tzinfo=timezone.utc)
    assert panel.parse_due("2026-12-05T18:00+00:00") == datetime(2026, 12, 5, 18, 0, tzinfo=timezone.utc)
    assert panel.parse_time("2026-11-28 10:00:00.123456 UTC") == datetime(
        2026, 11, 28, 10, 0, 0, 123456, timezone.utc
    )
    with pytest.raises(panel.CampError, match="2026-12-05 18:00"):
        panel.parse_due("next friday")
    assert panel.when_hi(datetime(2026, 1, 1, 3, 0, tzinfo=timezone.utc)) == "1 जनवरी 2026, सुबह 8:30 बजे"
    assert panel.when_en(datetime(2026, 1, 1, 18, 45, tzinfo=timezone.utc)) == "2 Jan 2026, 12:15 am IST"


# -- the whole loop without a browser: real nbgrader, real kernels, the panel's own functions ------------------
@pytest.mark.slow
def test_panel_loop_validate_submit_feedback(tmp_path, monkeypatch):
    """Fetch, validate (⏳ then ✔), submit, autograde, return feedback: the panel shows the lines and the
    gradebook's score, and 'My feedback' before any exists says so in one line."""
    from nbgrader.api import Gradebook

    from grader import course

    assignment = "00-start-here"
    sources = tmp_path / "sources"
    (sources / "assignments").mkdir(parents=True)
    shutil.copytree(REPO / "assignments" / assignment, sources / "assignments" / assignment)
    (sources / "modules").symlink_to(REPO / "modules")
    monkeypatch.setenv("CAMP_HOME", str(tmp_path / "camp"))
    monkeypatch.setattr(paths, "SOURCE_ROOT", sources)
    course.init_course()
    assert (tmp_path / "camp" / feedback.NOTEBOOK_NAME).exists()
    due = (datetime.now(timezone.utc) + timedelta(days=3)).astimezone(panel.IST).strftime("%Y-%m-%d %H:%M")
    course.release(assignments=[assignment], due=due)

    [entry] = panel.assignments()
    assert entry.released and not entry.fetched and entry.due == panel.parse_due(due)
    assert panel.fetch(assignment).ok
    folder = paths.work_dir() / assignment
    assert not (folder / panel.DUE_FILE).exists(), "the due file stays in the exchange"
    assert panel.my_feedback(assignment) == panel.message_html(panel.NO_FEEDBACK)

    checks = panel.validate(assignment)
    assert [c.number for c in checks] == [1, 2, 3, 4, 5, 6, 7] and not any(c.answered for c in checks)
    assert checks[0].line == "प्रश्न 1 ⏳ अभी उत्तर नहीं दिया गया / Question 1 ⏳ not answered yet"

    answers = {**answer_fixture(assignment)["widget_answers"], "q1_run_key": "B"}
    nb = answer_with_widgets(nbformat.read(folder / f"{assignment}.ipynb", as_version=4), answers, folder)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    checks = panel.validate(assignment)
    assert all(c.answered for c in checks), [c.line for c in checks]
    assert panel.validation_summary(checks).ok
    assert "Traceback" not in json.dumps([c.line for c in checks])

    broken = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)  # a slip in the optional code cell
    code = next(
        c for c in broken.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q2_cell_kind_code"
    )
    code.source = code.source.replace("answer_q2 = None", "answer_q2 = Shift + Enter")
    nbformat.write(broken, folder / "broken.ipynb")
    (folder / f"{assignment}.ipynb").rename(folder / "kept.ipynb")
    (folder / "broken.ipynb").rename(folder / f"{assignment}.ipynb")
    q2 = panel.validate(assignment)[1]
    assert q2.code_error and q2.line.startswith("प्रश्न 2 ✔"), q2.line
    assert "answer_q2 = None" in q2.line and "Error" not in q2.line
    (folder / "kept.ipynb").replace(folder / f"{assignment}.ipynb")

    message = panel.submit(assignment)
    assert message.ok and "✅ जमा हो गया" in message.hi
    assert course.collect(assignment=assignment) == [getpass.getuser()]
    assert course.autograde(assignment=assignment)[getpass.getuser()] == "graded"
    course.feedback(assignment=assignment)

    shown = panel.my_feedback(assignment)
    text = read(shown)
    assert "प्रश्न 1 ❌" in text.blocks["q1"] and "Ctrl+S सहेजता है" in text.blocks["q1"]
    for n in (2, 3, 4, 5, 6):
        assert f"प्रश्न {n} ✅ सही" in text.blocks[f"q{n}"]
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        sub = gb.find_submission(assignment, getpass.getuser())
        score, maximum = sub.score, sub.max_score
    assert f"कुल अंक / Total score: {score:g} / {maximum:g}" in "".join(text.all)
    for marker in ("Traceback", "BEGIN HIDDEN TESTS", "Trust HTML"):
        assert marker not in shown
    assert not CALL.search(shown)
    assert "before" in "".join(text.all) or "पहले" in "".join(text.all), "resubmit before the due date"
    assert "प्रश्न 7 ✍️ ट्रेनर अभी जाँचेंगे" in text.blocks["q7"], "a written answer not graded yet is not a 0"
    from camp import progress

    assert progress.assignments()[assignment]["score"] == score, "camp progress reads the returned page"
    pages = list((folder / "feedback").glob("*/*.html"))
    assert len(pages) == 1 and pages[0].with_suffix(".json").is_file(), "the data came beside the page"

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:  # the trainer grades the written answer
        gb.find_grade("q7_welcome_post", assignment, assignment, getpass.getuser()).manual_score = 3
        gb.find_comment(
            "q7_welcome_post", assignment, assignment, getpass.getuser()
        ).manual_comment = "नियम अच्छा है"
        gb.db.commit()
    course.feedback(assignment=assignment)
    block = read(panel.my_feedback(assignment)).blocks["q7"]
    assert "प्रश्न 7 ✍️ 3 / 4 अंक / Question 7 ✍️ 3 / 4 points" in block and "नियम अच्छा है" in block

    past = (datetime.now(timezone.utc) - timedelta(days=1)).astimezone(panel.IST).strftime("%Y-%m-%d %H:%M")
    course.release(assignments=[assignment], due=past)  # the trainer moves the due date before her submission
    course.feedback(assignment=assignment)
    words = "".join(read(panel.my_feedback(assignment)).all)
    assert "⏰ देर से जमा हुआ: अंतिम समय" in words and "⏰ Submitted late: it was due" in words
    assert "बीत गया" in words, "after the due date: done, no resubmitting"
    [entry] = panel.assignments()
    assert entry.late and "⏰ देर से" in panel._status(entry)
    assert entry.score == (
        f"{score + 3:g}",
        f"{maximum:g}",
    ) and f"अंक: {score + 3:g} / {maximum:g}" in panel._status(entry)
