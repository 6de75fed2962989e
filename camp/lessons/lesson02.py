"""Lesson 02's widgets: SMART goal checker, pillar balance sliders, calendar builder."""

from __future__ import annotations

from typing import Any

from camp import calendar, charts
from camp.lessons import panel, wide

PILLARS = ["सेवा", "जानकारी", "आवाज़", "सच की जाँच"]
#: The pillar shares (%) chosen with `pillar_balance()`; the calendar builder and the lesson's plan use them.
balance: dict[str, int] = {"सेवा": 40, "जानकारी": 30, "आवाज़": 20, "सच की जाँच": 10}

EXAMPLE_GOAL = "अगले 2 हफ़्ते में सीहोर के व्हाट्सऐप चैनल पर 200 नए फ़ॉलोअर जोड़ना"
TIPS = {
    "S": "किसके लिए, कहाँ या किस प्लैटफ़ॉर्म पर? / for whom, where or on which platform?",
    "M": "एक संख्या जोड़ें / add a number",
    "A": "टीम से पूछें और फिर टिक करें / ask your team, then tick",
    "R": "संगठन के काम से जोड़ें / link it to your organisation's work",
    "T": "समय-सीमा जोड़ें, जैसे '2 हफ़्ते में' / add a time frame, e.g. 'in 2 weeks'",
}
PLATFORMS = ["WhatsApp", "Facebook", "Instagram", "YouTube", "X"]


def smart_lines(goal: str, achievable: bool, relevant: bool) -> str:
    """The checker's verdict: ✅ or ❌ with a tip for each SMART letter (A and R as the participant ticked).

    Example:
        >>> smart_lines("ज़्यादा लोग", False, False).count("❌")
        5
    """
    marks = calendar.goal_checks(goal)
    marks.update(A=achievable, R=relevant)
    return "<br>".join(
        f"{'✅' if marks[k] else '❌'} <b>{k}</b> {'' if marks[k] else TIPS[k]}" for k in "SMART"
    )


def smart_checker(goal: str = EXAMPLE_GOAL) -> None:
    """A box for a goal; S, M and T are checked as you type (Enter), A and R are ticked by you."""
    import ipywidgets as w

    box = w.Text(value=goal, continuous_update=False, layout=wide())
    achievable = w.Checkbox(description="A: हमारी टीम यह कर सकती है / our team can do it", indent=False)
    relevant = w.Checkbox(description="R: यह हमारे काम से जुड़ा है / it fits our work", indent=False)
    verdict = w.HTML()

    def update(change=None) -> None:
        verdict.value = smart_lines(box.value, achievable.value, relevant.value)

    for part in (box, achievable, relevant):
        part.observe(update, names="value")
    update()
    panel("smart_checker", box, achievable, relevant, verdict, box=box, achievable=achievable,
          relevant=relevant, verdict=verdict)  # fmt: skip


def pillar_balance() -> None:
    """Sliders for each pillar's share and the total posts; a chart of how many posts each pillar gets.

    The shares chosen are kept in `balance`, for the calendar builder and the lesson's plan.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt

    def show(seva: int, jankari: int, awaaz: int, sach: int, total: int) -> None:
        balance.update(zip(PILLARS, (seva, jankari, awaaz, sach)))
        if not any(balance.values()):
            print("कम से कम एक स्तंभ को कुछ हिस्सा दें। / Give at least one pillar some share.")
            return
        counts = calendar.pillar_counts(balance, total)
        charts.bar(list(counts), list(counts.values()), title=f"{total} पोस्ट: हर स्तंभ की कितनी", ylabel="पोस्ट")
        plt.show()

    sliders = {
        key: w.IntSlider(value=balance[pillar], min=0, max=100, step=5, description=label)
        for key, pillar, label in [
            ("seva", "सेवा", "सेवा %"),
            ("jankari", "जानकारी", "जानकारी %"),
            ("awaaz", "आवाज़", "आवाज़ %"),
            ("sach", "सच की जाँच", "सच %"),
        ]
    }
    sliders["total"] = w.IntSlider(value=14, min=7, max=42, description="कुल पोस्ट")
    view = w.interactive(show, **sliders)
    panel("pillar_balance", view, view=view, **sliders)


def day_pillar_chart(plan: Any, per_day: int) -> None:
    """A stacked bar chart: for each day of `plan`, how many posts of each pillar."""
    import matplotlib.pyplot as plt
    import pandas as pd

    charts.setup()
    table = pd.crosstab(plan["date"], plan["pillar"]).reindex(columns=PILLARS, fill_value=0)
    table.index = table.index.strftime("%d/%m")
    ax = table.plot(
        kind="bar",
        stacked=True,
        figsize=(9, 3.6),
        rot=0,
        title="हर दिन, हर स्तंभ की पोस्ट",
        xlabel="तारीख़",
        ylabel="पोस्ट",
    )
    ax.legend(title="स्तंभ", bbox_to_anchor=(1.01, 1), loc="upper left")
    ax.set_yticks(range(per_day + 1))
    plt.tight_layout()
    plt.show()


def calendar_builder(events: Any = None) -> None:
    """Choose a start date, posts a day, platforms and a rest day: a two-week plan (pillar shares from
    `balance`, the day's event from `events`), as a chart and a table."""
    import ipywidgets as w
    import pandas as pd
    from IPython.display import display

    def build(start, per_day: int, chosen: tuple, rest: str) -> None:
        if start is None or not chosen or not any(balance.values()):
            print(
                "तारीख़, कम से कम एक प्लैटफ़ॉर्म और स्तंभों का हिस्सा चुनें। / Choose a date, a platform and pillar shares."
            )
            return
        plan = calendar.build(
            start, shares=balance, platforms=list(chosen), posts_per_day=per_day, events=events,
            rest_days=["रवि"] if rest.startswith("रवि") else [],
        )  # fmt: skip
        day_pillar_chart(plan, per_day)
        display(plan)

    controls = {
        "start": w.DatePicker(value=pd.Timestamp("2027-02-01").date(), description="शुरुआत"),
        "per_day": w.IntSlider(value=2, min=1, max=3, description="रोज़ पोस्ट"),
        "chosen": w.SelectMultiple(options=PLATFORMS, value=["WhatsApp", "Facebook"], description="प्लैटफ़ॉर्म"),
        "rest": w.Dropdown(options=["कोई नहीं / none", "रवि / Sun"], description="छुट्टी"),
    }
    view = w.interactive(build, **controls)
    panel("calendar_builder", view, view=view, **controls)
