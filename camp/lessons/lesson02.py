"""Lesson 02's widgets: SMART goal checker, pillar balance sliders, your own events, calendar builder."""

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
#: The participant's own events, added with `event_adder()` (no code to edit); the builder and the plan use them.
#: It starts with one example, so a lesson run top to bottom shows how an added event looks.
EXAMPLE_EVENT = {"date": "2027-02-05", "event_hi": "मेरे ब्लॉक की बैठक (उदाहरण)", "pillar": "जानकारी"}
my_events: list[dict[str, str]] = [dict(EXAMPLE_EVENT)]
#: The calendar builders shown in this kernel, redrawn when an event is added.
_builders: list[Any] = []


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


def all_events(events: Any = None) -> Any:
    """The organisation's `events` (a table with date, event_hi, pillar …) and the participant's own
    (`my_events`), in one table.

    Example:
        >>> table = all_events()
        >>> table[["event_hi", "pillar"]].values.tolist()
        [['मेरे ब्लॉक की बैठक (उदाहरण)', 'जानकारी']]
    """
    import pandas as pd

    mine = pd.DataFrame(my_events, columns=["date", "event_hi", "pillar"])
    mine["date"] = pd.to_datetime(mine["date"])
    if events is None or len(events) == 0:
        return mine.reset_index(drop=True)
    return pd.concat([events, mine], ignore_index=True)


def add_event(date: Any, name: str, pillar: str) -> str:
    """Add one event of the participant's to `my_events`; the bilingual line to show (what was added, or what
    to fix).

    Example:
        >>> add_event(None, "बैठक", "सेवा").startswith("⚠️")
        True
    """
    import pandas as pd

    name = " ".join(str(name or "").split())
    if date is None:
        return "⚠️ तारीख़ चुनें। / Choose a date."
    if not name:
        return "⚠️ कार्यक्रम का नाम लिखें। / Write the event's name."
    if pillar not in PILLARS:
        return "⚠️ एक स्तंभ चुनें। / Choose a pillar."
    day = pd.Timestamp(date).strftime("%Y-%m-%d")
    my_events.append({"date": day, "event_hi": name, "pillar": pillar})
    return f"✅ जोड़ा गया / added: {day} · {name} · {pillar}"


def events_table() -> str:
    """The participant's own events as a small HTML table (date, name, pillar)."""
    from html import escape

    if not my_events:
        return "<i>अभी आपका कोई कार्यक्रम नहीं / no event of yours yet</i>"
    rows = "".join(
        f"<tr><td>{escape(e['date'])}</td><td>{escape(e['event_hi'])}</td><td>{escape(e['pillar'])}</td></tr>"
        for e in my_events
    )
    head = "<tr><th>तारीख़ / date</th><th>कार्यक्रम / event</th><th>स्तंभ / pillar</th></tr>"
    return f"<table>{head}{rows}</table>"


def event_adder() -> None:
    """Boxes for a date, an event's name and its pillar, and a button: the event joins `my_events`, which the
    calendar builder (redrawn at once) and the lesson's plan use. No code to edit."""
    import ipywidgets as w
    import pandas as pd

    date = w.DatePicker(value=pd.Timestamp("2027-02-07").date(), description="तारीख़ / date")
    name = w.Text(
        value="", placeholder="जैसे: गाँव में स्वास्थ्य शिविर", description="कार्यक्रम / event", layout=wide("70%")
    )
    pillar = w.Dropdown(options=PILLARS, value="सेवा", description="स्तंभ / pillar")
    add = w.Button(description="➕ जोड़ें / Add", button_style="primary")
    undo = w.Button(description="↩ आख़िरी हटाएँ / Remove the last")
    note = w.HTML()
    table = w.HTML(events_table())

    def redraw() -> None:
        table.value = events_table()
        for view in _builders:
            view.update()

    def on_add(_button=None) -> None:
        note.value = add_event(date.value, name.value, pillar.value)
        if note.value.startswith("✅"):
            name.value = ""
        redraw()

    def on_undo(_button=None) -> None:
        note.value = (
            f"↩ हटाया गया / removed: {my_events.pop()['event_hi']}"
            if my_events
            else "कुछ नहीं बचा / nothing left"
        )
        redraw()

    add.on_click(on_add)
    undo.on_click(on_undo)
    panel("event_adder", date, name, pillar, w.HBox([add, undo]), note, table, date=date, event_name=name,
          pillar=pillar, add=add, undo=undo, note=note, table=table)  # fmt: skip


def calendar_builder(events: Any = None) -> None:
    """Choose a start date, posts a day, platforms and a rest day: a two-week plan (pillar shares from
    `balance`, the day's event from `events` and the participant's own `my_events`), as a chart and a table."""
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
            start, shares=balance, platforms=list(chosen), posts_per_day=per_day, events=all_events(events),
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
    _builders[:] = [view]  # the latest one: an added event redraws it
    panel("calendar_builder", view, view=view, **controls)
