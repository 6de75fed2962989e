"""The course's one Hindi vocabulary: each term, its English, a plain definition and its banned variants."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from camp.data import DATA_DIR

GLOSSARY_CSV = DATA_DIR / "glossary.csv"
_DEVANAGARI = "\u0900-\u097f"
_NUKTA = "\u093c"
#: A banned variant written "~WhatsApp" is banned only inside Hindi text (the English line may use it).
HINDI_ONLY = "~"
_JOINERS = " \t:;'\"‘’“”*_-"


@dataclass(frozen=True)
class Term:
    """One glossary row: the Hindi term the course uses, its English, definitions and banned variants."""

    hi: str
    en: str
    definition_hi: str
    definition_en: str
    banned: tuple[str, ...]


def load(path: Path = GLOSSARY_CSV) -> list[Term]:
    """Read the glossary, one `Term` per row.

    Example:
        >>> any(t.hi == "सेल" for t in load())
        True
    """
    with Path(path).open(encoding="utf-8", newline="") as file:
        return [
            Term(
                hi=row["hi"].strip(),
                en=row["en"].strip(),
                definition_hi=row["definition_hi"].strip(),
                definition_en=row["definition_en"].strip(),
                banned=tuple(v.strip() for v in row["banned"].split("|") if v.strip()),
            )
            for row in csv.DictReader(file)
        ]


def banned_variants(path: Path = GLOSSARY_CSV) -> dict[str, str]:
    """Every banned variant mapped to the Hindi term to use instead.

    Example:
        >>> banned_variants()["गलत"]
        'ग़लत'
    """
    return {variant.removeprefix(HINDI_ONLY): term.hi for term in load(path) for variant in term.banned}


def _rules(path: Path) -> list[tuple[str, str, bool]]:
    """(variant, term, only inside Hindi text) for every banned variant of the glossary."""
    return [
        (variant.removeprefix(HINDI_ONLY), term.hi, variant.startswith(HINDI_ONLY))
        for term in load(path)
        for variant in term.banned
    ]


def _in_hindi(text: str, start: int, end: int) -> bool:
    """Does the word text[start:end] stand in a Hindi sentence: is the word right before or after it (across
    spaces, quotes, colons, bold marks) Devanagari? A slash, bracket, comma or line break parts the languages:
    "व्हाट्सऐप / WhatsApp", "व्हाट्सऐप (WhatsApp)" and a CSV cell are not Hindi text."""
    before = text[:start].rstrip(_JOINERS)
    after = text[end:].lstrip(_JOINERS)
    return bool(re.match(f"[{_DEVANAGARI}]", before[-1:]) or re.match(f"[{_DEVANAGARI}]", after[:1]))


@cache
def _pattern(variant: str) -> re.Pattern[str]:
    variant = unicodedata.normalize("NFC", variant)
    if re.search(f"[{_DEVANAGARI}]", variant):
        # A variant starts a word (not inside another) and is not the nukta-less head of the right spelling:
        # "तारीख" must not match "तारीख़", but does match "तारीखें".
        return re.compile(f"(?<![{_DEVANAGARI}]){re.escape(variant)}(?!{_NUKTA})")
    return re.compile(rf"(?<![A-Za-z]){re.escape(variant)}(?![A-Za-z])")


def find_banned(text: str, path: Path = GLOSSARY_CSV) -> list[tuple[str, str]]:
    """The banned variants in `text`, each as (variant, term to use), in order of appearance.

    Example:
        >>> find_banned("यह गलत है")
        [('गलत', 'ग़लत')]
        >>> find_banned("WhatsApp पर भेजें / Send it on WhatsApp")
        [('WhatsApp', 'व्हाट्सऐप')]
    """
    text = unicodedata.normalize("NFC", text)
    found = []
    for variant, term, hindi_only in _rules(path):
        for match in _pattern(variant).finditer(text):
            if not hindi_only or _in_hindi(text, match.start(), match.end()):
                found.append((match.start(), variant, term))
    return [(variant, term) for _, variant, term in sorted(found)]
