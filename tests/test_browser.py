"""A participant in a real Chromium: answer with widgets, reload, find the answers kept, submit in the panel."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, camp_lab

from camp import participant

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]' (make test does it)"
)
expect = sync_api.expect
expect.set_options(timeout=30_000)  # generous: `make test` runs this beside many busy workers

TOKEN = "camp-browser-token"
ASSIGNMENT = "00-start-here"
NOTEBOOK = f"my-work/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
SAVED = "सहेजा गया उत्तर / Saved answer"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """JupyterLab as `camp lab` starts it, on a camp folder where the participant has fetched the assignment."""
    with camp_lab(
        tmp_path_factory,
        "browser",
        TOKEN,
        [ASSIGNMENT],
        prepare=lambda home: participant.fetch_assignment(assignment=ASSIGNMENT),
    ) as (base, home, _):
        yield base, home


@pytest.fixture
def page(server, tmp_path):
    """A fresh headless Chromium page (Debian's Chromium: Playwright's own browser download is not used)."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            page.on("dialog", lambda dialog: dialog.accept())  # "leave this page?" on reload
            yield page
        finally:
            browser.close()


def _menu(page, top: str, item: str) -> None:
    """Choose a menu item as a participant does (e.g. Run → Run All Cells)."""
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def _idle(page):
    return page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle$"))


def _open_notebook(page, base: str) -> None:
    """Open the fetched notebook and wait until its kernel is connected and idle."""
    page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={TOKEN}")
    expect(page.locator(".jp-NotebookPanel")).to_be_visible()
    # The status bar says "Python 3 (ipykernel) | Idle" only once the kernel is connected (the toolbar's
    # indicator says idle before that). A "Select Kernel" dialog, should one come, gets its default choice.
    ready = _idle(page)
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    expect(ready.or_(dialog)).to_be_visible()
    if dialog.is_visible():
        dialog.click()
    expect(ready).to_be_visible()


def _prompts(page) -> list[str]:
    return page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").all_text_contents()


def _run_all(page, after: int) -> int:
    """Run → Run All Cells; wait until every code cell has run (execution count above `after`)."""
    _menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        """after => {
            const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => {
                const m = p.textContent.match(/\\[(\\d+)\\]/);
                return m && Number(m[1]) > after;
            });
        }""",
        arg=after,
    )
    expect(_idle(page)).to_be_visible()
    return max(int(re.search(r"\d+", p).group()) for p in _prompts(page))


def _cell(page, code: str):
    """The code cell whose source contains `code`."""
    return page.locator(".jp-NotebookPanel .jp-CodeCell").filter(has_text=code)


def _saved_answers(folder: Path) -> dict:
    path = folder / "answers.json"
    return json.loads(path.read_text(encoding="utf-8"))["answers"] if path.exists() else {}


def test_widget_answers_survive_a_reload_and_reach_the_exchange(server, page, tmp_path):
    """Are a clicked and a typed answer saved, shown again after reopening, and handed in by Submit?"""
    base, home = server
    work = home / "my-work" / ASSIGNMENT
    q1 = _cell(page, 'answers.choice("q1_run_key"')
    q3 = _cell(page, 'answers.number("q3_engagements"')
    try:
        _open_notebook(page, base)
        count = _run_all(page, after=0)
        expect(q1.locator(".widget-radio-box input[type=radio]")).to_have_count(4)
        expect(q1.locator(".jp-OutputArea")).to_contain_text(f"{SAVED}: अभी कोई उत्तर नहीं")

        q1.get_by_role("radio", name="क) Shift + Enter").check()
        expect(q1.locator(".jp-OutputArea")).to_contain_text(f"{SAVED}: क) Shift + Enter")
        box = q3.locator(".widget-text input")
        box.click()
        box.press_sequentially("60")
        box.press("Tab")  # typing is saved on leaving the box
        expect(q3.locator(".jp-OutputArea")).to_contain_text(f"{SAVED}: 60 एंगेजमेंट / engagements")
        saved = _saved_answers(work)
        assert saved["q1_run_key"]["value"] == "A" and saved["q3_engagements"]["value"] == 60, saved

        _menu(page, "File", "Save Notebook")
        expect(page.locator(".lm-TabBar-tab.jp-mod-dirty")).to_have_count(0)
        page.reload()
        _open_notebook(page, base)
        _run_all(page, after=count)  # fresh widgets, which know only what answers.json kept
        expect(q1.get_by_role("radio", name="क) Shift + Enter")).to_be_checked()
        expect(q1.locator(".jp-OutputArea")).to_contain_text(f"{SAVED}: क) Shift + Enter")
        expect(q3.locator(".widget-text input")).to_have_value("60")
        expect(q3.locator(".jp-OutputArea")).to_contain_text(f"{SAVED}: 60 एंगेजमेंट / engagements")

        _menu(page, "Nbgrader", "Assignment List")
        fetched = page.locator("#fetched_assignments_list .list_item").filter(has_text=ASSIGNMENT)
        submitted = page.locator("#submitted_assignments_list .list_item").filter(has_text=ASSIGNMENT)
        expect(fetched.get_by_role("button", name="Submit")).to_be_visible()
        expect(submitted).to_have_count(0)
        fetched.get_by_role("button", name="Submit").click()
        expect(submitted).to_have_count(1)  # the panel refreshes once the server has handed it in
    except Exception:  # what the page showed, to look at: <tmp_path>/failure.png
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        raise

    inbound = sorted((home / "exchange").glob(f"*/inbound/*+{ASSIGNMENT}+*"))
    assert len(inbound) == 1, inbound
    handed_in = _saved_answers(inbound[0])
    assert handed_in["q1_run_key"]["value"] == "A"
    assert handed_in["q3_engagements"]["value"] == 60
    assert (inbound[0] / f"{ASSIGNMENT}.ipynb").exists()
