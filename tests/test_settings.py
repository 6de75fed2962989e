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


#: Still reading their own variables: being changed by other work at the time of the move (see the README).
NOT_YET = {"hub.py", "modelproxy.py"}


def test_the_grader_reads_camp_variables_only_through_the_settings():
    """Does any grader module (but the two named) read a CAMP_ variable from the environment itself?"""
    reads = re.compile(
        r"""os\.environ\.get\(\s*["']CAMP_|getenv\(\s*["']CAMP_|os\.environ\[["']CAMP_\w+["']\](?!\s*=[^=])"""
    )
    # Saving CAMP_HOME to put it back after a temporary camp folder (report, bench) is not reading a setting.
    restore = re.compile(r"""^\s*\w+ = os\.environ\.get\("CAMP_HOME"\)$""")
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(GRADER.glob("*.py"))
        if path.name not in NOT_YET and path.name != "settings.py"
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if reads.search(text) and not restore.match(text)
    ]
    assert offenders == []
    assert reads.search('os.environ.get("CAMP_SANDBOX", "auto")') and reads.search('x = os.environ["CAMP_X"]')
    assert not reads.search('os.environ["CAMP_HOME"] = str(home)')
