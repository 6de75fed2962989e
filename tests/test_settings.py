"""One settings object (grader.settings) and `camp config`, which prints each value and where it came from."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from camp import paths
from camp.lang import CampError
from grader import settings

CAMP = Path(sys.executable).parent / "camp"
GRADER = Path(settings.__file__).parent


def camp_config(home: Path, **env: str) -> subprocess.CompletedProcess:
    """`camp config` as a trainer runs it: a real process, this test's camp folder, only the given CAMP_ settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CAMP_")}
    clean.update(CAMP_HOME=str(home), CAMP_AI_CONFIG=str(home / "no-ai.json"), **env)
    return subprocess.run([str(CAMP), "config"], capture_output=True, text=True, env=clean, timeout=120)


def line(out: str, name: str) -> str:
    found = [row.strip() for row in out.splitlines() if row.strip().startswith(name + " ")]
    assert len(found) == 1, out
    return found[0]


def test_camp_config_names_environment_and_default(fresh_home):
    """Does a variable set in the environment show as "environment" with its value, and an unset one as its
    default marked "default"?"""
    done = camp_config(fresh_home, CAMP_CELL_TIMEOUT="90", CAMP_SANDBOX="off")
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"CAMP_CELL_TIMEOUT\s+= 90  \[environment\]", line(done.stdout, "CAMP_CELL_TIMEOUT"))
    assert re.fullmatch(r"CAMP_SANDBOX\s+= off  \[environment\]", line(done.stdout, "CAMP_SANDBOX"))
    assert re.fullmatch(
        r"CAMP_NOTEBOOK_TIMEOUT\s+= 300  \[default\]", line(done.stdout, "CAMP_NOTEBOOK_TIMEOUT")
    )
    assert re.fullmatch(
        rf"CAMP_HOME\s+= {re.escape(str(fresh_home))}  \[environment\]", line(done.stdout, "CAMP_HOME")
    )
    assert len([row for row in done.stdout.splitlines() if row.strip().startswith("CAMP_")]) == len(
        settings.SETTINGS
    )
    assert line(done.stdout, "ai.model").endswith("[default]")  # camp.aiconfig's values are listed too


def test_camp_config_names_the_file_and_the_environment_wins_over_it(fresh_home):
    """A value from the settings file shows as "file"; the same variable in the environment overrides it."""
    (fresh_home / "etc").mkdir()
    (fresh_home / "etc" / "settings.json").write_text(
        json.dumps({"CAMP_WORKERS": 3, "CAMP_NOTEBOOK_TIMEOUT": 200}), encoding="utf-8"
    )
    done = camp_config(fresh_home, CAMP_NOTEBOOK_TIMEOUT="250")
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"CAMP_WORKERS\s+= 3  \[file\]", line(done.stdout, "CAMP_WORKERS"))
    assert re.fullmatch(
        r"CAMP_NOTEBOOK_TIMEOUT\s+= 250  \[environment\]", line(done.stdout, "CAMP_NOTEBOOK_TIMEOUT")
    )


@pytest.mark.parametrize(
    ("env", "file", "named"),
    [
        ({"CAMP_CELL_TIMEOUT": "soon"}, None, "CAMP_CELL_TIMEOUT (environment) is 'soon'"),
        (
            {"CAMP_SANDBOX": "maybe"},
            None,
            "CAMP_SANDBOX (environment) is 'maybe': it must be one of auto, bwrap, off",
        ),
        ({}, {"CAMP_CELL_TIMOUT": 5}, "unknown names: CAMP_CELL_TIMOUT"),
        (
            {},
            {"CAMP_HOME": "/elsewhere"},
            "unknown names: CAMP_HOME",
        ),  # it locates the file: environment only
    ],
)
def test_a_wrong_setting_is_one_clear_line_and_exit_1(fresh_home, env, file, named):
    """Is a mistyped value or name refused with one bilingual line naming it (no traceback), exit code 1?"""
    if file is not None:
        (fresh_home / "etc").mkdir()
        (fresh_home / "etc" / "settings.json").write_text(json.dumps(file), encoding="utf-8")
    done = camp_config(fresh_home, **env)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and named in done.stderr and "Traceback" not in done.stderr, (
        done.stderr
    )


def test_the_file_reaches_the_engine_nbgrader_and_camp_paths(fresh_home, monkeypatch, tmp_path):
    """After the command line reads the file once, do the engine's timeouts, nbgrader's Execute timeout and
    camp.paths (which reads only the environment) all see its values?"""
    from grader import config as camp_config_module
    from grader.engine import engine_config

    file = tmp_path / "settings.json"
    file.write_text(
        json.dumps(
            {
                "CAMP_CELL_TIMEOUT": 7,
                "CAMP_NBGRADER_TIMEOUT": 33,
                "CAMP_DB_URL": f"sqlite:///{tmp_path}/other.db",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("CAMP_SETTINGS_FILE", str(file))
    for name in ("CAMP_CELL_TIMEOUT", "CAMP_NBGRADER_TIMEOUT", "CAMP_DB_URL", "CAMP_NOTEBOOK_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(settings, "_EXPORTED", {})
    try:
        current = settings.export_file_values()
        assert current.source("cell_timeout") == "file" and current.cell_timeout == 7
        assert settings.load().source("db_url") == "file"  # still "file" once it is in the environment
        assert paths.db_url() == f"sqlite:///{tmp_path}/other.db"
        cfg = engine_config()
        assert (cfg.CampExecute.timeout, cfg.CampExecute.notebook_timeout) == (7, 300)
        assert camp_config_module.nbgrader_settings()["Execute"]["timeout"] == 33
        assert engine_config(cell_timeout=11).CampExecute.timeout == 11  # the command line's flag wins
    finally:
        for name in ("CAMP_CELL_TIMEOUT", "CAMP_NBGRADER_TIMEOUT", "CAMP_DB_URL"):
            os.environ.pop(name, None)


def test_an_unset_setting_is_its_declared_default(fresh_home, monkeypatch):
    """With nothing set, is every value its declared default, marked "default"?"""
    for setting in settings.SETTINGS:
        if setting.env != "CAMP_HOME":
            monkeypatch.delenv(setting.env, raising=False)
    monkeypatch.delenv("CAMP_SETTINGS_FILE", raising=False)
    current = settings.load()
    assert current.source("home") == "environment"  # fresh_home sets it
    for setting, value, source in current.rows()[1:]:
        assert source == "default", setting.env
        assert value == (setting.default() if callable(setting.default) else setting.default), setting.env
    with pytest.raises(CampError):
        settings.load({**os.environ, "CAMP_WORKERS": "-2"})


def test_the_grader_reads_camp_variables_only_through_the_settings():
    """Does any grader module read a CAMP_ variable from the environment itself (not through grader.settings)?"""
    reads = re.compile(
        r"""os\.environ\.get\(\s*["']CAMP_|getenv\(\s*["']CAMP_|os\.environ\[["']CAMP_\w+["']\](?!\s*=[^=])"""
    )
    # Saving CAMP_HOME to put it back after a temporary camp folder (report, bench) is not reading a setting.
    restore = re.compile(r"""^\s*\w+ = os\.environ\.get\("CAMP_HOME"\)$""")
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(GRADER.glob("*.py"))
        if path.name != "settings.py"
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if reads.search(text) and not restore.match(text)
    ]
    assert offenders == []
    assert reads.search('os.environ.get("CAMP_SANDBOX", "auto")') and reads.search('x = os.environ["CAMP_X"]')
    assert not reads.search('os.environ["CAMP_HOME"] = str(home)')


def test_camp_config_shows_the_hub_and_model_service_settings(fresh_home):
    """The camp server's CAMP_HUB_* and the model service's CAMP_AI_* variables are listed like the others: a set
    one as "environment", an unset one with its default, a token masked, a bad port refused."""
    token = "s3cret-token-value"
    done = camp_config(
        fresh_home, CAMP_HUB_ROOT="/srv/other", CAMP_AI_PROXY_PORT="9191", CAMP_HUB_SERVICE_TOKEN=token
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"CAMP_HUB_ROOT\s+= /srv/other  \[environment\]", line(done.stdout, "CAMP_HUB_ROOT"))
    assert re.fullmatch(
        r"CAMP_AI_PROXY_PORT\s+= 9191  \[environment\]", line(done.stdout, "CAMP_AI_PROXY_PORT")
    )
    assert re.fullmatch(
        r"CAMP_HUB_START_TIMEOUT\s+= 300  \[default\]", line(done.stdout, "CAMP_HUB_START_TIMEOUT")
    )
    assert re.fullmatch(
        r"CAMP_HUB_SERVICE_TOKEN\s+= \*\*\*  \[environment\]", line(done.stdout, "CAMP_HUB_SERVICE_TOKEN")
    )
    assert token not in done.stdout
    bad = camp_config(fresh_home, CAMP_HUB_PORT="80000")
    assert bad.returncode == 1 and "CAMP_HUB_PORT (environment) is '80000'" in bad.stderr, bad.stderr


def test_the_hub_and_its_model_service_take_their_values_from_the_settings(fresh_home, monkeypatch):
    """The hub's configuration and the model service read the declared settings: a value in the settings file
    reaches them, the environment wins over it, and the service is handed every value it needs."""
    from traitlets.config import Config

    from grader import hub, modelproxy

    (fresh_home / "etc").mkdir()
    (fresh_home / "etc" / "settings.json").write_text(
        json.dumps({"CAMP_HUB_ROOT": "/srv/from-file", "CAMP_AI_UPSTREAM": "http://gpu-box:8000/v1"}),
        encoding="utf-8",
    )
    for name in (
        "CAMP_HUB_ROOT",
        "CAMP_AI_UPSTREAM",
        "CAMP_HUB_STATE",
        "CAMP_AI_RATE_WINDOW",
        "CAMP_HUB_PORT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CAMP_SETTINGS_FILE", raising=False)
    monkeypatch.setenv("CAMP_AI_RATE_WINDOW", "30")
    current = hub.Settings.from_env()
    assert current.root == Path("/srv/from-file") and current.trainers_group == "camp-trainers"
    monkeypatch.setenv("CAMP_HUB_ROOT", "/srv/from-env")
    assert hub.Settings.from_env().root == Path("/srv/from-env")
    c = Config()
    c.JupyterHub.services = []
    c.JupyterHub.extra_user_scopes = set()
    c.Spawner.environment = {}
    modelproxy.register(c, hub.Settings.from_env())
    (service,) = c.JupyterHub.services
    env = service["environment"]
    assert env["CAMP_AI_UPSTREAM"] == "http://gpu-box:8000/v1"
    assert env["CAMP_AI_MASTER_KEY_FILE"] == "/srv/from-env/hub/ai-master-key"
    assert (env["CAMP_AI_REQUESTS_PER_MINUTE"], env["CAMP_AI_RATE_WINDOW"]) == ("20", "30")
    assert c.Spawner.environment["CAMP_AI_HUB_URL"] == "http://127.0.0.1:8181/services/camp-ai/"
