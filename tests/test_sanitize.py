"""Participants' HTML is untrusted: markdown and outputs are sanitized, the Formgrader's submission pages carry a
CSP, and a hostile submission opened by the logged-in trainer (Formgrader, feedback) runs no participant script."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest
from conftest import Grader, answer_fixture, release_notebook, running_lab
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from camp.check import ANSWER_MIME
from grader import config as camp_config
from grader import sanitize
from grader.sanitize import SafeHTML, clean_html, clean_markdown, clean_svg, page_policy

# Each hostile payload carries its own marker, so a test can say which one came through.
HTML_ATTACKS = {
    "X-01": "<script>alert('X-01')</script>",
    "X-02": "<img src=x onerror=\"alert('X-02')\">",
    "X-03": "<svg onload=\"alert('X-03')\"><circle r='4'/></svg>",
    "X-04": "<a href=\"javascript:alert('X-04')\">click</a>",
    "X-05": "<a href=\" JaVa&#x53;cript:alert('X-05')\">click</a>",
    "X-06": "<iframe srcdoc=\"<script>alert('X-06')</script>\"></iframe>",
    "X-07": "<form action='https://example.org/X-07'><input name=p><button>send</button></form>",
    "X-08": '<meta http-equiv="refresh" content="0;url=javascript:alert(\'X-08\')">',
    "X-09": "<div style=\"width: expression(alert('X-09'))\">e</div>",
    "X-10": "<div style=\"background:url(javascript:alert('X-10'))\">u</div>",
    "X-11": "<style>body { background: url(\"javascript:alert('X-11')\") }</style>",
    "X-12": "<a href=\"data:text/html,<script>alert('X-12')</script>\">d</a>",
    "X-13": '<object data="data:text/html;base64,WDEz" name=X-13></object><embed src=X-13.swf>',
    "X-14": "<video><source onerror=\"alert('X-14')\"></video>",
    "X-15": "<noscript><p title=\"</noscript><img src=x onerror=alert('X-15')>\"></noscript>",
    "X-16": '<base href="https://example.org/X-16/"><link rel=stylesheet href="https://example.org/X-16.css">',
    "X-17": "<details open ontoggle=\"alert('X-17')\">t</details>",
}
# Parser tricks (mutation XSS): harmless in nbconvert's own pipeline, but a sanitizer must not be fooled by them.
PARSER_TRICKS = {
    "P-01": "<math><mtext><table><mglyph><style><img src=x onerror=\"alert('P-01')\">",
    "P-02": "<svg></p><style><a id=\"</style><img src=1 onerror=alert('P-02')>\">",
    "P-03": "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert('P-03')>",
}
MARKDOWN_ATTACKS = {
    "M-01": "[click](javascript:alert('M-01'))",
    "M-02": "[click](jav&#x61;script:alert('M-02'))",
    "M-03": "[click][r]\n\n[r]: javascript:alert('M-03')",
    "M-04": "![chart](javascript:alert('M-04'))",
    "M-05": "<div>\n\n[inner](javascript:alert('M-05'))\n\n</div>",
}
HINDI = "नमस्ते साथियों, यह मेरा उत्तर है"
ALL = [*HTML_ATTACKS, *MARKDOWN_ATTACKS, "X-20"]


class _Live(HTMLParser):
    """Every place in a page a browser runs or loads: script and style bodies, and attribute values.

    A script that only holds data (`type="application/json"`) is not run, and a plain http(s) link is only
    followed when clicked (with no opener), so neither counts.
    """

    RUNS = {None, "", "text/javascript", "application/javascript", "module", "text/ecmascript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.parts += [
            f"{tag} {name}={value}"
            for name, value in attrs
            if value
            and name != "type"
            and not (tag == "a" and name == "href" and re.match(r"https?://", value))
        ]  # a plain link
        self.attributes += attrs
        runs = tag == "style" or (tag == "script" and (dict(attrs).get("type") or "").lower() in self.RUNS)
        self._in = tag if runs else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in:
            self.parts.append(f"{self._in}: {data}")


def live_markers(page: str, markers) -> set[str]:
    """The markers that reach a place where a browser would run or load them (not plain text)."""
    parser = _Live()
    parser.feed(page)
    return {m for m in markers if any(m in part for part in parser.parts)}


def _png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.bar(["Bhopal", "Indore"], [12, 9])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _hostile_notebook(markers=None):
    """Each attack as a participant's markdown cell and as an output (HTML or markdown); X-20: a PNG's size."""
    markers = markers or ALL
    cells, outputs = [], []
    for marker in markers:
        if marker in HTML_ATTACKS:
            cells.append(new_markdown_cell(f"{HINDI} {marker}\n\n{HTML_ATTACKS[marker]}"))
            outputs.append(
                new_output("display_data", {"text/html": HTML_ATTACKS[marker], "text/plain": "html"})
            )
        elif marker in MARKDOWN_ATTACKS:
            cells.append(new_markdown_cell(f"{HINDI} {marker}\n\n{MARKDOWN_ATTACKS[marker]}"))
            outputs.append(
                new_output("display_data", {"text/markdown": MARKDOWN_ATTACKS[marker], "text/plain": "md"})
            )
        elif marker == "X-20":
            outputs.append(
                new_output(
                    "display_data",
                    {"image/png": _png(), "text/plain": "chart"},
                    metadata={"image/png": {"width": "1 onerror=alert('X-20')"}},
                )
            )
    cells.append(new_code_cell("show()", outputs=outputs))
    return new_notebook(cells=cells)


def _export(nb, *, sanitized: bool) -> str:
    """The notebook as the Formgrader and feedback render it (nbconvert's classic template)."""
    exporter = HTMLExporter(template_name="classic")
    if sanitized:
        exporter.register_preprocessor(SafeHTML, enabled=True)
    return exporter.from_notebook_node(nbformat.from_dict(json.loads(json.dumps(nb))))[0]


@pytest.mark.parametrize("marker", ALL)
def test_without_the_sanitizer_each_attack_is_live(marker):
    """Is each payload really dangerous as nbconvert renders it? (Else the next test proves nothing.)"""
    assert live_markers(_export(_hostile_notebook([marker]), sanitized=False), [marker]) == {marker}


def test_sanitized_notebook_renders_no_attack():
    """Are scripts, handlers, javascript:/data: URLs, iframes, forms, meta refresh and styles all neutralised?"""
    page = _export(_hostile_notebook(), sanitized=True)
    assert live_markers(page, ALL) == set()
    assert HINDI in page and "X-01" in page  # the participant's words stay, as text


@pytest.mark.parametrize("marker", sorted({**HTML_ATTACKS, **PARSER_TRICKS}))
def test_clean_html_keeps_nothing_that_runs(marker):
    """Is each HTML attack neutralised on its own, and is cleaning it twice the same as once?"""
    cleaned = clean_html({**HTML_ATTACKS, **PARSER_TRICKS}[marker])
    assert live_markers(cleaned, [marker]) == set(), cleaned
    assert not re.search(
        r"<(script|iframe|object|embed|form|input|button|meta|base|link|style|svg)\b", cleaned
    )
    assert clean_html(cleaned) == cleaned


def test_hindi_table_chart_and_saved_widget_answer_survive():
    """Do a participant's Hindi text, a markdown table, a PNG chart and a saved widget answer still display?"""
    png = _png()
    echo = f"📝 **सहेजा गया उत्तर / Saved answer** (q7_welcome_post):\n\n> {HINDI} <b>ज़रूर</b>"
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                f"## {HINDI}\n\n| ज़िला | पोस्ट |\n|---|---|\n| भोपाल | 12 |\n\n[स्रोत](https://eci.gov.in)"
            ),
            new_code_cell(
                "answers.long_text('q7_welcome_post')",
                outputs=[
                    new_output(
                        "display_data",
                        {
                            "application/vnd.jupyter.widget-view+json": {
                                "model_id": "abc",
                                "version_major": 2,
                                "version_minor": 0,
                            },
                            "text/plain": "VBox(children=(Textarea(value='…'),))",
                        },
                    ),
                    new_output("display_data", {"text/markdown": echo, "text/plain": "<Markdown>"}),
                    new_output(
                        "display_data", {ANSWER_MIME: {"qid": "q7", "value": HINDI}, "text/plain": ""}
                    ),
                    new_output(
                        "display_data",
                        {"image/png": png, "text/plain": "<Figure>"},
                        metadata={"image/png": {"width": 300}},
                    ),
                ],
            ),
        ]
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    page = _export(nb, sanitized=True)
    assert HINDI in page and "ज़िला" in page and "<td>भोपाल</td>" in page
    assert re.search(r'<img [^>]*src="data:image/png;base64,' + re.escape(png) + '"[^>]*width="300"', page)
    assert 'href="https://eci.gov.in"' in page
    assert "सहेजा गया उत्तर" in page and "<b>ज़रूर</b>" in page and "<blockquote>" in page
    # and in the notebook itself: the answer record stays for the grader, the widget becomes its text
    clean, _ = SafeHTML().preprocess(nbformat.from_dict(json.loads(json.dumps(nb))), {})
    datas = [o["data"] for o in clean.cells[1].outputs]
    assert datas[0] == {"text/plain": "VBox(children=(Textarea(value='…'),))"}
    assert datas[2][ANSWER_MIME] == {"qid": "q7", "value": HINDI}
    assert "widgets" not in clean.metadata


def test_code_carrying_outputs_are_dropped():
    """Are JavaScript, widget state and other renderers' code dropped, with a bilingual note where nothing is left?"""
    nb = new_notebook(
        cells=[
            new_code_cell(
                "x",
                outputs=[
                    new_output("display_data", {"application/javascript": "alert('J1')"}),
                    new_output(
                        "display_data",
                        {
                            "application/vnd.bokehjs_exec.v0+json": "",
                            "text/plain": "bokeh",
                            "text/javascript": "alert('J2')",
                        },
                    ),
                    new_output("stream", name="<script>", text="नमस्ते\n"),
                ],
            )
        ]
    )
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"m": {"state": {"value": "<img src=x onerror=alert('J3')>"}}}
        }
    }
    clean, _ = SafeHTML().preprocess(nb, {})
    outs = clean.cells[0].outputs
    assert outs[0]["data"] == {"text/plain": sanitize.REMOVED}
    assert outs[1]["data"] == {"text/plain": "bokeh"}
    assert outs[2]["name"] == "stdout" and outs[2]["text"] == "नमस्ते\n"
    assert "J1" not in json.dumps(clean) and "J2" not in json.dumps(clean) and "J3" not in json.dumps(clean)


def test_forged_grade_id_cannot_break_out_of_the_templates_attribute():
    """nbgrader's feedback and Formgrader templates print grade_id into attributes unescaped: is it made safe?"""
    cell = new_markdown_cell("answer")
    cell.metadata["nbgrader"] = {
        "grade_id": 'q7"><img src=x onerror=alert(1)>',
        "solution": True,
        "grade": False,
    }
    honest = new_markdown_cell("उत्तर")
    honest.metadata["nbgrader"] = {"grade_id": "q7_welcome-post.v2:प्रश्न", "solution": True, "grade": False}
    clean, _ = SafeHTML().preprocess(new_notebook(cells=[cell, honest]), {})
    assert re.fullmatch(r"[\w.-]+", clean.cells[0].metadata["nbgrader"]["grade_id"])
    assert (
        clean.cells[1].metadata["nbgrader"]["grade_id"] == "q7_welcome-post.v2:प्रश्न"
    )  # honest ids unchanged


def test_attachments_only_png_and_jpeg():
    """Does a pasted PNG still show, while an HTML or SVG attachment and a missing one come to nothing?"""
    png = _png()
    cell = new_markdown_cell("![a](attachment:a.png) ![b](attachment:b.html) ![c](attachment:none.png)")
    cell["attachments"] = {
        "a.png": {"image/png": png},
        "b.html": {"text/html": "<script>alert('A-1')</script>"},
    }
    clean, _ = SafeHTML().preprocess(new_notebook(cells=[cell]), {})
    source = clean.cells[0].source
    assert f'<img src="data:image/png;base64,{png}" alt="a">' in source
    assert "A-1" not in json.dumps(clean) and "b.html" not in clean.cells[0].attachments


def test_plain_markdown_is_left_as_written():
    """Is an honest markdown cell (no HTML, no link) unchanged, so instructions and answers keep their source?"""
    text = f"### प्रश्न 1\n\n**{HINDI}**\n\n- क) एक\n- ख) दो\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> उद्धरण"
    assert clean_markdown(text) == text


def test_sanitized_markdown_renders_as_itself():
    """Is sanitized markdown one raw HTML block (a second render changes nothing), and is cleaning idempotent?"""
    text = (
        f"# {HINDI}\n\n```python\nif a < b:\n\n    print('x')\n```\n\n<b>{HINDI}</b> [x](javascript:alert(1))"
    )
    once = clean_markdown(text)
    assert markdown2html_mistune(once).strip() == once.strip()
    assert clean_markdown(once) == once
    assert "\n\n" not in once and HINDI in once and "print" in once


def test_svg_keeps_the_drawing_and_loses_the_script():
    """Does a matplotlib SVG stay a well-formed drawing, while script, handlers and outside links go?"""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([1, 3, 2])
    ax.imshow([[1, 2], [3, 4]])
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    cleaned = clean_svg(svg)
    ET.fromstring(cleaned)  # still XML, as an <img> reads it
    for tag in ("<path", "<use", "<image", "clip-path="):
        assert cleaned.count(tag) == svg.count(tag), tag
    hostile = (
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert('S1')\"><script>alert('S2')</script>"
        '<a href="javascript:alert(\'S3\')"><text>x</text></a><set attributeName="onmouseover" to="S4"/>'
        '<rect style="fill:url(https://example.org/S5)"/><use href="https://example.org/S6.svg#a"/>'
        "<foreignObject><img src=x onerror=\"alert('S7')\"></foreignObject></svg>"
    )
    assert live_markers(clean_svg(hostile), ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]) == set()


def test_config_wires_the_sanitizer_into_autograde_feedback_and_the_formgrader():
    """Is SafeHTML in Autograde (after the notebook ran, before grades are saved), feedback and every HTML export?"""
    settings = camp_config.nbgrader_settings()
    steps = settings["Autograde"]["autograde_preprocessors"]
    name = "grader.sanitize.SafeHTML"
    assert steps.index("grader.kernels.SandboxedExecute") < steps.index(name)
    assert steps.index(name) < steps.index(
        "grader.keepgrades.KeepManualGrades"
    )  # nbgrader's SaveAutoGrades, kept
    assert name in settings["GenerateFeedback"]["preprocessors"]
    assert "nbgrader.preprocessors.GetGrades" in settings["GenerateFeedback"]["preprocessors"]
    assert settings["HTMLExporter"]["preprocessors"] == [name]


def test_config_enables_the_csp_server_extension(tmp_path):
    folder = camp_config.write(tmp_path)
    server = json.loads((folder / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert server["ServerApp"]["jpserver_extensions"]["grader.sanitize"] is True
    assert "grader.sanitize.SafeHTML" in (folder / "nbgrader_config.py").read_text(encoding="utf-8")


def test_page_policy_trusts_the_formgrader_header_only():
    """Does the CSP allow the Formgrader's header scripts (by hash) and not a script in the submission?"""
    page = (
        b'<html><head><script src="/formgrader/static/js/formgrade.js"></script>'
        b'<script>var submission_id = "abc";</script></head><body>'
        b'<span onclick="toggle_name(true);"></span>'
        b'<div id="notebook" class="border-box-sizing"><script>alert(1)</script>'
        b'<img src=x onerror="alert(2)"></div></body></html>'
    )
    policy = page_policy(page, host="127.0.0.1:8888", base_url="/")
    assert "script-src 127.0.0.1:8888/formgrader/static/ " in policy
    assert sanitize._sha256(b'var submission_id = "abc";') in policy
    assert sanitize._sha256(b"toggle_name(true);") in policy and "'unsafe-hashes'" in policy
    assert sanitize._sha256(b"alert(1)") not in policy and sanitize._sha256(b"alert(2)") not in policy
    assert "'unsafe-inline'" not in policy.split("style-src")[0] and "default-src 'none'" in policy
    # a page that is not the Formgrader's (no header marker) trusts no inline script at all
    assert "sha256" not in page_policy(b"<script>alert(1)</script>", host="h", base_url="/")
    assert sanitize.FILE_POLICY.startswith("sandbox;") and "script" not in sanitize.FILE_POLICY


# --- End to end: a hostile submission graded for real, opened by the logged-in trainer in headless Chromium ----

A = "00-start-here"
TOKEN = "camp-sanitize-token"
CHROMIUM = os.environ.get("CAMP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
MARKDOWN_HI = "नमस्ते साथियों! यह मेरा जवाब है।"
POST_HI = "सम्पर्क सेतु कैंप ग्रुप में आपका स्वागत है"


class _Listener(ThreadingHTTPServer):
    """A loopback web server that records every path a participant's script asks for."""

    def __init__(self):
        class Record(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                self.server.hits.append(self.path)
                self.send_response(204)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Record)
        self.hits: list[str] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


def _hostile_submission(release, listener: _Listener):
    """A real participant's attack: no code needed for the first two, a display() for the third, a file for the last."""
    ping = "fetch('" + listener.url + "/pwn-{}')"
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    nb.cells.insert(1, new_markdown_cell(f'{MARKDOWN_HI}\n\n<img src=x onerror="{ping.format("markdown")}">'))
    script = f"window.campCanary = 'pwned'; document.title = 'PWNED'; {ping.format('script')}"
    nb.cells.append(
        new_code_cell(
            "from IPython.display import HTML, display\n"
            f"display(HTML({'<b>चार्ट नीचे है</b><script>' + script + '</script>'!r}))"
        )
    )
    nb.cells.append(
        new_code_cell(
            "import matplotlib.pyplot as plt\nplt.figure(figsize=(3, 2))\nplt.bar(['A', 'B'], [3, 5])\nplt.show()"
        )
    )
    answers = {k: {"value": v, "saved": "x"} for k, v in answer_fixture(A)["widget_answers"].items()}
    answers["q7_welcome_post"]["value"] = f'{POST_HI} <img src=y onerror="{ping.format("widget")}">'
    files = {
        "answers.json": json.dumps({"format": 1, "answers": answers}, ensure_ascii=False),
        "evil.html": f"<script>window.campCanary = 'pwned'; document.title = 'PWNED'; {ping.format('file')}</script>",
        "submission_secret.txt": "7f3a9c",  # what nbgrader's submit leaves, so the feedback can be released
    }
    return nb, files


@contextlib.contextmanager
def _defences(*, sanitizer: bool, csp: bool, stock_feedback: bool = False):
    """The camp's configuration as `camp course init` writes it, optionally with a defence switched off.

    `stock_feedback`: nbgrader's own feedback page (which renders every cell) instead of the camp's (which
    renders only grading data), to show the sanitizer protects that page too.
    """
    original = camp_config.nbgrader_settings

    def settings():
        found = original()
        if not sanitizer:
            for section in found.values():
                for key, value in section.items():
                    if isinstance(value, list):
                        section[key] = [v for v in value if v != "grader.sanitize.SafeHTML"]
        if stock_feedback:
            found["GenerateFeedback"].pop("exporter_class", None)
        return found

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(camp_config, "nbgrader_settings", settings)
        folder = camp_config.write()
        server_file = folder / "jupyter_server_config.json"
        server = json.loads(server_file.read_text(encoding="utf-8"))
        server["ServerApp"]["jpserver_extensions"]["grader.sanitize"] = csp
        server_file.write_text(json.dumps(server), encoding="utf-8")
        yield


class _Trainer:
    """The trainer's headless Chromium, logged in to the camp's JupyterLab."""

    def __init__(self, browser, base: str, listener: _Listener):
        self.page = browser.new_page(viewport={"width": 1300, "height": 900})
        self.page.set_default_timeout(30_000)
        self.base, self.listener, self.csp_errors = base, listener, []
        self.page.on(
            "console",
            lambda msg: self.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        self.page.goto(f"{base}/formgrader?token={TOKEN}")  # the login cookie, as the trainer has it

    def visit(self, path: str, *, expect_script: bool) -> dict:
        """Open a page; wait until the participant's script called home (or long enough to be sure it did not)."""
        self.listener.hits.clear()
        self.csp_errors.clear()
        self.page.goto(
            self.base + path, wait_until="load", referer=self.base + "/lab"
        )  # as from Lab's file browser
        for _ in range(40 if expect_script else 12):
            self.page.wait_for_timeout(250)
            if expect_script and self.listener.hits:
                self.page.wait_for_timeout(750)  # the page's other attacks
                break
        return {
            "hits": {hit.strip("/") for hit in self.listener.hits},
            "title": self.page.title(),
            "canary": self.page.evaluate("window.campCanary || null"),
        }


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_hostile_submission_runs_no_script_in_the_trainers_formgrader_or_feedback(tmp_path, monkeypatch):
    """A graded hostile submission, opened by the logged-in trainer: with the defences off the participant's
    script runs (the test can fail); with the CSP alone it does not; with everything on it does not, the
    feedback file carries none of it, and the Hindi text, the chart and the Formgrader's own grading still work."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found ({CHROMIUM}): `make test` installs it as root with apt-get")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
    )
    from nbgrader.api import Gradebook

    from camp import paths
    from grader import course

    home, sources = tmp_path / "camp", tmp_path / "sources"
    (sources / "assignments").mkdir(parents=True)
    (sources / "modules").symlink_to(paths.modules_source())
    shutil.copytree(paths.assignments_source() / A, sources / "assignments" / A)
    monkeypatch.setenv("CAMP_HOME", str(home))
    monkeypatch.setattr(paths, "SOURCE_ROOT", sources)
    course.init_course()
    listener = _Listener()
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    nb, files = _hostile_submission(release_notebook(home, A), listener)
    student = Grader(home).submit(A, nb, files, student="mallory")
    feedback_path = f"/files/course/feedback/{student}/{A}/{A}.html"
    extra = {
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
    }

    def grade() -> str:
        assert course.autograde(assignment=A, students=[student]) == {student: "graded"}
        with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
            return gb.find_submission_notebook(A, A, student).id

    def feedback() -> str:
        course.feedback(assignment=A, students=[student])
        return (home / feedback_path.removeprefix("/files/")).read_text(encoding="utf-8")

    def assert_no_script(page: str) -> None:
        """No participant <script>, no on*= handler, no javascript: URL (their text may stay, as text)."""
        assert live_markers(page, ["pwn-", "campCanary", "onerror"]) == set()
        parser = _Live()
        parser.feed(page)
        assert [name for name, _ in parser.attributes if name.startswith("on")] == []
        assert [v for _, v in parser.attributes if v and v.strip().lower().startswith("javascript:")] == []

    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            # 1. Defences off: the same pages DO run the participant's script in the trainer's session.
            with _defences(sanitizer=False, csp=False, stock_feedback=True):
                submission = f"/formgrader/submissions/{grade()}/"
                feedback()
                with running_lab(TOKEN, log=tmp_path / "lab-off.log", extra_env=extra) as base:
                    trainer = _Trainer(browser, base, listener)
                    seen = trainer.visit(submission, expect_script=True)
                    assert {"pwn-markdown", "pwn-script"} <= seen["hits"], (
                        seen
                    )  # (camp.answers escapes its echo)
                    assert seen["title"] == "PWNED" and seen["canary"] == "pwned", seen
                    assert trainer.visit(submission + "evil.html", expect_script=True)["hits"] == {"pwn-file"}
                    seen = trainer.visit(feedback_path, expect_script=True)
                    assert {"pwn-markdown", "pwn-script"} <= seen["hits"] and seen["canary"] == "pwned", seen
            # 2. The CSP alone (the autograded notebook still hostile): nothing runs, the browser reports blocks.
            with _defences(sanitizer=False, csp=True):
                with running_lab(TOKEN, log=tmp_path / "lab-csp.log", extra_env=extra) as base:
                    trainer = _Trainer(browser, base, listener)
                    seen = trainer.visit(submission, expect_script=False)
                    assert seen["hits"] == set() and seen["canary"] is None and seen["title"] != "PWNED", seen
                    assert trainer.csp_errors, "the browser should report the participant's script as blocked"
                    assert trainer.page.get_by_text(MARKDOWN_HI).is_visible()
                    seen = trainer.visit(submission + "evil.html", expect_script=False)
                    assert seen["hits"] == set() and seen["canary"] is None, seen
            # 3. Everything on, graded again: no participant script anywhere, and everything else still works.
            with _defences(sanitizer=True, csp=True):
                submission = f"/formgrader/submissions/{grade()}/"
                assert_no_script(feedback())  # the camp's feedback page: grading data only, escaped
                with running_lab(TOKEN, log=tmp_path / "lab-on.log", extra_env=extra) as base:
                    trainer = _Trainer(browser, base, listener)
                    seen = trainer.visit(submission, expect_script=False)
                    assert seen["hits"] == set() and seen["canary"] is None and seen["title"] != "PWNED", seen
                    page = trainer.page
                    for text in (MARKDOWN_HI, POST_HI, "चार्ट नीचे है"):
                        assert page.get_by_text(text).first.is_visible(), text
                    chart = page.locator("img[src^='data:image/png']").last
                    assert chart.evaluate("img => img.complete && img.naturalWidth > 100")
                    # The Formgrader's own scripts run under the CSP: the trainer grades the written answer.
                    page.locator("#q7_welcome_post").fill("3")
                    page.locator("#q7_welcome_post").press("Tab")
                    for _ in range(40):
                        with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
                            if gb.find_grade("q7_welcome_post", A, A, student).manual_score == 3:
                                break
                        page.wait_for_timeout(250)
                    else:
                        raise AssertionError("the Formgrader did not save the trainer's score")
                    # None of the page's own scripts is blocked; MathJax from the internet is, by design (offline anyway).
                    assert [e for e in trainer.csp_errors if "/ajax/libs/mathjax/" not in e] == [], (
                        trainer.csp_errors
                    )
                    seen = trainer.visit(submission + "evil.html", expect_script=False)
                    assert seen["hits"] == set() and seen["canary"] is None, seen
                    seen = trainer.visit(feedback_path, expect_script=False)
                    assert seen["hits"] == set() and seen["canary"] is None, seen
                    # nbgrader's own feedback page, which renders every cell: sanitized, it runs nothing either.
                    with _defences(sanitizer=True, csp=True, stock_feedback=True):
                        stock = feedback()
                        assert_no_script(stock)
                        assert MARKDOWN_HI in stock and POST_HI in stock
                    seen = trainer.visit(feedback_path, expect_script=False)
                    assert seen["hits"] == set() and seen["canary"] is None, seen
                    assert page.get_by_text(MARKDOWN_HI).first.is_visible()
            browser.close()
    finally:
        listener.shutdown()
