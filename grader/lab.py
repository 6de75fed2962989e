"""Start JupyterLab on the camp folder, with nbgrader's panels pointed at this camp."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

from camp import paths

#: JupyterLab's interface language for participants (packages/jupyterlab-language-pack-hi-IN).
LAB_LOCALE = "hi_IN"


def lab_env() -> dict[str, str]:
    """The environment JupyterLab (and every kernel it starts) runs with."""
    paths.ensure_tools_on_path()
    env = dict(os.environ)
    extra = str(paths.config_dir())
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [extra, env.get("JUPYTER_CONFIG_PATH")]))
    env["JUPYTER_CONFIG_DIR"] = (
        extra  # its custom/ folder (the Devanagari font) is what LabApp.custom_css serves
    )
    env["JUPYTERLAB_SETTINGS_DIR"] = str(paths.config_dir().parent / "lab-settings")
    env["CAMP_HOME"] = str(paths.home())
    env["CAMP_SOURCES"] = str(paths.SOURCE_ROOT)
    return env


def lab_command(*, port: int = 8888, ip: str = "localhost") -> list[str]:
    start = "lessons/00-start-here/00-start-here.hi.ipynb"
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # containers, CI
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ip={ip}",
        f"--port={port}",
        f"--ServerApp.root_dir={paths.home()}",
        f"--LabApp.default_url=/lab/tree/{start}",
        *root,
    ]


def select_language(*, locale: str = LAB_LOCALE, force: bool = False) -> Path | None:
    """Make `locale` JupyterLab's interface language in the camp's Lab settings (`camp lab` calls this).

    Written only when the participant has no language setting yet (or `force`), so English chosen in
    Settings → Language stays chosen; and only when its language pack is installed (`make lab` installs
    packages/jupyterlab-language-pack-hi-IN), so a Lab without it never asks for a missing language.
    Returns the settings file when it was written.
    """
    settings = Path(lab_env()["JUPYTERLAB_SETTINGS_DIR"])
    target = settings / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    missing = locale not in ("en", "default") and not importlib.util.find_spec(
        f"jupyterlab_language_pack_{locale}"
    )
    if (target.exists() and not force) or missing:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"locale": locale}), encoding="utf-8")
    return target


def start_lab(*, port: int = 8888, ip: str = "localhost") -> None:
    """Prepare the course (fast when nothing changed) and replace this process with JupyterLab."""
    from grader.course import init_course

    init_course()
    select_language()  # JupyterLab in Hindi for a new camp folder; Settings → Language → English stays one click away
    print(
        f"🏕  Social Media & AI Camp: http://{ip}:{port}/lab  (the full link with its token follows)",
        flush=True,
    )
    cmd = lab_command(port=port, ip=ip)
    os.execvpe(cmd[0], cmd, lab_env())
