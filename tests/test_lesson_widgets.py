"""The lessons' widgets (camp.lessons), driven as a participant would: typing, ticking, sliding, choosing."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from camp import verify  # noqa: E402
from camp.lessons import lesson00, lesson01, lesson02, lesson03, lesson04, lesson05, shown  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_glossary_lookup_finds_a_term_in_hindi_or_english_and_says_when_nothing_matches():
    """Does the lesson-00 glossary show every term at first, narrow to "कर्नेल" for "kernel" and for "कर्नेल",
    and say so in both languages when nothing matches?"""
    lesson00.glossary_lookup()
    lookup = shown["glossary_lookup"]
    assert lookup.table.value.count("<tr>") > 40
    for word in ("kernel", "कर्नेल"):
        lookup.box.value = word
        assert "<b>कर्नेल</b>" in lookup.table.value and "<b>सेल</b>" not in lookup.table.value
    lookup.box.value = "zzz"
    assert "कोई शब्द नहीं" in lookup.table.value and "no term found" in lookup.table.value


def test_post_counter_turns_red_past_x_limit():
    """Does the lesson-00 counter count as you type, and go red past 280 characters?"""
    lesson00.post_counter()
    counter = shown["post_counter"]
    assert "✅" in counter.count.value and counter.meter.bar_style == "success"
    counter.box.value = "क" * 281
    assert counter.count.value.startswith("<b>281</b> / 280") and "❌" in counter.count.value
    assert counter.meter.bar_style == "danger" and counter.meter.value == 280


def test_week_chart_slider_redraws_with_sundays_posts():
    lesson00.week_chart()
    chart = shown["week_chart"]
    chart.slider.value = 7
    assert chart.chart.kwargs == {"sunday": 7}


def test_limits_explorer_marks_guide_figures_as_guidance_not_confirmed(capsys):
    """Are the figures sourced only to third-party guides (X's 'Show more', Facebook's 80–125, Shorts 9:16)
    marked guidance, and does "only rows not confirmed" show them and hide the confirmed ones?"""
    from camp import data

    facts = data.load("platforms")
    statuses = set(facts["status"])
    assert statuses == {"पक्का / confirmed", "जाँचें / check", "सुझाव (गाइड से) / guidance (from a guide)"}
    for feature in ("'Show more'", "'See more'", "Shorts format"):
        row = facts[facts["feature_en"].str.contains(feature, regex=False)]
        assert len(row) == 1 and row["status"].iloc[0].startswith("सुझाव"), feature
    youtube = lesson01.limit_rows(facts, "YouTube")
    unconfirmed = lesson01.limit_rows(facts, "YouTube", only_check=True)
    assert youtube["feature_en"].str.contains("Content ID").any(), "a confirmed rule among all the rows"
    assert list(unconfirmed["value"]) == ["9:16"], "only the guidance is left"
    lesson01.limits_explorer()
    explorer = shown["limits_explorer"]
    explorer.platform.value = "YouTube"
    explorer.only_check.value = True
    assert "Shorts का सुझाया आकार" in capsys.readouterr().out, "the widget shows the same rows"


def test_post_preview_counts_a_long_link_as_23_on_x():
    """Is the example post over 280 characters, yet within X's limit because its link counts 23?"""
    lesson01.post_preview()
    preview = shown["post_preview"]
    assert len(lesson01.EXAMPLE_POST) > 280
    x_row = preview.preview.value.split("<tr>")[2]
    assert "X (ट्विटर)" in x_row and "✅" in x_row
    assert "6 हैशटैग" in preview.preview.value, "Instagram's 5-hashtag warning"
    preview.box.value = "क" * 300
    assert "❌" in preview.preview.value.split("<tr>")[2]


@pytest.mark.parametrize(
    ("times", "chats"), [(0, "5 chats at once"), (3, "only 1 group"), (5, "only 1 chat")]
)
def test_forward_text_follows_whatsapps_rules(times, chats):
    assert chats in lesson01.forward_text(times)


def test_platform_picker_ranks_formats_by_where_the_audience_is():
    """For rural 60+ people in Jhabua, does the picker put the most used platform's format first?"""
    from camp import data

    survey = data.load("audience_survey")
    share = lesson01.shares(survey, "झाबुआ", "ग्रामीण", "60+")
    ranked = lesson01.ranked_formats("छोटा वीडियो / short video", share)
    assert [share[p] for p, _, _ in ranked] == sorted((share[p] for p, _, _ in ranked), reverse=True)
    assert round(float(lesson01.shares(survey).sum()), 6) > 0
    assert len(lesson01.formats_table().data) == sum(len(v) for v in lesson01.FORMATS.values())


def test_smart_checker_marks_each_letter_as_you_type_and_tick():
    lesson02.smart_checker()
    checker = shown["smart_checker"]
    assert checker.verdict.value.count("✅") == 3  # S, M and T found in the example goal
    checker.achievable.value = checker.relevant.value = True
    assert checker.verdict.value.count("✅") == 5
    checker.box.value = "सोशल मीडिया पर ज़्यादा लोग जोड़ना"
    assert checker.verdict.value.count("❌") == 3 and "एक संख्या जोड़ें" in checker.verdict.value


def test_pillar_sliders_set_the_balance_the_calendar_builder_uses(monkeypatch, capsys):
    """Do the sliders change `lesson02.balance`, and does the builder plan with it and the chosen platforms?"""
    monkeypatch.setattr(lesson02, "balance", dict(lesson02.balance))
    monkeypatch.setattr(lesson02, "my_events", [])  # no event of the participant's moves a post
    lesson02.pillar_balance()
    sliders = shown["pillar_balance"]
    for key in ("seva", "jankari", "awaaz"):
        getattr(sliders, key).value = 0
    assert lesson02.balance == {"सेवा": 0, "जानकारी": 0, "आवाज़": 0, "सच की जाँच": 10}
    lesson02.calendar_builder()
    builder = shown["calendar_builder"]
    capsys.readouterr()
    builder.chosen.value = ("X",)
    plan = capsys.readouterr().out
    rows = [line for line in plan.splitlines() if line.startswith(tuple("0123456789"))]
    assert len(rows) == 28 and all("सच की जाँच" in r and r.split()[-1] == "X" for r in rows), plan
    sliders.sach.value = 0
    assert "कम से कम एक स्तंभ" in capsys.readouterr().out, "no pillar share: a bilingual hint, not a traceback"


def test_event_adder_adds_an_event_the_builder_plans_around_without_code(monkeypatch, capsys):
    """Does typing a name, picking a date and a pillar and pressing Add put the event in the table and in the
    calendar builder's plan (redrawn at once), say in both languages what is missing, and undo the last one?"""
    import datetime

    monkeypatch.setattr(lesson02, "my_events", [])
    monkeypatch.setattr(lesson02, "balance", {"सेवा": 50, "जानकारी": 50, "आवाज़": 0, "सच की जाँच": 0})
    lesson02.calendar_builder()
    lesson02.event_adder()
    adder = shown["event_adder"]
    capsys.readouterr()
    adder.add.click()
    assert "नाम लिखें" in adder.note.value and "Write the event's name" in adder.note.value
    assert lesson02.my_events == []
    adder.date.value = datetime.date(2027, 2, 9)
    adder.event_name.value = "गाँव में स्वास्थ्य शिविर"
    adder.pillar.value = "सेवा"
    adder.add.click()
    assert lesson02.my_events == [{"date": "2027-02-09", "event_hi": "गाँव में स्वास्थ्य शिविर", "pillar": "सेवा"}]
    assert "गाँव में स्वास्थ्य शिविर" in adder.table.value and adder.event_name.value == ""
    plan = capsys.readouterr().out
    day = [line for line in plan.splitlines() if "2027-02-09" in line and "गाँव में स्वास्थ्य शिविर" in line]
    assert any("सेवा" in line for line in day), "the builder redrew with the event, a post in its pillar"
    adder.undo.click()
    assert lesson02.my_events == [] and "हटाया गया" in adder.note.value


def test_hashtag_checker_counts_tags_and_flags_the_broken_ones():
    lesson03.hashtag_checker()
    checker = shown["hashtag_checker"]
    assert checker.view.value.count("❌") == 2  # "Setu" lost its # to a space; "-" breaks "#एक-पेड़"
    table, total = checker.view.value.split("</table>")
    assert table.count("⚠️") == 2  # "#sehorevolunteers" wants CamelCase; "#reels" is too generic
    assert "<b>6</b> ⚠️" in total, "six tags: more than Instagram's five"
    checker.box.value = "#SamparkSetuCamp #जलबचाओ"
    assert "❌" not in checker.view.value and "<b>2</b> ✅" in checker.view.value
    checker.box.value = " ".join(f"#Tag{n}" for n in range(6))
    assert "⚠️ इंस्टाग्राम पर 5 से ज़्यादा" in checker.view.value


def test_post_builder_meter_goes_red_when_the_post_is_too_long_for_x():
    lesson03.post_builder()
    builder = shown["post_builder"]
    assert "❌" not in builder.meters.value
    builder.body.value = "क" * 300
    assert "❌ बहुत लंबी / too long" in builder.meters.value
    builder.link.value = "https://example.org/" + "a" * 200
    assert "सम्पर्क सेतु सीहोर" in builder.preview.value


def test_alt_text_helper_checks_your_own_alt_text():
    """Does "तस्वीर में एक लड़की #पौधा" break the 'image of' and hashtag rules (and the banner one)?"""
    lesson03.alt_text_helper()
    helper = shown["alt_text_helper"]
    assert "❌" not in helper.view.value, "the draft from the example boxes passes"
    helper.own.value = "तस्वीर में एक लड़की #पौधा"
    assert helper.view.value.count("❌") == 3
    helper.own.value = ""
    helper.ai_made.value = True
    assert "(AI से बनी तस्वीर)" in helper.view.value and "❌" not in helper.view.value


def test_word_pieces_and_hook_preview_update_as_you_type():
    lesson03.word_pieces()
    pieces = shown["word_pieces"]
    pieces.box.value = "नमस्ते"
    assert "<b>6</b>" in pieces.view.value and "हलंत" in pieces.view.value
    lesson03.hook_preview()
    hook = shown["hook_preview"]
    hook.box.value = "छोटा हुक"
    assert "… more" not in hook.view.value


def test_visual_maker_saves_a_png(fresh_home):
    lesson03.visual_maker()
    maker = shown["visual_maker"]
    maker.save.click()
    assert (fresh_home / "my-visuals" / "03-chart.png").stat().st_size > 5000
    assert "my-visuals/03-chart.png" in maker.note.value


def test_engagement_calculator_shows_the_four_rates(capsys):
    lesson04.engagement_calculator()
    calc = shown["engagement_calculator"]
    calc.reach.value = 1200
    out = capsys.readouterr().out
    assert "= 65" in out and "ER by reach: 5.42%" in out
    calc.reach.value = 0
    assert "शून्य से बड़ा" in capsys.readouterr().out, "a bilingual line, not a traceback"


def test_ab_reader_loads_each_test_and_says_too_small_for_t2(capsys):
    lesson04.ab_reader()
    reader = shown["ab_reader"]
    reader.pick.value = "T2"
    assert (reader.reach_a.value, reader.eng_a.value) == (62, 6)
    assert "⚠️" in capsys.readouterr().out
    reader.pick.value = "own"
    assert "अपने आँकड़े" in reader.versions.value


def test_sift_walkthrough_says_stop_for_the_false_forward():
    lesson05.sift_walkthrough()
    sift = shown["sift_walkthrough"]
    assert "अभी अधूरा" in sift.verdict.value and "what the checkers found" not in sift.verdict.value
    for letter, value in zip("SIFT", ("yes", "unknown", "contradicts", "not_found")):
        sift.radios[letter].value = value
    assert "ग़लत या भ्रामक" in sift.verdict.value and "what the checkers found" in sift.verdict.value
    sift.buttons["F"].click()
    assert "31 December" in sift.finds["F"].value, "the check shows what was found for this forward"
    sift.pick.value = "F07"
    assert all(r.value is None for r in sift.radios.values()), "a new forward starts afresh"


def test_source_rater_rates_as_you_tick_and_shows_the_experts_rating_after_all_tabs():
    lesson05.source_rater()
    rater = shown["source_rater"]
    for key in ("named", "official", "two_sources", "no_debunk"):
        rater.ticks[key].value = True
    assert rater.meter.bar_style == "success" and "भरोसा किया जा सकता है" in rater.rating.value
    rater.ticks["asks_money"].value = True
    assert rater.meter.bar_style != "success"
    for _ in range(3):
        rater.tab_button.click()
    assert rater.tab_button.disabled and "an experienced checker's rating" in rater.rating.value


def test_types_sorter_and_image_checklist_check_each_answer():
    lesson05.types_sorter()
    sorter = shown["types_sorter"]
    wrong = next(t.key for t in verify.TYPES if t.key != sorter.answers[0])
    sorter.picks[0].value = wrong
    assert "❌" in sorter.notes[0].value
    for dd, right in zip(sorter.picks, sorter.answers):
        dd.value = right
    assert sorter.score.value.startswith("<b>7 / 7</b>") and "🎉" in sorter.score.value

    lesson05.image_checklist()
    checklist = shown["image_checklist"]
    for dd, (_, _, right, _, _) in zip(checklist.answers, lesson05.IMAGE_QUESTIONS):
        dd.value = right
    assert "झूठा संदर्भ" in checklist.result.value


def test_photo_check_reads_the_made_up_metadata_and_sorts_oldest_first():
    lesson05.photo_check()
    photo = shown["photo_check"]
    photo.button.click()
    assert "2019:10:02" in photo.meta.value
    photo.sort_by.value = "oldest"
    first_year = photo.results.value.split("<td>")[2][:4]
    assert first_year == "2019"


def test_forward_labels_follow_the_slider():
    lesson05.forward_labels()
    labels = shown["forward_labels"]
    assert "<b>1</b> चैट" in labels.view.value
    labels.times.value = 0
    assert "<b>5</b> चैट" in labels.view.value


def test_no_label_is_cut_short():
    """Does every widget with a label ("कितनी बार / times") get the room it needs, instead of "…"?"""
    import ipywidgets as w

    from camp import data

    survey = data.load("audience_survey")
    lesson01.platform_picker(survey)
    lesson05.forward_labels()
    lesson03.alt_text_helper()
    labelled = [
        part
        for name in ("platform_picker", "forward_labels", "alt_text_helper")
        for part in vars(shown[name]).values()
        if isinstance(part, w.DOMWidget)
        and getattr(part, "description", "")
        and part.style.has_trait("description_width")
    ]
    assert len(labelled) >= 8
    lesson03.visual_maker()
    assert shown["visual_maker"].save.layout.width == "auto", "the Save PNG button shows its whole label"
    assert all(
        part.style.description_width in ("initial", lesson03.FORM["description_width"]) for part in labelled
    )


def test_breakdown_compares_what_did_well_on_one_platform_without_code():
    """Do the two drop-downs (what to compare, which platform) redraw the chart with that platform's medians, one
    bar per format, pillar or district, lowest first?"""
    from camp import data, metrics

    posts = metrics.add_rates(data.load("posts"))
    lesson04.breakdown(posts)
    view = shown["breakdown"]
    assert dict(view.view.kwargs) == {"column": "format", "platform": "Facebook"}
    view.column.value = "district"
    view.platform.value = "Instagram"
    assert dict(view.view.kwargs) == {"column": "district", "platform": "Instagram"}
    table = lesson04.breakdown_table(posts, "district", "Instagram")
    instagram = posts[posts["platform"] == "Instagram"]
    assert set(table.index) == set(instagram["district"])
    assert list(table.values) == sorted(table.values)
    bhopal = round(float(instagram[instagram["district"] == "भोपाल"]["er_reach"].median()), 2)
    assert table["भोपाल"] == bhopal
