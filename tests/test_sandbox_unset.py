"""The grading sandbox never fails open silently: a zygote that is not tied to its worker's life
(die-with-parent) or cannot adopt its kernels' orphans (subreaper) says so at start, and the batch summary
prints it beside the limits it could not set (tests/test_engine.py checks a resource limit end to end).

The zygote here is the real `python -m grader.zygote`, started by grader.kernels.Zygote as a grading worker
starts it; only the command around it changes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from grader import engine, kernels

pytestmark = pytest.mark.slow  # each zygote imports numpy, pandas and matplotlib before it says hello

DIES = "die-with-parent (the sandbox could outlive its grading worker)"
SUBREAPER = "subreaper (a kernel's orphans could outlive it)"


class Around:
    """What Zygote needs of a sandbox (environment, folders, the command around the zygote, cgroups)."""

    cgroups = SimpleNamespace(join_zygote=lambda pid: None)

    def __init__(self, wrap):
        self._wrap = wrap

    def env(self, scratch: Path) -> dict[str, str]:
        (scratch / "home").mkdir(exist_ok=True)
        return {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(scratch / "home"),
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(scratch / "home"),
            "CAMP_HOME": str(scratch / "camp-home"),
        }

    def prepare(self, scratch: Path) -> None:
        pass

    def wrap(self, cmd: list[str], *, scratch: Path) -> list[str]:
        return self._wrap(cmd)


def _started(tmp_path: Path, wrap) -> set[str]:
    """Start a zygote through `wrap`, wait for its hello; what it reported it could not set."""
    kernels.UNSET.clear()
    zygote = kernels.Zygote(tmp_path, Around(wrap))
    try:
        zygote.wait_ready()
        return set(kernels.UNSET)
    finally:
        zygote.close()  # its stdin closed: a zygote left behind by a shell in between ends too
        kernels.UNSET.clear()


def _summary(unset: set[str]) -> str:
    result = engine.BatchResult(assignment="00-start-here", sandbox="sandbox: test", unset=unset)
    result.outcome = {"p1": "graded"}
    return engine.summary(result)


def test_a_zygote_started_as_the_worker_starts_it_reports_nothing(tmp_path):
    """The control: started directly, the zygote inherits the worker's death signal and becomes a subreaper."""
    assert _started(tmp_path, lambda cmd: cmd) == set()
    assert "could not set" not in _summary(set())


def test_a_zygote_not_tied_to_its_worker_says_so_in_the_summary(tmp_path):
    """A shell between worker and zygote (a wrapper that forks instead of exec'ing) really drops the death
    signal: the worker's dies with the shell, the zygote's child process has none. It reports it, and the
    summary prints the warning."""
    unset = _started(tmp_path, lambda cmd: ["/bin/sh", "-c", '"$@"; exit $?', "sh", *cmd])
    assert unset == {DIES}
    assert f"WARNING: the sandbox could not set: {DIES}" in _summary(unset)


def test_a_zygote_that_cannot_adopt_orphans_says_so_in_the_summary(tmp_path):
    """PR_SET_CHILD_SUBREAPER cannot be made to fail here without a seccomp filter: the zygote's probe is
    replaced by a failing one, the rest is the real zygote. It reports it beside a limit the worker could not
    set, and the summary prints both."""
    failing = "import grader.zygote as z\nz._subreaper = lambda: False\nz.serve()\n"  # argv[1:] is empty: no warming
    unset = _started(tmp_path, lambda cmd: [cmd[0], "-c", failing])
    assert unset == {SUBREAPER}
    text = _summary(unset | {"RLIMIT_FSIZE"})
    assert f"WARNING: the sandbox could not set: RLIMIT_FSIZE; {SUBREAPER}" in text
    assert text.splitlines()[1].startswith("WARNING")  # right under the sandbox line, before the counts
