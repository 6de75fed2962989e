"""Lesson 10's widgets (the capstone) driven as a participant would, on her own earlier answers and on the example."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from camp import answers, calendar, paths  # noqa: E402
from camp.lessons import lesson10, shown  # noqa: E402

MY_PLAN_02 = (
    "लक्ष्य: 31 मार्च 2027 तक विदिशा के Instagram पर 150 नए फ़ॉलोअर।\n"
    "स्तंभ: सेवा 50%, जानकारी 30%, सच की जाँच 20%।\n"
    "कार्यक्रम वाला दिन: 2027-03-06 (उदाहरण) — स्वच्छता अभियान; स्तंभ: सेवा।"
)
MY_REPLY_06 = (
    "सम्पर्क सेतु का स्वास्थ्य शिविर रविवार सुबह 10 बजे ज़िला अस्पताल परिसर में होगा। "
    "शिविर रद्द होने वाला फ़ॉरवर्ड ग़लत है: अस्पताल की सूचना देखें (लिंक)। "
    "तो रविवार सुबह 10 बजे ज़िला अस्पताल आइए।"
)


@pytest.fixture(autouse=True)
def camp_home(tmp_path, monkeypatch):
    """A fresh camp folder, and a working folder outside it (no earlier answers anywhere)."""
    monkeypatch.setenv("CAMP_HOME", str(tmp_path / "camp"))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    yield tmp_path / "camp"
    import matplotlib.pyplot as plt

    plt.close("all")


def _answered(assignment: str, **given) -> None:
    """Answers saved as the assignment's widgets save them, in the participant's fetched folder."""
    folder = paths.work_dir() / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for qid, value in given.items():
        answers.save(qid, value, folder)


def test_the_calendar_comes_from_assignment_02_answers_where_they_exist():
    """With assignment 02 answered (pillars and an Instagram goal in question 9, two posts a day with Sunday off in
    question 3), is the calendar built from them, part by part marked as hers, and kept to the silence rule?"""
    _answered("02-strategy", q9_my_plan=MY_PLAN_02, q3_date_range="C")
    settings = lesson10.calendar_settings()
    assert settings["shares"] == {"सेवा": 50, "जानकारी": 30, "सच की जाँच": 20}
    assert (settings["posts_per_day"], settings["rest_days"], settings["platforms"]) == (
        2,
        ["रवि"],
        ["Instagram"],
    )
    assert settings["source"] == {
        "pillars": "yours",
        "rhythm": "yours",
        "platforms": "yours",
        "event": "yours",
    }
    assert settings["goal"].startswith("लक्ष्य: 31 मार्च 2027")
    assert settings["event"] == {"date": "2027-03-06", "event_hi": "स्वच्छता अभियान", "pillar": "सेवा"}
    plan = lesson10.build_calendar(settings)
    assert len(plan) == 12 * 2, "12 working days (two Sundays off), two posts each"
    her_day = plan[plan["date"] == "2027-03-06"]
    assert set(her_day["event"]) == {"स्वच्छता अभियान"} and her_day["pillar"].iloc[0] == "सेवा", "her event day"
    assert set(plan.loc[plan["date"] == "2027-03-04", "event"]) == {"गंजबासौदा में रक्तदान शिविर"}
    assert plan["pillar"].value_counts().to_dict() == calendar.pillar_counts(settings["shares"], 24)
    assert sorted({d.strftime("%Y-%m-%d") for d in plan.loc[plan["silence"], "date"]}) == [
        "2027-03-10",
        "2027-03-11",
    ]
    assert len(lesson10.build_calendar(settings, skip_silence=True)) == 10 * 2

    lesson10.calendar_planner()
    planner = shown["calendar_planner"]
    assert "❌" in planner.view.value and "2027-03-10, 2027-03-11" in planner.view.value
    said = lesson10._source_line(settings)
    assert (
        "2027-03-06 स्वच्छता अभियान" in said and "yours (assignment 02), added to the calendar's events" in said
    )
    assert "a rest day" not in said
    planner.skip.value = True
    assert (
        "❌" not in planner.view.value
        and "10 days with a post outside the silence period" in planner.view.value
    )
    planner.rest.value, planner.per_day.value = "", 1
    assert "12 days with a post" in planner.view.value and "⛔" not in planner.view.value


def test_without_earlier_answers_or_with_a_broken_file_the_example_is_used(camp_home):
    """No assignment 02 folder, or one whose answers.json is broken: is the example's calendar used, and said so?"""
    example = lesson10.example()["example_calendar"]
    settings = lesson10.calendar_settings()
    assert settings["source"] == {
        "pillars": "example",
        "rhythm": "example",
        "platforms": "example",
        "event": "example",
    }
    assert (settings["shares"], settings["platforms"]) == (example["shares"], example["platforms"])
    assert settings["event"] is None and "कार्यक्रम / events: 📄 उदाहरण / example" in lesson10._source_line(
        settings
    )
    folder = paths.work_dir() / "02-strategy"
    folder.mkdir(parents=True)
    (folder / "answers.json").write_text("{not json", encoding="utf-8")
    assert lesson10.earlier("02-strategy") == {}
    assert lesson10.calendar_settings()["source"]["pillars"] == "example"
    lesson10.plan_check()
    assert "📄 उदाहरण / example" in shown["plan_check"].view.value


def test_earlier_answers_are_also_found_beside_the_capstone_folder(tmp_path, monkeypatch):
    """A capstone opened in some folder `x/10-capstone` finds assignment 02 in `x/02-strategy`."""
    work = tmp_path / "hub-work"
    (work / "10-capstone").mkdir(parents=True)
    (work / "02-strategy").mkdir()
    answers.save("q3_date_range", "B", work / "02-strategy")
    monkeypatch.chdir(work / "10-capstone")
    assert lesson10.earlier("02-strategy") == {"q3_date_range": "B"}
    assert lesson10.calendar_settings()["posts_per_day"] == 3


def test_pillar_shares_are_read_as_participants_write_them():
    """Devanagari digits, a colon, English names: are the shares read, and is a line without a share ignored?"""
    assert lesson10.parse_shares("सेवा: ५०%, आवाज़ 50%") == {"सेवा": 50, "आवाज़": 50}
    assert lesson10.parse_shares("Pillars: service 60 %, truth 40%") == {"service": 60, "truth": 40}
    assert lesson10.parse_shares("कोई प्रतिशत नहीं") == {}
    goal_only = "लक्ष्य: 31 मार्च तक फ़ॉलोअर, यानी 20% ज़्यादा\nस्तंभ: सेवा 70%, जानकारी 30%"
    assert lesson10.calendar_settings({"q9_my_plan": goal_only})["shares"] == {"सेवा": 70, "जानकारी": 30}
    platforms = lesson10.calendar_settings({"q9_my_plan": "whatsapp और X पर, 3 x 2 पोस्ट"})["platforms"]
    assert platforms == ["WhatsApp", "X"]
    not_100 = lesson10.calendar_settings({"q9_my_plan": "सेवा 50%, जानकारी 10%"})
    assert not_100["source"]["pillars"] == "example", "shares that do not add up to 100 are not a balance"


def test_the_event_day_of_assignment_02_is_read_and_added_only_inside_the_fortnight():
    """Her question-9 event day: Devanagari digits and an 'example' mark are read; a day outside 1–14 March is
    named but not added; a Sunday is added and said to be a rest day; a line without a real date gives none."""
    assert lesson10.event_day("कार्यक्रम: २०२७-०३-०२ (example) — बैठक", ["आवाज़"]) == {
        "date": "2027-03-02",
        "event_hi": "बैठक",
        "pillar": "",
    }
    assert lesson10.event_day("2027-02-30 शिविर") is None and lesson10.event_day("कोई तारीख़ नहीं") is None
    outside = lesson10.calendar_settings({"q9_my_plan": "कार्यक्रम: 2027-04-10 स्वास्थ्य शिविर; सेवा"})
    assert outside["source"]["event"] == "outside" and outside["event"]["event_hi"] == "स्वास्थ्य शिविर"
    plan = lesson10.build_calendar(outside)
    assert "स्वास्थ्य शिविर" not in " ".join(plan["event"]) and "not added" in lesson10._source_line(outside)
    sunday = lesson10.calendar_settings({"q9_my_plan": "कार्यक्रम: 2027-03-07 (उदाहरण) स्वच्छता अभियान; सेवा"})
    assert sunday["source"]["event"] == "yours" and "a rest day: no post that day" in lesson10._source_line(
        sunday
    )


def test_the_silence_period_is_the_48_hours_before_polling_closes():
    """Poll closes 6 pm on 11 March: is 6 pm on 9 March in, 5 pm out, 5 pm on the 11th in, 6 pm out?"""
    assert lesson10.in_silence("2027-03-09", 18) and not lesson10.in_silence("2027-03-09", 17)
    assert lesson10.in_silence("2027-03-11", 17) and not lesson10.in_silence("2027-03-11", 18)
    result = lesson10.coverage(["2027-03-01", "2027-03-09", "2027-03-10"])
    assert (result["covered"], result["silence_days"], result["enough"]) == (
        ["2027-03-01", "2027-03-09"],
        ["2027-03-10"],
        False,
    )
    assert lesson10.coverage(["2027-03-09"], hour=19)["silence_days"] == ["2027-03-09"]
    assert len(lesson10.day_options()) == 14 and lesson10.day_options()[9] == (
        "10 मार्च, बुध / 10 Mar, Wed",
        "2027-03-10",
    )


def test_post_checker_finds_the_example_posts_faults_and_clears_them_when_fixed():
    """P3 (AI video) fails its label rules, measured by lesson 08 on the frame drawn with that label, until
    labelled as the advisory asks; P5 is in the silence period and shows children without consent until moved
    and consented."""
    lesson10.post_checker(3)
    checker = shown["post_checker"]
    assert "❌ 6 नियम पूरे नहीं / 6 rules not met" in checker.view.value
    assert "(now 4.1%)" in checker.view.value, "lesson 08 measured the label drawn in the frame"
    assert "The words on the label are legible" in checker.view.value and checker.frame.layout.display == ""
    checker.label.value, checker.share.value, checker.place.value = "AI-Generated", 12, "top"
    checker.entity.value, checker.record.value = True, True
    assert "this post meets the rules" in checker.view.value
    checker.pick.value = 4  # P5
    assert checker.frame.layout.display == "none", "no AI frame for a post made without AI"
    assert "2 rules not met" in checker.view.value and "In the silence period" in checker.view.value
    checker.date.value, checker.consent.value = "2027-03-13", True
    assert "this post meets the rules" in checker.view.value
    too_long = {**lesson10.example()["posts"][4], "date": "2027-03-13", "consent": True, "text": "क" * 300}
    assert [en for ok, _, en in lesson10.post_checks(too_long) if not ok] == [
        "X (Twitter) post: length 300 / 280, hashtags 0"
    ]


def test_consent_uses_lesson_08s_checker_on_the_plans_contact_list():
    """Each of the example's people through lesson 08's consent-record checker: is only a clear yes of their own,
    for this purpose, not withdrawn and (for a child) with a parent's consent, counted?"""
    people = {p["id"]: p for p in lesson10.example()["people"]}
    reasons = {k: [en for _, en in lesson10.consent_problems(p, "reminders")] for k, p in people.items()}
    assert reasons["V1"] == [] and reasons["V6"] == []
    assert reasons["V2"][0].startswith("Not a clear yes of their own (the box was ticked in advance)")
    assert reasons["V3"][0].startswith("The consent is for another purpose")
    assert reasons["V4"] == ["Withdrew consent on 2027-02-20: remove at once"]
    assert reasons["V5"][0].startswith("A child (under 18): a parent's or guardian's consent is needed")
    assert lesson10.may_use() == ["V1", "V6"] and lesson10.may_use(purpose="photo") == ["V3"]
    assert lesson10.may_use([{**people["V5"], "guardian": "yes"}]) == ["V5"]
    lesson10.consent_checker()
    checker = shown["consent_checker"]
    assert checker.view.value.count("✅") == 2
    checker.pick.value = "photo"
    assert checker.view.value.count("✅") == 1


def test_the_response_plan_uses_the_06_reply_where_it_exists():
    """Without assignment 06 the example log is shown and said so; with her truth sandwich from 06 it is shown
    and scores all five points, and the claim to answer first stays C02 (highest harm)."""
    plan = lesson10.response_plan()
    assert (plan["source"], plan["first"], plan["reply"]) == ("example", "C02", "")
    lesson10.claim_plan()
    assert "was not found" in shown["claim_plan"].view.value
    _answered("06-answering", q11_truth_sandwich=MY_REPLY_06, q6_due_today=["claim_a", "claim_e"])
    plan = lesson10.response_plan()
    assert plan["source"] == "yours" and plan["chose_06"] == ["claim_a", "claim_e"]
    assert all(plan["reply_points"].values()), plan["reply_points"]
    lesson10.claim_plan()
    view = shown["claim_plan"].view.value
    assert "ज़िला अस्पताल परिसर में होगा" in view and "5 / 5" in view
    assert "(A–F, not this log's C numbers) you chose to reply today to: A: poison in the tank" in view
    assert "E: छात्रवृत्ति की अंतिम तिथि आज" in view and "reply today to: A, E" not in view
    assert plan["due"][0] == "C02" and view.index("C02") < view.index("C14")
    assert plan["log_source"] == "example" and "The example log" in view
    assert shown["claim_plan"].which.layout.display == "none", "no switch when there is no log of hers"


def _planted_log(folder, *, groups: int, saved: str | None = None):
    """A claim log saved in `folder` as lesson 06's log tool saves it: the practice log with C01 answered and a
    claim of hers (C15, Vidisha, high harm) added."""
    import pandas as pd

    from camp.lessons import lesson06

    log = lesson06.claims()
    log.loc[log["id"] == "C01", "reply_sent"] = "2026-11-20"
    mine = {**log.iloc[1].to_dict(), "id": "C15", "district": "विदिशा", "claim_hi": "हैंडपंप का पानी ज़हरीला है",
            "groups": groups, "harm": "high", "status": "false", "reply_sent": pd.NA}  # fmt: skip
    log = pd.concat([log, pd.DataFrame([mine])], ignore_index=True)
    folder.mkdir(parents=True, exist_ok=True)
    value = lesson06.log_value(log)
    if saved:
        value["saved"] = saved
    answers.save(lesson06.LOG_KEY, value, folder)


def test_the_response_plan_uses_her_own_claim_log_where_she_saved_one():
    """Her log saved by lesson 06's tool in assignment 06's folder: the plan's claims to answer come from it (her
    C15 first, the answered C01 gone), the widget says whose log and can switch to the example log (which
    question 8 is about); a later log in lesson 06's folder wins over an older one in assignment 06's."""
    _planted_log(paths.work_dir() / "06-answering", groups=30, saved="2027-02-01T10:00:00+00:00")
    plan = lesson10.response_plan()
    assert (plan["log_source"], plan["log_size"]) == ("assignment", 15)
    assert plan["due"] == ["C15", "C02", "C14", "C08", "C04"] and plan["first"] == "C15"
    lesson10.claim_plan()
    widget = shown["claim_plan"]
    assert "your claim log</b> (from assignment 06, 15 claims, saved 2027-02-01)" in widget.view.value
    assert "हैंडपंप का पानी ज़हरीला है" in widget.view.value and "Question 8 of assignment 10" in widget.view.value
    assert widget.which.layout.display == ""
    widget.which.value = "example"
    assert "The example log" in widget.view.value and "हैंडपंप का पानी" not in widget.view.value
    assert widget.view.value.index("C02") < widget.view.value.index("C01")

    _planted_log(paths.lessons_dir() / "06-answering", groups=3, saved="2027-02-02T10:00:00+00:00")
    newer = lesson10.response_plan()
    assert newer["log_source"] == "lesson" and newer["due"][:3] == ["C02", "C14", "C15"]
    lesson10.plan_check()
    assert "from lesson 06, 15 claims" in shown["plan_check"].view.value


def test_tour_checker_flags_long_travel_and_a_public_meeting_in_the_silence_period():
    """The colleague's draft tour breaks a rule on 5 March (290 minutes) and 10 March (a public meeting): is each
    fixed by the checker's own controls? Does lesson 09's planner's tour for the same district keep the rules?"""
    table = lesson10.tour_table()
    assert list(table.loc[table["problems"] != "", "date"]) == ["2027-03-05", "2027-03-10"]
    assert lesson10.tour_problems({"date": "2027-03-02", "photos": True, "consent": False}) == [
        ("लोगों की तस्वीरें बिना सहमति", "Photos of people without consent")
    ]
    lesson10.tour_checker()
    checker = shown["tour_checker"]
    assert checker.view.value.count("❌") == 2
    checker.pick.value = 2
    checker.travel.value = 210
    checker.pick.value = 3
    checker.date.value = "2027-03-12"
    assert "❌" not in checker.view.value and checker.stops[3]["date"] == "2027-03-12"
    assert checker.stops[3]["travel_min"] == 90, "picking a day does not edit it"
    planned = lesson10.planned_tour()
    assert [d["date"] for d in planned] == ["2027-03-02", "2027-03-03"]
    assert all(d["travel_min"] <= 240 and not lesson10.tour_problems(d) for d in planned)
    assert {p for d in planned for p in d["place"].split(", ")} == {
        p["place"] for p in lesson10.example()["tour_places"]
    }
    assert "lesson 09's tour planner's schedule" in checker.view.value


def test_her_own_tour_is_built_by_lesson_09s_planner_checked_and_kept_in_her_plan(tmp_path):
    """The tour builder starts from lesson 09's planner's tour; a public meeting moved into the silence period and
    photos without consent are flagged on their days; one place over three days fits; "keep" saves it beside the
    notebook, and the plan's check and chart then use her tour, not the example's."""
    lesson10.tour_builder()
    builder = shown["tour_builder"]
    assert "the example: lesson 09's planner's tour" in builder.whose.value
    assert [d["date"] for d in builder.state["tour"]["days"]] == ["2027-03-02", "2027-03-03"]
    assert "every day keeps the rules" in builder.view.value and "copy into question 13" in builder.view.value
    builder.start.value, builder.public.value = "2027-03-09", True
    days = builder.state["tour"]["days"]
    assert [d["date"] for d in days] == ["2027-03-09", "2027-03-10"]
    assert (
        "A public meeting in the silence period" in builder.view.value
        and "problems on 2 day(s)" in builder.view.value
    )
    builder.public.value, builder.photos.value = False, True
    assert "Photos of people without consent" in builder.view.value
    builder.consent.value = True
    assert "every day keeps the rules" in builder.view.value
    for place, box in builder.ticks.items():
        box.value = place == "सिरोंज"
    builder.days.value = 3
    assert [d["place"] for d in builder.state["tour"]["days"]] == ["सिरोंज"]
    assert "10 मार्च, बुध / 10 Mar, Wed: सिरोंज — मिलना / meet: स्कूल प्रबंधन समिति" not in builder.view.value
    assert "9 मार्च, मंगल / 9 Mar, Tue: सिरोंज — मिलना / meet: स्कूल प्रबंधन समिति" in builder.view.value
    builder.ticks["सिरोंज"].value = False
    builder.keep.click()
    assert "choose at least one place" in builder.note.value and lesson10.my_tour() is None
    builder.ticks["सिरोंज"].value, builder.ticks["कुरवाई"].value = True, True
    builder.keep.click()
    assert "saved" in builder.note.value and "your tour" in builder.whose.value
    mine = lesson10.my_tour()
    assert mine["settings"]["chosen"] == ["कुरवाई", "सिरोंज"] and mine["settings"]["photos"] is True
    assert lesson10.plan_tour() == (mine["days"], "yours")
    said = [en for _, _, en in lesson10.plan_checks()]
    assert f"Your tour ({len(mine['days'])} days): keeps the rules" in said
    fig = lesson10.plan_chart()
    assert [t.get_text() for t in fig.axes[0].texts].count("प्रवास") == len(mine["days"])
    lesson10.tour_builder()
    assert shown["tour_builder"].start.value == "2027-03-09", "the kept tour comes back"
    bad = [{"start": "2027-04-01", "days": 2, "chosen": ["कुरवाई"]}, {"start": "2027-03-02", "days": 9,
           "chosen": ["कुरवाई"]}, {"start": "2027-03-02", "days": 2, "chosen": ["दिल्ली"]}, "x",
           {"start": "2027-03-02", "days": "two", "chosen": ["कुरवाई"]}]  # fmt: skip
    assert all(lesson10.tour_settings(b) is None for b in bad)


def test_metric_targets_are_the_districts_medians_raised_by_the_chosen_share():
    """Are the three baselines Vidisha's medians, each target baseline × (1 + uplift), and does the widget follow?"""
    from camp import data, metrics

    posts = metrics.add_rates(data.load("posts"))
    vidisha = posts[posts["district"] == "विदिशा"]
    table = lesson10.targets(uplift=20)
    assert list(table.index) == ["er_reach", "ctr", "reach"]
    assert table.loc["er_reach", "baseline"] == pytest.approx(vidisha["er_reach"].median())
    assert table.loc["reach", "target"] == pytest.approx(1.2 * vidisha["reach"].median())
    assert (lesson10.targets(uplift=0)["target"] == lesson10.targets(uplift=0)["baseline"]).all()
    lesson10.metric_planner()
    planner = shown["metric_planner"]
    assert "<b>5.68</b>" in planner.view.value
    planner.uplift.value = 0
    assert "<b>4.73</b>" in planner.view.value


def test_plan_chart_shades_the_silence_period_and_marks_the_tour_days():
    """Is there one bar stack per pillar, a shaded silence period over 10–11 March, and 'प्रवास' on the planned
    tour's days?"""
    fig = lesson10.plan_chart()
    ax = fig.axes[0]
    assert "दो हफ़्ते की योजना" in ax.get_title()
    labels = ax.get_legend_handles_labels()[1]
    assert "मौन अवधि" in labels and set(lesson10.example()["example_calendar"]["shares"]) <= set(labels)
    assert [t.get_text() for t in ax.texts].count("प्रवास") == len(lesson10.planned_tour()) == 2
    fig = lesson10.plan_chart(tour=lesson10.example()["tour"])
    assert [t.get_text() for t in fig.axes[0].texts].count("प्रवास") == 4
    shaded = [p for p in ax.patches if p.get_label() == "मौन अवधि"]
    assert shaded and shaded[0].get_x() == pytest.approx(8.5) and shaded[0].get_width() == pytest.approx(2)


def test_plan_check_lists_each_part_of_the_example_plan():
    """On the example: calendar lines pass (posts in the silence period dropped), P3 and P5 fail, lesson 09's
    planned tour passes."""
    checks = lesson10.plan_checks()
    lines = {en.split(":")[0].split(" (")[0]: ok for ok, _, en in checks}
    said = [en for _, _, en in checks]
    assert "Post P1: all rules met" in said and "Tour (2 days): keeps the rules" in said
    assert lines["Calendar"] is True
    assert (lines["Post P1"], lines["Post P3"], lines["Post P5"], lines["Tour"]) == (True, False, False, True)


def _run(nb, folder, extra: str) -> str:
    """Run a notebook in a real kernel in `folder`, then `extra`; the text `extra` printed."""
    import nbformat

    from camp.notebooks import ReliableClient

    nb = nbformat.from_dict(nb)
    probe = nbformat.v4.new_code_cell(extra)
    nb.cells.append(probe)
    folder.mkdir(parents=True, exist_ok=True)
    ReliableClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    return "".join(o.get("text", "") for o in probe.outputs)


@pytest.mark.slow
def test_the_capstone_notebook_runs_on_the_answers_of_assignments_02_and_06_and_on_the_example_without(
    camp_home,
):
    """Assignments 02 and 06 answered through their own widgets in real kernels (their answers.json in the camp's
    work folder), then the capstone notebook run beside them: does it build the plan from those answers? And in
    a camp without them, from the example, saying so?"""
    import nbformat
    from conftest import REPO, answer_fixture

    from grader.authoring import answer_with_widgets

    def source(assignment: str):
        return nbformat.read(REPO / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)

    probe = (
        "import json\nfrom camp.lessons import shown, lesson10\n"
        "print(json.dumps({'plan': shown['plan_check'].view.value, 'claims': shown['claim_plan'].view.value,"
        " 'settings': lesson10.calendar_settings()}, ensure_ascii=False))"
    )
    capstone = source("10-capstone")
    alone = json.loads(_run(capstone, paths.work_dir() / "10-capstone", probe))
    assert set(alone["settings"]["source"].values()) == {"example"}
    assert "was not found" in alone["claims"] and "✍️" not in alone["plan"]
    assert "The example log" in alone["claims"] and "The example log" in alone["plan"]

    answer_with_widgets(
        source("02-strategy"),
        answer_fixture("02-strategy")["widget_answers"],
        paths.work_dir() / "02-strategy",
    )
    # assignment 06 answered through its widgets, and a claim added in its own claim-log tool, in a real kernel
    drive = (
        "from camp import answers as _a\nfrom camp.lessons import shown as _s\n"
        f"for _q, _v in {answer_fixture('06-answering')['widget_answers']!r}.items():\n    _a.shown[_q].set(_v)\n"
        "_log = _s['claim_log']\n"
        "_log.text.value, _log.where.value, _log.harm.value, _log.status.value = "
        "'हैंडपंप का पानी ज़हरीला है', 'विदिशा', 'high', 'false'\n"
        "_log.groups.value = 30\n_log.add.click()\nprint(_log.note.value)"
    )
    said = _run(source("06-answering"), paths.work_dir() / "06-answering", drive)
    assert "C15" in said and "जोड़ा गया" in said
    mine = json.loads(_run(capstone, paths.work_dir() / "10-capstone", probe))
    assert "your claim log</b> (from assignment 06, 15 claims" in mine["claims"]
    assert mine["claims"].index("C15") < mine["claims"].index("C02") and "from assignment 06" in mine["plan"]
    plan_02 = answer_fixture("02-strategy")["widget_answers"]["q9_my_plan"]
    assert mine["settings"]["shares"] == lesson10.parse_shares(plan_02) != {}
    assert mine["settings"]["source"]["pillars"] == mine["settings"]["source"]["rhythm"] == "yours"
    assert mine["settings"]["source"]["event"] == "yours" and "स्वच्छता अभियान — आपका" in mine["plan"]
    assert "✍️ आपका (असाइनमेंट 02) / yours (assignment 02)" in mine["plan"]
    reply_06 = answer_fixture("06-answering")["widget_answers"]["q11_truth_sandwich"]
    assert reply_06.splitlines()[0] in mine["claims"] and "5 / 5" in mine["claims"]


@pytest.mark.slow
def test_ai_grade_proposes_a_score_for_each_rubric_level_of_the_three_written_parts(
    course_home, grader, monkeypatch, tmp_path
):
    """A capstone submitted with its three written parts typed in the widgets and autograded: does `camp ai-grade`
    (against a fake OpenAI-compatible server on loopback) send each task with its rubric's criteria and the
    participant's own text, and store one proposal per part, each score within its criterion's points?"""
    from conftest import answer_fixture, answers_file, release_notebook
    from fakeai import FakeAI

    from camp import ai, aiconfig
    from grader.aigrade import proposals
    from grader.cli import main

    monkeypatch.setenv("CAMP_HOME", str(course_home))
    for name in [*aiconfig.ENV.values(), "GEMINI_API_KEY", "GROQ_API_KEY"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CAMP_AI_CONFIG", str(tmp_path / "no-ai.json"))
    parts = ("q11_five_posts", "q12_response_plan", "q13_metrics_tour")
    written = {qid: answer_fixture("10-capstone")["widget_answers"][qid] for qid in parts}
    nb = release_notebook(course_home, "10-capstone")
    student = grader.submit("10-capstone", nb, files={"answers.json": answers_file(written)})
    assert grader.grade("10-capstone", student) == "graded"
    with FakeAI() as fake:
        fake.scores = {"calendar_fit": 2, "sandwich": 1.5, "metrics": 9}
        monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-capstone")
        monkeypatch.setenv("CAMP_AI_MODEL", "fake-model")
        ai.configure(clear=True)
        try:
            assert main(["ai-grade", "10-capstone", "--student", student]) == 0
        finally:
            ai.configure(clear=True)
    sent = [
        json.loads(m["content"]) for r in fake.requests for m in r.body["messages"] if m["role"] == "user"
    ]
    assert sorted(len(s["rubric"]) for s in sent) == [4, 4, 4]
    for message in sent:
        assert "(स्तर / levels:" in message["rubric"][0]["hi"] and "(levels:" in message["rubric"][0]["en"]
        assert message["task"].strip() and message["example_of_a_good_answer"]
    answers_sent = " ".join(s["participant_answer"] for s in sent)
    for qid in parts:
        assert written[qid].splitlines()[-1][:30] in answers_sent
    found = {p.grade_id: p for p in proposals(assignment="10-capstone", students=[student])}
    assert sorted(found) == sorted(parts)
    assert found["q11_five_posts"].scores["calendar_fit"] == 2
    assert found["q12_response_plan"].scores["sandwich"] == 1.5
    assert found["q13_metrics_tour"].scores["metrics"] == 2, "clamped to the criterion's points"
