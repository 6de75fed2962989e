"""The trainer's dashboard opened from JupyterLab in a real Chromium: its charts show, no error panel."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, need_chromium, running_lab

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("dashboard-browser")]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
TOKEN = "camp-dashboard-token"


def test_the_dashboard_opens_from_the_lab_with_its_charts_and_no_error(tmp_path):
    need_chromium()
    from urllib.parse import quote

    from grader import cohortgen, report
    from grader.course import init_course

    home = tmp_path / "camp"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        init_course(release_all=False)
        truth = cohortgen.generate(
            participants=30, assignments=3, items=4, seed=5, now=dt.datetime(2026, 12, 10, 12, 0)
        )
        path = report.install_dashboard(home)
        extra = {
            "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws"),
            "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        }
        with (
            running_lab(TOKEN, log=tmp_path / "lab.log", extra_env=extra) as base,
            sync_api.sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 950})
            page.set_default_timeout(90_000)
            try:
                relative = path.relative_to(home).as_posix()
                page.goto(f"{base}/lab/tree/{quote(relative)}?token={TOKEN}")
                idle = page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle$"))
                dialog = page.locator(".jp-Dialog .jp-mod-accept")
                expect(idle.or_(dialog)).to_be_visible(timeout=90_000)
                if dialog.is_visible():
                    dialog.click()
                page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
                page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
                panel = page.locator(".jp-NotebookPanel")
                expect(panel.locator(".widget-tab")).to_be_visible(timeout=120_000)
                expect(panel.locator(".widget-image").first).to_be_visible(timeout=60_000)
                expect(panel).to_contain_text(re.compile(r"participants: \d+"))
                shown = int(re.search(r"participants: (\d+)", panel.inner_text()).group(1))
                assert shown >= len(truth.people), (
                    shown,
                    len(truth.people),
                )  # the cohort, and the local user
                tab = panel.locator(".lm-TabBar-tab").first
                family = tab.evaluate("e => getComputedStyle(e).fontFamily")
                assert "Noto Sans Devanagari" in family, family  # Hindi tab titles drawn, not boxes
                assert (
                    panel.locator(
                        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                    ).count()
                    == 0
                )
                assert (
                    panel.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count()
                    == 0
                )
                assert "Traceback" not in panel.inner_text()
                images = panel.locator(".widget-image")
                loaded = images.evaluate_all(
                    "els => els.filter(e => e.complete && e.naturalWidth > 0).length"
                )
                assert loaded >= 1, "the charts were drawn"
                if os.environ.get("CAMP_SCREENSHOTS"):
                    page.screenshot(path=str(Path(os.environ["CAMP_SCREENSHOTS"]) / "trainer-dashboard.png"))
            except Exception:
                page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
                raise
            finally:
                browser.close()
