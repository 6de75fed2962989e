"""Lessons: each executes offline top to bottom in Hindi and English, the twins match, its widget plumbing and
quiz answers live in `camp`, and it is complete only once its quiz is answered."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from camp.notebooks import ReliableClient
from grader import lessons

REPO = Path(__file__).resolve().parents[1]
SOURCES = lessons.lesson_sources()
HINDI = [p for p in SOURCES if p.name.endswith(".hi.md")]
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\([^)]*\)")


def _id(path: Path) -> str:
    return path.name.removesuffix(".md")


def test_every_module_has_a_hindi_lesson_and_an_english_twin():
    """Is there a Hindi source and an English twin for each module folder?"""
    folders = sorted(p for p in (REPO / "modules").iterdir() if p.is_dir())
    assert folders
    for folder in folders:
        assert (folder / f"{folder.name}.hi.md").exists(), folder
        assert (folder / f"{folder.name}.en.md").exists(), folder


@pytest.mark.slow
@pytest.mark.parametrize("source", SOURCES, ids=_id)
def test_lesson_executes_offline_and_is_complete_only_once_its_quiz_is_answered(
    source, fresh_home, monkeypatch
):
    """Does the lesson run top to bottom offline, leave the lesson "opened" (not "complete")
    after Run All, stay "opened" with one quiz question left, and become "complete" once the quiz's own
    widgets are answered?"""
    from camp import progress, quiz

    _no_ai_settings(monkeypatch, fresh_home)
    nb = lessons.read_lesson(source)
    lesson = lessons.front_matter(source)["lesson"]
    asked = quiz.questions(lesson)
    assert asked, "the lesson has a self-check quiz"
    client = ReliableClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(fresh_home)}}
    )
    client.reset_execution_trackers()
    with client.setup_kernel():
        for index, cell in enumerate(
            nb.cells
        ):  # its time (< 60 s is the goal) is measured by `make bench-lessons`
            client.execute_cell(cell, index)
        client.set_widgets_metadata()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors
        assert not _widget_errors(nb), "no traceback inside a widget either"
        images = [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
            if "image/png" in o.get("data", {})
        ]
        assert images, "at least one chart"
        assert progress.lesson_status(lesson)["status"] == "opened", (
            "Run All alone does not complete a lesson"
        )
        assert "📝" in _outputs(nb), "the last cell says the quiz is still to do"

        _answer_in_kernel(client, nb, {q.id: q.correct for q in asked[:-1]})
        state = progress.lesson_status(lesson)
        assert (state["status"], state["quiz_answered"]) == ("opened", len(asked) - 1), (
            "one question still open"
        )

        last = asked[-1]
        shown = _answer_in_kernel(client, nb, {last.id: last.correct})
        assert progress.lesson_status(lesson)["status"] == "complete"
        assert "✅" in shown and "Correct" in shown, "instant bilingual feedback on the right answer"
    assert progress.summary()["quiz"] == {"answered": len(asked), "correct": len(asked)}
    assert "| " + lesson + " | ✅ | " + f"{len(asked)} / {len(asked)}" + " | ✅ |" in progress.report()


def _widget_errors(nb) -> list:
    """Errors raised inside widgets (interact callbacks), kept in the notebook's saved widget state."""
    state = (
        nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    )
    outputs = [o for m in state.values() for o in m.get("state", {}).get("outputs", [])]
    return [o for o in outputs if o.get("output_type") == "error"]


def _answer_in_kernel(client, nb, given: dict) -> str:
    """Answer quiz questions in the running kernel through their widgets (as a click or typing would);
    returns the feedback lines the widgets then show."""
    import json

    from nbformat.v4 import new_code_cell

    driver = new_code_cell(
        "from camp import answers as _a\n"
        f"for _q, _v in {json.dumps(given, ensure_ascii=False)}.items():\n"
        "    _a.shown[_q].set(_v)\n"
        "    print(_a.shown[_q].status.value)\n"
    )
    nb.cells.append(driver)
    try:
        client.execute_cell(driver, len(nb.cells) - 1)
    finally:
        nb.cells.remove(driver)
    assert not [o for o in driver.outputs if o.output_type == "error"], driver.outputs
    return "".join(o.get("text", "") for o in driver.outputs)


def _no_ai_settings(monkeypatch, home: Path) -> None:
    """No AI provider anywhere: not in the environment, not in the developer's own config file."""
    from camp import aiconfig

    for name in [*aiconfig.ENV.values(), "GEMINI_API_KEY", "GROQ_API_KEY"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CAMP_AI_CONFIG", str(home / "no-ai.json"))


AI_LESSONS = [p for p in SOURCES if "ai.chat(" in p.read_text(encoding="utf-8")]


def _outputs(nb) -> str:
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


@pytest.mark.slow
@pytest.mark.parametrize("source", AI_LESSONS, ids=_id)
def test_ai_lesson_explains_how_to_connect_when_no_provider_is_set(source, fresh_home, monkeypatch):
    """With no provider, the AI cell says in Hindi and English how to connect, and the lesson completes."""
    _no_ai_settings(monkeypatch, fresh_home)
    nb = lessons.read_lesson(source)
    ReliableClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(fresh_home)}}
    ).execute()
    text = _outputs(nb)
    warning = [line for line in text.splitlines() if line.startswith("⚠️")]
    assert len(warning) >= 2 and DEVANAGARI.search(warning[0]) and "OPENAI" in text.upper()
    assert "AI-made draft" not in text


@pytest.mark.slow
@pytest.mark.parametrize("source", AI_LESSONS, ids=_id)
def test_ai_lesson_runs_against_an_openai_compatible_server(source, fresh_home, monkeypatch):
    """Against a real OpenAI-compatible server on loopback, the lesson shows the model's reply, labelled."""
    from fakeai import FakeAI

    _no_ai_settings(monkeypatch, fresh_home)
    with FakeAI() as server:
        server.reply = "१. साफ़ गली, ख़ुश मोहल्ला! (fake model)"
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-lesson-key-0123456789abcdef")
        monkeypatch.setenv("CAMP_AI_MODEL", "fake-model")
        nb = lessons.read_lesson(source)
        client = ReliableClient(
            nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(fresh_home)}}
        )
        client.execute()
        assert server.requests, "the lesson asked the model"
    text = _outputs(nb)
    assert server.reply in text and "AI-made draft" in text
    assert "sk-test-lesson-key" not in text, "the key never shows in the notebook"


@pytest.mark.parametrize("hindi", HINDI, ids=_id)
def test_english_twin_has_the_same_cells_and_identical_code(hindi):
    """Same number and kinds of cells, identical code, no empty markdown, Hindi in one and English in the other."""
    hi = lessons.read_lesson(hindi)
    en = lessons.read_lesson(lessons.twin_of(hindi))
    assert [c.cell_type for c in hi.cells] == [c.cell_type for c in en.cells]
    for n, (a, b) in enumerate(zip(hi.cells, en.cells)):
        if a.cell_type == "code":
            assert a.source == b.source, f"code cell {n} differs"
        else:
            assert a.source.strip() and b.source.strip(), f"markdown cell {n} is empty"
            prose_hi = re.sub(r"`[^`]*`|\|[^|\n]*\||https?://\S+", "", a.source)
            assert DEVANAGARI.search(prose_hi), f"Hindi cell {n} has no Hindi"
            hi_chars = len(DEVANAGARI.findall(b.source))
            assert hi_chars < 0.5 * len(b.source), f"English cell {n} looks untranslated"
    assert "lesson_opened" in hi.cells[1].source or any("lesson_opened" in c.source for c in hi.cells[:3])
    assert "lesson_end" in [c for c in hi.cells if c.cell_type == "code"][-1].source
    last = hi.cells[-1].source.lower()
    assert "स्रोत" in last and "http" in last, "the last cell lists the sources"


@pytest.mark.parametrize("hindi", HINDI, ids=_id)
def test_english_twin_names_its_source_and_is_not_stale(hindi):
    """Does the twin's front matter carry the current Hindi source's hash (run `rehash` after review)?"""
    meta = lessons.front_matter(lessons.twin_of(hindi))
    assert meta.get("source") == hindi.name
    assert meta.get("source_sha256") == lessons._digest(hindi), "stale English twin: review it, then rehash"


def test_lesson_copies_keep_participant_edits(fresh_home):
    """A participant's edited copy is kept when the course is rebuilt; an untouched one is refreshed."""
    written = lessons.build_lessons()
    assert written and all(p.suffix == ".ipynb" for p in written)
    edited, untouched = written[0], written[1]
    edited.write_text(edited.read_text(encoding="utf-8").replace("Start here", "My notes"), encoding="utf-8")
    manifest = fresh_home / "lessons" / ".manifest.json"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r'"source": "[0-9a-f]+"', '"source": "old"', text), encoding="utf-8")
    rebuilt = lessons.build_lessons()
    assert untouched in rebuilt and edited not in rebuilt
    assert "My notes" in edited.read_text(encoding="utf-8")


# -- quiz answers are not in the lessons; short cells; a lesson is complete when its quiz is --------------------

#: Cells longer than MAX_LINES must carry this tag: code the lesson teaches on purpose (a pandas step, say).
TEACHING = "teaching-code"
MAX_LINES = 8
MAX_TEACHING_LINES = 15
#: A widget's comment fits in a notebook's code cell without scrolling sideways (both languages in view).
MAX_COMMENT = 90
#: Names that would put a right answer beside a question, whatever the call.
ANSWER_WORDS = {"correct", "answer", "answers", "solution"}
WIDGET_CALL = re.compile(r"^(lesson\d\d\.\w+|quiz\.show)\(")


def _lesson_of(source: Path) -> str:
    return lessons.front_matter(source)["lesson"]


def _code_cells(nb) -> list[tuple[int, object]]:
    return [(n, c) for n, c in enumerate(nb.cells) if c.cell_type == "code"]


def _right_answers(q) -> list:
    """A question's right answer in every form a lesson could show it: the value(s) and the option label(s)."""
    values = q.correct if isinstance(q.correct, list) else [q.correct]
    return values + [label for label, value in q.options if value in values]


def test_quiz_bank_holds_a_well_formed_bilingual_quiz_for_every_lesson():
    """Does every lesson have a quiz in camp/data/quizzes.json whose right answers are among its options,
    with a bilingual question and an explanation in each language?"""
    from camp import quiz

    for source in HINDI:
        asked = quiz.questions(_lesson_of(source))
        assert len(asked) >= 2, source.name
        for q in asked:
            assert q.id.startswith(f"m{_lesson_of(source)}_") and quiz.lesson_of(q.id) == _lesson_of(source)
            assert DEVANAGARI.search(q.label) and re.search("[A-Za-z]", q.label.split(" / ")[-1]), q.id
            assert DEVANAGARI.search(q.explain_hi) and not DEVANAGARI.search(q.explain_en), q.id
            values = [v for _, v in q.options]
            right = q.correct if isinstance(q.correct, list) else [q.correct]
            assert not values or set(right) <= set(values), f"{q.id}: the right answer is not an option"
            assert quiz.is_right(q, q.correct)
            assert not values or not quiz.is_right(q, next(v for v in values if v not in right))
    ids = [q.id for items in quiz.bank().values() for q in items]
    assert len(ids) == len(set(ids))


def _numbers(text: str) -> list[str]:
    """The numbers a text states (Devanagari digits read as ASCII, "2,000" as "2000"), links left out."""
    text = re.sub(r"https?://\S+", "", text).translate(str.maketrans("०१२३४५६७८९", "0123456789"))
    text = re.sub(r"\b(a|per|one) million\b", "1000000", text)
    text = re.sub(
        r"(\d+)\s*(लाख|lakh|million|करोड़|crore)",
        lambda m: str(int(m[1]) * {"लाख": 10**5, "lakh": 10**5, "million": 10**6}.get(m[2], 10**7)),
        text,
    )
    return sorted(n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text))


def _twin_problems(hi: str, en: str, where: str) -> list[str]:
    """How a Hindi text and its English twin disagree: a missing language, different numbers, or an option
    letter ((ख), (b)) that names no lettered option."""
    problems = []
    english_prose = QUOTED.sub("", en)  # Hindi quoted in English ("रक्तदान, महादान") is fine
    if not DEVANAGARI.search(hi) or not re.search("[A-Za-z]{2}", en) or DEVANAGARI.search(english_prose):
        problems.append(f"{where}: not Hindi / English")
    if _numbers(hi) != _numbers(en):
        problems.append(f"{where}: numbers differ: {_numbers(hi)} / {_numbers(en)}")
    if re.search(r"\((?:क|ख|ग|घ|ङ)\)|\((?:a|b|c|d|e)\)", hi + " " + en):
        problems.append(f"{where}: cites an option by a letter the options do not show")
    return problems


def test_quiz_texts_are_twins():
    """Does every quiz explanation say the same in Hindi and English (same numbers), without citing option
    letters the participant never sees, and is every option bilingual or language-free (#tags, numbers)?"""
    from camp import quiz

    problems = []
    for items in quiz.bank().values():
        for q in items:
            problems += _twin_problems(q.explain_hi, q.explain_en, q.id)
            label_hi, _, label_en = q.label.partition(" / ")
            problems += [p for p in _twin_problems(label_hi, label_en, f"{q.id} label") if "letter" not in p]
            for text, _value in q.options:
                if DEVANAGARI.search(text) and " / " not in text and not text.startswith("#"):
                    problems.append(f"{q.id}: option {text!r} has no English")
    assert problems == []


def test_rubrics_are_twins():
    """Does every rubric criterion of every assignment ask the same in Hindi and English (both present, same
    numbers), so a participant reading either gets the same demand?"""
    problems = []
    for path in sorted((REPO / "assignments").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            rubric = cell["metadata"].get("camp", {}).get("rubric")
            for c in (rubric or {}).get("criteria", []):
                hi, en = c.get("hi", ""), c.get("en", "")
                problems += [
                    p for p in _twin_problems(hi, en, f"{path.stem} {c.get('id')}") if "letter" not in p
                ]
    assert problems == []


def _level_problems(criterion: dict, where: str) -> list[str]:
    """How a rubric criterion fails to describe each of its levels, from its points down to 0, in both
    languages: "… (स्तर / levels: 2 = … · 1 = … · 0 = …)" and "… (levels: 2 = … · 1 = … · 0 = …)"."""
    problems = []
    want = list(range(int(criterion.get("points", 0)), -1, -1))
    for key, tag in (("hi", "(स्तर / levels: "), ("en", "(levels: ")):
        text = criterion.get(key, "")
        head, found, levels = text.partition(tag)
        if not found or not head.strip() or not levels.endswith(")"):
            problems.append(f"{where} {key}: no '{tag}…)' after the demand")
            continue
        parts = [re.match(r"(\d+) = (\S.*)", part.strip()) for part in levels[:-1].split(" · ")]
        if not all(parts) or [int(p[1]) for p in parts] != want:
            problems.append(f"{where} {key}: levels are not {want}, each with a description")
    return problems


def test_every_rubric_criterion_describes_each_of_its_levels():
    """Does every criterion of every rubric name one demand and then describe each level a trainer can give,
    from its points down to 0, in Hindi and in English?"""
    problems = []
    for path in sorted((REPO / "assignments").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            rubric = cell["metadata"].get("camp", {}).get("rubric")
            for c in (rubric or {}).get("criteria", []):
                problems += _level_problems(c, f"{path.stem} {c.get('id')}")
    assert problems == []
    good = {"points": 2, "hi": "माँग (स्तर / levels: 2 = पूरा · 1 = आधा · 0 = नहीं)",
            "en": "Demand (levels: 2 = all · 1 = half · 0 = none)"}  # fmt: skip
    assert _level_problems(good, "c") == []
    assert len(_level_problems({**good, "points": 3}, "c")) == 2, "a level without a description"
    assert _level_problems({**good, "en": "Demand, all or none"}, "c") == [
        "c en: no '(levels: …)' after the demand"
    ]


def test_the_twin_checks_fail_on_a_diverging_pair():
    """Would a quiz explanation citing "(ख)", an English rubric line with another number, or a Hindi-only
    criterion be caught?"""
    assert _twin_problems("(ख) में संख्या 50 है।", "(b) has the number 50.", "q")[0].endswith("do not show")
    assert "numbers differ" in _twin_problems("शाम 6 से 11 बजे", "evening 18–23", "c")[0]
    assert "not Hindi / English" in _twin_problems("नाम से संबोधन", "नाम से संबोधन", "c")[0]
    assert _twin_problems("शाम 6 से 11 बजे (2,000 लोग)", "evening 6–11 p.m. (2000 people)", "c") == []


@pytest.mark.parametrize("source", SOURCES, ids=_id)
def test_no_lesson_source_shows_a_quiz_answer(source, fresh_home):
    """Can a participant read a quiz's right answer in the lesson or its notebook? The right answers come
    from the quiz data (camp.quiz): no code cell names one (`correct=`), passes one to the quiz, or defines a
    quiz question; the explanations that give an answer away are not in the lesson; neither is anything
    in the notebook's metadata."""
    from camp import quiz

    asked = quiz.questions(_lesson_of(source))
    text = source.read_text(encoding="utf-8")
    nb = lessons.read_lesson(source)
    for n, cell in _code_cells(nb):
        tree = ast.parse(cell.source)
        named = {k.arg for k in ast.walk(tree) if isinstance(k, ast.keyword)} & ANSWER_WORDS
        assert not named, f"code cell {n} names a right answer: {named}"
        if "quiz." in cell.source:
            shown = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
            for q in asked:
                assert not [a for a in _right_answers(q) if a in shown], (
                    f"code cell {n} passes {q.id}'s answer"
                )
        for q in asked:
            assert q.label not in cell.source, f"code cell {n} defines the quiz question {q.id}"
    for q in asked:
        assert q.explain_hi not in text and q.explain_en not in text, f"{q.id}'s explanation is in the lesson"
    assert not ANSWER_WORDS & set(re.findall(r"\w+", json.dumps(nb.metadata)))


@pytest.mark.parametrize("source", SOURCES, ids=_id)
def test_code_cells_are_short_one_call_per_widget_with_a_bilingual_comment(source):
    """Is every code cell at most 8 lines (unless tagged teaching-code, then explained by the text before it
    and still short)? Is each widget one call under a one-line Hindi/English comment, with no widget
    plumbing (ipywidgets, observers) in the lesson, and at least three widgets?"""
    nb = lessons.read_lesson(source)
    widgets = 0
    for n, cell in _code_cells(nb):
        lines = cell.source.strip().splitlines()
        if TEACHING in cell.metadata.get("tags", []):
            assert len(lines) <= MAX_TEACHING_LINES, f"teaching cell {n} is {len(lines)} lines long"
            assert nb.cells[n - 1].cell_type == "markdown", f"teaching cell {n} has no explanation before it"
        else:
            assert len(lines) <= MAX_LINES, (
                f"code cell {n} is {len(lines)} lines long: move its plumbing into camp, or tag it {TEACHING}"
            )
        assert not re.search(r"ipywidgets|\.observe\(|\binteract|on_click", cell.source), (
            f"widget plumbing in cell {n}"
        )
        calls = [line for line in lines if WIDGET_CALL.match(line)]
        if calls:
            widgets += sum(_is_interactive(call) for call in calls)
            comment = lines[0]
            assert comment.startswith("# ") and " / " in comment, (
                f"cell {n}: no one-line comment above the widget"
            )
            assert len(comment) <= MAX_COMMENT, (
                f"cell {n}: the comment runs off the screen; say it in fewer words"
            )
            hi, en = comment.split(" / ", 1)
            latin = len(re.findall("[A-Za-z]", en))
            assert DEVANAGARI.search(hi) and latin > 2 * len(DEVANAGARI.findall(en)), (
                f"cell {n}: Hindi / English"
            )
            assert len(calls) == 1 and lines[-1] in calls, f"cell {n}: one widget call, last in its cell"
    assert widgets >= 3, f"only {widgets} interactive widgets"


def _is_interactive(call: str) -> bool:
    """Whether a lesson's call shows a widget one can use (the quiz, or a camp.lessons function that builds a
    panel), rather than a still chart."""
    import importlib
    import inspect

    name = call.split("(", 1)[0]
    if name == "quiz.show":
        return True
    module, function = name.split(".")
    return "panel(" in inspect.getsource(getattr(importlib.import_module(f"camp.lessons.{module}"), function))


def test_a_lesson_is_opened_until_every_quiz_question_is_answered(fresh_home):
    """In one process: running a lesson's first and last cells leaves it "opened"; answering all but one quiz
    question through the quiz's widgets keeps it "opened"; the last answer (even a wrong one) completes it,
    and `camp progress` shows it."""
    from camp import answers, progress, quiz

    progress.lesson_opened("00")
    progress.lesson_end("00")
    asked = quiz.questions("00")
    quiz.show("00")
    assert progress.lesson_status("00")["status"] == "opened"
    for q in asked[:-1]:
        answers.shown[q.id].set(q.correct)
    assert progress.lesson_status("00") | {"opened": None} == {
        "status": "opened",
        "opened": None,
        "completed": None,
        "quiz_answered": len(asked) - 1,
        "quiz_total": len(asked),
    }
    assert "| 00 | ✅ | 1 / 2 | — |" in progress.report()
    answers.shown[asked[-1].id].set(999)  # a wrong answer still completes the quiz
    assert "Not quite" in answers.shown[asked[-1].id].status.value
    state = progress.lesson_status("00")
    assert state["status"] == "complete" and state["completed"]
    assert "| 00 | ✅ | 2 / 2 | ✅ |" in progress.report()
    assert progress.summary()["quiz"] == {"answered": 2, "correct": 1}


#: Each chart of lessons 06–10, as the lesson draws it: (lesson module, function, keyword arguments).
CHARTS_06_10 = [
    ("lesson06", "claims_chart", {}),
    ("lesson07", "token_chart", {}),
    ("lesson08", "silence_chart", {}),
    ("lesson09", "tour_map", {"show": False}),
    ("lesson09", "issues_chart", {"show": False}),
    ("lesson10", "plan_chart", {}),
]


@pytest.mark.parametrize(("module", "function", "kwargs"), CHARTS_06_10, ids=[c[1] for c in CHARTS_06_10])
def test_charts_of_lessons_06_to_10_carry_hindi_labels_drawn_with_a_devanagari_font(
    module, function, kwargs, fresh_home, monkeypatch
):
    """Is each chart's title in Hindi, is every axis label and legend entry it sets Hindi too (English may stand
    beside it), and does drawing it miss no glyph (the Devanagari font is really used)?"""
    import importlib
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(fresh_home)
    plt.close("all")
    getattr(importlib.import_module(f"camp.lessons.{module}"), function)(**kwargs)
    figures = [plt.figure(n) for n in plt.get_fignums()]
    assert len(figures) == 1
    ax = figures[0].axes[0]
    labels = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    legend = ax.get_legend()
    labels += [t.get_text() for t in legend.get_texts()] if legend else []
    assert DEVANAGARI.search(ax.get_title()), ax.get_title()
    for label in [text for text in labels if re.search(r"[A-Za-z\u0900-\u097F]{3}", text)]:
        assert DEVANAGARI.search(label), f"{function}: {label!r} has no Hindi"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures[0].canvas.draw()
    assert not [w for w in caught if "missing from font" in str(w.message)], [str(w.message) for w in caught]
    plt.close("all")


def test_readme_course_table_and_camp_progress_list_modules_00_to_10(fresh_home):
    """Does the README's course table have one row per module 00–10, in order, matching the modules folder, and
    does `camp progress` (a fresh participant) list every lesson 00–10 as not started?"""
    from camp import progress

    modules = [p.name[:2] for p in sorted((REPO / "modules").iterdir()) if p.is_dir()]
    assert modules == [f"{n:02d}" for n in range(11)]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What is in the course", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d\d) ", section, flags=re.M)
    assert rows == modules
    lessons_listed = progress.summary()["lessons"]
    assert list(lessons_listed) == modules
    assert all(entry["status"] == "not_started" for entry in lessons_listed.values())
    report = progress.report()
    assert all(f"| {m} | — | 0 / " in report for m in modules)
