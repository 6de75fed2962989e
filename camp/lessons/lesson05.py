"""Lesson 05's widgets: SIFT walk-through, source rater, 7-types sorter, photo-metadata check, image
checklist, WhatsApp forward labels, and its two charts."""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from camp import charts, data, verify
from camp.lessons import panel, wide

#: What each SIFT check "finds" for the practice forwards (fictional, so the lesson runs offline).
FINDINGS = {
    "F08": {
        "I": ("संदेश में किसी का नाम या लिंक नहीं; भेजने वाले को भी नहीं पता कि इसे किसने लिखा।", "No name or link; the sender does not know who wrote it either."),
        "F": ("सम्पर्क सेतु के आधिकारिक पेज पर अंतिम तिथि 31 दिसंबर लिखी है।", "Sampark Setu's official page gives 31 December as the last date."),
        "T": ("मूल संदेश नहीं मिला; हर ग्रुप में यह 'Forwarded many times' लेबल के साथ आया।", "No original found; it arrived in every group labelled 'Forwarded many times'."),
    },
    "F07": {
        "I": ("संदेश सम्पर्क सेतु के आधिकारिक पेज की पोस्ट से लिया गया है; पेज का नाम संगठन के पर्चे से मेल खाता है।", "It comes from a post on Sampark Setu's official page; the page matches the leaflet."),
        "F": ("ज़िला अस्पताल की सूचना में भी यही दिन, समय और जगह है।", "The district hospital's notice gives the same day, time and place."),
        "T": ("आधिकारिक पेज की मूल पोस्ट में यही बात है, इसी हफ़्ते की तारीख़ के साथ।", "The original post on the official page says the same, dated this week."),
    },
    "F11": {
        "I": ("भेजने वाले ने तस्वीर किसी और ग्रुप से ली; बनाने वाले का पता नहीं।", "The sender took the photo from another group; its maker is unknown."),
        "F": ("विदिशा में ऐसे शिविर की ख़बर किसी अख़बार या आधिकारिक पेज पर नहीं।", "No newspaper or official page reports such a camp in Vidisha."),
        "T": ("रिवर्स इमेज सर्च: तस्वीर 2019 में सीहोर में खींची गई थी (भाग 5 देखें)।", "Reverse image search: the photo was taken in Sehore in 2019 (see part 5)."),
    },
    "F33": {
        "I": ("लिंक एक जाने-माने स्थानीय अख़बार की साइट का है।", "The link is to a well-known local newspaper's site."),
        "F": ("सम्पर्क सेतु का आधिकारिक पेज कहता है: शिविर होगा, बस समय 11 बजे है।", "Sampark Setu's official page says the camp is on, only at 11 a.m."),
        "T": ("मूल ख़बर में केवल समय बदलने की बात है, रद्द होने की नहीं।", "The original story only says the time changed, not that it was cancelled."),
    },
}  # fmt: skip
STOP_HINT = (
    "संदेश फिर पढ़ें: क्या इसमें 'तुरंत', 'आज रात तक', '!!!' या डर की बात है?",
    "Read it again: does it say 'now', 'by tonight', '!!!' or try to scare you?",
)
LABELS = {
    "none": "",
    "forwarded": "→ <i>Forwarded</i><br>",
    "forwarded_many": "⇉ <i>Forwarded many times</i><br>",
}
COLOURS = {"share": "#127a2d", "hold": "#b7791f", "stop": "#b3261e", "incomplete": "#555"}
GREEN, RED = "#127a2d", "#b3261e"

#: The image checklist of part 5: (question, options, right option, hint when wrong in Hindi, in English).
IMAGE_QUESTIONS = [
    ("सबसे पुरानी प्रति किस साल की है? / The oldest copy is from which year?",
     [("2026", "2026"), ("2023", "2023"), ("2019", "2019")], "2019",
     "नतीजों को 'सबसे पुराना पहले' लगाएँ; मेटाडेटा की तारीख़ भी देखें।", "Sort the results 'oldest first'; check the metadata date too."),
    ("मूल तस्वीर किस ज़िले की है? / Which district is the original photo from?",
     [("विदिशा / Vidisha", "vidisha"), ("सीहोर / Sehore", "sehore"), ("पता नहीं चल सकता / cannot tell", "unknown")], "sehore",
     "तस्वीर का बैनर, सबसे पुराना पेज और मेटाडेटा का विवरण पढ़ें।", "Read the banner, the oldest page and the metadata description."),
    ("तो यह फ़ॉरवर्ड किस प्रकार का है? / So what type is this forward?", verify.type_options(), "false_context",
     "तस्वीर असली है, बदली नहीं गई — बस ग़लत समय और जगह के साथ भेजी गई।", "The photo is real and unaltered — only sent with the wrong time and place."),
]  # fmt: skip


@cache
def _forwards():
    return data.load("forwards")


def _by_id():
    return _forwards().set_index("id")


def spread_chart() -> None:
    """A line chart: how a fictional false forward and its correction spread over 12 hours."""
    import matplotlib.pyplot as plt

    charts.line(
        list(range(13)),
        {
            "झूठा फ़ॉरवर्ड / the false forward": [1, 3, 7, 15, 28, 44, 60, 73, 82, 88, 92, 94, 95],
            "सम्पर्क सेतु का सुधार / the correction": [0, 0, 0, 0, 1, 3, 8, 16, 27, 38, 47, 54, 59],
        },
        title="एक काल्पनिक फ़ॉरवर्ड कैसे फैला / How a fictional forward spread",
        xlabel="पहले संदेश के बाद घंटे / hours after the first message",
        ylabel="कुल ग्रुप / total groups",
    )
    plt.show()


def verdict_html(forward_id: str, answers: list[str | None]) -> str:
    """The SIFT verdict box for the four answers (option values of `verify.MOVES`, None if not chosen)."""
    v = verify.sift_verdict(*answers)
    reasons = "".join(f"<li>{hi} / {en}</li>" for hi, en in v.reasons)
    found = ""
    if v.key != "incomplete":
        row = _by_id().loc[forward_id]
        found = f"<br><small>जाँचकर्ताओं ने क्या पाया / what the checkers found: {row['clue_hi']} / {row['clue_en']}</small>"
    colour = COLOURS[v.key]
    return (
        f"<div style='border-left:6px solid {colour};padding:6px 12px'><b style='color:{colour}'>{v.hi} / {v.en}</b>"
        f"<br>👉 {v.action_hi}<br><small>{v.action_en}</small><ul>{reasons}</ul>{found}</div>"
    )


def sift_walkthrough() -> None:
    """Pick a forward; for each SIFT step press "check" to see what was found, then answer; the verdict and
    what to do next appear at once."""
    import ipywidgets as w

    by_id = _by_id()
    pick = w.Dropdown(
        options=[(f"{i}: {by_id.loc[i, 'text_hi'][:50]}…", i) for i in FINDINGS],
        description="फ़ॉरवर्ड",
        layout=wide(),
    )
    bubble, verdict = w.HTML(), w.HTML()
    radios, finds, buttons, rows = {}, {}, {}, []

    def show_finding(letter: str) -> None:
        hi, en = STOP_HINT if letter == "S" else FINDINGS[pick.value][letter]
        finds[
            letter
        ].value = f"<span style='background:#fff7d6;padding:2px 6px'>{hi}<br><small>{en}</small></span>"

    def show_verdict(change=None) -> None:
        verdict.value = verdict_html(pick.value, [radios[m.letter].value for m in verify.MOVES])

    def show_forward(change=None) -> None:
        row = by_id.loc[pick.value]
        bubble.value = (
            "<div style='background:#dcf8c6;padding:8px 12px;border-radius:8px;max-width:560px'>"
            f"{LABELS[row['label']]}{html.escape(row['text_hi'])}<br><small>{html.escape(row['text_en'])}</small></div>"
        )
        for letter in radios:
            radios[letter].value, finds[letter].value = None, ""
        show_verdict()

    for move in verify.MOVES:
        radios[move.letter] = w.RadioButtons(options=list(move.options), value=None)
        finds[move.letter] = w.HTML()
        button = buttons[move.letter] = w.Button(description="🔍 जाँचें / check", layout=w.Layout(width="150px"))
        button.on_click(lambda _, m=move.letter: show_finding(m))
        radios[move.letter].observe(show_verdict, names="value")
        heading = w.HTML(
            f"<b>{move.letter} — {move.hi} / {move.en}</b><br>{move.question_hi}<br><small>{move.question_en}</small>"
        )
        rows.append(w.VBox([heading, w.HBox([button, finds[move.letter]]), radios[move.letter]]))
    pick.observe(show_forward, names="value")
    show_forward()
    panel(
        "sift_walkthrough",
        pick,
        bubble,
        *rows,
        verdict,
        pick=pick,
        radios=radios,
        finds=finds,
        buttons=buttons,
        verdict=verdict,
    )


def source_rater() -> None:
    """Pick a practice source: read what it says about itself, open "new tabs" to see what others say,
    tick the signs found; the rating changes at once."""
    import ipywidgets as w

    pick = w.Dropdown(
        options=[(s.name, n) for n, s in enumerate(verify.PRACTICE_SOURCES)],
        description="स्रोत",
        layout=wide(),
    )
    about, tabs, rating_view = w.HTML(), w.HTML(), w.HTML()
    tab_button = w.Button(description="↗ नया टैब / new tab", button_style="info")
    meter = w.IntProgress(min=0, max=5, layout=wide("60%"))
    ticks = {
        s.key: w.Checkbox(
            description=f"{'➕' if s.good else '🚩'} {s.hi} / {s.en}", indent=False, layout=wide()
        )
        for s in verify.SIGNS
    }
    opened = [0]

    def show_rating(change=None) -> None:
        source = verify.PRACTICE_SOURCES[pick.value]
        rating = verify.rate_source(k for k, box in ticks.items() if box.value)
        meter.value = rating.score
        meter.bar_style = {"trust": "success", "careful": "warning", "distrust": "danger"}[rating.key]
        expert = ""
        if opened[0] == len(source.tabs):
            best = verify.rate_source(source.signs)
            expert = (
                "<br><small>अनुभवी जाँचकर्ता की रेटिंग / an experienced checker's rating: "
                f"<b>{best.hi} / {best.en}</b> ({best.score}/5)</small>"
            )
        rating_view.value = (
            f"आपकी रेटिंग / your rating: <b>{rating.hi} / {rating.en}</b> ({rating.score}/5){expert}"
        )

    def show_tabs(_=None) -> None:
        source = verify.PRACTICE_SOURCES[pick.value]
        items = "".join(f"<li>{hi}<br><small>{en}</small></li>" for hi, en in source.tabs[: opened[0]])
        left = len(source.tabs) - opened[0]
        tabs.value = f"<b>दूसरे टैब में मिला / found in other tabs:</b><ol>{items}</ol>" + (
            f"<small>अभी {left} टैब बाक़ी / {left} more tab(s)</small>" if left else ""
        )
        tab_button.disabled = left == 0
        show_rating()

    def open_tab(_) -> None:
        opened[0] += 1
        show_tabs()

    def show_source(change=None) -> None:
        source = verify.PRACTICE_SOURCES[pick.value]
        opened[0] = 0
        for box in ticks.values():
            box.value = False
        about.value = (
            "<div style='border:1px dashed #999;padding:6px'><b>स्रोत अपने बारे में / the source about itself:</b><br>"
            f"{source.self_hi}<br><small>{source.self_en}</small></div>"
        )
        show_tabs()

    tab_button.on_click(open_tab)
    pick.observe(show_source, names="value")
    for box in ticks.values():
        box.observe(show_rating, names="value")
    show_source()
    panel("source_rater", pick, about, tab_button, tabs, w.VBox(list(ticks.values())), meter, rating_view,
          pick=pick, tab_button=tab_button, tabs=tabs, ticks=ticks, meter=meter, rating=rating_view)  # fmt: skip


def sorter_note(chosen: str | None, row: Any) -> str:
    """The sorter's feedback for one forward: the clue when right, what the chosen type means when wrong."""
    if chosen is None:
        return ""
    if chosen == row["type"]:
        return f"<span style='color:{GREEN}'>✅ सही! / Correct! {row['clue_hi']}<br><small>{row['clue_en']}</small></span>"
    wrong = verify.kind(chosen)
    return (
        f"<span style='color:{RED}'>❌ फिर सोचें। '{wrong.hi}' का मतलब: {wrong.meaning_hi}।<br>"
        f"<small>Think again. '{wrong.en}' means: {wrong.meaning_en}.</small></span>"
    )


def types_sorter() -> None:
    """One example forward of each of the seven types: pick a type for each, and see at once if it is right."""
    import ipywidgets as w

    forwards = _forwards()
    examples = [row for _, row in forwards[forwards["type"] != "accurate"].drop_duplicates("type").iterrows()]
    choices = [("— चुनें / choose —", None)] + verify.type_options()
    picks = [w.Dropdown(options=choices, value=None, layout=w.Layout(width="420px")) for _ in examples]
    notes = [w.HTML() for _ in examples]
    score = w.HTML()

    def check(change=None) -> None:
        for row, dd, note in zip(examples, picks, notes):
            note.value = sorter_note(dd.value, row)
        right = sum(dd.value == row["type"] for row, dd in zip(examples, picks))
        score.value = f"<b>{right} / {len(examples)}</b> सही / correct" + (
            " 🎉" if right == len(examples) else ""
        )

    children = []
    for row, dd, note in zip(examples, picks, notes):
        dd.observe(check, names="value")
        text = f"<hr><b>{row['id']}</b> ({row['district']}): {html.escape(row['text_hi'])}<br><small>{html.escape(row['text_en'])}</small>"
        children += [w.HTML(text), dd, note]
    check()
    panel(
        "types_sorter",
        *children,
        score,
        picks=picks,
        notes=notes,
        score=score,
        answers=[row["type"] for row in examples],
    )


def types_chart() -> None:
    """A bar chart of the 40 fictional forwards by type, and the share of false context."""
    import matplotlib.pyplot as plt

    forwards = _forwards()
    order = ["accurate"] + [
        t.key for t in reversed(verify.TYPES)
    ]  # type 1 at the top, accurate at the bottom
    counts = forwards["type"].value_counts()
    charts.bar(
        [verify.type_name(key) for key in order],
        [int(counts.get(key, 0)) for key in order],
        title=f"{len(forwards)} काल्पनिक फ़ॉरवर्ड: प्रकार के हिसाब से / {len(forwards)} fictional forwards by type",
        xlabel="फ़ॉरवर्ड की संख्या / number of forwards",
        horizontal=True,
        color="#b7791f",
    )
    plt.show()
    n = int(counts.get("false_context", 0))
    print(f"झूठा संदर्भ / false context: {n / len(forwards) * 100:.0f}% ({n} / {len(forwards)})")


def metadata_html(photo: bytes) -> str:
    """The photo's metadata as a table with Hindi names, or a note that there is none (which proves nothing)."""
    meta = verify.read_metadata(photo)
    rows = "".join(
        f"<tr><td style='padding:2px 8px'>{verify.METADATA_NAMES.get(k, k)}<br><small>{k}</small></td>"
        f"<td style='padding:2px 8px'><code>{html.escape(v)}</code></td></tr>"
        for k, v in meta.items()
    )
    return (
        f"<table>{rows}</table>"
        if rows
        else "कोई मेटाडेटा नहीं मिला (इससे कुछ साबित नहीं होता) / no metadata found (this proves nothing)"
    )


def photo_check() -> None:
    """The practice photo, a button that reads its metadata, and the reverse-search results, oldest first
    if you choose."""
    import ipywidgets as w

    photo = verify.practice_photo()
    search = data.load("reverse_search")
    button = w.Button(description="मेटाडेटा पढ़ें / read metadata", icon="search", layout=w.Layout(width="260px"))
    meta, results = w.HTML(), w.HTML()
    sort_by = w.ToggleButtons(options=[("जैसे मिले / as found", "found"), ("सबसे पुराना पहले / oldest first", "oldest")],
                              value="found")  # fmt: skip

    def read_meta(_=None) -> None:
        meta.value = metadata_html(photo)

    def show_results(change=None) -> None:
        table = search.sort_values("first_seen", na_position="last") if sort_by.value == "oldest" else search
        table = table[["engine", "first_seen", "page_hi", "caption_hi", "caption_en"]].fillna("—")
        table.columns = ["इंजन / engine", "पहली बार दिखी / first seen", "पेज / page", "कैप्शन", "caption"]
        results.value = (
            "<b>रिवर्स इमेज सर्च के नतीजे (काल्पनिक) / reverse image search results (fictional)</b>"
            + table.to_html(index=False)
        )

    button.on_click(read_meta)
    sort_by.observe(show_results, names="value")
    show_results()
    image = w.Image(value=photo, format="jpeg", width=480)
    panel("photo_check", image, button, meta, sort_by, results, button=button, meta=meta, sort_by=sort_by,
          results=results)  # fmt: skip


def image_checklist() -> None:
    """Three questions on the practice photo, each checked at once; all right gives the conclusion."""
    import ipywidgets as w

    answers = [w.RadioButtons(options=options, value=None) for _, options, *_ in IMAGE_QUESTIONS]
    notes = [w.HTML() for _ in IMAGE_QUESTIONS]
    result = w.HTML()

    def check(change=None) -> None:
        right = 0
        for (_, _, correct, hint_hi, hint_en), dd, note in zip(IMAGE_QUESTIONS, answers, notes):
            if dd.value is None:
                note.value = ""
            elif dd.value == correct:
                right += 1
                note.value = f"<span style='color:{GREEN}'>✅ सही / correct</span>"
            else:
                note.value = f"<span style='color:{RED}'>❌ {hint_hi}<br><small>{hint_en}</small></span>"
        if right == len(IMAGE_QUESTIONS):
            result.value = (
                "<b>नतीजा: असली तस्वीर, ग़लत संदर्भ (झूठा संदर्भ)। आगे न भेजें।</b>"
                "<br><small>Result: a real photo in a false context. Do not forward it.</small>"
            )
        else:
            result.value = f"<small>{right} / {len(IMAGE_QUESTIONS)} सही / correct</small>"

    children = []
    for (label, *_), dd, note in zip(IMAGE_QUESTIONS, answers, notes):
        dd.observe(check, names="value")
        children += [w.HTML(f"<b>{label}</b>"), dd, note]
    check()
    panel("image_checklist", *children, result, answers=answers, notes=notes, result=result)


def forward_html(times: int) -> str:
    """A chat bubble with the label a message forwarded `times` times carries, and how far it can go at once."""
    rule = verify.forward_rule(times)
    return (
        "<div style='background:#dcf8c6;padding:8px 12px;border-radius:8px;max-width:520px'>"
        f"<i>{rule.label_hi}</i><br><small>{rule.label_en}</small><br>"
        "सेतु छात्रवृत्ति की अंतिम तिथि 31 दिसंबर है। / The Setu scholarship's last date is 31 December.</div>"
        f"एक बार में ज़्यादा से ज़्यादा / at most at once: <b>{rule.max_chats}</b> चैट / chats, "
        f"<b>{rule.max_groups}</b> ग्रुप / group(s)"
    )


def forward_labels() -> None:
    """A slider for how often a message was forwarded: its label and how far it can be forwarded at once."""
    import ipywidgets as w

    times = w.IntSlider(value=6, min=0, max=10, description="कितनी बार / times")
    view = w.HTML()

    def update(change=None) -> None:
        view.value = forward_html(times.value)

    times.observe(update, names="value")
    update()
    panel("forward_labels", times, view, times=times, view=view)
