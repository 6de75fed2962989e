"""Shared fixtures: a camp folder per test session, helpers that grade a notebook for real, a real Lab."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from grader.authoring import answer_with_widgets  # noqa: F401  (re-exported for the tests)

REPO = Path(__file__).resolve().parents[1]
ANSWERS = (
    Path(__file__).resolve().parent.parent / "grader" / "data" / "answers"
)  # one answer key: the bench uses it too


@pytest.fixture(scope="session")
def course_home(tmp_path_factory):
    """A prepared camp folder (config, sources, releases) shared by one test process."""
    home = tmp_path_factory.mktemp("camp-home")
    os.environ["CAMP_HOME"] = str(home)
    from grader.course import init_course

    init_course()
    return home


@pytest.fixture
def fresh_home(tmp_path, monkeypatch):
    """An empty camp folder of this test's own."""
    home = tmp_path / "camp"
    home.mkdir()
    monkeypatch.setenv("CAMP_HOME", str(home))
    return home


def assignment_ids() -> list[str]:
    return sorted(p.name for p in (REPO / "assignments").iterdir() if list(p.glob("*.ipynb")))


def answer_fixture(assignment: str) -> dict:
    path = ANSWERS / f"{assignment}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def answers_file(values: dict) -> str:
    """The text of an answers.json holding `values`, as the answer widgets write it."""
    return json.dumps(
        {"format": 1, "answers": {k: {"value": v, "saved": "x"} for k, v in values.items()}},
        ensure_ascii=False,
    )


def with_code(release, code: str, grade_id: str = "q1_run_key_code"):
    """A copy of a released notebook with `code` typed into one optional code cell (hostile or not)."""
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = cell.source + "\n" + code
    return nb


class Grader:
    """Put a notebook (and files) where `nbgrader collect` would, autograde it, read the scores back."""

    def __init__(self, home: Path):
        self.home = home

    def submit(
        self, assignment: str, nb, files: dict[str, str] | None = None, student: str | None = None
    ) -> str:
        student = student or f"s{uuid.uuid4().hex[:8]}"
        folder = self.home / "course" / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
        for name, text in (files or {}).items():
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC", encoding="utf-8")
        return student

    def grade(self, assignment: str, student: str) -> str:
        from grader.course import autograde

        return autograde(assignment=assignment, students=[student])[student]

    def scores(self, assignment: str, student: str) -> dict[str, float]:
        """{grade_id: score} for every grade cell of the submission."""
        from nbgrader.api import Gradebook

        from camp import paths

        with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
            submission = gb.find_submission_notebook(assignment, assignment, student)
            return {g.name: g.score for g in submission.grades}

    def auto_scores(self, assignment: str, student: str) -> dict[str, float]:
        return {k: v for k, v in self.scores(assignment, student).items() if k.endswith("_test")}

    def max_auto(self, assignment: str) -> dict[str, float]:
        from nbgrader.api import Gradebook

        from camp import paths

        with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
            nb = gb.find_notebook(assignment, assignment)
            return {c.name: c.max_score for c in nb.grade_cells if c.name.endswith("_test")}

    def autograded(self, assignment: str, student: str):
        path = self.home / "course" / "autograded" / student / assignment / f"{assignment}.ipynb"
        return nbformat.read(path, as_version=4)


@pytest.fixture(scope="session")
def grader(course_home) -> Grader:
    return Grader(course_home)


def source_notebook(home: Path, assignment: str):
    return nbformat.read(home / "course" / "source" / assignment / f"{assignment}.ipynb", as_version=4)


def release_notebook(home: Path, assignment: str):
    return nbformat.read(home / "course" / "release" / assignment / f"{assignment}.ipynb", as_version=4)


def http_get(url: str, token: str):
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read().decode("utf-8")


def hub_missing(*, tools: tuple[str, ...] = (), modules: tuple[str, ...] = ()) -> str | None:
    """Why a real-JupyterHub test cannot run here (None when it can): root, the account tools, npm/node, jupyterhub."""
    import importlib.util

    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root: it creates Unix accounts and JupyterHub spawns servers as them (CI runs as root)"
    for tool in ("useradd", "userdel", "groupadd", "setfacl", "npm", "node", *tools):
        if not shutil.which(tool):
            return f"{tool} is not installed (make system-deps installs acl; Debian nodejs/npm for the proxy)"
    for module in ("jupyterhub", "requests", *modules):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed: pip install -e '.[hub]'"
    return None


def free_port() -> int:
    """A loopback port nobody listens on now (for a server the test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_lab(token: str, *, log: Path, extra_env: dict[str, str] | None = None):
    """JupyterLab started exactly as `camp lab` starts it (PATH without the venv), on a free port; yields its URL."""
    from grader import lab

    port = free_port()
    cmd = lab.lab_command(port=port, ip="127.0.0.1") + [f"--IdentityProvider.token={token}"]
    env = lab.lab_env()
    env["PATH"] = os.pathsep.join([env["PATH"].split(os.pathsep)[0], "/usr/bin", "/bin"])
    env.update(extra_env or {})
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    http_get(base + "/api/status", token)
                    break
                except OSError:
                    time.sleep(0.25)
            else:
                raise AssertionError("JupyterLab did not start: " + log.read_text(encoding="utf-8"))
            yield base
        finally:  # a Lab still shutting its kernels down on a busy machine is killed after 30 s
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)


# Debian's Chromium for the browser tests (Playwright's own browser download is not used).
CHROMIUM = os.environ.get("CAMP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium not found ({CHROMIUM}): `make test` installs it when run as root with apt-get; "
            "otherwise `sudo apt-get install chromium` (or set CAMP_CHROMIUM to a Chromium binary)"
        )


@contextlib.contextmanager
def camp_lab(tmp_path_factory, name: str, token: str, assignments: list[str], prepare=None):
    """A camp folder with only `assignments` in its course, prepared by `prepare(home)`, served by JupyterLab as
    `camp lab` starts it; yields (base URL, camp folder, a folder of this test's own beside it)."""
    from camp import paths
    from grader.course import init_course

    need_chromium()
    home = tmp_path_factory.mktemp(f"{name}-home")
    jupyter = tmp_path_factory.mktemp(f"{name}-jupyter")  # beside the camp folder, out of Lab's file browser
    sources = tmp_path_factory.mktemp(f"{name}-sources")  # only these assignments: generated in seconds
    (sources / "modules").symlink_to(paths.modules_source())
    for assignment in assignments:
        shutil.copytree(paths.assignments_source() / assignment, sources / "assignments" / assignment)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        mp.setattr(paths, "SOURCE_ROOT", sources)
        init_course()
        if prepare is not None:
            prepare(home)
        # Lab's remembered layout stays in this test's folder, out of Lab's file browser.
        extra = {
            "JUPYTERLAB_WORKSPACES_DIR": str(jupyter / "workspaces"),
            "JUPYTER_DATA_DIR": str(jupyter / "data"),
        }
        with running_lab(token, log=jupyter / "lab.log", extra_env=extra) as base:
            yield base, home, jupyter
