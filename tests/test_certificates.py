"""Certificates: who qualifies (computed here), the PDF's text read back, conjuncts shaped when rendered, codes."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import stat

import pytest

from grader import cohortgen

NOW = dt.datetime(2026, 12, 10, 12, 0)
CONJUNCTS = ["क्ष", "त्र", "ज्ञ", "श्र"]


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("cert-camp")
        mp.setenv("CAMP_HOME", str(home))
        truth = cohortgen.generate(participants=16, assignments=3, items=4, seed=5, now=NOW)
        people = dict(truth.people)
        people["p0003"] = {**people["p0003"], "name": "क्षमा त्रिलोक ज्ञानेश श्रद्धा"}  # every conjunct
        import json

        (home / "roster.json").write_text(json.dumps(people, ensure_ascii=False), encoding="utf-8")
        truth.people = people
        from grader.cli import main

        out = home / "certs"
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert main(["certificates", "--out", str(out), "--min-score", "40"]) == 0
        yield truth, out, buffer.getvalue(), home


def qualified(truth) -> set[str]:
    """Every module graded and the mean percentage at least 40, from the generated truth alone."""
    keep = set()
    for pid in truth.people:
        subs = [truth.subs[(pid, a)] for a in truth.items]
        if all(s["state"] == "graded" for s in subs):
            mean = sum(
                100 * sum(s["scores"].values()) / sum(truth.items[a].values())
                for s, a in zip(subs, truth.items)
            ) / len(subs)
            if mean >= 40:
                keep.add(pid)
    return keep


def devanagari(text: str) -> str:
    """Only the Devanagari letters and spaces (fpdf2 maps some shaped glyph variants to stray ASCII)."""
    return " ".join("".join(ch for ch in text if "\u0900" <= ch <= "\u097f" or ch == " ").split())


def test_who_qualifies_and_why_not(issued):
    truth, out, printed, _ = issued
    want = qualified(truth)
    assert {p.stem for p in out.glob("*.pdf")} == want and want
    assert f"qualified / योग्य: {len(want)}" in printed
    for pid in set(truth.people) - want:
        line = next(line for line in printed.splitlines() if line.strip().startswith(pid + ":"))
        assert any(why in line for why in ("not submitted", "grading pending", "score"))


def test_pdf_text_reads_back_in_both_languages(issued):
    """Does the text extracted from each PDF hold the name, role, district, modules, date and code?"""
    import pypdf

    truth, out, _, _ = issued
    for pdf in out.glob("*.pdf"):
        text = pypdf.PdfReader(pdf).pages[0].extract_text()
        person = truth.people[pdf.stem]
        assert "Certificate of completion" in text and person["role"] in text
        assert ", ".join(sorted(truth.items)) in text
        assert devanagari(person["name"]) in devanagari(text) or person["name"] in text
        assert devanagari(person["district"]) in devanagari(text)
        assert "प्रमाण पत्र" in text
        assert "पूरे किए" in devanagari(text)  # ि drawn first, read back after its consonant
        code = re.search(r"CAMP-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", text).group(0)
        from grader.certificates import verify

        assert verify(code)["id"] == pdf.stem


def _ink_width(pdf_bytes: bytes) -> int:
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf_bytes)[0]
    image = page.render(scale=3).to_pil().convert("L")
    box = image.point(lambda v: 255 if v < 128 else 0).getbbox()
    return box[2] - box[0]


def _one_word(text: str, *, shaped: bool) -> bytes:
    from grader.certificates import _pdf

    pdf = _pdf()
    pdf.set_text_shaping(shaped)
    pdf.add_page()
    pdf.set_font("deva", size=40)
    pdf.set_xy(20, 20)
    pdf.cell(200, 30, text)
    return bytes(pdf.output())


@pytest.mark.parametrize("conjunct", CONJUNCTS)
def test_conjuncts_are_shaped_when_rendered(conjunct):
    """Rendered through the certificate's fonts, each conjunct is one narrow shape, not halant-joined letters."""
    shaped, unshaped = (
        _ink_width(_one_word(conjunct, shaped=True)),
        _ink_width(_one_word(conjunct, shaped=False)),
    )
    assert shaped < 0.8 * unshaped, (conjunct, shaped, unshaped)


def _ink(pdf_bytes: bytes):
    import numpy as np
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf_bytes)[0]
    return np.asarray(page.render(scale=3).to_pil().convert("L")) < 128


@pytest.mark.parametrize("syllable", ["कि", "शि", "टि", "फ़ि"])
def test_the_i_matra_is_drawn_before_its_consonant(syllable):
    """ि is typed after its consonant but drawn before it. Shaped, "कि" must look like its glyphs drawn in
    visual order (ि then क, unshaped) and unlike them in typed order (क then ि, what no reordering gives)."""
    consonant, matra = syllable[:-1], syllable[-1]
    shaped = _ink(_one_word(syllable, shaped=True))
    visual = _ink(_one_word(matra + consonant, shaped=False))
    typed = _ink(_one_word(syllable, shaped=False))
    to_visual, to_typed = int((shaped ^ visual).sum()), int((shaped ^ typed).sum())
    assert to_typed > 1000 and to_visual < 0.5 * to_typed, (syllable, to_visual, to_typed)


@pytest.mark.parametrize("word", ["प्रशिक्षण", "सर्टिफ़िकेट", "त्रिलोक", "किए"])
def test_words_with_the_i_matra_read_back_in_typed_order(word):
    """Text taken back out of the shaped PDF keeps ि after its consonant (a copy-paste or a search finds
    the word), though the glyph is drawn first. Only the letters are compared: fpdf2 puts stray control
    characters and pypdf a space between some shaped glyphs."""
    import pypdf

    text = pypdf.PdfReader(io.BytesIO(_one_word(word, shaped=True))).pages[0].extract_text()
    assert devanagari(text).replace(" ", "") == word, (word, text)


def test_the_embedded_font_is_the_one_fpdf2_embeds_with_the_layout_tables(tmp_path):
    """The certificates drop GSUB/GPOS/GDEF from fpdf2's in-memory font (HarfBuzz shapes from the file): the
    page must still be shaped and embed exactly the font subset it embeds when they are kept."""
    import pypdf
    from fpdf import FPDF

    from grader import certificates

    person = {"id": "p1", "name": "क्षमा त्रिलोक", "role": "worker", "district": "भोपाल"}
    record = {"modules": ["00-start-here"], "percent": 80.0, "date": "2026-12-10"}
    lines = certificates._lines(person, record, "CAMP-AAAA-BBBB-CCCC")

    def embedded(pdf) -> tuple[bytes, str]:
        certificates._page(pdf, lines)
        reader = pypdf.PdfReader(io.BytesIO(bytes(pdf.output())))
        (font,) = reader.pages[0]["/Resources"]["/Font"].values()
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        return descriptor["/FontFile2"].get_object().get_data(), reader.pages[0].extract_text()

    kept = FPDF(orientation="L", format="A4")
    kept.set_auto_page_break(False)
    kept.add_font("deva", fname=str(certificates.deva_font()))
    kept.set_text_shaping(True)
    stripped = certificates._pdf("".join(text for _, text, _ in lines))
    assert (
        "GSUB" not in stripped.fonts["deva"].ttfont
    )  # the shortcut is in place (else this test tests nothing)
    assert embedded(stripped) == embedded(kept)


def test_the_certificate_page_renders_the_conjunct_name(issued):
    """The real certificate of the participant named with every conjunct renders with ink (not blank)."""
    import pypdf

    _, out, _, _ = issued
    pdf = out / "p0003.pdf"
    if not pdf.exists():
        pytest.skip("p0003 did not qualify in this cohort")
    assert _ink_width(pdf.read_bytes()) > 500
    assert devanagari("क्षमा त्रिलोक ज्ञानेश श्रद्धा") in devanagari(pypdf.PdfReader(pdf).pages[0].extract_text())


def test_verify_accepts_the_real_code_and_rejects_edits(issued, capsys):
    """`camp verify`: the issued code passes; one changed character, or an edited record, fails."""
    import json

    from grader.cli import main

    _, _, _, home = issued
    register = json.loads((home / "certificates.json").read_text(encoding="utf-8"))
    code = next(iter(register))
    assert main(["verify", code]) == 0 and register[code]["name"] in capsys.readouterr().out
    last = code[-1]
    edited = code[:-1] + ("A" if last != "A" else "B")
    assert main(["verify", edited]) == 1
    assert "not a valid certificate" in capsys.readouterr().err
    register[code]["percent"] = 99.9  # someone edits the record to raise a score
    (home / "certificates.json").write_text(json.dumps(register, ensure_ascii=False), encoding="utf-8")
    assert main(["verify", code]) == 1


def test_secret_is_owner_only_and_never_in_the_output(issued):
    _, out, printed, home = issued
    key = home / "secret" / "certificate.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    secret = key.read_text(encoding="ascii").strip()
    assert secret not in printed
    assert all(secret.encode() not in p.read_bytes() for p in out.glob("*.pdf"))
