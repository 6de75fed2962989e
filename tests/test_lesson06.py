"""Lesson 06's rules and widgets (camp.lessons.lesson06), driven as a participant would: sliding, typing,
ticking, choosing, adding to the log."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from camp.lessons import lesson06, shown  # noqa: E402

GOOD_C01 = (
    'सेतु छात्रवृत्ति का फ़ॉर्म 31 दिसंबर तक भरा जा सकता है। "आज रात 12 बजे तक ही" वाला फ़ॉरवर्ड ग़लत है: '
    "आधिकारिक पेज पर अंतिम तिथि 31 दिसंबर लिखी है (लिंक)। इसलिए घबराएँ नहीं, फ़ॉर्म आराम से 31 दिसंबर तक भरें।"
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ((3, 0, 0, "low", "spreading"), "ignore"),
        ((49, 19, 2, "medium", "spreading"), "ignore"),
        ((50, 0, 0, "low", "spreading"), "debunk"),
        ((2, 0, 3, "low", "spreading"), "debunk"),
        ((1, 0, 0, "high", "spreading"), "debunk"),
        ((10, 20, 0, "medium", "spreading"), "debunk"),
        ((10, 20, 0, "low", "spreading"), "ignore"),
        ((0, 0, 0, "high", "expected"), "prebunk"),
    ],
)
def test_chooser_follows_the_rule_of_thumb_at_its_edges(figures, expected):
    """Is each threshold (50 groups, 3 asking, high harm, 20 new groups with medium harm) where the rule says?"""
    decision = lesson06.choose(*figures)
    assert decision.key == expected and decision.reasons
    assert all(hi and en for hi, en in decision.reasons)


def test_response_chooser_loads_a_claim_from_the_log_and_changes_with_the_sliders():
    lesson06.response_chooser()
    chooser = shown["response_chooser"]
    assert "अनदेखा" in chooser.view.value
    chooser.pick.value = "C02"
    assert (chooser.groups.value, chooser.harm.value) == (14, "high") and "Debunk" in chooser.view.value
    chooser.pick.value = "C08"
    assert "Prebunk" in chooser.view.value
    chooser.stage.value, chooser.harm.value = "spreading", "low"
    assert "Ignore" in chooser.view.value
    chooser.asked.value = 3
    assert "Debunk" in chooser.view.value and "3 people asked us" in chooser.view.value


def test_sandwich_scores_the_five_points_and_each_can_fail():
    """Does a good reply score 5, and does breaking one point at a time lose exactly that point?"""
    fact, myth = lesson06.SANDWICHES["C01"]["fact"], lesson06.SANDWICHES["C01"]["myth"]
    assert all(lesson06.sandwich(GOOD_C01, fact, myth).values())
    lie_first = "आज रात 12 बजे तक ही फ़ॉर्म भरने वाली बात ग़लत है। " + GOOD_C01
    result = lesson06.sandwich(lie_first, fact, myth)
    assert not result["fact_first"] and not result["clean_first"] and not result["myth_once"]
    no_reason = GOOD_C01.replace("आधिकारिक पेज पर अंतिम तिथि 31 दिसंबर लिखी है (लिंक)", "यह सच नहीं")
    assert lesson06.sandwich(no_reason, fact, myth) == {**dict.fromkeys(result, True), "why": False}
    no_end = GOOD_C01.rsplit("इसलिए", 1)[0]
    assert lesson06.sandwich(no_end, fact, myth)["fact_again"] is False
    assert sum(lesson06.sandwich("", fact, myth).values()) == 0
    for key, draft in lesson06.SANDWICHES.items():
        assert sum(lesson06.sandwich(draft["draft"], draft["fact"], draft["myth"]).values()) <= 1, key


def test_sandwich_checker_scores_as_you_type():
    lesson06.sandwich_checker()
    checker = shown["sandwich_checker"]
    assert checker.view.value.startswith("<b style='color:#b3261e'>") and "1 / 5" in checker.view.value
    checker.box.value = GOOD_C01
    assert "5 / 5" in checker.view.value and "❌" not in checker.view.value
    checker.pick.value = "C02"
    assert "31 दिसंबर" not in checker.box.value, "a new claim starts from its own first draft"


def test_the_log_says_which_claims_need_a_reply_and_which_a_check_today():
    """Five false claims worth answering still wait for a reply (highest harm first); two new ones wait for a
    check; an answered, a true and a small claim need nothing."""
    log = lesson06.with_decisions(lesson06.claims())
    due = lesson06.due_today(lesson06.claims())
    assert list(due["id"]) == ["C02", "C14", "C08", "C01", "C04"]
    assert set(log[log["today"] == "check"]["id"]) == {"C06", "C10"}
    today = dict(zip(log["id"], log["today"]))
    assert today["C05"] == today["C12"] == today["C11"] == ""


def test_claim_log_widget_adds_a_claim_and_marks_a_reply_sent(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lesson06.claim_log()
    log = shown["claim_log"]
    assert "5 दावे" in log.table.value and "need checking first: 2" in log.table.value
    assert "The practice log" in log.whose.value
    log.add.click()
    assert "पहले दावा लिखें" in log.note.value, "an empty claim is not added"
    assert not (tmp_path / "answers.json").exists(), "nothing is saved before she changes the log"
    log.text.value, log.harm.value, log.status.value, log.groups.value, log.where.value = (
        "हैंडपंप का पानी ज़हरीला",
        "high",
        "false",
        4,
        "विदिशा",
    )
    log.add.click()
    assert "C15" in log.table.value and "6 दावे" in log.table.value
    log.sent_pick.value = "C02"
    log.sent.click()
    assert "5 दावे" in log.table.value and "C02" not in log.sent_pick.options
    assert lesson06.claims()["reply_sent"].isna().sum() == 12, "the course's data is never changed"
    assert "Your log (15 claims)" in log.whose.value


def test_the_participants_claim_log_is_kept_in_her_answers_file_and_comes_back(tmp_path, monkeypatch):
    """A claim added and a reply marked are saved in answers.json beside the notebook; the widget opened again
    (a restart) starts from her log; "start again" goes back to the practice log and forgets hers."""
    from camp import answers

    monkeypatch.chdir(tmp_path)
    lesson06.claim_log()
    log = shown["claim_log"]
    log.text.value, log.status.value, log.harm.value, log.where.value = (
        "नल का पानी बंद",
        "false",
        "high",
        "विदिशा",
    )
    log.groups.value = 2
    log.add.click()
    log.sent_pick.value = "C01"
    log.sent.click()
    saved = answers.load(tmp_path)[lesson06.LOG_KEY]
    rows = {r["id"]: r for r in saved["rows"]}
    assert (
        len(rows) == 15
        and rows["C15"]["district"] == "विदिशा"
        and rows["C01"]["reply_sent"] == lesson06.TODAY
    )
    mine, when = lesson06.saved_log(tmp_path)
    assert when == saved["saved"] and list(lesson06.due_today(mine)["id"]) == [
        "C02",
        "C14",
        "C15",
        "C08",
        "C04",
    ]

    lesson06.claim_log()  # the notebook opened again
    again = shown["claim_log"]
    assert "C15" in again.table.value and "Your log (15 claims)" in again.whose.value
    again.reset.click()
    assert "C15" not in again.table.value and "The practice log" in again.whose.value
    assert lesson06.saved_log(tmp_path) == (None, "")
    lesson06.claim_log()
    assert "C15" not in shown["claim_log"].table.value


def test_a_hand_edited_or_broken_log_never_breaks_the_widget(tmp_path, monkeypatch):
    """Rows with an unknown status, a negative or non-numeric count or no claim are left out; a log with no usable
    row, or a broken answers file, gives the practice log."""
    from camp import answers

    good = lesson06.log_value(lesson06.claims())
    rows = good["rows"][:2] + [
        {**good["rows"][2], "status": "maybe"},
        {**good["rows"][3], "groups": -4},
        {**good["rows"][4], "asked": "many"},
        {**good["rows"][5], "claim_hi": ""},
        "not a row",
    ]
    assert list(lesson06.log_from_value({"rows": rows})["id"]) == ["C01", "C02"]
    assert lesson06.log_from_value({"rows": rows[2:]}) is None
    assert lesson06.log_from_value("C01,C02") is None and lesson06.log_from_value(None) is None
    monkeypatch.chdir(tmp_path)
    answers.save(lesson06.LOG_KEY, {"rows": rows[2:]})
    lesson06.claim_log()
    assert "The practice log" in shown["claim_log"].whose.value
    (tmp_path / "answers.json").write_text("{broken", encoding="utf-8")
    assert lesson06.saved_log(tmp_path) == (None, "")
    lesson06.claim_log()
    assert "5 दावे" in shown["claim_log"].table.value


def test_claims_chart_colours_each_bar_by_its_decision():
    import matplotlib.pyplot as plt

    lesson06.claims_chart()
    ax = plt.gcf().axes[0]
    assert len(ax.patches) == len(lesson06.claims())
    assert "दावे" in ax.get_title()
    colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches}
    assert {"#b3261e", "#555555", "#b7791f", "#9bc59d"} <= colours
    notes = [text.get_text() for text in ax.texts]
    assert notes.count("आज जवाब / reply today") == 5 and notes.count("पहले जाँच / check first") == 2
    assert notes.count("जवाब जा चुका / reply sent") == 2


def test_report_router_only_names_pib_for_central_claims_and_cvigil_for_mcc():
    lesson06.report_router()
    router = shown["report_router"]
    router.what.value = "central"
    assert "8799711259" in router.view.value and "cVIGIL" not in router.view.value
    router.what.value = "mcc"
    assert "cVIGIL" in router.view.value and "8799711259" not in router.view.value
    router.what.value = "deepfake"
    assert "9999025044" in router.view.value and "Check whether it still operates" in router.view.value
    router.where.value = "YouTube"
    assert "March 2024" in router.view.value
    for situation in lesson06.SITUATIONS:
        assert lesson06.routes(situation)[-1] != "platform" or situation == "central"


def test_attack_reply_uses_the_record_and_flags_every_unethical_block():
    """Is the reply built from the district's own public posts, and is each of a counter-rumour, an insult
    and a critic's number flagged, while the record alone passes?"""
    assert lesson06.record("रायसेन")["posts"].sum() == 15
    assert "रक्तदान शिविर 5 बार (14 अगस्त–24 सितंबर 2026)" in lesson06.record_line("रायसेन")
    lesson06.attack_reply()
    reply = shown["attack_reply"]
    assert "Add your record" in reply.draft.value
    reply.ticks["record"].value = True
    reply.ticks["links"].value = True
    assert "रक्तदान शिविर 5 बार" in reply.draft.value and "an ethical reply" in reply.draft.value
    for bad in ("rumour", "insult", "doxx"):
        reply.ticks[bad].value = True
        assert "an ethical reply" not in reply.draft.value and lesson06.BLOCKS[bad][4] in reply.draft.value
        reply.ticks[bad].value = False
    reply.ticks["invite"].value = True
    assert "अगले शिविर की तारीख़ हमारे आधिकारिक पेज पर" in reply.draft.value, (
        "Raisen has no event in the calendar"
    )
    reply.where.value = "सीहोर"
    assert "स्वयंसेवक प्रशिक्षण: अफ़वाह कैसे पहचानें, 2027-02-03" in reply.draft.value, "the calendar's next event"
    reply.where.value = "इंदौर"
    assert "नेत्र जाँच शिविर 12 बार" in reply.draft.value


def test_comment_triage_checks_each_comment():
    lesson06.comment_triage()
    triage = shown["comment_triage"]
    triage.picks[1].value = "reply"
    assert "❌" in triage.notes[1].value
    for dd, right in zip(triage.picks, triage.answers):
        dd.value = right
    assert triage.score.value.startswith("<b>4 / 4</b>") and "🎉" in triage.score.value
    assert triage.answers.count("hide_report") == 2
