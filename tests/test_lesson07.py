"""Lesson 07's widgets driven as a participant would: typing a prompt, checking a draft, counting tokens, labelling."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from camp.lessons import lesson07, shown  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_prompt_builder_names_what_is_missing_as_you_type():
    """Does the builder list the empty parts, flag a missing task as required, and tick a part once typed?"""
    lesson07.prompt_builder()
    builder = shown["prompt_builder"]
    assert builder.view.value.count("❌") == 3 and "⛔" not in builder.view.value
    builder.limits.value = "कोई आँकड़ा न गढ़ें।"
    assert builder.view.value.count("❌") == 2 and "सीमाएँ: कोई आँकड़ा न गढ़ें।" in builder.view.value
    builder.task.value = "  "
    assert "⛔" in builder.view.value and "required" in builder.view.value
    assert lesson07.missing_parts({"task": "x"}) == ["role", "context", "format", "examples", "limits"]
    assert lesson07.build_prompt({"limits": "b", "role": "a"}) == "भूमिका: a\nसीमाएँ: b"


def test_claim_checker_marks_every_number_name_date_and_quote_and_asks_for_a_source():
    """In the lesson's AI draft, are the wrong number, the invented quote, the invented doctor and the extra
    place marked as without a source, and the rest found in the press note?"""
    ex = lesson07.examples()
    claims = lesson07.find_claims(ex["ai_draft"])
    missing = {c.text for c in claims if not lesson07.in_source(c, ex["source_note"])}
    assert missing == {"8", '"अब हर गाँव में साफ़ पानी है।"', "भोपाल", "डॉ. अजय तिवारी"}
    kinds = {c.kind for c in claims}
    assert kinds == {"number", "name", "date", "quote"}
    lesson07.claim_checker()
    checker = shown["claim_checker"]
    assert "<b>10</b> दावे, <b>4</b> का स्रोत नहीं" in checker.view.value
    checker.box.value = "सीहोर में १२ नवंबर को 320 पौधे लगे।"
    assert checker.view.value.count("<mark") == 3 and "<b>3</b> का स्रोत नहीं" in checker.view.value
    checker.source.value = "सीहोर, 12 नवंबर: 320 पौधे"
    assert "<b>0</b> का स्रोत नहीं" in checker.view.value, "Devanagari digits match their Latin twins"


def test_hindi_check_finds_each_kind_of_script_word_and_register_problem():
    """In the faulty AI draft, is each planted problem found with what to write instead (Urdu script, a word in two
    scripts, Roman-script English, English in Devanagari, a glossary variant, तुम forms, office Hindi), and does
    the corrected post come out clean and formal?"""
    faulty = lesson07.HINDI_SAMPLES["faulty"]
    found = {(i.kind, i.text): i.use for i in lesson07.hindi_issues(faulty)}
    assert found == {
        ("english", "विलेजर्स"): "गाँव के लोग",
        ("mixed", "हैंडpump"): "",
        ("english", "चेक"): "जाँच",
        ("informal", "तुम्हारे"): "आपके",
        ("english", "प्रॉब्लम"): "समस्या",
        ("officialese", "उपरोक्त"): "ऊपर लिखी",
        ("informal", "भेजो"): "भेजिए",
        ("urdu", "رکھیں۔"): "",
        ("latin", "Thank you"): "धन्यवाद",
        ("glossary", "जिला"): "ज़िला",
    }
    assert lesson07.register(faulty) == "mixed" and lesson07.register("तुम आओ") == "informal"
    fixed = lesson07.HINDI_SAMPLES["fixed"]
    assert lesson07.hindi_issues(fixed) == [] and lesson07.register(fixed) == "formal"
    # left alone: platform names, links, hashtags, a hyphenated glossary term, a word inside a longer word
    assert lesson07.hindi_issues("YouTube पर #SehoreSeva देखें: https://example.org/a फ़ैक्ट-चेक, चेकपोस्ट") == []
    # a glossary English term in Roman script gets the glossary's Hindi
    assert [(i.kind, i.use) for i in lesson07.hindi_issues("हर volunteer आए")] == [("latin", "स्वयंसेवक")]


def test_hindi_checker_marks_the_draft_and_follows_the_typing():
    lesson07.hindi_checker()
    checker = shown["hindi_checker"]
    assert "<b>10</b> जगह सुधार चाहिए" in checker.view.value and "keep आप throughout" in checker.view.value
    assert checker.view.value.count("<mark") == 10 and "write it in Devanagari" in checker.view.value
    checker.pick.value = "fixed"
    assert (
        "no script or word problem found" in checker.view.value
        and "addressed as आप: fine" in checker.view.value
    )
    checker.box.value = "कृपया तुम कल आओ"
    assert "write आप for villagers" not in checker.view.value and "keep आप throughout" in checker.view.value
    checker.box.value = "तुम कल आओ"
    assert (
        "write आप for villagers and elders" in checker.view.value and checker.view.value.count("<mark") == 2
    )


def test_sift_on_an_ai_answer_traces_each_claim_to_the_original_or_flags_it():
    """Does SIFT on the first AI answer find its made-up link, and trace only the claims the press note holds
    (not 35 working or 15 November); and does every claim of the second answer trace to the note's sentence?"""
    note = {"प्रेस नोट": lesson07.examples()["source_note"]}
    first, second = (a["answer"] for a in lesson07.examples()["sift_answers"])
    result = lesson07.sift_ai(first, note)
    assert result["links"] == {"samparksetu-raisen.example/report": None}
    untraced = [c.text for c, where in result["trace"] if where is None]
    assert untraced == ["35", "15 नवंबर"] and result["publishable"] == len(result["claims"]) - 2
    result = lesson07.sift_ai(second, note)
    assert result["links"] == {} and result["publishable"] == len(result["claims"]) == 4
    quote = next(where for c, where in result["trace"] if c.kind == "quote")
    assert quote == (
        "प्रेस नोट",
        'ज़िला समन्वयक सुनीता वर्मा ने कहा: "जिस हैंडपंप में दिक़्क़त हो, हमारी हेल्पलाइन पर बताइए।"',
    )
    linked = lesson07.sift_ai("41 हैंडपंप (स्रोत: example.org/note)", {"नोट": "41 हैंडपंप, example.org/note"})
    assert linked["links"] == {"example.org/note": "नोट"}


def test_sift_walk_goes_one_step_at_a_time():
    lesson07.sift_walk()
    walk = shown["sift_walk"]
    assert "S — रुकें / Stop" in walk.view.value and "Investigate" not in walk.view.value
    walk.next.click()
    assert "an AI can make links up" in walk.view.value and "Find better coverage" not in walk.view.value
    walk.next.click()
    walk.next.click()
    assert "<b>4 / 6</b> दावे मूल तक पहुँचे" in walk.view.value
    walk.next.click()
    assert walk.step.value == 4
    walk.pick.value = 1
    assert walk.step.value == 1 and "ask for the source" not in walk.view.value
    walk.step.value = 4
    assert "<b>4 / 4</b>" in walk.view.value and "ask for the source" in walk.view.value


def test_token_counter_counts_with_real_tokenizers_and_prices_many_messages():
    """Does the counter show each tokenizer's real count and the cost for the messages and price typed?"""
    lesson07.token_compare()
    counter = shown["token_compare"]
    assert "<td>31</td><td>27</td>" in counter.view.value  # the invitation on o200k (tiktoken's count)
    counter.pick.value = "reminder"
    counter.messages.value, counter.price.value = 20_000, 60
    assert "<td>33</td><td>26</td>" in counter.view.value and "₹39.60" in counter.view.value
    counter.hi.value = ""
    assert "<td>0</td>" in counter.view.value
    fig = lesson07.token_chart()
    assert fig.axes[0].get_title().startswith("एक ही न्योता") and len(fig.axes[0].patches) == 8


def test_label_checker_follows_the_advisory():
    """Does the example label fail on wording, size, place, entity and records, and pass once each is fixed?"""
    lesson07.label_checker()
    checker = shown["label_checker"]
    assert checker.view.value.count("❌") == 6  # five rules and the verdict
    checker.label.value = "AI-Generated / AI से बना"
    checker.share.value = 10
    checker.place.value = "top"
    checker.entity.value = checker.record.value = True
    assert "❌" not in checker.view.value and "✅ लेबल" in checker.view.value
    checker.person.value = True
    assert "❌" in checker.view.value and "सहमति" in checker.view.value, "a real person needs consent"
    audio = lesson07.check_label(kind="audio", label="Synthetic Content", share=10, place="none",
                                 entity_named=True, record_kept=True)  # fmt: skip
    assert all(ok for ok, *_ in audio), "audio has no on-screen place"


def test_ai_helper_without_a_provider_says_so_and_shows_the_example_marked_as_such(monkeypatch, tmp_path):
    """With no provider, does pressing "Ask" say how to connect and show the example, labelled as an example?"""
    from camp import aiconfig

    for name in [*aiconfig.ENV.values(), "GEMINI_API_KEY", "GROQ_API_KEY"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CAMP_AI_CONFIG", str(tmp_path / "none.json"))
    lesson07.ai_helper()
    helper = shown["ai_helper"]
    helper.choose.value = "translate"
    assert "विदिशा" in helper.prompt.value
    helper.ask()
    text = helper.view.value
    assert "⚠️" in text and "OPENAI" in text.upper()
    assert "EXAMPLE response" in text and lesson07.task("translate").example in text
    assert "AI-made draft" not in text


def test_ai_helper_labels_a_real_reply_as_ai_made(monkeypatch, tmp_path):
    """Against the fake OpenAI-compatible server, is the model's reply shown with the AI-made label?"""
    from fakeai import FakeAI

    from camp import aiconfig

    for name in [*aiconfig.ENV.values(), "GEMINI_API_KEY", "GROQ_API_KEY"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CAMP_AI_CONFIG", str(tmp_path / "none.json"))
    with FakeAI() as server:
        server.reply = "रायसेन के 6 गाँवों में 41 हैंडपंप जाँचे गए। (fake model)"
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-lesson07-key-0123456789")
        monkeypatch.setenv("CAMP_AI_MODEL", "fake-model")
        lesson07.ai_helper("draft")
        helper = shown["ai_helper"]
        helper.ask()
        assert server.requests
    assert server.reply in helper.view.value and "AI-made draft" in helper.view.value
    assert "EXAMPLE" not in helper.view.value


def test_use_sorter_scores_the_choices_and_explains():
    lesson07.use_sorter()
    sorter = shown["use_sorter"]
    for pick, use in zip(sorter.picks, lesson07.USES):
        pick.value = use[2]
    sorter.check()
    assert f"{len(lesson07.USES)} / {len(lesson07.USES)}" in sorter.view.value
    sorter.picks[2].value = "label"  # a deepfake "with a label"
    sorter.check()
    assert (
        f"{len(lesson07.USES) - 1} / {len(lesson07.USES)}" in sorter.view.value and "❌" in sorter.view.value
    )
