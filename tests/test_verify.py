"""camp.verify: the seven types, the SIFT verdict, forwarding labels, source ratings, the practice photo."""

from __future__ import annotations

import csv

import pytest

from camp import verify
from camp.data import path
from camp.lang import CampError


def test_seven_types_in_wardles_order_with_both_languages():
    """Are there exactly First Draft's seven types, each named and explained in Hindi and English?"""
    keys = [t.key for t in verify.TYPES]
    assert keys == [
        "satire",
        "false_connection",
        "misleading",
        "false_context",
        "imposter",
        "manipulated",
        "fabricated",
    ]
    for t in verify.TYPES:
        assert all(s.strip() for s in (t.hi, t.en, t.meaning_hi, t.meaning_en))
    assert [v for _, v in verify.type_options()] == keys
    assert verify.type_name("accurate", "en") == "Accurate information"


def test_unknown_type_is_a_friendly_error():
    """Does a misspelt type name raise one bilingual sentence listing the valid names?"""
    with pytest.raises(CampError) as err:
        verify.kind("fake_news")
    assert "false_context" in err.value.hi and "false_context" in err.value.en


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (("no", "trusted", "confirms", "same"), "share"),
        (("yes", "trusted", "confirms", "same"), "share"),
        (("yes", "unknown", "none", "not_found"), "hold"),
        (("no", "trusted", "none", "same"), "hold"),
        (("no", "trusted", "confirms", "different"), "stop"),
        (("no", "fake", "confirms", "same"), "stop"),
        (("yes", "unknown", "contradicts", "not_found"), "stop"),
        (("yes", None, "none", "same"), "incomplete"),
    ],
)
def test_sift_verdict(answers, expected):
    """Does any sign of falsehood stop a forward, and does sharing need all three checks to pass?"""
    verdict = verify.sift_verdict(*answers)
    assert verdict.key == expected
    assert verdict.action_hi and verdict.action_en


def test_sift_verdict_says_why_and_rejects_unknown_options():
    """Are the reasons given (the Stop warning included), and is a wrong option value refused?"""
    verdict = verify.sift_verdict("yes", "fake", "contradicts", "different")
    assert len(verdict.reasons) == 4
    with pytest.raises(CampError):
        verify.sift_verdict("maybe", "trusted", "confirms", "same")


@pytest.mark.parametrize(("times", "label", "chats", "groups"), [(0, "No label", 5, 5), (1, "Forwarded", 5, 1),
                                                                 (4, "Forwarded", 5, 1), (5, "many times", 1, 1),
                                                                 (40, "many times", 1, 1)])  # fmt: skip
def test_forward_rule(times, label, chats, groups):
    """From 5 forwards on: 'Forwarded many times' and one chat at a time; forwarded: one group at a time."""
    rule = verify.forward_rule(times)
    assert label in rule.label_en
    assert (rule.max_chats, rule.max_groups) == (chats, groups)
    with pytest.raises(CampError):
        verify.forward_rule(-1)


def test_rate_source_red_flags_outweigh_good_signs():
    """Is a source with a red flag never rated 'trust', and is the score kept within 0..5?"""
    everything_good = [s.key for s in verify.SIGNS if s.good]
    assert verify.rate_source(everything_good).key == "trust"
    assert verify.rate_source(everything_good).score == 5
    assert verify.rate_source([*everything_good, "looks_only"]).key == "careful"
    assert verify.rate_source(["looks_only", "asks_money"]).score == 0
    assert verify.rate_source([]).key == "distrust"
    with pytest.raises(CampError):
        verify.rate_source(["logo"])


def test_practice_sources_span_the_three_ratings():
    """Do the three practice sources come out as distrust, careful and trust, each with three tabs?"""
    ratings = [verify.rate_source(s.signs).key for s in verify.PRACTICE_SOURCES]
    assert ratings == ["distrust", "careful", "trust"]
    assert all(len(s.tabs) == 3 for s in verify.PRACTICE_SOURCES)


def test_practice_photo_carries_its_made_up_metadata():
    """Is the practice photo a JPEG whose metadata reads back as written (date taken: 2019)?"""
    photo = verify.practice_photo()
    assert photo[:2] == b"\xff\xd8"
    assert verify.read_metadata(photo) == verify.PHOTO_METADATA
    assert set(verify.PHOTO_METADATA) <= set(verify.METADATA_NAMES)


def test_read_metadata_of_a_photo_without_any_and_of_a_non_image():
    """Does a photo without metadata give an empty dict, and a non-image a friendly error?"""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="JPEG")
    assert verify.read_metadata(buffer.getvalue()) == {}
    with pytest.raises(CampError):
        verify.read_metadata(b"not a picture")


def test_forwards_data_uses_known_types_verdicts_and_labels():
    """Does forwards.csv hold 40 fictional forwards, every type present, all fields filled?"""
    with path("forwards").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 40
    assert len({r["id"] for r in rows}) == 40
    types = {t.key for t in verify.TYPES}
    assert {r["type"] for r in rows} == types | {"accurate"}
    for row in rows:
        assert row["verdict"] in verify.VERDICTS
        assert row["label"] in ("none", "forwarded", "forwarded_many")
        assert all(row[k].strip() for k in ("district", "text_hi", "text_en", "clue_hi", "clue_en"))
        assert (row["type"] == "accurate") == (row["verdict"] == "accurate")
