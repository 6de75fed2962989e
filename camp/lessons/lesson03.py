"""Lesson 03's widgets: hook preview, letter pieces, hashtag checker, post builder, alt-text helper,
chart-to-PNG maker."""

from __future__ import annotations

import html

from camp import charts, paths, platforms
from camp.lessons import panel, wide

EXAMPLE_HOOK = (
    "सीहोर के 12 स्कूलों में आज 320 पौधे लगे 🌱 अब इन्हें गर्मी भर पानी देने के लिए हर मोहल्ले से दो साथी चाहिए — "
    "क्या आप उनमें से एक बनेंगे?"
)
EXAMPLE_TAGS = "#SamparkSetuCamp #sehorevolunteers #Sampark Setu #reels #एक-पेड़ #जलबचाओ"
DISTRICTS = ["भोपाल", "सीहोर", "विदिशा", "रायसेन", "राजगढ़"]
PLANTED = [210, 320, 180, 150, 240]
ALT_LIMIT = 250  # the camp's rule for alt text: one or two sentences
#: One label width for the boxes of a form, so that they line up.
FORM = {"description_width": "7em"}


def hook_html(text: str) -> str:
    """What shows of `text` before "more" on Instagram and Facebook (the rest struck through)."""
    text = text.strip()
    rows = ""
    for key in ("instagram", "facebook"):
        limit = platforms.PLATFORMS[key]
        seen = platforms.shown_before_more(text, key)
        hidden = text[len(seen) :]
        more = f"<span style='color:#999'>… more <s>{html.escape(hidden)}</s></span>" if hidden else " ✅"
        rows += (
            f"<tr><td style='padding:4px 10px'><b>{limit.name_hi}</b><br><small>{limit.name_en}</small></td>"
            f"<td style='padding:4px 10px'>{html.escape(seen)}{more}</td></tr>"
        )
    return f"<table>{rows}</table><small>{len(text)} वर्ण / characters</small>"


def hook_preview(text: str = EXAMPLE_HOOK) -> None:
    """A box for a hook, and how much of it Instagram and Facebook show before "more"."""
    import ipywidgets as w

    box = w.Textarea(value=text, layout=wide(height="70px"))
    view = w.HTML()

    def update(change=None) -> None:
        view.value = hook_html(box.value)

    box.observe(update, names="value")
    update()
    panel("hook_preview", box, view, box=box, view=view)


def pieces_html(word: str) -> str:
    """A table of the word's pieces (letter, matra, halant…) and the length X counts."""
    word = word.strip()[:40]
    cells = ""
    for ch, hi, en in platforms.letter_kinds(word):
        shown = "◌" + ch if hi in ("मात्रा", "हलंत", "चिह्न") else ch
        cells += (
            "<td style='border:1px solid #ccc;padding:4px 8px;text-align:center'>"
            f"<span style='font-size:1.6em'>{html.escape(shown)}</span><br><small>{hi}<br>{en}</small></td>"
        )
    return f"<table><tr>{cells}</tr></table>X पर गिनती / X counts: <b>{platforms.x_length(word)}</b> वर्ण / characters"


def word_pieces(word: str = "स्वच्छता") -> None:
    """Type a word: see each letter, matra and halant it is made of, and how X counts it."""
    import ipywidgets as w

    box = w.Text(value=word, description="शब्द / word", layout=wide("60%"))
    view = w.HTML()

    def update(change=None) -> None:
        view.value = pieces_html(box.value)

    box.observe(update, names="value")
    update()
    panel("word_pieces", box, view, box=box, view=view)


def tags_html(text: str) -> str:
    """The hashtag checker's verdict on every tag typed, and the total against Instagram's cap."""
    rows, seen = "", set()
    for token in text.split():
        notes = platforms.hashtag_notes(token, seen)
        seen.add(token.casefold())
        rows += f"<tr><td style='padding:3px 10px'><code>{html.escape(token)}</code></td><td>{'<br>'.join(notes)}</td></tr>"
    count = len(platforms.hashtags(text))
    limit = platforms.PLATFORMS["instagram"].max_hashtags
    verdict = "✅" if count <= limit else f"⚠️ इंस्टाग्राम पर {limit} से ज़्यादा / more than {limit} for Instagram"
    return f"<table>{rows}</table>हैशटैग / hashtags: <b>{count}</b> {verdict}"


def hashtag_checker(text: str = EXAMPLE_TAGS) -> None:
    """Type hashtags (separated by spaces): each is checked at once."""
    import ipywidgets as w

    box = w.Text(value=text, layout=wide())
    view = w.HTML()

    def update(change=None) -> None:
        view.value = tags_html(box.value)

    box.observe(update, names="value")
    update()
    panel("hashtag_checker", box, view, box=box, view=view)


def _meter_row(text: str, key: str) -> str:
    c = platforms.check(text, key)
    share = min(100, round(100 * c.length / c.max_chars)) if c.max_chars else 0
    colour = "#2e7d32" if c.fits else "#c62828"
    bar = f"<div style='width:160px;background:#eee'><div style='width:{share}%;background:{colour};height:10px'></div></div>"
    verdict = "✅ सीमा में / fits" if c.fits else "❌ बहुत लंबी / too long"
    if not c.max_chars:
        verdict = "✅ छोटी सीमा नहीं / no short limit"
    if c.too_many_hashtags:
        verdict += "<br>⚠️ हैशटैग ज़्यादा / too many hashtags"
    if c.cut_at_more:
        verdict += "<br>✂️ 'more' के बाद कटेगी / cut at 'more'"
    limit_text = f"{c.max_chars:,}" if c.max_chars else "—"
    return (
        f"<tr><td style='padding:4px 8px'><b>{c.name_hi}</b><br><small>{c.name_en}</small></td>"
        f"<td style='padding:4px 8px'>{c.length} / {limit_text}</td><td>{bar}</td><td style='padding:4px 8px'>{verdict}</td></tr>"
    )


def post_html(text: str) -> tuple[str, str]:
    """The post builder's preview (grey after Instagram's "more") and its X/Instagram/Facebook meters."""
    seen = platforms.shown_before_more(text, "instagram")
    shown = html.escape(seen) + f"<span style='color:#aaa'>{html.escape(text[len(seen) :])}</span>"
    preview = (
        "<div style='border:1px solid #ccc;border-radius:10px;padding:10px;max-width:420px;white-space:pre-wrap'>"
        f"<b>सम्पर्क सेतु सीहोर</b>\n{shown}</div>"
    )
    meters = "<table>" + "".join(_meter_row(text, key) for key in ("x", "instagram", "facebook")) + "</table>"
    return preview, meters


def post_builder() -> None:
    """Boxes for a post's hook, body, CTA, link and hashtags; a live preview and a meter per platform."""
    import ipywidgets as w

    parts = {
        "hook": w.Text(
            value="सीहोर के 12 स्कूलों में आज 320 पौधे लगे 🌱", description="हुक / hook", layout=wide(), style=FORM
        ),
        "body": w.Textarea(
            value="बच्चों और शिक्षकों ने मिलकर नीम, आम और जामुन के पौधे लगाए। अब गर्मी भर इन्हें पानी चाहिए।",
            description="बात / body",
            layout=wide(height="70px"),
            style=FORM,
        ),
        "cta": w.Text(
            value="रविवार सुबह 7 बजे सरकारी स्कूल, सीहोर आइए और एक पौधा गोद लीजिए।",
            description="CTA",
            layout=wide(),
            style=FORM,
        ),
        "link": w.Text(
            value="",
            placeholder="https://… (वैकल्पिक / optional)",
            description="लिंक / link",
            layout=wide(),
            style=FORM,
        ),
        "tags": w.Text(value="#SamparkSetuCamp #EkPedEkVada", description="हैशटैग", layout=wide(), style=FORM),
    }
    preview, meters = w.HTML(), w.HTML()

    def update(change=None) -> None:
        text = "\n\n".join(p.value.strip() for p in parts.values() if p.value.strip())
        preview.value, meters.value = post_html(text)

    for box in parts.values():
        box.observe(update, names="value")
    update()
    panel("post_builder", *parts.values(), preview, meters, preview=preview, meters=meters, **parts)


def alt_draft(who: str, what: str, where: str, sign: str = "", ai_made: bool = False) -> str:
    """A draft alt text from its parts: who, where, what; the text on a banner; an AI label.

    Example:
        >>> alt_draft("रीना", "पौधा लगा रही हैं", "स्कूल में", sign="एक पेड़")
        'रीना स्कूल में पौधा लगा रही हैं। बैनर पर लिखा है: "एक पेड़"।'
    """
    sentence = " ".join(p.strip() for p in (who, where, what) if p.strip())
    text = sentence + "।" if sentence else ""
    if sign.strip():
        text += f' बैनर पर लिखा है: "{sign.strip()}"।'
    if ai_made:
        text += " (AI से बनी तस्वीर)"
    return text.strip()


def alt_checks(text: str, sign: str = "", ai_made: bool = False) -> list[tuple[bool, str]]:
    """The camp's alt-text rules, each (passed?, bilingual rule).

    Example:
        >>> [ok for ok, _ in alt_checks("तस्वीर में एक लड़की #पौधा")]
        [True, False, True, True, False, True]
    """
    first = text.split(" ")[0].casefold() if text else ""
    return [
        (bool(text), "तस्वीर का विवरण लिखा है / alt text is written"),
        (first not in ("तस्वीर", "फ़ोटो", "फोटो", "image", "photo", "picture"),  # glossary: accepts variants (typed)
         "'तस्वीर…' से शुरू नहीं / does not start with 'image of'"),
        (len(text) <= ALT_LIMIT,
         f"छोटा: {len(text)} / {ALT_LIMIT} वर्ण / short: {len(text)} / {ALT_LIMIT} characters"),
        (not sign.strip() or sign.strip() in text, "तस्वीर पर लिखा पाठ शामिल / text in the image is included"),
        ("#" not in text, "कोई हैशटैग नहीं / no hashtags"),
        (not ai_made or "AI" in text, "AI से बनी हो तो लिखा है / says so if AI-made"),
    ]  # fmt: skip


def alt_text_helper() -> None:
    """Fill in who, what, where and the text in the picture: a draft alt text and the checklist.
    Your own alt text, if you write one, is checked instead."""
    import ipywidgets as w

    parts = {
        "who": w.Text(value="सम्पर्क सेतु की स्वयंसेविका रीना", description="कौन / who", layout=wide(), style=FORM),
        "what": w.Text(value="नीम का पौधा लगा रही हैं", description="क्या / what", layout=wide(), style=FORM),
        "where": w.Text(
            value="सीहोर के सरकारी स्कूल के आँगन में", description="कहाँ / where", layout=wide(), style=FORM
        ),
        "sign": w.Text(value="एक पेड़, एक वादा", description="लिखा पाठ", layout=wide(), style=FORM),
        "ai_made": w.Checkbox(value=False, description="AI से बनी/बदली / AI-made or AI-altered"),
        "own": w.Textarea(
            placeholder="अपना विवरण (वैकल्पिक) / your own alt text (optional)", layout=wide(height="60px")
        ),
    }
    view = w.HTML()

    def update(change=None) -> None:
        p = {k: v.value for k, v in parts.items()}
        text = p["own"].strip() or alt_draft(p["who"], p["what"], p["where"], p["sign"], p["ai_made"])
        items = "".join(
            f"<li>{'✅' if ok else '❌'} {rule}</li>"
            for ok, rule in alt_checks(text, p["sign"], p["ai_made"])
        )
        view.value = (
            f"<div style='border-left:4px solid #1f77b4;padding:6px 10px;background:#f4f8fc'>{html.escape(text)}</div>"
            f"<ul style='list-style:none;padding-left:4px'>{items}</ul>"
        )

    for box in parts.values():
        box.observe(update, names="value")
    update()
    panel("alt_text_helper", *parts.values(), view, view=view, **parts)


def make_visual(title: str, highlight: str, shape: str = "square"):
    """The planting chart for a post: the message as title, one district's bar in green, the source
    below; `shape` "square" (1:1), "portrait" (4:5, upright) or "wide". Returns the matplotlib Figure.

    Example:
        >>> fig = make_visual("सीहोर सबसे आगे: 320 पौधे", "सीहोर")  # doctest: +SKIP
    """
    fig = charts.bar(DISTRICTS, PLANTED, title=title, ylabel="लगाए गए पौधे / saplings", color="#9bb7d4")
    ax = fig.axes[0]
    for bar, name in zip(ax.patches, DISTRICTS):
        if name == highlight:
            bar.set_color("#1b7f3b")
    ax.bar_label(ax.containers[0], fontsize=12)
    ax.margins(y=0.1)
    ax.tick_params(axis="x", labelsize=12)
    ax.title.set_fontsize(15)
    fig.set_size_inches({"square": (6, 6), "portrait": (6, 7.5)}.get(shape, (8, 4.5)))
    fig.text(0.01, 0.01, "स्रोत: सम्पर्क सेतु (काल्पनिक आँकड़े) / Source: Sampark Setu (fictional data)", fontsize=8,
             color="#555")  # fmt: skip
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def visual_maker() -> None:
    """Choose the chart's title, highlighted district and shape; "Save PNG" writes my-visuals/03-chart.png."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    title = w.Text(value="सीहोर सबसे आगे: 320 पौधे", description="शीर्षक / title", continuous_update=False,
                   layout=wide("70%"))  # fmt: skip
    highlight = w.Dropdown(options=DISTRICTS, value="सीहोर", description="ज़ोर / highlight")
    shape = w.ToggleButtons(options=[("चौकोर 1:1 / square", "square"), ("खड़ा 4:5 / portrait", "portrait"),
                                     ("चौड़ा / wide", "wide")], value="square")  # fmt: skip
    save = w.Button(description="PNG सहेजें / Save PNG", icon="download", button_style="success")
    note = w.HTML()

    def show(title: str, highlight: str, shape: str) -> None:
        make_visual(title, highlight, shape)
        plt.show()

    def save_png(_button=None) -> None:
        out = paths.home() / "my-visuals" / "03-chart.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        fig = make_visual(title.value, highlight.value, shape.value)
        fig.savefig(out, dpi=150)
        plt.close(fig)
        note.value = f"✅ सहेजा गया / saved: <code>my-visuals/{out.name}</code>"

    save.on_click(save_png)
    view = w.interactive(show, title=title, highlight=highlight, shape=shape)
    panel("visual_maker", view, save, note, view=view, title=title, highlight=highlight, shape=shape, save=save,
          note=note)  # fmt: skip
