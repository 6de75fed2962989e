"""Charts that show Hindi correctly: a Devanagari font shipped as a Python dependency, registered once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

DEVANAGARI_FAMILY = "Noto Sans Devanagari"
#: Noto Sans Devanagari has no Latin letters, so a Latin font stays in the list as a fallback.
FAMILIES = [DEVANAGARI_FAMILY, "DejaVu Sans"]

_ready = False


def font_file() -> Path:
    """The Devanagari font file installed with the `fontpkg-noto-sans-devanagari` package."""
    import fontpkg_noto_sans_devanagari as pkg

    files = sorted((Path(pkg.ROOT) / "files").glob("*.ttf"))
    if not files:
        raise FileNotFoundError("Noto Sans Devanagari font file not found in fontpkg_noto_sans_devanagari")
    return files[0]


def setup() -> None:
    """Register the Devanagari font with matplotlib and make it the default (safe to call again)."""
    global _ready
    if _ready:
        return
    import matplotlib
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_file()))
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = FAMILIES + [
        f for f in matplotlib.rcParams["font.sans-serif"] if f not in FAMILIES
    ]
    matplotlib.rcParams["axes.unicode_minus"] = False
    _ready = True


def bar(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    color: str = "#1f77b4",
    horizontal: bool = False,
):
    """A simple bar chart with Hindi (or any) labels; returns the matplotlib Figure.

    Example:
        >>> fig = bar(["भोपाल", "इंदौर"], [120, 95], title="पोस्ट / Posts")  # doctest: +SKIP
    """
    setup()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6))
    (ax.barh if horizontal else ax.bar)(list(labels), list(values), color=color)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def line(x: Sequence, ys: dict[str, Sequence[float]], *, title: str = "", xlabel: str = "", ylabel: str = ""):
    """A line chart with one line per entry of `ys` (legend labels may be Hindi)."""
    setup()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6))
    for name, values in ys.items():
        ax.plot(list(x), list(values), marker="o", label=name)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def heatmap(values, counts=None, *, title: str = "", cmap: str = "YlGn"):
    """A grid chart of a table (rows × columns, e.g. weekday × time of day), each cell labelled with its value
    and, when `counts` (a table of the same shape) is given, the number of posts behind it; an empty cell
    (count 0) shows "—". Returns the matplotlib Figure.

    Example:
        >>> fig = heatmap(metrics.time_table(posts), metrics.time_table(posts, how="count"))  # doctest: +SKIP
    """
    setup()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    image = ax.imshow(values.to_numpy(dtype=float), cmap=cmap, aspect="auto")
    ax.set_xticks(range(values.shape[1]), labels=[str(c) for c in values.columns])
    ax.set_yticks(range(values.shape[0]), labels=[str(i) for i in values.index])
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            number = values.iloc[i, j]
            n = None if counts is None else int(counts.iloc[i, j])
            if n == 0 or number != number:  # no posts, or NaN
                label, colour = "—", "black"
            else:
                label = f"{number:.0f}" if n is None else f"{number:.0f}\n({n})"
                colour = "white" if image.norm(number) > 0.7 else "black"
            ax.text(j, i, label, ha="center", va="center", fontsize=8, color=colour)
    fig.colorbar(image, ax=ax)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
