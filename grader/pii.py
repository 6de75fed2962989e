"""Remove people from a text before it leaves the camp: names (in Devanagari or Latin), ids, numbers, e-mails.

`scrub` replaces, in this order:

- e-mail addresses -> [email]
- 12-digit Aadhaar-like numbers (with or without spaces, dots or dashes) -> [आधार/aadhaar]
- Indian mobile numbers with any separators (spaces, dots, dashes, brackets; +91, 0091, 0) and every
  roster phone -> [फ़ोन/phone]
- 6-digit PIN codes (`462001`, `462 001`) -> [पिन/pin]
- home addresses -> [पता/address]: what follows `पता:` or `address:` up to the end of the sentence; a house,
  plot, flat, ward, lane or sector number (`मकान नं. 12`, `H.No. 45/2`, `वार्ड 4`, `गली नं. 3`, `Plot 7`); a
  number followed within three words by a street word (`12, शांति नगर`, `45 MG Road`, `7 गांधी कॉलोनी`,
  `मोहल्ला`, `गली`, `मार्ग`); each with up to three short comma-separated parts after it (`, Near Bus Stand,
  Bhopal`). Times (`10 बजे`), counts (`200 लोग`), `नगर निगम` and `रोड शो` are not addresses
- the participant's id and every roster id -> [id]
- roster names and the participant's gradebook names, whole or by parts of three letters or more, written
  in either script: `रवि कुमार` is found for a roster's `Ravi Kumar` and the reverse -> [नाम/name]

Names are compared through `name_key`, an offline phonetic key both scripts map to: Devanagari is
transliterated to Latin letters (a small table, inherent vowel and final schwa handled), then spelling
variants are folded (ee/i, oo/u, w/v, sh/s, aspirates, e/a, a short `a` between consonants…). So
`Verma`, `varma` and `वर्मा` share a key, and so do `Meena` and `मीना`. Digits may be ASCII or Devanagari.

    >>> scrub("मैं रवि (p001), 98765.43210, ravi@x.in", student="p001", names=("Ravi Kumar",), people={})
    'मैं [नाम/name] ([id]), [फ़ोन/phone], [email]'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

NAME, ID, PHONE, EMAIL, AADHAAR, PIN, ADDRESS = (
    "[नाम/name]",
    "[id]",
    "[फ़ोन/phone]",
    "[email]",
    "[आधार/aadhaar]",
    "[पिन/pin]",
    "[पता/address]",
)
LABELS = (NAME, ID, PHONE, EMAIL, AADHAAR, PIN, ADDRESS)

_WORD_EDGE = r"\w\u0900-\u097F"  # Devanagari vowel signs are not \w, so \b would split words
_D = "[0-9\u0966-\u096f]"  # a digit, ASCII or Devanagari
_SEP = r"[\s.\-–—/()]"  # what people put between digits
_NOT_AFTER_DIGIT = rf"(?<!{_D})(?<!{_D}[\s.\-])"
_NOT_BEFORE_DIGIT = rf"(?!{_D})(?![\s.\-]{_D})"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_AADHAAR = re.compile(rf"{_NOT_AFTER_DIGIT}{_D}{{4}}(?:{_SEP}{{0,3}}{_D}{{4}}){{2}}{_NOT_BEFORE_DIGIT}")
_PHONE = re.compile(
    rf"{_NOT_AFTER_DIGIT}(?:\(?(?:\+|00)\s*(?:91|९१){_SEP}{{0,3}}|(?:91|९१){_SEP}{{1,3}}|[0०]{_SEP}{{0,2}})?"
    rf"[6-9६-९](?:{_SEP}{{0,3}}{_D}){{9}}{_NOT_BEFORE_DIGIT}"
)
_PIN = re.compile(
    rf"{_NOT_AFTER_DIGIT}(?<![A-Za-z])[1-9१-९]{_D}{{2}}\s?{_D}{{3}}{_NOT_BEFORE_DIGIT}(?![A-Za-z])"
)
# Addresses. A word (Latin or Devanagari letters, dots); the end of a word; where an address part may stop.
_AW = r"[A-Za-z\u0900-\u0963\u0971-\u097f.]+"
_END = rf"(?![{_WORD_EDGE}])"
#: Words that number a house, plot, flat, ward, lane, sector or block (`मकान नं.`, `H.No.`, `वार्ड`).
_UNIT = (
    r"(?:house|h\.?\s?no|flat|plot|ward|gali|lane|street|sector|block|quarter|qtr|"
    r"मकान|म\.\s?नं|घर|प्लॉट|प्लाट|फ़्लैट|फ्लैट|वार्ड|गली|सेक्टर|ब्लॉक|ब्लाक|क्वार्टर)"
)
_NUMBER_WORD = r"(?:no|nos|number|नं|नंबर|क्रमांक|क्र)\.?"
#: Words that end a street or locality name (`शांति नगर`, `MG Road`, `गांधी कॉलोनी`).
_STREET = (
    r"(?:nagar|colony|road|rd|marg|street|lane|mohalla|gali|basti|vihar|society|apartments?|"
    r"नगर|कॉलोनी|कालोनी|कोलोनी|रोड|मार्ग|मोहल्ला|मुहल्ला|गली|सड़क|बस्ती|विहार|सोसाइटी)"
)
_NOT_STREET = r"(?!\s*(?:निगम|पालिका|पंचायत|nigam|palika|शो|show))"
_NOT_YEAR = r"(?!(?:19|20)\d\d(?!\d))"  # in 2024 the road ...
_NOT_SMALL = rf"(?!(?:the|a|an|of|to|in|on|at|is|was|और|के|की|का|में|से|पर){_END})"  # not inside a sentence
_NOT_AMOUNT = r"(?!\s*(?:बजे|baje|am\b|pm\b|a\.m|p\.m|लोग|people|%|:))"
_ADDRESS_PART = (
    rf"(?:{_UNIT}\.?{_END}\s*(?:{_NUMBER_WORD})?\s*[:#\-]?\s*{_D}[\w/\-]*"  # वार्ड 4, मकान नं. 12, H.No. 45/2
    rf"|(?<![\w/\-]){_NOT_YEAR}{_D}[\w/\-]*{_NOT_AMOUNT},?\s+(?:{_NOT_SMALL}{_AW}\s+){{0,2}}{_STREET}{_END}"
    rf"{_NOT_STREET})"
)
_CHUNK = r"[\w\u0900-\u097f./\-\[\]]+"  # one word of an address part (a label such as [पिन/pin] too)
#: An address: a part, then up to three short comma-separated parts (`, Near Bus Stand, Bhopal 462001`).
_ADDRESS = re.compile(
    rf"{_ADDRESS_PART}(?:\s*,\s*(?!(?:and|और|तथा){_END}){_CHUNK}(?:[ \t]+{_NOT_SMALL}{_CHUNK}){{0,2}}){{0,3}}",
    re.IGNORECASE,
)
#: `पता:` / `address:` labels what follows, to the end of its sentence.
_LABELLED = re.compile(
    r"(?<![\w\u0900-\u097f])(पता|address|addr\.?)(\s*[:：]\s*)(?:(?![\n।!?;]|\.(?:\s|$)).){1,120}",
    re.IGNORECASE,
)
#: A word for name matching: Latin or Devanagari letters and signs (not the danda, not digits).
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u0900-\u0963\u0971-\u097f\u200c\u200d]+")
_LABEL_SPLIT = re.compile("(" + "|".join(re.escape(label) for label in LABELS) + ")")


# -- Devanagari to Latin --------------------------------------------------------------------------

# fmt: off
_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ii", "उ": "u", "ऊ": "uu", "ऋ": "ri", "ए": "e", "ऐ": "ai",
    "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e", "ऌ": "li",
}
_SIGNS = {
    "ा": "aa", "ि": "i", "ी": "ii", "ु": "u", "ू": "uu", "ृ": "ri", "े": "e", "ै": "ai", "ो": "o",
    "ौ": "au", "ॉ": "o", "ॅ": "e", "ॄ": "ri",
}
_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j", "झ": "jh",
    "ञ": "n", "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t", "थ": "th", "द": "d",
    "ध": "dh", "न": "n", "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m", "य": "y", "र": "r",
    "ल": "l", "ळ": "l", "व": "v", "श": "sh", "ष": "sh", "स": "s", "ह": "h",
}
_NUKTA_FORMS = {"क": "q", "ख": "kh", "ग": "g", "ज": "z", "ड": "r", "ढ": "rh", "फ": "f", "य": "y"}
# fmt: on
_VIRAMA, _NUKTA, _ANUSVARA, _CHANDRABINDU, _VISARGA = "्", "़", "ं", "ँ", "ः"


def to_latin(word: str) -> str:
    """A Devanagari word in plain Latin letters (`कुमार` -> `kumaar`); other letters pass unchanged."""
    text = unicodedata.normalize("NFD", word)  # क़ -> क + nukta
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _CONSONANTS:
            sound = _CONSONANTS[ch]
            j = i + 1
            if j < len(text) and text[j] == _NUKTA:
                sound = _NUKTA_FORMS.get(ch, sound)
                j += 1
            nxt = text[j] if j < len(text) else ""
            if nxt == _VIRAMA:
                out.append(sound)
                j += 1
            elif nxt in _SIGNS:
                out.append(sound + _SIGNS[nxt])
                j += 1
            elif j >= len(text) or not _is_devanagari(nxt) or nxt in "\u200c\u200d":
                out.append(sound)  # the final inherent vowel is not spoken (राम: ram)
            else:
                out.append(sound + "a")
            i = j
            continue
        if ch in _VOWELS:
            out.append(_VOWELS[ch])
        elif ch in (_ANUSVARA, _CHANDRABINDU):
            out.append("n")
        elif ch == _VISARGA:
            out.append("h")
        elif ch in (_NUKTA, _VIRAMA, "\u200c", "\u200d"):
            pass
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _is_devanagari(ch: str) -> bool:
    return "\u0900" <= ch <= "\u097f"


_FOLDS = [
    (re.compile(r"ee"), "i"),
    (re.compile(r"oo"), "u"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"z"), "j"),
    (re.compile(r"f"), "p"),
    (re.compile(r"[ae]y$"), "e"),  # दुबे: Dubey, Dube
    (re.compile(r"au"), "o"),  # राठौर: Rathore, गौरव: Gaurav, Gorav
    (re.compile(r"(?<=[bcdgjklmnprstvy])e$"), ""),  # a final silent e: Rathore
    (re.compile(r"e"), "a"),  # वर्मा is written Verma as often as Varma
    (re.compile(r"([bcdgjklmnprstvy])h"), r"\1"),  # aspirates: bh -> b, sh -> s, chh -> c
    (re.compile(r"ng"), "n"),  # सिंह / Singh
    (re.compile(r"m(?=[bp])"), "n"),  # संभव / Sambhav
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: aa, ii, uu, tt
    (re.compile(r"(?<=[bcdgjklmnprstvy])a(?=[bcdgjklmnprstvy])"), ""),  # the unspoken inner a: सलमा/Salma
]


def name_key(word: str) -> str:
    """A spelling-tolerant key for one name word, the same for its Devanagari and Latin spellings.

    >>> name_key("Verma") == name_key("वर्मा") == name_key("varmaa")
    True
    """
    latin = to_latin(word)
    latin = unicodedata.normalize("NFKD", latin)
    text = "".join(c for c in latin.lower() if "a" <= c <= "z")
    for pattern, replacement in _FOLDS:
        text = pattern.sub(replacement, text)
    return text


# -- scrubbing ------------------------------------------------------------------------------------


def _replace_names(text: str, names: Iterable[str]) -> str:
    """Replace whole names (their words in a row) and name parts of three letters or more, in either script."""
    full: list[tuple[str, ...]] = []
    parts: set[str] = set()
    for name in names:
        words = _WORD.findall(name)
        keys = tuple(name_key(w) for w in words)
        if keys and all(keys):
            full.append(keys)
        parts |= {name_key(w) for w in words if len(w) >= 3 and len(name_key(w)) >= 2}
    full.sort(key=len, reverse=True)
    words = list(_WORD.finditer(text))
    keys = [name_key(m.group()) for m in words]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for name in full:
            n = len(name)
            if n > 1 and tuple(keys[i : i + n]) == name and _only_spaces(text, words[i : i + n]):
                spans.append((words[i].start(), words[i + n - 1].end()))
                i += n
                break
        else:
            if keys[i] in parts:
                spans.append(words[i].span())
            i += 1
    for start, end in reversed(spans):
        text = text[:start] + NAME + text[end:]
    return text


def _only_spaces(text: str, words: list[re.Match]) -> bool:
    return all(not text[a.end() : b.start()].strip(" \t.") for a, b in zip(words, words[1:]))


def scrub(
    text: str,
    *,
    student: str = "",
    names: Iterable[str] = (),
    people: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """`text` without e-mails, Aadhaar-like numbers, phones, PIN codes, addresses, nor any participant's id or name.

    `people` is the roster ({id: {name, phone, ...}}; default: the camp's roster). `student` and `names`
    (the participant's own id and gradebook names) are removed as well.
    """
    if people is None:
        from grader import roster

        people = roster.load()
    ids = {i for i in {student, *people} if i}
    all_names = [n for n in [*names, *(p.get("name", "") for p in people.values())] if n and n.strip()]
    text = _EMAIL.sub(EMAIL, text)
    text = _AADHAAR.sub(AADHAAR, text)
    text = _PHONE.sub(PHONE, text)
    for phone in {p.get("phone", "") for p in people.values()} - {""}:
        text = text.replace(phone, PHONE)
    text = _PIN.sub(PIN, text)
    text = _LABELLED.sub(lambda m: m.group(1) + m.group(2) + ADDRESS, text)
    text = _ADDRESS.sub(ADDRESS, text)
    if ids:
        alternatives = "|".join(re.escape(t) for t in sorted(ids, key=len, reverse=True))
        pattern = re.compile(rf"(?<![{_WORD_EDGE}])(?:{alternatives})(?![{_WORD_EDGE}])", re.IGNORECASE)
        text = pattern.sub(ID, text)
    pieces = _LABEL_SPLIT.split(text)  # labels already placed are not words of a name
    return "".join(p if p in LABELS else _replace_names(p, all_names) for p in pieces)
