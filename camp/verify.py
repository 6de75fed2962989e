"""Checking a forward before passing it on: SIFT, First Draft's seven types, lateral reading, photo origins."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from camp.lang import CampError


@dataclass(frozen=True)
class Kind:
    """One of First Draft's seven types of mis- and disinformation (Wardle, 2017)."""

    key: str
    hi: str
    en: str
    meaning_hi: str
    meaning_en: str


#: First Draft's typology, in the order of the course's fact sheet.
TYPES: tuple[Kind, ...] = (
    Kind(
        "satire",
        "व्यंग्य या पैरोडी",
        "Satire or parody",
        "नुक़सान का इरादा नहीं, पर लोग धोखा खा सकते हैं",
        "No intent to harm, but can fool",
    ),
    Kind(
        "false_connection",
        "झूठा जुड़ाव",
        "False connection",
        "शीर्षक, तस्वीर या कैप्शन असली बात से मेल नहीं खाते",
        "Headline, visual or caption does not support the content",
    ),
    Kind(
        "misleading",
        "भ्रामक सामग्री",
        "Misleading content",
        "जानकारी को इस तरह पेश करना कि किसी मुद्दे या व्यक्ति की ग़लत छवि बने",
        "Information used misleadingly to frame an issue or person",
    ),
    Kind(
        "false_context",
        "झूठा संदर्भ",
        "False context",
        "असली सामग्री, पर ग़लत संदर्भ के साथ (जैसे पुरानी तस्वीर को आज की बताना)",
        "Genuine content shared with false context",
    ),
    Kind(
        "imposter",
        "नक़ली पहचान (छद्म सामग्री)",
        "Imposter content",
        "किसी असली स्रोत के नाम, लोगो या पहचान की नक़ल",
        "Genuine sources impersonated",
    ),
    Kind(
        "manipulated",
        "छेड़छाड़ की गई सामग्री",
        "Manipulated content",
        "असली तस्वीर, वीडियो या दस्तावेज़ में धोखा देने के लिए बदलाव",
        "Genuine material altered to deceive",
    ),
    Kind(
        "fabricated",
        "गढ़ी हुई सामग्री",
        "Fabricated content",
        "पूरी तरह झूठी, धोखा देने और नुक़सान पहुँचाने के लिए बनाई गई",
        "100% false, made to deceive and do harm",
    ),
)

#: Labels for the other columns of `camp/data/forwards.csv`.
VERDICTS = {
    "false": ("ग़लत", "False"),
    "misleading": ("भ्रामक", "Misleading"),
    "satire": ("व्यंग्य (सच नहीं)", "Satire (not true)"),
    "accurate": ("सही", "Accurate"),
}
ACCURATE = ("सही जानकारी", "Accurate information")


def kind(key: str) -> Kind:
    """The type called `key` (e.g. "false_context").

    Example:
        >>> kind("false_context").hi
        'झूठा संदर्भ'
    """
    for item in TYPES:
        if item.key == key:
            return item
    raise CampError(
        f"'{key}' कोई प्रकार नहीं है; इनमें से चुनें: {', '.join(t.key for t in TYPES)}",
        f"'{key}' is not a type; choose one of: {', '.join(t.key for t in TYPES)}",
    )


def type_name(key: str, lang: str = "hi") -> str:
    """A type's name in Hindi ("hi"), English ("en") or both ("bi"); "accurate" names true forwards.

    Example:
        >>> type_name("imposter", "bi")
        'नक़ली पहचान (छद्म सामग्री) / Imposter content'
    """
    hi, en = ACCURATE if key == "accurate" else (kind(key).hi, kind(key).en)
    return {"hi": hi, "en": en}.get(lang, f"{hi} / {en}")


def type_options() -> list[tuple[str, str]]:
    """(bilingual label, key) pairs for a drop-down or radio list of the seven types."""
    return [(f"{n}. {t.hi} / {t.en}", t.key) for n, t in enumerate(TYPES, 1)]


# -- SIFT ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One of the four SIFT moves (Mike Caulfield, 2019) and the question it asks of a forward."""

    letter: str
    hi: str
    en: str
    question_hi: str
    question_en: str
    options: tuple[tuple[str, str], ...]


MOVES: tuple[Move, ...] = (
    Move(
        "S",
        "रुकें",
        "Stop",
        "क्या संदेश आपको ग़ुस्सा, डर या जल्दबाज़ी महसूस करा रहा है ('तुरंत सबको भेजें!')?",
        "Does the message make you angry, afraid or rushed ('send to everyone now!')?",
        (("हाँ / Yes", "yes"), ("नहीं / No", "no")),
    ),
    Move(
        "I",
        "स्रोत की जाँच करें",
        "Investigate the source",
        "यह किसने बनाया? क्या वह स्रोत असली और भरोसेमंद है?",
        "Who made it? Is that source real and trustworthy?",
        (
            ("असली, भरोसेमंद स्रोत / a real, trustworthy source", "trusted"),
            ("पता नहीं चला / could not find out", "unknown"),
            ("नक़ली या नक़ल किया हुआ स्रोत / a fake or copied source", "fake"),
        ),
    ),
    Move(
        "F",
        "बेहतर कवरेज खोजें",
        "Find better coverage",
        "क्या भरोसेमंद जगहें (आधिकारिक पेज, अख़बार, फ़ैक्ट-चेकर) यही बात कहती हैं?",
        "Do trustworthy places (official page, newspapers, fact-checkers) say the same?",
        (
            ("हाँ, वही बात / yes, the same", "confirms"),
            ("कहीं कुछ नहीं मिला / nothing found", "none"),
            ("वे इसका उल्टा कहती हैं / they say the opposite", "contradicts"),
        ),
    ),
    Move(
        "T",
        "मूल संदर्भ तक पहुँचें",
        "Trace to the original context",
        "क्या बात, बयान या तस्वीर का मूल (पहला) रूप मिला, और उसका संदर्भ वही है?",
        "Did you find the original claim, quote or picture, and is its context the same?",
        (
            ("हाँ, वही संदर्भ / yes, same context", "same"),
            ("मूल नहीं मिला / original not found", "not_found"),
            ("मूल अलग है (पुराना, कहीं और का, बदला हुआ) / the original differs", "different"),
        ),
    ),
)


@dataclass(frozen=True)
class Verdict:
    """What a SIFT walk-through concludes, and what to do about the forward."""

    key: str  # "share" | "hold" | "stop" | "incomplete"
    hi: str
    en: str
    action_hi: str
    action_en: str
    reasons: tuple[tuple[str, str], ...] = ()


def sift_verdict(
    stop: str | None = None, source: str | None = None, coverage: str | None = None, trace: str | None = None
) -> Verdict:
    """Turn the answers to the four SIFT questions (option values of `MOVES`) into a verdict.

    Any sign of falsehood (a fake source, coverage saying the opposite, an original that differs)
    outweighs everything else; "share" needs all three checks to pass; anything else means "hold".

    Example:
        >>> sift_verdict("yes", "unknown", "contradicts", "not_found").key
        'stop'
    """
    allowed = [{v for _, v in m.options} for m in MOVES]
    for value, ok, move in zip((stop, source, coverage, trace), allowed, MOVES):
        if value is not None and value not in ok:
            raise CampError(
                f"'{value}' {move.hi} का विकल्प नहीं है; इनमें से चुनें: {', '.join(sorted(ok))}",
                f"'{value}' is not an option for {move.en}; choose one of: {', '.join(sorted(ok))}",
            )
    if None in (stop, source, coverage, trace):
        return Verdict(
            "incomplete",
            "अभी अधूरा",
            "Not finished yet",
            "चारों सवालों के उत्तर चुनें।",
            "Answer all four questions.",
        )
    reasons: list[tuple[str, str]] = []
    if stop == "yes":
        reasons.append(("तेज़ भावना या जल्दबाज़ी: यह रुकने का संकेत है।", "Strong emotion or a rush: a sign to stop."))
    if source == "fake":
        reasons.append(("स्रोत नक़ली या नक़ल किया हुआ है।", "The source is fake or copied."))
    if coverage == "contradicts":
        reasons.append(("भरोसेमंद जगहें इसका उल्टा कहती हैं।", "Trustworthy places say the opposite."))
    if trace == "different":
        reasons.append(("मूल संदर्भ अलग है।", "The original context is different."))
    if source == "fake" or coverage == "contradicts" or trace == "different":
        return Verdict(
            "stop",
            "ग़लत या भ्रामक",
            "False or misleading",
            "आगे न भेजें। भेजने वाले को विनम्रता से बताएँ और भरोसेमंद स्रोत या फ़ैक्ट-चेक का लिंक दें।",
            "Do not forward it. Tell the sender politely and share a trustworthy source or fact-check.",
            tuple(reasons),
        )
    if source == "trusted" and coverage == "confirms" and trace == "same":
        reasons.append(
            ("स्रोत, दूसरी जगहें और मूल संदर्भ — तीनों मेल खाते हैं।", "Source, coverage and context all agree.")
        )
        return Verdict(
            "share",
            "भरोसेमंद लगता है",
            "Looks trustworthy",
            "भेजना हो तो साथ में मूल स्रोत का लिंक या नाम दें।",
            "If you share it, add the original source's link or name.",
            tuple(reasons),
        )
    reasons.append(("पक्की पुष्टि नहीं मिली।", "No firm confirmation was found."))
    return Verdict(
        "hold",
        "अभी पक्का नहीं",
        "Not confirmed yet",
        "अभी आगे न भेजें। भेजने वाले से स्रोत पूछें; आधिकारिक पेज या फ़ैक्ट-चेकर देखें।",
        "Do not forward it yet. Ask the sender for the source; check the official page or a fact-checker.",
        tuple(reasons),
    )


# -- WhatsApp forwarding labels --------------------------------------------------------------------


@dataclass(frozen=True)
class ForwardRule:
    """The label a forwarded WhatsApp message carries and how widely it can be forwarded at once."""

    label_hi: str
    label_en: str
    max_chats: int
    max_groups: int


def forward_rule(times_forwarded: int) -> ForwardRule:
    """The label and forwarding limits for a message forwarded `times_forwarded` times along a chain.

    As described in the course's fact sheet (WhatsApp FAQ; 2018, 2020 and 2022 reports): any message
    goes to at most 5 chats at once; from 5 forwards on it is "Forwarded many times" and goes to one
    chat at a time; an already forwarded message goes to one group at a time. Limits change: re-check.

    Example:
        >>> forward_rule(6).max_chats
        1
    """
    if times_forwarded < 0:
        raise CampError("गिनती 0 या उससे ज़्यादा होनी चाहिए।", "The count must be 0 or more.")
    if times_forwarded == 0:
        return ForwardRule("कोई लेबल नहीं (भेजने वाले का अपना संदेश)", "No label (the sender's own message)", 5, 5)
    if times_forwarded < 5:
        return ForwardRule("→ Forwarded (फ़ॉरवर्ड किया गया)", "→ Forwarded", 5, 1)
    return ForwardRule("⇉ Forwarded many times (कई बार फ़ॉरवर्ड किया गया)", "⇉ Forwarded many times", 1, 1)


# -- lateral reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sign:
    """One thing lateral reading can find about a source: good (+1) or a red flag (-2)."""

    key: str
    hi: str
    en: str
    good: bool


SIGNS: tuple[Sign, ...] = (
    Sign("named", "नए टैब में स्रोत का नाम खोजा, और दूसरी साइटें बताती हैं कि यह कौन है", "Searched the source's name in a new tab; other sites say who it is", True),
    Sign("official", "नाम, नंबर या वेबसाइट आधिकारिक सूची या पेज से मेल खाते हैं", "Name, number or website match the official list or page", True),
    Sign("two_sources", "कम से कम दो अलग, भरोसेमंद स्रोत यही बात कहते हैं", "At least two independent, trustworthy sources say the same", True),
    Sign("no_debunk", "किसी फ़ैक्ट-चेकर ने इसे ग़लत नहीं बताया", "No fact-checker has called it false", True),
    Sign("track_record", "स्रोत पहले भी सही जानकारी देता रहा है", "The source has a record of getting things right", True),
    Sign("looks_only", "भरोसा सिर्फ़ लोगो, डिज़ाइन या डोमेन नाम पर टिका है", "Trust rests only on a logo, design or domain name", False),
    Sign("self_only", "स्रोत के बारे में जानकारी सिर्फ़ उसके अपने 'हमारे बारे में' पन्ने से मिली", "All you know comes from the source's own 'About us' page", False),
    Sign("asks_money", "पैसे, OTP, नाम-पता या 'तुरंत सबको भेजो' की माँग", "Asks for money, an OTP, your name and address, or 'send to all now'", False),
)  # fmt: skip


@dataclass(frozen=True)
class Rating:
    """How far a source can be trusted, from the signs found by reading laterally."""

    score: int  # 0..5
    key: str  # "trust" | "careful" | "distrust"
    hi: str
    en: str


def rate_source(found: Iterable[str]) -> Rating:
    """Rate a source from the keys of the `SIGNS` found: +1 for each good sign, -2 for each red flag.

    A source with any red flag is never rated "trust", however many good signs it has.

    Example:
        >>> rate_source(["named", "official", "two_sources", "no_debunk"]).key
        'trust'
    """
    found = set(found)
    unknown = found - {s.key for s in SIGNS}
    if unknown:
        raise CampError(
            f"अनजाना संकेत: {', '.join(sorted(unknown))}", f"Unknown sign: {', '.join(sorted(unknown))}"
        )
    good = sum(1 for s in SIGNS if s.good and s.key in found)
    red = sum(1 for s in SIGNS if not s.good and s.key in found)
    score = max(0, min(5, good - 2 * red))
    if score >= 4 and red == 0:
        return Rating(score, "trust", "भरोसा किया जा सकता है", "Can be trusted")
    if score >= 2:
        return Rating(score, "careful", "सावधानी: और जाँचें", "Careful: check further")
    return Rating(score, "distrust", "भरोसा न करें", "Do not trust")


# -- a practice photo and its metadata -------------------------------------------------------------

#: What the course writes into the practice photo's metadata (EXIF); it is made up, like the photo.
PHOTO_METADATA = {
    "Make": "ExampleCam",
    "Model": "EC-100",
    "DateTimeOriginal": "2019:10:02 09:41:00",
    "ImageDescription": "Swachhta shivir, Sehore (Sampark Setu)",
    "Artist": "Sampark Setu Sehore team",
}

#: Hindi names for the metadata fields a participant reads.
METADATA_NAMES = {
    "Make": "कैमरा कंपनी",
    "Model": "कैमरा मॉडल",
    "DateTimeOriginal": "फ़ोटो खींचने का समय",
    "DateTime": "फ़ाइल बदलने का समय",
    "ImageDescription": "विवरण",
    "Artist": "फ़ोटोग्राफ़र",
    "Software": "सॉफ़्टवेयर",
}

_EXIF_IFD = 0x8769
_TAGS = {"Make": 0x010F, "Model": 0x0110, "ImageDescription": 0x010E, "Artist": 0x013B, "DateTime": 0x0132,
         "Software": 0x0131}  # fmt: skip
_EXIF_TAGS = {"DateTimeOriginal": 0x9003}


def _draw_scene() -> bytes:
    """A simple drawing of a cleanliness camp with a Hindi banner, as PNG bytes (no AI, no real people)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Polygon, Rectangle

    from camp import charts

    charts.setup()
    fig = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 64)
    ax.set_ylim(0, 40)
    ax.axis("off")
    ax.add_patch(Rectangle((0, 14), 64, 26, color="#bfe3f5"))  # sky
    ax.add_patch(Rectangle((0, 0), 64, 14, color="#c9b27c"))  # ground
    ax.add_patch(Polygon([(6, 14), (20, 30), (34, 14)], color="#e07b39"))  # tent
    ax.add_patch(Rectangle((30, 24), 30, 8, color="#ffffff", ec="#2a6f3f", lw=2))  # banner
    ax.text(45, 28, "स्वच्छता शिविर — सीहोर", ha="center", va="center", fontsize=15, color="#2a6f3f")
    colours = ["#7a4b9a", "#2b6cb0", "#c53030", "#2f855a", "#b7791f"]
    for n in range(24):
        x, y = 4 + (n * 5.3) % 58, 1 + (n % 3) * 4.3
        ax.add_patch(Rectangle((x - 0.9, y), 1.8, 3.2, color=colours[n % 5]))
        ax.add_patch(Circle((x, y + 4.1), 0.9, color="#8d5524"))
    ax.text(1, 38.5, "अभ्यास चित्र — कोर्स ने बनाया / Practice picture made by the course", fontsize=8, va="top")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def practice_photo() -> bytes:
    """A made-up "event photo" as JPEG bytes, with the made-up metadata of `PHOTO_METADATA`.

    Example:
        >>> read_metadata(practice_photo())["DateTimeOriginal"]
        '2019:10:02 09:41:00'
    """
    from PIL import Image

    image = Image.open(io.BytesIO(_draw_scene())).convert("RGB")
    exif = Image.Exif()
    for name, value in PHOTO_METADATA.items():
        if name in _EXIF_TAGS:
            exif.get_ifd(_EXIF_IFD)[_EXIF_TAGS[name]] = value
        else:
            exif[_TAGS[name]] = value
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, exif=exif)
    return buffer.getvalue()


def read_metadata(photo: bytes) -> dict[str, str]:
    """The metadata fields of `METADATA_NAMES` found in a JPEG (an empty dict when it has none).

    Example:
        >>> read_metadata(practice_photo())["Make"]
        'ExampleCam'
    """
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(photo))
    except UnidentifiedImageError:
        raise CampError("यह तस्वीर की फ़ाइल नहीं है।", "This is not an image file.") from None
    exif = image.getexif()
    found = {name: exif.get(tag) for name, tag in _TAGS.items()}
    inner = exif.get_ifd(_EXIF_IFD)
    found.update({name: inner.get(tag) for name, tag in _EXIF_TAGS.items()})
    return {name: str(value).strip("\x00 ") for name, value in found.items() if value}


@dataclass(frozen=True)
class PracticeSource:
    """A made-up source to practise lateral reading on: what it says about itself, and what other tabs say."""

    name: str
    self_hi: str
    self_en: str
    tabs: tuple[tuple[str, str], ...]
    signs: tuple[str, ...]  # the signs a careful reader finds (what the trainer would tick)


PRACTICE_SOURCES: tuple[PracticeSource, ...] = (
    PracticeSource(
        "samparksetu-news.example",
        "“सम्पर्क सेतु की आधिकारिक समाचार साइट। 10 साल से आपकी सेवा में।” (सुंदर लोगो, संगठन जैसे रंग)",
        "“Sampark Setu's official news site. Serving you for 10 years.” (a smart logo, the organisation's colours)",
        (
            ("सम्पर्क सेतु के आधिकारिक पेज पर इसकी वेबसाइटों की सूची है; यह साइट उसमें नहीं है।",
             "Sampark Setu's official page lists its websites; this site is not on the list."),
            ("खोज में इस साइट के बारे में केवल इसकी अपनी पोस्ट दिखती हैं; किसी अख़बार ने इसका ज़िक्र नहीं किया।",
             "A search shows only the site's own posts about itself; no newspaper mentions it."),
            ("एक फ़ैक्ट-चेक (काल्पनिक) ने इस साइट की 'शिविर रद्द' वाली ख़बर को ग़लत बताया है।",
             "A fact-check (fictional) has called this site's 'camp cancelled' story false."),
        ),
        ("looks_only", "self_only"),
    ),
    PracticeSource(
        "सीहोर दर्पण (काल्पनिक स्थानीय ब्लॉग) / Sehore Darpan (fictional local blog)",
        "“सीहोर की हर ख़बर सबसे पहले।”",
        "“Every Sehore story, first.”",
        (
            ("दो स्थानीय अख़बारों ने इसकी ख़बरों का हवाला दिया है, और वे इसके संपादक का नाम बताते हैं।",
             "Two local papers cite its stories and name its editor."),
            ("पिछले साल एक ग़लत आँकड़े पर इसने ख़ुद सुधार छापा था।",
             "Last year it published its own correction of a wrong figure."),
            ("किसी फ़ैक्ट-चेकर ने इसकी ख़बरों को ग़लत नहीं बताया; पर हर ख़बर की पुष्टि दूसरी जगह से नहीं होती।",
             "No fact-checker has called its stories false; but not every story is confirmed elsewhere."),
        ),
        ("named", "track_record", "no_debunk"),
    ),
    PracticeSource(
        "सम्पर्क सेतु का आधिकारिक पेज / Sampark Setu's official page",
        "“सम्पर्क सेतु — आधिकारिक पेज। शिविरों और योजनाओं की सूचना।”",
        "“Sampark Setu — official page. News of camps and schemes.”",
        (
            ("संगठन के छपे पर्चों और ज़िला कार्यालय के बोर्ड पर यही पेज और नंबर लिखा है।",
             "The organisation's printed leaflets and the district office's board give this page and number."),
            ("स्थानीय अख़बार इसकी सूचनाओं का हवाला देते हैं, और अस्पताल की सूचना भी वही तारीख़ें बताती है।",
             "Local papers cite its notices, and the hospital's notice gives the same dates."),
            ("किसी फ़ैक्ट-चेकर ने इसकी सूचनाओं को ग़लत नहीं बताया; पुरानी सूचनाएँ भी सही निकलीं।",
             "No fact-checker has called its notices false; its past notices proved right."),
        ),
        ("named", "official", "two_sources", "no_debunk", "track_record"),
    ),
)  # fmt: skip
