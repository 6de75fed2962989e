"""Lesson 09's widgets: the tour planner and its map, the meeting feedback reader, the "you said, we did" post
built from the organisation's record, the volunteer roster's consent check, the WhatsApp broadcast check and
the field-post sorter.

The rules are plain functions (`build_schedule`, `top_issues`, `said_did`, `may_add`, `broadcast_rules`),
tested on their own in `tests/test_lesson09.py`. Module 10 builds its tour with `build_schedule`.
"""

from __future__ import annotations

import html
import math
from functools import cache

from camp import charts, data
from camp.lessons import panel, sorter, wide

GREEN, RED, AMBER, GREY = "#127a2d", "#b3261e", "#b7791f", "#555"
DISTRICT = ("सीहोर", "Sehore")
HQ = ("ज़िला कार्यालय (सीहोर)", "district office (Sehore)")

# -- the lesson's made-up district (camp/data/09-*.csv) -----------------------------------------------------------


@cache
def _load(name: str):
    return data.load(name, dtype={"phone": str}) if name == "09-volunteers" else data.load(name)


def places():
    """The district table: 14 villages and town wards of Sehore (made-up figures), with their priority."""
    table = _load("09-places").copy()
    table["stay_hi"] = table["stay_hi"].fillna("")
    table["stay_en"] = table["stay_en"].fillna("")
    table["priority"] = priority(table)
    return table


def feedback():
    """What people said in the November meetings: one row per point raised, with how many agreed."""
    return _load("09-feedback").copy()


def record():
    """The organisation's record of what it did on each issue: who did it, its status and the proof."""
    table = _load("09-record").copy()
    table["evidence"] = table["evidence"].fillna("")
    return table


def roster():
    """The volunteer roster: role, age, how they joined, and what they agreed to (made-up people; phone numbers
    masked, as in lesson 08's register)."""
    table = _load("09-volunteers").copy()
    table["consent_date"] = table["consent_date"].dt.strftime("%Y-%m-%d").fillna("")
    for column in ("wa_consent", "purpose", "photo_consent"):
        table[column] = table[column].fillna("").astype(str)
    return table


# -- 1. the tour: which places, in what order, how long on the road, where to sleep ---------------------------------

#: The course's rule of thumb (not a rule of any authority): weeks since the last visit, plus two for each open
#: issue, plus five where no volunteer lives yet.
ISSUE_WEIGHT, NO_VOLUNTEER = 2, 5
#: Rural roads wind: the road is about 1.3 times the straight line, driven at about 30 km/h (made-up, adjustable).
ROAD_FACTOR, SPEED_KMH = 1.3, 30


def priority(table) -> list[int]:
    """Each place's priority: weeks since the last visit + 2 × open issues + 5 if it has no volunteer.

    Example:
        >>> priority(places()).iloc[0]  # doctest: +SKIP
        7
    """
    return [
        int(w + ISSUE_WEIGHT * i + (NO_VOLUNTEER if v == 0 else 0))
        for w, i, v in zip(table["weeks_since_visit"], table["open_issues"], table["volunteers"])
    ]


def travel_minutes(a: tuple[float, float], b: tuple[float, float], *, speed_kmh: float = SPEED_KMH) -> int:
    """Minutes on the road between two points (km east, km north), rounded up to 5 minutes.

    Example:
        >>> travel_minutes((0, 0), (30, 40))
        130
    """
    km = math.dist(a, b) * ROAD_FACTOR
    return 0 if km == 0 else 5 * math.ceil(km / speed_kmh * 60 / 5)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def build_schedule(
    table,
    *,
    days: int = 2,
    meeting_minutes: int = 90,
    day_start: str = "09:00",
    day_end: str = "19:00",
    speed_kmh: float = SPEED_KMH,
    stays=None,
    office: str = HQ[0],
):
    """A day-by-day tour of the places in `table`, in an order the road makes sense, and where to sleep.

    `table` is a pandas DataFrame with at least the columns `place`, `x_km` and `y_km` (km east and north of
    the district office, where the tour starts). Optional columns: `priority` (higher goes first; default 0),
    `meet_hi` (whom to meet) and `stay_hi` (a family that agreed to host a night; empty for none). Every row
    is a place to visit: choose the rows first (say, the highest `priority`). `stays` is a table of the same
    shape whose rows with a `stay_hi` are the beds (default: `table`'s own); `office` names the district office
    (at 0, 0), where the tour starts and where a night is spent when no host family is near.

    The rule: head for the most urgent place left (highest priority); on the way, stop at the nearest chosen
    place that costs at most half as much road again as going straight. A stop is made only if the meeting
    and the road to a bed still end by `day_end`. The night is at the nearest host family, or back at the
    district office.

    Returns a DataFrame with one row per stop: `day` (1, 2, …), `stop` (1, 2, … in the day; 0 for the night),
    `kind` ("meeting" or "night"), `place`, `arrive`, `leave` ("HH:MM"; empty for a night), `travel_min`
    (minutes on the road to get there), `km` (road km) and `meet` (whom to meet). `result.attrs["not_visited"]`
    lists the chosen places that did not fit.

    Example:
        >>> plan = build_schedule(places().nlargest(8, "priority"), days=3, stays=places())  # doctest: +SKIP
        >>> list(plan.place[:2])  # doctest: +SKIP
        ['वार्ड 12 (सीहोर शहर)', 'खजूरी']
    """
    import pandas as pd

    def text(row, column: str) -> str:
        value = getattr(row, column, "")
        return "" if value is None or value != value else str(value).strip()  # NaN != NaN

    beds = [(office, (0.0, 0.0))] + [
        (r.place, (float(r.x_km), float(r.y_km)))
        for r in (table if stays is None else stays).itertuples()
        if text(r, "stay_hi")
    ]
    todo = [
        (r.place, (float(r.x_km), float(r.y_km)), text(r, "meet_hi"), float(getattr(r, "priority", 0) or 0))
        for r in table.itertuples()
    ]
    rows: list[dict] = []
    home = (0.0, 0.0)

    def drive(a, b) -> int:
        return travel_minutes(a, b, speed_kmh=speed_kmh)

    def bed(point):
        return min(beds, key=lambda b: (drive(point, b[1]), b[0]))

    def next_stop(now):
        target = max(todo, key=lambda t: (t[3], -drive(now, t[1]), t[0]))
        straight = math.dist(now, target[1])
        on_way = [t for t in todo if math.dist(now, t[1]) + math.dist(t[1], target[1]) <= 1.5 * straight]
        return min(on_way or [target], key=lambda t: (drive(now, t[1]), t[0]))

    for day in range(1, days + 1):
        if not todo:
            break
        now, clock, stop = home, _minutes(day_start), 0
        while todo:
            place = next_stop(now)
            name, point, meet, _ = place
            road = drive(now, point)
            if clock + road + meeting_minutes + drive(point, bed(point)[1]) > _minutes(day_end):
                break
            stop += 1
            rows.append(
                dict(day=day, stop=stop, kind="meeting", place=name, arrive=_clock(clock + road),
                     leave=_clock(clock + road + meeting_minutes), travel_min=road,
                     km=round(math.dist(now, point) * ROAD_FACTOR, 1), meet=meet)
            )  # fmt: skip
            clock += road + meeting_minutes
            now = point
            todo.remove(place)
        if stop == 0:
            break  # not even the next place fits in a whole day: more days will not help
        night, home = bed(now)
        road = drive(now, home)
        rows.append(dict(day=day, stop=0, kind="night", place=night, arrive=_clock(clock + road), leave="",
                         travel_min=road, km=round(math.dist(now, home) * ROAD_FACTOR, 1), meet=""))  # fmt: skip
    columns = ["day", "stop", "kind", "place", "arrive", "leave", "travel_min", "km", "meet"]
    plan = pd.DataFrame(rows, columns=columns)
    plan.attrs["not_visited"] = [name for name, *_ in todo]
    return plan


def tour_days(plan, start_date: str) -> list[dict]:
    """The schedule as one dict a day, dated from `start_date` ("YYYY-MM-DD"), in the shape module 10's tour
    uses: `date`, `place` (the day's places, comma-separated), `meet_hi` (whom, "; "-separated), `travel_min`
    (the day's road minutes, the night's included) and `stay_hi` (where the night is).

    Example:
        >>> tour_days(build_schedule(places().nlargest(3, "priority"), days=1), "2027-03-02")[0]["date"]  # doctest: +SKIP
        '2027-03-02'
    """
    import datetime as dt

    first = dt.date.fromisoformat(start_date)
    days = []
    for day, part in plan.groupby("day"):
        meetings, nights = part[part.kind == "meeting"], part[part.kind == "night"]
        days.append(
            {
                "date": (first + dt.timedelta(days=int(day) - 1)).isoformat(),
                "place": ", ".join(meetings.place),
                "meet_hi": "; ".join(m for m in meetings.meet if m),
                "travel_min": int(part.travel_min.sum()),
                "stay_hi": nights.place.iloc[0] if len(nights) else "",
            }
        )
    return days


def schedule_html(plan) -> str:
    """The schedule as a table, a line per day with its time on the road, and the places left out."""
    rows = ""
    for r in plan.itertuples():
        if r.kind == "night":
            rows += (f"<tr style='background:#eef4ff'><td>{r.day}</td><td>🌙 रात / night</td><td><b>{html.escape(r.place)}</b></td>"
                     f"<td>{r.arrive}</td><td></td><td>{r.travel_min} मिनट / min</td><td></td></tr>")  # fmt: skip
        else:
            rows += (f"<tr><td>{r.day}</td><td>{r.stop}</td><td><b>{html.escape(r.place)}</b></td><td>{r.arrive}</td>"
                     f"<td>{r.leave}</td><td>{r.travel_min} मिनट / min</td><td>{html.escape(r.meet)}</td></tr>")  # fmt: skip
    days = ""
    for day, part in plan.groupby("day"):
        days += (f"<li>दिन {day}: {int((part.kind == 'meeting').sum())} बैठकें, सड़क पर {int(part.travel_min.sum())} मिनट / "
                 f"day {day}: {int((part.kind == 'meeting').sum())} meetings, {int(part.travel_min.sum())} min on the road</li>")  # fmt: skip
    left = plan.attrs.get("not_visited", [])
    left_line = (
        f"<p style='color:{AMBER}'>⚠️ इस प्रवास में नहीं / not in this tour: {html.escape(', '.join(left))} — "
        "एक दिन और जोड़ें या अगली बार / add a day, or next time</p>"
        if left
        else f"<p style='color:{GREEN}'>✅ चुनी हुई सब जगहें आ गईं / every chosen place fits</p>"
    )
    return (
        "<table><tr><th>दिन / day</th><th>क्रम / stop</th><th>जगह / place</th><th>पहुँचें / arrive</th>"
        "<th>निकलें / leave</th><th>रास्ता / road</th><th>किनसे मिलें / whom to meet</th></tr>"
        f"{rows}</table><ul>{days}</ul>{left_line}"
    )


DAY_COLOURS = ["#e07b00", "#1f77b4", "#127a2d", "#9c27b0", "#b3261e"]


def tour_map(plan=None, table=None, *, district: str = DISTRICT[0], show: bool = True):
    """A map-like chart: every place (km east and north of the office), the route of each day, the nights."""
    charts.setup()
    import matplotlib.pyplot as plt

    table = places() if table is None else table
    plan = build_schedule(table.nlargest(8, "priority"), days=2, stays=table) if plan is None else plan
    where = {r.place: (r.x_km, r.y_km) for r in table.itertuples()}  # anything else is the office, at 0, 0
    fig, ax = plt.subplots(figsize=(7.5, 6))
    ax.scatter(table.x_km, table.y_km, s=30, color="#bbb", zorder=1)
    for r in table.itertuples():
        ax.annotate(r.place.split(" (")[0], (r.x_km, r.y_km), fontsize=7, color="#666",
                    xytext=(4, 3), textcoords="offset points")  # fmt: skip
    ax.scatter([0], [0], marker="*", s=260, color="black", zorder=3, label="ज़िला कार्यालय")
    start = (0.0, 0.0)
    for day, part in plan.groupby("day"):
        colour = DAY_COLOURS[(day - 1) % len(DAY_COLOURS)]
        points = [start] + [where.get(p, (0.0, 0.0)) for p in part.place]
        ax.plot([p[0] for p in points], [p[1] for p in points], "-o", color=colour, lw=2, zorder=2,
                label=f"दिन {day}")  # fmt: skip
        start = points[-1]
        ax.scatter([start[0]], [start[1]], marker="^", s=160, color=colour, edgecolor="black", zorder=4)
    ax.scatter([], [], marker="^", s=100, color="white", edgecolor="black", label="रात का ठहराव")
    ax.set_xlabel("पूर्व की ओर (कि.मी.)")
    ax.set_ylabel("उत्तर की ओर (कि.मी.)")
    ax.set_title(f"{district} ज़िले का प्रवास: हर दिन का रास्ता")
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    if show:
        plt.show()
    return fig


def tour_planner() -> None:
    """Choose how many days, how many top-priority places and how long a meeting: the schedule and its map."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    table = places()
    days = w.IntSlider(value=2, min=1, max=4, description="दिन / days")
    count = w.IntSlider(value=8, min=1, max=len(table), description="जगहें / places")
    meeting = w.IntSlider(value=90, min=30, max=180, step=15, description="बैठक (मिनट) / meeting (min)")
    end = w.Dropdown(
        options=["17:00", "18:00", "19:00", "20:00"], value="19:00", description="दिन ख़त्म / day ends"
    )
    chosen, view, chart = w.HTML(), w.HTML(), w.Output()
    state: dict = {}

    def update(change=None) -> None:
        picked = table.nlargest(count.value, "priority")
        chosen.value = "<p><b>प्राथमिकता से चुनी जगहें / chosen by priority:</b> " + ", ".join(
            f"{html.escape(p)} ({n})" for p, n in zip(picked.place, picked.priority)) + "</p>"  # fmt: skip
        state["plan"] = plan = build_schedule(picked, days=days.value, meeting_minutes=meeting.value,
                                              day_end=end.value, stays=table)  # fmt: skip
        view.value = schedule_html(plan)
        chart.clear_output(wait=True)
        with chart:
            fig = tour_map(plan, table, show=False)
            display(fig)
            plt.close(fig)

    for box in (days, count, meeting, end):
        box.observe(update, names="value")
    update()
    panel("tour_planner", w.HBox([days, count]), w.HBox([meeting, end]), chosen, view, chart,
          days=days, count=count, meeting=meeting, end=end, view=view, state=state)  # fmt: skip


# -- 2. the meeting log: which three issues to act on ------------------------------------------------------------

ISSUES = {
    "water": ("पीने का पानी", "drinking water"),
    "road": ("सड़क", "roads"),
    "ration": ("राशन", "rations"),
    "health": ("स्वास्थ्य", "health"),
    "power": ("बिजली", "electricity"),
    "school": ("स्कूल", "schools"),
    "jobs": ("रोज़गार और पेंशन", "jobs and pensions"),
}
#: How to rank the issues: by rows in the log (loud meetings weigh most), by places, or by people who agreed.
RANKINGS = {
    "mentions": ("कितनी बार लिखा गया", "times written in the log"),
    "places": ("कितनी जगहों पर उठा", "places that raised it"),
    "people": ("कितने लोगों ने कहा", "people who said it"),
}


def top_issues(log, *, by: str = "places", n: int = 3):
    """The issues of a feedback log ranked `by` "places" (then people), "people" or "mentions"; the top `n`.

    Returns a DataFrame with columns issue, hi, en, mentions, places, people.

    Example:
        >>> list(top_issues(feedback()).issue)  # doctest: +SKIP
        ['water', 'ration', 'health']
    """
    counts = log.groupby("issue").agg(
        mentions=("issue", "size"), places=("place_id", "nunique"), people=("people", "sum")
    )
    order = {
        "places": ["places", "people"],
        "people": ["people", "places"],
        "mentions": ["mentions", "people"],
    }[by]
    counts = counts.sort_values(order, ascending=False, kind="stable").reset_index()
    counts.insert(1, "hi", [ISSUES[i][0] for i in counts.issue])
    counts.insert(2, "en", [ISSUES[i][1] for i in counts.issue])
    return counts.head(n)


def issues_html(log, by: str) -> str:
    ranked = top_issues(log, by=by, n=len(ISSUES))
    rows = ""
    for rank, r in enumerate(ranked.itertuples(), 1):
        style = " style='background:#e8f5e9;font-weight:bold'" if rank <= 3 else ""
        rows += (f"<tr{style}><td>{rank}</td><td>{r.hi} / {r.en}</td><td>{r.mentions}</td><td>{r.places}</td>"
                 f"<td>{r.people}</td></tr>")  # fmt: skip
    one_place = [r.hi for r in ranked.head(3).itertuples() if r.places == 1]
    warn = (
        f"<p style='color:{AMBER}'>⚠️ {', '.join(one_place)}: सिर्फ़ एक जगह की बात है — एक ज़ोरदार बैठक पूरे ज़िले की "
        "बात नहीं। / only one place raised it — one loud meeting is not the whole district.</p>"
        if one_place
        else ""
    )
    return (
        "<table><tr><th>#</th><th>मुद्दा / issue</th><th>बार / times</th><th>जगहें / places</th>"
        f"<th>लोग / people</th></tr>{rows}</table>{warn}"
    )


def issues_chart(log=None, *, by: str = "places", show: bool = True):
    """Bars: each issue by places and by times written in the log (Hindi labels); returns the figure."""
    charts.setup()
    import matplotlib.pyplot as plt

    log = feedback() if log is None else log
    ranked = top_issues(log, by=by, n=len(ISSUES))
    x = range(len(ranked))
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    bars_p = ax.bar([i - 0.2 for i in x], ranked.places, 0.4, label="कितनी जगहों पर", color="#127a2d")
    bars_m = ax.bar([i + 0.2 for i in x], ranked.mentions, 0.4, label="लॉग में कितनी बार", color="#bbb")
    ax.bar_label(bars_p)
    ax.bar_label(bars_m)
    ax.set_xticks(list(x), list(ranked.hi))
    ax.set_ylabel("गिनती")
    ax.set_title("बैठकों में उठे मुद्दे: कितनी जगहें बनाम कितनी बार")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    if show:
        plt.show()
    return fig


def feedback_reader() -> None:
    """The meeting log, ranked three ways: see which three issues come first, and why the count matters."""
    import ipywidgets as w

    log = feedback()
    by = w.ToggleButtons(options=[(f"{hi} / {en}", k) for k, (hi, en) in RANKINGS.items()], value="mentions",
                         description="गिनें / count")  # fmt: skip
    place = w.Dropdown(options=[("सब जगहें / all places", "")] + sorted({(p, p) for p in log.place}),
                       description="जगह / place")  # fmt: skip
    view, said = w.HTML(), w.HTML()

    def update(change=None) -> None:
        view.value = issues_html(log, by.value)
        part = log if not place.value else log[log.place == place.value]
        said.value = "<details><summary>लोगों ने क्या कहा / what people said</summary><ul>" + "".join(
            f"<li>{html.escape(r.place)} ({html.escape(r.group_hi)}, {r.people} लोग / people): "
            f"{ISSUES[r.issue][0]} — “{html.escape(r.said_hi)}”</li>" for r in part.itertuples()) + "</ul></details>"  # fmt: skip

    by.observe(update, names="value")
    place.observe(update, names="value")
    update()
    panel("feedback_reader", by, view, place, said, by=by, place=place, view=view, said=said)


# -- 3. "you said, we did": only what the record proves ---------------------------------------------------------


MONTHS_HI = "जनवरी फ़रवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर".split()


def said_did(
    issues: list[str], ticked: list[str], *, log=None, rec=None
) -> tuple[str, list[tuple[bool, str, str]]]:
    """The post for `issues` from the ticked record rows, and one line per ticked row: may it be claimed?

    A row may be claimed when it is done or under way and has proof. The one who did the work is named (the
    panchayat's work is not "ours"). An issue with nothing to show says so.

    Example:
        >>> text, checks = said_did(["water"], ["R1"])  # doctest: +SKIP
    """
    log = feedback() if log is None else log
    rec = record() if rec is None else rec
    counts = top_issues(log, n=len(ISSUES)).set_index("issue")
    lines = [f"🗣️➡️✅ आपने कहा, हमने किया — {DISTRICT[0]} ज़िला, नवंबर 2026"]
    checks: list[tuple[bool, str, str]] = []
    for issue in issues:
        places_n = int(counts.places.get(issue, 0))
        lines.append(f"\n🗣️ आपने कहा: {ISSUES[issue][0]} ({places_n} {'जगह' if places_n == 1 else 'जगहों'} पर)")
        rows = rec[(rec.issue == issue) & rec.id.isin(ticked)]
        for r in rows.itertuples():
            proof = r.evidence.strip()
            if r.status == "promised":
                checks.append((False, f"{r.id}: यह वादा है, किया हुआ काम नहीं — हटाएँ",
                               f"{r.id}: a promise, not work done — remove it"))  # fmt: skip
            elif not proof:
                checks.append((False, f"{r.id}: रिकॉर्ड में कोई सबूत नहीं — सबूत मिलने तक हटाएँ",
                               f"{r.id}: no proof in the record — leave it out until there is"))  # fmt: skip
            else:
                checks.append((True, f"{r.id}: सबूत है ({proof})", f"{r.id}: proof on file"))
            day = f"{r.date.day} {MONTHS_HI[r.date.month - 1]}" if hasattr(r.date, "day") else str(r.date)
            if r.status == "in_progress":
                lines.append(f"⏳ काम जारी ({r.place}, {day}): {r.action_hi}")
            elif r.status == "done":
                mark = "✅" if r.by == "us" else "🤝"
                lines.append(f"{mark} {r.place}, {day}: {r.action_hi}")
            else:
                lines.append(f"❓ {r.action_hi}")
            if proof:
                lines[-1] += f" (सबूत: {proof})"
        if rows.empty:
            lines.append("🔜 अभी हमारे पास दिखाने को कुछ नहीं; अगली बैठक में बताएँगे कि हम क्या कर सकते हैं।")
    lines.append("\nहर बात का सबूत सम्पर्क सेतु के ज़िला कार्यालय में देखा जा सकता है।")
    return "\n".join(lines), checks


def said_did_html(text: str, checks: list[tuple[bool, str, str]]) -> str:
    rows = "".join(
        f"<li style='color:{GREEN if ok else RED}'>{'✅' if ok else '❌'} {hi}<br><small>{en}</small></li>"
        for ok, hi, en in checks
    )
    bad = sum(not ok for ok, *_ in checks)
    verdict = (
        f"<b style='color:{GREEN}'>✅ हर दावे का सबूत है: छापने से पहले कोई दूसरा साथी पढ़ ले। / Every claim has "
        "proof: have a colleague read it before it goes out.</b>"
        if not bad
        else f"<b style='color:{RED}'>❌ {bad} बातें रिकॉर्ड से साबित नहीं: उन्हें हटाएँ। / {bad} claims the record does "
        "not prove: take them out.</b>"
    )
    return f"<pre style='white-space:pre-wrap;background:#f6f6f6;padding:6px'>{html.escape(text)}</pre><ul>{rows}</ul><p>{verdict}</p>"


def said_did_post() -> None:
    """Pick the three issues and tick the record's rows: the post, built only from what the record proves."""
    import ipywidgets as w

    log, rec = feedback(), record()
    first = list(top_issues(log, by="mentions").issue)
    options = [(f"{hi} / {en}", k) for k, (hi, en) in ISSUES.items()]
    picks = [
        w.Dropdown(options=options, value=k, description=f"मुद्दा {n} / issue {n}")
        for n, k in enumerate(first, 1)
    ]
    boxes = {
        r.id: w.Checkbox(
            value=True,
            description=f"{r.id} · {ISSUES[r.issue][0]} · {r.action_hi} / {r.action_en}",
            layout=wide(),
        )  # fmt: skip
        for r in rec.itertuples()
    }
    view = w.HTML()

    def update(change=None) -> None:
        chosen = list(dict.fromkeys(p.value for p in picks))
        for rid, box in boxes.items():
            box.layout.display = "" if rec.set_index("id").issue[rid] in chosen else "none"
        ticked = [rid for rid, box in boxes.items() if box.value]
        view.value = said_did_html(*said_did(chosen, ticked, log=log, rec=rec))

    for box in [*picks, *boxes.values()]:
        box.observe(update, names="value")
    update()
    panel("said_did_post", w.HBox(picks), *boxes.values(), view, picks=picks, boxes=boxes, view=view)


# -- 4. the volunteer roster: consent, purpose, age ------------------------------------------------------------

PURPOSES = {
    "updates": ("व्हाट्सऐप पर काम की ख़बरें", "work updates on WhatsApp"),
    "photo": ("पोस्ट की तस्वीर में दिखाना", "showing them in a post's photo"),
}


def may_add(person, purpose: str = "updates") -> tuple[bool, str, str]:
    """Whether the roster lets us use this person's number (purpose "updates") or photo ("photo"), and why.

    Example:
        >>> may_add(roster().iloc[0])[0]  # doctest: +SKIP
        True
    """
    if int(person["age"]) < 18:
        return (False, "18 साल से कम: बच्चे का डेटा — माता-पिता की सहमति के बिना नहीं (मौजूदा नियम जाँचें)",
                "Under 18: a child's data — not without a parent's consent (check the current rule)")  # fmt: skip
    if purpose == "photo":
        if person["photo_consent"] == "yes":
            return True, "तस्वीर के लिए सहमति है", "agreed to photos"
        return (
            False,
            "तस्वीर के लिए सहमति नहीं: पूछें, या चेहरा न दिखाएँ",
            "no consent to photos: ask, or show no face",
        )
    said = person["wa_consent"]
    if said == "withdrawn":
        return False, "सहमति वापस ले ली: सूची से तुरंत हटाएँ", "withdrew consent: remove from the list at once"
    if person["joined"] == "added_by_friend" or said != "yes":
        return (False, "ख़ुद हाँ नहीं कहा (किसी और ने नंबर दिया): पहले उनसे पूछें",
                "never said yes themself (someone else gave the number): ask them first")  # fmt: skip
    if not person["consent_date"]:
        return False, "सहमति की तारीख़ नहीं लिखी: रिकॉर्ड पूरा करें", "no date for the consent: complete the record"
    if person["purpose"] != "updates":
        return (False, "सहमति केवल बैठक की सूचना के लिए थी, ख़बरों के लिए नहीं",
                "agreed to meeting notices only, not to updates")  # fmt: skip
    return True, "ख़ुद हाँ कहा, तारीख़ और मक़सद लिखा है", "said yes themself, with a date and a purpose"


def roster_html(people, purpose: str) -> str:
    rows, yes = "", 0
    for _, p in people.iterrows():
        ok, hi, en = may_add(p, purpose)
        yes += ok
        rows += (f"<tr><td>{p['id']}</td><td>{html.escape(p['name'])}</td><td>{html.escape(p['place'])}</td>"
                 f"<td>{p['role_hi']} / {p['role_en']}</td><td style='color:{GREEN if ok else RED}'>{'✅' if ok else '❌'} "
                 f"{hi}<br><small>{en}</small></td></tr>")  # fmt: skip
    hi, en = PURPOSES[purpose]
    return (
        "<table><tr><th></th><th>नाम / name</th><th>जगह / place</th><th>भूमिका / role</th><th>"
        f"{hi} / {en}?</th></tr>{rows}</table><p><b>{yes} / {len(people)}</b> — "
        f"{hi}: {yes} लोग / people</p>"
    )


def roster_checker() -> None:
    """The roster, checked for one purpose (WhatsApp updates, or photos): who may be included, and why not."""
    import ipywidgets as w

    people = roster()
    purpose = w.ToggleButtons(options=[(f"{hi} / {en}", k) for k, (hi, en) in PURPOSES.items()], value="updates",
                              description="किस काम के लिए / for")  # fmt: skip
    view = w.HTML()

    def update(change=None) -> None:
        view.value = roster_html(people, purpose.value)

    purpose.observe(update, names="value")
    update()
    panel("roster_checker", purpose, view, purpose=purpose, view=view)


# -- 5. WhatsApp without spam -------------------------------------------------------------------------------

TOOLS = {
    "channel": ("व्हाट्सऐप चैनल (एकतरफ़ा)", "WhatsApp Channel (one-way)"),
    "community": ("कम्युनिटी का घोषणा ग्रुप", "a Community's announcement group"),
    "group": ("व्हाट्सऐप ग्रुप", "a WhatsApp group"),
    "bulk": ("बल्क संदेश भेजने वाला सॉफ़्टवेयर", "bulk-messaging software"),
}
#: WhatsApp groups hold up to 1,024 members (facts.md 3.3); the course's own rule of thumb is at most three
#: messages a week to a list people joined for updates.
GROUP_MAX, PER_WEEK = 1024, 3


def broadcast_rules(*, tool: str, members: int, opted_in: bool, per_week: int, opt_out_line: bool,
                    ask_forward: bool) -> list[tuple[bool, str, str]]:  # fmt: skip
    """Each rule for a WhatsApp broadcast plan: (met, Hindi line, English line)."""
    results = [
        (tool != "bulk",
         "बल्क या ऑटोमेटेड संदेश नहीं: व्हाट्सऐप ऐसे खाते बंद करता है, मक़सद चाहे जो हो",
         "No bulk or automated messaging: WhatsApp bans such accounts, whatever the purpose"),
        (opted_in, "सूची में केवल वे लोग जिन्होंने ख़ुद हाँ कहा (सहमति)", "Only people who said yes themselves (consent)"),
        (opt_out_line, "हर संदेश में निकलने का आसान तरीक़ा ('बंद' लिखें)",
         "Every message says how to leave, easily (reply 'STOP')"),
        (per_week <= PER_WEEK, f"हफ़्ते में {PER_WEEK} से ज़्यादा संदेश नहीं (कैंप का नियम; अभी {per_week})",
         f"No more than {PER_WEEK} messages a week (the camp's rule; now {per_week})"),
        (not ask_forward, "'सबको फ़ॉरवर्ड करें' न लिखें: जिन्होंने हाँ नहीं कहा, उन तक न पहुँचाएँ",
         "No 'forward to everyone': do not reach people who did not say yes"),
    ]  # fmt: skip
    if tool == "group":
        results.append((members <= GROUP_MAX, f"ग्रुप में ज़्यादा से ज़्यादा {GROUP_MAX:,} लोग (अभी {members:,})",
                        f"A group holds at most {GROUP_MAX:,} people (now {members:,})"))  # fmt: skip
    if tool == "community":
        results.append((True, "कम्युनिटी की सीमा पर स्रोत अलग-अलग हैं: मौजूदा नियम व्हाट्सऐप सहायता केंद्र में जाँचें",
                        "Sources disagree on a Community's limits: check the current rule in WhatsApp's Help Centre"))  # fmt: skip
    if tool == "channel":
        results.append((True, "चैनल में फ़ॉलोअर के नंबर एडमिन को नहीं दिखते: नंबरों की सूची रखनी ही नहीं पड़ती",
                        "A Channel hides followers' numbers from admins: no list of numbers to keep"))  # fmt: skip
    return results


def broadcast_html(results: list[tuple[bool, str, str]]) -> str:
    rows = "".join(
        f"<tr><td>{'✅' if ok else '❌'}</td><td>{hi}<br><small>{en}</small></td></tr>"
        for ok, hi, en in results
    )
    bad = sum(not ok for ok, *_ in results)
    verdict = (
        "✅ यह योजना स्पैम नहीं लगती; फिर भी मौजूदा नियम जाँचें। / This plan does not look like spam; still check the current rule."
        if not bad
        else f"❌ {bad} नियम पूरे नहीं: भेजने से पहले बदलें। / {bad} rules not met: change the plan before sending."
    )
    return f"<table>{rows}</table><p><b>{verdict}</b></p>"


def broadcast_check() -> None:
    """Describe a WhatsApp broadcast plan: each rule (consent, frequency, opt-out, no bulk tools), met or not."""
    import ipywidgets as w

    tool = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in TOOLS.items()], value="group",
                      description="कैसे / how")  # fmt: skip
    members = w.BoundedIntText(value=1200, min=1, max=100_000, description="लोग / people")
    opted = w.Checkbox(value=False, description="सबने ख़ुद हाँ कहा / all opted in")
    per_week = w.IntSlider(value=7, min=0, max=14, description="संदेश/हफ़्ता / per week")
    opt_out = w.Checkbox(value=False, description="'बंद' लिखकर निकलने की पंक्ति / opt-out line")
    forward = w.Checkbox(value=True, description="'सबको फ़ॉरवर्ड करें' लिखा / asks to forward")
    view = w.HTML()
    boxes = dict(tool=tool, members=members, opted=opted, per_week=per_week, opt_out=opt_out, forward=forward)

    def update(change=None) -> None:
        view.value = broadcast_html(broadcast_rules(tool=tool.value, members=members.value, opted_in=opted.value,
                                                    per_week=per_week.value, opt_out_line=opt_out.value,
                                                    ask_forward=forward.value))  # fmt: skip

    for box in boxes.values():
        box.observe(update, names="value")
    update()
    panel("broadcast_check", *boxes.values(), view, view=view, **boxes)


# -- 6. honest posts about field visits ----------------------------------------------------------------------

VERDICTS = {
    "ok": ("ठीक है", "fine"),
    "fix": ("बदलकर ठीक", "fine once fixed"),
    "never": ("कभी नहीं", "never"),
}
#: (post in Hindi, in English, verdict, why in Hindi, why in English)
FIELD_POSTS = [
    ("खजूरी की बैठक की तस्वीर, सबकी सहमति से; कैप्शन: '42 लोग आए, पानी पर बात हुई'",
     "A photo of the Khajuri meeting, everyone agreed; caption: '42 people came, we talked about water'", "ok",
     "सच्ची संख्या, सहमति से तस्वीर, और जो हुआ वही लिखा।",
     "The real number, a photo taken with consent, and only what happened."),
    ("स्कूल के बच्चों के चेहरे वाली तस्वीर, माता-पिता से पूछे बिना",
     "A photo showing schoolchildren's faces, without asking their parents", "fix",
     "18 साल से कम उम्र के बच्चों के लिए माता-पिता की सहमति लें, या ऐसी तस्वीर लें जिसमें चेहरे न दिखें।",
     "For children under 18 ask their parents, or take a photo where faces do not show."),
    ("हैंडपंप पहले से ठीक था, फिर भी उसके साथ तस्वीर: 'हमने हैंडपंप ठीक कराया'",
     "A handpump already working, photographed with us: 'we got the handpump repaired'", "never",
     "यह बनावटी दावा है: जो काम हमने नहीं किया, उसका श्रेय लेना लोगों से झूठ है।",
     "A staged claim: taking credit for work we did not do is lying to people."),
    ("'पूरा गाँव हमारे साथ' — जबकि 260 परिवारों में से 35 लोग बैठक में आए",
     "'The whole village is with us' — when 35 people from 260 households came", "fix",
     "असली संख्या लिखें: '35 लोग आए'। बढ़ा-चढ़ाकर लिखी बात पकड़ी जाती है और भरोसा टूटता है।",
     "Write the real number: '35 people came'. Inflated claims get caught and break trust."),
    ("पिछले साल के शिविर की तस्वीर, 'आज का शिविर' लिखकर",
     "Last year's camp photo, captioned 'today's camp'", "never",
     "असली तस्वीर को ग़लत संदर्भ में दिखाना भी ग़लत जानकारी है (पाठ 05)।",
     "Genuine photo, false context: that is misinformation too (lesson 05)."),
    ("जिस परिवार के घर रात रुके, उनकी रसोई की तस्वीर, उनसे पूछे बिना",
     "A photo of the host family's kitchen, without asking them", "fix",
     "मेज़बान के घर की तस्वीर उनकी इजाज़त से ही; न चाहें तो न डालें।",
     "A host's home only with their permission; if they say no, do not post it."),
]  # fmt: skip


def field_post_sorter() -> None:
    """For each field-visit post choose fine / fine once fixed / never; "Check" says which and why."""
    sorter("field_post_sorter", [(hi, en) for hi, en, *_ in FIELD_POSTS], VERDICTS, [item[2] for item in FIELD_POSTS],
           [(item[3], item[4]) for item in FIELD_POSTS])  # fmt: skip
