"""A whole camp on one server, end to end: a real JupyterHub (pip `jupyterhub` + npm `configurable-http-proxy`)
on loopback, real Unix accounts made by the test (3 participants from a roster, 1 trainer), one single-user
server per person spawned by the hub, nbgrader's exchange shared between them (deploy/, grader/hub.py).

The participants fetch, answer and submit through their own servers (REST calls through the hub, each with
their own token: nbgrader's assignment API and Jupyter's contents API); the trainer releases, collects
(grader/exchange.py, owners checked), autogrades and returns feedback as their own Unix user with `camp`;
each participant fetches only their own feedback. A participant's attempts to read another's submission or
feedback, to submit as another or to use the trainer's tools fail. Everything the test starts it stops; the
accounts, groups and ACL entries it made are removed.

Needs root (accounts, PAM, setuid spawns), npm and setfacl; skipped with the reason otherwise. CI runs as root.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from camp import paths

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]
ASSIGNMENT = "00-start-here"
FIXTURE = json.loads((Path(__file__).resolve().parent.parent / "grader" / "data" / "answers" / f"{ASSIGNMENT}.json").read_text("utf-8"))


def _missing() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root: it creates Unix accounts and JupyterHub spawns servers as them (CI runs as root)"
    for tool in ("useradd", "userdel", "groupadd", "chpasswd", "setfacl", "npm", "node"):
        if not shutil.which(tool):
            return f"{tool} is not installed (make system-deps installs acl; Debian nodejs/npm for the proxy)"
    try:
        import jupyterhub  # noqa: F401
        import requests  # noqa: F401
    except ImportError as exc:
        return f"JupyterHub is not installed ({exc}): pip install -e '.[hub]'"
    return None


if _missing():
    pytest.skip(_missing(), allow_module_level=True)

import requests  # noqa: E402
from conftest import free_port  # noqa: E402

from grader import hub  # noqa: E402


class Camp:
    """The running hub and the people in it."""

    def __init__(self, root: Path, tag: str):
        self.root = root
        self.settings = hub.Settings(root=root, trainers_group=f"{tag}-trainers", participants_group=f"{tag}-parts")
        self.trainer = f"{tag}t"
        self.participants = [f"{tag}a", f"{tag}b", f"{tag}c"]
        self.codes: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.service_token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    # -- as a Unix user ------------------------------------------------------------------------------------
    def run_as(self, user: str, *args: str, home: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
        env = hub.user_env(user, {**self.settings.env(), "CAMP_HOME": str(home or self.settings.course_home)})
        done = subprocess.run(
            list(args), env=env, cwd="/", capture_output=True, text=True, timeout=600, **hub.as_user(user)
        )
        if check and done.returncode:
            raise AssertionError(f"{args} as {user} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
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
            reply = browser.post(f"{self.url}/hub/login", allow_redirects=False, timeout=60, data={
                "username": user, "password": password, "_xsrf": browser.cookies.get("_xsrf")})
            return reply.status_code

    def spawn(self, user: str) -> None:
        if self.api("GET", f"/users/{user}").status_code == 404:  # first login, with the code printed for them
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
        # The participants come from the roster, through the real command (as root, as on the server).
        csv = root / "roster.csv"
        csv.write_text(
            "id,name,district,role,phone\n"
            + "".join(f"{p},प्रतिभागी {i} (Participant {i}),सीहोर,worker,\n" for i, p in enumerate(c.participants, 1))
            + "Not A Unix Name,x,y,worker,\n",
            encoding="utf-8",
        )
        # A venv whose Python lives under /root (0700) is reachable by the test's users only: ACL "x" entries.
        for target in (Path(sys.executable), paths.SOURCE_ROOT / "pyproject.toml"):
            grants += hub.grant_traverse([c.trainer], target)
        hub.setup(lead_trainer=c.trainer, settings=c.settings, release_all=False)
        env = {**os.environ, **c.settings.env(), "CAMP_HOME": str(c.settings.course_home)}
        done = subprocess.run(
            [sys.executable, "-m", "grader.cli", "roster", "import", str(csv), "--create-accounts"],
            env=env, capture_output=True, text=True, timeout=300,
        )
        created += [p for p in c.participants if hub.user_exists(p)]
        assert done.returncode == 1, done.stderr  # the bad row is named; the others are imported
        assert "line 5" in done.stderr and "roster: 3 added" in done.stdout and "accounts: 3 created" in done.stdout
        c.codes = dict(re.findall(r"^(\S+)\t([a-z2-9]{4}-[a-z2-9]{4})\t", done.stdout, re.M))
        assert sorted(c.codes) == sorted(c.participants)
        for target in (Path(sys.executable), paths.SOURCE_ROOT / "pyproject.toml"):
            grants += hub.grant_traverse(c.participants, target)

        cmd, env = hub.hub_command(c.settings)
        env.update({
            "CAMP_HUB_PORT": str(c.port), "CAMP_HUB_API_PORT": str(free_port()),
            "CAMP_HUB_PROXY_API_PORT": str(free_port()), "CAMP_HUB_SERVICE_TOKEN": c.service_token,
        })
        log = open(c.settings.state / "test-hub.log", "w", encoding="utf-8")  # root-only folder (0700)
        c.proc = subprocess.Popen(cmd, env=env, cwd=c.settings.state, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
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
    return json.dumps({"format": 1, "answers": {k: {"value": v, "saved": "2026-12-02T10:00:00+00:00"}
                                                for k, v in sorted(values.items())}})


def test_first_login_codes_and_roles(camp):
    """The printed code logs its participant in (PAM); a wrong code does not; only trainers get the Formgrader."""
    alice = camp.participants[0]
    assert camp.login(alice, "wrong-code") == 403
    assert camp.login(alice, camp.codes[camp.participants[1]]) == 403  # another's code
    assert camp.login(alice, camp.codes[alice]) == 302
    assert camp.api("GET", f"/groups/{camp.settings.trainers_group}").json()["users"] == [camp.trainer]

    for user in (alice, camp.trainer):
        camp.spawn(user)
    assert camp.as_user(alice, "GET", "/formgrader", allow_redirects=False).status_code == 404
    assert camp.as_user(camp.trainer, "GET", "/formgrader", allow_redirects=False).status_code == 302
    # The lessons were placed in her own camp folder on first login, in her 0700 home; Lab opens the Hindi lesson.
    listing = camp.as_user(alice, "GET", "/api/contents/lessons/00-start-here").json()
    assert "00-start-here.hi.ipynb" in [item["name"] for item in listing["content"]]
    assert camp.api("GET", f"/users/{alice}").json()["servers"][""]["url"] == f"/user/{alice}/"
    home = Path(hub.pwd.getpwnam(alice).pw_dir)
    assert (home / "camp" / "lessons" / "00-start-here" / "00-start-here.hi.ipynb").stat().st_uid == \
        hub.pwd.getpwnam(alice).pw_uid
    assert os.stat(home).st_mode & 0o777 == 0o700
    # A participant cannot run the trainer's commands on the course: Unix permissions say no.
    denied = camp.camp(alice, "collect", ASSIGNMENT, check=False)
    assert denied.returncode == 1 and "Permission denied" in denied.stderr + denied.stdout


def test_release_submit_collect_grade_feedback_through_the_hub(camp):
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
        put = camp.as_user(user, "PUT", f"/api/contents/my-work/{ASSIGNMENT}/answers.json",
                           json={"type": "file", "format": "text", "content": _answers(answers[user])})
        assert put.status_code in (200, 201), put.text
        assert camp.nbgrader(user, "submit")["success"]

    # Bob tries, as his own Unix user (what his kernel or terminal can do):
    inbound = camp.settings.exchange / paths.COURSE_ID / "inbound"
    probe = camp.python_as(bob, f"""
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
""")
    assert probe == "{'inbound': 'denied', 'alice_home': 'denied', 'course': 'denied'}"
    via_server = camp.as_user(bob, "GET", f"/api/contents/exchange/{paths.COURSE_ID}/inbound")
    assert via_server.status_code in (403, 404, 500) and alice not in via_server.text

    collected = camp.camp(trainer, "collect", ASSIGNMENT).stdout
    assert "ownership checked" in collected
    assert re.search(rf"rejected: {alice}\+{ASSIGNMENT}\+.*\+forged: claims to be {alice}'s but is owned by {bob}",
                     collected), collected
    assert re.search(rf"rejected: {bob}\+{ASSIGNMENT}\+2099-01-01 .*\+ahead: the timestamp .* is in the future", collected)
    assert "collected 3 submissions" in collected
    submitted = camp.settings.course_home / "course" / "submitted"
    assert json.loads((submitted / alice / ASSIGNMENT / "answers.json").read_text("utf-8"))["answers"].keys() == \
        right.keys(), "Alice's collected submission is her own, not Bob's forgery"

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
    peek = camp.python_as(carol, f"""
import os
try:
    os.listdir({str(camp.settings.exchange / paths.COURSE_ID / "feedback")!r}); print("read")
except PermissionError:
    print("denied")
""")
    assert peek == "denied"
