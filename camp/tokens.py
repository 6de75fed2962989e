"""Real token counts, offline: the tokenizers of OpenAI's, Meta's and Qwen's models, shipped inside a package.

`quicktok` (PyPI `quicktok-v1`) carries the vocabulary files of cl100k_base (GPT-4, GPT-3.5), o200k_base
(GPT-4o, GPT-4o-mini), Llama 3 and Qwen 2.5/3 in its wheel, so counting needs no download and no network.
Its ids are the same as OpenAI's own `tiktoken` (tests/test_tokens.py holds counts taken with tiktoken).
A model's server may add a few tokens of chat framing; the text itself costs what these functions say.

Example:
    >>> count("Hello, how are you?", "o200k_base")
    6
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from camp.lang import CampError

#: The tokenizers the camp can count with: name -> (the models that use it, a note in Hindi, in English).
ENCODINGS: dict[str, tuple[str, str, str]] = {
    "cl100k_base": ("GPT-4 / GPT-3.5", "पुराना, 2023", "older, 2023"),
    "o200k_base": ("GPT-4o / GPT-4o-mini", "नया, 2024", "newer, 2024"),
    "llama3": ("Llama 3", "Meta का खुला मॉडल", "Meta's open model"),
    "qwen3": ("Qwen 2.5 / 3", "खुला मॉडल", "open model"),
}
DEFAULT = "o200k_base"
#: Model names (lower case, start of the name) and the tokenizer they use.
MODELS: dict[str, str] = {
    "gpt-4o": "o200k_base",
    "gpt-4.1": "o200k_base",
    "o1": "o200k_base",
    "o3": "o200k_base",
    "o4": "o200k_base",
    "gpt-4": "cl100k_base",
    "gpt-3.5": "cl100k_base",
    "llama-3": "llama3",
    "llama3": "llama3",
    "qwen": "qwen3",
}


def _missing() -> CampError:
    return CampError(
        "टोकन गिनने वाला पैकेज (quicktok-v1) नहीं मिला: टर्मिनल में `pip install -e .` चलाएँ या प्रशिक्षक को बताएँ।",
        "The token-counting package (quicktok-v1) is missing: run `pip install -e .` in a terminal, or tell "
        "your trainer.",
    )


@cache
def tokenizer(encoding: str = DEFAULT):
    """The tokenizer named `encoding` (one of ENCODINGS), loaded from the package's own files."""
    if encoding not in ENCODINGS:
        raise CampError(
            f"'{encoding}' नाम का टोकनाइज़र नहीं है; इनमें से चुनें: {', '.join(ENCODINGS)}।",
            f"There is no tokenizer called '{encoding}'; choose one of: {', '.join(ENCODINGS)}.",
        )
    try:
        import quicktok
    except ImportError:
        raise _missing() from None
    return quicktok.get_encoding(encoding)


def warm() -> None:
    """Load every tokenizer now (about 1.7 s of CPU in all): the grading engine's warm parent calls this once, so
    each notebook it forks a kernel for finds them loaded instead of reading the vocabularies again."""
    for name in ENCODINGS:
        tokenizer(name)


def count(text: str, encoding: str = DEFAULT) -> int:
    """How many tokens `text` is for the tokenizer `encoding` (special markers count as plain text).

    Example:
        >>> count("नमस्ते, आप कैसे हैं?", "cl100k_base") > count("Hello, how are you?", "cl100k_base")
        True
    """
    return len(tokenizer(encoding).encode_ordinary(text)) if text else 0


def pieces(text: str, encoding: str = DEFAULT) -> list[str]:
    """The text cut into its tokens. A token holding only part of a Hindi letter's bytes shows as "�"."""
    enc = tokenizer(encoding)
    return [
        enc.decode_single_token_bytes(t).decode("utf-8", errors="replace") for t in enc.encode_ordinary(text)
    ]


def encoding_for(model: str | None) -> str:
    """The tokenizer a model name uses ("gpt-4o-mini" -> "o200k_base"); DEFAULT when it is not known."""
    name = (model or "").strip().lower().rsplit("/", 1)[-1]
    for prefix, encoding in sorted(MODELS.items(), key=lambda kv: -len(kv[0])):
        if name.startswith(prefix):
            return encoding
    return DEFAULT


@dataclass(frozen=True)
class Comparison:
    """The same message in Hindi and English, counted by one tokenizer."""

    encoding: str
    hi_tokens: int
    en_tokens: int

    @property
    def ratio(self) -> float:
        """How many times the English count the Hindi one is (1.5 = half as much again)."""
        return self.hi_tokens / self.en_tokens if self.en_tokens else math.inf

    @property
    def label(self) -> str:
        models, hi, en = ENCODINGS[self.encoding]
        return f"{models} ({hi} / {en})"


def compare(hi_text: str, en_text: str, encodings: tuple[str, ...] = tuple(ENCODINGS)) -> list[Comparison]:
    """Count a Hindi text and its English twin with each tokenizer.

    Example:
        >>> [round(c.ratio, 1) for c in compare("नमस्ते, आप कैसे हैं?", "Hello, how are you?")][:2]
        [3.3, 1.5]
    """
    return [Comparison(e, count(hi_text, e), count(en_text, e)) for e in encodings]


def cost(tokens: int, *, messages: int = 1, rupees_per_million: float) -> float:
    """Rupees for sending `messages` messages of `tokens` tokens each, at a price per million tokens."""
    return tokens * messages * rupees_per_million / 1_000_000
