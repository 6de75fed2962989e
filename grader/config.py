"""The configuration files that make nbgrader and JupyterLab work for one camp folder."""

from __future__ import annotations

import json
from pathlib import Path

from camp import paths
from camp.nbsettings import shared_settings, to_config
from grader.settings import load as load_settings

# Course-wide nbgrader settings. Kept as a dict so the same values reach nbgrader's Python API
# (tests, the CLI) and the files JupyterLab's extensions read.
# An optional code answer is released as `answer_qN = None` with nothing after it, so "Run all" never
# stops on a stub; a blank written answer gets the bilingual text stub.
STUB_PY = ""


def _group_shared() -> bool:
    """Is the camp folder shared by a group of trainers (setgid and group-writable, as grader.hub makes it)?"""
    try:
        return paths.home().stat().st_mode & 0o2070 == 0o2070
    except OSError:
        return False


def nbgrader_settings() -> dict[str, dict[str, object]]:
    """nbgrader's settings for the current camp folder, as {section: {option: value}}."""
    timeout = load_settings().nbgrader_timeout  # CAMP_NBGRADER_TIMEOUT (grader.settings)
    settings = shared_settings()
    settings["CourseDirectory"]["db_url"] = paths.db_url()
    # Several trainers on one course (the hub's course folder, setgid and group-writable): nbgrader keeps what
    # it writes group-writable and accepts exchange folders another trainer (or root) made.
    settings["CourseDirectory"]["groupshared"] = _group_shared()
    return {
        **settings,
        # The Formgrader's Collect button uses the same hostile-exchange checks as `camp collect`.
        "ExchangeFactory": {"collect": "grader.exchange.CampCollect"},
        "ClearSolutions": {
            "code_stub": {"python": STUB_PY},
            "text_stub": "✍️ यहाँ लिखें / write your answer here",
        },
        "ExecutePreprocessor": {"timeout": timeout, "interrupt_on_timeout": True},
        "Execute": {"timeout": timeout, "interrupt_on_timeout": True},
        "Autograde": {
            "sanitize_preprocessors": [
                "nbgrader.preprocessors.ClearOutput",
                "nbgrader.preprocessors.DeduplicateIds",
                "nbgrader.preprocessors.OverwriteKernelspec",
                "nbgrader.preprocessors.OverwriteCells",
                "grader.integrity.RestoreDeletedCells",
                "nbgrader.preprocessors.CheckCellMetadata",
            ],
            "autograde_preprocessors": [
                "grader.widget_answers.InlineAnswers",
                "grader.verdict.HideTests",  # the kernel never receives the hidden tests
                "grader.kernels.SandboxedExecute",  # in the sandbox, as `camp autograde` (not as the trainer)
                "grader.verdict.JudgeAnswers",  # they run here, on the answers the kernel recorded
                "nbgrader.preprocessors.IgnorePattern",
                "grader.rubric.ShowRubric",
                "nbconvert.preprocessors.ClearMetadataPreprocessor",
                "nbgrader.preprocessors.LimitOutput",
                "grader.sanitize.SafeHTML",  # participants' markdown and outputs as safe HTML (Formgrader view)
                "grader.keepgrades.KeepManualGrades",  # SaveAutoGrades that keeps a finished grade of an unchanged answer
                "nbgrader.preprocessors.AssignLatePenalties",
                "nbgrader.preprocessors.CheckCellMetadata",
            ],
        },
        "GenerateFeedback": {
            "force": True,
            "exporter_class": "grader.feedback.FeedbackExporter",  # one bilingual line per question (grader/templates)
            "preprocessors": [
                "nbgrader.preprocessors.GetGrades",
                "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
                "grader.sanitize.SafeHTML",  # no participant script in feedback
            ],
        },
        # Every page nbgrader renders from a notebook (the Formgrader's submission view included).
        "HTMLExporter": {"preprocessors": ["grader.sanitize.SafeHTML"]},
        "GenerateAssignment": {
            "force": True,
            "preprocessors": [
                "nbgrader.preprocessors.IncludeHeaderFooter",
                "nbgrader.preprocessors.InstantiateTests",
                "nbgrader.preprocessors.LockCells",
                "nbgrader.preprocessors.ClearSolutions",
                "nbgrader.preprocessors.ClearOutput",
                "nbgrader.preprocessors.CheckCellMetadata",
                "nbgrader.preprocessors.ComputeChecksums",
                "nbgrader.preprocessors.SaveCells",
                "grader.rubric.StripRubric",  # the rubric's example answer never reaches participants
                "nbgrader.preprocessors.ClearHiddenTests",
                "nbgrader.preprocessors.ClearMarkScheme",
                "nbgrader.preprocessors.ComputeChecksums",
                "nbgrader.preprocessors.CheckCellMetadata",
            ],
        },
    }


def traitlets_config():
    """The same settings as a traitlets Config object, for `NbGraderAPI(config=...)`."""
    return to_config(nbgrader_settings())


def write(home: Path | None = None) -> Path:
    """Write nbgrader's and JupyterLab's configuration into `<camp>/etc/jupyter`; returns the folder.

    `camp lab` puts this folder on JUPYTER_CONFIG_PATH, so the Lab extensions (Assignment List,
    Formgrader) and nbgrader commands run from notebooks all see the same course and exchange.
    """
    folder = paths.config_dir() if home is None else home / "etc" / "jupyter"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Written by `camp course init`; edits are overwritten. See grader/config.py.",
        "c = get_config()  # noqa",
    ]
    for section, options in nbgrader_settings().items():
        for key, value in options.items():
            lines.append(f"c.{section}.{key} = {value!r}")
    (folder / "nbgrader_config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    server = {
        "ServerApp": {
            "open_browser": False,
            "jpserver_extensions": {"grader.sanitize": True},
        },  # Formgrader CSP
        "LabApp": {
            "custom_css": True,  # custom/custom.css: the Devanagari font, served by the Lab (see _write_custom)
            "news_url": None,
            "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        },
        "ContentsManager": {
            "hide_globs": [
                "__pycache__",
                "*.pyc",
                ".ipynb_checkpoints",
                "etc",
                "exchange",
                "logs",
                "engine",
                "backups",
                "nbgrader-cache",
                "*.json.lock",
            ]
        },
    }
    (folder / "jupyter_server_config.json").write_text(json.dumps(server, indent=1), encoding="utf-8")
    _write_custom(folder / "custom")
    # nbgrader's English Validate button (it calls a widget-answered written item "Partial credit") is off: the
    # participant validates in the Hindi panel (camp.panel); trainers use the Formgrader and `nbgrader validate`.
    labconfig = folder / "labconfig"
    labconfig.mkdir(exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyter/nbgrader:validate-assignment": True}}), encoding="utf-8"
    )
    # The news pop-up and update checks off in the participant's Lab settings as well.
    settings = folder.parent / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )
    return folder


def _write_custom(custom: Path) -> None:
    """custom.css and the Noto Sans Devanagari font it names, where JupyterLab serves them (<base_url>custom/).

    `camp lab` makes this camp's etc/jupyter Jupyter's config dir, whose custom/ folder LabApp.custom_css serves.
    """
    import shutil

    from camp.charts import font_file

    custom.mkdir(parents=True, exist_ok=True)
    font, target = font_file(), custom / "NotoSansDevanagari.ttf"
    if not target.exists() or target.stat().st_size != font.stat().st_size:
        shutil.copyfile(font, target)
    shutil.copyfile(Path(__file__).parent / "templates" / "custom.css", custom / "custom.css")
