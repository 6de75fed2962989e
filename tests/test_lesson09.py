"""Lesson 09's widgets driven as a participant would: planning a tour, counting a meeting log, building a
"you said, we did" post from the record, checking the roster's consent, a broadcast plan and field posts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from camp.lessons import lesson09, shown  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_priority_follows_the_lessons_rule():
    """Is priority weeks + 2 × open issues + 5 where no volunteer lives, so Ghatpura (30 weeks, 5 issues, nobody)
    comes first and a town ward visited last month comes low?"""
    table = lesson09.places().set_index("id")
    assert table.loc["P12", "priority"] == 30 + 2 * 5 + 5
    assert table.loc["P01", "priority"] == 3 + 2 * 2
    assert table.priority.idxmax() == "P12"


def test_travel_minutes_round_up_road_time():
    """1.3 × the straight line at 30 km/h, rounded up to 5 minutes; no road, no time; a faster car, less."""
    assert lesson09.travel_minutes((0, 0), (30, 40)) == 130  # 50 km straight, 65 by road
    assert lesson09.travel_minutes((5, 5), (5, 5)) == 0
    assert lesson09.travel_minutes((0, 0), (1, 0)) == 5
    assert lesson09.travel_minutes((0, 0), (30, 40), speed_kmh=60) == 65


def test_schedule_heads_for_the_urgent_place_fits_the_day_and_sleeps_with_a_host():
    """Does the two-day plan of the eight most urgent places reach Ghatpura (the farthest, most urgent), end each
    day by 19:00 with a night at a host family, and say which places did not fit — and does a third day fit them?"""
    table = lesson09.places()
    chosen = table.nlargest(8, "priority")
    plan = lesson09.build_schedule(chosen, days=2, stays=table)
    meetings = plan[plan.kind == "meeting"]
    assert "घाटपुरा" in set(meetings.place)
    hosts = set(table.loc[table.stay_hi != "", "place"]) | {lesson09.HQ[0]}
    nights = plan[plan.kind == "night"]
    assert list(nights.day) == [1, 2] and set(nights.place) <= hosts
    assert (plan.arrive <= "19:00").all() and (meetings.leave <= "19:00").all()
    assert set(plan.attrs["not_visited"]) == {"नयागाँव", "रामपुरा"}
    assert len(meetings) + len(plan.attrs["not_visited"]) == 8 and meetings.place.is_unique
    first = meetings.iloc[0]
    assert (first.arrive, first.travel_min) == ("09:10", 10), "the nearest ward on the way comes first"

    three = lesson09.build_schedule(chosen, days=3, stays=table)
    assert three.attrs["not_visited"] == [] and three.day.max() == 3
    shorter = lesson09.build_schedule(chosen, days=2, stays=table, meeting_minutes=45)
    assert len(shorter[shorter.kind == "meeting"]) > len(meetings), "shorter meetings fit more places"


def test_schedule_works_on_any_table_with_place_and_coordinates():
    """Module 10 reuses it: a bare table (place, x_km, y_km) plans a day, sleeps at the office with no host, and a
    place too far for any day is left out rather than looping."""
    bare = pd.DataFrame({"place": ["क", "ख", "दूर"], "x_km": [3, 6, 900], "y_km": [4, 8, 0]})
    plan = lesson09.build_schedule(bare, days=3)
    assert list(plan.place) == ["क", "ख", lesson09.HQ[0]]
    assert list(plan.columns) == [
        "day",
        "stop",
        "kind",
        "place",
        "arrive",
        "leave",
        "travel_min",
        "km",
        "meet",
    ]
    assert plan.attrs["not_visited"] == ["दूर"]
    assert lesson09.build_schedule(bare.iloc[:0], days=2).empty
    vidisha = lesson09.build_schedule(bare, days=1, office="ज़िला कार्यालय (विदिशा)")
    assert vidisha.place.iloc[-1] == "ज़िला कार्यालय (विदिशा)"
    ax = lesson09.tour_map(vidisha, bare, district="विदिशा", show=False).axes[0]
    assert len(ax.lines) == 1 and ax.get_title().startswith("विदिशा ज़िले")
    assert lesson09.tour_days(plan, "2027-03-02") == [
        {"date": "2027-03-02", "place": "क, ख", "meet_hi": "", "travel_min": 15 + 15 + 30,
         "stay_hi": lesson09.HQ[0]}
    ]  # fmt: skip
    table = lesson09.places()
    days = lesson09.tour_days(
        lesson09.build_schedule(table.nlargest(8, "priority"), stays=table), "2027-02-27"
    )
    assert [d["date"] for d in days] == ["2027-02-27", "2027-02-28"]
    assert days[1] == {"date": "2027-02-28", "place": "महुआखेड़ा, घाटपुरा", "meet_hi": "आदिवासी बस्ती की सभा; मछुआरा समिति",
                       "travel_min": 145, "stay_hi": "घाटपुरा"}  # fmt: skip


def test_tour_planner_redraws_as_the_days_change():
    """Does the planner list the left-out places for two days, and none once a third day is added?"""
    lesson09.tour_planner()
    planner = shown["tour_planner"]
    assert "not in this tour" in planner.view.value and "नयागाँव" in planner.view.value
    planner.days.value = 3
    assert "every chosen place fits" in planner.view.value
    assert planner.state["plan"].day.max() == 3
    fig = lesson09.tour_map(show=False)
    ax = fig.axes[0]
    assert ax.get_title().startswith("सीहोर") and len(ax.get_legend().get_texts()) == 4


def test_top_issues_by_places_is_not_fooled_by_one_loud_meeting():
    """Counted by times in the log, roads (7 rows, one village) lead; counted by places, water, rations and
    health are the three; the reader warns about the one-place issue."""
    log = lesson09.feedback()
    assert list(lesson09.top_issues(log, by="mentions").issue) == ["road", "water", "ration"]
    top = lesson09.top_issues(log, by="places")
    assert list(top.issue) == ["water", "ration", "health"] and list(top.places) == [5, 4, 3]
    assert int(top.people.iloc[0]) == 45
    lesson09.feedback_reader()
    reader = shown["feedback_reader"]
    assert "one loud meeting" in reader.view.value
    reader.by.value = "places"
    assert "one loud meeting" not in reader.view.value
    reader.place.value = "बरखेड़ा"
    assert reader.said.value.count("<li>") == 8
    fig = lesson09.issues_chart(show=False)
    assert len(fig.axes[0].patches) == 2 * len(lesson09.ISSUES)


def test_said_did_flags_promises_and_claims_without_proof():
    """Does the post name the panchayat's work as theirs, write work under way as under way, flag the promise and
    the unproven medicines, and pass once those are unticked?"""
    rec = lesson09.record()
    text, checks = lesson09.said_did(["water", "ration", "health"], list(rec.id))
    bad = {hi.split(":")[0] for ok, hi, _ in checks if not ok}
    assert bad == {"R3", "R7"}
    assert "पंचायत ने 14 बुज़ुर्गों" in text and "⏳ काम जारी (देवीपुरा" in text
    text, checks = lesson09.said_did(["water", "ration", "health"], ["R1", "R2", "R4", "R5", "R6"])
    assert all(ok for ok, *_ in checks) and "टैंकर" not in text
    text, checks = lesson09.said_did(["school"], [])
    assert checks == [] and "अभी हमारे पास दिखाने को कुछ नहीं" in text and "(2 जगहों पर)" in text

    lesson09.said_did_post()
    post = shown["said_did_post"]
    assert "❌" in post.view.value and "(1 जगह पर)" in post.view.value, "starts from the loud 'roads'"
    post.picks[0].value = "health"
    assert post.boxes["R8"].layout.display == "none" and post.boxes["R7"].layout.display == ""
    post.boxes["R3"].value = post.boxes["R7"].value = False
    assert "❌" not in post.view.value and "Every claim has proof" in post.view.value


def test_roster_includes_only_own_dated_consent_for_that_purpose():
    """Are the withdrawn, the number given by a friend, the 16-year-old, the meetings-only and the undated consent
    kept off the updates list, and is photo consent checked on its own?"""
    people = lesson09.roster().set_index("id")
    yes = {i for i, p in people.iterrows() if lesson09.may_add(p, "updates")[0]}
    assert yes == {"V01", "V02", "V03", "V05", "V09"}
    photo = {i for i, p in people.iterrows() if lesson09.may_add(p, "photo")[0]}
    assert photo == {"V01", "V03", "V05", "V09"}
    assert "वापस" in lesson09.may_add(people.loc["V04"])[1]
    lesson09.roster_checker()
    checker = shown["roster_checker"]
    assert "<b>5 / 10</b>" in checker.view.value
    checker.purpose.value = "photo"
    assert "<b>4 / 10</b>" in checker.view.value


def test_roster_phone_numbers_are_masked_as_in_lesson_08():
    """No whole phone number in the roster: each is masked the way lesson 08's register masks them (98xxxxxx01),
    read as text, one a person; the roster checker still works on them (above)."""
    import re

    from camp.lessons import lesson08

    phones = list(lesson09.roster()["phone"])
    masked = re.compile(r"\d\dx{6}\d\d")
    assert len(set(phones)) == len(phones) == 10
    assert all(isinstance(p, str) and masked.fullmatch(p) for p in phones), phones
    assert all(masked.fullmatch(str(r["phone"])) for r in lesson08.consent_register())


def test_broadcast_check_fails_the_example_and_passes_a_fixed_plan():
    """Does the example plan break five rules, and a channel with opted-in people, 2 a week and an opt-out line
    pass; is bulk software refused whatever else is right?"""
    lesson09.broadcast_check()
    check = shown["broadcast_check"]
    assert "❌ 5" in check.view.value
    check.tool.value = "channel"
    check.opted.value = check.opt_out.value = True
    check.forward.value = False
    check.per_week.value = 2
    assert "❌" not in check.view.value and "hides followers' numbers" in check.view.value
    rules = lesson09.broadcast_rules(tool="bulk", members=50, opted_in=True, per_week=1, opt_out_line=True,
                                     ask_forward=False)  # fmt: skip
    assert [ok for ok, *_ in rules] == [False, True, True, True, True]
    group = lesson09.broadcast_rules(tool="group", members=1024, opted_in=True, per_week=3, opt_out_line=True,
                                     ask_forward=False)  # fmt: skip
    assert all(ok for ok, *_ in group)


def test_field_post_sorter_scores_the_choices_and_explains():
    lesson09.field_post_sorter()
    sorter = shown["field_post_sorter"]
    for pick, post in zip(sorter.picks, lesson09.FIELD_POSTS):
        pick.value = post[2]
    sorter.check()
    n = len(lesson09.FIELD_POSTS)
    assert f"{n} / {n}" in sorter.view.value
    sorter.picks[2].value = "ok"  # the staged handpump photo "is fine"
    sorter.check()
    assert f"{n - 1} / {n}" in sorter.view.value and "❌" in sorter.view.value
