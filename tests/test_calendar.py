"""camp.calendar: SMART goal checks, pillar shares, and the two-week calendar table."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

from camp import calendar, data, platforms
from camp.calendar import build, days, goal_checks, pillar_counts, spread
from camp.lang import CampError

SHARES = {"सेवा": 40, "जानकारी": 30, "आवाज़": 20, "सच की जाँच": 10}


@pytest.mark.parametrize("module", [calendar, platforms])
def test_docstring_examples_run(module):
    """Do the `Example:` lines in the docstrings give what they show?"""
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        ("अगले 2 हफ़्ते में सीहोर के WhatsApp चैनल पर 200 नए फ़ॉलोअर", {"S": True, "M": True, "T": True}),
        ("सोशल मीडिया पर ज़्यादा लोग", {"S": False, "M": False, "T": False}),
        ("३१ मार्च तक युवाओं के लिए हर हफ़्ते एक रील", {"S": True, "M": True, "T": True}),
        ("Get 50 volunteers to join the district group by 15 March", {"S": True, "M": True, "T": True}),
        ("इंस्टाग्राम पर 500 फ़ॉलोअर", {"S": True, "M": True, "T": False}),
    ],
)
def test_goal_checks(goal, expected):
    """Are the platform/audience, number and time-frame parts of a goal recognised, in Hindi and English?"""
    assert goal_checks(goal) == expected


@pytest.mark.parametrize("total", [0, 1, 7, 13, 14, 28, 100])
def test_pillar_counts_add_up(total):
    """Do the counts always add up to the total, whatever the rounding?"""
    counts = pillar_counts(SHARES, total)
    assert sum(counts.values()) == total
    assert list(counts) == list(SHARES)


def test_pillar_counts_follow_the_shares():
    """Do 40/30/20/10 of 20 posts give 8/6/4/2, and weights work like percentages?"""
    assert pillar_counts(SHARES, 20) == {"सेवा": 8, "जानकारी": 6, "आवाज़": 4, "सच की जाँच": 2}
    assert pillar_counts({"a": 1, "b": 1}, 14) == {"a": 7, "b": 7}
    assert pillar_counts({"a": 2, "b": 0}, 5) == {"a": 5, "b": 0}


@pytest.mark.parametrize("shares", [{"a": 0, "b": 0}, {}, {"a": -1, "b": 3}])
def test_pillar_counts_refuse_empty_or_negative_shares(shares):
    """Is an all-zero or negative share a friendly bilingual error?"""
    with pytest.raises(CampError):
        pillar_counts(shares, 10)


def test_spread_interleaves_pillars():
    """Is no pillar bunched up: with 7 and 7, do they alternate?"""
    order = spread({"A": 7, "B": 7})
    assert all(order[i] != order[i + 1] for i in range(len(order) - 1))
    assert sorted(spread({"A": 3, "B": 1, "C": 0})) == ["A", "A", "A", "B"]


def test_days_are_consecutive_with_hindi_weekdays():
    """Does days() give 14 consecutive dates with the right weekday names?"""
    table = days("2027-02-01")
    assert len(table) == 14
    assert (table["date"].diff().dropna() == pd.Timedelta(days=1)).all()
    assert table["weekday"].iloc[0] == "सोम / Mon"  # 1 February 2027 is a Monday
    assert table["weekday"].iloc[6] == "रवि / Sun"


def test_days_refuses_a_bad_date():
    """Is an unreadable date a friendly error that shows the format to use?"""
    with pytest.raises(CampError) as info:
        days("कल")
    assert "2027-02-01" in info.value.en


def test_build_shape_and_counts():
    """One row per post; pillars follow the shares; platforms take turns."""
    plan = build("2027-02-01", shares=SHARES, platforms=["WhatsApp", "Facebook"], posts_per_day=2)
    assert list(plan.columns) == calendar.COLUMNS
    assert len(plan) == 28
    assert plan["pillar"].value_counts().to_dict() == pillar_counts(SHARES, 28)
    assert plan["platform"].value_counts().to_dict() == {"WhatsApp": 14, "Facebook": 14}
    assert (plan.groupby("date").size() == 2).all()


def test_build_rest_day():
    """Are Sundays left empty when "रवि" is a rest day?"""
    plan = build("2027-02-01", shares=SHARES, platforms=["X"], rest_days=["रवि"])
    assert len(plan) == 12
    assert not plan["weekday"].str.startswith("रवि").any()


def test_build_puts_events_on_their_days_and_keeps_counts():
    """Does each event appear on its day, with the day's first post moved to the event's pillar?"""
    events = pd.DataFrame(
        {
            "date": ["2027-02-03", "2027-02-10", "2027-03-30"],
            "event_hi": ["प्रशिक्षण", "शिविर", "बाहर की तारीख"],
            "pillar": ["सच की जाँच", "सेवा", "सेवा"],
        }
    )
    plan = build("2027-02-01", shares=SHARES, platforms=["WhatsApp"], events=events)
    on_3rd = plan[plan["date"] == "2027-02-03"].iloc[0]
    assert on_3rd["event"] == "प्रशिक्षण" and on_3rd["pillar"] == "सच की जाँच"
    assert plan[plan["date"] == "2027-02-10"].iloc[0]["pillar"] == "सेवा"
    assert (plan["event"] != "").sum() == 2
    assert plan["pillar"].value_counts().to_dict() == pillar_counts(SHARES, 14)


def test_build_with_the_course_events_file():
    """Does the course's calendar_events.csv fit the builder, and are all its events marked as examples?"""
    events = data.load("calendar_events")
    assert {"date", "event_hi", "event_en", "pillar", "example"} <= set(events.columns)
    assert events["example"].str.startswith("हाँ").all()
    plan = build(events["date"].min(), shares=SHARES, platforms=["WhatsApp"], events=events)
    assert (plan["event"] != "").sum() == events["date"].dt.normalize().nunique()


def test_build_needs_a_platform():
    """Is an empty platform list a friendly error?"""
    with pytest.raises(CampError):
        build("2027-02-01", shares=SHARES, platforms=[])
