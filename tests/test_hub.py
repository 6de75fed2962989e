"""A whole camp on one server, end to end: a real JupyterHub (pip `jupyterhub` + npm `configurable-http-proxy`)
on loopback, real Unix accounts made by the test (3 participants from a roster, 2 trainers), one single-user
server per person spawned by the hub, nbgrader's exchange shared between them (deploy/, grader/hub.py).

The participants fetch, answer and submit through their own servers (REST calls through the hub, each with
their own token: nbgrader's assignment API and Jupyter's contents API); the trainer releases, collects
(grader/exchange.py, owners checked), autogrades and returns feedback as their own Unix user with `camp`;
each participant fetches only their own feedback. A participant's attempts to read another's submission or
feedback, to submit as another, to back-date a submission or to use the trainer's tools fail. A second
trainer collects, grades and returns feedback in her own Formgrader on the same course, exchange and
gradebook. Everything the test starts it stops; the accounts, groups and ACL entries it made are removed.

Needs root (accounts, PAM, setuid spawns), npm and setfacl; skipped with the reason otherwise. CI runs as root.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from camp import paths

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]
ASSIGNMENT = "00-start-here"
FIXTURE = json.loads(
    (Path(__file__).resolve().parent.parent / "grader" / "data" / "answers" / f"{ASSIGNMENT}.json").read_text(
        "utf-8"
    )
)


from conftest import hub_missing  # noqa: E402

MISSING = hub_missing(tools=("chpasswd",))
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

import requests  # noqa: E402
from conftest import free_port  # noqa: E402

from grader import hub  # noqa: E402


class Camp:
    """The running hub and the people in it."""

    def __init__(self, root: Path, tag: str):
        self.root = root
        self.settings = hub.Settings(
            root=root, trainers_group=f"{tag}-trainers", participants_group=f"{tag}-parts"
        )
        self.trainer = f"{tag}t"
        self.trainer2 = f"{tag}u"  # a second trainer (not the lead)
        self.participants = [f"{tag}a", f"{tag}b", f"{tag}c"]
        self.codes: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.service_token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    # -- as a Unix user ------------------------------------------------------------------------------------
    def run_as(
        self, user: str, *args: str, home: Path | None = None, check: bool = True
    ) -> subprocess.CompletedProcess:
        env = hub.user_env(user, {**self.settings.env(), "CAMP_HOME": str(home or self.settings.course_home)})
        # a trainer's commands run as in their Lab terminal, whose umask (007, grader.hub.singleuser) keeps the
        # course the trainers' group's
        umask = 0o007 if user in (self.trainer, self.trainer2) else 0o022
        done = subprocess.run(
            list(args),
            env=env,
            cwd="/",
            capture_output=True,
            text=True,
            timeout=600,
            umask=umask,
            **hub.as_user(user),
        )
        if check and done.returncode:
            raise AssertionError(
                f"{args} as {user} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return done

    def camp(self, user: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run_as(user, sys.executable, "-m", "grader.cli", *args, check=check)

    def python_as(self, user: str, code: str) -> str:
        return self.run_as(user, sys.executable, "-c", code, check=True).stdout.strip()

    # -- through the hub -------------------------------------------------------------------------------------
    def api(self, method: str, path: str, **kw) -> requests.Response:
        headers = {"Authorization": f"token {self.service_token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kw)

    def as_user(self, user: str, method: str, path: str, **kw) -> requests.Response:
        headers = {"Authorization": f"token {self.tokens[user]}"}
        return requests.request(method, f"{self.url}/user/{user}{path}", headers=headers, timeout=300, **kw)

    def login(self, user: str, password: str) -> int:
        """Log in on the hub's page as a person would; returns the status (302: in, 403: refused)."""
        with requests.Session() as browser:
            browser.get(f"{self.url}/hub/login", timeout=30)
            reply = browser.post(
                f"{self.url}/hub/login",
                allow_redirects=False,
                timeout=60,
                data={"username": user, "password": password, "_xsrf": browser.cookies.get("_xsrf")},
            )
            return reply.status_code

    def spawn(self, user: str) -> None:
        if (
            self.api("GET", f"/users/{user}").status_code == 404
        ):  # first login, with the code printed for them
            assert self.login(user, self.codes[user]) == 302
        made = self.api("POST", f"/users/{user}/tokens", json={"note": "camp test", "expires_in": 3600})
        assert made.status_code == 201, made.text
        self.tokens[user] = made.json()["token"]
        started = self.api("POST", f"/users/{user}/server")
        assert started.status_code in (201, 202), started.text
        for _ in range(300):  # bounded: a spawn takes 3-30 s on a busy 2-core machine
            server = self.api("GET", f"/users/{user}").json()["servers"].get("", {})
            if server.get("ready"):
                return
            time.sleep(1)
        raise AssertionError(f"{user}'s server did not start; hub log:\n{self.log_tail()}")

    def log_tail(self) -> str:
        log = self.settings.state / "test-hub.log"
        return log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.exists() else ""

    def formgrader(self, user: str, action: str) -> requests.Response:
        """nbgrader's Formgrader API in the user's own server (what its buttons call)."""
        return self.as_user(user, "POST", f"/formgrader/api/{action}")

    def nbgrader(self, user: str, action: str) -> dict:
        """nbgrader's assignment API in the user's own server (what its Assignments panel calls)."""
        data = {"course_id": paths.COURSE_ID, "assignment_id": ASSIGNMENT}
        reply = self.as_user(user, "POST", f"/assignments/{action}", data=data)
        assert reply.status_code == 200, reply.text
        return reply.json()


@pytest.fixture(scope="module")
def camp():
    hub.ensure_proxy()  # the npm package into a local node_modules beside the venv (test set-up step)
    tag = "c" + secrets.token_hex(3)
    root = Path(tempfile.mkdtemp(prefix="camp-hub-", dir="/tmp"))
    os.chmod(root, 0o755)
    c = Camp(root, tag)
    grants: list = []
    created: list[str] = []
    log = None
    try:
        code = hub.create_account(c.trainer, group=c.settings.trainers_group, comment="Trainer")
        created.append(c.trainer)
        assert code and re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", code)
        assert hub.add_trainer(c.trainer2, settings=c.settings)
        created.append(c.trainer2)
        # The participants come from the roster, through the real command (as root, as on the server).
        csv = root / "roster.csv"
        csv.write_text(
            "id,name,district,role,phone\n"
            + "".join(
                f"{p},प्रतिभागी {i} (Participant {i}),सीहोर,worker,\n" for i, p in enumerate(c.participants, 1)
            )
            + "Not A Unix Name,x,y,worker,\n",
            encoding="utf-8",
        )
        # A venv whose Python lives under /root (0700) is reachable by the test's users only: ACL "x" entries.
        for target in (Path(sys.executable), paths.SOURCE_ROOT / "pyproject.toml"):
            grants += hub.grant_traverse([c.trainer, c.trainer2], target)
        hub.setup(lead_trainer=c.trainer, settings=c.settings, release_all=False)
        env = {**os.environ, **c.settings.env(), "CAMP_HOME": str(c.settings.course_home)}
        done = subprocess.run(
            [sys.executable, "-m", "grader.cli", "roster", "import", str(csv), "--create-accounts"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        created += [p for p in c.participants if hub.user_exists(p)]
        assert done.returncode == 1, done.stderr  # the bad row is named; the others are imported
        assert (
            "line 5" in done.stderr
            and "roster: 3 added" in done.stdout
            and "accounts: 3 created" in done.stdout
        )
        c.codes = dict(re.findall(r"^(\S+)\t([a-z2-9]{4}-[a-z2-9]{4})\t", done.stdout, re.M))
        assert sorted(c.codes) == sorted(c.participants)
        for target in (Path(sys.executable), paths.SOURCE_ROOT / "pyproject.toml"):
            grants += hub.grant_traverse(c.participants, target)

        cmd, env = hub.hub_command(c.settings)
        env.update(
            {
                "CAMP_HUB_PORT": str(c.port),
                "CAMP_HUB_API_PORT": str(free_port()),
                "CAMP_HUB_PROXY_API_PORT": str(free_port()),
                "CAMP_HUB_SERVICE_TOKEN": c.service_token,
            }
        )
        log = open(c.settings.state / "test-hub.log", "w", encoding="utf-8")  # root-only folder (0700)
        c.proc = subprocess.Popen(
            cmd, env=env, cwd=c.settings.state, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        for _ in range(120):
            try:
                if c.api("GET", "/").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert c.proc.poll() is None, f"JupyterHub stopped:\n{c.log_tail()}"
            time.sleep(0.5)
        else:
            raise AssertionError(f"JupyterHub did not answer:\n{c.log_tail()}")
        yield c
    finally:
        if c.proc is not None:
            c.proc.send_signal(signal.SIGTERM)  # the hub stops every single-user server, then the proxy
            try:
                c.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(c.proc.pid, signal.SIGKILL)
                c.proc.wait()
        if log:
            log.close()
        hub.revoke_traverse(grants)
        for user in created:
            hub.remove_account(user)  # kills what is left of theirs, removes the home
        for group in (c.settings.trainers_group, c.settings.participants_group):
            subprocess.run(["groupdel", group], check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def _answers(values: dict) -> str:
    return json.dumps(
        {
            "format": 1,
            "answers": {
                k: {"value": v, "saved": "2026-12-02T10:00:00+00:00"} for k, v in sorted(values.items())
            },
        }
    )


def test_first_login_codes_and_roles(camp):
    """The printed code logs its participant in (PAM); a wrong code does not; only trainers get the Formgrader."""
    alice = camp.participants[0]
    assert camp.login(alice, "wrong-code") == 403
    assert camp.login(alice, camp.codes[camp.participants[1]]) == 403  # another's code
    assert camp.login(alice, camp.codes[alice]) == 302
    assert sorted(camp.api("GET", f"/groups/{camp.settings.trainers_group}").json()["users"]) == sorted(
        [camp.trainer, camp.trainer2]
    )

    for user in (alice, camp.trainer):
        camp.spawn(user)
    assert camp.as_user(alice, "GET", "/formgrader", allow_redirects=False).status_code == 404
    assert camp.as_user(camp.trainer, "GET", "/formgrader", allow_redirects=False).status_code == 302
    _her_lab_is_hindi_with_no_english_assignment_list(camp, alice)
    # The lessons were placed in her own camp folder on first login, in her 0700 home; Lab opens the Hindi lesson.
    listing = camp.as_user(alice, "GET", "/api/contents/lessons/00-start-here").json()
    assert "00-start-here.hi.ipynb" in [item["name"] for item in listing["content"]]
    assert camp.api("GET", f"/users/{alice}").json()["servers"][""]["url"] == f"/user/{alice}/"
    home = Path(hub.pwd.getpwnam(alice).pw_dir)
    assert (
        home / "camp" / "lessons" / "00-start-here" / "00-start-here.hi.ipynb"
    ).stat().st_uid == hub.pwd.getpwnam(alice).pw_uid
    assert os.stat(home).st_mode & 0o777 == 0o700
    # A participant cannot run the trainer's commands on the course: Unix permissions say no.
    denied = camp.camp(alice, "collect", ASSIGNMENT, check=False)
    assert denied.returncode == 1 and "Permission denied" in denied.stderr + denied.stdout


def _lab_page_config(camp, user: str) -> dict:
    """The page config JupyterLab serves the user's browser (what decides which Lab plugins start)."""
    page = camp.as_user(user, "GET", "/lab")
    assert page.status_code == 200, page.text[:500]
    return json.loads(
        page.text.split('id="jupyter-config-data" type="application/json">')[1].split("</script>")[0]
    )


def _her_lab_is_hindi_with_no_english_assignment_list(camp, participant: str) -> None:
    """A participant's Lab starts in Hindi (the language pack, chosen at first login) and has no nbgrader
    Assignment List or Nbgrader menu (she uses the Hindi "My assignments" panel); the trainer keeps both."""
    english_panel = ("@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu")
    hers, trainers = _lab_page_config(camp, participant), _lab_page_config(camp, camp.trainer)
    for plugin in english_panel:
        assert plugin in hers["disabledExtensions"], hers["disabledExtensions"]
        assert plugin not in trainers["disabledExtensions"], trainers["disabledExtensions"]
    assert "@jupyter/nbgrader:formgrader" in hers["disabledExtensions"]
    assert "@jupyter/nbgrader:validate-assignment" in hers["disabledExtensions"]  # the Hindi panel validates

    setting = "/lab/api/settings/@jupyterlab/translation-extension:plugin"
    assert camp.as_user(participant, "GET", setting).json()["settings"]["locale"] == "hi_IN"
    packs = camp.as_user(participant, "GET", "/lab/api/translations").json()["data"]
    assert packs["hi_IN"]["nativeName"].startswith("हिन्दी") and "en" in packs  # English one click away
    menus = camp.as_user(participant, "GET", "/lab/api/translations/hi_IN").json()["data"]["jupyterlab"]
    assert menus["menu\x04File"] == ["फ़ाइल"]
    # She picks English (Settings → Language); her next login (the hub prepares her folder again) keeps it.
    chose = camp.as_user(participant, "PUT", setting, json={"raw": json.dumps({"locale": "en"})})
    assert chose.status_code == 204, chose.text
    home = Path(hub.pwd.getpwnam(participant).pw_dir) / "camp"
    camp.run_as(
        participant,
        sys.executable,
        "-c",
        "from pathlib import Path; from grader import hub; "
        f"hub.prepare_participant(Path({str(home)!r}), hub.Settings.from_env())",
        home=home,
    )
    assert camp.as_user(participant, "GET", setting).json()["settings"]["locale"] == "en"
    camp.as_user(participant, "PUT", setting, json={"raw": json.dumps({"locale": "hi_IN"})})


def _release_submit_collect_grade_feedback_through_the_hub(camp):
    """The whole loop through real single-user servers; each participant sees only their own feedback."""
    alice, bob, carol = camp.participants
    trainer = camp.trainer
    released = camp.camp(trainer, "release", ASSIGNMENT)
    assert "released 00-start-here" in released.stdout
    for user in camp.participants:
        if user not in camp.tokens:
            camp.spawn(user)

    right = FIXTURE["widget_answers"]
    wrong = {**right, **FIXTURE["wrong"][1]["answers"]}  # loses q3 and q4
    answers = {alice: right, bob: wrong, carol: {}}
    for user in camp.participants:
        listed = camp.as_user(user, "GET", f"/assignments?course_id={paths.COURSE_ID}").json()
        assert ASSIGNMENT in [a["assignment_id"] for a in listed["value"]]
        assert camp.nbgrader(user, "fetch")["success"]
        put = camp.as_user(
            user,
            "PUT",
            f"/api/contents/my-work/{ASSIGNMENT}/answers.json",
            json={"type": "file", "format": "text", "content": _answers(answers[user])},
        )
        assert put.status_code in (200, 201), put.text
        assert camp.nbgrader(user, "submit")["success"]

    # Bob tries, as his own Unix user (what his kernel or terminal can do):
    inbound = camp.settings.exchange / paths.COURSE_ID / "inbound"
    probe = camp.python_as(
        bob,
        f"""
import os, shutil, time
results = {{}}
for name, path in [("inbound", {str(inbound)!r}), ("alice_home", {str(Path(hub.pwd.getpwnam(alice).pw_dir))!r}),
                   ("course", {str(camp.settings.course_home / "course")!r})]:
    try:
        os.listdir(path); results[name] = "read"
    except PermissionError:
        results[name] = "denied"
# submit as Alice: a folder named as hers, with his own work in it
stamp = time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime())
forged = os.path.join({str(inbound)!r}, "{alice}+{ASSIGNMENT}+" + stamp + "+forged")
shutil.copytree(os.path.expanduser("~/camp/my-work/{ASSIGNMENT}"), forged)
# his own submission, dated a year ahead (a forged time)
ahead = os.path.join({str(inbound)!r}, "{bob}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+ahead")
shutil.copytree(os.path.expanduser("~/camp/my-work/{ASSIGNMENT}"), ahead)
print(results)
""",
    )
    assert probe == "{'inbound': 'denied', 'alice_home': 'denied', 'course': 'denied'}"
    via_server = camp.as_user(bob, "GET", f"/api/contents/exchange/{paths.COURSE_ID}/inbound")
    assert via_server.status_code in (403, 404, 500) and alice not in via_server.text

    collected = camp.camp(trainer, "collect", ASSIGNMENT).stdout
    assert "ownership checked" in collected
    assert re.search(
        rf"rejected: {alice}\+{ASSIGNMENT}\+.*\+forged: claims to be {alice}'s but is owned by {bob}",
        collected,
    ), collected
    assert re.search(
        rf"rejected: {bob}\+{ASSIGNMENT}\+2099-01-01 .*\+ahead: the timestamp .* is in the future", collected
    )
    assert "collected 3 submissions" in collected
    submitted = camp.settings.course_home / "course" / "submitted"
    assert (
        json.loads((submitted / alice / ASSIGNMENT / "answers.json").read_text("utf-8"))["answers"].keys()
        == right.keys()
    ), "Alice's collected submission is her own, not Bob's forgery"

    graded = camp.camp(trainer, "autograde", ASSIGNMENT).stdout
    assert re.search(r"graded 3 · .*ungradable 0", graded), graded
    camp.camp(trainer, "feedback", ASSIGNMENT)

    scores = {}
    for user in camp.participants:
        assert camp.nbgrader(user, "fetch_feedback")["success"]
        folder = camp.as_user(user, "GET", f"/api/contents/my-work/{ASSIGNMENT}/feedback").json()["content"]
        pages = []
        for stamp in folder:
            for item in camp.as_user(user, "GET", f"/api/contents/{stamp['path']}").json()["content"]:
                if item["name"].endswith(".html"):
                    pages.append(camp.as_user(user, "GET", f"/api/contents/{item['path']}").json()["content"])
        assert len(pages) == 1, f"{user} fetched {len(pages)} feedback pages"
        scores[user] = re.search(r"Score: ([\d.]+) / ([\d.]+)", pages[0]).group(1)
        for other in camp.participants:
            assert other == user or other not in pages[0]
    assert {k: float(v) for k, v in scores.items()} == {alice: 6.0, bob: 4.0, carol: 0.0}, scores

    # Feedback travels by names only their authors can compute: nobody may list the folder.
    peek = camp.python_as(
        carol,
        f"""
import os
try:
    os.listdir({str(camp.settings.exchange / paths.COURSE_ID / "feedback")!r}); print("read")
except PermissionError:
    print("denied")
""",
    )
    assert peek == "denied"


def _page_score(camp, user: str) -> float:
    """The score on the newest feedback page the participant fetched through her own server."""
    folder = camp.as_user(user, "GET", f"/api/contents/my-work/{ASSIGNMENT}/feedback").json()["content"]
    newest = max(folder, key=lambda item: item["name"])  # one folder per submission time
    pages = [
        item
        for item in camp.as_user(user, "GET", f"/api/contents/{newest['path']}").json()["content"]
        if item["name"].endswith(".html")
    ]
    assert len(pages) == 1, pages
    page = camp.as_user(user, "GET", f"/api/contents/{pages[0]['path']}").json()["content"]
    return float(re.search(r"Score: ([\d.]+) / ([\d.]+)", page).group(1))


STAMP = "%Y-%m-%d %H:%M:%S.%f UTC"  # nbgrader's timestamps


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _gradebook(camp, user: str, code: str) -> dict:
    """Run `code` (which fills `out`) with the course's gradebook open, as `user`; returns `out`."""
    return json.loads(
        camp.python_as(
            user,
            f"""
import datetime
import json
from nbgrader.api import Gradebook
from camp import paths
out = {{}}
with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
{textwrap.indent(textwrap.dedent(code), "    ")}
print(json.dumps(out, default=str))
""",
        )
    )


def _a_back_dated_submission_is_collected_with_its_true_time(camp):
    """After the due date, Carol submits again, claiming (folder name, timestamp.txt, file times) a moment just
    before it: collect names it back-dated and keeps the time it was really written, so it is late."""
    carol, trainer = camp.participants[2], camp.trainer
    submitted = camp.settings.course_home / "course" / "submitted" / carol / ASSIGNMENT
    first = datetime.strptime((submitted / "timestamp.txt").read_text(), STAMP)  # her honest submission
    claimed, due_utc = first + timedelta(seconds=1), first + timedelta(seconds=2)
    _gradebook(
        camp,
        trainer,
        f"gb.update_or_create_assignment({ASSIGNMENT!r}, "
        f"duedate=datetime.datetime.fromisoformat({due_utc.isoformat()!r}))",
    )
    # a minute past the due date (her claim must be older than the folder by more than collect's tolerance)
    time.sleep(max(0.0, (due_utc + timedelta(seconds=65) - _utcnow()).total_seconds()))

    inbound = camp.settings.exchange / paths.COURSE_ID / "inbound"
    name = camp.python_as(
        carol,
        f"""
import base64, os, secrets, shutil
stamp = {claimed.strftime(STAMP)!r}  # just before the due date, just after her first submission
past = {claimed.replace(tzinfo=timezone.utc).timestamp()!r}
name = "{carol}+{ASSIGNMENT}+" + stamp + "+" + base64.urlsafe_b64encode(os.urandom(9)).decode()
folder = os.path.join({str(inbound)!r}, name)
shutil.copytree(os.path.expanduser("~/camp/my-work/{ASSIGNMENT}"), folder)
with open(os.path.join(folder, "answers.json"), "w", encoding="utf-8") as out:
    out.write({_answers(FIXTURE["widget_answers"])!r})  # her answers, now right
with open(os.path.join(folder, "timestamp.txt"), "w") as out:
    out.write(stamp)
with open(os.path.join(folder, "submission_secret.txt"), "w") as out:
    out.write(secrets.token_hex(64))  # as nbgrader's submit writes it (her feedback's name)
for root, dirs, files in os.walk(folder):  # modes as nbgrader's submit leaves them
    for entry in files:
        os.chmod(os.path.join(root, entry), 0o644)
    for entry in dirs:
        os.chmod(os.path.join(root, entry), 0o755)
os.chmod(folder, 0o777)
for root, dirs, files in os.walk(folder):
    for entry in dirs + files:
        os.utime(os.path.join(root, entry), (past, past))
os.utime(folder, (past, past))  # every modification time says so too
print(name)
""",
    )
    out = camp.camp(trainer, "collect", ASSIGNMENT).stdout
    assert "new or updated: " + carol + ")" in out, out  # Alice's and Bob's honest folders: unchanged
    stamp = (
        camp.settings.course_home / "course" / "submitted" / carol / ASSIGNMENT / "timestamp.txt"
    ).read_text()
    written = datetime.strptime(stamp, STAMP)
    assert written > due_utc, f"collected as of {stamp}, the due date was {due_utc} UTC:\n{out}"
    assert written <= _utcnow() + timedelta(seconds=5)
    backdated = [line for line in out.splitlines() if line.startswith("back-dated: ")]
    assert len(backdated) == 1 and backdated[0].startswith(f"back-dated: {name}: claims "), out  # only hers

    graded = camp.camp(trainer, "autograde", ASSIGNMENT).stdout
    assert re.search(r"graded 1 · .*ungradable 0", graded), graded  # hers; the others' are unchanged
    late = _gradebook(
        camp,
        trainer,
        f"""
for student in {camp.participants!r}:
    sub = gb.find_submission({ASSIGNMENT!r}, student)
    out[student] = [sub.total_seconds_late, sub.score]
""",
    )
    assert late[carol][0] > 0 and late[carol][1] == 6.0, late  # her work counts, and counts as late
    # Honest submissions keep the time nbgrader's submit wrote (the one in their folder's name).
    names = os.listdir(inbound)  # root may list it; participants may not
    for honest in camp.participants[:2]:
        kept = (
            camp.settings.course_home / "course" / "submitted" / honest / ASSIGNMENT / "timestamp.txt"
        ).read_text()
        assert any(n.startswith(f"{honest}+{ASSIGNMENT}+{kept}+") for n in names), (honest, kept)


def _a_second_trainer_grades_the_same_course_and_a_participant_cannot(camp):
    """The second trainer collects, grades and returns feedback in her own Formgrader; the lead grades after her
    on the same files and gradebook; a participant reaches neither Formgrader nor the course."""
    alice, bob, _ = camp.participants
    second = camp.trainer2
    camp.spawn(second)
    put = camp.as_user(
        bob,
        "PUT",
        f"/api/contents/my-work/{ASSIGNMENT}/answers.json",
        json={"type": "file", "format": "text", "content": _answers(FIXTURE["widget_answers"])},
    )
    assert put.status_code in (200, 201), put.text
    assert camp.nbgrader(bob, "submit")["success"]  # Bob tries again, now right

    collected = camp.formgrader(second, f"assignment/{ASSIGNMENT}/collect")
    assert collected.status_code == 200 and collected.json()["success"], collected.text
    answers = camp.settings.course_home / "course" / "submitted" / bob / ASSIGNMENT / "answers.json"
    assert {k: v["value"] for k, v in json.loads(answers.read_text("utf-8"))["answers"].items()} == FIXTURE[
        "widget_answers"
    ], "her Collect took Bob's new submission"
    for action in (
        f"submission/{ASSIGNMENT}/{bob}/autograde",
        f"assignment/{ASSIGNMENT}/{bob}/generate_feedback",
        f"assignment/{ASSIGNMENT}/{bob}/release_feedback",
    ):
        done = camp.formgrader(second, action)
        assert done.status_code == 200 and done.json()["success"], (action, done.text[-3000:])
    assert camp.nbgrader(bob, "fetch_feedback")["success"]
    assert _page_score(camp, bob) == 6.0

    # The lead grades after her, on the files and gradebook rows she wrote (and she after him).
    for trainer in (camp.trainer, second):
        graded = camp.camp(trainer, "autograde", ASSIGNMENT, "--force").stdout
        assert re.search(r"graded 3 · .*ungradable 0", graded), (trainer, graded)
    camp.camp(camp.trainer, "feedback", ASSIGNMENT)
    scores = _gradebook(
        camp,
        second,
        f"""
for student in {camp.participants!r}:
    out[student] = gb.find_submission({ASSIGNMENT!r}, student).score
""",
    )
    assert scores == {alice: 6.0, bob: 6.0, camp.participants[2]: 6.0}, scores

    # A participant: no Formgrader in her server, none of the trainer's server, no course folder.
    assert camp.formgrader(alice, f"assignment/{ASSIGNMENT}/collect").status_code == 404
    foreign = requests.post(
        f"{camp.url}/user/{second}/formgrader/api/assignment/{ASSIGNMENT}/collect",
        headers={"Authorization": f"token {camp.tokens[alice]}"},
        timeout=60,
        allow_redirects=False,
    )
    assert foreign.status_code in (302, 403, 404), foreign.status_code
    assert "success" not in foreign.text
    denied = camp.camp(alice, "autograde", ASSIGNMENT, check=False)
    assert denied.returncode == 1 and "Permission denied" in denied.stderr + denied.stdout


def test_the_camps_day_through_the_hub(camp):
    """Release, submit, collect, grade and return through the hub; then a back-dated resubmission; then a second
    trainer. One test, because each step builds on the one before (pytest-xdist may run a module's tests in another
    order, or on a fresh hub after another module's tests, so separate tests could not rely on each other)."""
    _release_submit_collect_grade_feedback_through_the_hub(camp)
    _a_back_dated_submission_is_collected_with_its_true_time(camp)
    _a_second_trainer_grades_the_same_course_and_a_participant_cannot(camp)


def test_kernels_talk_to_their_server_over_private_unix_sockets_not_tcp_ports(camp):
    """Does a participant's kernel listen on Unix sockets in a folder only she can enter, and on no TCP port?

    On TCP each server picks its kernels' ports on its own: two servers starting kernels at once can pick the same
    one (the scale bench lost a kernel that way: "Address already in use", then its server read the other's
    kernel, "Invalid Signature"), and any local user may connect to a port on 127.0.0.1 and read the outputs."""
    import psutil

    user = camp.participants[2]
    info = camp.api("GET", f"/users/{user}")
    if info.status_code != 200 or not info.json()["servers"].get("", {}).get("ready"):
        camp.spawn(user)
    made = camp.as_user(user, "POST", "/api/kernels", json={"name": "python3"})
    assert made.status_code == 201, made.text
    kernel = made.json()["id"]
    try:
        uid = pwd.getpwnam(user).pw_uid
        proc = connection = None
        for _ in range(240):  # bounded: a kernel binds its sockets in 1-20 s on a busy 2-core machine
            for candidate in psutil.process_iter(["uids", "cmdline"]):
                args = candidate.info["cmdline"] or []
                if candidate.info["uids"] and candidate.info["uids"].real == uid and "-f" in args:
                    if kernel in args[args.index("-f") + 1]:
                        proc, connection = candidate, Path(args[args.index("-f") + 1])
            spec = json.loads(connection.read_text("utf-8")) if connection else {}
            ports = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
            sockets = [Path(f"{spec['ip']}-{spec[port]}") for port in ports] if spec.get("ip") else []
            if sockets and all(sock.exists() for sock in sockets):
                break
            time.sleep(0.5)
        assert proc is not None, "the kernel's process"
        assert spec["transport"] == "ipc", spec["transport"]
        for sock in sockets:
            assert stat.S_ISSOCK(os.lstat(sock).st_mode), sock
            assert len(str(sock).encode()) <= hub.SOCKET_PATH_MAX, sock
        folder = os.stat(sockets[0].parent)
        assert folder.st_uid == uid and folder.st_mode & 0o077 == 0, oct(folder.st_mode)  # nobody else
        # On TCP a kernel listens on 6 ports; on Unix sockets on 1: ipykernel's pipe for output of forked
        # subprocesses (bound by zmq itself, so no race; it takes only messages signed with a random key).
        listening = [c for c in proc.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        assert len(listening) <= 1, listening
    finally:
        camp.as_user(user, "DELETE", f"/api/kernels/{kernel}")
