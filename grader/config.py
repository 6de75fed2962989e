"""The configuration files that make nbgrader and JupyterLab work for one camp folder."""

from __future__ import annotations

import json
from pathlib import Path

from camp import paths

# Course-wide nbgrader settings. Kept as a dict so the same values reach nbgrader's Python API
# (tests, the CLI) and the files JupyterLab's extensions read.
# An optional code answer is released as `answer_qN = None` with nothing after it, so "Run all" never
# stops on a stub; a blank written answer gets the bilingual text stub.
STUB_PY = ""


def nbgrader_settings() -> dict[str, dict[str, object]]:
    """nbgrader's settings for the current camp folder, as {section: {option: value}}."""
    return {
        "CourseDirectory": {
            "root": str(paths.course_root()),
            "course_id": paths.COURSE_ID,
            "db_url": paths.db_url(),
            # What a participant's folder may carry besides the notebook (answers.json among them).
            "ignore": [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".answers-*", ".camp-due.json"],
            "max_file_size": 5000,
        },
        # The Formgrader's Collect button uses the same hostile-exchange checks as `camp collect`.
        "ExchangeFactory": {"collect": "grader.exchange.CampCollect"},
        "Exchange": {
            "root": str(paths.exchange_root()),
            "assignment_dir": str(paths.work_dir()),
            "path_includes_course": False,
            # nbgrader's record of what this participant submitted: per camp, not user-wide
            "cache": str(paths.home() / "nbgrader-cache"),
        },
        "ClearSolutions": {
            "code_stub": {"python": STUB_PY},
            "text_stub": "✍️ यहाँ लिखें / write your answer here",
        },
        "ExecutePreprocessor": {"timeout": 120, "interrupt_on_timeout": True},
        "Execute": {"timeout": 120, "interrupt_on_timeout": True},
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
                "nbgrader.preprocessors.Execute",
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
    from traitlets.config import Config

    cfg = Config()
    for section, options in nbgrader_settings().items():
        for key, value in options.items():
            cfg[section][key] = value
    return cfg


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
        "ServerApp": {"open_browser": False, "jpserver_extensions": {"grader.sanitize": True}},  # Formgrader CSP
        "LabApp": {
            "custom_css": True,  # custom/custom.css: the Devanagari font, served by the Lab (see _write_custom)
            "news_url": None,
            "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        },
        "ContentsManager": {
            "hide_globs": ["__pycache__", "*.pyc", ".ipynb_checkpoints", "etc", "exchange", "logs", "engine", "backups",
                          "nbgrader-cache", "*.json.lock"]
        },
    }
    (folder / "jupyter_server_config.json").write_text(json.dumps(server, indent=1), encoding="utf-8")
    _write_custom(folder / "custom")
    # nbgrader's English Validate button (it calls a widget-answered written item "Partial credit") is off: the
    # participant validates in the Hindi panel (camp.panel); trainers use the Formgrader and `nbgrader validate`.
    labconfig = folder / "labconfig"
    labconfig.mkdir(exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyter/nbgrader:validate-assignment": True}}), encoding="utf-8")
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
