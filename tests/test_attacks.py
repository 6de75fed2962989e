"""Safe grading: hostile submissions in one batch with honest ones. Each attack fails, the batch finishes,
and the honest participants get their right scores."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading

import nbformat
import pytest
from conftest import answer_fixture
from conftest import answers_file as _answers
from conftest import with_code as _with_code

from camp import paths
from grader import engine, sandbox

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("attacks")]  # one batch, one worker
A = "00-start-here"
CANARY = "CANARY-7f3a9c-do-not-leak"
KEY = "sk-test" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"
RIGHT = answer_fixture(A)["widget_answers"]
WRONG = {
    "q1_run_key": "B",
    "q2_cell_kind": "code",
    "q3_engagements": 1,
    "q4_submit_steps": ["email"],
    "q5_feedback_place": "sms",
    "q6_hashtag": "#nope",
}
FULL = 6.0
ITEMS = [
    "q1_run_key_test",
    "q2_cell_kind_test",
    "q3_engagements_test",
    "q4_submit_steps_test",
    "q5_feedback_place_test",
    "q6_hashtag_test",
]


def _without(release, grade_id: str):
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def _duplicated(release, grade_id: str):
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    nb.cells.insert(nb.cells.index(cell), nbformat.from_dict(json.loads(json.dumps(cell))))
    return nb


def _retyped(release, grade_id: str):
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    for n, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            md = nbformat.v4.new_markdown_cell("pass")
            md.metadata = cell.metadata
            nb.cells[n] = md
    return nb


ATTACKS = {
    # name: (code in the optional cell, widget answers)
    "infinite_loop": ("while True:\n    pass", RIGHT),
    "fork_bomb": ("import os\nwhile True:\n    os.fork()", RIGHT),
    "memory_bomb": ("big = bytearray(16 * 1024**3)", RIGHT),
    "output_flood": ("print('x' * 100_000_000)", RIGHT),
    "hard_exit": ("import os\nos._exit(0)", RIGHT),
    "sys_exit": ("import sys\nsys.exit(0)", RIGHT),
    "ignore_interrupt": (
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
        RIGHT,
    ),
    "read_etc": ("print(open('/etc/passwd').read())", RIGHT),
    "read_gradebook": ("print(open('GRADEBOOK', 'rb').read(100))", RIGHT),
    "write_other_participant": (f"open({'OTHER'!r}, 'w').write('{{}}')", RIGHT),
    "read_other_participant": (
        "import os\nprint('NEIGHBOURS', [d for d in os.listdir('..') if d != os.path.basename(os.getcwd())])\n"
        "print(open('OTHER').read())",
        RIGHT,
    ),
    "open_socket": (
        "import socket\nsocket.create_connection(('127.0.0.1', PORT), timeout=3).sendall(b'leak')",
        RIGHT,
    ),
    "open_socket_internet": ("import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=3)", RIGHT),
    "search_canary": (
        "import os, sys\nprint('SEARCHING', flush=True)\n"
        "for k, v in os.environ.items():\n"
        "    if 'CANARY' in v or 'sk-' in v:\n        print('HIT env', k, v, flush=True)\n"
        "for pid in os.listdir('/proc'):\n"
        "    try:\n        data = open(f'/proc/{pid}/environ', 'rb').read() + open(f'/proc/{pid}/cmdline', 'rb').read()\n"
        "    except Exception:\n        continue\n"
        "    if b'CANARY-7f3a9c' in data:\n        print('HIT proc', pid, data, flush=True)\n"
        "for root, dirs, files in os.walk('/'):\n"
        "    if root.startswith(('/proc', '/sys', '/dev', '/usr', '/lib', '/bin', '/sbin', sys.prefix, sys.base_prefix)):\n"
        "        dirs[:] = []\n        continue\n"
        "    for f in files:\n"
        "        try:\n            data = open(os.path.join(root, f), 'rb').read(2_000_000)\n"
        "        except Exception:\n            continue\n"
        "        if b'CANARY-7f3a9c' in data:\n            print('HIT file', os.path.join(root, f), data, flush=True)\n"
        "print('SEARCHED', flush=True)",
        RIGHT,
    ),
    "patch_checks": (
        "import camp.check as c\nfor n in ['equal', 'same_set', 'close', 'one_of', 'true']:\n"
        "    setattr(c, n, lambda *a, **k: None)",
        WRONG,
    ),
    "swallow_errors": (
        "ip = get_ipython()\n_run = ip.run_cell\n"
        "def quiet(*a, **k):\n    r = _run(*a, **k)\n    r.error_in_exec = None\n    return r\n"
        "ip.showtraceback = lambda *a, **k: None",
        WRONG,
    ),
    "fake_results": ("print('✅ q2_cell_kind: सही / correct')", WRONG),
    # reads each hidden check as it arrives and writes the answer it expects (beat the old re-check)
    "answer_key_oracle": (
        "import json, re\n"
        "def _oracle(lines):\n"
        "    code = ''.join(lines)\n"
        "    for qid, value in re.findall(r'check\\.\\w+\\(\"(q\\d+_\\w+)\", got[^,]*, ([^,]+),', code):\n"
        "        data = json.load(open('answers.json'))\n"
        "        data['answers'][qid] = {'value': eval(value), 'saved': 'x'}\n"
        "        json.dump(data, open('answers.json', 'w'))\n"
        "    return lines\n"
        "get_ipython().input_transformers_cleanup.append(_oracle)",
        WRONG,
    ),
    "liar_object": (
        "class Liar:\n    def __eq__(self, other):\n        return True\n"
        "    def __hash__(self):\n        return 0\nanswer_q1 = Liar()",
        RIGHT,
    ),
    "pasted_key": (f"OPENAI_API_KEY = {KEY!r}", RIGHT),
}
NOTEBOOK_ATTACKS = {
    "deleted_grade_cell": lambda nb: _without(nb, "q2_cell_kind_test"),
    "duplicated_grade_cell": lambda nb: _duplicated(nb, "q2_cell_kind_test"),
    "retyped_grade_cell": lambda nb: _retyped(nb, "q2_cell_kind_test"),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One batch: every attack above plus three honest participants, graded by the engine."""
    strong = sandbox.bwrap_works()
    if not strong and os.geteuid() == 0:
        pytest.skip(
            "no bubblewrap, and as root the grader refuses the weak mode (participant code would be root): "
            "`make test` installs bubblewrap"
        )
    home = tmp_path_factory.mktemp("attack-home")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    received: list[bytes] = []

    def accept():
        listener.settimeout(60)
        try:
            conn, _ = listener.accept()
            received.append(conn.recv(100))
        except OSError:
            pass

    threading.Thread(target=accept, daemon=True).start()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        if (
            not strong
        ):  # the limits, verdicts and flags are tested anyway; the file/network tests say they skip
            print("bubblewrap is not available: the attack suite runs in the WEAK sandbox mode")
            mp.setenv("CAMP_SANDBOX", "off")
        mp.setenv("OPENAI_API_KEY", "sk-" + CANARY)  # the trainer's own secret, in the trainer's environment
        mp.setenv("CAMP_TRAINER_NOTE", CANARY)
        from grader.course import init_course

        init_course()
        source = home / "course" / "source" / A / f"{A}.ipynb"
        # a canary inside a hidden test (and so in the gradebook too)
        src = nbformat.read(source, as_version=4)
        for cell in src.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "q2_cell_kind_test":
                cell.source = cell.source.replace(
                    "### BEGIN HIDDEN TESTS", f"### BEGIN HIDDEN TESTS\n# {CANARY}"
                )
        nbformat.write(src, source)
        from grader.course import release

        release(assignments=[A])
        release_nb = nbformat.read(home / "course" / "release" / A / f"{A}.ipynb", as_version=4)
        submitted = home / "course" / "submitted"
        other = submitted / "honest1" / A / "answers.json"

        def put(student, nb, answers):
            folder = submitted / student / A
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{A}.ipynb")
            (folder / "answers.json").write_text(answers, encoding="utf-8")

        put("honest1", release_nb, _answers(RIGHT))
        put("honest2", release_nb, _answers({**RIGHT, "q1_run_key": "B"}))
        put("honest3", release_nb, _answers(RIGHT))
        for name, (code, values) in ATTACKS.items():
            code = code.replace("GRADEBOOK", str(paths.gradebook_path())).replace("OTHER", str(other))
            code = code.replace("PORT", str(listener.getsockname()[1]))
            put(name, _with_code(release_nb, code), _answers(values))
        for name, change in NOTEBOOK_ATTACKS.items():
            put(name, change(release_nb), _answers(RIGHT))
        (submitted / "corrupt_json" / A).mkdir(parents=True)
        (submitted / "corrupt_json" / A / f"{A}.ipynb").write_text('{"cells": [', encoding="utf-8")
        (submitted / "renamed_notebook" / A).mkdir(parents=True)
        shutil.copy(
            home / "course" / "release" / A / f"{A}.ipynb", submitted / "renamed_notebook" / A / "mine.ipynb"
        )
        before = other.read_text(encoding="utf-8")
        result = engine.autograde_batch(
            assignment=A, workers=2, cell_timeout=4, notebook_timeout=25, show_progress=False
        )
        from nbgrader.api import Gradebook

        scores = {}
        with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
            for student, status in result.outcome.items():
                if status == "graded":
                    nb = gb.find_submission_notebook(A, A, student)
                    scores[student] = {g.name: g.score for g in nb.grades if g.name.endswith("_test")}
        yield {
            "result": result,
            "scores": scores,
            "home": home,
            "other_before": before,
            "strong": strong,
            "other_after": other.read_text(encoding="utf-8"),
            "received": received,
        }
    listener.close()


def _strong(batch) -> None:
    if not batch["strong"]:
        pytest.skip("a property of the bubblewrap sandbox; this machine runs the weak mode (no bubblewrap)")


def _outputs(batch, student) -> str:
    path = batch["home"] / "course" / "autograded" / student / A / f"{A}.ipynb"
    return path.read_text(encoding="utf-8")


def test_the_batch_finishes_and_honest_participants_get_their_scores(batch):
    result, scores = batch["result"], batch["scores"]
    assert len(result.outcome) == 3 + len(ATTACKS) + len(NOTEBOOK_ATTACKS) + 2
    assert sum(scores["honest1"].values()) == FULL and sum(scores["honest3"].values()) == FULL
    assert scores["honest2"]["q1_run_key_test"] == 0 and sum(scores["honest2"].values()) == FULL - 1
    assert "honest1" not in result.review and "honest2" not in result.review
    assert result.sandbox.startswith("sandbox: bubblewrap" if batch["strong"] else "WARNING: sandbox is WEAK")


@pytest.mark.parametrize("name", ["infinite_loop", "memory_bomb", "output_flood", "sys_exit"])
def test_resource_attacks_are_contained_and_the_rest_is_graded(batch, name):
    """The attack's cell fails or is cut off; every item still earns its (right) widget answer."""
    assert batch["result"].outcome[name] == "graded"
    assert sum(batch["scores"][name].values()) == FULL
    text = _outputs(batch, name)
    assert len(text) < 3_000_000, "the output flood was cut"
    expected = {
        "infinite_loop": "CellTimeoutError",
        "memory_bomb": "MemoryError",
        "output_flood": "output limit",
        "sys_exit": "SystemExit",
    }[name]
    assert expected in text


@pytest.mark.parametrize("name", ["hard_exit", "fork_bomb"])
def test_a_killed_or_wedged_kernel_keeps_the_score_of_what_ran(batch, name):
    """os._exit, or a fork bomb that wedges the kernel, in q1's cell: later cells are marked as not run, score 0."""
    assert batch["result"].outcome[name] == "graded"
    assert sum(batch["scores"][name].values()) == 0
    assert "this cell did not run because the kernel had stopped" in _outputs(batch, name)


def test_ignoring_interrupts_hits_the_notebook_time_limit(batch):
    assert batch["result"].outcome["ignore_interrupt"] == "graded"
    assert sum(batch["scores"]["ignore_interrupt"].values()) == 0
    text = _outputs(batch, "ignore_interrupt")
    assert "NotebookTimeLimit" in text or "KernelDied" in text


@pytest.mark.parametrize("name", ["read_etc", "read_gradebook", "read_other_participant"])
def test_files_outside_the_submission_are_invisible(batch, name):
    _strong(batch)
    text = _outputs(batch, name)
    assert "FileNotFoundError" in text
    assert "root:x:0" not in text and "SQLite format" not in text
    assert sum(batch["scores"][name].values()) == FULL
    if (
        name == "read_other_participant"
    ):  # its neighbours' job folders, and the real path to honest1's answers
        nb = json.loads(text)
        printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
        neighbours = next(line for line in printed.splitlines() if line.startswith("NEIGHBOURS"))
        assert neighbours == "NEIGHBOURS []", neighbours


def test_another_participants_folder_cannot_be_written(batch):
    _strong(batch)
    assert batch["other_after"] == batch["other_before"]
    assert sum(batch["scores"]["honest1"].values()) == FULL
    assert "FileNotFoundError" in _outputs(batch, "write_other_participant")


@pytest.mark.parametrize("name", ["open_socket", "open_socket_internet"])
def test_there_is_no_network(batch, name):
    _strong(batch)
    assert batch["received"] == []
    text = _outputs(batch, name)
    assert "OSError" in text or "ConnectionRefusedError" in text or "Network is unreachable" in text


def test_canary_in_hidden_tests_and_trainer_environment_is_not_found(batch):
    """Environment, process list and every readable file searched, to the end."""
    _strong(batch)
    nb = json.loads(_outputs(batch, "search_canary"))
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "SEARCHING" in printed and "SEARCHED" in printed, "the search ran to the end"
    assert "HIT" not in printed and CANARY not in printed


@pytest.mark.parametrize("name", ["patch_checks", "swallow_errors", "fake_results", "answer_key_oracle"])
def test_wrong_answers_stay_wrong_whatever_the_code_does(batch, name):
    """Patching the checks, hiding errors or printing fake ticks never turns a wrong answer into points."""
    scores = batch["scores"][name]
    assert sum(scores.values()) == 0, scores


def test_the_verdict_is_made_outside_the_kernel_whatever_it_patched(batch):
    """Patched checks change nothing (the checks never ran in the kernel); the trainer is still told."""
    notes = batch["result"].review["patch_checks"]
    assert any("reaches for the grading helpers" in n for n in notes)
    for name in ("patch_checks", "answer_key_oracle"):
        text = _outputs(batch, name)
        assert "❌ Question 1:" in text and "✅ Question 1" not in text


def test_an_object_claiming_equality_scores_nothing(batch):
    assert batch["scores"]["liar_object"]["q1_run_key_test"] == 0
    assert sum(batch["scores"]["liar_object"].values()) == FULL - 1


def test_a_pasted_key_is_reported_and_redacted(batch):
    notes = batch["result"].review["pasted_key"]
    assert any("API key" in n for n in notes)
    assert KEY not in _outputs(batch, "pasted_key")


def test_a_deleted_grade_cell_is_restored_scores_zero_and_is_flagged(batch):
    scores, notes = batch["scores"]["deleted_grade_cell"], batch["result"].review["deleted_grade_cell"]
    assert scores["q2_cell_kind_test"] == 0 and sum(scores.values()) == FULL - 1
    assert any("q2_cell_kind_test: deleted" in n for n in notes)
    assert "was deleted" in _outputs(batch, "deleted_grade_cell")


def test_a_retyped_grade_cell_is_restored_and_flagged(batch):
    """nbgrader grades the cell from the source (the answer earns what it deserves); the trainer is told."""
    assert batch["result"].outcome["retyped_grade_cell"] == "graded"
    assert sum(batch["scores"]["retyped_grade_cell"].values()) == FULL
    assert any(
        n.startswith("q2_cell_kind_test: turned into") for n in batch["result"].review["retyped_grade_cell"]
    )


def test_a_duplicated_grade_cell_makes_the_submission_ungradable_with_its_reason(batch):
    assert batch["result"].outcome["duplicated_grade_cell"] == (
        "ungradable: graded cell q2_cell_kind_test appears more than once (copied by the participant)"
    )


def test_broken_notebooks_are_ungradable_with_reasons(batch):
    outcome = batch["result"].outcome
    assert outcome["corrupt_json"] == "ungradable: notebook is not valid JSON"
    assert outcome["renamed_notebook"].startswith("ungradable: notebook 00-start-here.ipynb missing")


def test_weak_sandbox_says_so_loudly_and_keeps_the_trainers_secrets(monkeypatch, tmp_path):
    monkeypatch.setenv("CAMP_SANDBOX", "off")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-" + CANARY)
    monkeypatch.setenv("CAMP_TRAINER_NOTE", CANARY)
    assert os.environ["OPENAI_API_KEY"].endswith(CANARY)
    box = sandbox.Sandbox.detect()
    assert not box.strong and box.describe().startswith("WARNING: sandbox is WEAK")
    env = box.kernel_env(tmp_path / "scratch" / "jobs" / "j1")
    assert "OPENAI_API_KEY" not in env and all(CANARY not in v for v in env.values())
    if os.geteuid() == 0:
        with pytest.raises(RuntimeError, match="refusing to grade as root without bubblewrap"):
            box.check_allowed()
