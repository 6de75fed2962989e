"""JupyterLab in Hindi: the hi_IN language pack (packages/jupyterlab-language-pack-hi-IN).

The pack installs like Project Jupyter's jupyterlab-language-pack-* (entry point `jupyterlab.languagepack`), a real
JupyterLab lists and serves it, and in a real Chromium with it selected the menu bar, the menus, the notebook's
toolbar and status bar read Hindi; English is one click away (Settings → Language). Its terms agree with the
course glossary; its share of participant-visible strings is printed by a script. `make screenshots` keeps the
pictures in docs/screenshots/ (lab-hi-*.png).
"""

from __future__ import annotations

import gettext
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import urllib.parse
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from conftest import REPO, http_get, running_lab

from grader import lab

PACK = REPO / "packages" / "jupyterlab-language-pack-hi-IN"
MODULE = "jupyterlab_language_pack_hi_IN"
GLOSSARY = REPO / "camp" / "data" / "glossary.csv"
#: The terms the course used before camp/data/glossary.csv existed; the glossary, when present, is checked too.
BASE_TERMS = {
    "cell": "सेल",
    "notebook": "नोटबुक",
    "kernel": "कर्नेल",
    "file": "फ़ाइल",
    "edit": "संपादन",
    "view": "देखें",
    "run": "चलाएँ",
    "save": "सहेजें",
}
MENU_BAR = ["फ़ाइल", "संपादन", "देखें", "चलाएँ", "कर्नेल", "टैब", "सेटिंग्स", "सहायता"]
TOKEN = "camp-language-token"
SHOTS = os.environ.get("CAMP_SCREENSHOTS")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _catalog():
    from jupyterlab_language_pack_hi_IN import catalog

    return catalog


def _entries(domain: str = "jupyterlab"):
    catalog = _catalog()
    return catalog.read_po(catalog.MESSAGES / f"{domain}.po")[1]


def _all_entries():
    """The messages of every domain the pack carries (jupyterlab, notebook, jupytext, jupyterlab_widgets)."""
    catalog = _catalog()
    return [e for po in sorted(catalog.MESSAGES.glob("*.po")) for e in catalog.read_po(po)[1]]


# ---------------------------------------------------------------------------------------------- the package


def test_pack_is_installed_with_jupyterlabs_entry_point_and_layout():
    """Installed like the official packs: entry point hi_IN → the module, locale/hi_IN/LC_MESSAGES/*.json+.mo."""
    points = {e.name: e for e in entry_points(group="jupyterlab.languagepack")}
    assert "hi_IN" in points, (
        "pip install -e packages/jupyterlab-language-pack-hi-IN (make lab / make test do it)"
    )
    module = points["hi_IN"].load()
    assert module.__name__ == MODULE  # the name jupyterlab_server imports for the server's .mo files
    messages = Path(module.__file__).parent / "locale" / "hi_IN" / "LC_MESSAGES"
    assert {p.name for p in messages.iterdir()} >= {"jupyterlab.po", "jupyterlab.json", "jupyterlab.mo"}
    data = json.loads((messages / "jupyterlab.json").read_text(encoding="utf-8"))
    assert data[""]["domain"] == "jupyterlab" and data[""]["language"] == "hi-IN"
    assert data["menu\x04File"] == ["फ़ाइल"] and data["Run All Cells"] == ["सभी सेल चलाएँ"]
    # What the server does with the .mo: gettext with the pack's locale folder (menus come from schemas).
    server = gettext.translation("jupyterlab", localedir=str(messages.parents[1]), languages=["hi_IN"])
    assert server.pgettext("menu", "Kernel") == "कर्नेल"
    assert server.pgettext("menu", "No such menu") == "No such menu"  # anything untranslated stays English


def test_json_and_mo_are_built_from_the_po(tmp_path):
    """The committed .json and .mo are exactly what the .po builds (edit the .po, then rebuild)."""
    catalog = _catalog()
    domains = sorted(po.stem for po in catalog.MESSAGES.glob("*.po"))
    assert {"jupyterlab", "notebook", "jupytext", "jupyterlab_widgets"} <= set(domains)
    for domain in domains:
        shutil.copy(catalog.MESSAGES / f"{domain}.po", tmp_path)
    catalog.build(tmp_path)
    hint = f"run `python -m {MODULE}.catalog`"

    def messages(mo: Path) -> dict:  # the header (dates, babel's version) aside
        with mo.open("rb") as fh:
            return {k: v for k, v in gettext.GNUTranslations(fh)._catalog.items() if k}

    for domain in domains:
        built, committed = tmp_path / f"{domain}.json", catalog.MESSAGES / f"{domain}.json"
        assert built.read_bytes() == committed.read_bytes(), f"{domain}.json is stale: {hint}"
        built_mo = messages(tmp_path / f"{domain}.mo")
        assert built_mo == messages(catalog.MESSAGES / f"{domain}.mo"), f"{domain}.mo is stale: {hint}"
        assert len(built_mo) >= sum(len(e.strings) for e in _entries(domain) if e.translated) > 0


def test_untranslated_strings_are_left_out_so_they_fall_back_to_english():
    catalog = _catalog()
    data = json.loads((catalog.MESSAGES / "jupyterlab.json").read_text(encoding="utf-8"))
    entries = _entries()
    untranslated = [e for e in entries if not e.translated]
    assert untranslated, "this check needs one untranslated message"
    assert not any(e.key in data for e in untranslated)
    assert all(v and all(v) for k, v in data.items() if k)  # never an empty translation


#: JupyterLab fills their %1 with the file type's English name ("Save Notebook", "Rename Notebook…"); the Hindi
#: labels leave it out ("सहेजें", "नाम बदलें…"), so the File menu shows no English word.
FILE_TYPE_LABELS = {
    "Save %1",
    "Save %1 As…",
    "Reload %1 from Disk",
    "Revert %1 to Checkpoint…",
    "Revert %1 to checkpoint",
    "Rename%1…",
    "Duplicate %1",
    "Delete %1",
    "New View for %1",
    "Are you sure you want to reload the %1 from the disk?",
    "Are you sure you want to revert the %1 to checkpoint? ",
    "No checkpoints are available for this %1.",
}


def test_translations_keep_placeholders_and_line_breaks():
    """%1, %2 …, backticked names and leading/trailing line breaks survive translation (else the UI breaks)."""
    bad = []
    for e in _all_entries():
        if not e.translated:
            continue
        for source, text in zip([e.msgid, e.plural or e.msgid], e.strings):
            if e.msgid in FILE_TYPE_LABELS:
                source = source.replace("%1", "")
            same = (
                sorted(re.findall(r"%\d", source)) == sorted(re.findall(r"%\d", text))
                and source.startswith("\n") == text.startswith("\n")
                and source.endswith("\n") == text.endswith("\n")
                and sorted(re.findall(r"`[^`]+`", source)) == sorted(re.findall(r"`[^`]+`", text))
            )
            if not same:
                bad.append((e.msgid, text))
    assert not bad, bad


def test_msgids_are_jupyterlab_4s_own_strings():
    """The translated messages are the strings of the installed JupyterLab 4 (its bundles and schemas)."""
    import jupyterlab

    share = Path(sys.prefix) / "share" / "jupyter" / "lab"
    static = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (share / "static").glob("*.js"))
    schemas = "".join(p.read_text(encoding="utf-8") for p in (share / "schemas").rglob("*.json"))
    assert jupyterlab.__version__.startswith("4.")
    translated = [e for e in _entries() if e.translated]
    found = [
        e
        for e in translated
        if any(
            form in (schemas if e.context == "menu" else static)
            for form in (e.msgid, json.dumps(e.msgid)[1:-1], e.msgid.replace("'", "\\'"))
        )
    ]
    # A few of the catalogue's messages are older ones JupyterLab 4.6 no longer shows (kept, harmless).
    assert len(found) >= 0.9 * len(translated), [e.msgid for e in translated if e not in found][:20]
    essential = ["File", "Edit", "View", "Run", "Kernel", "Tabs", "Settings", "Help"]
    assert all(f'"label": "{label}"' in schemas for label in essential)
    for phrase in [
        "Run All Cells",
        "Restart Kernel…",
        "Interrupt Kernel",
        "Save %1",
        "Rename File",
        "New Folder",
        "Upload Files",
        "Kernel status: %1",
        "Restart Kernel?",
        'Save changes in "%1" before closing?',
        "The kernel for %1 appears to have died. It will restart automatically.",
        "Idle",
        "Busy",
    ]:
        assert json.dumps(phrase)[1:-1] in static or phrase in static, phrase
        assert any(e.msgid == phrase and e.translated for e in translated), phrase


# ------------------------------------------------------------------------------------------------ glossary

#: Messages where a glossary word means something else, with the reason (reviewed one by one).
GLOSSARY_EXCEPTIONS = {
    ("more", "%1 and %2 more"): "'and 2 more (others)': %1 और %2 अन्य",
    ("fetch", "Cannot fetch"): "a file from a URL, not an assignment (लें): URL से नहीं ला सके",
}


def _terms() -> dict[str, tuple[str, ...]]:
    """{English term (lower case): Hindi terms} from the course glossary, notes in brackets left out.

    "File (menu)" → file: फ़ाइल; "wrong, false" → wrong, false: ग़लत; "दर्शक / पाठक" → either; the terms used
    before camp/data/glossary.csv existed (BASE_TERMS) are checked too.
    """
    terms = {en: (hi,) for en, hi in BASE_TERMS.items()}
    if not GLOSSARY.exists():
        return terms
    from camp import glossary

    for term in glossary.load(GLOSSARY):
        hindi = tuple(h.strip() for h in re.sub(r"\([^)]*\)", "", term.hi).split("/") if h.strip())
        for english in re.sub(r"\([^)]*\)", "", term.en).split(","):
            if english.strip():
                terms[english.strip().lower()] = hindi
    return terms


def _stem(hindi: str) -> str:
    """A verb's stem, so its other forms count (सहेजें: सहेजा, सहेजने; चलाएँ: चलाने, चलाकर); nouns stay whole."""
    hindi = nfc(hindi)
    for ending in (nfc("एँ"), nfc("ें")):
        if hindi.endswith(ending) and len(hindi) > len(ending) + 1:
            return hindi[: -len(ending)]
    return hindi


def _disagreements(terms: dict[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """(term, message, translation) where a message uses the English term but its Hindi lacks the glossary's."""
    bad = []
    for e in _all_entries():
        if not e.translated or "{" in e.msgid or "`" in e.msgid:
            continue  # developer text (a JSON shape, `names` in code) keeps its English identifiers
        source = re.sub(
            "jupyter notebook", "", e.msgid, flags=re.IGNORECASE
        )  # the product's name stays a name
        for term, hindi in terms.items():
            # "Save" in "Save All", "Cells" in "Run All Cells"; not "Running", "Profile", "Update"
            if not re.search(rf"(?<![\w-]){re.escape(term)}s?(?![\w-])", source, flags=re.IGNORECASE):
                continue
            if (term, e.msgid) in GLOSSARY_EXCEPTIONS:
                continue
            for text in e.strings:
                if not any(_stem(h) in nfc(text) for h in hindi):
                    bad.append((term, e.msgid, text))
    return bad


def test_translated_terms_agree_with_the_course_glossary():
    """One word for one thing: every translated message using a glossary term uses the glossary's Hindi."""
    terms = _terms()
    assert terms["kernel"] == ("कर्नेल",) and nfc(terms["file"][0]) == nfc("फ़ाइल")
    bad = _disagreements(terms)
    assert not bad, "\n".join(f"{t!r}: {m!r} → {s!r}" for t, m, s in bad[:30])


def test_no_translation_uses_a_banned_spelling():
    """The glossary's banned variants (फाइल for फ़ाइल, चलाएं for चलाएँ, सेव करें for सहेजें …) appear nowhere."""
    if not GLOSSARY.exists():
        pytest.skip("camp/data/glossary.csv is not there yet")
    from camp import glossary

    bad = [
        (e.msgid, text, found)
        for e in _all_entries()
        if e.translated
        for text in e.strings
        if (found := glossary.find_banned(text, GLOSSARY))
    ]
    assert not bad, bad[:20]


def test_the_glossary_checks_can_fail():
    """Another word for "kernel" is caught, and so is a banned spelling."""
    assert _disagreements({"kernel": ("गिरी",)})  # every kernel message says कर्नेल, none गिरी
    if GLOSSARY.exists():
        from camp import glossary

        assert glossary.find_banned("नई फाइल सेव करें", GLOSSARY)


# --------------------------------------------------------------------------------------------- the share


def test_coverage_script_prints_the_share_of_participant_visible_strings():
    out = subprocess.run(
        [sys.executable, "-m", f"{MODULE}.coverage"], capture_output=True, text=True, check=True
    )
    for area in ("menus", "notebook", "dialogs", "file browser", "launcher", "other extensions"):
        assert area in out.stdout, out.stdout
    done, total = map(int, re.search(r"all participant-visible strings\s+(\d+) / (\d+)", out.stdout).groups())
    from jupyterlab_language_pack_hi_IN.coverage import share

    assert (done, total) == share() and total > 500
    # Every participant-visible string is in Hindi, as the README states (and the README's figure is this one).
    assert done == total, subprocess.run(
        [sys.executable, "-m", f"{MODULE}.coverage", "--missing"], capture_output=True, text=True
    ).stdout[-3000:]
    stated = re.search(
        r"all (\d+)\s+participant-visible strings", (REPO / "README.md").read_text(encoding="utf-8")
    )
    assert stated and int(stated.group(1)) == total, "README's JupyterLab-in-Hindi figure is out of date"


def test_every_way_of_installing_the_camp_installs_the_pack():
    """`make lab`, Binder/repo2docker (postBuild, also the Kubernetes image) and TLJH (deploy/tljh-setup.sh) each
    pip-install packages/jupyterlab-language-pack-hi-IN, so every participant's Lab can start in Hindi."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "LANGPACK := packages/jupyterlab-language-pack-hi-IN" in makefile
    assert re.search(r"pip install .*-e \$\(LANGPACK\)", makefile)
    assert re.search(r"^lab: \$\(STAMP\)", makefile, re.M)
    for script in ("postBuild", "deploy/tljh-setup.sh"):
        lines = (REPO / script).read_text(encoding="utf-8").splitlines()
        installs = [
            line
            for line in lines
            if not line.lstrip().startswith("#")
            and re.search(r"pip install .*packages/jupyterlab-language-pack-hi-IN", line)
        ]
        assert installs, f"{script} does not install the Hindi language pack"
    # The image's participants (deploy/z2jh-values.yaml) and TLJH's are prepared by grader.hub, which selects it.
    assert "participant-init" in (REPO / "deploy" / "z2jh-values.yaml").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ the setting


def _language_setting(home: Path) -> Path:
    """The participant's language in the Lab settings `camp lab` points JupyterLab at (JUPYTERLAB_SETTINGS_DIR)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        settings = Path(lab.lab_env()["JUPYTERLAB_SETTINGS_DIR"])
    return settings / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"


def test_camp_lab_selects_hindi_once_and_keeps_the_participants_choice(tmp_path, monkeypatch):
    settings = _language_setting(tmp_path)
    monkeypatch.setenv("CAMP_HOME", str(tmp_path))
    assert lab.select_language() == settings
    assert json.loads(settings.read_text(encoding="utf-8")) == {"locale": "hi_IN"}
    settings.write_text(json.dumps({"locale": "en"}), encoding="utf-8")  # she chose English in the Lab
    assert lab.select_language() is None  # the next `make lab` leaves her choice alone
    assert json.loads(settings.read_text(encoding="utf-8")) == {"locale": "en"}
    assert lab.select_language(locale="xx_YY", force=True) is None  # no pack, no setting


def test_camp_lab_command_selects_hindi_before_starting_jupyterlab(tmp_path, monkeypatch):
    """`camp lab` (lab.start_lab) writes the setting, then replaces itself with JupyterLab."""
    import grader.course

    class Started(Exception):
        pass

    def fake_exec(program, args, env):
        raise Started(env["JUPYTERLAB_SETTINGS_DIR"])

    monkeypatch.setenv("CAMP_HOME", str(tmp_path))
    monkeypatch.setattr(grader.course, "init_course", lambda: None)  # the course itself is tested elsewhere
    monkeypatch.setattr(os, "execvpe", fake_exec)
    with pytest.raises(Started) as started:
        lab.start_lab(port=8999)
    settings = (
        Path(str(started.value)) / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    )
    assert settings == _language_setting(tmp_path)
    assert json.loads(settings.read_text(encoding="utf-8")) == {"locale": "hi_IN"}


# ------------------------------------------------------------------------------------------- real server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """JupyterLab as `camp lab` starts it on a fresh camp folder, Hindi selected as `camp lab` selects it."""
    from camp import paths
    from grader.course import init_course

    home = tmp_path_factory.mktemp("lang-home")
    jupyter = tmp_path_factory.mktemp("lang-jupyter")
    sources = tmp_path_factory.mktemp("lang-sources")
    (sources / "modules").symlink_to(paths.modules_source())
    (sources / "assignments").mkdir()  # no assignment: this test is about the Lab, not the course
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        mp.setattr(paths, "SOURCE_ROOT", sources)
        init_course()
        assert lab.select_language() is not None
        notebook = home / "भाषा-जाँच.ipynb"
        notebook.write_text(
            json.dumps(
                {
                    "cells": [
                        {
                            "cell_type": "code",
                            "execution_count": None,
                            "id": "a1",
                            "metadata": {},
                            "outputs": [],
                            "source": "print('नमस्ते')",
                        }
                    ],
                    "metadata": {
                        "kernelspec": {
                            "display_name": "Python 3 (ipykernel)",
                            "language": "python",
                            "name": "python3",
                        }
                    },
                    "nbformat": 4,
                    "nbformat_minor": 5,
                }
            ),
            encoding="utf-8",
        )
        extra = {
            "JUPYTERLAB_WORKSPACES_DIR": str(jupyter / "workspaces"),
            "JUPYTER_DATA_DIR": str(jupyter / "data"),
        }
        with running_lab(TOKEN, log=jupyter / "lab.log", extra_env=extra) as base:
            yield base, home, notebook.name


@pytest.mark.slow
@pytest.mark.xdist_group("browser")  # one worker starts this module's Lab, beside the other browser tests
def test_jupyter_lab_lists_and_serves_hindi(server):
    base, _, _ = server
    status, body = http_get(base + "/lab/api/translations", TOKEN)
    packs = json.loads(body)
    assert status == 200 and not packs["message"], packs
    assert packs["data"]["hi_IN"]["nativeName"].startswith(
        "हिन्दी"
    )  # Settings → Language lists "हिन्दी (भारत)"
    status, body = http_get(base + "/lab/api/translations/hi_IN", TOKEN)
    data = json.loads(body)["data"]["jupyterlab"]
    assert data["menu\x04Help"] == ["सहायता"] and data["Restart Kernel?"] == ["कर्नेल फिर से शुरू करें?"]
    widgets = json.loads(body)["data"]["jupyterlab_widgets"]  # the other domains come along
    assert widgets["Save Widget State Automatically"] == ["विजेट की स्थिति अपने-आप सहेजें"]
    # The menu bar's titles come from a settings schema the server translates with the pack's .mo file.
    status, body = http_get(base + "/lab/api/settings/@jupyterlab/mainmenu-extension:plugin", TOKEN)
    menus = json.loads(body)["schema"]["jupyter.lab.menus"]["main"]
    assert [nfc(m["label"]) for m in menus if m.get("label")][:8] == [nfc(x) for x in MENU_BAR]


# ---------------------------------------------------------------------------------------------- Chromium


@pytest.fixture
def page(server):
    from conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found ({CHROMIUM}): `make test` installs it as root with apt-get")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed: make test does it"
    )
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(60_000)
            page.on("dialog", lambda dialog: dialog.accept())
            yield page
        finally:
            browser.close()


def _shot(page, tmp_path: Path, name: str) -> None:
    for folder in [tmp_path] + ([Path(SHOTS)] if SHOTS else []):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"lab-hi-{name}.png"))


def _menu_bar(page) -> list[str]:
    """The menu bar's titles; nbgrader's own "Nbgrader" menu (no translation hooks, the trainer's) left out."""
    titles = [
        nfc(t.strip()) for t in page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_text_contents()
    ]
    return [t for t in titles if t != "Nbgrader"]


def _open_menu(page, title: str):
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text=re.compile(f"^{title}$")).click()
    menu = page.locator(".lm-Menu").last
    menu.wait_for()
    return [nfc(t.strip()) for t in menu.locator(".lm-Menu-itemLabel").all_text_contents() if t.strip()]


def _devanagari(text: str) -> bool:
    return any("\u0900" <= ch <= "\u097f" for ch in text)


def _context_menu(page) -> list[str]:
    menu = page.locator(".lm-Menu.jp-ThemedContainer, .lm-Menu").last
    menu.wait_for()
    return [nfc(t.strip()) for t in menu.locator(".lm-Menu-itemLabel").all_text_contents() if t.strip()]


#: English that may stay: product names, the kernel's own help links (ipykernel's), nbgrader's own items.
ENGLISH_NAMES = re.compile(
    r"^(Jupytext|(Python|IPython|NumPy|SciPy|Matplotlib|SymPy|pandas) Reference|.*[Aa]ssignment.*)$"
)


def _english_only_names(items: list[str]) -> None:
    english = [item for item in items if not _devanagari(item) and not ENGLISH_NAMES.match(item)]
    assert english == [], english


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_menu_bar_menus_toolbar_and_status_bar_read_hindi_and_english_is_one_click_away(
    server, page, tmp_path
):
    from playwright.sync_api import expect

    base, home, notebook = server
    page.goto(f"{base}/lab/tree/{urllib.parse.quote(notebook)}?token={TOKEN}")
    expect(page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").first).to_have_text(
        nfc("फ़ाइल"), timeout=90_000
    )
    bar = _menu_bar(page)
    assert bar[:8] == [nfc(x) for x in MENU_BAR], bar
    # The notebook is open with its kernel: the status bar says "… | ख़ाली" (Idle) in the pack's Hindi.
    [idle] = [e.strings[0] for e in _entries() if e.msgid == "Idle" and not e.context]
    assert re.fullmatch(r"[\u0900-\u097F]+", idle), idle
    status = page.locator("#jp-main-statusbar").get_by_text(re.compile(rf"\| {re.escape(idle)}$"))
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    expect(status.or_(dialog)).to_be_visible()
    if dialog.is_visible():
        dialog.click()
    expect(status).to_be_visible()
    # The notebook toolbar's buttons are named in Hindi (save, insert, cut, run, interrupt, restart …).
    toolbar = page.locator(".jp-NotebookPanel-toolbar")
    for name in [
        "सहेजें और चेकपॉइंट बनाएँ",
        "नीचे एक सेल जोड़ें",
        "यह सेल काटें",
        "यह सेल चलाएँ और आगे बढ़ें",
        "कर्नेल को रोकें",
        "कर्नेल फिर से शुरू करें",
    ]:
        expect(
            toolbar.get_by_role("button", name=re.compile(f"^{re.escape(name)}( \\(.*\\))?$")).first
        ).to_be_attached()
    expect(toolbar.get_by_role("combobox", name="सेल का प्रकार")).to_be_attached()
    _shot(page, tmp_path, "notebook")
    # Each menu: its items, mostly Hindi; a few key ones checked by name.
    seen = {}
    for title in MENU_BAR:
        seen[title] = _open_menu(page, title)
        if title == "फ़ाइल":
            _shot(page, tmp_path, "file-menu")
        page.keyboard.press("Escape")
    expect_items = {
        "फ़ाइल": ["नया", "सहेजें", "इस नाम से सहेजें…", "सब सहेजें", "हाल का खोलें", "नाम बदलें…", "डाउनलोड करें"],
        "संपादन": ["पूर्ववत करें", "सेल काटें", "सेल मिटाएँ"],
        "चलाएँ": ["सभी सेल चलाएँ", "चुने गए सेल से ऊपर के सभी सेल चलाएँ"],
        "कर्नेल": ["कर्नेल रोकें", "कर्नेल फिर से शुरू करें…", "कर्नेल फिर से शुरू करें और सभी सेल चलाएँ…", "कर्नेल बदलें…"],
        "टैब": ["अगले टैब पर जाएँ"],
        "सेटिंग्स": ["भाषा", "थीम"],
        "देखें": ["रूप-रंग", "फ़ाइल ब्राउज़र", "लाइन नंबर दिखाएँ"],
    }
    for title, items in expect_items.items():
        missing = [nfc(i) for i in items if nfc(i) not in seen[title]]
        assert not missing, (title, missing, seen[title])
    every = [item for items in seen.values() for item in items]
    english = [item for item in every if not _devanagari(item)]
    print(f"menu items in Hindi: {len(every) - len(english)} / {len(every)}; English: {english}")
    _english_only_names(english)  # only names stay English (jupytext, the kernel's own help links)
    # A dialog: Kernel → Restart Kernel… asks in Hindi; cancelled.
    _open_menu(page, "कर्नेल")
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^कर्नेल फिर से शुरू करें…$")).click()
    box = page.locator(".jp-Dialog")
    expect(box.locator(".jp-Dialog-header")).to_have_text("कर्नेल फिर से शुरू करें?")
    expect(box.locator(".jp-mod-reject")).to_have_text("रद्द करें")
    _shot(page, tmp_path, "restart-dialog")
    box.locator(".jp-mod-reject").click()
    # Context menus: a cell's and a file's (right click) read Hindi.
    page.locator(".jp-NotebookPanel .jp-Cell .jp-InputPrompt").first.click(button="right")
    items = _context_menu(page)
    assert {nfc(i) for i in ["सेल काटें", "सेल कॉपी करें", "सेल मिटाएँ", "सेल बाँटें"]} <= set(items), items
    _english_only_names(items)
    page.keyboard.press("Escape")
    page.locator(".jp-DirListing-item", has_text=notebook).first.click(button="right")
    items = _context_menu(page)
    assert {nfc(i) for i in ["खोलें", "नाम बदलें", "रद्दी में डालें", "काटें", "कॉपी करें", "डाउनलोड करें"]} <= set(items), (
        items
    )
    _english_only_names(items)
    _shot(page, tmp_path, "file-context-menu")
    page.keyboard.press("Escape")
    # The launcher: its sections and cards.
    _open_menu(page, "फ़ाइल")
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^नया लॉन्चर$")).click()
    launcher = page.locator(".jp-Launcher-body").last
    expect(launcher).to_be_visible()
    sections = [nfc(s.strip()) for s in launcher.locator(".jp-Launcher-sectionTitle").all_text_contents()]
    assert {nfc("नोटबुक"), nfc("कंसोल"), nfc("अन्य")} <= set(sections), sections
    cards = [nfc(s.strip()) for s in launcher.locator(".jp-LauncherCard-label").all_text_contents()]
    assert {nfc("टर्मिनल"), nfc("टेक्स्ट फ़ाइल"), nfc("मार्कडाउन फ़ाइल"), nfc("Python फ़ाइल")} <= set(cards), cards
    _shot(page, tmp_path, "launcher")
    # Settings → Language lists हिन्दी and English; English is one click (and a confirmation) away.
    _open_menu(page, "सेटिंग्स")
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^भाषा$")).click()
    languages = page.locator(".lm-Menu").last
    expect(languages.get_by_text(re.compile("हिन्दी"))).to_be_visible()
    _shot(page, tmp_path, "language-menu")
    languages.locator(".lm-Menu-itemLabel", has_text=re.compile("English$")).click()  # "अंग्रेज़ी - English"
    expect(box.locator(".jp-Dialog-header")).to_have_text("इंटरफ़ेस की भाषा बदलें?")
    box.locator(".jp-mod-accept").click()  # "बदलें और फिर से लोड करें": the page reloads in English
    expect(page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").first).to_have_text("File", timeout=90_000)
    assert _menu_bar(page)[:8] == ["File", "Edit", "View", "Run", "Kernel", "Tabs", "Settings", "Help"]
    assert '"en"' in _language_setting(home).read_text(encoding="utf-8")
    assert lab.select_language() is None  # the next `make lab` keeps her English
