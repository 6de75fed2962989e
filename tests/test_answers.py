"""The answer store, the check helpers and the quiz, unit by unit."""

from __future__ import annotations

import json

import nbformat
import pytest
from conftest import answer_with_widgets

from camp import answers, check, friendly, progress, quiz
from camp.lang import CampError
from grader.widget_answers import as_comment


def test_answers_are_saved_kept_and_replaced(tmp_path):
    """Saving keeps other answers; answering twice keeps the latest; the file is valid JSON."""
    answers.save("q1", "A", folder=tmp_path)
    answers.save("q2", ["x", "y"], folder=tmp_path)
    answers.save("q1", "B", folder=tmp_path)
    assert answers.load(tmp_path) == {"q1": "B", "q2": ["x", "y"]}
    assert json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))["format"] == 1
    assert not list(tmp_path.glob(".answers-*")), "no temporary file left behind"


def test_code_answer_wins_over_widget_answer(tmp_path):
    answers.save("q1", "B", folder=tmp_path)
    assert answers.answer("q1", None, folder=tmp_path) == "B"
    assert answers.answer("q1", "C", folder=tmp_path) == "C"
    assert answers.answer("q9", None, folder=tmp_path) is None


@pytest.mark.parametrize(
    "content", ["{broken", "[]", '{"format": 1, "answers": []}', '{"format": 7, "answers": {}}']
)
def test_broken_answers_file_raises_a_bilingual_error(tmp_path, content):
    (tmp_path / "answers.json").write_text(content, encoding="utf-8")
    with pytest.raises(answers.AnswersFileError) as info:
        answers.load(tmp_path)
    assert "answers.json" in info.value.en and "answers.json" in info.value.hi


def test_widgets_show_the_saved_answer_after_a_reload(tmp_path, monkeypatch):
    """A widget built again (a re-run or a reopened notebook) starts from the saved answer."""
    monkeypatch.chdir(tmp_path)
    answers.choice("q1", [("क / A", "A"), ("ख / B", "B")])
    answers.shown["q1"].set("B")
    answers.number("q2", unit="%")
    answers.shown["q2"].set("१२.५")
    answers.choice("q1", [("क / A", "A"), ("ख / B", "B")])  # re-run the cell
    assert answers.shown["q1"].widget.value == "B"
    assert answers.load() == {"q1": "B", "q2": 12.5}
    assert "B" in answers.shown["q1"]._echo_text()


def test_a_number_that_is_not_a_number_is_not_saved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    answers.number("q3")
    answers.shown["q3"].set("बारह")
    assert answers.load() == {}
    assert "not a number" in answers.shown["q3"].status.value


@pytest.mark.parametrize(
    "text, number", [("12.5", 12.5), ("१२.५", 12.5), ("1,250", 1250.0), ("4.2%", 4.2), ("", None), (7, 7.0)]
)
def test_parse_number_reads_what_people_type(text, number):
    assert answers.parse_number(text) == number


def test_parse_number_refuses_words():
    with pytest.raises(CampError):
        answers.parse_number("twelve")


class Liar:
    """An object that claims to equal anything."""

    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: check.equal("q", Liar(), "A", hint_hi="संकेत", hint_en="hint"),
        lambda: check.one_of("q", Liar(), ["A"], hint_hi="संकेत", hint_en="hint"),
        lambda: check.same_set("q", Liar(), ["A"], hint_hi="संकेत", hint_en="hint"),
        lambda: check.close("q", Liar(), 1.0, tol=0.1, hint_hi="संकेत", hint_en="hint"),
        lambda: check.true("q", Liar(), hint_hi="संकेत", hint_en="hint"),
        lambda: check.equal("q", None, "A", hint_hi="संकेत", hint_en="hint"),
        lambda: check.equal("q", "B", "A", hint_hi="संकेत", hint_en="hint"),
        lambda: check.close("q", float("nan"), 1.0, tol=0.1, hint_hi="संकेत", hint_en="hint"),
        lambda: check.equal("q", 1, True, hint_hi="संकेत", hint_en="hint"),
    ],
)
def test_checks_cannot_be_fooled(call):
    """Objects claiming equality, NaN, None, wrong types: all fail with WrongAnswer."""
    with pytest.raises(check.WrongAnswer):
        call()


def test_checks_pass_right_answers_and_hint_in_both_languages(capsys):
    check.equal("q", "  Markdown ", "markdown", hint_hi="संकेत", hint_en="hint")
    check.close("q", "60", 60, tol=0, hint_hi="संकेत", hint_en="hint")
    check.same_set("q", ["b", "a"], ["a", "b"], hint_hi="संकेत", hint_en="hint")
    assert capsys.readouterr().out.count("✅") == 3
    with pytest.raises(check.WrongAnswer) as info:
        check.equal("q7", "x", "y", hint_hi="भाग 2 देखें", hint_en="see part 2")
    assert "भाग 2 देखें" in str(info.value) and "see part 2" in str(info.value)


def test_answered_reports_while_working_and_fails_under_validate(monkeypatch, capsys):
    """One line per question, with its number and never its id: ⏳ while working, an error under Validate."""
    check.answered("q6_many_times_threshold", None)
    check.answered("q6_many_times_threshold", "5")
    out = [line for line in capsys.readouterr().out.splitlines() if "Question" in line]  # (not the records)
    assert out[0].startswith("प्रश्न 6 ⏳ अभी उत्तर नहीं दिया") and "Question 6 ⏳ not answered yet" in out[0]
    assert out[1].startswith("प्रश्न 6 ✔") and "Question 6 ✔" in out[1]
    assert "q6_many" not in "".join(out)
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(check.WrongAnswer) as info:
        check.answered("q6_many_times_threshold", None)
    line = str(info.value)
    assert "\n" not in line and "q6_many" not in line
    assert "प्रश्न 6 ⏳ अभी उत्तर नहीं दिया" in line and "Question 6 ⏳ not answered yet" in line


def test_quiz_gives_instant_feedback_and_records_progress(fresh_home):
    quiz.question(
        "m00_q1",
        label="?",
        options=[("a", "a"), ("b", "b")],
        correct="a",
        explain_hi="क्योंकि",
        explain_en="because",
    )
    box = answers.shown["m00_q1"]
    box.set("b")
    assert "Not quite" in box.status.value
    box.set("a")
    assert "Correct" in box.status.value and "सही" in box.status.value
    assert progress.summary()["quiz"] == {"answered": 1, "correct": 1}
    quiz.question(
        "m00_q1", label="?", options=[("a", "a"), ("b", "b")], correct="a", explain_hi="क", explain_en="b"
    )
    assert answers.shown["m00_q1"].widget.value == "a", "the quiz answer is shown back after a reload"


@pytest.mark.parametrize("text", ["line1\rimport os", "a\u2028b", "x\x00y", 'ok\r\n"""\nprint(1)'])
def test_long_text_answers_become_comments_that_cannot_run(text):
    """A participant's text put into a graded cell cannot escape the comment and run as code."""
    source = as_comment(text)
    compiled = compile(source, "<answer>", "exec")
    assert compiled.co_names == () and all(line.startswith("# ") for line in source.split("\n"))


# -- what a participant reads: saved answers in the options' words, units in both languages ---------------
Q5 = [
    (
        "क) Assignments टैब में 'Fetch Feedback' दबाने पर / After 'Fetch Feedback' in the Assignments tab",
        "folder",
    ),
    ("ख) SMS से / By SMS", "sms"),
]


def test_saved_answer_shows_the_options_words_not_codes_or_ids(tmp_path, monkeypatch):
    """Is the echo the chosen option's label (values stay what is saved and graded), with no question id?"""
    monkeypatch.chdir(tmp_path)
    answers.choice("q5_feedback_place", Q5)
    answers.shown["q5_feedback_place"].set("folder")
    echo = answers.shown["q5_feedback_place"]._echo_text()
    assert "After 'Fetch Feedback' in the Assignments tab" in echo and "दबाने पर" in echo
    assert "folder" not in echo.replace("Feedback", "") and "q5_" not in echo
    answers.choices("q4_submit_steps", [("क) Fetch करें / Fetch", "fetch"), ("घ) ईमेल / Email", "email")])
    answers.shown["q4_submit_steps"].set(["fetch", "email"])
    echo = answers.shown["q4_submit_steps"]._echo_text()
    assert "- क) Fetch करें / Fetch" in echo and "- घ) ईमेल / Email" in echo and "q4_" not in echo
    answers.number("q3_engagements", unit="engagements")
    answers.shown["q3_engagements"].set("६०")
    assert answers.shown["q3_engagements"]._echo_text().endswith(": 60 एंगेजमेंट / engagements")
    assert answers.load() == {
        "q5_feedback_place": "folder",
        "q4_submit_steps": ["fetch", "email"],
        "q3_engagements": 60.0,
    }


def test_typed_text_is_shown_as_text_not_markdown(tmp_path, monkeypatch):
    """A typed '# heading', *stars*, a link or HTML is echoed as typed, not rendered."""
    monkeypatch.chdir(tmp_path)
    answers.long_text("q7_post")
    answers.shown["q7_post"].set("# बड़ा\n- सूची\n<b>x</b> *y* [l](http://e.x)\n1. एक")
    echo = answers.shown["q7_post"]._echo_text()
    assert "> \\# बड़ा" in echo and "> \\- सूची" in echo and "\\<b\\>" in echo and "\\*y\\*" in echo
    assert "> 1\\. एक" in echo
    assert answers.load()["q7_post"].startswith("# बड़ा")


def test_long_text_is_saved_a_moment_after_the_last_key(tmp_path, monkeypatch):
    """In a kernel (a running event loop) typing is saved once, DEBOUNCE after the last key; the counter is live."""
    import asyncio

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(answers, "DEBOUNCE", 0.2)
    answers.long_text("q7_post")
    box = answers.shown["q7_post"]
    saved = []
    monkeypatch.setattr(box, "_store", lambda q, v: saved.append(v))

    async def type_slowly():
        for end in range(1, 6):
            box.widget.value = "नमस्ते"[:end]
            await asyncio.sleep(0.05)
        assert saved == [] and "characters: 5" in box.status.value and "saving" in box.status.value
        await asyncio.sleep(0.4)

    asyncio.run(type_slowly())
    assert saved == ["नमस्ते"[:5]], "one save, after the pause"
    assert "characters: 5" in box.status.value and "saved" in box.status.value


def test_pending_typing_is_saved_before_the_next_cell_runs(tmp_path, monkeypatch):
    import asyncio

    monkeypatch.chdir(tmp_path)
    answers.long_text("q7_post")
    box = answers.shown["q7_post"]

    async def type_then_run_a_cell():
        box.widget.value = "अभी लिखा"
        assert answers.load() == {} and "q7_post" in answers._pending
        answers.flush()  # what the pre_run_cell hook and the kernel's exit do

    asyncio.run(type_then_run_a_cell())
    assert answers.load() == {"q7_post": "अभी लिखा"} and not answers._pending


# -- a mistake in a cell: one Hindi/English line -----------------------------------------------------------
def test_a_failed_code_cell_says_the_widget_answer_still_counts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    error = NameError("name 'Shift' is not defined", name="Shift")
    line = friendly.message(error, "# optional\nanswer_q1 = Shift + Enter")
    assert "widget above, or fix the code" in line, "no widget answer yet: say how to answer"
    answers.save("q1_run_key", "A")
    line = friendly.message(error, "# optional\nanswer_q1 = Shift + Enter")
    assert line.startswith(
        "⚠️ इस सेल में ग़लती: 'Shift' नाम नहीं मिला — कोड वैकल्पिक है; ऊपर विजेट वाला उत्तर ही गिना जाएगा"
    )
    assert (
        "/ Mistake in this cell: name 'Shift' is not defined — code is optional; your widget answer above"
        in line
    )
    assert "\n" not in line


@pytest.mark.parametrize(
    "error, hindi, english",
    [
        (
            SyntaxError("unmatched ')'", ("<cell>", 2, 14, "answer_q1 = क) Shift")),
            "पंक्ति 2",
            "line 2 is not valid Python",
        ),
        (ZeroDivisionError("division by zero"), "शून्य से भाग", "division by zero"),
        (KeyError("likes"), "'likes' नहीं मिला", "'likes' was not found"),
        (CampError("फ़ाइल टूटी है।", "The file is broken."), "फ़ाइल टूटी है।", "The file is broken."),
        (RuntimeError("boom"), "Python ने ग़लती बताई (RuntimeError)", "RuntimeError: boom"),
        (KeyboardInterrupt(), "रोक दिया गया", "The cell was stopped"),
    ],
)
def test_every_mistake_is_one_line_in_both_languages(error, hindi, english):
    line = friendly.message(error, "x = 1")
    assert hindi in line and english in line and line.index(hindi) < line.index(" / ") < line.index(english)
    assert "\n" not in line and "Traceback" not in line


def test_a_checks_own_message_keeps_its_question_number():
    with pytest.raises(check.WrongAnswer) as info:
        check.equal("q6_many_times_threshold", "9", "5", hint_hi="फिर गिनें", hint_en="count again")
    line = friendly.message(info.value)
    assert "q6_" not in line and "\n" not in line and "फिर गिनें" in line and "count again" in line


# -- real kernels: the notebook a participant runs ---------------------------------------------------------
def _released(assignment: str):
    """The participant's version of an assignment, made by nbgrader's own preprocessors (as `camp release`)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, ComputeChecksums

    from camp import paths

    nb = nbformat.read(paths.assignments_source() / assignment / f"{assignment}.ipynb", as_version=4)
    resources: dict = {}
    for step in (ClearSolutions(code_stub={"python": ""}), ClearHiddenTests(), ComputeChecksums()):
        nb, resources = step.preprocess(nb, resources)
    return nb


def _cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _run(nb, folder):
    from camp.notebooks import ReliableClient

    client = ReliableClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    )
    return client.execute()


@pytest.mark.slow
def test_a_broken_code_cell_never_destroys_the_widget_answer(tmp_path):
    """Widget answer, then `answer_q1 = Shift + Enter`: the test cell records the widget's answer, and the
    broken cell shows one Hindi/English line, no traceback."""
    work = tmp_path / "work"
    nb = answer_with_widgets(
        _released("00-start-here"), {"q1_run_key": "A", "q2_cell_kind": "markdown"}, work
    )
    for grade_id, typed in [
        ("q1_run_key_code", "answer_q1 = Shift + Enter"),
        ("q2_cell_kind_code", "answer_q2 = ख) मार्कडाउन"),
    ]:  # the second is not even Python
        cell = _cell(nb, grade_id)
        assert typed.split(" = ")[0] + " = None" in cell.source
        cell.source = cell.source.replace(typed.split(" = ")[0] + " = None", typed)  # "replace None", as told
    nb = _run(nb, work)
    for qid, value in [("q1_run_key", "A"), ("q2_cell_kind", "markdown")]:
        records = [
            o.data[check.ANSWER_MIME]
            for o in _cell(nb, f"{qid}_test").outputs
            if check.ANSWER_MIME in o.get("data", {})
        ]
        assert records == [{"qid": qid, "value": value}], "the graded answer is the widget's"
        errors = [o for o in _cell(nb, f"{qid}_code").outputs if o.output_type == "error"]
        assert len(errors) == 1 and len(errors[0].traceback) == 1, errors
        line = errors[0].traceback[0]
        assert "Traceback" not in line and "\n" not in line and ".py" not in line
        assert "ऊपर विजेट वाला उत्तर ही गिना जाएगा" in line and "your widget answer above still counts" in line
    assert "'Shift' नाम नहीं मिला" in _cell(nb, "q1_run_key_code").outputs[0].traceback[0]
    shown = "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "")
        for o in _cell(nb, "q1_run_key_test").outputs
    )
    assert "प्रश्न 1 ✔" in shown and "q1_run_key" not in shown


@pytest.mark.slow
def test_validate_lists_each_unanswered_question_in_one_line(tmp_path):
    """nbgrader's own Validate on an untouched notebook: one bilingual line per question, no traceback."""
    from nbgrader.validator import Validator

    path = tmp_path / "00-start-here.ipynb"
    nbformat.write(_released("00-start-here"), path)
    failed = Validator().validate(str(path))["failed"]
    errors = [f["raw_error"] for f in failed if "check.answered" in f["source"]]
    assert len(errors) == 6, failed
    for n, error in enumerate(errors, start=1):
        assert (
            error.startswith(f"प्रश्न {n} ⏳ अभी उत्तर नहीं दिया")
            and f"Question {n} ⏳ not answered yet" in error
        )
        assert (
            "\n" not in error.strip()
            and "Traceback" not in error
            and "line " not in error
            and "_" not in error
        )


def test_answer_boxes_share_their_default_layouts_and_styles(tmp_path, monkeypatch):
    """After the first box, each answer box sends only its own models (4–6), not a fresh layout and style per
    widget (13–20 before sharing): fewer messages per cell when grading, a lighter notebook in the Lab."""
    import ipywidgets as w

    monkeypatch.chdir(tmp_path)

    def models_made(make) -> int:
        before = set(w.widgets.Widget._active_widgets)
        make()
        return len(set(w.widgets.Widget._active_widgets) - before)

    makers = {
        "choice": lambda: answers.choice("q1", [["क) एक / one", "a"], ["ख) दो / two", "b"]]),
        "choices": lambda: answers.choices("q2", [["a", "a"], ["b", "b"], ["c", "c"]]),
        "number": lambda: answers.number("q3", unit="₹"),
        "long_text": lambda: answers.long_text("q4"),
    }
    for make in makers.values():
        make()  # the first box of the kernel makes the shared ones
    counts = {kind: models_made(make) for kind, make in makers.items()}
    assert counts == {"choice": 4, "choices": 7, "number": 6, "long_text": 5}, counts
