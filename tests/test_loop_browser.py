"""The participant's whole assignment loop in a real Chromium with no Devanagari system font, from the Hindi panel.

JupyterLab runs in Hindi, as `camp lab` gives it to participants (the hi_IN language pack selected; she runs a
notebook with चलाएँ → सभी सेल चलाएँ). Fetch, answer wrong then right through the widgets (their options measured:
no radio option overlaps another, no tick-box label is cut, at a wide and a narrow window), validate (⏳ then ✔),
submit; the trainer autogrades and returns feedback; she opens it from the panel. `make screenshots` runs this file
with CAMP_SCREENSHOTS set and keeps one screenshot per step in docs/screenshots/ for the README's walk-through.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import subprocess
import time
import unicodedata
import urllib.parse
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, answer_fixture, camp_lab, http_get
from test_browser import _menu
from test_widget_layout import OVERLAPS, TRUNCATED, _measure

from camp import panel, paths
from grader import course, lab
from grader.feedback import NOTEBOOK_NAME

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]' (make test does it)"
)
expect = sync_api.expect

TOKEN = "camp-loop-token"
ASSIGNMENTS = ["00-start-here", "05-misinformation"]
#: The first question is answered wrong, then right; these stay wrong, so the feedback shows both kinds of line.
KEEP_WRONG = {"00-start-here": 1, "05-misinformation": 0}  # index into the fixture's typical wrong answers
SHOTS = os.environ.get("CAMP_SCREENSHOTS")
FORBIDDEN = ("Traceback", "### BEGIN HIDDEN TESTS", "Trust HTML")
CALL = re.compile(r"\bcheck\.\w+\(")
DUE = (datetime.now(timezone.utc) + timedelta(days=7)).astimezone(panel.IST).replace(hour=18, minute=0)


def _hindi(message: str) -> str:
    """A JupyterLab message as the camp's Hindi language pack (packages/jupyterlab-language-pack-hi-IN) says it."""
    from jupyterlab_language_pack_hi_IN import catalog

    words = json.loads((catalog.MESSAGES / "jupyterlab.json").read_text(encoding="utf-8"))
    [hindi] = words[message]
    assert re.search(r"[\u0900-\u097F]", hindi), (message, hindi)
    return hindi


#: The Hindi Lab's words: the menu bar (फ़ाइल, संपादन …), Run → Run All Cells (चलाएँ → सभी सेल चलाएँ), "Idle".
MENU_BAR_START = [_hindi(f"menu\x04{title}") for title in ("File", "Edit", "View", "Run", "Kernel")]
RUN_ALL = (_hindi("menu\x04Run"), _hindi("Run All Cells"))
IDLE = re.compile(rf"\| {re.escape(_hindi('Idle'))}$")


def _fontconfig(folder: Path) -> dict[str, str]:
    """An environment whose fontconfig knows no Devanagari font (empty when the machine has none anyway)."""
    try:
        devanagari = subprocess.run(["fc-list", ":lang=hi", "file"], capture_output=True, text=True).stdout
        every = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return {}
    hindi = {line.split(":")[0].strip() for line in devanagari.splitlines() if line.strip()}
    if not hindi:
        return {}
    fonts = folder / "fonts"
    fonts.mkdir(parents=True)
    for n, path in enumerate(sorted(set(every.splitlines()) - hindi)):
        if path:
            (fonts / f"{n}-{Path(path).name}").symlink_to(path)
    conf = folder / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>{fonts}</dir>'
        f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    left = subprocess.run(["fc-list", ":lang=hi"], capture_output=True, text=True, env=env).stdout
    assert not left.strip(), f"a Devanagari font is still visible to Chromium: {left}"
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """JupyterLab as `camp lab` starts it, in Hindi as `camp lab` selects it; assignments 00 and 05 released with
    a due date; nothing fetched."""
    due = DUE.strftime("%Y-%m-%d %H:%M")

    def prepare(home: Path) -> None:
        course.release(assignments=ASSIGNMENTS, due=due)
        assert lab.select_language() is not None, "the Hindi language pack is not installed (make setup)"

    with camp_lab(tmp_path_factory, "loop", TOKEN, ASSIGNMENTS, prepare=prepare) as (base, home, jupyter):
        yield base, home, _fontconfig(jupyter / "fontconfig")


@pytest.fixture
def browser_page(server, tmp_path):
    base, home, env = server
    fonts: list[tuple[str, int]] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, env=env or None
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            page.on("dialog", lambda dialog: dialog.accept())
            page.on("response", lambda r: fonts.append((r.url, r.status)) if r.url.endswith(".ttf") else None)
            yield page, fonts
        finally:
            browser.close()


class Steps:
    """Screenshots of each step: into docs/screenshots/ with CAMP_SCREENSHOTS, always into the test's folder."""

    def __init__(self, page, assignment: str, tmp_path: Path):
        self.page, self.prefix, self.n = page, assignment[:2], 0
        self.folders = [tmp_path] + ([Path(SHOTS)] if SHOTS else [])

    def shot(self, name: str, focus=None) -> None:
        self.n += 1
        if focus is not None:
            focus.scroll_into_view_if_needed()
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(folder / f"{self.prefix}-{self.n:02d}-{name}.png"))


def _wait_saved(folder: Path, qid: str, value, timeout: float = 30) -> None:
    """Wait until the widget's answer is in answers.json (what submit hands in)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            saved = json.loads((folder / "answers.json").read_text(encoding="utf-8"))["answers"][qid]["value"]
            if saved == value or (isinstance(value, (int, float)) and saved == float(value)):
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{qid} was not saved as {value!r}")


def _active(page):
    return page.locator("#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)")


def _idle(page):
    """The status bar's "Python 3 (ipykernel) | ख़ाली" (Idle), shown once the kernel is connected."""
    return page.locator("#jp-main-statusbar").get_by_text(IDLE)


def _ready(page) -> None:
    """The active notebook's kernel is connected and idle (a kernel dialog, should one come, is accepted)."""
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    expect(_idle(page).or_(dialog)).to_be_visible()
    if dialog.is_visible():
        dialog.click()
    expect(_idle(page)).to_be_visible()


def _run_all(page) -> None:
    """चलाएँ → सभी सेल चलाएँ (Run → Run All Cells) on the active notebook; wait until every code cell has a fresh
    count."""
    before = _active(page).locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()
    _menu(page, *RUN_ALL)
    page.wait_for_function(
        """before => {
            const panel = document.querySelector('#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)');
            const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
            return prompts.length > 0 && prompts.every((p, i) => /\\[\\d+\\]/.test(p) && p !== before[i]);
        }""",
        arg=before,
    )
    expect(_idle(page)).to_be_visible()


def _tab(page, title: str) -> None:
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=title).first.click()
    expect(_active(page)).to_have_count(1)


def _widgets(notebook: Path) -> dict[str, tuple[int, str, list]]:
    """{qid: (cell index, widget kind, options)} from the fetched notebook itself."""
    nb = nbformat.read(notebook, as_version=4)
    found = {}
    for index, cell in enumerate(nb.cells):
        match = re.match(r'answers\.(\w+)\((["\'])(\w+)\2(?:, (\[.*\]))?', cell.source)
        if cell.cell_type == "code" and match:
            found[match.group(3)] = (index, match.group(1), json.loads(match.group(4) or "[]"))
    return found


def _answer(page, folder: Path, widgets: dict, qid: str, value) -> None:
    """Answer one question as she would: click, tick, or type then leave the box / press Save."""
    index, kind, options = widgets[qid]
    cell = _active(page).locator(".jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    label = {v: lab for lab, v in options}
    if kind == "choice":
        cell.get_by_role("radio", name=label[value], exact=True).check()
    elif kind == "choices":
        for option_value, option_label in label.items():
            box = cell.get_by_role("checkbox", name=option_label, exact=True)
            box.set_checked(option_value in value)
    elif kind in ("number", "text"):
        box = cell.locator(".widget-text input")
        box.fill(str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
        box.press("Tab")
    else:  # long_text
        box = cell.locator("textarea")
        box.fill(value)
        cell.get_by_role("button", name="सहेजें / Save").click()
    _wait_saved(folder, qid, value)


def _layout_problems(page, widgets: dict) -> list[str]:
    """Every radio option and tick box of the active notebook measured (test_widget_layout's bounding-box checks),
    in this window and in a narrow one (a small laptop, where long options must wrap)."""
    cells = _active(page).locator(".jp-Notebook .jp-Cell")
    radios = {index: options for index, kind, options in widgets.values() if kind == "choice"}
    ticks = {index: options for index, kind, options in widgets.values() if kind == "choices"}
    assert radios, "no radio question to measure"
    for index, options in {**radios, **ticks}.items():  # every option drawn, so none escapes the measuring
        cells.nth(index).scroll_into_view_if_needed()
        kind = "radio" if index in radios else "checkbox"
        expect(cells.nth(index).locator(f"input[type={kind}]")).to_have_count(len(options))
    problems = []
    size = page.viewport_size
    for width in (size["width"], 640):
        page.set_viewport_size({"width": width, "height": size["height"]})
        page.wait_for_timeout(200)
        found = _measure(page, OVERLAPS, [cells.nth(i) for i in radios])
        found += _measure(page, TRUNCATED, [cells.nth(i) for i in ticks])
        problems += [f"{width}px: {p}" for p in found]
    page.set_viewport_size(size)
    return problems


def _row(page, assignment: str):
    return _active(page).locator(f".camp-assignment-{assignment}")


def _press(page, assignment: str, name: str, expect_text: str):
    row = _row(page, assignment)
    row.locator(f".camp-{name}").click()
    result = _row(page, assignment).locator(".camp-result")
    expect(result).to_contain_text(expect_text, timeout=120_000)
    return result


def _clean(text: str, where: str) -> None:
    for marker in FORBIDDEN:
        assert marker not in text, f"{marker!r} in {where}"
    assert not CALL.search(text), f"check. call text in {where}: {CALL.search(text).group()}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_whole_loop_from_the_hindi_panel(assignment, server, browser_page, tmp_path):
    """Fetch → answer (wrong, then right) → validate (⏳ then ✔) → submit → graded → 'My feedback' inline:
    one Hindi/English line per question, the gradebook's score, no traceback, no test, Hindi in the served font."""
    base, home, _env = server
    page, fonts = browser_page
    steps = Steps(page, assignment, tmp_path)
    folder = home / "my-work" / assignment
    fixture = answer_fixture(assignment)
    wrong = fixture["wrong"][KEEP_WRONG[assignment]]
    final = {**fixture["widget_answers"], **wrong["answers"]}
    first = next(iter(fixture["widget_answers"]))
    first_wrong = next(case["answers"][first] for case in fixture["wrong"] if first in case["answers"])
    written = [q for q in final if isinstance(final[q], str) and "\n" in final[q]]
    try:
        page.goto(f"{base}/lab/tree/{urllib.parse.quote(NOTEBOOK_NAME)}?token={TOKEN}")
        expect(_active(page)).to_have_count(1)
        _ready(page)
        menu_bar = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
        nfc = [unicodedata.normalize("NFC", m) for m in menu_bar[: len(MENU_BAR_START)]]
        assert nfc == [unicodedata.normalize("NFC", m) for m in MENU_BAR_START], menu_bar
        _run_all(page)
        row = _row(page, assignment)
        expect(row).to_contain_text(f"अंतिम तिथि: {panel.when_hi(DUE)}")
        expect(row).to_contain_text(f"Due: {panel.when_en(DUE)}")
        expect(row).to_contain_text("अभी लिया नहीं गया")
        steps.shot("panel", row)

        _press(page, assignment, "feedback", panel.NO_FEEDBACK.hi)  # before anything exists: one line
        _press(page, assignment, "fetch", "असाइनमेंट आ गया")
        expect(_row(page, assignment).locator("a.camp-open")).to_be_visible()
        steps.shot("fetched", _row(page, assignment))

        _row(page, assignment).locator("a.camp-open").click()
        expect(page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")).to_contain_text(
            f"{assignment}.ipynb"
        )
        _ready(page)
        _run_all(page)
        widgets = _widgets(folder / f"{assignment}.ipynb")
        assert _layout_problems(page, widgets) == []
        _answer(page, folder, widgets, first, first_wrong)
        steps.shot("answered-wrong", _active(page).locator(".jp-Cell").nth(widgets[first][0]))
        for qid, value in final.items():
            if qid not in written:
                _answer(page, folder, widgets, qid, value)
        outputs = " ".join(_active(page).locator(".jp-OutputArea").all_inner_texts())
        _clean(outputs, f"{assignment} notebook outputs")

        _tab(page, NOTEBOOK_NAME)
        result = _press(page, assignment, "validate", "प्रश्नों के उत्तर दिए गए")
        for qid in written:
            expect(result).to_contain_text(f"प्रश्न {panel._number(qid)} ⏳ अभी उत्तर नहीं दिया गया")
        expect(result).to_contain_text(f"प्रश्न {panel._number(first)} ✔ उत्तर दिया गया / Question")
        steps.shot("validate-not-yet", result)

        _tab(page, f"{assignment}.ipynb")
        for qid in written:
            _answer(page, folder, widgets, qid, final[qid])
        steps.shot("written-answer", _active(page).locator(".jp-Cell").nth(widgets[written[0]][0]))
        _tab(page, NOTEBOOK_NAME)
        result = _press(page, assignment, "validate", "सभी")
        expect(result).not_to_contain_text("⏳")
        expect(result).to_contain_text(f"सभी {len(widgets)} प्रश्नों के उत्तर दिए गए — अब 📤 जमा करें")
        steps.shot("validate-all", result)

        _press(page, assignment, "submit", "✅ जमा हो गया")
        expect(_row(page, assignment)).to_contain_text("जमा किया:")
        steps.shot("submitted", _row(page, assignment))
        _press(page, assignment, "feedback", panel.NO_FEEDBACK.hi)

        # The trainer: collect, autograde, return feedback.
        me = getpass.getuser()
        assert me in course.collect(assignment=assignment)
        assert course.autograde(assignment=assignment, students=[me])[me] == "graded"
        assert course.feedback(assignment=assignment, students=[me]) == [me]

        result = _press(page, assignment, "feedback", "कुल अंक / Total score")
        view = result.locator(".camp-feedback")
        expect(view).to_be_visible()
        steps.shot("feedback", view)
        view.locator("ol.camp-lines").scroll_into_view_if_needed()
        steps.shot("feedback-lines", view.locator("ol.camp-lines"))
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"))
        raise

    from nbgrader.api import Gradebook

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        sub = gb.find_submission(assignment, me)
        score, maximum = sub.score, sub.max_score
    assert view.locator(".camp-score").inner_text() == f"{score:g}"
    assert view.locator(".camp-max").inner_text() == f"{maximum:g}"
    lines = view.locator(".camp-verdict").all_inner_texts()
    numbers = sorted(panel._number(q) for q in widgets)
    assert [int(re.match(r"प्रश्न (\d+)", line).group(1)) for line in lines] == numbers, lines
    for qid in fixture["widget_answers"]:
        n = panel._number(qid)
        line = next(line for line in lines if line.startswith(f"प्रश्न {n} "))
        if f"{qid}_test" in wrong["loses"]:
            assert line.startswith(f"प्रश्न {n} ❌ ") and f" / Question {n} ❌ " in line, line
        elif qid not in written:
            assert line == f"प्रश्न {n} ✅ सही / Question {n} ✅ correct", line
    expect(view.locator(".camp-next")).to_contain_text(f"{panel.when_hi(DUE)} से पहले 📤 फिर से जमा करें")

    _clean(_active(page).inner_text(), "the panel")
    _clean(_active(page).inner_html(), "the panel's HTML")
    status, css = http_get(f"{base}/custom/custom.css", TOKEN)
    assert status == 200 and '"Noto Sans Devanagari"' in css

    families = page.evaluate("""async () => {
        await document.fonts.ready;
        const line = document.querySelector('.camp-feedback .camp-verdict');
        return {
            check: document.fonts.check('16px "Noto Sans Devanagari"', 'प्रश्न'),
            faces: [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Noto Sans Devanagari')
                                       .map(f => f.status),
            family: getComputedStyle(line).fontFamily,
        };
    }""")
    assert families["check"] and "loaded" in families["faces"], families
    assert "Noto Sans Devanagari" in families["family"], families
    served = [(url, status) for url, status in fonts if url.startswith(base) and "/custom/" in url]
    assert served and all(status in (200, 304) for _, status in served), fonts
