"""One model server for the camp (grader/modelproxy.py): the hub service `camp-ai` in front of it, for real.

A real JupyterHub (deploy's configuration, grader.hub.configure) on loopback starts the service itself; the model
server is tests/fakeai.py on loopback, which records the key each request carried. Real Unix accounts (a trainer
and three participants) get hub tokens through the hub's API; one participant's single-user server is spawned by
the hub, and `camp.ai` runs as that participant with exactly the environment the hub gave the server.

Asked: does a participant's own token reach the model server, carrying the master key instead of theirs? Are a
missing, forged, service or under-scoped token refused with 403 before anything is sent? Would a forged request
pass if the token check were taken out (the same proxy, with the check replaced, must let it through)? Does the
rate limit answer 429 in Hindi and English and let the person in again after the window? Are requests and
tokens counted per person, for trainers only? Is the planted master key absent from the participant's server
environment, their files, the hub's log and git, and is its file closed to them?

Needs root (accounts, setuid spawns), npm and JupyterHub, like tests/test_hub.py; skipped with the reason otherwise.
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

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hub")]
DEVANAGARI = re.compile(r"[\u0900-\u097F]")


from conftest import hub_missing  # noqa: E402

MISSING = hub_missing(modules=("tornado",))
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

import requests  # noqa: E402
from conftest import free_port  # noqa: E402
from fakeai import FakeAI  # noqa: E402

from camp import paths  # noqa: E402
from grader import hub, modelproxy  # noqa: E402

CHAT = {"model": "fake-model", "messages": [{"role": "user", "content": "नमस्ते, एक पोस्ट लिखो"}]}
LIMIT, WINDOW = 4, 20  # requests per person per window (seconds) in this hub


class Camp:
    def __init__(self, root: Path, tag: str, fake: FakeAI):
        self.root, self.fake = root, fake
        self.settings = hub.Settings(
            root=root, trainers_group=f"{tag}-trainers", participants_group=f"{tag}-parts"
        )
        self.trainer = f"{tag}t"
        self.participants = [f"{tag}a", f"{tag}b", f"{tag}c"]
        self.master_key = "sk-camp-canary-" + secrets.token_hex(20)
        self.key_file = self.settings.state / "ai-master-key"
        self.service_token = secrets.token_hex(24)
        self.port, self.api_port, self.ai_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.service = modelproxy.service_url(self.ai_port)
        self.tokens: dict[str, str] = {}
        self.proc: subprocess.Popen | None = None

    def api(self, method: str, path: str, **kw) -> requests.Response:
        headers = {"Authorization": f"token {self.service_token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kw)

    def chat(self, token: str | None, body: dict | None = None, *, url: str | None = None, **headers):
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return requests.post(
            f"{url or self.service}v1/chat/completions", json=body or CHAT, headers=headers, timeout=120
        )

    def log(self) -> str:
        log = self.settings.state / "test-hub.log"
        return log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""

    def run_as(self, user: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            args, env=env, cwd="/", capture_output=True, text=True, timeout=300, **hub.as_user(user)
        )


def _wait_for(url: str, proc: subprocess.Popen, what: str, log=lambda: "") -> None:
    for _ in range(240):  # bounded: a busy 2-core machine may take a while
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        assert proc.poll() is None, f"{what} stopped:\n{log()[-4000:]}"
        time.sleep(0.5)
    raise AssertionError(f"{what} did not answer:\n{log()[-4000:]}")


def _processes_with(needle: bytes) -> list[int]:
    """Pids whose environment holds `needle` (to find what the hub started, should it be left running)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module")
def camp():
    hub.ensure_proxy()
    tag = "m" + secrets.token_hex(3)
    root = Path(tempfile.mkdtemp(prefix="camp-ai-", dir="/tmp"))
    os.chmod(root, 0o755)
    created: list[str] = []
    grants: list = []
    log = None
    with FakeAI() as fake:
        c = Camp(root, tag, fake)
        try:
            c.settings.state.mkdir(mode=0o700)
            c.settings.exchange.mkdir()
            os.chmod(c.settings.exchange, 0o1777)
            fd = os.open(c.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(c.master_key + "\n")
            hub.create_account(c.trainer, group=c.settings.trainers_group, comment="Trainer")
            created.append(c.trainer)
            for user in c.participants:
                hub.create_account(user, group=c.settings.participants_group, comment="Participant")
                created.append(user)
            for target in (Path(sys.executable), paths.SOURCE_ROOT / "pyproject.toml"):
                grants += hub.grant_traverse(created, target)

            cmd, env = hub.hub_command(c.settings)
            env.update(
                {
                    "CAMP_HUB_PORT": str(c.port),
                    "CAMP_HUB_API_PORT": str(c.api_port),
                    "CAMP_HUB_PROXY_API_PORT": str(free_port()),
                    "CAMP_HUB_SERVICE_TOKEN": c.service_token,
                    "CAMP_AI_UPSTREAM": fake.url,
                    "CAMP_AI_MODEL": "fake-model",
                    "CAMP_AI_PROXY_PORT": str(c.ai_port),
                    "CAMP_AI_REQUESTS_PER_MINUTE": str(LIMIT),
                    "CAMP_AI_RATE_WINDOW": str(WINDOW),
                    # an operator who also exported the key in the hub's shell: it must not travel either
                    "OPENAI_API_KEY": c.master_key,
                    "CAMP_AI_MASTER_KEY": c.master_key,
                }
            )
            log = open(c.settings.state / "test-hub.log", "w", encoding="utf-8")
            c.proc = subprocess.Popen(
                cmd,
                env=env,
                cwd=c.settings.state,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            _wait_for(f"{c.url}/hub/api/", c.proc, "JupyterHub", c.log)
            _wait_for(c.service, c.proc, "the camp-ai service", c.log)
            for user in created:
                assert c.api("POST", f"/users/{user}").status_code in (
                    201,
                    409,
                )  # 409: the trainers' group made it
                made = c.api(
                    "POST", f"/users/{user}/tokens", json={"note": "camp-ai test", "expires_in": 3600}
                )
                assert made.status_code == 201, made.text
                c.tokens[user] = made.json()["token"]
            yield c
        finally:
            if c.proc is not None:
                _stop(c.proc)  # the hub stops its services and the single-user servers
            for pid in _processes_with(f"CAMP_AI_UPSTREAM={fake.url}".encode()):
                os.kill(pid, signal.SIGKILL)  # a service the hub left behind (not expected)
            if log:
                log.close()
            hub.revoke_traverse(grants)
            for user in created:
                hub.remove_account(user)
            for group in (c.settings.trainers_group, c.settings.participants_group):
                subprocess.run(["groupdel", group], check=False, capture_output=True)
            shutil.rmtree(root, ignore_errors=True)


def test_own_token_reaches_the_model_server_with_the_master_key(camp):
    """Does a participant's own hub token get answered, with the master key (not theirs) sent upstream?"""
    alice = camp.participants[0]
    before = len(camp.fake.requests)
    reply = camp.chat(camp.tokens[alice])
    assert reply.status_code == 200, reply.text + camp.log()[-3000:]
    assert reply.json()["choices"][0]["message"]["content"] == camp.fake.reply
    models = requests.get(
        f"{camp.service}v1/models", headers={"Authorization": f"Bearer {camp.tokens[alice]}"}, timeout=60
    )
    assert [m["id"] for m in models.json()["data"]] == camp.fake.models
    streamed = camp.chat(
        camp.tokens[alice], {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
    )
    assert streamed.status_code == 200 and streamed.headers["Content-Type"].startswith("text/event-stream")
    pieces = [
        json.loads(line[6:])
        for line in streamed.content.decode("utf-8").splitlines()
        if line.startswith("data: {")
    ]
    assert (
        "".join(p["choices"][0]["delta"].get("content", "") for p in pieces if p["choices"])
        == camp.fake.reply
    )

    sent = camp.fake.requests[before:]
    assert [r.path for r in sent] == ["/v1/chat/completions"] * 2  # (the fake records POSTs only)
    assert {r.key for r in sent} == {camp.master_key}, "the model server must see the master key only"
    for answer in (reply, models, streamed):
        assert camp.master_key not in answer.text + json.dumps(dict(answer.headers))
        assert camp.tokens[alice] not in answer.text

    camp.fake.fail(401)  # a model server that refuses the key and quotes it back (the fake does, as some do)
    refused = camp.chat(camp.tokens[alice])
    assert refused.status_code == 401 and "Incorrect API key" in refused.text
    assert camp.fake.requests[-1].key == camp.master_key and camp.master_key not in refused.text


@pytest.mark.parametrize("case", ["missing", "forged", "service token", "no scope", "header says who"])
def test_a_bad_or_missing_token_gets_403_before_anything_is_sent(camp, case):
    """Is every request without a participant's valid, scoped token refused, bilingually, with nothing sent on?"""
    alice = camp.participants[0]
    if case == "no scope":  # alice's real token, but one she made without the service's scope
        made = camp.api(
            "POST", f"/users/{alice}/tokens", json={"scopes": ["read:users:name!user"], "expires_in": 600}
        )
        assert made.status_code == 201, made.text
    token, headers = {
        "missing": (None, {}),
        "forged": ("f" * 40, {}),
        "service token": (camp.service_token, {}),
        "no scope": (made.json()["token"] if case == "no scope" else None, {}),
        "header says who": (None, {"X-Forwarded-User": alice, "REMOTE_USER": alice}),
    }[case]
    before = len(camp.fake.requests)
    reply = camp.chat(token, **headers)
    assert reply.status_code == 403, reply.text
    error = reply.json()["error"]
    assert DEVANAGARI.search(error["message_hi"]) and "not valid" in error["message_en"]
    assert len(camp.fake.requests) == before, "a refused request must not reach the model server"


@pytest.mark.parametrize("check", ["on", "off"])
def test_without_the_token_check_a_forged_request_would_pass(camp, check):
    """The same proxy against the same hub, with its token check replaced by "anyone": does the forgery pass?

    With the check on it is refused (403, nothing sent); with it off the forged request reaches the model
    server with the master key. So the refusal above is the token check's doing, not an accident of set-up.
    """
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "CAMP_AI_UPSTREAM": camp.fake.url,
        "CAMP_AI_MASTER_KEY_FILE": str(camp.key_file),
        "CAMP_AI_REQUESTS_PER_MINUTE": "100",
        "JUPYTERHUB_API_URL": f"http://127.0.0.1:{camp.api_port}/hub/api",
        "JUPYTERHUB_API_TOKEN": camp.service_token,
        "JUPYTERHUB_SERVICE_NAME": modelproxy.SERVICE,
        "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{port}",
        "JUPYTERHUB_SERVICE_PREFIX": f"/services/{modelproxy.SERVICE}/",
    }
    off = (
        "import grader.modelproxy as m\nasync def anyone(self, token):\n    return 'forged'\n"
        "m.Proxy.identify = anyone\nraise SystemExit(m.main())"
    )
    cmd = [sys.executable, "-m", "grader.modelproxy"] if check == "on" else [sys.executable, "-c", off]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        url = f"http://127.0.0.1:{port}/services/{modelproxy.SERVICE}/"
        _wait_for(url, proc, "the stand-alone proxy")
        before = len(camp.fake.requests)
        reply = camp.chat("forged-" + secrets.token_hex(8), url=url)
        if check == "on":
            assert reply.status_code == 403 and len(camp.fake.requests) == before
        else:
            assert reply.status_code == 200, reply.text
            assert [r.key for r in camp.fake.requests[before:]] == [camp.master_key]
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_rate_limit_answers_429_bilingually_and_resets(camp):
    """Is the (LIMIT+1)th request in a window refused with 429 in Hindi and English, nothing sent, only for
    that person, and is the person let in again once the window has passed?"""
    bob = camp.participants[1]
    before = len(camp.fake.requests)
    statuses = [camp.chat(camp.tokens[bob]).status_code for _ in range(LIMIT)]
    refused = camp.chat(camp.tokens[bob])
    assert statuses == [200] * LIMIT and refused.status_code == 429, (statuses, refused.text)
    error = refused.json()["error"]
    assert DEVANAGARI.search(error["message_hi"]) and "Too many requests" in error["message_en"]
    assert error["message"] == f"{error['message_hi']} / {error['message_en']}"
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= WINDOW
    assert len(camp.fake.requests) == before + LIMIT, "a refused request must not reach the model server"
    assert camp.chat(camp.tokens[camp.trainer]).status_code == 200, "another person is not limited by Bob"

    time.sleep(wait)
    for _ in range(60):  # bounded: the window has passed, so one of these must be let in
        again = camp.chat(camp.tokens[bob])
        if again.status_code != 429:
            break
        time.sleep(0.5)
    assert again.status_code == 200, again.text


def _usage_rows(text: str) -> dict[str, list[int]]:
    rows = {}
    for line in text.splitlines()[1:]:
        name, *numbers = line.split("\t")
        rows[name] = [int(n) for n in numbers]
    return rows


def test_usage_is_counted_per_person_for_trainers_only(camp):
    """Does `camp ai-usage` (the trainer's own token, through the service) show each person's requests and
    tokens as the model server reported them, while a participant is refused the figures?"""
    carol, trainer = camp.participants[2], camp.trainer
    env = hub.user_env(
        trainer, {"CAMP_AI_HUB_URL": camp.service, "JUPYTERHUB_API_TOKEN": camp.tokens[trainer]}
    )
    command = [sys.executable, "-m", "grader.cli", "ai-usage"]
    first = camp.run_as(trainer, command, env)
    assert first.returncode == 0, first.stderr
    base = _usage_rows(first.stdout).get(carol, [0] * 6)

    plain = camp.chat(camp.tokens[carol]).json()["usage"]
    streamed = camp.chat(
        camp.tokens[carol], {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
    )
    last = [
        json.loads(line[6:])
        for line in streamed.content.decode("utf-8").splitlines()
        if line.startswith("data: {")
    ][-1]["usage"]
    tokens = [plain[k] + last[k] for k in ("prompt_tokens", "completion_tokens", "total_tokens")]

    after = camp.run_as(trainer, command, env)
    assert after.returncode == 0, after.stderr
    rows = _usage_rows(after.stdout)
    assert rows[carol] == [base[0] + 2, base[1], base[2], *(b + t for b, t in zip(base[3:], tokens))], (
        after.stdout
    )
    assert rows["TOTAL / कुल"][0] == sum(r[0] for n, r in rows.items() if n != "TOTAL / कुल")
    assert camp.master_key not in after.stdout + after.stderr

    as_root = subprocess.run(
        [*command, "--file", str(camp.settings.state / "ai-usage.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert _usage_rows(as_root.stdout)[carol][0] >= base[0] + 2
    assert os.stat(camp.settings.state / "ai-usage.json").st_mode & 0o077 == 0

    peek = requests.get(
        f"{camp.service}usage", headers={"Authorization": f"Bearer {camp.tokens[carol]}"}, timeout=60
    )
    assert peek.status_code == 403 and DEVANAGARI.search(peek.json()["error"]["message_hi"])
    env = hub.user_env(carol, {"CAMP_AI_HUB_URL": camp.service, "JUPYTERHUB_API_TOKEN": camp.tokens[carol]})
    denied = camp.run_as(carol, command, env)
    assert denied.returncode == 1 and "Only trainers" in denied.stderr and "Traceback" not in denied.stderr


def test_participant_server_environment_holds_no_master_key(camp):
    """In the environment the hub gives a participant's server: is the proxy found with their own token, and is
    the planted master key nowhere (environment, their files, the hub's log, git), its file closed to them?"""
    alice = camp.participants[0]
    started = camp.api("POST", f"/users/{alice}/server")
    assert started.status_code in (201, 202), started.text
    for _ in range(300):  # bounded: a first spawn copies the lessons (16-26 s on a busy machine)
        server = camp.api("GET", f"/users/{alice}").json()["servers"].get("", {})
        if server.get("ready"):
            break
        time.sleep(1)
    else:
        raise AssertionError(f"{alice}'s server did not start:\n{camp.log()[-4000:]}")
    pid = server["state"]["pid"]
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    server_env = dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)
    assert camp.master_key.encode() not in raw
    assert not {"OPENAI_API_KEY", "CAMP_AI_MASTER_KEY", "CAMP_AI_MASTER_KEY_FILE", "CAMP_AI_UPSTREAM"} & set(
        server_env
    )
    assert server_env["CAMP_AI_HUB_URL"] == camp.service and server_env["JUPYTERHUB_API_TOKEN"]
    uid = hub.pwd.getpwnam(alice).pw_uid
    for entry in Path("/proc").iterdir():  # every process of hers (the server, anything it started)
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    assert camp.master_key.encode() not in (entry / "environ").read_bytes()
            except (FileNotFoundError, ProcessLookupError):
                continue

    # camp.ai, run as her with exactly the server's environment, finds the service and is answered
    before = len(camp.fake.requests)
    code = "from camp import ai; print(ai.status()); print(ai.ask('नमस्ते'))"
    done = camp.run_as(alice, [sys.executable, "-c", code], server_env)
    assert done.returncode == 0, done.stderr
    assert camp.fake.reply in done.stdout and camp.service in done.stdout
    assert camp.master_key not in done.stdout + done.stderr
    assert [r.key for r in camp.fake.requests[before:]] == [camp.master_key]

    probe = "import sys\ntry:\n    open(sys.argv[1]).read(); print('read')\nexcept PermissionError:\n    print('denied')"
    opened = camp.run_as(alice, [sys.executable, "-c", probe, str(camp.key_file)], server_env)
    assert opened.stdout.strip() == "denied", opened.stderr

    home = Path(hub.pwd.getpwnam(alice).pw_dir)
    files = [p for p in home.rglob("*") if p.is_file() and not p.is_symlink()]
    assert any(p.suffix == ".ipynb" for p in files), "her lessons were placed on first login"
    assert not [p for p in files if camp.master_key.encode() in p.read_bytes()]
    assert (
        camp.master_key not in camp.log() and camp.tokens[alice] not in camp.log()
    )  # (the service logs there)
    assert "Spawning" in camp.log()  # the log searched is the hub's real one
    found = subprocess.run(["git", "grep", "-l", camp.master_key], cwd=paths.SOURCE_ROOT, capture_output=True)
    assert found.returncode == 1 and not found.stdout


def test_camp_ai_sends_the_hub_token_only_to_the_hub_service(monkeypatch, tmp_path):
    """Does camp.ai take the hub's service and the person's token from the environment, and never send that
    token to another endpoint the person chose in the session?"""
    from camp import ai, aiconfig

    for name in (*aiconfig.ENV.values(), "GEMINI_API_KEY", "GROQ_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CAMP_AI_CONFIG", str(tmp_path / "none.json"))
    monkeypatch.setenv("CAMP_AI_HUB_URL", "http://127.0.0.1:8181/services/camp-ai/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-token-of-alice-0123456789")
    monkeypatch.setenv("CAMP_AI_MODEL", "fake-model")
    monkeypatch.setattr(aiconfig, "session", {})
    settings = aiconfig.resolve()
    assert (settings.base_url, settings.api_key) == (
        "http://127.0.0.1:8181/services/camp-ai/v1",
        "hub-token-of-alice-0123456789",
    )
    assert settings.configured and settings.sources["api_key"] == "JupyterHub"
    ai.configure(base_url="http://someone-else:11434/v1")
    elsewhere = aiconfig.resolve()
    assert elsewhere.base_url == "http://someone-else:11434/v1"
    assert elsewhere.api_key != "hub-token-of-alice-0123456789"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://other-server/v1")  # the operator's own endpoint wins
    aiconfig.session.clear()
    assert aiconfig.resolve().api_key != "hub-token-of-alice-0123456789"
