"""Lesson 00's widgets: a post-length counter, a chart with a slider and the course glossary."""

from __future__ import annotations

from html import escape

from camp import charts, glossary, platforms
from camp.lessons import panel, wide

DAYS = ["सोम", "मंगल", "बुध", "गुरु", "शुक्र", "शनि", "रवि"]
POSTS = [2, 1, 3, 2, 4, 3, 1]
TITLE = "इस हफ़्ते रोज़ की पोस्ट / Posts per day this week"
EXAMPLE = "कल शाम 5 बजे सीहोर में स्वच्छता अभियान। आप भी आइए! #SamparkSetuCamp"


def count_text(text: str, limit: int = platforms.PLATFORMS["x"].max_chars) -> str:
    """The counter's line for `text`: characters out of the limit, and whether it fits.

    Example:
        >>> count_text("नमस्ते")
        '<b>6</b> / 280 वर्ण (characters) — ✅ सीमा के अंदर / within the limit'
    """
    n = len(text)
    verdict = "✅ सीमा के अंदर / within the limit" if n <= limit else "❌ बहुत लंबा / too long"
    return f"<b>{n}</b> / {limit} वर्ण (characters) — {verdict}"


def post_counter(text: str = EXAMPLE) -> None:
    """A box to type a post in, a bar and a count against X's 280-character limit, updated as you type."""
    import ipywidgets as w

    limit = platforms.PLATFORMS["x"].max_chars
    box = w.Textarea(value=text, layout=wide(height="80px"))
    meter = w.IntProgress(min=0, max=limit, layout=wide())
    count = w.HTML()

    def update(change=None) -> None:
        n = len(box.value)
        meter.value = min(n, limit)
        meter.bar_style = "success" if n <= limit else "danger"
        count.value = count_text(box.value, limit)

    box.observe(update, names="value")
    update()
    panel("post_counter", box, meter, count, box=box, meter=meter, count=count)


def week_chart() -> None:
    """This week's posts per day as a bar chart, then the same chart with a slider for Sunday."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    charts.bar(DAYS, POSTS, title=TITLE, ylabel="पोस्ट / posts")
    plt.show()

    def show_week(sunday: int) -> None:
        charts.bar(DAYS, POSTS[:-1] + [sunday], title=TITLE, ylabel="पोस्ट / posts")
        plt.show()

    slider = w.IntSlider(value=POSTS[-1], min=0, max=8, description="रवि / Sun")
    chart = w.interactive(show_week, sunday=slider)
    panel("week_chart", chart, slider=slider, chart=chart)


def glossary_rows(query: str = "") -> list[glossary.Term]:
    """The glossary's terms whose Hindi, English or definition contains `query` (all of them when empty).

    Example:
        >>> [t.en for t in glossary_rows("kernel")]
        ['kernel']
    """
    q = query.strip().casefold()
    return [
        t
        for t in glossary.load()
        if not q or any(q in part.casefold() for part in (t.hi, t.en, t.definition_hi, t.definition_en))
    ]


def glossary_table(query: str = "") -> str:
    """The matching terms as an HTML table (term, English, plain meaning in Hindi and English)."""
    rows = glossary_rows(query)
    if not rows:
        return "कोई शब्द नहीं मिला; छोटा शब्द लिखकर देखें / no term found; try a shorter word"
    body = "".join(
        f"<tr><td><b>{escape(t.hi)}</b></td><td>{escape(t.en)}</td>"
        f"<td>{escape(t.definition_hi)}<br><i>{escape(t.definition_en)}</i></td></tr>"
        for t in rows
    )
    head = "<tr><th>हिंदी</th><th>English</th><th>मतलब / meaning</th></tr>"
    return f"<table style='text-align:left'>{head}{body}</table>"


def glossary_lookup(query: str = "") -> None:
    """The course's words (camp/data/glossary.csv): type a Hindi or English word, see its plain meaning."""
    import ipywidgets as w

    box = w.Text(value=query, description="शब्द / word", placeholder="जैसे: सेल, kernel, पहुँच")
    table = w.HTML()

    def update(change=None) -> None:
        table.value = glossary_table(box.value)

    box.observe(update, names="value")
    update()
    panel("glossary_lookup", box, table, box=box, table=table)
