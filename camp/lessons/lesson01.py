"""Lesson 01's widgets: limits explorer, post previewer, forward rules, platform picker, ad-rules checker."""

from __future__ import annotations

import html
from typing import Any

from camp import charts, data, platforms, verify
from camp.lessons import panel, wide

NAMES = {
    "whatsapp": "WhatsApp",
    "youtube": "YouTube",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X",
}
#: The survey's columns that count a platform's users, in the order the charts show them.
SURVEY_PLATFORMS = list(NAMES)
ALL = "सभी / all"
#: The status of a row of `platforms.csv` whose source states it clearly; the others are "जाँचें / check" (weak or
#: disagreeing sources) and "सुझाव (गाइड से) / guidance (from a guide)" (a third-party guide's advice or estimate).
CONFIRMED = "पक्का"

EXAMPLE_POST = (
    "रविवार सुबह 8 बजे सीहोर में सम्पर्क सेतु का सफ़ाई अभियान है। दस्ताने और थैले हम देंगे, "
    "आप बस समय पर आइए! बच्चों के साथ आएँ तो पानी की बोतल साथ रखें। "
    "पूरी जानकारी यहाँ: https://example.org/sampark-setu/sehore/safai-abhiyan-ravivar "
    "#सफ़ाई #सीहोर #SamparkSetuCamp #स्वयंसेवक #साफ़गाँव #MP"
)

#: For each goal, the formats that fit it: (survey column, format, why), each reason from the limits table.
FORMATS: dict[str, list[tuple[str, str, str]]] = {
    "सूचना या न्योता / notice or invitation": [
        ("whatsapp", "चैनल या ग्रुप संदेश / channel or group message",
         "चैनल एक-तरफ़ा है और नंबर छिपाता है; ग्रुप में 1,024 तक सदस्य / a channel is one-way and hides numbers; a group holds up to 1,024"),
        ("facebook", "फ़ोटो के साथ पोस्ट / post with a photo",
         "मुख्य बात पहले 80–125 वर्णों में / main point in the first 80–125 characters"),
        ("instagram", "फ़ोटो पोस्ट / photo post",
         "कैप्शन के पहले ~125 वर्ण ही दिखते हैं / only the first ~125 caption characters show"),
        ("x", "छोटी पोस्ट / short post", "280 की सीमा, लिंक 23 गिना जाता है / 280 limit, a link counts 23"),
    ],
    "छोटा वीडियो / short video": [
        ("youtube", "Shorts, खड़ा (9:16 सुझाया) / Shorts, vertical (9:16 suggested)",
         "3 मिनट तक (चौकोर या खड़ा वीडियो) / up to 3 minutes (square or vertical)"),
        ("instagram", "रील / Reel", "Reels टैब पर कैप्शन के ~55–60 वर्ण दिखते हैं / the Reels tab shows ~55–60 caption characters"),
        ("whatsapp", "चैनल में वीडियो / video in a channel", "एक-तरफ़ा प्रसारण / one-way broadcast"),
    ],
    "अफ़वाह का जवाब / answering a rumour": [
        ("whatsapp", "अपने ग्रुप में जाँचा हुआ संदेश / checked message in your own groups",
         "जवाब वहीं दें जहाँ आपके लोग हैं; फ़ॉरवर्ड की सीमाएँ याद रखें / answer where your people are; mind the forward limits"),
        ("facebook", "स्रोत के लिंक के साथ पोस्ट / post with a source link",
         "समझाने की जगह है; मुख्य बात पहले / room to explain; main point first"),
        ("x", "स्रोत के लिंक के साथ छोटी पोस्ट / short post with a source link",
         "लिंक 23 गिना जाता है, बाक़ी 257 बचते हैं / the link counts 23, leaving 257"),
    ],
    "स्वयंसेवकों से तालमेल / coordinating volunteers": [
        ("whatsapp", "ग्रुप (दो-तरफ़ा) / group (two-way)",
         "1,024 तक सदस्य, 32 लोगों तक ग्रुप कॉल / up to 1,024 members, group calls up to 32"),
    ],
}  # fmt: skip

#: For each situation, the rules that apply (from the lesson's part 6 and its sources).
SITUATIONS: dict[str, list[str]] = {
    "पार्टी फ़ेसबुक पर पैसे देकर चुनावी विज्ञापन / party pays for an election ad on Facebook": [
        "MCMC पूर्व-प्रमाणन ज़रूरी / MCMC pre-certification needed",
        "Meta: फ़ोटो ID से पहचान + 'Paid for by' / Meta: photo-ID authorisation + 'Paid for by'",
        "ख़र्च चुनावी ख़र्च में गिना जाएगा / the cost counts as election expenditure",
    ],
    "उम्मीदवार अपने अकाउंट पर बिना पैसे फ़ोटो डाले / candidate posts a photo on own account, unpaid": [
        "2018 स्पष्टीकरण: पूर्व-प्रमाणन नहीं — मौजूदा नियम जाँचें / 2018 clarification: no pre-certification — check the current rule",
        "आदर्श आचार संहिता फिर भी लागू / the Model Code of Conduct still applies",
    ],
    "YouTube पर चुनावी विज्ञापन / election ad on YouTube": [
        "Google सत्यापन, 3–5 कार्यदिवस / Google verification, 3–5 business days",
        "हर विज्ञापन का ECI/MCMC पूर्व-प्रमाणपत्र / an ECI/MCMC pre-certificate for each ad",
    ],
    "विज्ञापन में AI से बनी असली-जैसी तस्वीर / AI-made realistic image in an ad": [
        "Meta: डिजिटल रूप से बनी सामग्री बताएँ / Meta: disclose digitally made content",
        "ECI (प्रचार सामग्री): 'AI-Generated' जैसा लेबल, दिखने वाले हिस्से का कम से कम 10%, बनाने वाले का नाम, "
        "रिकॉर्ड रखें — मौजूदा सलाह जाँचें / ECI (campaign material): an 'AI-Generated'-style label on at least 10% "
        "of the visible area, creator named, records kept — check the current advisory",
    ],
    "हज़ारों नंबरों पर एक साथ चुनावी संदेश / one election message to thousands of numbers at once": [
        "चुनावी बल्क SMS/वॉइस संदेश: MCMC के दायरे में / election bulk SMS/voice messages: within MCMC's scope",
        "व्हाट्सऐप: बल्क या ऑटोमेटेड संदेश मना, अकाउंट बंद / WhatsApp: bulk or automated messages banned, accounts removed",
        "सहमति (DPDP): हर नंबर वाले ने इसी काम के लिए साफ़ 'हाँ' कही हो, और 'ना' कहना उतना ही आसान हो / consent "
        "(DPDP): everyone whose number it is said a clear 'yes' for this purpose, and can withdraw as easily",
    ],
}  # fmt: skip


def limit_rows(facts: Any, platform: str, only_check: bool = False) -> Any:
    """The rows of `platforms.csv` for one platform: all of them, or only those not confirmed (to check, or a
    third-party guide's advice).

    Example:
        >>> rows = limit_rows(data.load("platforms"), "YouTube", only_check=True)
        >>> sorted(rows["status"].str.split(" / ").str[0].unique())
        ['सुझाव (गाइड से)']
    """
    rows = facts[facts["platform"] == platform]
    if only_check:
        rows = rows[~rows["status"].str.startswith(CONFIRMED)]
    return rows[["feature_hi", "feature_en", "value", "unit", "status", "source"]]


def limits_explorer() -> None:
    """Pick a platform and see its limits and rules from `platforms.csv`, or only the rows not confirmed (to check,
    or a third-party guide's advice)."""
    import ipywidgets as w
    from IPython.display import display

    facts = data.load("platforms")

    def explore(platform: str, only_check: bool) -> None:
        display(limit_rows(facts, platform, only_check))

    platform = w.Dropdown(options=list(facts["platform"].unique()), value="WhatsApp", description="प्लैटफ़ॉर्म")
    only_check = w.Checkbox(value=False, description="सिर्फ़ जो पक्का नहीं / only rows not confirmed")
    view = w.interactive(explore, platform=platform, only_check=only_check)
    panel("limits_explorer", view, platform=platform, only_check=only_check, view=view)


def preview_html(text: str) -> str:
    """The previewer's table for `text`: X, X Premium, Instagram and Facebook counts, limits and notes."""
    rows = []
    for c in platforms.check_all(text, only=["x", "x_premium", "instagram", "facebook"]):
        limit = "—" if c.max_chars is None else f"{c.max_chars:,}"
        notes = []
        if c.cut_at_more:
            shown = html.escape(platforms.shown_before_more(text, c.platform))
            notes.append(f"'more' से पहले / before 'more': <i>{shown}…</i>")
        if c.too_many_hashtags:
            notes.append(f"⚠️ {c.hashtags} हैशटैग, 5 से ज़्यादा / {c.hashtags} hashtags, more than 5")
        if c.uncertain:
            notes.append("ℹ️ " + html.escape(c.uncertain))
        rows.append(
            f"<tr><td>{c.name_hi}<br><small>{c.name_en}</small></td><td><b>{c.length}</b> / {limit}</td>"
            f"<td>{'✅' if c.fits else '❌'}</td><td>{'<br>'.join(notes)}</td></tr>"
        )
    return (
        f"<p>साधारण गिनती / plain count: <b>{len(text)}</b></p><table>"
        "<tr><th>प्लैटफ़ॉर्म / platform</th><th>गिनती / count</th><th></th><th>ध्यान दें / notes</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def post_preview(text: str = EXAMPLE_POST) -> None:
    """A box for a post, and for each platform its count, limit, the cut at "more" and hashtag warnings."""
    import ipywidgets as w

    box = w.Textarea(value=text, layout=wide(height="120px"))
    preview = w.HTML()

    def update(change=None) -> None:
        preview.value = preview_html(box.value)

    box.observe(update, names="value")
    update()
    panel("post_preview", box, preview, box=box, preview=preview)


def forward_text(times: int) -> str:
    """What WhatsApp lets you do with a message already forwarded `times` times, in Hindi and English.

    Example:
        >>> forward_text(6).splitlines()[1]
        "Label 'Forwarded many times' (⏩): only 1 chat at a time."
    """
    rule = verify.forward_rule(times)
    if times == 0:
        return (
            f"ताज़ा संदेश: एक बार में {rule.max_chats} चैट तक भेज सकते हैं।\n"
            f"A fresh message: you can send it to up to {rule.max_chats} chats at once."
        )
    if rule.max_chats > 1:
        return (
            f"पहले से फ़ॉरवर्ड हुआ: एक बार में {rule.max_chats} चैट तक, पर उनमें सिर्फ़ {rule.max_groups} ग्रुप।\n"
            f"Already forwarded: up to {rule.max_chats} chats at once, but only {rule.max_groups} group among them."
        )
    return (
        f"लेबल 'Forwarded many times' (⏩): एक बार में सिर्फ़ {rule.max_chats} चैट।\n"
        f"Label 'Forwarded many times' (⏩): only {rule.max_chats} chat at a time."
    )


def forward_slider() -> None:
    """A slider for how often a message was forwarded already, and what WhatsApp then allows."""
    import ipywidgets as w

    times = w.IntSlider(value=0, min=0, max=8, description="फ़ॉरवर्ड / forwards")
    view = w.interactive(lambda times: print(forward_text(times)), times=times)
    panel("forward_slider", view, times=times, view=view)


def shares(survey: Any, district: str = ALL, area: str = ALL, age: str = ALL) -> Any:
    """Per cent of the chosen respondents who used each platform last week (a pandas Series)."""
    group = survey
    for column, value in (("district", district), ("area", area), ("age_group", age)):
        if value != ALL:
            group = group[group[column] == value]
    return group[SURVEY_PLATFORMS].sum() / group["respondents"].sum() * 100


def age_chart(survey: Any, area: str = "ग्रामीण") -> None:
    """A line chart: per cent on WhatsApp, YouTube and Instagram in each age group, in one area."""
    import matplotlib.pyplot as plt

    rows = survey[survey["area"] == area].groupby("age_group")[["respondents", *SURVEY_PLATFORMS]].sum()
    percent = rows[SURVEY_PLATFORMS].div(rows["respondents"], axis=0) * 100
    charts.line(
        percent.index,
        {"WhatsApp": percent["whatsapp"], "YouTube": percent["youtube"], "Instagram": percent["instagram"]},
        title=f"{area}: उम्र के साथ प्लैटफ़ॉर्म (काल्पनिक सर्वे)",
        xlabel="उम्र-समूह",
        ylabel="पिछले हफ़्ते इस्तेमाल (%)",
    )
    plt.show()


def formats_table() -> Any:
    """The goals, the formats that fit each, and why, as a table."""
    import pandas as pd

    return pd.DataFrame(
        [(goal, NAMES[p], fmt, why) for goal, options in FORMATS.items() for p, fmt, why in options],
        columns=["लक्ष्य / goal", "प्लैटफ़ॉर्म / platform", "फ़ॉर्मैट / format", "क्यों / why"],
    ).style.hide(axis="index")


def ranked_formats(goal: str, share: Any) -> list[tuple[str, str, str]]:
    """The goal's formats, the most used platform (in `share`, per cent by survey column) first."""
    return sorted(FORMATS[goal], key=lambda option: -share[option[0]])


def platform_picker(survey: Any) -> None:
    """Choose an audience and a goal: a chart of where that audience is, and the two best formats."""
    import ipywidgets as w
    import matplotlib.pyplot as plt

    def pick(district: str, area: str, age: str, goal: str) -> None:
        share = shares(survey, district, area, age).round()
        charts.bar(
            [NAMES[p] for p in SURVEY_PLATFORMS], list(share),
            title=f"{district}, {area}, {age}: पिछले हफ़्ते इस्तेमाल (%)", ylabel="% (काल्पनिक)",
        )  # fmt: skip
        plt.show()
        for number, (platform, fmt, reason) in enumerate(ranked_formats(goal, share)[:2], start=1):
            print(f"{number}. {NAMES[platform]} — {fmt} ({share[platform]:.0f}%)\n   {reason}")

    controls = {
        "district": w.Dropdown(options=[ALL, *survey["district"].unique()], value="झाबुआ", description="ज़िला"),
        "area": w.ToggleButtons(options=[ALL, "शहरी", "ग्रामीण"], value="ग्रामीण", description="क्षेत्र"),
        "age": w.Dropdown(options=[ALL, *survey["age_group"].unique()], value="60+", description="उम्र"),
        "goal": w.Dropdown(options=list(FORMATS), description="लक्ष्य"),
    }
    view = w.interactive(pick, **controls)
    panel("platform_picker", view, view=view, **controls)


def ad_rules() -> None:
    """Pick a situation and see which political-advertising rules apply."""
    import ipywidgets as w

    situation = w.Dropdown(options=list(SITUATIONS), description="स्थिति", layout=wide())
    view = w.interactive(
        lambda situation: print("\n".join(f"• {r}" for r in SITUATIONS[situation])), situation=situation
    )
    panel("ad_rules", view, situation=situation, view=view)
