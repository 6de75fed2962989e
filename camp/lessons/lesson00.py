"""Lesson 00's widgets: a post-length counter and a chart with a slider."""

from __future__ import annotations

from camp import charts, platforms
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
