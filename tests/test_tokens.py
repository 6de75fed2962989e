"""camp.tokens: real tokenizers that count offline, the same as OpenAI's tiktoken."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import textwrap

import pytest

from camp import ai, tokens
from camp.data import DATA_DIR
from camp.lang import CampError

#: Counts taken with OpenAI's own `tiktoken` 0.14 (its cl100k_base and o200k_base files, checked against
#: tiktoken's published SHA-256) for the Hindi and English texts of camp/data/ai_texts.csv.
TIKTOKEN = {
    "cl100k_base": {"greeting": (20, 6), "invite": (96, 28), "reminder": (96, 26), "thanks": (83, 23), "press": (211, 67)},
    "o200k_base": {"greeting": (9, 6), "invite": (31, 27), "reminder": (33, 26), "thanks": (27, 23), "press": (93, 64)},
}  # fmt: skip
#: Token ids from tiktoken for the same texts.
IDS = {
    ("cl100k_base", "hello world"): [15339, 1917],
    ("o200k_base", "hello world"): [24912, 2375],
    ("cl100k_base", "नमस्ते"): [61196, 88344, 79468, 31584, 97, 35470],
    ("o200k_base", "नमस्ते"): [998, 1637, 14681, 628],
}


def _texts() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "ai_texts.csv").open(encoding="utf-8", newline="") as file:
        return {row["id"]: row for row in csv.DictReader(file)}


@pytest.mark.parametrize("encoding", sorted(TIKTOKEN))
def test_counts_equal_tiktoken_for_the_lesson_texts(encoding):
    """Does each Hindi and English text of the lesson count exactly as OpenAI's tiktoken counts it?"""
    texts = _texts()
    assert set(texts) == set(TIKTOKEN[encoding])
    for key, (hi, en) in TIKTOKEN[encoding].items():
        assert (tokens.count(texts[key]["hi"], encoding), tokens.count(texts[key]["en"], encoding)) == (
            hi,
            en,
        ), key


@pytest.mark.parametrize(("encoding", "text"), sorted(IDS))
def test_token_ids_equal_tiktoken(encoding, text):
    assert list(tokens.tokenizer(encoding).encode_ordinary(text)) == IDS[(encoding, text)]
    assert len(tokens.pieces(text, encoding)) == len(IDS[(encoding, text)])


def test_hindi_costs_more_on_the_old_tokenizer_than_on_the_new():
    """Is the same greeting about 3× English on GPT-4's tokenizer and much less on GPT-4o's?"""
    old, new, *_ = tokens.compare("नमस्ते, आप कैसे हैं?", "Hello, how are you?")
    assert (old.encoding, new.encoding) == ("cl100k_base", "o200k_base")
    assert old.ratio > 3 > 1.5 >= new.ratio > 1


def test_every_tokenizer_counts_and_models_map_to_theirs():
    for encoding in tokens.ENCODINGS:
        assert tokens.count("सम्पर्क सेतु", encoding) > tokens.count("Sampark", encoding) > 0
    assert tokens.encoding_for("gpt-4o-mini") == "o200k_base"
    assert tokens.encoding_for("gpt-4-turbo") == "cl100k_base"
    assert tokens.encoding_for("llama-3.3-70b-versatile") == "llama3"
    assert tokens.encoding_for("Qwen/Qwen2.5-7B-Instruct") == "qwen3"
    assert tokens.encoding_for("gemma3:4b") == tokens.encoding_for(None) == tokens.DEFAULT
    assert tokens.count("") == 0
    with pytest.raises(CampError) as err:
        tokens.count("x", "gpt2")
    assert "टोकनाइज़र" in err.value.hi and "tokenizer" in err.value.en


def test_cost_arithmetic():
    assert tokens.cost(31, messages=10_000, rupees_per_million=50) == pytest.approx(15.5)
    assert tokens.cost(0, messages=5, rupees_per_million=50) == 0


def test_estimate_tokens_is_the_real_count_for_the_configured_model(monkeypatch):
    """camp.ai.estimate_tokens counts with the tokenizer of the model set, not with a fixed multiplier."""
    monkeypatch.setenv("CAMP_AI_MODEL", "gpt-4-turbo")
    assert ai.estimate_tokens("नमस्ते, आप कैसे हैं?") == 20
    assert ai.estimate_tokens("नमस्ते, आप कैसे हैं?", "gpt-4o") == 9
    assert ai.estimate_tokens("") == 0


def test_counting_needs_no_network_and_no_download(tmp_path):
    """In a fresh process with every socket refused, an empty home and HF_HUB_OFFLINE=1, do all four
    tokenizers still load and count?"""
    code = textwrap.dedent(
        """
        import socket
        def refuse(*a, **k):
            raise OSError("network is off in this test")
        socket.socket = refuse
        socket.create_connection = refuse
        from camp import tokens
        print({e: tokens.count("नमस्ते, आप कैसे हैं?", e) for e in tokens.ENCODINGS})
        """
    )
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "QUICKTOK_DATA": str(tmp_path / "quicktok"),
        "HF_HUB_OFFLINE": "1",
        "TIKTOKEN_CACHE_DIR": str(tmp_path / "tiktoken"),
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "'o200k_base': 9" in out.stdout and "'cl100k_base': 20" in out.stdout
    assert not list(tmp_path.rglob("*")), "nothing was downloaded or cached"
