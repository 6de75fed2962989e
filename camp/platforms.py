"""Platform text limits: count a post the way X does and check it against each platform's limit.

X counts a *weighted* length (twitter-text configuration v3, the counter X publishes): after Unicode
NFC normalisation, a code point in U+0000–U+10FF (this includes Devanagari), U+2000–U+200D,
U+2010–U+201F or U+2032–U+2037 counts 1; every other code point counts 2; an emoji (with its skin
tone, joiners and variation selectors) counts 2 as a whole; a link counts 23 however long it is.
Other platforms are counted one per Unicode code point (each Hindi matra and halant is one).

Limits come from the course fact sheet (section 3); the ones marked `uncertain` must be checked in
the app before relying on them.

Example:
    >>> x_length("नमस्ते")
    6
    >>> fits("नमस्ते दोस्तो", "x")
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from camp.lang import CampError

X_URL_LENGTH = 23

#: Code point ranges (first, last) that X counts as 1; everything else counts 2.
_X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

# A link as X's counter finds it: with http(s)://, with www., or a bare domain with a common ending.
# (X recognises more endings than these; a rare one is counted letter by letter here.)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s]+"
    r"|(?<![@\w.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|in|org|net|gov|info|io|co|me|ly|app)\b(?:/[^\s]*)?",
    re.IGNORECASE,
)
# Punctuation that ends a sentence after a link is not part of the link.
_URL_TRAILING = ".,;:!?)]}'\"।॥"

# A hashtag's letters: word characters plus Devanagari matras and halant (not the danda "।").
_HASHTAG = re.compile(r"(?<![\w#])#((?:\w|[\u0900-\u0963\u0966-\u097F\u200C\u200D])+)")


@dataclass(frozen=True)
class Limit:
    """One platform's text limit, as the fact sheet gives it."""

    key: str
    name_hi: str
    name_en: str
    max_chars: int | None  # None: no practical limit known
    shown_before_more: int | None = None  # about how many characters show before "more" / "See more"
    max_hashtags: int | None = None
    uncertain: str = ""  # what to check in the app, when the fact sheet marks the limit uncertain
    source: str = ""


PLATFORMS: dict[str, Limit] = {
    "x": Limit(
        key="x",
        name_hi="X (ट्विटर) पोस्ट",
        name_en="X (Twitter) post",
        max_chars=280,
        source="https://developer.twitter.com/en/docs/counting-characters",
    ),
    "x_premium": Limit(
        key="x_premium",
        name_hi="X Premium लंबी पोस्ट",
        name_en="X Premium long post",
        max_chars=25_000,
        shown_before_more=280,
        uncertain="'Show more' पर कटने की जगह (लगभग 280 वर्ण) एक दूसरी वेबसाइट के गाइड से है; ऐप में देखें / where a "
        "long post is cut at 'Show more' (about 280 characters) comes from a third-party guide; check in the app",
        source="https://telecomlive.in/web/2023/06/28/twitter-increases-tweet-character-limit-to-25000-for-blue-users",
    ),
    "instagram": Limit(
        key="instagram",
        name_hi="इंस्टाग्राम कैप्शन",
        name_en="Instagram caption",
        max_chars=2_200,
        shown_before_more=125,
        max_hashtags=5,
        uncertain="2,200 वर्ण की सीमा दूसरी वेबसाइटों के गाइड से है (Meta का अपना पन्ना नहीं मिला), और 5 हैशटैग की "
        "सीमा धीरे-धीरे लागू हुई; ऐप में मौजूदा नियम जाँचें / the 2,200-character limit comes from third-party "
        "guides (no Meta page found) and the 5-hashtag cap was rolled out gradually; check the current rule in "
        "the app",
        source="https://bundle.social/blog/instagram-character-limits-guide; "
        "https://www.socialsamosa.com/news-2/instagram-hashtags-five-per-post-10923075",
    ),
    "instagram_bio": Limit(
        key="instagram_bio",
        name_hi="इंस्टाग्राम बायो",
        name_en="Instagram bio",
        max_chars=150,
        uncertain="यह सीमा दूसरी वेबसाइटों के गाइड से है; ऐप में मौजूदा नियम जाँचें / this limit comes from "
        "third-party guides; check the current rule in the app",
        source="https://bundle.social/blog/instagram-character-limits-guide",
    ),
    "facebook": Limit(
        key="facebook",
        name_hi="फ़ेसबुक पोस्ट",
        name_en="Facebook post",
        max_chars=None,
        shown_before_more=80,
        uncertain="लंबाई की पक्की सीमा स्रोत में नहीं मिली; मुख्य बात पहले 80–125 वर्णों में रखें (यह एक दूसरी वेबसाइट "
        "के गाइड की सलाह है) / no firm length limit was found; put the main point in the first 80–125 characters "
        "(a third-party guide's advice)",
        source="https://gui.tw/en/knowledge/ig-fb-seo-character-limits-guide",
    ),
}


def _platform(platform: str) -> Limit:
    key = str(platform).strip().lower()
    if key not in PLATFORMS:
        names = ", ".join(PLATFORMS)
        raise CampError(
            f"'{platform}' प्लैटफ़ॉर्म नहीं पहचाना; इनमें से लिखें: {names}",
            f"unknown platform '{platform}'; use one of: {names}",
        )
    return PLATFORMS[key]


def _is_emoji_base(cp: int) -> bool:
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2300 <= cp <= 0x23FF
        or 0x2B00 <= cp <= 0x2BFF
        or 0x2190 <= cp <= 0x21FF
        or 0x25A0 <= cp <= 0x25FF
        or 0x2934 <= cp <= 0x2935
        or cp in (0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x3030, 0x303D, 0x3297, 0x3299)
    )


def _is_emoji_modifier(cp: int) -> bool:
    # variation selector-16, skin tones, tag characters (subdivision flags), combining keycap
    return cp == 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F or cp == 0x20E3


def _emoji_end(cps: list[int], i: int) -> int:
    """Index just after the emoji starting at `i`, or `i` when no emoji starts there."""
    cp = cps[i]
    nxt = cps[i + 1] if i + 1 < len(cps) else None
    if 0x1F1E6 <= cp <= 0x1F1FF and nxt is not None and 0x1F1E6 <= nxt <= 0x1F1FF:
        return i + 2  # a flag: two regional indicators
    if chr(cp) in "0123456789#*":  # a keycap such as 1️⃣
        j = i + 1 + (nxt == 0xFE0F)
        return j + 1 if j < len(cps) and cps[j] == 0x20E3 else i
    if cp in (0xA9, 0xAE) and nxt != 0xFE0F:
        return i  # © and ® are plain text unless shown as emoji
    if not _is_emoji_base(cp):
        return i
    j = i + 1
    while j < len(cps):
        if _is_emoji_modifier(cps[j]):
            j += 1
        elif cps[j] == 0x200D and j + 1 < len(cps) and _is_emoji_base(cps[j + 1]):
            j += 2  # zero-width joiner: 👨‍👩‍👧 is one emoji
        else:
            break
    return j


def _x_weight(cp: int) -> int:
    return 1 if any(lo <= cp <= hi for lo, hi in _X_LIGHT_RANGES) else 2


def _urls(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _URL_TRAILING:
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def x_length(text: str) -> int:
    """The length X counts for a post: links 23, emoji 2, Hindi and English letters 1, most others 2.

    Example:
        >>> x_length("नमस्ते")          # न म स ् त े : every matra and halant is counted
        6
        >>> x_length("देखें https://example.com/a/very/long/page")
        29
        >>> x_length("👍🏽")            # one emoji with a skin tone
        2
    """
    text = unicodedata.normalize("NFC", str(text or ""))
    total, pos = 0, 0
    pieces = []
    for start, end in _urls(text):
        pieces.append(text[pos:start])
        total += X_URL_LENGTH
        pos = end
    pieces.append(text[pos:])
    for piece in pieces:
        cps = [ord(c) for c in piece]
        i = 0
        while i < len(cps):
            end = _emoji_end(cps, i)
            if end > i:
                total += 2
                i = end
            else:
                total += _x_weight(cps[i])
                i += 1
    return total


def length(text: str, platform: str) -> int:
    """The length `platform` counts: X's weighted count for X, one per Unicode code point elsewhere.

    Example:
        >>> length("नमस्ते", "instagram")
        6
    """
    limit = _platform(platform)
    if limit.key.startswith("x"):
        return x_length(text)
    return len(unicodedata.normalize("NFC", str(text or "")))


def fits(text: str, platform: str) -> bool:
    """Whether `text` is within `platform`'s character limit (True where no limit is known).

    Platforms: "x", "x_premium", "instagram" (caption), "instagram_bio", "facebook".

    Example:
        >>> fits("क" * 281, "x")
        False
        >>> fits("क" * 281, "instagram")
        True
    """
    limit = _platform(platform)
    return limit.max_chars is None or length(text, limit.key) <= limit.max_chars


def hashtags(text: str) -> list[str]:
    """The hashtags in a text, in order (Hindi hashtags too).

    Example:
        >>> hashtags("साफ़ गाँव #स्वच्छता #SamparkSetuCamp")
        ['#स्वच्छता', '#SamparkSetuCamp']
    """
    return ["#" + tag for tag in _HASHTAG.findall(str(text or ""))]


def shown_before_more(text: str, platform: str) -> str:
    """The start of `text` that shows before "more" on `platform` (all of it where nothing is cut).

    Example:
        >>> shown_before_more("क" * 300, "instagram") == "क" * 125
        True
    """
    limit = _platform(platform)
    text = unicodedata.normalize("NFC", str(text or ""))
    cut = limit.shown_before_more
    if cut is None or length(text, limit.key) <= cut:
        return text
    if not limit.key.startswith("x"):
        return text[:cut]
    low, high = 0, len(text)  # the longest start that X counts as at most `cut`
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if x_length(text[:mid]) <= cut else (low, mid - 1)
    return text[:low]


@dataclass(frozen=True)
class Check:
    """One platform's verdict on a text."""

    platform: str
    name_hi: str
    name_en: str
    length: int
    max_chars: int | None
    fits: bool
    cut_at_more: bool
    hashtags: int
    too_many_hashtags: bool
    uncertain: str


def check(text: str, platform: str) -> Check:
    """Length, limit, "more" cut and hashtag count of `text` on one platform.

    Example:
        >>> check("नमस्ते", "x").fits
        True
    """
    limit = _platform(platform)
    n_tags = len(hashtags(text))
    return Check(
        platform=limit.key,
        name_hi=limit.name_hi,
        name_en=limit.name_en,
        length=length(text, limit.key),
        max_chars=limit.max_chars,
        fits=fits(text, limit.key),
        cut_at_more=shown_before_more(text, limit.key) != unicodedata.normalize("NFC", str(text or "")),
        hashtags=n_tags,
        too_many_hashtags=limit.max_hashtags is not None and n_tags > limit.max_hashtags,
        uncertain=limit.uncertain,
    )


def check_all(text: str, only: Iterable[str] | None = None) -> list[Check]:
    """`check` on every platform in `PLATFORMS` (or only those named), in `PLATFORMS` order.

    Example:
        >>> [c.platform for c in check_all("नमस्ते")][:2]
        ['x', 'x_premium']
        >>> [c.platform for c in check_all("नमस्ते", only=["instagram", "x"])]
        ['x', 'instagram']
    """
    wanted = None if only is None else {_platform(key).key for key in only}
    return [check(text, key) for key in PLATFORMS if wanted is None or key in wanted]


def count_table(texts: Iterable[str]):
    """A table comparing each text's plain count (one per code point) with the length X counts.

    Example:
        >>> count_table(["नमस्ते", "👍"])["X की गिनती / X count"].tolist()
        [6, 2]
    """
    import pandas as pd

    texts = list(texts)
    return pd.DataFrame(
        {
            "पाठ / text": texts,
            "साधारण गिनती / plain count": [len(t) for t in texts],
            "X की गिनती / X count": [x_length(t) for t in texts],
        }
    )


def letter_kinds(word: str) -> list[tuple[str, str, str]]:
    """Each code point of `word` (after NFC) with what it is in Hindi and English: a letter, a matra
    (vowel sign), the halant, another sign, or a space. Every one of them counts as a character.

    Example:
        >>> [hi for _, hi, _ in letter_kinds("स्व")]
        ['अक्षर', 'हलंत', 'अक्षर']
    """
    kinds = []
    for ch in unicodedata.normalize("NFC", str(word or "")):
        name = unicodedata.name(ch, "")
        if "VIRAMA" in name:
            kind = ("हलंत", "halant")
        elif "VOWEL SIGN" in name:
            kind = ("मात्रा", "matra")
        elif unicodedata.category(ch) in ("Mn", "Mc"):
            kind = ("चिह्न", "sign")
        elif ch.isspace():
            kind = ("ख़ाली जगह", "space")
        else:
            kind = ("अक्षर", "letter")
        kinds.append((ch, *kind))
    return kinds


#: Hashtags so common that Instagram advises against them (fact sheet, December 2025).
GENERIC_TAGS = {"#reels", "#explore"}


def hashtag_notes(token: str, seen: Iterable[str] = ()) -> list[str]:
    """What to fix in one hashtag as typed (bilingual notes), or ["✅ ठीक / fine"].

    `seen` holds the tags already written (casefolded), to flag a repeat.

    Example:
        >>> hashtag_notes("#SamparkSetuCamp")
        ['✅ ठीक / fine']
        >>> hashtag_notes("#एक-पेड़")[0].startswith("❌")
        True
    """
    if not token.startswith("#"):
        return [
            "❌ # नहीं है — शायद ख़ाली जगह ने पिछला टैग तोड़ दिया / no # — a space may have broken the tag before"
        ]
    found = hashtags(token)
    if found != [token]:
        kept = found[0] if found else "#"
        return [f"❌ चिह्न ने टैग तोड़ा, बचा सिर्फ़ {kept} / a symbol breaks the tag, only {kept} is left"]
    notes = []
    if token.casefold() in set(seen):
        notes.append("⚠️ दोबारा लिखा है / repeated")
    if token.casefold() in GENERIC_TAGS:
        notes.append("⚠️ बहुत आम टैग; इंस्टाग्राम इनसे बचने को कहता है / too generic; Instagram advises against it")
    word = token[1:]
    if word.isascii() and word.isalpha() and word == word.lower() and len(word) >= 10:
        notes.append("⚠️ हर शब्द का पहला अक्षर बड़ा करें (CamelCase) / capitalise each word (CamelCase)")
    if len(word) > 25:
        notes.append("⚠️ बहुत लंबा; पढ़ना कठिन / very long, hard to read")
    return notes or ["✅ ठीक / fine"]
