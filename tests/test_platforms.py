"""camp.platforms: X's weighted count, per-platform limits, hashtags and the "more" cut."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from camp import platforms
from camp.lang import CampError
from camp.platforms import check, check_all, fits, hashtags, length, shown_before_more, x_length


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("hello", 5),
        ("नमस्ते", 6),  # न म स ् त े: matras and the halant count one each
        ("स्वच्छता", 8),
        ("ज़िला", 5),  # nukta typed as its own mark
        ("क़", 2),  # precomposed U+0958 is split by NFC, as X does
        ("।", 1),
        ("中文", 4),
        ("—", 1),  # U+2014 is in X's weight-1 punctuation range
        ("…", 2),  # U+2026 is not
        ("₹", 2),
        ("👍", 2),
        ("👍🏽", 2),
        ("👨\u200d👩\u200d👧", 2),
        ("🇮🇳", 2),
        ("1️⃣", 2),
        ("❤️", 2),
        ("© 2026", 6),
    ],
)
def test_x_length_weights(text, expected):
    """Does x_length count letters, matras, CJK, punctuation and emoji as X's counter does?"""
    assert x_length(text) == expected


@pytest.mark.parametrize(
    "link",
    [
        "https://example.com/a/very/long/path/that/goes/on?and=on",
        "http://t.co/x",
        "www.eci.gov.in",
        "eci.gov.in",
        "factcheck.pib.gov.in/some/page",
    ],
)
def test_every_link_counts_23(link):
    """Does any link count 23, however long, with sentence punctuation after it left out?"""
    assert x_length(link) == 23
    assert x_length(f"देखें {link}।") == 5 + 1 + 23 + 1


def test_email_is_not_a_link():
    """Is an e-mail address counted letter by letter, not as a link?"""
    assert x_length("factcheck@pib.gov.in") == len("factcheck@pib.gov.in")


def test_limit_280_boundary():
    """Is 280 weighted characters allowed on X, and 281 not, while Instagram takes both?"""
    assert fits("क" * 280, "x")
    assert not fits("क" * 281, "x")
    assert not fits("中" * 141, "x")  # 141 CJK characters weigh 282
    assert fits("क" * 281, "instagram")
    assert fits("क" * 281, "x_premium")


def test_instagram_and_bio_limits():
    """Are the 2,200 caption and 150 bio limits applied?"""
    assert fits("a" * 2200, "instagram")
    assert not fits("a" * 2201, "instagram")
    assert fits("a" * 150, "instagram_bio")
    assert not fits("a" * 151, "instagram_bio")


def test_facebook_has_no_known_limit():
    """Does a platform without a known limit accept any length, and say it is uncertain?"""
    assert fits("a" * 100_000, "facebook")
    assert check("a", "facebook").uncertain


def test_length_other_platforms_counts_code_points():
    """Do the other platforms count links and emoji as their plain code points?"""
    text = "👍 https://example.com/long"
    assert length(text, "instagram") == len(text)
    assert length(text, "X") == 2 + 1 + 23  # platform names are case-blind


def test_unknown_platform_is_a_friendly_error():
    """Does an unknown platform raise one bilingual sentence naming the choices?"""
    with pytest.raises(CampError) as info:
        fits("hi", "tiktok")
    assert "instagram" in info.value.en and "प्लैटफ़ॉर्म" in info.value.hi


def test_hashtags_keep_hindi_marks():
    """Are Hindi hashtags read whole (matras, halant), stopping at the danda and punctuation?"""
    assert hashtags("साफ़ गाँव #स्वच्छता। #SamparkSetuCamp, #मध्य_प्रदेश a#b") == [
        "#स्वच्छता",
        "#SamparkSetuCamp",
        "#मध्य_प्रदेश",
    ]


def test_too_many_hashtags_on_instagram():
    """Is a sixth hashtag flagged on Instagram but not on X?"""
    text = " ".join(f"#t{i}" for i in range(6))
    assert check(text, "instagram").too_many_hashtags
    assert not check(text, "x").too_many_hashtags
    assert not check(" ".join(f"#t{i}" for i in range(5)), "instagram").too_many_hashtags


def test_shown_before_more():
    """Is only the first 125 characters shown before "more" on Instagram, and all of a short text?"""
    long = "क" * 300
    assert shown_before_more(long, "instagram") == "क" * 125
    assert check(long, "instagram").cut_at_more
    assert shown_before_more("छोटा", "instagram") == "छोटा"
    assert not check("छोटा", "instagram").cut_at_more


def test_long_x_post_is_cut_by_x_count():
    """On X Premium, is "Show more" placed by X's count, so a long link does not cut a short post?"""
    short = "क" * 250 + " https://example.org/" + "a" * 100
    assert shown_before_more(short, "x_premium") == short
    long = "क" * 300 + "👍" * 10
    assert shown_before_more(long, "x_premium") == "क" * 280
    assert shown_before_more("👍" * 200, "x_premium") == "👍" * 140


def test_check_all_covers_every_platform():
    """Does check_all give one verdict per platform, in PLATFORMS order, or only those asked for?"""
    assert [c.platform for c in check_all("नमस्ते")] == list(platforms.PLATFORMS)
    assert [c.platform for c in check_all("नमस्ते", only=["Facebook", "x"])] == ["x", "facebook"]


def test_limits_match_the_data_table():
    """Does every limit in PLATFORMS appear in camp/data/platforms.csv with a source?"""
    path = Path(platforms.__file__).parent / "data" / "platforms.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    keyed = {row["limit_key"]: row for row in rows if row["limit_key"]}
    for limit in platforms.PLATFORMS.values():
        if limit.max_chars is None:
            continue
        row = keyed[f"{limit.key}.max_chars"]
        assert int(row["value"]) == limit.max_chars
        assert row["source"].startswith("http")
    assert all(row["source"].startswith("http") for row in rows)


def test_count_table_puts_the_plain_count_beside_x_count():
    """Does the lesson's comparison table show a link counted 23 by X however long it is?"""
    link = "https://example.org/sampark-setu/sehore/safai-abhiyan"
    table = platforms.count_table(["नमस्ते", link])
    assert table.iloc[:, 1].tolist() == [6, len(link)]
    assert table.iloc[:, 2].tolist() == [6, 23]


def test_letter_kinds_name_every_piece_of_a_hindi_word():
    """Is every matra and halant of स्वच्छता its own piece, as the counters count it?"""
    kinds = [hi for _, hi, _ in platforms.letter_kinds("स्वच्छता")]
    assert kinds == ["अक्षर", "हलंत", "अक्षर", "अक्षर", "हलंत", "अक्षर", "अक्षर", "मात्रा"]
    assert len(kinds) == x_length("स्वच्छता")
    assert [en for _, _, en in platforms.letter_kinds("क ़")] == ["letter", "space", "sign"]


@pytest.mark.parametrize(
    ("token", "seen", "flag"),
    [
        ("#SamparkSetuCamp", (), "✅"),
        ("#जलबचाओ", (), "✅"),
        ("Setu", (), "❌ #"),
        ("#एक-पेड़", (), "#एक"),
        ("#reels", (), "generic"),
        ("#sehorevolunteers", (), "CamelCase"),
        ("#SamparkSetuCamp", ("#samparksetucamp",), "repeated"),
        ("#" + "Ab" * 13, (), "very long"),
    ],
)
def test_hashtag_notes_say_what_to_fix(token, seen, flag):
    """Does the hashtag checker name the one problem of each tag (and pass a good one)?"""
    notes = platforms.hashtag_notes(token, seen)
    assert any(flag in note for note in notes), notes
    assert (notes == ["✅ ठीक / fine"]) == (flag == "✅")
