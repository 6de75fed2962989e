"""Answer widgets as a participant sees them in JupyterLab (real Chromium): options readable, answers echoed.

Measured with bounding boxes: every radio option (button and text) stays out of the other options' boxes
and its button sits beside its first line; no tick-box label is cut; a click shows the option's own words
as the saved answer and turns the question's line from ⏳ to ✔; typed long text is saved without a button.
Lesson 05's SIFT walk-through (its own radio buttons, one group per SIFT move) and every other option list of
that lesson are measured the same way. (The loop test, tests/test_loop_browser.py, measures assignments 00 and 05
with the same checks.)
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, camp_lab

from camp import participant, verify

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]' (make test does it)"
)
expect = sync_api.expect

TOKEN = "camp-layout-token"
ASSIGNMENT = "00-start-here"
NOTEBOOK = f"my-work/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
LESSON = "lessons/05-misinformation/05-misinformation.hi.ipynb"

# Every radio option's box (its label, its text and its button together) against the other options' boxes,
# and its button beside the text's first line. Returns the problems found, in words.
OVERLAPS = """root => {
  const problems = [];
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const union = rs => ({left: Math.min(...rs.map(r => r.left)), right: Math.max(...rs.map(r => r.right)),
                        top: Math.min(...rs.map(r => r.top)), bottom: Math.max(...rs.map(r => r.bottom))});
  for (const group of root.querySelectorAll('.widget-radio-box')) {
    const options = [...group.querySelectorAll(':scope > label')].map(label => {
      const button = label.querySelector('input[type=radio]').getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(label);
      range.setEndBefore(label.querySelector('input'));
      const text = range.getBoundingClientRect();
      const lineHeight = parseFloat(getComputedStyle(label).lineHeight) || 20;
      return {name: label.textContent.slice(0, 30), button, text,
              box: union([label.getBoundingClientRect(), text, button]), lineHeight};
    });
    options.forEach((a, i) => {
      if (a.button.width < 4 || a.button.height < 4) problems.push(`button hidden: ${a.name}`);
      if (hit(a.button, a.text)) problems.push(`button under its own text: ${a.name}`);
      const middle = (a.button.top + a.button.bottom) / 2;
      if (middle < a.text.top || middle > a.text.top + a.lineHeight) problems.push(`button not beside: ${a.name}`);
      options.forEach((b, j) => { if (i < j && hit(a.box, b.box)) problems.push(`${a.name} overlaps ${b.name}`); });
    });
  }
  return problems;
}"""

# Tick-box labels cut short (scrollWidth beyond what is shown).
TRUNCATED = """root => [...root.querySelectorAll('.widget-checkbox label, .widget-checkbox label span')]
  .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent.slice(0, 40))"""

CSS_OFF = "on => document.querySelectorAll('style.camp-answer-style').forEach(s => { s.disabled = on; })"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """JupyterLab as `camp lab` starts it, on a camp folder where the participant has fetched assignment 00."""
    with camp_lab(
        tmp_path_factory,
        "layout",
        TOKEN,
        [ASSIGNMENT],
        prepare=lambda home: participant.fetch_assignment(assignment=ASSIGNMENT),
    ) as (base, home, _):
        yield base, home


@pytest.fixture
def page(server, tmp_path):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def _cell(page, code: str):
    return page.locator(".jp-NotebookPanel .jp-CodeCell").filter(has_text=code)


def _run_all(page, base: str, notebook: str = NOTEBOOK) -> None:
    """Open the notebook, wait for its kernel, Run → Run All Cells, wait until every code cell has run."""
    # `reset`: a fresh workspace, so the notebook an earlier test opened is not restored beside this one (its unrun
    # cells once kept this wait going until it timed out).
    page.goto(f"{base}/lab/tree/{notebook}?reset&token={TOKEN}")
    idle = page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle$"))
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    expect(idle.or_(dialog)).to_be_visible(timeout=60_000)
    if dialog.is_visible():
        dialog.click()
    expect(idle).to_be_visible(timeout=60_000)
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
    # Wait until every code cell has run; a cell that fails or a dialog ends the wait at once, with what it shows.
    seen = []
    deadline = time.monotonic() + 300
    while True:
        state = page.evaluate(RUN_STATE)
        if state["unrun"] == 0:
            break
        if state["errors"]:
            raise AssertionError(f"a cell failed during Run All: {state['errors'][:2]}")
        if state["dialog"]:
            raise AssertionError(f"a dialog came up during Run All: {state['dialog']!r}")
        seen.append(f"{state['unrun']} of {state['total']} left, {state['running']} running")
        if time.monotonic() > deadline:
            raise AssertionError("Run All did not finish in 300 s: " + "; ".join(seen[-5:]))
        page.wait_for_timeout(1000)
    expect(idle).to_be_visible(timeout=60_000)


#: Where Run All is: code cells not yet run, cells running or queued ([*]), error outputs, an open dialog's text.
RUN_STATE = """() => {
    const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')];
    const texts = prompts.map(p => p.textContent.trim());
    return {
        total: texts.length,
        unrun: texts.length === 0 ? 1 : texts.filter(t => !/\\[\\d+\\]/.test(t)).length,
        running: texts.filter(t => t.includes('*')).length,
        errors: [...document.querySelectorAll('.jp-NotebookPanel [data-mime-type="application/vnd.jupyter.error"]')]
            .map(e => e.textContent.slice(0, 300)),
        dialog: (document.querySelector('.jp-Dialog') || {}).textContent || '',
    };
}"""


def _measure(page, script: str, cells) -> list[str]:
    found = []
    for cell in cells:
        cell.scroll_into_view_if_needed()
        found += cell.evaluate(script)
    return found


def _saved(folder: Path) -> dict:
    path = folder / "answers.json"
    return json.loads(path.read_text(encoding="utf-8"))["answers"] if path.exists() else {}


def test_options_wrap_answers_echo_and_status_lines_follow(server, page, tmp_path):
    """Do long options wrap beside their buttons, labels show whole, and answers show in the option's words?"""
    base, home = server
    work = home / "my-work" / ASSIGNMENT
    radios = [
        _cell(page, f'answers.choice("{q}"') for q in ("q1_run_key", "q2_cell_kind", "q5_feedback_place")
    ]
    ticks = _cell(page, 'answers.choices("q4_submit_steps"')
    try:
        _run_all(page, base)
        expect(radios[2].locator(".widget-radio-box input[type=radio]")).to_have_count(3)
        assert _measure(page, OVERLAPS, radios) == []
        assert _measure(page, TRUNCATED, [ticks]) == []

        # The same measurements catch the overlap and the cut labels once this project's CSS is off.
        # (a narrow window, as on a small laptop: the longest options no longer fit on one line)
        page.set_viewport_size({"width": 640, "height": 900})
        page.wait_for_timeout(200)
        assert _measure(page, OVERLAPS, radios) == [], (
            "with the camp's CSS, long options wrap in a narrow window"
        )
        page.evaluate(CSS_OFF, True)
        page.wait_for_timeout(200)
        assert any("overlaps" in p for p in _measure(page, OVERLAPS, radios)), "the overlap check can fail"
        assert _measure(page, TRUNCATED, [ticks]), "the truncation check can fail"
        page.evaluate(CSS_OFF, False)
        page.set_viewport_size({"width": 1200, "height": 900})
        page.wait_for_timeout(200)
        assert _measure(page, OVERLAPS, radios) == []

        # A click: the saved answer is the option's own text (no code, no question id); the line turns ✔.
        q2, q2_test = radios[1], _cell(page, "check.answered('q2_cell_kind'")
        expect(q2_test.locator(".jp-OutputArea")).to_contain_text("प्रश्न 2 ⏳")
        q2.get_by_role("radio", name="ख) मार्कडाउन सेल / Markdown cell").check()
        echo = q2.locator(".jp-OutputArea")
        expect(echo).to_contain_text("सहेजा गया उत्तर / Saved answer: ख) मार्कडाउन सेल / Markdown cell")
        expect(echo).not_to_contain_text("q2_cell_kind")
        expect(q2_test.locator(".jp-OutputArea")).to_contain_text("प्रश्न 2 ✔")
        expect(q2_test.locator(".jp-OutputArea")).to_contain_text("Question 2 ✔")
        expect(q2_test.locator(".jp-OutputArea")).not_to_contain_text("⏳")
        assert _saved(work)["q2_cell_kind"]["value"] == "markdown", "the value, not the label, is graded"

        ticks.get_by_role(
            "checkbox", name="क) मेरे असाइनमेंट पैनल में लें (Fetch) / Fetch in the My assignments panel"
        ).check()
        expect(ticks.locator(".jp-OutputArea")).to_contain_text(
            "क) मेरे असाइनमेंट पैनल में लें (Fetch) / Fetch in the"
        )
        q3 = _cell(page, 'answers.number("q3_engagements"')
        q3.locator(".widget-text input").fill("60")
        q3.locator(".widget-text input").press("Enter")
        expect(q3.locator(".jp-OutputArea")).to_contain_text("Saved answer: 60 एंगेजमेंट / engagements")

        # Typing in the long-text box saves it a moment after the last key, without the button.
        q7 = _cell(page, "answers.long_text('q7_welcome_post')")
        text = "नमस्ते साथी! यह ग्रुप कैंप की खबरों के लिए है।"
        q7.locator("textarea").press_sequentially(text, delay=20)
        expect(q7.locator(".widget-html", has_text="characters:")).to_contain_text(f"characters: {len(text)}")
        deadline = time.monotonic() + 20
        while _saved(work).get("q7_welcome_post", {}).get("value") != text and time.monotonic() < deadline:
            time.sleep(0.25)
        assert _saved(work)["q7_welcome_post"]["value"] == text
        expect(q7.locator(".jp-OutputArea")).to_contain_text("नमस्ते साथी!")
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        raise


def test_lesson_05s_sift_walkthrough_and_option_lists_wrap_without_overlapping(server, page, tmp_path):
    """Lesson 05's SIFT widget (a RadioButtons group per move, beside its "check" button) and the lesson's other
    radio and tick-box lists: no option overlaps another, no label is cut, in a wide and a narrow window."""
    base, home = server
    assert (home / LESSON).is_file()
    sift = _cell(page, "lesson05.sift_walkthrough()")
    widget_cells = page.locator(".jp-NotebookPanel .jp-CodeCell").filter(
        has=page.locator(".widget-radio-box, .widget-checkbox")
    )
    try:
        _run_all(page, base, LESSON)
        sift.scroll_into_view_if_needed()
        expect(sift.locator(".widget-radio-box")).to_have_count(len(verify.MOVES))
        expect(sift.locator(".widget-radio-box input[type=radio]")).to_have_count(
            sum(len(move.options) for move in verify.MOVES)
        )
        cells = widget_cells.all()
        assert len(cells) > 1, "the SIFT widget and at least one other option list"
        for width in (1200, 640):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(200)
            assert _measure(page, OVERLAPS, [sift]) == [], width
            assert _measure(page, OVERLAPS, cells) + _measure(page, TRUNCATED, cells) == [], width
        # The SIFT options overlap once this project's CSS is off (the check can fail on this widget).
        page.evaluate(CSS_OFF, True)
        page.wait_for_timeout(200)
        assert any("overlaps" in p for p in _measure(page, OVERLAPS, [sift])), "the overlap check can fail"
        page.evaluate(CSS_OFF, False)
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        raise
