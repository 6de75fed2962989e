"""Lesson 06's widgets: ignore/prebunk/debunk chooser, truth-sandwich checker, tipline claim log, reporting
routes, a reply to an attack built from the organisation's own record, comment triage, and the log's chart.
The participant's own claim log is kept in the answers file beside the notebook (`save_log`, `saved_log`), where
the capstone (lesson 10) finds it.

The rules the widgets apply are plain functions here (`choose`, `sandwich`, `due_today`, `routes`,
`record`, `reply_check`), tested on their own in `tests/test_lesson06.py`."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache

from camp import charts, data
from camp.lessons import panel, wide

GREEN, RED, AMBER, GREY = "#127a2d", "#b3261e", "#b7791f", "#555"
#: The day the practice claim log is read on (fixed, so the lesson gives the same answers every day).
TODAY = "2026-11-20"

# -- 1. ignore, prebunk or debunk ------------------------------------------------------------------------------
#: The course's rule of thumb (not a law or a study): when a false claim is worth answering in public.
MANY_GROUPS, MANY_ASKING, FAST_GROWTH = 50, 3, 20
HARMS = {
    "low": ("कम (असुविधा, मज़ाक़)", "low (inconvenience, a joke)"),
    "medium": ("मध्यम (पैसा, समय, संगठन की छवि)", "medium (money, time, the organisation's name)"),
    "high": ("ज़्यादा (सेहत, सुरक्षा, हिंसा, किसी समुदाय के ख़िलाफ़)", "high (health, safety, violence, against a community)"),
}  # fmt: skip
STAGES = {
    "spreading": ("फैल रहा है", "it is spreading"),
    "expected": ("अभी आया नहीं, पर आने वाला है (पहले भी आया था)", "not here yet, but expected (it came before)"),
}
DECISIONS = {
    "ignore": ("अनदेखा करें, पर नज़र रखें", "Ignore it, but keep watching", GREY),
    "prebunk": ("पहले से सावधान करें (प्रीबंकिंग)", "Prebunk: warn people in advance", AMBER),
    "debunk": ("खंडन करें: ट्रुथ सैंडविच से जवाब दें", "Debunk: answer with a truth sandwich", RED),
}


@dataclass(frozen=True)
class Decision:
    key: str
    hi: str
    en: str
    reasons: tuple[tuple[str, str], ...]


def choose(groups: int, new_24h: int, asked: int, harm: str, stage: str = "spreading") -> Decision:
    """Ignore, prebunk or debunk a false claim, from how far it spread, how fast, who asks and the harm.

    Example:
        >>> choose(3, 0, 0, "low").key
        'ignore'
    """
    why: list[tuple[str, str]] = []
    if stage == "expected":
        why.append(("दावा अभी फैला नहीं, पर उसका आना तय-सा है: पहले से तरीक़ा बताकर लोगों को तैयार करें",
                    "The claim is not out yet but is likely: prepare people by showing the trick in advance"))  # fmt: skip
        key = "prebunk"
    else:
        if harm == "high":
            why.append(("नुक़सान ज़्यादा है (सेहत, सुरक्षा या किसी समुदाय पर): छोटा दावा भी तुरंत जवाब माँगता है",
                        "The harm is high (health, safety or a community): even a small claim needs an answer now"))  # fmt: skip
        if groups >= MANY_GROUPS:
            why.append((f"{groups} ग्रुप तक पहुँच चुका ({MANY_GROUPS} या ज़्यादा): चुप रहने से वह अकेला बोलेगा",
                        f"It reached {groups} groups ({MANY_GROUPS} or more): silence leaves it alone"))  # fmt: skip
        if asked >= MANY_ASKING:
            why.append((f"{asked} लोग हमसे पूछ चुके ({MANY_ASKING} या ज़्यादा): लोग जवाब चाहते हैं",
                        f"{asked} people asked us ({MANY_ASKING} or more): people want an answer"))  # fmt: skip
        if harm == "medium" and new_24h >= FAST_GROWTH:
            why.append((f"एक दिन में {new_24h} नए ग्रुप और नुक़सान मध्यम: तेज़ी से फैल रहा है",
                        f"{new_24h} new groups in a day and medium harm: it is spreading fast"))  # fmt: skip
        key = "debunk" if why else "ignore"
        if not why:
            why.append(("पहुँच कम, कोई नहीं पूछ रहा, नुक़सान कम: जवाब देने से दावा और लोगों तक पहुँचेगा। लॉग में लिखें, रोज़ देखें",
                        "Small reach, nobody asking, low harm: a reply would carry the claim to more people. "
                        "Log it and look again every day"))  # fmt: skip
    hi, en, _ = DECISIONS[key]
    return Decision(key, hi, en, tuple(why))


def decision_html(d: Decision) -> str:
    colour = DECISIONS[d.key][2]
    reasons = "".join(f"<li>{hi}<br><small>{en}</small></li>" for hi, en in d.reasons)
    return (f"<div style='border-left:6px solid {colour};padding:6px 12px'>"
            f"<b style='color:{colour}'>👉 {d.hi} / {d.en}</b><ul>{reasons}</ul></div>")  # fmt: skip


def response_chooser() -> None:
    """Sliders for a claim's spread (groups, new groups in a day, people asking) and menus for harm and
    stage; says at once whether to ignore, prebunk or debunk, and why."""
    import ipywidgets as w

    pick = w.Dropdown(options=[("— अपने आँकड़े / your own figures —", "")]
                      + [(f"{r.id}: {r.claim_hi[:45]}…", r.id) for r in _claims().itertuples()],
                      value="", description="लॉग से / from the log", layout=wide())  # fmt: skip
    groups = w.IntSlider(value=10, min=0, max=150, description="कितने ग्रुप में / groups")
    new = w.IntSlider(value=2, min=0, max=60, description="24 घंटे में नए ग्रुप / new in 24 h")
    asked = w.IntSlider(value=0, min=0, max=20, description="कितनों ने हमसे पूछा / asked us")
    harm = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in HARMS.items()], value="low",
                      description="नुक़सान / harm", layout=wide("70%"))  # fmt: skip
    stage = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in STAGES.items()], value="spreading",
                       description="अभी / now", layout=wide("70%"))  # fmt: skip
    view = w.HTML()

    def update(change=None) -> None:
        view.value = decision_html(choose(groups.value, new.value, asked.value, harm.value, stage.value))

    def load(change=None) -> None:
        if pick.value:
            row = _claims().set_index("id").loc[pick.value]
            groups.value, new.value, asked.value = int(row.groups), int(row.new_24h), int(row.asked)
            harm.value, stage.value = row.harm, row.stage
        update()

    for box in (groups, new, asked, harm, stage):
        box.observe(update, names="value")
    pick.observe(load, names="value")
    update()
    panel("response_chooser", pick, groups, new, asked, harm, stage, view, pick=pick, groups=groups, new=new,
          asked=asked, harm=harm, stage=stage, view=view)  # fmt: skip


# -- 2. the truth sandwich ------------------------------------------------------------------------------------
#: Practice claims: words that carry the fact, words that carry the myth, and a first draft to improve.
SANDWICHES = {
    "C01": {
        "fact": ("31 दिसंबर", "31 december", "31 dec"),
        "myth": ("आज रात", "12 बजे", "रात 12", "tonight", "midnight"),
        "draft": "सेतु छात्रवृत्ति का फ़ॉर्म आज रात 12 बजे तक ही भरा जाएगा — यह झूठ है! कृपया आगे न भेजें।",
    },
    "C02": {
        "fact": ("नई", "सील", "new", "sealed"),
        "myth": ("पुरानी सुइ", "old needle", "पुरानी सुई"),
        "draft": "क्या रक्तदान शिविर में पुरानी सुइयाँ लगती हैं? नहीं! पुरानी सुइयों वाली बात ग़लत है। पुरानी सुइयों से डरें नहीं।",
    },
}
#: Words that show a reason or a source (why the myth is wrong).
REASON_WORDS = ("क्योंकि", "असल में", "आधिकारिक", "सूचना", "पत्र", "स्रोत", "लिंक", "देखें", "because", "in fact",
                "official", "notice", "letter", "source", "link", "see ", "http")  # fmt: skip
POINTS = [
    ("fact_first", "पहली पंक्ति में सच", "the fact comes first"),
    ("clean_first", "पहली पंक्ति में झूठ नहीं", "the lie is not in the first line"),
    ("myth_once", "झूठ एक बार, छोटे में", "the myth is named once, briefly"),
    ("why", "झूठ ग़लत क्यों है: कारण या स्रोत", "why it is wrong: a reason or a source"),
    ("fact_again", "आख़िर में सच दोबारा", "the fact again at the end"),
]
MAX_MYTH_LINE = 120


def sentences(text: str) -> list[str]:
    """A draft cut into sentences (at ।, ., !, ? followed by a space, and at line breaks)."""
    return [s.strip() for s in re.split(r"(?<=[।!?.|])\s+|\n+", text or "") if s.strip()]


def _has(sentence: str, words) -> bool:
    low = sentence.casefold()
    return any(word.casefold() in low for word in words)


def sandwich(text: str, fact: tuple[str, ...], myth: tuple[str, ...]) -> dict[str, bool]:
    """Which of the five truth-sandwich points a draft reply meets, {point: True/False}.

    Example:
        >>> sum(sandwich("अंतिम तिथि 31 दिसंबर है। 'आज रात' वाला संदेश ग़लत है, आधिकारिक पेज देखें। "
        ...              "फ़ॉर्म 31 दिसंबर तक भरें।", ("31 दिसंबर",), ("आज रात",)).values())
        5
    """
    parts = sentences(text)
    if not parts:
        return {key: False for key, *_ in POINTS}
    mythic = [n for n, s in enumerate(parts) if _has(s, myth)]
    after = parts[mythic[0] + 1 :] if mythic else parts[1:]
    return {
        "fact_first": _has(parts[0], fact),
        "clean_first": not _has(parts[0], myth),
        "myth_once": len(mythic) == 1 and len(parts[mythic[0]]) <= MAX_MYTH_LINE,
        "why": any(_has(s, REASON_WORDS) for s in (parts[mythic[0] :] if mythic else after)),
        "fact_again": len(parts) >= 2 and _has(parts[-1], fact) and not _has(parts[-1], myth),
    }


def sandwich_html(result: dict[str, bool]) -> str:
    rows = "".join(f"<li>{'✅' if result[key] else '❌'} {hi} / {en}</li>" for key, hi, en in POINTS)
    score = sum(result.values())
    colour = GREEN if score == len(POINTS) else AMBER if score >= 3 else RED
    return f"<b style='color:{colour}'>{score} / {len(POINTS)}</b><ul>{rows}</ul>"


def sandwich_checker() -> None:
    """Pick a practice claim, rewrite its first draft reply, and see the five points checked as you type."""
    import ipywidgets as w

    claims = _claims().set_index("id")
    pick = w.Dropdown(options=[(f"{k}: {claims.loc[k, 'claim_hi']}", k) for k in SANDWICHES],
                      description="दावा / claim", layout=wide())  # fmt: skip
    box = w.Textarea(layout=wide(height="120px"))
    facts, view = w.HTML(), w.HTML()

    def update(change=None) -> None:
        s = SANDWICHES[pick.value]
        view.value = sandwich_html(sandwich(box.value, s["fact"], s["myth"]))

    def load(change=None) -> None:
        row = claims.loc[pick.value]
        facts.value = (f"<small>झूठ / myth: <i>{html.escape(row.claim_hi)}</i> / {html.escape(row.claim_en)}<br>"
                       f"सच का सबूत / the evidence: {html.escape(row.evidence)}</small>")  # fmt: skip
        box.value = SANDWICHES[pick.value]["draft"]
        update()

    pick.observe(load, names="value")
    box.observe(update, names="value")
    load()
    panel("sandwich_checker", pick, facts, box, view, pick=pick, box=box, view=view)


# -- 3. the claim log -----------------------------------------------------------------------------------------
STATUSES = {
    "new": ("नया, अभी जाँचा नहीं", "new, not checked yet"),
    "false": ("जाँचा: झूठा", "checked: false"),
    "misleading": ("जाँचा: भ्रामक", "checked: misleading"),
    "true": ("जाँचा: सच", "checked: true"),
}


@cache
def _claims():
    return data.load("claims", dtype={"reply_sent": "string", "evidence": "string"}).fillna({"evidence": ""})


def claims() -> object:
    """The practice claim log (a pandas DataFrame; a copy you may change)."""
    return _claims().copy()


def _text(value) -> str:
    """A cell of the log as text ("" for an empty cell: NaN, None or pandas' NA)."""
    import pandas as pd

    return "" if value is None or pd.isna(value) else str(value).strip()


def with_decisions(log):
    """The log with two more columns: the chooser's decision and what it needs today
    ("reply", "check", or "")."""
    log = log.copy()
    log["decision"] = [choose(int(r.groups), int(r.new_24h), int(r.asked), r.harm, r.stage).key
                       for r in log.itertuples()]  # fmt: skip
    sent = log["reply_sent"].map(_text) != ""
    reply = log["status"].isin(["false", "misleading"]) & ~sent & (log["decision"] != "ignore")
    check = (log["status"] == "new") & (log["decision"] != "ignore")
    log["today"] = ""
    log.loc[reply, "today"] = "reply"
    log.loc[check, "today"] = "check"
    return log


def due_today(log):
    """The claims that need a reply today: checked false or misleading, not answered yet, and worth answering
    (the chooser says prebunk or debunk). Highest harm first, then the widest spread.

    Example:
        >>> list(due_today(claims())["id"])  # doctest: +SKIP
    """
    log = with_decisions(log)
    due = log[log["today"] == "reply"].copy()
    due["_harm"] = due["harm"].map({"high": 0, "medium": 1, "low": 2})
    return due.sort_values(["_harm", "groups"], ascending=[True, False]).drop(columns="_harm")


def log_html(log) -> str:
    log = with_decisions(log)
    marks = {"reply": "✍️ आज जवाब / reply today", "check": "🔍 आज जाँचें / check today", "": ""}
    rows = []
    for r in log.itertuples():
        colour = "#fde8e8" if r.today == "reply" else "#fff7d6" if r.today == "check" else "white"
        rows.append(
            f"<tr style='background:{colour}'><td>{r.id}</td><td>{html.escape(r.claim_hi)}</td><td>{r.groups}</td>"
            f"<td>{r.new_24h}</td><td>{r.asked}</td><td>{HARMS[r.harm][0].split(' (')[0]}</td>"
            f"<td>{STATUSES[r.status][0]}</td><td>{html.escape(_text(r.reply_sent) or '—')}</td>"
            f"<td>{DECISIONS[r.decision][0]}</td><td><b>{marks[r.today]}</b></td></tr>")  # fmt: skip
    head = ("<tr><th>id</th><th>दावा / claim</th><th>ग्रुप / groups</th><th>24 घंटे / 24 h</th><th>पूछा / asked</th>"
            "<th>नुक़सान / harm</th><th>स्थिति / status</th><th>जवाब भेजा / reply sent</th>"
            "<th>फ़ैसला / decision</th><th>आज / today</th></tr>")  # fmt: skip
    due = (log["today"] == "reply").sum()
    check = (log["today"] == "check").sum()
    return (f"<b>आज ({TODAY}) जवाब चाहिए: {due} दावे · पहले जाँच चाहिए: {check} / "
            f"need a reply today ({TODAY}): {due} claims · need checking first: {check}</b>"
            f"<table style='font-size:90%'>{head}{''.join(rows)}</table>")  # fmt: skip


# -- the participant's own log, kept with her answers -------------------------------------------------------------
#: The key of her claim log in the answers file beside the notebook (`camp.answers`, the file that already keeps
#: her answers: lesson 06's folder, or assignment 06's, where it is submitted with her work). The capstone (lesson
#: 10) reads it from there.
LOG_KEY = "claim_log"
LOG_COLUMNS = ["id", "first_seen", "district", "platform", "claim_hi", "claim_en", "groups", "new_24h", "asked",
               "harm", "stage", "status", "evidence", "reply_sent"]  # fmt: skip
#: At most this many claims are kept (a log, not a database).
MAX_LOG_ROWS = 200


def log_value(log) -> dict:
    """The log as it is saved: {"saved": time, "rows": [one dict a claim, the columns of claims.csv]}."""
    from datetime import datetime, timezone

    rows = []
    for record in log[LOG_COLUMNS].head(MAX_LOG_ROWS).to_dict("records"):
        row = {k: _text(v) for k, v in record.items()}
        for k in ("groups", "new_24h", "asked"):
            row[k] = int(record[k])
        rows.append(row)
    return {"saved": datetime.now(timezone.utc).isoformat(timespec="seconds"), "rows": rows}


def log_from_value(value):
    """A saved log (as `log_value` makes it) back as a DataFrame, or None when there is none or nothing in it
    can be used. Rows with an unknown harm, stage or status, a missing claim or a count that is not a whole
    number ≥ 0 are left out, so a hand-edited file never breaks the lesson or the capstone.

    Example:
        >>> len(log_from_value(log_value(claims()))), log_from_value({"rows": [{"id": "X"}]})
        (14, None)
    """
    import pandas as pd

    if not isinstance(value, dict) or not isinstance(value.get("rows"), list):
        return None
    good = []
    for row in value["rows"][:MAX_LOG_ROWS]:
        if not isinstance(row, dict) or not _text(row.get("id")) or not _text(row.get("claim_hi")):
            continue
        if (
            row.get("harm") not in HARMS
            or row.get("stage") not in STAGES
            or row.get("status") not in STATUSES
        ):
            continue
        try:
            counts = {k: int(row.get(k)) for k in ("groups", "new_24h", "asked")}
        except (TypeError, ValueError):
            continue
        if min(counts.values()) < 0:
            continue
        good.append({**{k: _text(row.get(k)) for k in LOG_COLUMNS}, **counts})
    if not good:
        return None
    log = pd.DataFrame(good, columns=LOG_COLUMNS)
    log["reply_sent"] = log["reply_sent"].replace("", pd.NA).astype("string")
    log["evidence"] = log["evidence"].astype("string")
    return log


def saved_log(folder=None):
    """(log, when saved) of the participant's own claim log in `folder`'s answers file (default: the notebook's
    folder), or (None, "") when none is saved there or the file cannot be read."""
    from camp import answers

    try:
        value = answers.load(folder).get(LOG_KEY)
    except (answers.AnswersFileError, OSError):
        return None, ""
    log = log_from_value(value)
    return (log, str(value.get("saved", ""))) if log is not None else (None, "")


def save_log(log, folder=None) -> None:
    """Keep the participant's claim log in `folder`'s answers file (None: forget it, back to the practice log)."""
    from camp import answers

    answers.save(LOG_KEY, None if log is None else log_value(log), folder)


def claim_log(folder=None) -> None:
    """The claim log, marked with what each claim needs today; add a claim, or mark a reply sent, and the list
    changes at once. Her log is kept in the answers file beside the notebook (`folder`), so it is there after a
    restart and the capstone can use it; "start again" goes back to the practice log."""
    import ipywidgets as w
    import pandas as pd

    mine, _ = saved_log(folder)
    log = [claims() if mine is None else mine]
    districts = sorted(set(_claims()["district"]))
    text = w.Text(placeholder="नया दावा / a new claim", description="दावा / claim", layout=wide())
    where = w.Dropdown(options=[("—", "—"), *[(d, d) for d in districts]], value="—",
                       description="ज़िला / district", layout=w.Layout(width="320px"))  # fmt: skip
    groups = w.IntText(value=0, description="ग्रुप / groups", layout=w.Layout(width="220px"))
    new = w.IntText(value=0, description="24 घंटे / 24 h", layout=w.Layout(width="220px"))
    asked = w.IntText(value=0, description="पूछा / asked", layout=w.Layout(width="220px"))
    harm = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in HARMS.items()], value="low",
                      description="नुक़सान / harm", layout=wide("70%"))  # fmt: skip
    status = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in STATUSES.items()], value="new",
                        description="स्थिति / status", layout=wide("70%"))  # fmt: skip
    evidence = w.Text(placeholder="सबूत का लिंक / evidence link", description="सबूत / evidence", layout=wide())
    add = w.Button(description="➕ लॉग में जोड़ें / add to the log", button_style="info")
    sent_pick = w.Dropdown(description="जवाब भेजा / reply sent for", layout=w.Layout(width="360px"))
    sent = w.Button(description="✔ भेजा गया / mark sent")
    reset = w.Button(description="↺ अभ्यास लॉग से फिर शुरू करें / start again from the practice log")
    whose, note, table = w.HTML(), w.HTML(), w.HTML()

    def refresh() -> None:
        table.value = log_html(log[0])
        open_ids = [i for i, d in zip(log[0]["id"], with_decisions(log[0])["today"]) if d == "reply"]
        sent_pick.options = open_ids or [("—", None)]

    def show_whose(saved: bool) -> None:
        whose.value = (
            f"<p>✍️ आपका लॉग ({len(log[0])} दावे): यह आपके उत्तरों की फ़ाइल (answers.json) में सहेजा है; समापन "
            f"परियोजना (पाठ 10) इसी से योजना बनाएगी। / Your log ({len(log[0])} claims): saved in your answers "
            "file (answers.json); the capstone (lesson 10) plans from it.</p>"
            if saved
            else "<p>📄 अभ्यास लॉग (camp/data/claims.csv)। दावा जोड़ते या जवाब चिह्नित करते ही यह आपका लॉग बनकर "
            "सहेजा जाएगा। / The practice log (camp/data/claims.csv). As soon as you add a claim or mark a reply, "
            "it is saved as your log.</p>"
        )

    def keep() -> None:
        try:
            save_log(log[0], folder)
        except OSError:
            note.value += (f"<br><span style='color:{RED}'>लॉग सहेजा नहीं जा सका: नोटबुक अपने फ़ोल्डर से खोलें / "
                           "the log could not be saved: open the notebook from your own folder</span>")  # fmt: skip
            return
        show_whose(True)

    def on_add(_=None) -> None:
        if not text.value.strip():
            note.value = f"<span style='color:{RED}'>पहले दावा लिखें / write the claim first</span>"
            return
        taken = set(log[0]["id"])
        n = len(log[0]) + 1
        while f"C{n:02d}" in taken:
            n += 1
        row = {"id": f"C{n:02d}", "first_seen": TODAY, "district": where.value, "platform": "—",
               "claim_hi": text.value.strip(), "claim_en": "", "groups": max(0, groups.value),
               "new_24h": max(0, new.value), "asked": max(0, asked.value), "harm": harm.value, "stage": "spreading",
               "status": status.value, "evidence": evidence.value.strip(), "reply_sent": pd.NA}  # fmt: skip
        log[0] = pd.concat([log[0], pd.DataFrame([row])], ignore_index=True)
        note.value = f"<span style='color:{GREEN}'>✅ {row['id']} जोड़ा गया / added</span>"
        text.value = ""
        refresh()
        keep()

    def on_sent(_=None) -> None:
        if sent_pick.value:
            log[0].loc[log[0]["id"] == sent_pick.value, "reply_sent"] = TODAY
            note.value = f"<span style='color:{GREEN}'>✅ {sent_pick.value}: जवाब भेजा / reply sent</span>"
            refresh()
            keep()

    def on_reset(_=None) -> None:
        log[0] = claims()
        try:
            save_log(None, folder)
        except OSError:
            pass
        note.value = f"<span style='color:{GREEN}'>↺ अभ्यास लॉग / the practice log</span>"
        refresh()
        show_whose(False)

    add.on_click(on_add)
    sent.on_click(on_sent)
    reset.on_click(on_reset)
    refresh()
    show_whose(mine is not None)
    form = w.VBox([text, where, w.HBox([groups, new, asked]), harm, status, evidence, add])
    panel("claim_log", whose, table, form, w.HBox([sent_pick, sent]), reset, note, whose=whose, table=table,
          text=text, where=where, groups=groups, new=new, asked=asked, harm=harm, status=status, evidence=evidence,
          add=add, sent_pick=sent_pick, sent=sent, reset=reset, note=note, log=log)  # fmt: skip


TRUE_COLOUR = "#9bc59d"
LEGEND = {"ignore": "अनदेखा / ignore", "prebunk": "प्रीबंक / prebunk", "debunk": "खंडन / debunk"}
TODAY_NOTES = {"reply": "आज जवाब / reply today", "check": "पहले जाँच / check first"}


def claims_chart() -> None:
    """A bar chart of the practice log: how many groups each claim reached, coloured by the decision, with what
    each claim needs today written beside its bar."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    log = with_decisions(claims()).sort_values("groups")
    labels = [f"{r.id} {r.district}" for r in log.itertuples()]
    fig = charts.bar(labels, list(log["groups"]), horizontal=True,
                     title="दावे कितने ग्रुप तक पहुँचे, और फ़ैसला / How far each claim spread, and the decision",
                     xlabel="ग्रुप जिनमें दावा दिखा / groups where the claim was seen")  # fmt: skip
    ax = fig.axes[0]
    ax.set_xlim(0, log["groups"].max() * 1.45)  # room for the notes beside the longest bars
    colours = {k: c for k, (_, _, c) in DECISIONS.items()}
    for bar, r in zip(ax.patches, log.itertuples()):
        bar.set_color(TRUE_COLOUR if r.status == "true" else colours[r.decision])
        note = TODAY_NOTES.get(r.today) or ("जवाब जा चुका / reply sent" if _text(r.reply_sent) else "")
        if note:
            ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, note, va="center", fontsize=7)
    handles = [Patch(color=colours[k], label=label) for k, label in LEGEND.items()]
    handles.append(Patch(color=TRUE_COLOUR, label="सच: जवाब नहीं / true: no reply"))
    ax.legend(handles=handles, fontsize=8, loc="lower right")
    plt.show()


# -- 4. reporting routes -------------------------------------------------------------------------------------
#: Routes, each (Hindi, English); only what ../shared/facts.md states, hedged where it is uncertain.
ROUTES = {
    "platform": ("ऐप में उस पोस्ट या अकाउंट पर 'Report' करें। हर प्लैटफ़ॉर्म का तरीक़ा अलग है और बदलता रहता है: मौजूदा तरीक़ा उसके Help Centre में देखें।",
                 "Use 'Report' on the post or account in the app. Each platform does it differently and it changes: see its Help Centre for the current steps."),
    "pib": ("PIB फ़ैक्ट चेक (केवल केंद्र सरकार से जुड़े दावे): व्हाट्सऐप +91 8799711259, factcheck@pib.gov.in, https://factcheck.pib.gov.in",
            "PIB Fact Check (claims about the central government only): WhatsApp +91 8799711259, factcheck@pib.gov.in, https://factcheck.pib.gov.in"),
    "cvigil": ("cVIGIL ऐप (ECI): चुनाव वाले राज्य में आचार संहिता का उल्लंघन; 2 मिनट तक की लाइव फ़ोटो या वीडियो, गैलरी से नहीं; 100 मिनट में स्थिति बताने का वादा। केवल उन राज्यों में चलता है जहाँ चुनाव हो रहे हों।",
               "The cVIGIL app (ECI): an MCC violation in a state going to the polls; a live photo or video of up to 2 minutes, not from the gallery; a status update promised within 100 minutes. It works only in states going to the polls."),
    "dau": ("डीपफ़ेक्स एनालिसिस यूनिट (MCA) की व्हाट्सऐप टिपलाइन +91 9999025044 (ऑडियो-वीडियो; हिंदी भी)। यह अभी चल रही है या नहीं, मौजूदा स्थिति जाँचें।",
            "The Deepfakes Analysis Unit (MCA) WhatsApp tipline +91 9999025044 (audio and video; Hindi too). Check whether it still operates."),
    "takedown": ("अपने संगठन के पेज से: ECI की सलाह (अक्टूबर 2025) के अनुसार पार्टियाँ अपने हैंडल की बनावटी या ग़लत सामग्री जानकारी मिलने के 3 घंटे के अंदर हटाएँ। फिर खुलकर सुधार पोस्ट करें। मौजूदा सलाह जाँचें।",
                 "From your own organisation's page: under the ECI advisory (October 2025) parties take synthetic or false content off their handles within 3 hours of noticing it. Then post a correction openly. Check the current advisory."),
    "gac": ("प्लैटफ़ॉर्म रिपोर्ट पर कार्रवाई न करे और दिक़्क़त बनी रहे: IT नियम 2021 के नियम 3A के तहत शिकायत अपील समिति (Grievance Appellate Committee); ECI ने मई 2024 में यही रास्ता बताया। तरीक़ा और समय-सीमा बदलते हैं: मौजूदा नियम जाँचें।",
            "If the platform does not act on your report and the problem persists: the Grievance Appellate Committee under Rule 3A of the IT Rules 2021, the route the ECI named in May 2024. The steps and deadlines change: check the current rule."),
    "log": ("लॉग में लिखें: लिंक, तारीख़, कितने ग्रुप, स्क्रीनशॉट अपने पास रखें। स्क्रीनशॉट आगे न भेजें: इससे झूठ फैलता है।",
            "Write it in the log: link, date, how many groups; keep a screenshot for yourself. Do not forward the screenshot: that spreads the lie."),
    "law": ("किसी समुदाय के ख़िलाफ़ नफ़रत या डर फैलाना अपराध हो सकता है (BNS धारा 196, 353)। क़ानूनी क़दम से पहले ज़िला समन्वयक और वकील से सलाह लें।",
            "Spreading hatred or fear against a community can be a crime (BNS sections 196, 353). Take advice from the district coordinator and a lawyer before any legal step."),
}  # fmt: skip
SITUATIONS = {
    "deepfake": ("किसी व्यक्ति का बनावटी (डीपफ़ेक) ऑडियो या वीडियो", "a deepfake audio or video of a person", ["platform", "dau", "log"]),
    "central": ("केंद्र सरकार की किसी योजना पर झूठा दावा", "a false claim about a central government scheme", ["pib", "platform", "log"]),
    "mcc": ("चुनाव के समय आचार संहिता का उल्लंघन (जैसे प्रचार बंद होने के बाद प्रचार)", "an MCC violation at election time (e.g. campaigning after the ban)", ["cvigil", "platform", "log"]),
    "imposter": ("सम्पर्क सेतु के नाम से नक़ली अकाउंट", "a fake account in Sampark Setu's name", ["platform", "log", "gac"]),
    "hate": ("किसी समुदाय के ख़िलाफ़ नफ़रत भड़काने वाली पोस्ट", "a post stirring hatred against a community", ["platform", "log", "law"]),
    "own": ("हमारे अपने पेज से ग़लत या बनावटी सामग्री चली गई", "false or synthetic content went out from our own page", ["takedown", "log"]),
}  # fmt: skip
PLATFORM_NOTES = {
    "WhatsApp": ("व्हाट्सऐप कहता है कि वह 'ब्रॉडकास्ट प्लैटफ़ॉर्म नहीं है' और बल्क या ऑटोमेटेड संदेश भेजने वाले अकाउंट बैन करता है।",
                 "WhatsApp says it 'is not a broadcast platform' and bans accounts that send bulk or automated messages."),
    "Facebook": ("राजनीतिक विज्ञापन हो तो Ad Library में 'Paid for by' देखें। भारत में Meta के फ़ैक्ट-चेक साझेदार 2025 तक थे: मौजूदा स्थिति जाँचें।",
                 "For a political ad, look for 'Paid for by' in the Ad Library. Meta had fact-checking partners in India up to 2025: check the current status."),
    "Instagram": ("Instagram भी Meta का है: राजनीतिक विज्ञापन के लिए Ad Library और 'Paid for by' देखें।",
                  "Instagram is Meta's too: for a political ad, see the Ad Library and 'Paid for by'."),
    "YouTube": ("मार्च 2024 से असली दिखने वाली बदली या AI सामग्री पर बनाने वाले को बताना होता है; बिना लेबल ऐसा वीडियो रिपोर्ट करते समय यह लिखें।",
                "Since March 2024 creators must disclose realistic altered or AI content; say so when you report such a video without a label."),
    "X": ("पोस्ट की रिपोर्ट में वजह चुनें (जैसे नक़ली पहचान)। विकल्प बदलते रहते हैं: मौजूदा तरीक़ा Help Centre में देखें।",
          "Choose a reason when you report the post (e.g. impersonation). The options change: see the Help Centre for the current steps."),
}  # fmt: skip


def routes(situation: str) -> list[str]:
    """The reporting routes for a situation, most direct first (keys of `ROUTES`)."""
    return list(SITUATIONS[situation][2])


def routes_html(situation: str, platform: str) -> str:
    items = "".join(f"<li>{ROUTES[k][0]}<br><small>{ROUTES[k][1]}</small></li>" for k in routes(situation))
    hi, en = PLATFORM_NOTES[platform]
    return (f"<ol>{items}</ol><div style='background:#eef4fb;padding:4px 8px'><b>{platform}:</b> {hi}<br>"
            f"<small>{en}</small></div>")  # fmt: skip


def report_router() -> None:
    """Pick what you saw and where: the routes to report it, in order, with what each is for."""
    import ipywidgets as w

    what = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en, _) in SITUATIONS.items()],
                      description="क्या दिखा / what", layout=wide())  # fmt: skip
    where = w.ToggleButtons(options=list(PLATFORM_NOTES), value="WhatsApp", description="कहाँ / where")
    view = w.HTML()

    def update(change=None) -> None:
        view.value = routes_html(what.value, where.value)

    what.observe(update, names="value")
    where.observe(update, names="value")
    update()
    panel("report_router", what, where, view, what=what, where=where, view=view)


# -- 5. answering an attack with the organisation's own record ------------------------------------------------
#: Building blocks of a reply to "Sampark Setu did nothing in <district>"; (Hindi, English, allowed, why).
BLOCKS = {
    "record": ("हमारा रिकॉर्ड, तारीख़ों के साथ", "our record, with dates", True,
               "जाँचने लायक तथ्य", "facts anyone can check"),
    "links": ("सार्वजनिक पोस्ट के लिंक", "links to the public posts", True,
              "लोग ख़ुद देख सकें", "people can see for themselves"),
    "invite": ("अगले शिविर का न्योता", "an invitation to the next camp", True,
               "आकर देखें: सबसे अच्छा सबूत", "come and see: the best evidence"),
    "gap": ("जहाँ सच में कमी है, वह ईमानदारी से मानें", "admit honestly where there is a real gap", True,
            "भरोसा बढ़ता है", "it builds trust"),
    "rumour": ("आलोचक के बारे में सुनी-सुनाई बात ('उन्होंने पैसे लिए')", "hearsay about the critic ('they took money')", False,
               "बिना जाँचे आरोप: जवाब में ग़लत जानकारी; आचार संहिता भी ऐसे आरोपों से बचने को कहती है",
               "an unverified allegation: misinformation in reply; the MCC also says to avoid such allegations"),
    "insult": ("आलोचक को अपशब्द", "an insult for the critic", False,
               "बहस बिगड़ती है और असली सवाल छिप जाता है", "the debate turns ugly and the real question is lost"),
    "doxx": ("आलोचक का फ़ोन नंबर या पता", "the critic's phone number or address", False,
             "किसी की निजी जानकारी उसकी सहमति के बिना कभी न डालें", "never post anyone's personal data without consent"),
}  # fmt: skip


@cache
def _posts():
    return data.load("posts")


def _day(value) -> str:
    return value.strftime("%Y-%m-%d")


def record(district: str) -> object:
    """Sampark Setu's public record of service work in a district (from the posts data): for each activity,
    how many posts and the first and last date."""
    posts = _posts()
    service = posts[(posts["district"] == district) & (posts["pillar"] == "सेवा कार्य")]
    table = service.groupby("title").agg(
        posts=("post_id", "count"), first=("date", "min"), last=("date", "max")
    )
    return table.sort_values("posts", ascending=False)


def record_line(district: str) -> str:
    """The record as one Hindi sentence with dates, e.g. "रक्तदान शिविर 5 बार (14 अगस्त–24 सितंबर 2026), …"."""
    months = {8: "अगस्त", 9: "सितंबर", 10: "अक्टूबर", 11: "नवंबर"}
    parts = [f"{title} {row.posts} बार ({row.first.day} {months[row.first.month]}–{row.last.day} "
             f"{months[row.last.month]} {row.last.year})" for title, row in record(district).iterrows()]  # fmt: skip
    return ", ".join(parts)


def next_event(district: str):
    """The district's next event in the organisation's calendar (lesson 02's data), or None."""
    events = data.load("calendar_events")
    events = events[events["district"] == district].sort_values("date")
    return None if events.empty else events.iloc[0]


def invite_line(district: str) -> str:
    """An invitation to the district's next event from the calendar, or to watch the page for the next date."""
    event = next_event(district)
    if event is None:
        return "अगले शिविर की तारीख़ हमारे आधिकारिक पेज पर आएगी: आइए और ख़ुद देखिए।"
    return f"आइए और ख़ुद देखिए: {event['event_hi']}, {event['date']:%Y-%m-%d}, {district}।"


def reply_check(blocks) -> tuple[bool, list[tuple[str, str]]]:
    """Whether a reply built from these blocks is ethical, and the problems (Hindi, English) if not."""
    problems = [(f"❌ {BLOCKS[b][0]}: {BLOCKS[b][3]}", f"❌ {BLOCKS[b][1]}: {BLOCKS[b][4]}")
                for b in blocks if not BLOCKS[b][2]]  # fmt: skip
    if not problems and "record" not in blocks:
        problems.append(("⚠️ अपना रिकॉर्ड जोड़ें: बिना तथ्य का जवाब सिर्फ़ बहस है",
                         "⚠️ Add your record: a reply without facts is only an argument"))  # fmt: skip
    return not problems, problems


def attack_reply() -> None:
    """Pick a district and tick building blocks: the reply is drafted from the organisation's own public
    record, and anything unethical is flagged at once."""
    import ipywidgets as w

    districts = sorted(_posts()["district"].unique())
    where = w.Dropdown(options=districts, value="रायसेन", description="ज़िला / district")
    ticks = {k: w.Checkbox(description=f"{hi} / {en}", indent=False, layout=wide())
             for k, (hi, en, *_) in BLOCKS.items()}  # fmt: skip
    table, draft = w.HTML(), w.HTML()

    def update(change=None) -> None:
        chosen = [k for k, box in ticks.items() if box.value]
        rec = record(where.value)
        table.value = ("<b>सम्पर्क सेतु का सार्वजनिक रिकॉर्ड (काल्पनिक) / Sampark Setu's public record (fictional)</b>"
                       + rec.rename(columns={"posts": "पोस्ट / posts", "first": "पहली / first", "last": "आख़िरी / last"})
                       .to_html(formatters={"पहली / first": _day, "आख़िरी / last": _day}))  # fmt: skip
        lines = []
        if "record" in chosen:
            lines.append(f"अगस्त-सितंबर 2026 में {where.value} में हमारा काम: {record_line(where.value)}।")
        if "links" in chosen:
            lines.append("हर कार्यक्रम की पोस्ट तारीख़ के साथ हमारे आधिकारिक पेज पर है: [लिंक]")
        if "gap" in chosen:
            lines.append("हाँ, कुछ कार्यक्रम कम हुए; अगले महीने हम उन्हें बढ़ा रहे हैं।")
        if "invite" in chosen:
            lines.append(invite_line(where.value))
        if "rumour" in chosen:
            lines.append("और सबको पता है कि आरोप लगाने वालों ने पैसे लिए हैं।")
        if "insult" in chosen:
            lines.append("ऐसे झूठे लोगों की बात कौन सुनता है!")
        if "doxx" in chosen:
            lines.append("इनका नंबर यह है: 98xxxxxxx")
        ok, problems = reply_check(chosen)
        verdict = (f"<b style='color:{GREEN}'>✅ नैतिक और जाँचने लायक जवाब / an ethical reply anyone can check</b>"
                   if ok else "<br>".join(f"<span style='color:{RED}'>{hi}<br><small>{en}</small></span>"
                                          for hi, en in problems))  # fmt: skip
        body = "<br>".join(html.escape(line) for line in lines) or "—"
        draft.value = (f"<div style='border:1px dashed #999;padding:6px'><b>जवाब का मसौदा / draft reply:</b><br>"
                       f"{body}</div>{verdict}")  # fmt: skip

    where.observe(update, names="value")
    for box in ticks.values():
        box.observe(update, names="value")
    update()
    panel("attack_reply", where, table, w.VBox(list(ticks.values())), draft, where=where, ticks=ticks,
          table=table, draft=draft)  # fmt: skip


# -- 6. comments on the organisation's page -------------------------------------------------------------------
ACTIONS = {
    "reply": ("तथ्य और स्रोत के साथ विनम्र जवाब", "a polite reply with facts and a source"),
    "hide_report": ("छिपाएँ और रिपोर्ट करें; जवाब न दें, आगे न फैलाएँ", "hide and report; do not reply or spread it"),
    "leave": ("रहने दें, कुछ न करें", "leave it, do nothing"),
    "screenshot_post": (
        "स्क्रीनशॉट लेकर अपने पेज पर जवाब के साथ डालें",
        "screenshot it and post it on our page with a reply",
    ),
}
#: Practice comments (fictional): text (Hindi, English), the right action, and why.
COMMENTS = [
    ("रायसेन में आपके शिविर की तारीख़ क्या है? पिछली बार पता ही नहीं चला।",
     "What is the date of your camp in Raisen? Last time nobody knew.", "reply",
     "सच्चा सवाल: जवाब दें, तारीख़ और आधिकारिक लिंक के साथ।", "An honest question: answer it, with the date and the official link."),
    ("तुम सब चोर हो, तुम्हें देख लेंगे। [गाली]", "You are all thieves, we will see to you. [abuse]", "hide_report",
     "गाली और धमकी: छिपाएँ और रिपोर्ट करें। जवाब देने या स्क्रीनशॉट फैलाने से वह और लोगों तक जाती है।",
     "Abuse and a threat: hide and report. Replying or sharing a screenshot carries it to more people."),
    ("आपकी सफ़ाई मुहिम में हमारी गली छूट गई। यह ठीक नहीं।", "Your cleaning drive missed our street. That is not fair.",
     "reply", "जायज़ आलोचना: मानें, और बताएँ कब ठीक होगा।", "Fair criticism: accept it and say when it will be fixed."),
    ("सस्ते लोन के लिए यह लिंक खोलें: bit.ly/xxxx", "Open this link for a cheap loan: bit.ly/xxxx", "hide_report",
     "स्पैम या धोखा: छिपाएँ और रिपोर्ट करें; लिंक पर क्लिक न करें।", "Spam or a scam: hide and report; do not click the link."),
]  # fmt: skip


def comment_triage() -> None:
    """Four comments on the organisation's page: choose what to do with each; checked at once."""
    import ipywidgets as w

    options = [("— चुनें / choose —", None)] + [(f"{hi} / {en}", k) for k, (hi, en) in ACTIONS.items()]
    picks = [w.Dropdown(options=options, value=None, layout=w.Layout(width="560px")) for _ in COMMENTS]
    notes = [w.HTML() for _ in COMMENTS]
    score = w.HTML()

    def check(change=None) -> None:
        right = 0
        for (_, _, answer, why_hi, why_en), dd, note in zip(COMMENTS, picks, notes):
            if dd.value is None:
                note.value = ""
            elif dd.value == answer:
                right += 1
                note.value = f"<span style='color:{GREEN}'>✅ {why_hi}<br><small>{why_en}</small></span>"
            else:
                note.value = (f"<span style='color:{RED}'>❌ फिर सोचें: यह सवाल है, आलोचना है, या गाली/धोखा?<br>"
                              "<small>Think again: is it a question, criticism, or abuse/a scam?</small></span>")  # fmt: skip
        score.value = f"<b>{right} / {len(COMMENTS)}</b> सही / correct" + (
            " 🎉" if right == len(COMMENTS) else ""
        )

    children = []
    for (hi, en, *_), dd, note in zip(COMMENTS, picks, notes):
        dd.observe(check, names="value")
        children += [w.HTML(f"<hr>💬 {html.escape(hi)}<br><small>{html.escape(en)}</small>"), dd, note]
    check()
    panel("comment_triage", *children, score, picks=picks, notes=notes, score=score,
          answers=[c[2] for c in COMMENTS])  # fmt: skip
