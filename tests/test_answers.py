"""The answer store, the check helpers and the quiz, unit by unit."""

from __future__ import annotations

import json

import pytest

from camp import answers, check, progress, quiz
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


@pytest.mark.parametrize("content", ["{broken", "[]", '{"format": 1, "answers": []}', '{"format": 7, "answers": {}}'])
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
    check.answered("q1", None)
    assert "not answered yet" in capsys.readouterr().out
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(check.WrongAnswer):
        check.answered("q1", None)


def test_quiz_gives_instant_feedback_and_records_progress(fresh_home):
    quiz.question("m00_q1", label="?", options=[("a", "a"), ("b", "b")], correct="a", explain_hi="क्योंकि", explain_en="because")
    box = answers.shown["m00_q1"]
    box.set("b")
    assert "Not quite" in box.status.value
    box.set("a")
    assert "Correct" in box.status.value and "सही" in box.status.value
    assert progress.summary()["quiz"] == {"answered": 1, "correct": 1}
    quiz.question("m00_q1", label="?", options=[("a", "a"), ("b", "b")], correct="a", explain_hi="क", explain_en="b")
    assert answers.shown["m00_q1"].widget.value == "a", "the quiz answer is shown back after a reload"


@pytest.mark.parametrize("text", ["line1\rimport os", "a\u2028b", "x\x00y", "ok\r\n\"\"\"\nprint(1)"])
def test_long_text_answers_become_comments_that_cannot_run(text):
    """A participant's text put into a graded cell cannot escape the comment and run as code."""
    source = as_comment(text)
    compiled = compile(source, "<answer>", "exec")
    assert compiled.co_names == () and all(line.startswith("# ") for line in source.split("\n"))
