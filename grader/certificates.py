"""Certificates: one bilingual PDF per qualifying participant, a short code that `camp verify` checks offline.

The PDF is made with fpdf2 and its HarfBuzz text shaping (uharfbuzz), in Noto Sans Devanagari (a static
instance made once, see `deva_font`; it has the Latin letters too) with DejaVu Sans as the fallback for a
character it lacks, so conjuncts (क्ष, त्र, ज्ञ, श्र) and matras are shaped. The verification code is a
keyed hash (HMAC-SHA256) of the certificate's contents under the camp's own secret, `<camp>/secret/
certificate.key` (owner-only, created on first use, never printed or logged; `.camp/` is not in git). The
contents are kept in `<camp>/certificates.json`, so `camp verify CODE` recomputes the code: a code not issued,
edited by one character, or whose record was edited fails.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from camp import paths
from grader import report as rep

ROLE_HI = {"worker": "कार्यकर्ता", "leader": "नेता"}
DEFAULT_MIN = 60.0


def _secret() -> bytes:
    folder = paths.home() / "secret"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "certificate.key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _register_path() -> Path:
    return paths.home() / "certificates.json"


def code_for(record: dict) -> str:
    """CAMP-XXXX-XXXX-XXXX: 60 bits of HMAC-SHA256 over the record (sorted JSON), in base32."""
    payload = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    digest = hmac.new(_secret(), payload, hashlib.sha256).digest()
    text = base64.b32encode(digest).decode("ascii")[:12]
    return "CAMP-" + "-".join(text[i : i + 4] for i in range(0, 12, 4))


def verify(code: str) -> dict | None:
    """The certificate's record if `code` was issued here and its record is intact, else None."""
    code = code.strip().upper()
    path = _register_path()
    register = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    record = register.get(code)
    if record is None or not hmac.compare_digest(code_for(record), code):
        return None
    return record


@dataclass
class Outcome:
    issued: dict[str, Path] = field(default_factory=dict)  # participant -> PDF
    not_qualified: dict[str, str] = field(default_factory=dict)  # participant -> why

    def summary(self) -> str:
        lines = [f"qualified / योग्य: {len(self.issued)}"]
        lines += [f"  {pid}: {path.name}" for pid, path in sorted(self.issued.items())]
        lines.append(f"not qualified / योग्य नहीं: {len(self.not_qualified)}")
        lines += [f"  {pid}: {why}" for pid, why in sorted(self.not_qualified.items())]
        return "\n".join(lines)


_FONTS: dict[str, object] = {}  # per process: the static font's path and its characters (inherited by forks)


def deva_font() -> Path:
    """The Devanagari font the certificates embed: a static Regular instance of Noto Sans Devanagari.

    The packaged font is variable (weight, width). fpdf2 parses and subsets the embedded fonts for every PDF it
    writes, and the variation tables made that most of a certificate's time; the static instance (the
    default axes, so the same outlines and the same GSUB/GPOS for HarfBuzz) is made once, in a second or
    three, and kept in `<camp>/cache/` under a name that changes with the font package and fontTools.
    """
    import fontTools

    from camp.charts import font_file

    src = font_file()
    st = src.stat()
    key = hashlib.sha256(f"{src}|{st.st_size}|{st.st_mtime_ns}|{fontTools.version}".encode()).hexdigest()[:12]
    target = paths.home() / "cache" / f"NotoSansDevanagari-Regular-{key}.ttf"
    if _FONTS.get("path") == target and target.exists():
        return target
    if not target.exists():
        from fontTools.ttLib import TTFont
        from fontTools.varLib import instancer

        font = TTFont(str(src))
        if "fvar" in font:
            axes = {axis.axisTag: axis.defaultValue for axis in font["fvar"].axes}
            font = instancer.instantiateVariableFont(font, axes, static=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        font.save(str(tmp))
        os.replace(tmp, target)  # another process making it at the same time writes the same bytes
    from fontTools.ttLib import TTFont

    _FONTS["path"] = target
    _FONTS["chars"] = {chr(c) for c in TTFont(str(target), lazy=True).getBestCmap()}
    return target


def _pdf(text: str = ""):
    """An fpdf2 document with Noto Sans Devanagari, shaped by HarfBuzz. DejaVu Sans is added as the fallback
    only when `text` (the page's text) holds a character the Noto font lacks (e.g. é in a name): parsing and
    subsetting a font nobody uses cost as much as the rest of the certificate."""
    from fpdf import FPDF

    font = deva_font()
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("deva", fname=str(font))
    # HarfBuzz shapes from the font file, and the subset fpdf2 embeds has no layout tables: dropping GSUB, GPOS
    # and GDEF from fpdf2's in-memory copy spares the subsetter their glyph closure (about a third of a
    # certificate's time); the embedded font is byte for byte the same (tests/test_certificates.py).
    loaded = getattr(pdf.fonts.get("deva"), "ttfont", None)
    for table in ("GSUB", "GPOS", "GDEF"):
        if loaded is not None and table in loaded:
            del loaded[table]
    if set(text) - _FONTS["chars"] - {"\n"}:
        import matplotlib

        latin = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        pdf.add_font("latin", fname=str(latin))
        pdf.set_fallback_fonts(["latin"])
    pdf.set_text_shaping(True)
    return pdf


def _lines(person: dict, record: dict, code: str) -> list[tuple[int, str, int]]:
    """The certificate's lines: (space below, text, font size)."""
    return [
        (26, "प्रमाण पत्र", 22),
        (15, "Certificate of completion", 12),
        (14, "सोशल मीडिया और AI कैंप · Social Media & AI Camp", 12),
        (22, person["name"], 24),
        (12, f"{ROLE_HI.get(person['role'], person['role'])} / {person['role']} · {person['district']}", 12),
        (14, "ने ये मॉड्यूल पूरे किए / has completed these modules:", 11),
        (10, ", ".join(record["modules"]), 10),
        (12, f"अंक / score: {record['percent']:.1f}%", 11),
        (12, f"तारीख़ / date: {record['date']}", 11),
        (16, f"सत्यापन कोड / verification code: {code}", 11),
        (8, "जाँचें / check: camp verify " + code, 9),
    ]


def _page(pdf, lines: list[tuple[int, str, int]]) -> None:
    pdf.add_page()
    pdf.set_draw_color(30, 90, 150)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    y = 22
    for step, text, size in lines:
        pdf.set_font("deva", size=size)
        pdf.set_xy(15, y)
        pdf.cell(267, size * 0.6, text, align="C")
        y += step


def _render(jobs: list[tuple[dict, dict, str, str]]) -> None:
    for person, record, code, target in jobs:
        lines = _lines(person, record, code)
        pdf = _pdf("".join(text for _, text, _ in lines))
        _page(pdf, lines)
        pdf.output(target)


def render_all(jobs: list[tuple[dict, dict, str, str]], *, workers: int | None = None) -> None:
    """Write each (person, record, code, path) as a PDF; many at once are split over the CPU cores
    (fpdf2 parses and subsets the font for every PDF: most of a certificate's time)."""
    if jobs:
        deva_font()  # made (or found) once, before the workers fork
    workers = min(workers or os.cpu_count() or 1, max(1, len(jobs) // 10))
    if workers <= 1:
        _render(jobs)
        return
    import multiprocessing as mp

    with mp.get_context("fork").Pool(workers) as pool:
        pool.map(_render, [jobs[i::workers] for i in range(workers)])


def issue(
    *, out: Path, min_score: float = DEFAULT_MIN, modules: list[str] | None = None, date: str | None = None
) -> Outcome:
    """Write `<out>/<id>.pdf` for each participant who completed every chosen module (graded) with at least
    `min_score` % on average (each module weighing the same); the rest are listed with the reason."""
    from grader.roster import valid_id

    cohort = rep.load().filter(modules=modules)
    names = list(cohort.assignments["assignment"])
    date = date or dt.datetime.now(dt.timezone(dt.timedelta(hours=5, minutes=30))).strftime("%Y-%m-%d")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = _register_path()
    register = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    result = Outcome()
    by_student = {pid: frame for pid, frame in cohort.status.groupby("student")}
    jobs = []
    for person in cohort.people.to_dict("records"):
        pid = person["id"]
        rows = by_student.get(pid)
        if rows is None or not valid_id(pid):
            result.not_qualified[pid] = "not a roster id / रोस्टर में नहीं"
            continue
        missing = sorted(rows.loc[rows["status"] == rep.NOT_SUBMITTED, "assignment"])
        open_ = sorted(rows.loc[rows["status"].isin([rep.PENDING, rep.NOT_GRADED]), "assignment"])
        percent = float(rows["percent"].fillna(0).mean()) if len(rows) else 0.0
        why = []
        if missing:
            why.append(f"not submitted / जमा नहीं: {', '.join(missing)}")
        if open_:
            why.append(f"grading pending / जाँच बाक़ी: {', '.join(open_)}")
        if not missing and not open_ and percent < min_score:
            why.append(f"score {percent:.1f}% < {min_score:g}% / अंक कम")
        if why:
            result.not_qualified[pid] = "; ".join(why)
            continue
        record = {
            "id": pid,
            "name": person["name"],
            "role": person["role"],
            "district": person["district"],
            "modules": names,
            "percent": round(percent, 1),
            "date": date,
        }
        code = code_for(record)
        register[code] = record
        target = out / f"{pid}.pdf"
        jobs.append((person, record, code, str(target)))
        result.issued[pid] = target
    render_all(jobs)
    tmp = path.with_name(".certificates.json.tmp")
    tmp.write_text(json.dumps(register, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return result
