"""Plan a content calendar: check a goal, share posts among message pillars, lay them out over two weeks.

Example:
    >>> plan = build("2027-02-01", shares={"सेवा": 50, "जानकारी": 50}, platforms=["WhatsApp"])
    >>> len(plan), int((plan["pillar"] == "सेवा").sum())
    (14, 7)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from camp.lang import CampError

WEEKDAYS = ["सोम / Mon", "मंगल / Tue", "बुध / Wed", "गुरु / Thu", "शुक्र / Fri", "शनि / Sat", "रवि / Sun"]
COLUMNS = ["date", "weekday", "pillar", "platform", "event"]

_NUMBER = re.compile(r"[0-9०-९]")
_TIME_WORDS = re.compile(
    r"दिन|हफ़्त|हफ्त|सप्ताह|पखवाड़|महीन|माह|साल|वर्ष|तक|तारीख|जनवरी|फ़रवरी|फरवरी|मार्च|अप्रैल|मई|जून|जुलाई|"  # glossary: accepts variants (typed)
    r"अगस्त|सितंबर|सितम्बर|अक्टूबर|अक्तूबर|नवंबर|नवम्बर|दिसंबर|दिसम्बर|"
    r"\b(?:days?|weeks?|fortnight|months?|years?|by|until|before|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)
_SPECIFIC_WORDS = re.compile(
    r"whatsapp|facebook|instagram|youtube|\bx\b|twitter|व्हाट्सऐप|व्हाट्सएप|फ़ेसबुक|फेसबुक|इंस्टाग्राम|यूट्यूब|"  # glossary: accepts variants (typed)
    r"चैनल|ग्रुप|channel|group|reel|रील|shorts|"
    r"युवा|महिला|किसान|स्वयंसेवक|ग्रामीण|शहरी|गाँव|गांव|ज़िल|जिल|ब्लॉक|पंचायत|वार्ड|"
    r"youth|women|farmers|volunteers|rural|urban|village|district|block|panchayat|ward|"
    r"भोपाल|इंदौर|ग्वालियर|जबलपुर|सागर|सीहोर|विदिशा|रीवा|मंडला|झाबुआ",
    re.IGNORECASE,
)


def goal_checks(goal: str) -> dict[str, bool]:
    """Which of the checkable SMART parts a written goal has: S (who/where/which platform), M (a number),
    T (a time frame). A and R (achievable, relevant) need a person's judgement and are not checked here.

    Example:
        >>> goal_checks("अगले 2 हफ़्ते में सीहोर के व्हाट्सऐप चैनल पर 200 नए फ़ॉलोअर")
        {'S': True, 'M': True, 'T': True}
        >>> goal_checks("सोशल मीडिया पर ज़्यादा लोग")
        {'S': False, 'M': False, 'T': False}
    """
    text = str(goal or "")
    return {
        "S": bool(_SPECIFIC_WORDS.search(text)),
        "M": bool(_NUMBER.search(text)),
        "T": bool(_TIME_WORDS.search(text)),
    }


def pillar_counts(shares: Mapping[str, float], total: int) -> dict[str, int]:
    """Share `total` posts among pillars in proportion to `shares` (percentages or any weights).

    Rounds so that the counts always add up to `total` (largest remainder first).

    Example:
        >>> pillar_counts({"सेवा": 40, "जानकारी": 30, "आवाज़": 20, "सच": 10}, 14)
        {'सेवा': 6, 'जानकारी': 4, 'आवाज़': 3, 'सच': 1}
    """
    weights = {name: float(value) for name, value in shares.items()}
    if total < 0 or any(value < 0 for value in weights.values()) or sum(weights.values()) <= 0:
        raise CampError(
            "स्तंभों का हिस्सा शून्य से ज़्यादा होना चाहिए (कम से कम एक स्तंभ को कुछ हिस्सा दें)।",
            "The pillar shares must be above zero (give at least one pillar some share).",
        )
    whole = sum(weights.values())
    exact = {name: value / whole * total for name, value in weights.items()}
    counts = {name: int(value) for name, value in exact.items()}
    order = sorted(exact, key=lambda name: (-(exact[name] - counts[name]), list(exact).index(name)))
    for name in order[: total - sum(counts.values())]:
        counts[name] += 1
    return counts


def spread(counts: Mapping[str, int]) -> list[str]:
    """The pillars in an order that spreads each one evenly over the plan (not all of one in a row).

    Example:
        >>> spread({"A": 2, "B": 2, "C": 1})
        ['A', 'B', 'C', 'A', 'B']
    """
    slots = [((k + 0.5) / n, i, name) for i, (name, n) in enumerate(counts.items()) for k in range(n)]
    return [name for _, _, name in sorted(slots)]


def days(start, n: int = 14):
    """A table of `n` consecutive days from `start`: date and Hindi/English weekday.

    Example:
        >>> days("2027-02-01", 3)["weekday"].tolist()
        ['सोम / Mon', 'मंगल / Tue', 'बुध / Wed']
    """
    import pandas as pd

    try:
        dates = pd.date_range(pd.Timestamp(start).normalize(), periods=n, freq="D")
    except (ValueError, TypeError):
        raise CampError(
            f"'{start}' तारीख़ नहीं पहचानी; ऐसे लिखें: \"2027-02-01\" (साल-महीना-दिन)।",
            f"'{start}' is not a date I can read; write it like \"2027-02-01\" (year-month-day).",
        ) from None
    return pd.DataFrame({"date": dates, "weekday": [WEEKDAYS[d.weekday()] for d in dates]})


def _move_to_event_pillars(pillars: list[str], dates: list, events) -> None:
    """Give each event day's first post the event's pillar, by swapping with a later post of that pillar."""
    locked: set[int] = set()
    for date, pillar in sorted(zip(events["date"], events["pillar"])):
        if date not in dates:
            continue
        first = dates.index(date)
        if first in locked:
            continue
        if pillars[first] != pillar:
            later = [j for j in range(first + 1, len(pillars)) if pillars[j] == pillar and j not in locked]
            if not later:
                continue  # no post of that pillar left to move; the day keeps its pillar
            pillars[first], pillars[later[0]] = pillars[later[0]], pillars[first]
        locked.add(first)


def build(
    start,
    *,
    shares: Mapping[str, float],
    platforms: Sequence[str],
    posts_per_day: int = 1,
    n_days: int = 14,
    events=None,
    rest_days: Iterable[str] = (),
):
    """A content calendar: one row per planned post (date, weekday, pillar, platform, event).

    Pillars follow `shares` (see `pillar_counts`) and are spread evenly; platforms take turns.
    `events` (a table with `date`, `event_hi` and optionally `pillar`) adds the day's event to each of
    its posts, and where the event names a pillar the day's first post is moved to that pillar (swapped
    with a later post, so the pillar counts stay the same). Days whose weekday starts with one of
    `rest_days` (e.g. "रवि") get no posts.

    Example:
        >>> plan = build("2027-02-01", shares={"सेवा": 1}, platforms=["WhatsApp", "X"], posts_per_day=2,
        ...              n_days=2)
        >>> plan["platform"].tolist()
        ['WhatsApp', 'X', 'WhatsApp', 'X']
    """
    import pandas as pd

    if not platforms:
        raise CampError("कम से कम एक प्लैटफ़ॉर्म चुनें।", "Choose at least one platform.")
    if posts_per_day < 1:
        raise CampError("हर दिन कम से कम 1 पोस्ट रखें।", "Plan at least 1 post a day.")
    table = days(start, n_days)
    rest = tuple(rest_days)
    table = table[[not (rest and w.startswith(rest)) for w in table["weekday"]]]
    rows = table.loc[table.index.repeat(posts_per_day)].reset_index(drop=True)
    pillars = spread(pillar_counts(shares, len(rows)))
    rows["platform"] = [platforms[i % len(platforms)] for i in range(len(rows))]
    rows["event"] = ""
    if events is not None and len(events):
        found = events.assign(date=pd.to_datetime(events["date"]).dt.normalize())
        names = found.groupby("date")["event_hi"].apply(lambda s: "; ".join(map(str, s)))
        rows["event"] = rows["date"].map(names).fillna("")
        if "pillar" in found:
            _move_to_event_pillars(pillars, list(rows["date"]), found.dropna(subset=["pillar"]))
    rows["pillar"] = pillars
    return rows[COLUMNS]
