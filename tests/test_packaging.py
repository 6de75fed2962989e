"""The repository's contracts: dependencies in sync, state ignored, notebooks stripped, README's commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (a dev dependency)
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]


def _pip_section(text: str) -> list[str]:
    lines = text.split("- pip:", 1)[1].splitlines()
    return [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]


def test_environment_yml_matches_pyproject():
    """Binder/conda get exactly the dependencies pip gets."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = _pip_section((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert sorted(env) == sorted(project["dependencies"])
    assert project["scripts"]["camp"] == "grader.cli:main"


def test_state_and_venv_are_ignored_by_git():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert ".venv/" in ignored and ".camp/" in ignored


def test_notebooks_in_git_are_stripped():
    """No committed notebook keeps outputs or execution counts (nbgrader metadata stays)."""
    files = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True
    ).stdout.split()
    assert files
    for name in files:
        nb = json.loads((REPO / name).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            assert not cell.get("outputs") and not cell.get("execution_count"), name


def test_assignment_folders_hold_only_their_notebook():
    """nbgrader copies every file of a source folder to participants: nothing else may live there."""
    for folder in (REPO / "assignments").iterdir():
        if folder.is_dir():
            assert sorted(p.name for p in folder.iterdir()) == [f"{folder.name}.ipynb"], folder


def test_readme_shows_the_two_commands_and_ci_calls_make_test():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make lab" in readme and "make test" in readme
    assert re.search(r"^make test$", (REPO / ".ci" / "run").read_text(encoding="utf-8"), re.M)


def test_no_secret_shaped_strings_are_committed():
    pattern = r"(sk-[A-Za-z0-9_-]{20,}|gsk_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_-]{30,})"
    out = subprocess.run(
        ["git", "grep", "-nE", pattern, "--", ".", ":!tests"], cwd=REPO, capture_output=True, text=True
    )
    assert out.stdout == ""


def test_the_lock_file_pins_every_declared_dependency_within_its_range():
    """Does requirements.lock (what `make lab`/`make test` install) pin each dependency of pyproject.toml, for every
    Python the project supports, at a version its range allows?"""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins: dict[str, list[tuple[str, str]]] = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            pin = Requirement(line)
            (version,) = [s.version for s in pin.specifier]
            pins.setdefault(canonicalize_name(pin.name), []).append((version, str(pin.marker or "")))
    declared = [Requirement(d) for d in project["dependencies"] + project["optional-dependencies"]["dev"]]
    for req in declared:
        found = pins.get(canonicalize_name(req.name))
        if req.marker and not req.marker.evaluate(
            {"python_version": "3.10", "python_full_version": "3.10.0"}
        ):
            continue
        assert found, f"{req.name} is not in requirements.lock: run `make lock`"
        for version, marker in found:
            assert req.specifier.contains(version, prereleases=True), (
                f"{req.name}=={version} ({marker}) vs {req}"
            )
