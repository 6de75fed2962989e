"""Participants' HTML is untrusted: markdown and outputs are sanitized, the Formgrader's submission pages carry a
CSP, and a hostile submission opened by the logged-in trainer (Formgrader, feedback) runs no participant script."""

from __future__ import annotations

import base64
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import nbformat
import pytest
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
    "X-08": "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('X-08')\">",
    "X-09": "<div style=\"width: expression(alert('X-09'))\">e</div>",
    "X-10": "<div style=\"background:url(javascript:alert('X-10'))\">u</div>",
    "X-11": "<style>body { background: url(\"javascript:alert('X-11')\") }</style>",
    "X-12": "<a href=\"data:text/html,<script>alert('X-12')</script>\">d</a>",
    "X-13": "<object data=\"data:text/html;base64,WDEz\" name=X-13></object><embed src=X-13.swf>",
    "X-14": "<video><source onerror=\"alert('X-14')\"></video>",
    "X-15": "<noscript><p title=\"</noscript><img src=x onerror=alert('X-15')>\"></noscript>",
    "X-16": "<base href=\"https://example.org/X-16/\"><link rel=stylesheet href=\"https://example.org/X-16.css\">",
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
    """Every place in a page a browser runs or follows: script and style bodies, and all attribute values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.parts += [f"{tag} {name}={value}" for name, value in attrs if value]
        self._in = tag if tag in ("script", "style") else None

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
            outputs.append(new_output("display_data", {"text/html": HTML_ATTACKS[marker], "text/plain": "html"}))
        elif marker in MARKDOWN_ATTACKS:
            cells.append(new_markdown_cell(f"{HINDI} {marker}\n\n{MARKDOWN_ATTACKS[marker]}"))
            outputs.append(new_output("display_data", {"text/markdown": MARKDOWN_ATTACKS[marker], "text/plain": "md"}))
        elif marker == "X-20":
            outputs.append(new_output("display_data", {"image/png": _png(), "text/plain": "chart"},
                                      metadata={"image/png": {"width": "1 onerror=alert('X-20')"}}))
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
    assert not re.search(r"<(script|iframe|object|embed|form|input|button|meta|base|link|style|svg)\b", cleaned)
    assert clean_html(cleaned) == cleaned


def test_hindi_table_chart_and_saved_widget_answer_survive():
    """Do a participant's Hindi text, a markdown table, a PNG chart and a saved widget answer still display?"""
    png = _png()
    echo = f"📝 **सहेजा गया उत्तर / Saved answer** (q7_welcome_post):\n\n> {HINDI} <b>ज़रूर</b>"
    nb = new_notebook(cells=[
        new_markdown_cell(f"## {HINDI}\n\n| ज़िला | पोस्ट |\n|---|---|\n| भोपाल | 12 |\n\n[स्रोत](https://eci.gov.in)"),
        new_code_cell("answers.long_text('q7_welcome_post')", outputs=[
            new_output("display_data", {"application/vnd.jupyter.widget-view+json":
                                        {"model_id": "abc", "version_major": 2, "version_minor": 0},
                                        "text/plain": "VBox(children=(Textarea(value='…'),))"}),
            new_output("display_data", {"text/markdown": echo, "text/plain": "<Markdown>"}),
            new_output("display_data", {ANSWER_MIME: {"qid": "q7", "value": HINDI}, "text/plain": ""}),
            new_output("display_data", {"image/png": png, "text/plain": "<Figure>"},
                       metadata={"image/png": {"width": 300}}),
        ]),
    ])
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
    nb = new_notebook(cells=[new_code_cell("x", outputs=[
        new_output("display_data", {"application/javascript": "alert('J1')"}),
        new_output("display_data", {"application/vnd.bokehjs_exec.v0+json": "", "text/plain": "bokeh",
                                    "text/javascript": "alert('J2')"}),
        new_output("stream", name="<script>", text="नमस्ते\n"),
    ])])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"m": {"state": {
        "value": "<img src=x onerror=alert('J3')>"}}}}}
    clean, _ = SafeHTML().preprocess(nb, {})
    outs = clean.cells[0].outputs
    assert outs[0]["data"] == {"text/plain": sanitize.REMOVED}
    assert outs[1]["data"] == {"text/plain": "bokeh"}
    assert outs[2]["name"] == "stdout" and outs[2]["text"] == "नमस्ते\n"
    assert "J1" not in json.dumps(clean) and "J2" not in json.dumps(clean) and "J3" not in json.dumps(clean)


def test_forged_grade_id_cannot_break_out_of_the_templates_attribute():
    """nbgrader's feedback and Formgrader templates print grade_id into attributes unescaped: is it made safe?"""
    cell = new_markdown_cell("answer")
    cell.metadata["nbgrader"] = {"grade_id": "q7\"><img src=x onerror=alert(1)>", "solution": True, "grade": False}
    clean, _ = SafeHTML().preprocess(new_notebook(cells=[cell]), {})
    assert re.fullmatch(r"[\w.-]+", clean.cells[0].metadata["nbgrader"]["grade_id"])


def test_attachments_only_png_and_jpeg():
    """Does a pasted PNG still show, while an HTML or SVG attachment and a missing one come to nothing?"""
    png = _png()
    cell = new_markdown_cell("![a](attachment:a.png) ![b](attachment:b.html) ![c](attachment:none.png)")
    cell["attachments"] = {"a.png": {"image/png": png}, "b.html": {"text/html": "<script>alert('A-1')</script>"}}
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
    text = f"# {HINDI}\n\n```python\nif a < b:\n\n    print('x')\n```\n\n<b>{HINDI}</b> [x](javascript:alert(1))"
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
    hostile = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'S1\')"><script>alert(\'S2\')</script>'
               '<a href="javascript:alert(\'S3\')"><text>x</text></a><set attributeName="onmouseover" to="S4"/>'
               '<rect style="fill:url(https://example.org/S5)"/><use href="https://example.org/S6.svg#a"/>'
               '<foreignObject><img src=x onerror="alert(\'S7\')"></foreignObject></svg>')
    assert live_markers(clean_svg(hostile), ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]) == set()


def test_config_wires_the_sanitizer_into_autograde_feedback_and_the_formgrader():
    """Is SafeHTML in Autograde (after the notebook ran, before grades are saved), feedback and every HTML export?"""
    settings = camp_config.nbgrader_settings()
    steps = settings["Autograde"]["autograde_preprocessors"]
    name = "grader.sanitize.SafeHTML"
    assert steps.index("nbgrader.preprocessors.Execute") < steps.index(name)
    assert steps.index(name) < steps.index("nbgrader.preprocessors.SaveAutoGrades")
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
    page = (b'<html><head><script src="/formgrader/static/js/formgrade.js"></script>'
            b'<script>var submission_id = "abc";</script></head><body>'
            b'<span onclick="toggle_name(true);"></span>'
            b'<div id="notebook" class="border-box-sizing"><script>alert(1)</script>'
            b'<img src=x onerror="alert(2)"></div></body></html>')
    policy = page_policy(page, host="127.0.0.1:8888", base_url="/")
    assert "script-src 127.0.0.1:8888/formgrader/static/ " in policy
    assert sanitize._sha256(b'var submission_id = "abc";') in policy
    assert sanitize._sha256(b"toggle_name(true);") in policy and "'unsafe-hashes'" in policy
    assert sanitize._sha256(b"alert(1)") not in policy and sanitize._sha256(b"alert(2)") not in policy
    assert "'unsafe-inline'" not in policy.split("style-src")[0] and "default-src 'none'" in policy
    # a page that is not the Formgrader's (no header marker) trusts no inline script at all
    assert "sha256" not in page_policy(b"<script>alert(1)</script>", host="h", base_url="/")
    assert sanitize.FILE_POLICY.startswith("sandbox;") and "script" not in sanitize.FILE_POLICY
