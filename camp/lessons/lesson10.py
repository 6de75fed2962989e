"""Lesson 10's widgets (the capstone): a two-week plan for one district, built from the participant's own earlier
answers where they exist (assignment 02's goal, pillars and rhythm; assignment 06's decisions and replies) and from
the example in `camp/data/10-capstone.json` where they do not, then checked against the camp's rules.

The rules reuse the camp's helpers: `camp.calendar` (the calendar), `camp.platforms` (post length),
`camp.metrics` (baselines), lesson 06 (the claim log, the truth sandwich), lesson 07 (the AI-label rules),
lesson 08 (the silence window, the consent-record checker) and lesson 09 (the tour planner). What is the
capstone's own (coverage, a post's checks, a tour day's checks, targets) is tested in `tests/test_lesson10.py`.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from camp import calendar, charts, metrics, paths, platforms
from camp.data import DATA_DIR
from camp.lessons import panel, wide

GREEN, RED, GREY = "#127a2d", "#b3261e", "#555"
PILLAR_COLOURS = {"सेवा": "#2e7d32", "जानकारी": "#1f77b4", "आवाज़": "#e07b00", "सच की जाँच": "#8e24aa"}
MONTH_HI = {1: "जनवरी", 2: "फ़रवरी", 3: "मार्च", 4: "अप्रैल", 5: "मई", 6: "जून", 7: "जुलाई", 8: "अगस्त",
            9: "सितंबर", 10: "अक्टूबर", 11: "नवंबर", 12: "दिसंबर"}  # fmt: skip


@cache
def example() -> dict:
    """The example plan: district, fortnight, assumed poll, calendar settings, five posts, people, tour."""
    return json.loads((DATA_DIR / "10-capstone.json").read_text(encoding="utf-8"))


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def _rows(results: list[tuple[bool, str, str]]) -> str:
    return "".join(f"<li>{_mark(ok)} {hi}<br><small>{en}</small></li>" for ok, hi, en in results)


# -- 1. the participant's earlier answers ------------------------------------------------------------------------


def earlier(assignment: str, *, folders: list[Path] | None = None) -> dict[str, Any]:
    """The answers the participant saved in an earlier assignment ("02-strategy", "06-answering"), or {}.

    Looks in the camp's work folder (`<camp>/my-work/<assignment>/answers.json`, where the panel fetches
    assignments) and beside the current folder (a notebook opened inside `my-work/10-capstone`). A missing or
    broken file gives {}: the capstone then uses the example.
    """
    from camp import answers

    places = folders or [paths.work_dir() / assignment, Path.cwd().parent / assignment]
    for folder in places:
        try:
            found = answers.load(folder)
        except (answers.AnswersFileError, OSError):  # broken, or a folder this kernel may not read
            continue
        if found:
            return found
    return {}


_SHARE = re.compile(
    r"([\u0900-\u097F][\u0900-\u097F ]{0,20}?|[A-Za-z][A-Za-z ]{0,20}?)\s*[:\-–=]?\s*(\d{1,3})\s*%"
)


def parse_shares(text: str) -> dict[str, int]:
    """The pillars and shares (%) a participant wrote, e.g. in assignment 02's plan ("सेवा 50%, जानकारी 30%").

    Example:
        >>> parse_shares("स्तंभ: सेवा 50%, जानकारी 30%, सच की जाँच 20%।")
        {'सेवा': 50, 'जानकारी': 30, 'सच की जाँच': 20}
    """
    found: dict[str, int] = {}
    for name, share in _SHARE.findall(str(text or "").translate(str.maketrans("०१२३४५६७८९", "0123456789"))):
        name = re.sub(r"^(?:स्तंभ|pillars?)\s*", "", name.strip(), flags=re.I).strip()
        if name and 0 < int(share) <= 100:
            found[name] = int(share)
    return found


_GOAL = re.compile(r"लक्ष्य|goal", re.I)
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def event_day(text: str, pillars=()) -> dict[str, str] | None:
    """The event day a participant planned in assignment 02's question 9 (its part 3: a date as year-month-day,
    the event, the pillar): {"date", "event_hi", "pillar"} ("" when no known pillar is named), or None.

    Example:
        >>> event_day("कार्यक्रम: 2027-03-07 (उदाहरण) स्वच्छता अभियान; स्तंभ सेवा; व्हाट्सऐप", ["सेवा"])
        {'date': '2027-03-07', 'event_hi': 'स्वच्छता अभियान', 'pillar': 'सेवा'}
    """
    import datetime as dt

    for line in str(text or "").translate(str.maketrans("०१२३४५६७८९", "0123456789")).splitlines():
        found = _ISO_DAY.search(line)
        if not found:
            continue
        try:
            day = dt.date(*map(int, found.groups())).isoformat()
        except ValueError:
            continue  # not a real date
        after = re.sub(r"^\s*\((?:उदाहरण|example)\)", "", line[found.end() :], flags=re.I)
        name = re.split(r"[;,।|]", after.strip(" \t—–-:"), maxsplit=1)[0].strip(" \t—–-:")
        pillar = next((p for p in sorted(pillars, key=len, reverse=True) if p and p in after), "")
        return {"date": day, "event_hi": name or "आपका कार्यक्रम", "pillar": pillar}
    return None


def _goal(text: str) -> str:
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    return next((line for line in lines if _GOAL.search(line)), lines[0] if lines else "")


def calendar_settings(saved: dict[str, Any] | None = None) -> dict[str, Any]:
    """Shares, platforms, posts a day and rest days for the plan: from assignment 02's answers where they exist
    (the plan of question 9: its pillar shares when they add up to about 100, outside the goal's line; the rhythm
    of question 3), else the example's; `source` says which, part by part.

    Example:
        >>> mine = calendar_settings({"q9_my_plan": "सेवा 60%, जानकारी 40%", "q3_date_range": "D"})
        >>> mine["shares"], mine["posts_per_day"]
        ({'सेवा': 60, 'जानकारी': 40}, 1)
    """
    saved = earlier("02-strategy") if saved is None else saved
    base = example()["example_calendar"]
    text = str(saved.get("q9_my_plan", ""))
    goal = _goal(text)
    shares = parse_shares("\n".join(line for line in text.splitlines() if not _GOAL.search(line)))
    if not 90 <= sum(shares.values()) <= 110:
        shares = {}  # not a pillar balance (a percentage in the goal, or shares not adding up): the example's
    rhythm = example()["date_range_choices"].get(str(saved.get("q3_date_range", "")))
    named = [
        p for p in ("WhatsApp", "Facebook", "Instagram", "YouTube") if re.search(rf"\b{p}\b", text, re.I)
    ]
    named += ["X"] if re.search(r"\bX\b(?! ?\d)", text) else []  # the platform, not "3 x 2"
    pillars = set(shares) | set(base["shares"])
    event = event_day(text, pillars)
    inside = event is not None and event["date"] in {d.strftime("%Y-%m-%d") for d in fortnight()}
    return {
        "shares": shares or dict(base["shares"]),
        "platforms": named or list(base["platforms"]),
        "posts_per_day": (rhythm or base)["posts_per_day"],
        "rest_days": list((rhythm or base)["rest_days"]),
        "goal": goal,
        "event": event,
        "source": {"pillars": "yours" if shares else "example", "rhythm": "yours" if rhythm else "example",
                   "platforms": "yours" if named else "example",
                   "event": "yours" if inside else "outside" if event else "example"},
    }  # fmt: skip


# -- 2. the calendar and the silence period ----------------------------------------------------------------------


def silence_window():
    """The 48 hours that end when polling closes (Section 126 of the RP Act, 1951), as two Timestamps
    (lesson 08's `silence_window` for the example's assumed poll)."""
    import pandas as pd

    from camp.lessons import lesson08

    start, end = lesson08.silence_window(example()["poll"]["close"])
    return pd.Timestamp(start), pd.Timestamp(end)


def in_silence(date, hour: int) -> bool:
    """Whether a post at `hour` o'clock on `date` goes out inside the silence period.

    Example:
        >>> in_silence("2027-03-09", 9), in_silence("2027-03-10", 9), in_silence("2027-03-11", 19)
        (False, True, False)
    """
    import pandas as pd

    start, end = silence_window()
    moment = pd.Timestamp(date).normalize() + pd.Timedelta(hours=int(hour))
    return bool(start <= moment < end)


def fortnight() -> list:
    """The plan's days (Timestamps)."""
    return list(calendar.days(example()["start"], example()["days"])["date"])


def day_label(day) -> str:
    """ "10 मार्च, बुध / 10 Mar, Wed" """
    import pandas as pd

    day = pd.Timestamp(day)
    weekday_hi, weekday_en = calendar.WEEKDAYS[day.weekday()].split(" / ")
    return f"{day.day} {MONTH_HI[day.month]}, {weekday_hi} / {day.day} {day.strftime('%b')}, {weekday_en}"


def day_options() -> list[tuple[str, str]]:
    """The fortnight as tick-box options: (label, "YYYY-MM-DD"), the day's example event beside it."""
    events = {e["date"]: e["event_hi"] for e in example()["events"]}
    return [(day_label(d) + (f" — {events[d.strftime('%Y-%m-%d')]}" if d.strftime("%Y-%m-%d") in events else ""),
             d.strftime("%Y-%m-%d")) for d in fortnight()]  # fmt: skip


def build_calendar(
    settings: dict[str, Any] | None = None, *, hour: int | None = None, skip_silence: bool = False
):
    """The fortnight's calendar (camp.calendar.build) with the posting hour and whether each post falls in the
    silence period; posts in it are kept, marked, so the check can show them, unless `skip_silence`."""
    import pandas as pd

    settings = settings or calendar_settings()
    events = pd.DataFrame(example()["events"])
    # her own event day from assignment 02, when it falls in the fortnight
    if settings.get("source", {}).get("event") == "yours":
        mine = {**settings["event"], "pillar": settings["event"]["pillar"] or None}
        events = pd.concat([events, pd.DataFrame([mine])], ignore_index=True)
    plan = calendar.build(example()["start"], shares=settings["shares"], platforms=settings["platforms"],
                          posts_per_day=settings["posts_per_day"], n_days=example()["days"], events=events,
                          rest_days=settings["rest_days"])  # fmt: skip
    plan["hour"] = example()["post_hour"] if hour is None else int(hour)
    plan["silence"] = [in_silence(d, h) for d, h in zip(plan["date"], plan["hour"])]
    return plan[~plan["silence"]].reset_index(drop=True) if skip_silence else plan


def coverage(post_days: list[str], *, hour: int | None = None) -> dict[str, Any]:
    """How a set of post days meets the two calendar rules: at least `min_post_days` of the days outside the
    silence period have a post, and no day inside it does (with posts at the plan's hour).

    Example:
        >>> coverage(["2027-03-01", "2027-03-10"])["silence_days"]
        ['2027-03-10']
    """
    hour = example()["post_hour"] if hour is None else hour
    days = {str(d)[:10] for d in post_days}
    quiet = [d.strftime("%Y-%m-%d") for d in fortnight() if in_silence(d, hour)]
    allowed = [d.strftime("%Y-%m-%d") for d in fortnight() if not in_silence(d, hour)]
    covered = sorted(days & set(allowed))
    return {
        "covered": covered,
        "allowed": allowed,
        "silence_days": sorted(days & set(quiet)),
        "quiet": quiet,
        "enough": len(covered) >= example()["min_post_days"],
    }


def coverage_html(result: dict[str, Any]) -> str:
    need = example()["min_post_days"]
    lines = [
        (result["enough"], f"मौन अवधि के बाहर {len(result['covered'])} दिन पोस्ट (कम से कम {need} चाहिए)",
         f"{len(result['covered'])} days with a post outside the silence period (at least {need} needed)"),
        (not result["silence_days"], f"मौन अवधि में पोस्ट वाले दिन: {', '.join(result['silence_days']) or 'कोई नहीं'}",
         f"Days with a post in the silence period: {', '.join(result['silence_days']) or 'none'}"),
    ]  # fmt: skip
    return f"<ul>{_rows(lines)}</ul>"


def plan_chart(plan=None, tour: list[dict] | None = None):
    """Bars: posts a day, by pillar, over the fortnight; the silence period shaded, the tour's days (default: the
    participant's own tour where she kept one, else lesson 09's planner's, `plan_tour`) marked (Hindi labels).
    Returns the figure."""
    charts.setup()
    import matplotlib.pyplot as plt
    import pandas as pd

    plan = build_calendar() if plan is None else plan
    tour = plan_tour()[0] if tour is None else tour
    days = fortnight()
    table = pd.crosstab(plan["date"], plan["pillar"]).reindex(index=days, fill_value=0)
    fig, ax = plt.subplots(figsize=(9, 3.8))
    bottom = [0] * len(days)
    for pillar in table.columns:
        values = list(table[pillar])
        ax.bar(range(len(days)), values, bottom=bottom, label=pillar, color=PILLAR_COLOURS.get(pillar, GREY))
        bottom = [b + v for b, v in zip(bottom, values)]
    quiet = [n for n, d in enumerate(days) if in_silence(d, example()["post_hour"])]
    if quiet:
        ax.axvspan(quiet[0] - 0.5, quiet[-1] + 0.5, color="#999", alpha=0.25, label="मौन अवधि")
    top = max(bottom + [1])
    for stop in tour:
        n = days.index(pd.Timestamp(stop["date"])) if pd.Timestamp(stop["date"]) in days else None
        if n is not None:
            ax.annotate("प्रवास", (n, top + 0.15), ha="center", fontsize=8, color="#6d4c41")
    ax.set_xticks(
        range(len(days)), [f"{d.day}\n{calendar.WEEKDAYS[d.weekday()].split(' / ')[0]}" for d in days]
    )
    ax.set_ylim(0, top + 0.8)
    ax.set_yticks(range(int(top) + 1))
    ax.set_ylabel("पोस्ट")
    ax.set_title(f"दो हफ़्ते की योजना: {example()['district']} — हर दिन की पोस्ट, स्तंभ के हिसाब से")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.show()
    return fig


def _source_line(settings: dict[str, Any]) -> str:
    says = {"yours": "✍️ आपका (असाइनमेंट 02) / yours (assignment 02)", "example": "📄 उदाहरण / example"}
    parts = [("स्तंभ / pillars", "pillars"), ("रोज़ पोस्ट और छुट्टी / rhythm", "rhythm"),
             ("प्लैटफ़ॉर्म / platforms", "platforms")]  # fmt: skip
    items = "".join(f"<li>{name}: {says[settings['source'][key]]}</li>" for name, key in parts)
    event, where = settings.get("event"), settings["source"].get("event", "example")
    if event and where == "yours":
        import pandas as pd

        weekday = calendar.WEEKDAYS[pd.Timestamp(event["date"]).weekday()]
        rest = any(weekday.startswith(r) for r in settings["rest_days"] if r)
        items += (f"<li>कार्यक्रम का दिन / event day: ✍️ {html.escape(event['date'])} {html.escape(event['event_hi'])} — "
                  "आपका (असाइनमेंट 02), कैलेंडर के कार्यक्रमों में जोड़ा / yours (assignment 02), added to the calendar's "
                  "events" + (" (छुट्टी का दिन: उस दिन पोस्ट नहीं / a rest day: no post that day)" if rest else "")
                  + "</li>")  # fmt: skip
    elif event:
        items += (f"<li>कार्यक्रम का दिन / event day: ✍️ {html.escape(event['date'])} {html.escape(event['event_hi'])} — "
                  "आपका, पर इन दो हफ़्तों से बाहर: जोड़ा नहीं / yours, but outside this fortnight: not added</li>")  # fmt: skip
    else:
        items += "<li>कार्यक्रम / events: 📄 उदाहरण / example</li>"
    goal = f"<p>🎯 {html.escape(settings['goal'])}</p>" if settings["goal"] else ""
    return f"{goal}<ul>{items}</ul>"


def calendar_planner(settings: dict[str, Any] | None = None) -> None:
    """The fortnight's calendar from your assignment 02 answers (or the example): change the posts a day, the
    rest day and the posting hour, and see coverage and the silence period checked at once."""
    import ipywidgets as w

    settings = settings or calendar_settings()
    per_day = w.IntSlider(value=settings["posts_per_day"], min=1, max=3, description="रोज़ पोस्ट / posts a day")
    rest = w.Dropdown(options=[("कोई नहीं / none", ""), ("रवि / Sun", "रवि")],
                      value="रवि" if "रवि" in settings["rest_days"] else "", description="छुट्टी / rest day")  # fmt: skip
    hour = w.IntSlider(value=example()["post_hour"], min=6, max=21, description="समय (बजे) / hour")
    skip = w.Checkbox(value=False, description="मौन अवधि में पोस्ट हटाएँ / drop posts in the silence period")
    source, view = w.HTML(_source_line(settings)), w.HTML()

    def update(change=None) -> None:
        chosen = {**settings, "posts_per_day": per_day.value, "rest_days": [rest.value] if rest.value else []}
        plan = build_calendar(chosen, hour=hour.value, skip_silence=skip.value)
        result = coverage(sorted({d.strftime("%Y-%m-%d") for d in plan["date"]}), hour=hour.value)
        rows = "".join(
            f"<tr style='background:{'#eee' if q else 'white'}'><td>{day_label(d)}</td><td>{p}</td><td>{pl}</td>"
            f"<td>{html.escape(e)}</td><td>{'⛔ मौन अवधि / silence' if q else ''}</td></tr>"
            for d, p, pl, e, q in zip(plan["date"], plan["pillar"], plan["platform"], plan["event"], plan["silence"])
        )  # fmt: skip
        view.value = coverage_html(result) + f"<table style='font-size:90%'>{rows}</table>"

    for box in (per_day, rest, hour, skip):
        box.observe(update, names="value")
    update()
    panel("calendar_planner", source, per_day, rest, hour, skip, view, per_day=per_day, rest=rest, hour=hour,
          skip=skip, view=view)  # fmt: skip


# -- 3. five posts, the AI label, consent -------------------------------------------------------------------------


def label_frame(label: dict[str, Any]) -> bytes:
    """A still frame of the AI-made post with its label drawn as described (words, % of the frame, place) and the
    entity in its metadata when named: lesson 08's `poster`, so lesson 08's checker can measure it."""
    from camp.lessons import lesson08

    place = label.get("place", "none")
    share = float(label.get("share", 0) or 0) if place != "none" else 0
    creator = "Sampark Setu (Vidisha team)" if label.get("entity_named") else ""
    return lesson08.poster(label=str(label.get("text", "")), share=share, place=place if share else "top",
                           creator=creator)  # fmt: skip


def label_results(post: dict[str, Any]) -> list[tuple[bool, str, str]]:
    """The AI-label rules (the ECI advisory of 24 October 2025 as the fact sheet states it) for an AI-made post:
    lesson 08's picture checker on the post's frame (`label_frame`), which measures the label's size, place and
    legibility from the pixels and applies lesson 07's rules."""
    from camp.lessons import lesson08

    label = post.get("label") or {}
    _, rules = lesson08.check_image(label_frame(label), kind=post.get("kind", "image"),
                                    label=str(label.get("text", "")),
                                    record_kept=bool(label.get("record_kept")))  # fmt: skip
    return rules


def post_checks(post: dict[str, Any]) -> list[tuple[bool, str, str]]:
    """Each rule for one planned post: (passes, Hindi, English): length on its platform, not in the silence
    period, the AI label (when AI helped), consent for people in the picture."""
    results = []
    key = str(post.get("platform", "")).lower()
    if key in platforms.PLATFORMS:
        fit = platforms.check(post.get("text", ""), key)
        results.append((fit.fits and not fit.too_many_hashtags,
                        f"{fit.name_hi}: लंबाई {fit.length}{' / ' + str(fit.max_chars) if fit.max_chars else ''}, हैशटैग {fit.hashtags}",
                        f"{fit.name_en}: length {fit.length}{' / ' + str(fit.max_chars) if fit.max_chars else ''}, hashtags {fit.hashtags}"))  # fmt: skip
    quiet = in_silence(post.get("date", ""), post.get("hour", example()["post_hour"]))
    results.append(
        (
            not quiet,
            "मौन अवधि के बाहर" if not quiet else "मौन अवधि में पोस्ट: दूसरी तारीख़ चुनें",
            "Outside the silence period" if not quiet else "In the silence period: pick another date",
        )
    )
    if post.get("ai"):
        results += label_results(post)
    if post.get("people"):
        results.append((bool(post.get("consent")),
                        "तस्वीर के लोगों की सहमति दर्ज है (बच्चों के लिए माता-पिता की)",
                        "Consent of the people in the picture is recorded (a parent's for children)"))  # fmt: skip
    return results


def post_checker(index: int = 3) -> None:
    """Pick one of the plan's five posts, edit it (text, date, label, consent) and see every rule checked; for the
    AI-made post, the frame with its label as drawn, which lesson 08's checker measures."""
    import ipywidgets as w

    posts = example()["posts"]
    pick = w.Dropdown(options=[(f"{p['id']}: {p['date']} · {p['platform']} · {p['pillar']}", n)
                               for n, p in enumerate(posts)], value=index - 1, description="पोस्ट / post")  # fmt: skip
    text = w.Textarea(layout=wide(height="70px"), description="पाठ / text")
    date = w.Dropdown(
        options=[(day_label(d), d.strftime("%Y-%m-%d")) for d in fortnight()], description="तारीख़ / date"
    )
    label = w.Text(description="लेबल / label", layout=wide("60%"))
    share = w.FloatSlider(min=0, max=30, step=1, description="आकार % / size %")
    place = w.Dropdown(options=[("ऊपर / top", "top"), ("बीच में / middle", "middle"), ("नीचे / bottom", "bottom"),
                                ("कहीं नहीं / nowhere", "none")], description="जगह / where")  # fmt: skip
    entity = w.Checkbox(description="संस्था का नाम कैप्शन में / entity named in caption")
    record = w.Checkbox(description="रिकॉर्ड रखा / record kept")
    consent = w.Checkbox(description="तस्वीर के लोगों की सहमति / consent of the people shown")
    frame = w.Image(format="png", layout=w.Layout(width="320px", display="none"))
    view = w.HTML()
    loading = [False]
    boxes = dict(text=text, date=date, label=label, share=share, place=place, entity=entity, record=record,
                 consent=consent)  # fmt: skip

    def current() -> dict[str, Any]:
        post = posts[pick.value]
        return {**post, "text": text.value, "date": date.value, "consent": consent.value,
                "label": {"text": label.value, "share": share.value, "place": place.value,
                          "entity_named": entity.value, "record_kept": record.value}}  # fmt: skip

    def update(change=None) -> None:
        if loading[0]:
            return  # a post is being loaded: one check once all its fields are in
        post = current()
        if post.get("ai"):  # the frame lesson 08's checker measures
            frame.value, frame.layout.display = label_frame(post["label"]), ""
        else:
            frame.layout.display = "none"
        results = post_checks(post)
        failed = sum(not ok for ok, *_ in results)
        verdict = ("✅ यह पोस्ट नियमों के अनुसार है / this post meets the rules" if not failed
                   else f"❌ {failed} नियम पूरे नहीं / {failed} rules not met")  # fmt: skip
        view.value = f"<ul>{_rows(results)}</ul><b>{verdict}</b>"

    def load(change=None) -> None:
        loading[0] = True
        post, lab = posts[pick.value], posts[pick.value].get("label") or {}
        text.value, date.value, consent.value = post["text"], post["date"], bool(post.get("consent"))
        label.value, share.value = lab.get("text", ""), float(lab.get("share", 0))
        place.value = lab.get("place", "none")
        entity.value, record.value = bool(lab.get("entity_named")), bool(lab.get("record_kept"))
        loading[0] = False
        update()

    pick.observe(load, names="value")
    for box in boxes.values():
        box.observe(update, names="value")
    load()
    panel("post_checker", pick, *boxes.values(), frame, view, pick=pick, frame=frame, view=view, **boxes)


def consent_problems(person: dict[str, Any], purpose: str) -> list[tuple[str, str]]:
    """Why a person's consent record does not cover `purpose` ("reminders": the camp-reminder WhatsApp list, or
    "photo"), as (Hindi, English) lines; none means it does. Lesson 08's consent-record checker (DPDP Act as
    the fact sheet states it: a clear yes of their own after a notice, for this purpose, not withdrawn; a parent's
    or guardian's consent for a child).

    Example:
        >>> consent_problems(example()["people"][1], "reminders")[0][1][:28]
        'Not a clear yes of their own'
    """
    from camp.lessons import lesson08

    return lesson08.consent_problems(person, purpose)


def may_use(people: list[dict[str, Any]] | None = None, purpose: str = "reminders") -> list[str]:
    """The ids of the people whose consent covers `purpose`.

    Example:
        >>> may_use()
        ['V1', 'V6']
    """
    people = example()["people"] if people is None else people
    return [p["id"] for p in people if not consent_problems(p, purpose)]


def consent_checker(purpose: str = "reminders") -> None:
    """The district's contact list: for a purpose (the camp-reminder WhatsApp list, a photo), whose consent covers
    it, and why not for the others."""
    import ipywidgets as w

    from camp.lessons import lesson08

    uses = {k: lesson08.USES[k] for k in ("reminders", "photo")}
    pick = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in uses.items()], value=purpose,
                      description="किस काम के लिए / purpose")  # fmt: skip
    view = w.HTML()

    def update(change=None) -> None:
        rows = ""
        for p in example()["people"]:
            problems = consent_problems(p, pick.value)
            why = (
                "<br>".join(f"{hi} / <small>{en}</small>" for hi, en in problems)
                or "सहमति ठीक / consent covers it"
            )
            rows += (f"<tr><td>{p['id']}</td><td>{p['name']} / {p['name_en']}</td><td>{p['age']}</td>"
                     f"<td>{lesson08.HOW[p['how']][0]} / <small>{lesson08.HOW[p['how']][1]}</small></td>"
                     f"<td>{_mark(not problems)} {why}</td></tr>")  # fmt: skip
        view.value = f"<table style='font-size:90%'>{rows}</table>"

    pick.observe(update, names="value")
    update()
    panel("consent_checker", pick, view, pick=pick, view=view)


# -- 4. the misinformation response plan ---------------------------------------------------------------------------


def my_claim_log() -> dict[str, Any]:
    """The participant's own claim log, as lesson 06's log tool keeps it in her answers file: in assignment 06's
    folder (the camp's work folder, or beside this notebook's folder) or in lesson 06's folder among her lessons.
    The one saved last wins. {"log": DataFrame or None, "where": "assignment", "lesson" or None, "saved": time}."""
    from camp.lessons import lesson06

    lesson_folder = (paths.lessons_dir() / "06-answering").resolve()
    found, seen = [], set()
    for folder in (paths.work_dir() / "06-answering", Path.cwd().parent / "06-answering", lesson_folder):
        try:
            folder = folder.resolve()
        except OSError:
            continue
        if folder in seen:
            continue
        seen.add(folder)
        log, saved = lesson06.saved_log(folder)
        if log is not None:
            found.append((saved, "lesson" if folder == lesson_folder else "assignment", log))
    if not found:
        return {"log": None, "where": None, "saved": ""}
    saved, where, log = max(found, key=lambda f: f[0])
    return {"log": log, "where": where, "saved": saved}


def response_plan(saved: dict[str, Any] | None = None, mine: dict[str, Any] | None = None) -> dict[str, Any]:
    """The claims to answer today, in order (lesson 06's rule: highest harm first), from the participant's own
    claim log where she saved one (`my_claim_log`), else the example log (`camp/data/claims.csv`); and her own
    truth-sandwich reply from assignment 06 (question 11), checked point by point. `log_source` says whose log,
    `source` whose reply and picks."""
    from camp.lessons import lesson06

    saved = earlier("06-answering") if saved is None else saved
    mine = my_claim_log() if mine is None else mine
    log = lesson06.claims() if mine.get("log") is None else mine["log"]
    due = lesson06.due_today(log)
    reply = str(saved.get("q11_truth_sandwich") or "")
    words = example()["reply_06"]
    chose = saved.get("q6_due_today") or []
    return {
        "due": list(due["id"]),
        "first": due.iloc[0]["id"] if len(due) else None,
        "table": due,
        "log_size": len(log),
        "log_source": mine.get("where") or "example",
        "log_saved": mine.get("saved", ""),
        "reply": reply,
        "reply_points": lesson06.sandwich(reply, tuple(words["fact"]), tuple(words["myth"])) if reply else {},
        "chose_06": list(chose) if isinstance(chose, list) else [],
        "source": "yours" if reply or chose else "example",
    }


def _log_line(plan: dict[str, Any]) -> str:
    """Which claim log the plan shows, said in both languages."""
    if plan["log_source"] == "example":
        return ("<p>📄 <b>उदाहरण लॉग</b> (camp/data/claims.csv): पाठ 06 या असाइनमेंट 06 में आपका सहेजा लॉग नहीं मिला। / "
                "<b>The example log</b> (camp/data/claims.csv): no log of yours was found saved in lesson 06 or "
                "assignment 06.</p>")  # fmt: skip
    where_hi, where_en = {"assignment": ("असाइनमेंट 06", "assignment 06"), "lesson": ("पाठ 06", "lesson 06")}[
        plan["log_source"]
    ]
    when = html.escape(plan["log_saved"][:10])
    return (f"<p>✍️ <b>आपका दावों का लॉग</b> ({where_hi} से, {plan['log_size']} दावे, सहेजा {when}) / <b>your claim "
            f"log</b> (from {where_en}, {plan['log_size']} claims, saved {when})</p>")  # fmt: skip


def _picks_06(chosen: list[str]) -> str:
    """Her picks in assignment 06's question 6, by letter and claim, said to be that question's own six claims."""
    names = example()["claims_06_q6"]
    picked = [(str(c).removeprefix("claim_").upper(), names.get(str(c), ["?", "?"])) for c in chosen]
    hi = "; ".join(f"{letter}: {html.escape(n[0])}" for letter, n in picked)
    en = "; ".join(f"{letter}: {html.escape(n[1])}" for letter, n in picked)
    return (f"<p>✍️ असाइनमेंट 06 के प्रश्न 6 में उसकी तालिका के छह दावों (A–F, इस लॉग के C-नंबर नहीं) में से आपने आज इनका "
            f"जवाब चुना था: {hi}। यहाँ भी वही नियम लगाएँ। / In assignment 06, question 6, of that question's six claims "
            f"(A–F, not this log's C numbers) you chose to reply today to: {en}. Apply the same rule here.</p>")  # fmt: skip


def _claim_rows(plan: dict[str, Any]) -> str:
    from camp.lessons import lesson06

    rows = "".join(f"<tr><td><b>{n}</b></td><td>{html.escape(str(r.id))}</td><td>{html.escape(str(r.district))}</td>"
                   f"<td>{html.escape(str(r.claim_hi))}</td><td>{r.groups}</td>"
                   f"<td>{lesson06.HARMS[r.harm][0].split(' (')[0]}</td></tr>"
                   for n, r in enumerate(plan["table"].itertuples(), 1))  # fmt: skip
    if not rows:
        return "<p>आज किसी दावे का जवाब बाक़ी नहीं / no claim needs a reply today</p>"
    return f"<b>आज जवाब, इस क्रम में / reply today, in this order</b><table style='font-size:90%'>{rows}</table>"


def claim_plan() -> None:
    """The claim log for the plan: what to answer today, in order (lesson 06's rule), from your own log where you
    saved one in lesson 06 or assignment 06 (a switch shows the example log too), else from the example log; and
    your own reply from assignment 06 checked against the five truth-sandwich points (or where to write one)."""
    import ipywidgets as w

    from camp.lessons import lesson06

    plans = {"mine": response_plan()}
    plans["example"] = (
        response_plan(mine={"log": None}) if plans["mine"]["log_source"] != "example" else plans["mine"]
    )
    plan = plans["mine"]
    mine = ""
    if plan["reply"]:
        mine += (f"<p>✍️ असाइनमेंट 06 का आपका जवाब / your reply from assignment 06:</p>"
                 f"<pre style='white-space:pre-wrap'>{html.escape(plan['reply'])}</pre>"
                 + lesson06.sandwich_html(plan["reply_points"]))  # fmt: skip
    else:
        mine += ("<p>📄 असाइनमेंट 06 (प्रश्न 11) का आपका जवाब नहीं मिला: अपना जवाब असाइनमेंट 10 (प्रश्न 12) में लिखें। / "
                 "Your reply from assignment 06 (question 11) was not found: write your reply in assignment 10 "
                 "(question 12).</p>")  # fmt: skip
    if plan["chose_06"]:
        mine += _picks_06(plan["chose_06"])
    choices = [("✍️ मेरा लॉग / my log", "mine"), ("📄 उदाहरण लॉग / the example log", "example")]
    which = w.ToggleButtons(options=choices, value="mine", description="लॉग / log")
    which.layout.display = "" if plan["log_source"] != "example" else "none"
    view = w.HTML()

    def show(change=None) -> None:
        shown_plan = plans[which.value]
        note = ""
        if which.value == "mine" and plan["log_source"] != "example":
            note = ("<p><small>असाइनमेंट 10 का प्रश्न 8 उदाहरण लॉग पर है: उसके लिए 'उदाहरण लॉग' चुनें। / Question 8 of "
                    "assignment 10 is about the example log: choose 'the example log' for it.</small></p>")  # fmt: skip
        view.value = _log_line(shown_plan) + note + _claim_rows(shown_plan) + mine

    which.observe(show, names="value")
    show()
    panel("claim_plan", which, view, which=which, view=view, plan=plan, plans=plans)


# -- 5. the tour ---------------------------------------------------------------------------------------------------


def tour_problems(stop: dict[str, Any]) -> list[tuple[str, str]]:
    """Why a tour day breaks a rule: too much travel, a public meeting in the silence period, photos of people
    without consent. None means the day is fine.

    Example:
        >>> [en for _, en in tour_problems({"date": "2027-03-10", "public": True, "travel_min": 60})]
        ['A public meeting in the silence period']
    """
    found = []
    limit = example()["max_travel_minutes"]
    if int(stop.get("travel_min", 0)) > limit:
        found.append((f"{stop['travel_min']} मिनट सफ़र: {limit} से ज़्यादा", f"{stop['travel_min']} minutes of travel: "
                      f"more than {limit}"))  # fmt: skip
    if stop.get("public") and any(in_silence(stop["date"], h) for h in range(8, 20)):
        found.append(("मौन अवधि में जनसभा", "A public meeting in the silence period"))
    if stop.get("photos") and not stop.get("consent"):
        found.append(("लोगों की तस्वीरें बिना सहमति", "Photos of people without consent"))
    return found


def tour_table(stops: list[dict[str, Any]] | None = None):
    """A tour as a table: day, place, whom to meet, travel, stay, and its problems (default: the colleague's
    first draft in the example, which has mistakes to find)."""
    import pandas as pd

    stops = example()["tour"] if stops is None else stops
    return pd.DataFrame([{**s, "problems": "; ".join(en for _, en in tour_problems(s))} for s in stops])


def planned_tour() -> list[dict[str, Any]]:
    """The plan's tour: lesson 09's planner (`build_schedule`, `tour_days`) over the example's Vidisha places,
    from the tour's first day, one dict a day (date, place, meet_hi, travel_min, stay_hi). No photos are
    planned, and no public meeting."""
    return build_tour()["days"]


#: The key of the participant's own tour (its settings) in the answers file beside the notebook (`camp.answers`).
TOUR_KEY = "my_tour"
TOUR_DEFAULTS = {"meeting_minutes": 90, "public": False, "photos": False, "consent": False}


def build_tour(
    start: str | None = None,
    days: int | None = None,
    chosen: list[str] | None = None,
    *,
    meeting_minutes: int = 90,
    public: bool = False,
    photos: bool = False,
    consent: bool = False,
) -> dict[str, Any]:
    """A tour of the chosen example places (default: all) built by lesson 09's planner from `start` for `days`
    days: {"days": one dict a day (date, place, meet_hi, travel_min, stay_hi, public, photos, consent),
    "not_visited": the chosen places that did not fit}.

    Example:
        >>> [d["date"] for d in build_tour("2027-03-05", 1, ["ग्यारसपुर"])["days"]]
        ['2027-03-05']
    """
    import pandas as pd

    from camp.lessons import lesson09

    places = pd.DataFrame(example()["tour_places"])
    picked = places if chosen is None else places[places["place"].isin(list(chosen))]
    if picked.empty:
        return {"days": [], "not_visited": []}
    plan = lesson09.build_schedule(picked, days=int(days or example()["tour_days"]),
                                   meeting_minutes=int(meeting_minutes), stays=places,
                                   office=example()["office"])  # fmt: skip
    tour = lesson09.tour_days(plan, start or example()["tour_start"])
    flags = {"public": bool(public), "photos": bool(photos), "consent": bool(consent)}
    return {
        "days": [{**day, **flags} for day in tour],
        "not_visited": list(plan.attrs.get("not_visited", [])),
    }


def tour_settings(value: Any) -> dict[str, Any] | None:
    """A saved tour's settings, checked (a start day in the fortnight, 1–4 days, known places, a meeting of
    30–180 minutes), or None when there is none or it cannot be used.

    Example:
        >>> tour_settings({"start": "2027-03-02", "days": 2, "chosen": ["कुरवाई"]})["meeting_minutes"]
        90
    """
    if not isinstance(value, dict):
        return None
    known = [p["place"] for p in example()["tour_places"]]
    days_ok = {d.strftime("%Y-%m-%d") for d in fortnight()}
    chosen = value.get("chosen")
    try:
        days, meeting = int(value.get("days")), int(value.get("meeting_minutes", 90))
    except (TypeError, ValueError):
        return None
    if (value.get("start") not in days_ok or not 1 <= days <= 4 or not 30 <= meeting <= 180
            or not isinstance(chosen, list) or not chosen or not set(chosen) <= set(known)):  # fmt: skip
        return None
    flags = {k: bool(value.get(k, False)) for k in ("public", "photos", "consent")}
    return {"start": value["start"], "days": days, "chosen": [p for p in known if p in chosen],
            "meeting_minutes": meeting, **flags}  # fmt: skip


def my_tour(folder: str | Path | None = None) -> dict[str, Any] | None:
    """The participant's own tour, kept with "keep this tour in my plan" in the answers file beside the notebook
    (`folder`), rebuilt by the planner: {"settings": ..., "days": ..., "not_visited": ...}, or None."""
    from camp import answers

    try:
        settings = tour_settings(answers.load(folder).get(TOUR_KEY))
    except (answers.AnswersFileError, OSError):
        return None
    if settings is None:
        return None
    built = build_tour(settings["start"], settings["days"], settings["chosen"],
                       **{k: settings[k] for k in TOUR_DEFAULTS})  # fmt: skip
    return {"settings": settings, **built}


def tour_text(days: list[dict[str, Any]]) -> str:
    """The tour as plain lines, one a day (date, places, whom to meet, road minutes, the night), to copy into
    assignment 10's question 13."""
    lines = []
    for d in days:
        flags = []
        if d.get("public"):
            flags.append("जनसभा / public meeting")
        if d.get("photos"):
            flags.append(
                "तस्वीरें: "
                + ("सहमति से / photos: with consent" if d.get("consent") else "सहमति नहीं / photos: no consent")
            )
        lines.append(f"{day_label(d['date'])}: {d['place']} — मिलना / meet: {d['meet_hi'] or '—'} — सफ़र / road: "
                     f"{d['travel_min']} मिनट / min — रात / night: {d['stay_hi'] or '—'}"
                     + (f" — {'; '.join(flags)}" if flags else ""))  # fmt: skip
    return "\n".join(lines)


def _tour_rows(days: list[dict[str, Any]]) -> str:
    rows = ""
    for d in days:
        problems = tour_problems(d)
        why = "<br>".join(f"{hi} / <small>{en}</small>" for hi, en in problems) or "ठीक / fine"
        rows += (f"<tr><td>{day_label(d['date'])}</td><td>{html.escape(d['place'])}</td><td>{html.escape(d['meet_hi'])}</td>"
                 f"<td>{d['travel_min']}</td><td>{html.escape(d['stay_hi'])}</td><td>{_mark(not problems)} {why}</td></tr>")  # fmt: skip
    head = ("<tr><th>दिन / day</th><th>जगह / places</th><th>किनसे मिलें / whom to meet</th><th>सफ़र (मिनट) / road (min)</th>"
            "<th>रात / night</th><th>नियम / rules</th></tr>")  # fmt: skip
    return f"<table style='font-size:90%'>{head}{rows}</table>"


def tour_builder(folder: str | Path | None = None) -> None:
    """Plan your own tour with lesson 09's planner: the first day, how many days, which places, how long a meeting,
    and whether there is a public meeting or photos; each day is checked by the tour rules, and the schedule is
    given as lines to copy into question 13. "Keep this tour in my plan" saves it in the answers file beside the
    notebook, so the plan's chart and check use it."""
    import ipywidgets as w

    from camp import answers

    saved = my_tour(folder)
    start_from = saved["settings"] if saved else {"start": example()["tour_start"], "days": example()["tour_days"],
                                                  "chosen": [p["place"] for p in example()["tour_places"]],
                                                  **TOUR_DEFAULTS}  # fmt: skip
    start = w.Dropdown(options=[(day_label(d), d.strftime("%Y-%m-%d")) for d in fortnight()],
                       value=start_from["start"], description="पहला दिन / first day")  # fmt: skip
    days = w.IntSlider(value=start_from["days"], min=1, max=4, description="दिन / days")
    ticks = {p["place"]: w.Checkbox(value=p["place"] in start_from["chosen"], indent=False,
                                    description=f"{p['place']} / {p['place_en']} (प्राथमिकता / priority {p['priority']}): "
                                                f"{p['meet_hi']}")
             for p in example()["tour_places"]}  # fmt: skip
    meeting = w.IntSlider(value=start_from["meeting_minutes"], min=30, max=180, step=15,
                          description="बैठक (मिनट) / meeting (min)")  # fmt: skip
    public = w.Checkbox(value=start_from["public"], description="जनसभा भी / a public meeting too")
    photos = w.Checkbox(value=start_from["photos"], description="लोगों की तस्वीरें लेंगे / we take photos of people")
    consent = w.Checkbox(
        value=start_from["consent"], description="तस्वीरों की सहमति ली / consent for the photos taken"
    )
    keep = w.Button(description="✔ यह प्रवास मेरी योजना में रखें / keep this tour in my plan", button_style="info")
    whose, view, note = w.HTML(), w.HTML(), w.HTML()
    state: dict[str, Any] = {}

    def settings() -> dict[str, Any]:
        return {"start": start.value, "days": days.value, "chosen": [k for k, box in ticks.items() if box.value],
                "meeting_minutes": meeting.value, "public": public.value, "photos": photos.value,
                "consent": consent.value}  # fmt: skip

    def update(change=None) -> None:
        chosen = settings()
        if not chosen["chosen"]:
            state["tour"] = {"days": [], "not_visited": []}
            view.value = f"<p style='color:{RED}'>कम से कम एक जगह चुनें / choose at least one place</p>"
            return
        state["tour"] = tour = build_tour(chosen["start"], chosen["days"], chosen["chosen"],
                                          **{k: chosen[k] for k in TOUR_DEFAULTS})  # fmt: skip
        bad = sum(bool(tour_problems(d)) for d in tour["days"])
        left = (f"<p style='color:#b7791f'>⚠️ इस प्रवास में नहीं / not in this tour: {html.escape(', '.join(tour['not_visited']))}"
                " — एक दिन और जोड़ें या बैठक छोटी करें / add a day or shorten the meetings</p>"
                if tour["not_visited"] else "")  # fmt: skip
        verdict = (f"<b style='color:{GREEN}'>✅ हर दिन नियमों के अनुसार / every day keeps the rules</b>" if not bad
                   else f"<b style='color:{RED}'>❌ {bad} दिन में दिक़्क़त / problems on {bad} day(s)</b>")  # fmt: skip
        view.value = (_tour_rows(tour["days"]) + left + verdict
                      + "<p>प्रश्न 13 में कॉपी करें / copy into question 13:</p>"
                      f"<pre style='white-space:pre-wrap'>{html.escape(tour_text(tour['days']))}</pre>")  # fmt: skip

    def show_whose(kept: bool) -> None:
        whose.value = ("<p>✍️ आपका प्रवास: योजना की जाँच और चार्ट इसी को लेते हैं / your tour: the plan's check and chart "
                       "use it</p>" if kept else
                       "<p>📄 उदाहरण: पाठ 09 के योजक का प्रवास (सब जगहें, 2 मार्च से 2 दिन) / the example: lesson 09's "
                       "planner's tour (every place, 2 days from 2 March)</p>")  # fmt: skip

    def on_keep(_=None) -> None:
        chosen = settings()
        if not chosen["chosen"]:
            note.value = f"<span style='color:{RED}'>कम से कम एक जगह चुनें / choose at least one place</span>"
            return
        try:
            answers.save(TOUR_KEY, chosen, folder)
        except OSError:
            note.value = (f"<span style='color:{RED}'>सहेजा नहीं जा सका: नोटबुक अपने फ़ोल्डर से खोलें / could not "
                          "save: open the notebook from your own folder</span>")  # fmt: skip
            return
        note.value = (f"<span style='color:{GREEN}'>✅ सहेजा गया: योजना की जाँच फिर चलाएँ / saved: run the plan check "
                      "again</span>")  # fmt: skip
        show_whose(True)

    for box in (start, days, meeting, public, photos, consent, *ticks.values()):
        box.observe(update, names="value")
    keep.on_click(on_keep)
    update()
    show_whose(saved is not None)
    panel("tour_builder", whose, w.HBox([start, days]), w.VBox(list(ticks.values())), meeting,
          w.HBox([public, photos, consent]), view, keep, note, start=start, days=days, ticks=ticks, meeting=meeting,
          public=public, photos=photos, consent=consent, keep=keep, view=view, note=note, whose=whose,
          state=state)  # fmt: skip


def tour_checker() -> None:
    """A colleague's first draft of the tour: change a day's travel or move a meeting, and see the rules checked;
    below it, the tour lesson 09's planner makes for the same district, checked by the same rules."""
    import ipywidgets as w

    stops = [dict(s) for s in example()["tour"]]
    pick = w.Dropdown(
        options=[(f"{s['date']} · {s['place']}", n) for n, s in enumerate(stops)], description="दिन / day"
    )
    date = w.Dropdown(
        options=[(day_label(d), d.strftime("%Y-%m-%d")) for d in fortnight()], description="तारीख़ / date"
    )
    travel = w.IntSlider(min=0, max=420, step=15, description="सफ़र (मिनट) / travel (min)")
    view = w.HTML()
    days = "".join(
        f"<tr><td>{day_label(d['date'])}</td><td>{d['place']}</td><td>{html.escape(d['meet_hi'])}</td>"
        f"<td>{d['travel_min']}</td><td>{d['stay_hi']}</td><td>{_mark(not tour_problems(d))}</td></tr>"
        for d in planned_tour()
    )
    planned = (
        "<p><b>पाठ 09 के प्रवास-योजक की योजना / lesson 09's tour planner's schedule</b></p>"
        f"<table style='font-size:90%'>{days}</table>"
    )

    def show(change=None) -> None:
        rows = ""
        for s in stops:
            problems = tour_problems(s)
            why = "<br>".join(f"{hi} / <small>{en}</small>" for hi, en in problems) or "ठीक / fine"
            rows += (f"<tr><td>{day_label(s['date'])}</td><td>{s['place']}</td><td>{s['meet_hi']} / <small>"
                     f"{s['meet_en']}</small></td><td>{s['travel_min']}</td><td>{s['stay_hi']}</td>"
                     f"<td>{_mark(not problems)} {why}</td></tr>")  # fmt: skip
        view.value = (
            f"<p><b>पहला मसौदा / first draft</b></p><table style='font-size:90%'>{rows}</table>" + planned
        )

    loading = [False]

    def load(change=None) -> None:
        loading[0] = True  # the two controls take the picked day's values; that is not an edit
        date.value, travel.value = stops[pick.value]["date"], stops[pick.value]["travel_min"]
        loading[0] = False

    def edit(change=None) -> None:
        if not loading[0]:
            stops[pick.value].update(date=date.value, travel_min=travel.value)
            show()

    pick.observe(load, names="value")
    date.observe(edit, names="value")
    travel.observe(edit, names="value")
    load()
    show()
    panel(
        "tour_checker", pick, date, travel, view, pick=pick, date=date, travel=travel, view=view, stops=stops
    )


# -- 6. three metrics with targets ----------------------------------------------------------------------------------

METRICS = [
    ("er_reach", "एंगेजमेंट दर (पहुँच से), %", "engagement rate (by reach), %"),
    ("ctr", "क्लिक दर (CTR), %", "click-through rate (CTR), %"),
    ("reach", "एक पोस्ट की पहुँच", "reach of one post"),
]


def targets(district: str | None = None, uplift: float = 20):
    """The three metrics to watch: the district's median so far (posts.csv, camp.metrics formulas) and a target
    `uplift` % above it.

    Example:
        >>> round(float(targets(uplift=20).loc["er_reach", "target"]), 2)
        5.68
    """
    import pandas as pd

    from camp import data

    posts = metrics.add_rates(data.load("posts"))
    mine = posts[posts["district"] == (district or example()["district"])]
    rows = []
    for key, hi, en in METRICS:
        base = float(mine[key].median())
        rows.append(
            {"metric": key, "hi": hi, "en": en, "baseline": base, "target": base * (1 + uplift / 100)}
        )
    return pd.DataFrame(rows).set_index("metric")


def metric_planner() -> None:
    """Pick a district and how much better you aim to do: the three metrics' medians so far and their targets."""
    import ipywidgets as w

    from camp import data

    districts = sorted(set(data.load("posts")["district"]))
    pick = w.Dropdown(options=districts, value=example()["district"], description="ज़िला / district")
    uplift = w.IntSlider(value=20, min=0, max=100, step=5, description="सुधार % / better by %")
    view = w.HTML()

    def update(change=None) -> None:
        table = targets(pick.value, uplift.value)
        rows = "".join(f"<tr><td>{r.hi}<br><small>{r.en}</small></td><td>{r.baseline:,.2f}</td>"
                       f"<td><b>{r.target:,.2f}</b></td></tr>" for r in table.itertuples())  # fmt: skip
        view.value = ("<table><tr><th>मेट्रिक / metric</th><th>अब तक (मध्य) / median so far</th>"
                      f"<th>लक्ष्य / target</th></tr>{rows}</table>")  # fmt: skip

    pick.observe(update, names="value")
    uplift.observe(update, names="value")
    update()
    panel("metric_planner", pick, uplift, view, pick=pick, uplift=uplift, view=view)


# -- 7. the whole plan, checked ---------------------------------------------------------------------------------------


def plan_checks(
    settings: dict[str, Any] | None = None, posts: list[dict] | None = None
) -> list[tuple[bool, str, str]]:
    """One line per part of the plan: calendar coverage and no post in the silence period (the calendar keeps
    the rule: posts falling in it are dropped), each post's rules, the tour (lesson 09's planner)."""
    plan = build_calendar(settings, skip_silence=True)
    result = coverage(sorted({d.strftime("%Y-%m-%d") for d in plan["date"]}))
    lines = [
        (result["enough"], f"कैलेंडर: मौन अवधि के बाहर {len(result['covered'])} दिन पोस्ट",
         f"Calendar: {len(result['covered'])} days with a post outside the silence period"),
        (not result["silence_days"], "कैलेंडर: मौन अवधि में कोई पोस्ट नहीं", "Calendar: no post in the silence period"),
    ]  # fmt: skip
    for post in example()["posts"] if posts is None else posts:
        failed = [en for ok, _, en in post_checks(post) if not ok]
        if failed:
            lines.append((False, f"पोस्ट {post['id']}: {len(failed)} नियम अधूरे",
                          f"Post {post['id']}: {len(failed)} rules not met ({'; '.join(failed)})"))  # fmt: skip
        else:
            lines.append((True, f"पोस्ट {post['id']}: सब नियम पूरे", f"Post {post['id']}: all rules met"))
    tour, whose = plan_tour()
    bad = [day_label(s["date"]).split(" / ")[1] for s in tour if tour_problems(s)]
    name_hi, name_en = ("आपका प्रवास", "Your tour") if whose == "yours" else ("प्रवास", "Tour")
    lines.append((bool(tour) and not bad, f"{name_hi} ({len(tour)} दिन): " + ("नियमों के अनुसार" if not bad else f"{len(bad)} दिन में दिक़्क़त"),
                  f"{name_en} ({len(tour)} days): " + ("keeps the rules" if not bad else f"problems on {', '.join(bad)}")))  # fmt: skip
    return lines


def plan_tour() -> tuple[list[dict[str, Any]], str]:
    """The plan's tour and whose it is: the participant's own (`my_tour`, kept in the answers file beside this
    notebook) as "yours", else lesson 09's planner's on the example as "example"."""
    mine = my_tour()
    return (mine["days"], "yours") if mine else (planned_tour(), "example")


def plan_check() -> None:
    """The whole plan in one list: ✅ or ❌ for each part (calendar from your answers or the example; the claim log
    and the tour yours where you saved them); "check again" after a change elsewhere."""
    import ipywidgets as w

    view = w.HTML()
    again = w.Button(description="↻ फिर जाँचें / check again")

    def check(_=None) -> None:
        settings = calendar_settings()
        claims = response_plan()
        _, whose = plan_tour()
        parts = [_log_line(claims).replace("<p>", "<li>").replace("</p>", "</li>"),
                 "<li>प्रवास / tour: " + ("✍️ आपका / yours" if whose == "yours" else
                                          "📄 पाठ 09 के योजक का, उदाहरण पर / lesson 09's planner's, on the example") + "</li>"]  # fmt: skip
        view.value = (
            _source_line(settings) + f"<ul>{''.join(parts)}</ul><ul>{_rows(plan_checks(settings))}</ul>"
        )

    again.on_click(check)
    check()
    panel("plan_check", view, again, view=view, again=again)
