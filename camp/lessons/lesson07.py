"""Lesson 07's widgets: prompt builder, AI helper (draft, translate, summarise, caption), claim checker, token
counter and chart, AI-label checker, and the allowed-use sorter."""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass
from functools import cache

from camp import charts, tokens
from camp.data import DATA_DIR
from camp.lessons import panel, sorter, wide

# -- the lesson's made-up material (camp/data/ai_examples.json, ai_texts.csv) ----------------------------------


@cache
def examples() -> dict:
    """The press note, the AI draft to check, the fictional people and the four AI tasks."""
    return json.loads((DATA_DIR / "ai_examples.json").read_text(encoding="utf-8"))


@cache
def texts() -> list[dict[str, str]]:
    """Short messages in Hindi with their English twins, for counting tokens."""
    with (DATA_DIR / "ai_texts.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def text(key: str) -> dict[str, str]:
    return next(t for t in texts() if t["id"] == key)


# -- 1. the prompt builder ----------------------------------------------------------------------------------------

#: A prompt's six parts: key, Hindi, English, what it says (Hindi, English).
PARTS = [
    ("role", "भूमिका", "role", "AI किसकी तरह लिखे", "who the AI writes as"),
    ("task", "काम", "task", "ठीक-ठीक क्या करना है", "exactly what to do"),
    ("context", "संदर्भ", "context", "तथ्य, पाठक, मौक़ा", "facts, readers, occasion"),
    ("format", "रूप", "format", "लंबाई, भाषा, ढाँचा", "length, language, layout"),
    ("examples", "उदाहरण", "examples", "जैसा चाहिए, उसका नमूना", "a sample of what you want"),
    ("limits", "सीमाएँ", "limits", "क्या नहीं करना है", "what not to do"),
]
EXAMPLE_PARTS = {
    "role": "आप सम्पर्क सेतु की सोशल मीडिया टीम के सदस्य हैं।",
    "task": "रायसेन में हैंडपंप जाँच पर फ़ेसबुक पोस्ट लिखें।",
    "context": "6 गाँवों में 41 हैंडपंप जाँचे; 29 ठीक मिले; 12 की मरम्मत 30 नवंबर तक। पाठक: गाँव के लोग।",
    "format": "",
    "examples": "",
    "limits": "",
}


def build_prompt(parts: dict[str, str]) -> str:
    """The prompt the parts make, one labelled line per filled part, in the order of PARTS."""
    lines = [f"{hi}: {parts[key].strip()}" for key, hi, *_ in PARTS if parts.get(key, "").strip()]
    return "\n".join(lines)


def missing_parts(parts: dict[str, str]) -> list[str]:
    """The keys of the parts still empty, in the order of PARTS."""
    return [key for key, *_ in PARTS if not parts.get(key, "").strip()]


def prompt_html(parts: dict[str, str]) -> str:
    """The assembled prompt, a tick or a cross for each part, and what the prompt costs in tokens."""
    missing = missing_parts(parts)
    rows = ""
    for key, hi, en, say_hi, say_en in PARTS:
        if key not in missing:
            mark = "✅"
        elif key == "task":
            mark = "⛔ ज़रूरी / required"
        else:
            mark = "❌ नहीं है / missing"
        rows += f"<tr><td style='padding:2px 8px'><b>{hi}</b> / {en}</td><td>{say_hi} / {say_en}</td><td>{mark}</td></tr>"
    prompt = build_prompt(parts)
    if "task" in missing:
        verdict = (
            "⛔ काम लिखे बिना AI नहीं जानता कि करना क्या है। / Without a task the AI does not know what to do."
        )
    elif missing:
        verdict = f"⚠️ {len(missing)} हिस्से बाकी: उन्हें भरने से उत्तर बेहतर होता है। / {len(missing)} parts to go: filling them improves the answer."
    else:
        verdict = "✅ छहों हिस्से हैं। / All six parts are there."
    cost = tokens.count(prompt)
    return (
        f"<table>{rows}</table><p>{verdict}</p>"
        f"<pre style='white-space:pre-wrap;background:#f6f6f6;padding:6px'>{html.escape(prompt) or '—'}</pre>"
        f"<small>{cost} टोकन / tokens (GPT-4o, o200k_base)</small>"
    )


def prompt_builder(parts: dict[str, str] | None = None) -> None:
    """Six boxes, one per part of a prompt; the prompt they make and what is still missing, as you type."""
    import ipywidgets as w

    given = {**EXAMPLE_PARTS, **(parts or {})}
    boxes = {
        key: w.Textarea(value=given.get(key, ""), description=f"{hi} / {en}", layout=wide(height="48px"))
        for key, hi, en, *_ in PARTS
    }
    view = w.HTML()

    def update(change=None) -> None:
        view.value = prompt_html({k: b.value for k, b in boxes.items()})

    for box in boxes.values():
        box.observe(update, names="value")
    update()
    panel("prompt_builder", *boxes.values(), view, view=view, **boxes)


# -- 2. asking the AI: draft, translate, summarise, caption ------------------------------------------------------

AI_LABEL = (
    "🏷️ AI से बना मसौदा — हर संख्या, नाम और तारीख़ स्रोत से मिलाएँ; छापें तो लेबल लगाएँ\n"
    "🏷️ AI-made draft — check every number, name and date against the source; label it if you publish it"
)
EXAMPLE_LABEL = (
    "📄 उदाहरण उत्तर: यह AI का उत्तर नहीं, इस पाठ के लिए पहले से लिखा गया है\n"
    "📄 EXAMPLE response: not from an AI, written in advance for this lesson"
)


@dataclass(frozen=True)
class Task:
    key: str
    hi: str
    en: str
    system: str
    prompt: str
    example: str


def task(key: str) -> Task:
    """One of the four AI tasks ("draft", "translate", "summary", "caption") with its prompt and example."""
    return Task(key=key, **examples()["tasks"][key])


def reply_text(reply: str, job: Task) -> str:
    """What the lesson shows: the model's reply labelled as AI-made, or (with no reply) the example, labelled."""
    if reply.strip():
        return f"{reply.strip()}\n\n{AI_LABEL}"
    return (
        f"{EXAMPLE_LABEL}\n\n{job.example}\n\n"
        "इस उदाहरण पर भी वही जाँच करें जो AI के उत्तर पर करते। / Check this example as you would check an AI's reply."
    )


def show_reply(reply: str, job: Task) -> None:
    """Print the reply (labelled AI-made) or, when the AI gave none, the example response (labelled so)."""
    print(reply_text(reply, job))


def ai_helper(key: str = "summary") -> None:
    """Choose a task, edit its prompt, press "Ask": the AI's reply, or the labelled example when none is connected."""
    import contextlib
    import io

    import ipywidgets as w

    from camp import ai

    choose = w.Dropdown(
        options=[(f"{task(k).hi} / {task(k).en}", k) for k in examples()["tasks"]],
        value=key,
        description="काम / task",
    )
    prompt = w.Textarea(value=task(key).prompt, layout=wide(height="150px"))
    button = w.Button(description="AI से पूछें / Ask the AI", icon="paper-plane", button_style="primary")
    view = w.HTML()

    def pick(change=None) -> None:
        prompt.value = task(choose.value).prompt
        view.value = ""

    def ask(_button=None) -> None:
        job = task(choose.value)
        said = io.StringIO()
        with contextlib.redirect_stdout(said):
            reply = ai.chat(prompt.value, system=job.system)
        note = said.getvalue().strip()
        shown = (note + "\n\n" if note else "") + reply_text(reply, job)
        view.value = f"<pre style='white-space:pre-wrap'>{html.escape(shown)}</pre>"

    choose.observe(pick, names="value")
    button.on_click(ask)
    panel(
        "ai_helper",
        choose,
        prompt,
        button,
        view,
        choose=choose,
        prompt=prompt,
        button=button,
        view=view,
        ask=ask,
    )


# -- 3. the claim checker: every number, name, date and quote, and whether the source has it ---------------------

HINDI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
MONTHS = (
    "जनवरी|फ़रवरी|फरवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर|सितम्बर|अक्टूबर|अक्तूबर|नवंबर|नवम्बर|दिसंबर|दिसम्बर|"
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
WEEKDAYS = (
    "सोमवार|मंगलवार|बुधवार|गुरुवार|शुक्रवार|शनिवार|रविवार|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
#: Real district names of Madhya Pradesh (places are names too), and the fictional organisation.
PLACES = (
    "भोपाल इंदौर जबलपुर ग्वालियर उज्जैन सागर रीवा सतना सीहोर विदिशा रायसेन राजगढ़ झाबुआ धार देवास खरगोन "
    "बैतूल छिंदवाड़ा मंडला दमोह गुना शिवपुरी नर्मदापुरम होशंगाबाद बुधनी"
).split() + ["सम्पर्क सेतु", "Sampark Setu", "Bhopal", "Indore", "Sehore", "Vidisha", "Raisen", "Rajgarh"]
TITLES = r"(?:डॉ\.?|श्री|श्रीमती|सुश्री|प्रो\.?|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Prof\.?)"
WORD = r"[\w\u0900-\u097f]+"
KINDS = {
    "quote": ("उद्धरण", "quote"),
    "date": ("तारीख़", "date"),
    "name": ("नाम", "name"),
    "number": ("संख्या", "number"),
}
COLOURS = {"quote": "#f3d1f4", "date": "#cfe3ff", "name": "#ffe0b2", "number": "#fff59d"}


@dataclass(frozen=True)
class Claim:
    kind: str  # a key of KINDS
    text: str
    start: int
    end: int


def _patterns() -> list[tuple[str, str]]:
    names = sorted([*examples()["people"], *PLACES], key=len, reverse=True)
    return [
        ("quote", r"[\"“][^\"“”]+[\"”]"),
        (
            "date",
            rf"[\d०-९]{{1,2}}\s+(?:{MONTHS})(?:\s+[\d०-९]{{4}})?|\b[\d०-९]{{1,2}}/[\d०-९]{{1,2}}/[\d०-९]{{2,4}}|(?:{WEEKDAYS})",
        ),
        ("name", rf"{TITLES}\s*{WORD}(?:\s+{WORD})?|" + "|".join(re.escape(n) for n in names)),
        ("number", r"[\d०-९][\d०-९,.]*\s*(?:%|प्रतिशत|लाख|करोड़|हज़ार)?"),
    ]


def find_claims(draft: str) -> list[Claim]:
    """Every quote, date, name and number in `draft`, in reading order (a quote's insides count once, as the quote).

    Example:
        >>> [c.text for c in find_claims("सीहोर में 12 नवंबर को 320 पौधे लगे।")]
        ['सीहोर', '12 नवंबर', '320']
    """
    found: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _patterns():
        for m in re.finditer(pattern, draft):
            start, end = m.start(), m.end()
            while end > start and draft[end - 1] in " .,।":
                end -= 1
            if end > start and not any(s < end and start < e for s, e in taken):
                found.append(Claim(kind, draft[start:end], start, end))
                taken.append((start, end))
    return sorted(found, key=lambda c: c.start)


def _plain(text: str) -> str:
    text = text.translate(HINDI_DIGITS).replace("“", '"').replace("”", '"')
    return " ".join(text.split())


def in_source(claim: Claim, source: str) -> bool:
    """Whether the source says the same words (a number: the same number; a quote: the same quoted words)."""
    plain = _plain(source)
    if claim.kind == "number":
        number = re.match(r"[\d,.]+", _plain(claim.text)).group(0).rstrip(".,")
        return number in re.findall(r"\d[\d,.]*\d|\d", plain)
    return _plain(claim.text).strip('"') in plain


def claims_html(draft: str, source: str) -> str:
    """The draft with each claim highlighted and numbered, then one row per claim: in the source, or ask for one."""
    claims = find_claims(draft)
    marked, last = "", 0
    for n, c in enumerate(claims, 1):
        marked += html.escape(draft[last : c.start])
        marked += f"<mark style='background:{COLOURS[c.kind]}'>{html.escape(c.text)}<sup>{n}</sup></mark>"
        last = c.end
    marked += html.escape(draft[last:])
    rows = ""
    for n, c in enumerate(claims, 1):
        hi, en = KINDS[c.kind]
        if in_source(c, source):
            verdict = "✅ स्रोत में है — पूरा वाक्य भी मिलाएँ / in the source — compare the whole sentence too"
        else:
            verdict = "❓ स्रोत में नहीं: स्रोत बताइए या हटाइए / not in the source: give a source or remove it"
        rows += f"<tr><td>{n}</td><td>{hi} / {en}</td><td>{html.escape(c.text)}</td><td>{verdict}</td></tr>"
    missing = sum(not in_source(c, source) for c in claims)
    return (
        f"<p style='line-height:1.9'>{marked}</p><table>{rows}</table>"
        f"<p><b>{len(claims)}</b> दावे, <b>{missing}</b> का स्रोत नहीं / claims, <b>{missing}</b> without a source</p>"
    )


def claim_checker(draft: str | None = None, source: str | None = None) -> None:
    """Two boxes (the source, the AI draft): every number, name, date and quote of the draft, and its source."""
    import ipywidgets as w

    src = w.Textarea(
        value=source or examples()["source_note"], description="स्रोत / source", layout=wide(height="90px")
    )
    box = w.Textarea(
        value=draft or examples()["ai_draft"], description="मसौदा / draft", layout=wide(height="90px")
    )
    view = w.HTML()

    def update(change=None) -> None:
        view.value = claims_html(box.value, src.value)

    src.observe(update, names="value")
    box.observe(update, names="value")
    update()
    panel("claim_checker", src, box, view, source=src, box=box, view=view)


# -- 4. tokens: the same message in Hindi and English ------------------------------------------------------------

#: A made-up price for the arithmetic only; real prices differ by provider and model and change often.
EXAMPLE_PRICE = 50.0  # ₹ per million tokens


def tokens_html(hi: str, en: str, *, messages: int, price: float) -> str:
    """A row per tokenizer: Hindi tokens, English tokens, Hindi ÷ English, and the cost of `messages` messages."""
    rows = ""
    for c in tokens.compare(hi, en):
        rupees_hi = tokens.cost(c.hi_tokens, messages=messages, rupees_per_million=price)
        rupees_en = tokens.cost(c.en_tokens, messages=messages, rupees_per_million=price)
        rows += (
            f"<tr><td>{c.label}</td><td>{c.hi_tokens}</td><td>{c.en_tokens}</td><td>{f'×{c.ratio:.2f}' if c.en_tokens else '—'}</td>"
            f"<td>₹{rupees_hi:,.2f}</td><td>₹{rupees_en:,.2f}</td></tr>"
        )
    cut = " | ".join(html.escape(p) for p in tokens.pieces(hi, "cl100k_base")[:24])
    cut_new = " | ".join(html.escape(p) for p in tokens.pieces(hi, "o200k_base")[:24])
    return (
        "<table><tr><th>टोकनाइज़र / tokenizer</th><th>हिंदी / Hindi</th><th>English</th><th>हिंदी ÷ English</th>"
        f"<th>{messages:,} हिंदी संदेश / Hindi messages</th><th>{messages:,} English</th></tr>{rows}</table>"
        f"<p><small>पुराने GPT-4 (cl100k) के टुकड़े / pieces: {cut}<br>GPT-4o (o200k): {cut_new}<br>"
        "� = किसी अक्षर का अधूरा टुकड़ा / part of a letter's bytes. "
        f"कीमत ₹{price:g} प्रति 10 लाख टोकन मान ली गई है; असली कीमत प्रदाता की मौजूदा सूची में देखें। / "
        f"A price of ₹{price:g} per million tokens is assumed; check the provider's current price list.</small></p>"
    )


def token_compare(key: str = "invite") -> None:
    """A Hindi message and its English twin: real token counts by four tokenizers, and what many messages cost."""
    import ipywidgets as w

    pick = w.Dropdown(options=[(f"{t['kind_hi']} / {t['kind_en']}", t["id"]) for t in texts()], value=key,
                      description="संदेश / message")  # fmt: skip
    hi = w.Textarea(value=text(key)["hi"], description="हिंदी / Hindi", layout=wide(height="60px"))
    en = w.Textarea(value=text(key)["en"], description="English", layout=wide(height="60px"))
    messages = w.BoundedIntText(value=10_000, min=1, max=10_000_000, description="संदेश / messages")
    price = w.BoundedFloatText(value=EXAMPLE_PRICE, min=0, max=100_000, description="₹ / 10 लाख (million)")
    view = w.HTML()

    def load(change=None) -> None:
        hi.value, en.value = text(pick.value)["hi"], text(pick.value)["en"]

    def update(change=None) -> None:
        view.value = tokens_html(hi.value, en.value, messages=messages.value, price=price.value)

    pick.observe(load, names="value")
    for box in (hi, en, messages, price):
        box.observe(update, names="value")
    update()
    panel("token_compare", pick, hi, en, w.HBox([messages, price]), view,
          pick=pick, hi=hi, en=en, messages=messages, price=price, view=view)  # fmt: skip


def token_chart(key: str = "invite"):
    """Bars: the same message in Hindi and English, counted by each tokenizer (Hindi labels); returns the figure."""
    charts.setup()
    import matplotlib.pyplot as plt

    rows = tokens.compare(text(key)["hi"], text(key)["en"])
    labels = [tokens.ENCODINGS[r.encoding][0] for r in rows]
    x = range(len(rows))
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    bars_hi = ax.bar([i - 0.2 for i in x], [r.hi_tokens for r in rows], 0.4, label="हिंदी में", color="#e07b00")
    bars_en = ax.bar([i + 0.2 for i in x], [r.en_tokens for r in rows], 0.4, label="अंग्रेज़ी में", color="#1f77b4")
    ax.bar_label(bars_hi)
    ax.bar_label(bars_en)
    ax.set_xticks(list(x), labels)
    ax.set_ylabel("टोकन")
    ax.set_title("एक ही न्योता, चार टोकनाइज़र: हिंदी कितनी महँगी?")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.show()
    return fig


# -- 5. the AI-label checker (ECI advisory of 24 October 2025, as the camp's fact sheet states it) -----------------

LABEL_WORDS = ("ai-generated", "ai generated", "digitally enhanced", "synthetic content")
PLACES_ON_SCREEN = {
    "top": ("ऊपर", "top"),
    "middle": ("बीच में", "middle"),
    "bottom": ("नीचे", "bottom"),
    "none": ("कहीं नहीं", "nowhere"),
}


def check_label(
    *,
    kind: str,
    label: str,
    share: float,
    place: str,
    entity_named: bool,
    record_kept: bool,
    real_person: bool = False,
    consent: bool = False,
) -> list[tuple[bool, str, str]]:
    """Each rule for an AI-made image, video or audio clip: (passes, Hindi line, English line).

    `share` is the label's percent of the visible area (for audio: of the duration, at the start).
    """
    said = label.strip().casefold()
    results = [
        (
            any(w in said for w in LABEL_WORDS),
            "लेबल साफ़ शब्दों में: 'AI-Generated', 'Digitally Enhanced' या 'Synthetic Content' जैसा",
            "A clear label such as 'AI-Generated', 'Digitally Enhanced' or 'Synthetic Content'",
        ),
        (
            share >= 10,
            f"आकार: {'शुरू की कम से कम 10% अवधि' if kind == 'audio' else 'दिखने वाले हिस्से का कम से कम 10%'} (अभी {share:g}%)",
            f"Size: at least 10% of {'the duration, at the start' if kind == 'audio' else 'the visible area'} (now {share:g}%)",
        ),
    ]
    if kind == "video":
        results.append(
            (
                place == "top",
                "वीडियो में लेबल स्क्रीन के ऊपरी हिस्से में",
                "In a video the label sits at the top of the screen",
            )
        )
    elif kind == "image":
        results.append(
            (
                place != "none",
                "तस्वीर पर लेबल साफ़ दिखे (ऊपर रखना सबसे सुरक्षित)",
                "The label shows clearly on the image (the top is safest)",
            )
        )
    results += [
        (
            entity_named,
            "बनाने वाली संस्था का नाम कैप्शन या मेटाडेटा में",
            "The responsible entity named in the caption or metadata",
        ),
        (
            record_kept,
            "हर AI सामग्री का अंदरूनी रिकॉर्ड (किसने, कब बनाई)",
            "An internal record of every AI-made item (who made it, when)",
        ),
    ]
    if real_person:
        results.append(
            (
                consent,
                "असली व्यक्ति का चेहरा या आवाज़ केवल उसकी सहमति से, और बिना धोखे के",
                "A real person's face or voice only with their consent, never to mislead",
            )
        )
    return results  # fmt: skip


def label_html(results: list[tuple[bool, str, str]]) -> str:
    rows = "".join(
        f"<tr><td>{'✅' if ok else '❌'}</td><td>{hi}<br><small>{en}</small></td></tr>"
        for ok, hi, en in results
    )
    failed = sum(not ok for ok, *_ in results)
    verdict = (
        "✅ लेबल नियमों के अनुसार लगता है; मौजूदा नियम फिर भी जाँचें। / The label looks compliant; still check the current rule."
        if not failed
        else f"❌ {failed} नियम पूरे नहीं: ठीक करके ही छापें। / {failed} rules not met: fix before publishing."
    )
    return f"<table>{rows}</table><p><b>{verdict}</b></p>"


def label_checker() -> None:
    """Describe an AI-made item's label: each rule of the ECI advisory, met or not, as you change it."""
    import ipywidgets as w

    kind = w.Dropdown(options=[("तस्वीर / image", "image"), ("वीडियो / video", "video"), ("ऑडियो / audio", "audio")],
                      value="video", description="क्या / what")  # fmt: skip
    label = w.Text(value="AI", description="लेबल / label text", layout=wide("60%"))
    share = w.FloatSlider(value=4, min=0, max=30, step=1, description="आकार % / size %")
    place = w.Dropdown(options=[(f"{hi} / {en}", k) for k, (hi, en) in PLACES_ON_SCREEN.items()], value="bottom",
                       description="जगह / where")  # fmt: skip
    entity = w.Checkbox(value=False, description="संस्था का नाम कैप्शन में / entity named in caption")
    record = w.Checkbox(value=False, description="रिकॉर्ड रखा / record kept")
    person = w.Checkbox(value=False, description="असली व्यक्ति दिखता/सुनाई देता है / shows a real person")
    consent = w.Checkbox(value=False, description="उसकी सहमति है / with their consent")
    view = w.HTML()
    boxes = dict(kind=kind, label=label, share=share, place=place, entity=entity, record=record, person=person,
                 consent=consent)  # fmt: skip

    def update(change=None) -> None:
        view.value = label_html(
            check_label(
                kind=kind.value,
                label=label.value,
                share=share.value,
                place=place.value,
                entity_named=entity.value,
                record_kept=record.value,
                real_person=person.value,
                consent=consent.value,
            )  # fmt: skip
        )

    for box in boxes.values():
        box.observe(update, names="value")
    update()
    panel("label_checker", *boxes.values(), view, view=view, **boxes)


# -- 6. which uses are allowed -----------------------------------------------------------------------------------

VERDICTS = {
    "ok": ("ठीक है", "fine"),
    "label": ("जाँच और लेबल के साथ", "with checking and a label"),
    "never": ("कभी नहीं", "never"),
}
#: (use in Hindi, in English, verdict, why in Hindi, why in English)
USES = [
    ("टीम की अंदरूनी बैठक के नोट्स का सारांश", "Summarising the notes of an internal team meeting", "ok",
     "अंदरूनी काम; OpenAI की नीति भी अंदरूनी मेमो और योजना की अनुमति देती है। तथ्य फिर भी जाँचें।",
     "Internal work; OpenAI's policy also allows internal memos and planning. Still check the facts."),
    ("सम्पर्क सेतु के स्वास्थ्य शिविर की AI से बनी तस्वीर, फ़ेसबुक पर", "An AI-made picture for Sampark Setu's health camp, on Facebook", "label",
     "AI सामग्री छापी जा सकती है, पर साफ़ लेबल और रिकॉर्ड के साथ, और तथ्य जाँचकर।",
     "AI-made content may be published, with a clear label and a record, after checking the facts."),
    ("किसी असली नेता की आवाज़ की नक़ल करके वीडियो बनाना", "A video imitating a real leader's voice", "never",
     "यह डीपफ़ेक और नक़ल (impersonation) है; चुनाव आयोग ने ऐसी सामग्री से मना किया है, लेबल से भी यह ठीक नहीं होती।",
     "It is a deepfake and impersonation; the ECI told parties not to publish it, and a label does not fix it."),
    ("किसी जाने-माने व्यक्ति का गढ़ा हुआ समर्थन-वाक्य पोस्टर पर", "A made-up endorsement by a well-known person on a poster", "never",
     "झूठा समर्थन मतदाताओं को धोखा देता है: किसी की पहचान को बिना सहमति ग़लत दिखाना मना है।",
     "A fake endorsement deceives voters: misrepresenting a person without consent is not allowed."),
    ("अपने हिंदी प्रेस नोट का अंग्रेज़ी अनुवाद", "Translating our own Hindi press note into English", "label",
     "हर संख्या, नाम और तारीख़ मूल से मिलाएँ; छापने से पहले कोई इंसान पढ़े।",
     "Check every number, name and date against the original; a person reads it before it goes out."),
    ("किसी उम्मीदवार के पक्ष में हज़ारों अलग-अलग प्रचार संदेश ChatGPT से बनवाना", "Having ChatGPT write thousands of campaign messages for a candidate", "never",
     "OpenAI की नीति बड़े पैमाने पर प्रचार संदेश बनाने से मना करती है — यह कंपनी का नियम है, क़ानून से अलग।",
     "OpenAI's policy forbids scaled campaign messaging — a company rule, separate from the law."),
]  # fmt: skip


def use_sorter() -> None:
    """For each use of AI choose fine / with a label / never; "Check" then says which and why."""
    sorter("use_sorter", [(hi, en) for hi, en, *_ in USES], VERDICTS, [item[2] for item in USES],
           [(item[3], item[4]) for item in USES])  # fmt: skip
