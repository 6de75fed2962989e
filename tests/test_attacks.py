"""Safe grading: hostile submissions in one batch with honest ones. Each attack fails, the batch finishes,
and the honest participants get their right scores."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import warnings

import nbformat
import psutil
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


# Connects to the test's loopback listener (PORT) and says how it went; run as is, outside the sandbox, it
# reaches the listener (the fixture shows that first).
OPEN_SOCKET = (
    "import socket\nprint('NET-TRY', flush=True)\n"
    "try:\n    socket.create_connection(('127.0.0.1', PORT), timeout=3).sendall(b'leak')\n    print('NET-SENT')\n"
    "except OSError as exc:\n    print('NET-FAILED', type(exc).__name__, exc.errno)"
)
BIG = 30_000_000  # bytes of one hostile message (the grader's limit for one message is 4 MB)
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
    "open_socket": (OPEN_SOCKET, RIGHT),
    # a routable address outside this machine (TEST-NET-2: never answered, so nothing real is contacted)
    "open_socket_outside": (
        "import socket\nprint('NET-IFACES', sorted(n for _, n in socket.if_nameindex()), flush=True)\n"
        "try:\n    socket.create_connection(('198.51.100.7', 80), timeout=3)\n    print('NET-SENT')\n"
        "except OSError as exc:\n    print('NET-FAILED', type(exc).__name__, exc.errno)",
        RIGHT,
    ),
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
    # one huge message each, over the grader's 4 MB for a message: a display, an error (its message and its
    # reply), an answer record
    "display_flood": (
        f"from IPython.display import display\ndisplay({{'text/plain': 'x' * {BIG}}}, raw=True)",
        RIGHT,
    ),
    "error_flood": (
        "class Big(Exception):\n    def _render_traceback_(self):\n"
        f"        return ['x' * {BIG // 2}]\nraise Big('y' * {BIG // 2})",
        RIGHT,
    ),
    "answer_flood": (
        "from IPython.display import display\nfrom camp.check import ANSWER_MIME\n"
        f"display({{ANSWER_MIME: {{'qid': 'q1_run_key', 'value': 'x' * {BIG}}}, 'text/plain': ''}}, raw=True)",
        RIGHT,
    ),
    # one message of a hundred 3 MB parts: each part is under zmq's MAXMSGSIZE, the message is 300 MB
    "multipart_flood": (
        "ip = get_ipython()\nip.display_pub.session.send(ip.display_pub.pub_socket, 'display_data', "
        "{'data': {'text/plain': 'b'}, 'metadata': {}}, parent=ip.display_pub.parent_header, "
        "buffers=[b'y' * 3_000_000] * 100)",
        RIGHT,
    ),
    # many answer records, each under its own cap: outside a test cell they count like any other output
    "answer_spam": (
        "from IPython.display import display\nfrom camp.check import ANSWER_MIME\nfor _ in range(200):\n"
        "    display({ANSWER_MIME: {'qid': 'q1_run_key', 'value': 'x' * 60_000}, 'text/plain': ''}, raw=True)",
        RIGHT,
    ),
}
FLOODS = ["display_flood", "error_flood", "answer_flood", "multipart_flood"]
# Honest: prints 950 000 characters in each of the six optional cells (each under the 1 MB a cell, 5.7 MB in all,
# over the 5 MB a notebook), then answers every item.
PRINTS = [item.removesuffix("_test") + "_code" for item in ITEMS]
NOTEBOOK_ATTACKS = {
    "deleted_grade_cell": lambda nb: _without(nb, "q2_cell_kind_test"),
    "duplicated_grade_cell": lambda nb: _duplicated(nb, "q2_cell_kind_test"),
    "retyped_grade_cell": lambda nb: _retyped(nb, "q2_cell_kind_test"),
}


class WorkerMemory:
    """Samples the resident memory of the grading workers (children of multiprocessing's forkserver) while a
    batch runs; `base` is the forkserver's own (a worker starts as a copy of it)."""

    def __init__(self):
        self.peak: dict[int, int] = {}
        self.base = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            for proc in me.children(recursive=True):
                try:
                    if "multiprocessing.forkserver" not in " ".join(proc.cmdline()):
                        continue
                    rss = proc.memory_info().rss
                    if proc.ppid() == me.pid:
                        self.base = max(self.base, rss)
                    else:
                        self.peak[proc.pid] = max(self.peak.get(proc.pid, 0), rss)
                except psutil.Error:
                    pass
            self._stop.wait(0.005)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


class Listener:
    """A loopback listener that accepts (and records) every connection until it is closed."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            with conn:
                conn.settimeout(5)
                try:
                    self.received.append(conn.recv(100) or b"(connected)")
                except OSError:
                    self.received.append(b"(connected)")

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One batch: every attack above plus four honest participants, graded by the engine."""
    strong = sandbox.bwrap_works()
    if not strong and os.geteuid() == 0:
        pytest.skip(
            "no bubblewrap, and as root the grader refuses the weak mode (participant code would be root): "
            "`make test` installs bubblewrap"
        )
    home = tmp_path_factory.mktemp("attack-home")
    listener = Listener()
    # The same socket code, outside the sandbox, does reach the listener: so the listener works.
    control = subprocess.run(
        [sys.executable, "-c", OPEN_SOCKET.replace("PORT", str(listener.port))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    for _ in range(500):
        if listener.received:
            break
        threading.Event().wait(0.01)
    before_batch = list(listener.received)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        if (
            not strong
        ):  # the limits, verdicts and flags are tested anyway; the file/network tests say they skip
            warnings.warn(
                "bubblewrap is not available: the attack suite runs in the WEAK sandbox mode; the file, network "
                "and canary tests are skipped (install the Debian package bubblewrap to run them)",
                stacklevel=1,
            )
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
        printer = release_nb
        for grade_id in PRINTS:
            printer = _with_code(printer, "print('p' * 950_000)", grade_id)
        put("honest_printer", printer, _answers(RIGHT))
        for name, (code, values) in ATTACKS.items():
            code = code.replace("GRADEBOOK", str(paths.gradebook_path())).replace("OTHER", str(other))
            code = code.replace("PORT", str(listener.port))
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
        result, memory = _grade_sampling_memory(workers=2, cell_timeout=4, notebook_timeout=25)
        listening = listener.thread.is_alive()  # it accepted connections for the whole batch
        listener.close()
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
            "control": control.stdout,
            "received_before_batch": before_batch,
            "received": listener.received,
            "listening_to_the_end": listening,
            "memory": memory,
        }


def _strong(batch) -> None:
    if not batch["strong"]:
        pytest.skip("a property of the bubblewrap sandbox; this machine runs the weak mode (no bubblewrap)")


def _outputs(batch, student) -> str:
    path = batch["home"] / "course" / "autograded" / student / A / f"{A}.ipynb"
    return path.read_text(encoding="utf-8")


def _printed(batch, student) -> str:
    nb = json.loads(_outputs(batch, student))
    return "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))


def test_the_batch_finishes_and_honest_participants_get_their_scores(batch):
    result, scores = batch["result"], batch["scores"]
    assert len(result.outcome) == 4 + len(ATTACKS) + len(NOTEBOOK_ATTACKS) + 2
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


@pytest.mark.parametrize("name", [*FLOODS, "answer_spam"])
def test_a_huge_message_is_dropped_and_the_cell_says_so(batch, name):
    """A display, an error or an answer of 30 MB, 300 MB in one message of many parts, 12 MB of answer records:
    the cell says the output limit was reached, and the autograded notebook stays small."""
    assert batch["result"].outcome[name] == "graded"
    text = _outputs(batch, name)
    assert len(text) < 3_000_000
    assert "output limit reached" in text


WORKER_GROWTH = 150_000_000  # bytes a grading worker may grow by over the forkserver it was forked from


def _grade_sampling_memory(**limits) -> tuple:
    """Grade assignment A's batch while every grading worker's memory is sampled: (result, memory)."""
    memory = WorkerMemory()
    try:
        result = engine.autograde_batch(assignment=A, show_progress=False, **limits)
    finally:
        memory.stop()
    return result, memory


def _growth(memory: WorkerMemory) -> dict[int, int]:
    """Each worker's peak memory above the forkserver's (workers that never got going are left out)."""
    assert memory.base > 0 and memory.peak, (memory.base, memory.peak)
    return {pid: peak - memory.base for pid, peak in memory.peak.items() if peak > memory.base}


def test_no_huge_message_lands_in_a_grading_worker(batch):
    """Sampled every few ms while the batch ran: no worker grew by half of the 300 MB message, or by much more
    than the honest notebook that prints 5.7 MB costs."""
    growth = _growth(batch["memory"])
    print("worker growth with the relay (MB):", sorted(round(g / 1e6) for g in growth.values()))
    assert len(growth) >= 2 and max(growth.values()) < WORKER_GROWTH, growth  # a worker may be replaced


@pytest.fixture(scope="module")
def unrelayed(tmp_path_factory):
    """The relay switched off (zmq's MAXMSGSIZE alone): one honest participant and the many-part flood."""
    if not sandbox.bwrap_works() and os.geteuid() == 0:
        pytest.skip("no bubblewrap, and as root the grader refuses the weak mode")
    home = tmp_path_factory.mktemp("attack-unrelayed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        mp.setenv("CAMP_UNSAFE_TEST_SWITCHES", "no-relay")
        if not sandbox.bwrap_works():
            mp.setenv("CAMP_SANDBOX", "off")
        from grader.course import init_course, release

        init_course()
        release(assignments=[A])
        release_nb = nbformat.read(home / "course" / "release" / A / f"{A}.ipynb", as_version=4)
        for student, code in (("honest1", ""), ("multipart_flood", ATTACKS["multipart_flood"][0])):
            folder = home / "course" / "submitted" / student / A
            folder.mkdir(parents=True)
            nbformat.write(_with_code(release_nb, code), folder / f"{A}.ipynb")
            (folder / "answers.json").write_text(_answers(RIGHT), encoding="utf-8")
        result, memory = _grade_sampling_memory(workers=1, cell_timeout=20, notebook_timeout=60)
    return {"result": result, "memory": memory}


def test_without_the_relay_the_many_part_message_lands_in_the_worker(unrelayed):
    """zmq checks each part against MAXMSGSIZE and keeps all parts until the last: 300 MB reach the worker."""
    assert unrelayed["result"].outcome == {"honest1": "graded", "multipart_flood": "graded"}
    growth = _growth(unrelayed["memory"])
    print("worker growth without the relay (MB):", sorted(round(g / 1e6) for g in growth.values()))
    assert max(growth.values()) > WORKER_GROWTH, growth


def test_an_honest_notebook_that_prints_a_lot_keeps_every_answer(batch):
    """5.7 MB printed (over the 5 MB a notebook): the last print is cut, every answer after it still counts."""
    assert batch["scores"]["honest_printer"] == batch["scores"]["honest1"]
    assert sum(batch["scores"]["honest_printer"].values()) == FULL
    text = _outputs(batch, "honest_printer")
    assert "output limit reached" in text and len(text) < 6_000_000
    assert "honest_printer" not in batch["result"].review


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


def test_there_is_no_network_to_this_machine(batch):
    """The listener accepted for the whole batch, and the same code reached it from outside the sandbox."""
    _strong(batch)
    assert "NET-SENT" in batch["control"] and batch["received_before_batch"] == [b"leak"], batch["control"]
    assert batch["listening_to_the_end"]
    printed = _printed(batch, "open_socket")
    assert "NET-TRY" in printed, "the attack ran"
    assert "NET-FAILED" in printed and "NET-SENT" not in printed, printed[-500:]
    assert batch["received"] == batch["received_before_batch"], (
        "nothing reached the listener during the batch"
    )


def test_there_is_no_network_interface_but_loopback(batch):
    """No route anywhere: the kernel's namespace holds only `lo`, so an address outside is unreachable at once."""
    _strong(batch)
    host = sorted(name for _, name in socket.if_nameindex())
    if host == ["lo"]:
        pytest.skip("this machine itself has no network interface but loopback: nothing to hide")
    printed = _printed(batch, "open_socket_outside")
    assert "NET-IFACES ['lo']" in printed, printed[-500:]
    assert f"NET-FAILED OSError {errno.ENETUNREACH}" in printed, printed[-500:]


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


# -- nbgrader's own road: `nbgrader autograde` and the Formgrader's Autograde button --------------------------------
PROBE = (
    "import os\nprint('PROBE uid', os.getuid(), flush=True)\n"
    "print('PROBE secret', any('CANARY' in v for v in os.environ.values()), flush=True)\n"
    "try:\n    print('PROBE source', 'BEGIN HIDDEN TESTS' in open(SOURCE).read())\n"
    "except OSError as exc:\n    print('PROBE source', type(exc).__name__)"
)


def _nbgrader_api(stock_execute: bool = False):
    """nbgrader's API with the camp's config, as the Formgrader's button and `nbgrader autograde` use it; with
    `stock_execute`, nbgrader's own Execute in its place (the defence off)."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from grader import config as camp_config

    cfg = camp_config.traitlets_config()
    if stock_execute:
        cfg.Autograde.autograde_preprocessors = [
            "nbgrader.preprocessors.Execute" if p == "grader.kernels.SandboxedExecute" else p
            for p in cfg.Autograde.autograde_preprocessors
        ]
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


@pytest.fixture(scope="module")
def nbgrader_road(batch):
    """The same probe graded through nbgrader's API with the camp's Execute and with nbgrader's own; and a
    submission holding a symlink. (In the batch's camp folder and trainer environment: its secrets are set.)"""
    home = batch["home"]
    source = home / "course" / "source" / A / f"{A}.ipynb"
    release_nb = nbformat.read(home / "course" / "release" / A / f"{A}.ipynb", as_version=4)
    probe = _with_code(release_nb, PROBE.replace("SOURCE", repr(str(source))))
    for student, nb in (("probe_camp", probe), ("probe_stock", probe), ("linked", release_nb)):
        folder = home / "course" / "submitted" / student / A
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{A}.ipynb")
        (folder / "answers.json").write_text(_answers(RIGHT), encoding="utf-8")
    os.symlink("/etc/passwd", home / "course" / "submitted" / "linked" / A / "notes.txt")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAMP_HOME", str(home))
        mp.setenv("OPENAI_API_KEY", "sk-" + CANARY)  # the trainer's own secret, in the trainer's environment
        if not batch["strong"]:
            mp.setenv("CAMP_SANDBOX", "off")
        results = {
            "probe_camp": _nbgrader_api().autograde(A, "probe_camp", force=True, create=True),
            "probe_stock": _nbgrader_api(stock_execute=True).autograde(
                A, "probe_stock", force=True, create=True
            ),
            "linked": _nbgrader_api().autograde(A, "linked", force=True, create=True),
        }
    return {"results": results, "home": home}


def _probe(road, student) -> dict[str, str]:
    assert road["results"][student]["success"], road["results"][student]["log"][-2000:]
    printed = _printed({"home": road["home"]}, student)
    return dict(line.split(" ", 2)[1:] for line in printed.splitlines() if line.startswith("PROBE "))


def test_nbgrader_and_the_formgrader_run_participant_code_in_the_sandbox(nbgrader_road, batch):
    """Through nbgrader's API with the camp's config, the probe is not the trainer, sees no secret of the trainer
    and cannot open the course's source; with nbgrader's own Execute (the defence off) it does all three."""
    _strong(batch)
    camp, stock = _probe(nbgrader_road, "probe_camp"), _probe(nbgrader_road, "probe_stock")
    assert stock == {"uid": str(os.getuid()), "secret": "True", "source": "True"}, stock
    assert camp["uid"] != "0" and camp["uid"] != str(os.getuid()), camp
    assert camp["secret"] == "False" and camp["source"] == "FileNotFoundError", camp


def test_nbgrader_refuses_a_submission_holding_a_link(nbgrader_road):
    result = nbgrader_road["results"]["linked"]
    assert not result["success"]
    assert (
        "notes.txt: a link" in result["log"] and "links and special files are never graded" in result["log"]
    )
    assert not (nbgrader_road["home"] / "course" / "autograded" / "linked" / A / f"{A}.ipynb").exists()


def test_as_root_without_bubblewrap_nbgrader_refuses_to_grade(nbgrader_road, monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("a refusal for root only (as a normal user the weak mode grades, and says so)")
    monkeypatch.setenv("CAMP_HOME", str(nbgrader_road["home"]))
    monkeypatch.setenv("CAMP_SANDBOX", "off")
    result = _nbgrader_api().autograde(A, "probe_camp", force=True, create=True)
    assert not result["success"]
    assert "refusing to grade as root without bubblewrap" in result["log"], result["log"][-2000:]


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
