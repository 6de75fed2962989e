"""Hidden tests are cut out however their markers are written, line by line as nbgrader's release cuts them, and
a cell that still holds anything like a marker stops the submission: the answer key never reaches a kernel.

The expected values of five hidden checks are canaries, each check behind a differently written marker (a trailing
space, two `#`, none, an indented line with a note, CRLF line endings). Honest answers equal to the canaries score
full marks (so they are the key); a participant's input hook that sees every cell's code as it arrives finds none
of them. Then the source gets a marker nbgrader does not recognise (lower case): grading refuses before any kernel
starts, and says why.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import nbformat
import pytest
from conftest import answer_fixture
from conftest import answers_file as _answers
from conftest import with_code as _with_code

from camp import paths
from grader import engine
from grader.verdict import HiddenTestsError, HideTests, split_hidden

A = "00-start-here"
RIGHT = answer_fixture(A)["widget_answers"]
BEGIN = "### BEGIN HIDDEN TESTS"
#: qid: (the expected value as written in the check, the canary that replaces it, how the BEGIN line is written)
VARIANTS = {
    "q2_cell_kind": ('"markdown"', "canary-kind-7f3a", "### BEGIN HIDDEN TESTS "),
    "q3_engagements": ("got, 60,", 7391.25, "## BEGIN HIDDEN TESTS"),
    "q4_submit_steps": ('"validate"', "canary-step-4b1d", "#BEGIN HIDDEN TESTS"),
    "q5_feedback_place": (
        '"folder"',
        "canary-place-2e9c",
        "    ### BEGIN HIDDEN TESTS (trainer: keep secret)",
    ),
    "q6_hashtag": ('"#SamparkSetuCamp"', "#Canary7f3aHash", "CRLF"),
}
NEEDLES = [str(v[1]) for v in VARIANTS.values()] + ["HIDDEN TESTS"]
HONEST = {
    **RIGHT,
    "q2_cell_kind": "canary-kind-7f3a",
    "q3_engagements": 7391.25,
    "q4_submit_steps": ["fetch", "canary-step-4b1d", "submit"],
    "q5_feedback_place": "canary-place-2e9c",
    "q6_hashtag": "#Canary7f3aHash",
}
FULL = 6.0

# An input hook that sees every cell's code as it arrives; it reports in every cell that is not a test cell.
# The needles travel encoded, so the attacker's own cell never contains them.
SPY = r"""
import base64 as _b, json as _j
_needles = _j.loads(_b.b64decode("NEEDLES"))
_hits, _seen = set(), []
def _spy(lines):
    code = "".join(lines)
    _seen.append(code)
    _hits.update(n for n in _needles if n.lower() in code.lower())
    return lines
get_ipython().input_transformers_cleanup.append(_spy)
def _report(result):
    if "check.answered" not in (_seen[-1] if _seen else ""):
        cells = set(_seen)  # IPython may pass a cell through the hook more than once
        print("SPY", len(cells), sum("check.answered" in c for c in cells), sorted(_hits))
get_ipython().events.register("post_run_cell", _report)
"""


def _write_source(home: Path, marker_for_q2: str | None = None) -> None:
    source = home / "course" / "source" / A / f"{A}.ipynb"
    src = nbformat.read(source, as_version=4)
    for cell in src.cells:
        qid = cell.metadata.get("nbgrader", {}).get("grade_id", "").removesuffix("_test")
        if qid not in VARIANTS or not cell.metadata["nbgrader"]["grade_id"].endswith("_test"):
            continue
        old, canary, begin = VARIANTS[qid]
        if marker_for_q2 is not None:
            if qid == "q2_cell_kind":
                cell.source = cell.source.replace(BEGIN, marker_for_q2)
            continue
        assert cell.source.count(old) == 1 and cell.source.count(BEGIN) == 1, qid
        new = f"got, {canary}," if isinstance(canary, float) else json.dumps(canary)
        cell.source = cell.source.replace(old, new)
        cell.source = (
            cell.source.replace("\n", "\r\n") if begin == "CRLF" else cell.source.replace(BEGIN, begin)
        )
    nbformat.write(src, source)


def _put(home: Path, student: str, nb, answers: dict) -> None:
    folder = home / "course" / "submitted" / student / A
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{A}.ipynb")
    (folder / "answers.json").write_text(_answers(answers), encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC", encoding="utf-8")


def _scores(result) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        return {
            student: sum(
                g.score for g in gb.find_submission_notebook(A, A, student).grades if g.name.endswith("_test")
            )
            for student, status in result.outcome.items()
            if status == "graded"
        }


def _printed(home: Path, student: str) -> str:
    nb = json.loads((home / "course" / "autograded" / student / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    return "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from grader.course import init_course, release

    home = tmp_path_factory.mktemp("hidden-markers")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        init_course()
        _write_source(home)
        release(assignments=[A])
        released = nbformat.read(home / "course" / "release" / A / f"{A}.ipynb", as_version=4)
        spy = SPY.replace("NEEDLES", base64.b64encode(json.dumps(NEEDLES).encode()).decode())
        _put(home, "honest", released, HONEST)
        _put(home, "spy", _with_code(released, spy), RIGHT)
        first = engine.autograde_batch(
            assignment=A, workers=1, cell_timeout=60, notebook_timeout=240, show_progress=False
        )
        out = {"home": home, "released": released, "first": first, "scores": _scores(first)}
        out["spy"] = _printed(home, "spy") if first.outcome.get("spy") == "graded" else ""
        # The trainer writes a marker nbgrader does not cut (the release shows that check to everyone).
        _write_source(home, marker_for_q2="### begin hidden tests")
        release(assignments=[A])
        released = nbformat.read(home / "course" / "release" / A / f"{A}.ipynb", as_version=4)
        out["released_again"] = released
        _put(home, "late_spy", _with_code(released, spy), RIGHT)
        out["second"] = engine.autograde_batch(
            assignment=A,
            students=["late_spy"],
            workers=1,
            cell_timeout=60,
            notebook_timeout=240,
            show_progress=False,
        )
        yield out


@pytest.mark.slow
@pytest.mark.xdist_group("hidden_markers")
def test_the_canaries_behind_each_marker_are_the_real_expected_values(graded):
    assert graded["first"].outcome == {"honest": "graded", "spy": "graded"}, graded["first"].outcome
    assert graded["scores"]["honest"] == FULL
    assert graded["scores"]["spy"] == 1.0  # knew no canary: only q1 (standard marker, right answer) scores


@pytest.mark.slow
@pytest.mark.xdist_group("hidden_markers")
def test_no_canary_and_no_marker_reaches_the_kernel_whatever_the_marker_looks_like(graded):
    released = json.dumps(graded["released"].dict())
    for needle in NEEDLES:  # the release carries none of them: so neither may the kernel
        assert needle not in released, needle
    spy = [line for line in graded["spy"].splitlines() if line.startswith("SPY")]
    assert spy, "the spy ran"
    seen, tests = int(spy[-1].split()[1]), int(spy[-1].split()[2])
    assert seen >= 17 and tests == 6, spy[
        -1
    ]  # every later code cell as it arrived, the six test cells among them
    assert spy[-1].endswith("[]"), spy[-1]


@pytest.mark.slow
@pytest.mark.xdist_group("hidden_markers")
def test_a_marker_nbgrader_does_not_recognise_stops_grading_before_any_kernel(graded):
    outcome = graded["second"].outcome["late_spy"]
    assert outcome.startswith("ungradable: ") and "HiddenTestsError" in outcome, outcome
    assert "q2_cell_kind_test" in outcome and "'begin hidden tests'" in outcome, outcome
    assert "### BEGIN HIDDEN TESTS" in outcome, "it says how to write the marker"
    assert not (graded["home"] / "course" / "autograded" / "late_spy" / A / f"{A}.ipynb").exists()


# -- the same cut as nbgrader's release, cell by cell (no kernel needed) ----------------------------------------------
CELL = (
    "got = answers.answer('q', None)\ncheck.answered('q', got)\n### BEGIN HIDDEN TESTS\n"
    'check.equal("q", got, "SECRET-9a7")\n### END HIDDEN TESTS'
)
CUT = {
    "standard": CELL,
    "trailing space": CELL.replace(BEGIN, BEGIN + " "),
    "two hashes": CELL.replace(BEGIN, "## BEGIN HIDDEN TESTS"),
    "no hash": CELL.replace(BEGIN, "BEGIN HIDDEN TESTS"),
    "indented with a note": CELL.replace(BEGIN, "  ### BEGIN HIDDEN TESTS: do not show"),
    "CRLF": CELL.replace("\n", "\r\n"),
    "tabs and trailing CRLF": CELL.replace(BEGIN, "\t### BEGIN HIDDEN TESTS\t").replace("\n", "\r\n")
    + "\r\n",
    "two blocks": CELL + "\nx = 1\n" + CELL.split("\n", 2)[2],
}
REFUSED = {
    "lower case": CELL.replace(BEGIN, "### begin hidden tests"),
    "two spaces": CELL.replace(BEGIN, "### BEGIN  HIDDEN TESTS"),
    "underscores": CELL.replace(BEGIN, "### BEGIN_HIDDEN_TESTS"),
    "singular": CELL.replace(BEGIN, "### BEGIN HIDDEN TEST"),
    "no end": CELL.rsplit("\n", 1)[0],
    "nested": CELL.replace(BEGIN, BEGIN + "\n" + BEGIN),
    "old Mac line ends": CELL.replace("\n", "\r"),
}


def _cell(source: str):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "q_test",
        "locked": True,
        "points": 1,
        "schema_version": 3,
        "solution": False,
    }
    return cell


@pytest.mark.parametrize("name", sorted(CUT))
def test_hidden_tests_are_cut_as_nbgrader_cuts_them_for_the_release(name):
    from nbgrader.preprocessors import ClearHiddenTests

    released = ClearHiddenTests().preprocess_cell(_cell(CUT[name]), {}, 0)[0].source
    nb = nbformat.v4.new_notebook(cells=[_cell(CUT[name])])
    nb, resources = HideTests().preprocess(nb, {})
    kernel_gets = nb.cells[0].source
    assert "SECRET-9a7" in "".join(code for _, code in resources["camp_hidden_tests"].values())
    assert "SECRET-9a7" not in kernel_gets and "HIDDEN" not in kernel_gets.upper()
    assert kernel_gets.rstrip("\r\n") == released.rstrip("\r\n")  # exactly what the participant was released


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_anything_left_that_looks_like_a_marker_is_refused(name):
    with pytest.raises(HiddenTestsError, match="cell 1 \\(q_test\\)"):
        HideTests().preprocess(nbformat.v4.new_notebook(cells=[_cell(REFUSED[name])]), {})
    with pytest.raises(HiddenTestsError):
        split_hidden(REFUSED[name])


def test_a_participants_own_cell_that_mentions_a_marker_runs_as_she_wrote_it():
    """Only cells whose code came from the source hold hidden tests; her own code is neither cut nor refused."""
    mine = nbformat.v4.new_code_cell("print('### BEGIN HIDDEN TESTS?')\nx = 1")
    mine.metadata["nbgrader"] = {"grade": False, "grade_id": "q_code", "locked": False, "solution": True}
    nb, resources = HideTests().preprocess(nbformat.v4.new_notebook(cells=[mine, _cell(CELL)]), {})
    assert nb.cells[0].source == "print('### BEGIN HIDDEN TESTS?')\nx = 1"
    assert "SECRET-9a7" not in nb.cells[1].source and list(resources["camp_hidden_tests"]) == [1]
