"""Participants' markdown and outputs made safe to show: a sanitizing preprocessor and the Formgrader's CSP.

Everything a participant writes or produces is untrusted HTML. A markdown cell with `<img onerror=…>` or an
output with `<script>` would otherwise run in the trainer's logged-in Formgrader, and in the feedback HTML.

- `SafeHTML` is the nbgrader/nbconvert preprocessor. It runs in Autograde (so the autograded notebook the
  Formgrader renders is clean), in GenerateFeedback, and on every HTML page nbgrader renders from a notebook
  (`HTMLExporter.preprocessors`: the Formgrader's submission view, also for notebooks graded before it
  existed). HTML goes through nh3 (the ammonia sanitizer) with a short allowlist: no scripts, event
  handlers, `javascript:` or `data:` links, iframes, objects, forms, styles or ids; images only as data: PNG
  or JPEG. Code-carrying outputs (JavaScript, widget views and state, other renderers' payloads) are dropped.
- The server extension (this module, enabled by `grader.config`) sends a Content-Security-Policy with the
  Formgrader's submission pages: only the Formgrader's own scripts run (its static files and the inline
  scripts of its page header, by hash), so a script that got past the sanitizer still does not run. Files
  of a submission served beside it (`/formgrader/submissions/<id>/<file>`) are sandboxed with no script.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import re
import unicodedata
from typing import Any

import nh3
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from camp.check import ANSWER_MIME

#: What a removed output says in its place (the trainer and the participant see it).
REMOVED = "⚠️ यह आउटपुट सुरक्षा के लिए हटाया गया / this output was removed for safety"

_PYGMENTS = {  # pygments' token classes: a highlighted code block keeps its colours
    "bp", "c", "c1", "ch", "cm", "cp", "cpf", "cs", "dl", "err", "esc", "fm", "g", "gd", "ge", "ges", "gh",
    "gi", "go", "gp", "gr", "gs", "gt", "gu", "il", "k", "kc", "kd", "kn", "kp", "kr", "kt", "l", "ld", "m",
    "mb", "mf", "mh", "mi", "mo", "n", "na", "nb", "nc", "nd", "ne", "nf", "ni", "nl", "nn", "no", "nt", "nv",
    "nx", "o", "ow", "p", "pm", "py", "s", "s1", "s2", "sa", "sb", "sc", "sd", "se", "sh", "si", "sr", "ss",
    "sx", "vc", "vg", "vi", "vm", "w", "x",
}  # fmt: skip
_CELLS = {"colspan", "rowspan", "align", "valign", "headers", "scope"}
_HTML = nh3.Cleaner(
    tags=(nh3.ALLOWED_TAGS - {"map", "area"}) | {"tfoot"},
    clean_content_tags={"script", "style", "textarea", "title", "noscript", "template", "xmp", "noembed"},
    # No style, id, name or class of the participant's choosing: no overlays, no clobbering of the page's ids.
    attributes={
        "*": {"title", "lang", "dir"},
        "a": {"href"},
        "img": {"src", "alt", "width", "height"},
        "td": _CELLS,
        "th": _CELLS,
        "table": {"border"},
        "ol": {"start"},
        "col": {"span"},
        "colgroup": {"span"},
    },
    allowed_classes={"span": _PYGMENTS, "div": {"highlight"}, "table": {"dataframe"}},
    url_schemes={"http", "https", "mailto", "data"},  # data: narrowed to images by the filter below
    attribute_filter=lambda tag, attr, value: _html_attribute(tag, attr, value),
)

_SVG_TAGS = {
    "svg", "g", "defs", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "title", "desc", "clipPath", "use", "symbol", "linearGradient", "radialGradient", "stop", "marker",
    "pattern", "mask", "image",
}  # fmt: skip
_SVG_PAINT = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "font-family",
    "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "clip-path", "clip-rule",
    "stop-color", "stop-opacity", "visibility", "display", "letter-spacing", "word-spacing", "color",
    "vector-effect", "mask",
}  # fmt: skip
_SVG = nh3.Cleaner(
    tags=_SVG_TAGS,
    clean_content_tags={"script", "style", "foreignObject", "metadata"},
    attributes={
        "*": _SVG_PAINT
        | {
            "id",
            "transform",
            "d",
            "x",
            "y",
            "x1",
            "y1",
            "x2",
            "y2",
            "cx",
            "cy",
            "r",
            "rx",
            "ry",
            "dx",
            "dy",
            "fx",
            "fy",
            "width",
            "height",
            "viewBox",
            "points",
            "offset",
            "gradientUnits",
            "gradientTransform",
            "spreadMethod",
            "clipPathUnits",
            "preserveAspectRatio",
            "version",
            "xmlns",
            "xmlns:xlink",
            "href",
            "xlink:href",
            "style",
            "markerWidth",
            "markerHeight",
            "markerUnits",
            "refX",
            "refY",
            "orient",
            "patternUnits",
            "patternContentUnits",
            "patternTransform",
            "maskUnits",
            "textLength",
            "lengthAdjust",
        }
    },  # fmt: skip
    filter_style_properties=_SVG_PAINT,
    url_schemes={"data"},
    link_rel=None,
    attribute_filter=lambda tag, attr, value: _svg_attribute(tag, attr, value),
)

_B64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_IMAGE_URL = re.compile(r"data:image/(?:png|jpeg);base64,([A-Za-z0-9+/=\s]+)", re.I)
_LINK_URL = re.compile(r"(?:https?://|mailto:|#)", re.I)
_SIZE = re.compile(r"\d{1,5}(?:%|px)?")
_BAD_CSS = re.compile(r"expression\s*\(|javascript:|@import|\\|url\s*\(\s*['\"]?\s*(?!#)", re.I)


def _html_attribute(tag: str, attr: str, value: str) -> str | None:
    """The finer rules nh3's allowlist cannot say: which URLs and sizes may stay."""
    if attr == "href":
        return value if _LINK_URL.match(value.strip()) else None
    if attr == "src":
        return value if tag == "img" and _IMAGE_URL.fullmatch(value.strip()) else None
    if attr in ("width", "height"):
        return value if _SIZE.fullmatch(value.strip()) else None
    return value


def _svg_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr == "href":  # xlink:href arrives here too
        local = re.fullmatch(r"#[\w.:-]+", value.strip())
        return value if local or (tag == "image" and _IMAGE_URL.fullmatch(value.strip())) else None
    return None if _BAD_CSS.search(value) else value


def clean_html(fragment: str) -> str:
    """An HTML fragment with everything that could run, load or impersonate taken out.

    Example:
        >>> clean_html('<b>नमस्ते</b><img src=x onerror=alert(1)><script>alert(1)</script>')
        '<b>नमस्ते</b><img>'
    """
    return _HTML.clean(fragment)


def clean_svg(svg: str) -> str:
    """An SVG image kept drawable (shapes, paths, text, presentation styles) without script or links out."""
    # nh3 writes HTML; the image is read as XML, which knows no named entities but the basic five, and
    # needs its namespaces declared (nh3 keeps no xmlns:xlink).
    cleaned = _SVG.clean(svg).replace("&nbsp;", "&#160;").strip()
    match = re.match(r"<svg\b[^>]*>", cleaned)
    if match:
        root = match.group(0)
        extra = "" if "xmlns=" in root else ' xmlns="http://www.w3.org/2000/svg"'
        extra += ' xmlns:xlink="http://www.w3.org/1999/xlink"' if "xmlns:xlink=" not in root else ""
        cleaned = "<svg" + extra + cleaned[4:]
    return cleaned


class _Attachments(dict):
    """A cell's attachments for the markdown renderer: a missing one renders as nothing instead of failing."""

    def __contains__(self, name: object) -> bool:
        return True

    def __missing__(self, name: str) -> dict[str, str]:
        return {"text/plain": ""}


_NEEDS_HTML = re.compile(r"<|\]\s*[(\[:]")  # raw HTML, or a link or image (its URL must be checked)


def clean_markdown(source: str, attachments: dict | None = None) -> str:
    """Markdown that renders without anything unsafe, in Jupyter, nbconvert and the Formgrader alike.

    Markdown with no HTML and no link or image is returned unchanged. Anything else is rendered as
    nbconvert renders it (attachments inlined), sanitized, and returned as one raw HTML block, which
    every markdown renderer passes through as it is.
    """
    if not _NEEDS_HTML.search(source):
        return source
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    renderer = IPythonRenderer(
        escape=False, attachments=_Attachments(attachments or {}), exclude_anchor_links=True
    )
    try:
        rendered = MarkdownWithMath(renderer=renderer).render(source)
    except Exception:  # markdown the renderer cannot read is shown as text
        rendered = f"<pre>{html.escape(source)}</pre>"
    body = clean_html(rendered).strip()
    # A blank line would end the raw block and let markdown parse what follows (inside <pre> too).
    body = re.sub(r"\n[ \t]*(?=\n)", "\n<!-- -->", body)
    return body if body.startswith("<div>") and body.endswith("</div>") else f"<div>\n{body}\n</div>"


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _is_base64(value: Any) -> bool:
    text = re.sub(r"\s", "", _text(value))
    if not _B64.fullmatch(text):
        return False
    try:
        base64.b64decode(text, validate=True)
    except ValueError:
        return False
    return True


def _clean_attachments(attachments: dict) -> dict:
    kept = {}
    for name, bundle in attachments.items():
        images = {
            m: v for m, v in (bundle or {}).items() if m in ("image/png", "image/jpeg") and _is_base64(v)
        }
        if images and re.fullmatch(r"[\w .()-]+", str(name)):
            kept[name] = images
    return kept


def _size(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 100_000


def _clean_output_metadata(metadata: dict) -> dict:
    """Only an image's size and `unconfined`: nbconvert writes these into the <img> tag."""
    kept: dict[str, Any] = {k: v for k, v in metadata.items() if k in ("width", "height") and _size(v)}
    for mime in ("image/png", "image/jpeg", "image/svg+xml"):
        sub = metadata.get(mime)
        if isinstance(sub, dict):
            part = {k: v for k, v in sub.items() if (k in ("width", "height") and _size(v))}
            if isinstance(sub.get("unconfined"), bool):
                part["unconfined"] = sub["unconfined"]
            if part:
                kept[mime] = part
    return kept


def clean_output(output: dict) -> dict | None:
    """One cell output made safe, or None when nothing of it may be shown.

    Text, errors, PNG/JPEG images, JSON data and the camp's answer records stay; HTML, markdown and SVG
    are sanitized; everything else (JavaScript, widget views, other renderers' payloads) is dropped.
    """
    kind = output.get("output_type")
    if kind == "stream":
        output["name"] = "stderr" if output.get("name") == "stderr" else "stdout"
        output["text"] = _text(output.get("text", ""))
        return output
    if kind == "error":
        output["ename"], output["evalue"] = _text(output.get("ename", "")), _text(output.get("evalue", ""))
        output["traceback"] = [_text(line) for line in output.get("traceback", [])]
        return output
    if kind not in ("display_data", "execute_result"):
        return None
    data: dict[str, Any] = {}
    for mime, value in dict(output.get("data") or {}).items():
        if mime in ("text/plain", "application/json", ANSWER_MIME):
            data[mime] = _text(value) if mime == "text/plain" else value
        elif mime == "text/html":
            data[mime] = clean_html(_text(value))
        elif mime == "text/markdown":
            data[mime] = clean_markdown(_text(value))
        elif mime == "image/svg+xml":
            data[mime] = clean_svg(_text(value))
        elif mime in ("image/png", "image/jpeg") and _is_base64(value):
            data[mime] = _text(value)
    output["data"] = data or {"text/plain": REMOVED}
    output["metadata"] = _clean_output_metadata(dict(output.get("metadata") or {}))
    if kind == "execute_result" and not isinstance(output.get("execution_count"), int):
        output["execution_count"] = None
    return output


def _safe_id(grade_id: str) -> str:
    """nbgrader's feedback and Formgrader templates write a grade_id into HTML attributes unescaped: keep only
    letters, marks and digits of any script, and `_ . : -` (every id nbgrader or the camp makes stays as it is)."""
    return "".join(ch if ch in "_.:-" or unicodedata.category(ch)[0] in "LMN" else "_" for ch in grade_id)


def _raw_format(cell: NotebookNode) -> str:
    meta = cell.get("metadata", {})
    return str(meta.get("raw_mimetype") or meta.get("format") or "").lower()


class SafeHTML(NbGraderPreprocessor):
    """Sanitize every participant-controlled piece of HTML in a notebook (markdown cells and outputs)."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        nb.metadata.pop("widgets", None)  # saved widget state: code for the widget manager, not an answer
        for index, cell in enumerate(nb.cells):
            nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
        return nb, resources

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        if cell.cell_type == "markdown":
            if "attachments" in cell:
                cell.attachments = _clean_attachments(dict(cell.attachments or {}))
            cell.source = clean_markdown(_text(cell.source), cell.get("attachments"))
        elif cell.cell_type == "raw" and _raw_format(cell) in ("", "html", "text/html"):
            cell.source = clean_html(_text(cell.source))
        elif cell.cell_type == "raw" and _raw_format(cell) in ("markdown", "text/markdown"):
            cell.source = clean_markdown(_text(cell.source))
        elif cell.cell_type == "code":
            cell.outputs = [out for out in map(clean_output, cell.get("outputs", [])) if out is not None]
        nbgrader = cell.get("metadata", {}).get("nbgrader")
        if isinstance(nbgrader, dict) and "grade_id" in nbgrader:
            nbgrader["grade_id"] = _safe_id(str(nbgrader["grade_id"]))
        return cell, resources


# --- The Formgrader's submission pages: a Content-Security-Policy (a jupyter_server extension) --------------

_PAGE = re.compile(r"formgrader/submissions/[^/]+/?")
_FILE = re.compile(r"formgrader/submissions/(?!components/)[^/]+/.+")
#: Where the Formgrader's own page ends and the submission's content begins (nbgrader's formgrade template;
#: nbconvert re-serializes the page, so the attributes may come in any order).
_CONTENT_START = re.compile(rb"""<div\b[^>]*\sid=["']?notebook["'\s>]""")
_INLINE_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_INLINE_HANDLER = re.compile(rb"""\son[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
FILE_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def _sha256(data: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii") + "'"


def page_policy(page: bytes, *, host: str, base_url: str) -> str:
    """The CSP for one rendered submission page: the Formgrader's scripts run, the submission's do not.

    Scripts may come from the Formgrader's static folder, and inline only where the page header (everything
    before the submission's content) has them, each allowed by its hash.
    """
    start = _CONTENT_START.search(page)
    header = page[: start.start()] if start else b""
    allowed = [f"{host}{base_url}formgrader/static/"]
    allowed += sorted(
        {_sha256(body) for attrs, body in _INLINE_SCRIPT.findall(header) if b"src=" not in attrs}
    )
    handlers = {
        _sha256(html.unescape((a or b).decode("utf-8")).encode("utf-8"))
        for a, b in _INLINE_HANDLER.findall(header)
    }
    if handlers:
        allowed += ["'unsafe-hashes'", *sorted(handlers)]
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(allowed),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    ])  # fmt: skip


class SubmissionCSP:
    """A tornado output transform: the CSP header on the Formgrader's submission pages and files."""

    def __init__(self, request: Any, *, base_url: str = "/"):
        path = request.path[len(base_url) :] if request.path.startswith(base_url) else ""
        self.kind = "page" if _PAGE.fullmatch(path) else "file" if _FILE.fullmatch(path) else None
        self.host, self.base_url = request.host, base_url

    def transform_first_chunk(self, status_code: int, headers: Any, chunk: bytes, finishing: bool):
        if self.kind == "page":
            whole = finishing and "Content-Encoding" not in headers  # else: no inline script is trusted
            headers["Content-Security-Policy"] = page_policy(
                chunk if whole else b"", host=self.host, base_url=self.base_url
            )
        elif self.kind == "file":
            headers["Content-Security-Policy"] = FILE_POLICY
        return status_code, headers, chunk

    def transform_chunk(self, chunk: bytes, finishing: bool) -> bytes:
        return chunk


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "grader.sanitize"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    app = serverapp.web_app
    base_url = app.settings.get("base_url", "/")
    # First in line, so it sees the page before any compression.
    app.transforms.insert(0, functools.partial(SubmissionCSP, base_url=base_url))
    serverapp.log.info("camp: Content-Security-Policy on the Formgrader's submission pages")
