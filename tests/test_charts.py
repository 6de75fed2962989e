"""Charts show Hindi: the Devanagari font comes with the project's dependencies and is used for Hindi text."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from camp import charts  # noqa: E402

HINDI = "पोस्ट की संख्या भोपाल इंदौर"


def test_font_is_installed_by_a_python_dependency():
    """Is the font file inside site-packages (no apt step), and does it have Devanagari glyphs?"""
    path = charts.font_file()
    assert "site-packages" in str(path)
    font = FT2Font(str(path))
    assert all(font.get_char_index(ord(ch)) for ch in HINDI if not ch.isspace())


def test_hindi_chart_has_no_missing_glyphs(tmp_path):
    """Rendering a chart with Hindi labels warns of no missing glyph and picks the Devanagari font."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for boxes
        fig = charts.bar(["भोपाल", "इंदौर", "Gwalior"], [3, 5, 4], title=HINDI, ylabel="पोस्ट / posts")
        fig.savefig(tmp_path / "chart.png")
    assert (tmp_path / "chart.png").stat().st_size > 5000
    found = font_manager.findfont(
        font_manager.FontProperties(family=matplotlib.rcParams["font.sans-serif"][0])
    )
    assert found == str(charts.font_file())


def test_without_the_font_hindi_would_be_boxes(tmp_path):
    """The check above can fail: with only DejaVu Sans, Hindi glyphs are reported missing."""
    import matplotlib.pyplot as plt

    with (
        matplotlib.rc_context({"font.family": "DejaVu Sans"}),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title(HINDI)
        fig.savefig(tmp_path / "boxes.png")
        plt.close(fig)
    assert any("missing from font" in str(w.message) for w in caught)


def test_heatmap_labels_each_cell_and_marks_empty_ones(tmp_path):
    """Does the best-time heatmap write each cell's value and post count, and "—" where there are no posts?"""
    import pandas as pd

    values = pd.DataFrame(
        [[120.0, float("nan")], [80.0, 100.0]], index=["सोम", "मंगल"], columns=["सुबह", "शाम"]
    )
    counts = pd.DataFrame([[4, 0], [2, 7]], index=values.index, columns=values.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.heatmap(values, counts, title="पहुँच / reach")
        fig.savefig(tmp_path / "heat.png")
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["120\n(4)", "—", "80\n(2)", "100\n(7)"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["सोम", "मंगल"]
