"""camp.metrics: engagement rates, CTR, time slots, the post log's computed columns, and A/B verdicts."""

from __future__ import annotations

import doctest
import math

import pytest

from camp import data, metrics
from camp.lang import CampError


def test_docstring_examples_hold():
    """Do the module's `Example:` lines give what they promise?"""
    result = doctest.testmod(metrics)
    assert result.attempted >= 10 and result.failed == 0


def test_the_same_post_gives_different_rates_by_formula():
    """Is one post's engagement rate different by reach, by followers and by impressions, as the lesson says?"""
    n = metrics.engagements(likes=120, comments=14, shares=9, saves=7)
    assert n == 150
    assert metrics.engagement_rate(n, 3000) == 5.0
    assert metrics.engagement_rate(n, 60000) == 0.25
    assert math.isclose(metrics.engagement_rate(n, 4000), 3.75)
    assert math.isclose(metrics.ctr(45, 4000), 1.125)


@pytest.mark.parametrize("base", [0, -5, float("nan"), None])
def test_a_missing_or_zero_base_is_a_friendly_error(base):
    """Is a zero or empty base a bilingual CampError, not a ZeroDivisionError?"""
    with pytest.raises(CampError) as info:
        metrics.engagement_rate(10, base)
    assert "शून्य" in info.value.hi and "zero" in info.value.en


@pytest.mark.parametrize(
    ("hour", "slot"), [(7, 0), (9, 0), (10, 1), (13, 1), (14, 2), (17, 2), (18, 3), (23, 3)]
)
def test_every_hour_falls_in_one_slot(hour, slot):
    """Does each posting hour map to its time of day, in Hindi and English?"""
    assert metrics.time_slot(hour) == metrics.SLOTS[slot][2]
    assert metrics.time_slot(hour, lang="en") == metrics.SLOTS[slot][3]


def test_post_log_has_the_promised_columns_and_sane_numbers():
    """Is posts.csv the ~8-week log the lessons expect, with reach <= impressions and clicks only on link posts?"""
    posts = data.load("posts")
    expected = {
        "post_id",
        "date",
        "hour",
        "platform",
        "district",
        "pillar",
        "format",
        "followers",
        "reach",
        "impressions",
        "likes",
        "comments",
        "shares",
        "saves",
        "link_clicks",
        "has_link",
    }
    assert expected <= set(posts.columns)
    assert posts["post_id"].is_unique and len(posts) > 300
    assert (posts["date"].max() - posts["date"].min()).days in range(49, 63)
    assert set(posts["platform"]) == {"Facebook", "Instagram", "X", "YouTube"}
    assert (posts["reach"] <= posts["impressions"]).all()
    assert (posts.loc[posts["has_link"] == 0, "link_clicks"] == 0).all()
    assert data.path("posts").stat().st_size < 300_000


def test_add_rates_and_time_table():
    """Are the computed columns right for a row, and does the time table cover every weekday and slot?"""
    posts = metrics.add_rates(data.load("posts"))
    row = posts.iloc[0]
    total = row["likes"] + row["comments"] + row["shares"] + row["saves"]
    assert row["engagements"] == total
    assert math.isclose(row["er_reach"], 100 * total / row["reach"])
    assert math.isclose(row["er_followers"], 100 * total / row["followers"])
    assert posts.loc[posts["has_link"] == 0, "ctr"].isna().all()
    assert posts.groupby(["district", "platform"])["reach_vs_usual"].median().round(6).eq(100).all()
    counts = metrics.time_table(posts, how="count")
    assert list(counts.index) == list(metrics.WEEKDAYS_HI)
    assert list(counts.columns) == [s[2] for s in metrics.SLOTS]
    assert int(counts.to_numpy().sum()) == len(posts)


def test_the_post_log_shows_evenings_as_the_best_time():
    """Does the synthetic log carry the pattern the lesson teaches (evening posts reach more than usual)?"""
    table = metrics.add_rates(data.load("posts")).groupby("slot", observed=False)["reach_vs_usual"].median()
    assert table.idxmax() == metrics.SLOTS[3][2]


@pytest.mark.parametrize(
    ("numbers", "verdict"),
    [
        ((4210, 231, 4046, 142), "A"),
        ((4046, 142, 4210, 231), "B"),
        ((5380, 97, 5295, 91), "no_difference"),
        ((62, 6, 58, 3), "too_small"),
        ((5000, 4, 5000, 3), "too_small"),  # big reach but hardly any actions
    ],
)
def test_ab_test_verdicts(numbers, verdict):
    """Is a clear gap called, a small gap not, and a small sample flagged whatever its rates?"""
    result = metrics.ab_test(*numbers)
    assert result.verdict == verdict
    assert result.message_hi and result.message_en
    assert math.isclose(result.difference, round(result.rate_a - result.rate_b, 2), abs_tol=0.011)


def test_ab_test_matches_the_shipped_tests():
    """Do the three tests in ab_test.csv give the three different verdicts the lesson walks through?"""
    ab = data.load("ab_test")
    verdicts = {}
    for test_id, rows in ab.groupby("test_id"):
        a, b = rows.set_index("variant").loc["A"], rows.set_index("variant").loc["B"]
        verdicts[test_id] = metrics.ab_test(
            a["reach"], a["engagements"], b["reach"], b["engagements"]
        ).verdict
    assert verdicts == {"T1": "A", "T2": "too_small", "T3": "no_difference"}


@pytest.mark.parametrize("numbers", [(0, 0, 10, 1), (10, 11, 10, 1), (10, -1, 10, 1)])
def test_ab_test_rejects_impossible_numbers(numbers):
    """Are zero reach and more actions than people refused with a bilingual message?"""
    with pytest.raises(CampError):
        metrics.ab_test(*numbers)
