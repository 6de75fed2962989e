"""How many participants one server carries: the real hub on loopback, real accounts, one working kernel each.

A benchmark (figures printed, nothing asserted), run as root because it creates Unix accounts:

    sudo .venv/bin/python -m grader.hubbench -n 50 --step 10 --duration 90

It starts JupyterHub exactly as `camp hub` does (grader/hub.py, a temporary /tmp/camp-hubbench-* root, its
own groups and a lead trainer), then ramps up in steps: each step creates `--step` participant accounts,
starts their single-user servers through the hub's API (first login: the lessons are copied into each
home), starts a kernel in each through the hub (REST, then the kernel's websocket through the proxy) that
imports the lessons' libraries (pandas, matplotlib, ipywidgets, camp), and from then on every participant
runs one cell every `--period` seconds (a small pandas table and a chart, as in lesson 04). After each step
it measures for `--duration` seconds: the median and 95th percentile of the cell latency (request sent to
reply received, over all participants running), and each participant's memory (RSS and PSS of all their
processes: server and kernel, from /proc through psutil). It stops ramping at the first step whose median
is over 1 s or 95th percentile over 3 s (or where a cell or a server failed), and prints where that was;
it starts no step that would leave less than `--reserve-mb` of memory available (this machine has no swap).
Each row shows the load average and the memory available at its end: the machine may be shared.

When something fails it prints who, in which phase (spawn, kernel start, websocket connect, import cell,
work cell) and the websocket's close code and reason, and keeps the evidence: the hub's log (which holds the
proxy's and every single-user server's output, each server's lines marked with its pid), the proxy's lines
and the failing participant's lines, tokens redacted, in /var/tmp/camp-hubbench-logs-<time>/. A work cell
whose websocket closed reconnects once (as JupyterLab does); reconnects are counted and printed, and the cell
counts as failed.

    sudo .venv/bin/python -m grader.hubbench --start-only 50

starts 50 single-user servers at once (first logins, no kernels) and prints the total time and each server's
median and 95th percentile. At the end every server, account, group, ACL entry and the temporary root are
removed (a leftover is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import pwd
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

#: What each participant's kernel runs once, as a lesson's first cell does.
IMPORT_CELL = """\
import io
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
import ipywidgets as widgets
import pandas as pd
from camp import charts, data, metrics, progress, quiz
"""
#: The cell each participant runs every period: a small table and a chart (lesson 04's kind of work).
WORK_CELL = """\
posts = pd.DataFrame({"day": [d % 7 for d in range(300)], "likes": [(d * 37) % 101 for d in range(300)]})
best = posts.groupby("day")["likes"].mean()
fig, ax = plt.subplots(figsize=(4, 3))
best.plot.bar(ax=ax)
buf = io.BytesIO(); fig.savefig(buf, format="png"); plt.close(fig)
print(int(best.idxmax()), len(buf.getvalue()) > 0)
"""
#: Where the logs of a run that failed are kept (the temporary root is removed at the end).
KEPT_LOGS = Path("/var/tmp")
#: The single-user servers' log lines carry their process id, so one participant's lines can be told apart in
#: the hub's log (LocalProcessSpawner gives every server the hub's output, as it does the proxy).
SERVER_LOG_FORMAT = "[%(levelname)1.1s %(asctime)s.%(msecs).03d pid=%(process)d %(name)s] %(message)s"
#: What the kept log is searched for (printed with counts): a kernel port taken by another kernel, a server
#: subscribed to another user's kernel, the websocket's keep-alive, a kernel that never answered, a dropped proxy hop.
SIGNS = (
    "Address already in use",
    "Invalid Signature",
    "WebSocket ping timeout",
    "Timeout waiting for kernel_info",
    "ECONNRESET",
    "iopub_data_rate_limit",
    "iopub_msg_rate_limit",
    "Culling",
)
P50_LIMIT = 1.0  # seconds: the median cell must answer within this
P95_LIMIT = 3.0  # seconds: and 95 of 100 cells within this
CELL_TIMEOUT = 60.0


# -- the pure parts (tests/test_hubbench.py) ----------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between ranks (numpy's default); nan if empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Step:
    """One ramp step: how many participants were working, and what they saw."""

    users: int
    spawn_seconds: float = 0.0  # starting this step's new servers, first request to the last one ready
    latencies: list[float] = field(default_factory=list)  # cells answered during the measurement window
    failed: int = 0  # cells with an error or no answer within CELL_TIMEOUT, servers that did not start
    rss_mb: list[float] = field(default_factory=list)  # per participant: all their processes
    pss_mb: list[float] = field(default_factory=list)
    load: float = math.nan  # the 1-minute load average at the end of the step (the machine may be shared)
    available_mb: float = math.nan  # MemAvailable at the end of the step

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    def holds(self) -> bool:
        """Median within 1 s, 95th percentile within 3 s, and nothing failed."""
        return bool(self.latencies) and not self.failed and self.p50 <= P50_LIMIT and self.p95 <= P95_LIMIT


def stops_at(steps: list[Step]) -> int | None:
    """The participant count of the first step that does not hold, or None if every step held."""
    for step in steps:
        if not step.holds():
            return step.users
    return None


def time_to_start(steps: list[Step], count: int) -> float | None:
    """Seconds spent starting servers until `count` were running (the spawn phases summed), or None if fewer."""
    total = 0.0
    for step in steps:
        total += step.spawn_seconds
        if step.users >= count:
            return total
    return None


class SocketClosed(ConnectionError):
    """The kernel's websocket closed: with the close code and reason the other end sent (None if it sent none)."""

    def __init__(self, code: int | None, reason: str | None):
        super().__init__(f"the kernel's websocket closed (code {code}, reason {reason!r})")
        self.code, self.reason = code, reason


_SECRET_PATTERNS = (
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:token|bearer)?\s*)[^\s\"',}]+"),
    re.compile(r"(?i)(token[\"']?\s*[=:]\s*[\"']?)(?!\[secret\])[^\s\"'&,;}\]]+"),
    re.compile(r"(?i)(_xsrf=)[^\s&\"']+"),
)


def redact(text: str, secrets_known: list[str]) -> str:
    """`text` with every known secret and anything after `token=`, `token:` or `Authorization:` replaced."""
    for value in secrets_known:
        if value:
            text = text.replace(value, "[redacted]")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


_RECORD_START = re.compile(r"^(\[[A-Z] \d{4}-|\d{4}-\d\d-\d\dT|\[IPKernelApp\])")


def _matching(lines: list[str], marks: list[str]) -> list[str]:
    """The log records (a line and its continuation lines, e.g. a traceback) that mention any of `marks`."""
    out, keep = [], False
    for line in lines:
        if _RECORD_START.match(line):
            keep = any(m in line for m in marks)
        if keep:
            out.append(line)
    return out


# -- memory ------------------------------------------------------------------------------------------------
def memory_by_user(names: list[str]) -> dict[str, tuple[float, float]]:
    """{user: (RSS MB, PSS MB)} summed over every process of that Unix user (server, kernel, anything)."""
    import psutil

    uids = {pwd.getpwnam(n).pw_uid: n for n in names}
    out = {n: [0.0, 0.0] for n in names}
    for proc in psutil.process_iter(["uids"]):
        try:
            uid = proc.info["uids"].real
            if uid not in uids:
                continue
            try:
                full = proc.memory_full_info()
                rss, pss = full.rss, getattr(full, "pss", full.rss)
            except psutil.AccessDenied:
                rss = pss = proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        out[uids[uid]][0] += rss / 2**20
        out[uids[uid]][1] += pss / 2**20
    return {n: (v[0], v[1]) for n, v in out.items()}


def mem_available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return math.nan


# -- the hub ---------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bench:
    """The running hub, its accounts and the participants' kernels."""

    def __init__(self, args):
        from grader import hub

        self.args = args
        self.tag = "h" + secrets.token_hex(2)
        self.root = Path(tempfile.mkdtemp(prefix="camp-hubbench-", dir="/tmp"))
        os.chmod(self.root, 0o755)
        self.settings = hub.Settings(
            root=self.root, trainers_group=f"{self.tag}-trainers", participants_group=f"{self.tag}-parts"
        )
        self.trainer = f"{self.tag}t"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.service_token = secrets.token_hex(24)
        self.proc: subprocess.Popen | None = None
        self.created: list[str] = []
        self.grants: list = []
        self.codes: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.log_file = None
        self.stopping = False
        self.recording: Step | None = None
        self.workers: list[asyncio.Task] = []
        self.sockets: list = []
        self.import_seconds: list[float] = []
        self.kernels: dict[str, str] = {}  # user -> kernel id
        self.failures: list[dict] = []  # what failed, where, and the close code if a websocket closed
        # user -> websocket reconnects (counted and printed, never hidden)
        self.reconnects: dict[str, int] = {}
        self.between_steps_failed = 0  # cells failed while the next step started: counted in that step
        self.kept: Path | None = None
        self.memory_stop = ""  # why the ramp stopped early for memory (empty if it did not)

    # set-up and tear-down (synchronous: accounts, files, the hub process)
    def start_hub(self) -> None:
        from grader import hub

        hub.ensure_proxy()
        hub.create_account(self.trainer, group=self.settings.trainers_group, comment="bench trainer")
        self.created.append(self.trainer)
        self._grant([self.trainer])
        hub.setup(lead_trainer=self.trainer, settings=self.settings, release_all=False)
        cmd, env = hub.hub_command(self.settings)
        cmd.append(f"--Spawner.args=--ServerApp.log_format={SERVER_LOG_FORMAT}")
        if self.args.debug_servers:
            cmd.append("--Spawner.debug=True")
        env.update(
            {
                "CAMP_HUB_PORT": str(self.port),
                "CAMP_HUB_API_PORT": str(_free_port()),
                "CAMP_HUB_PROXY_API_PORT": str(_free_port()),
                "CAMP_HUB_SERVICE_TOKEN": self.service_token,
                "CAMP_HUB_START_TIMEOUT": str(int(self.args.spawn_timeout)),
            }
        )
        self.log_file = open(self.settings.state / "bench-hub.log", "w", encoding="utf-8")  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=self.settings.state,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _grant(self, users: list[str]) -> None:
        from camp import paths
        from grader import hub

        for target in (Path(sys.executable), paths.SOURCE_ROOT / "pyproject.toml"):
            self.grants += hub.grant_traverse(users, target)

    def add_accounts(self, names: list[str]) -> None:
        from grader import hub

        for name in names:
            self.codes[name] = (
                hub.create_account(name, group=self.settings.participants_group, comment="bench participant")
                or ""
            )
            self.created.append(name)
        self._grant(names)

    def server_pids(self, name: str) -> list[int]:
        """The process ids of `name`'s single-user server (for their lines in the hub's log)."""
        import psutil

        uid = pwd.getpwnam(name).pw_uid
        pids = []
        for proc in psutil.process_iter(["uids", "cmdline"]):
            try:
                if proc.info["uids"].real == uid and "jupyterhub.singleuser" in (proc.info["cmdline"] or []):
                    pids.append(proc.pid)
            except (psutil.NoSuchProcess, TypeError):
                continue
        return pids

    def failure(self, name: str, phase: str, exc: BaseException) -> None:
        """Note a failure (and keep the logs at the end): who, in which phase, what, the websocket's close code."""
        record = {
            "time": time.strftime("%H:%M:%S", time.gmtime()),
            "user": name,
            "phase": phase,
            "error": f"{type(exc).__name__}: {exc}"[:300],
            "close_code": getattr(exc, "code", None),
            "close_reason": getattr(exc, "reason", None),
            "kernel": self.kernels.get(name),
            "server_pids": self.server_pids(name) if name in self.created else [],
            "load": os.getloadavg()[0],
        }
        self.failures.append(record)
        print(
            f"  {name}: FAILED in {phase} at {record['time']} UTC: {record['error'][:200]} (websocket close code "
            f"{record['close_code']}, reason {record['close_reason']!r}; server pid {record['server_pids']}; "
            f"load {record['load']:.1f})",
            flush=True,
        )

    def keep_logs(self) -> Path | None:
        """After a failure: the hub's log (with the proxy's and every server's output), the proxy's lines and each
        failing participant's lines, tokens redacted, in /var/tmp/camp-hubbench-logs-<time>/ (root only)."""
        log = self.settings.state / "bench-hub.log"
        if not self.failures or not log.exists():
            return None
        folder = KEPT_LOGS / f"camp-hubbench-logs-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        known = [self.service_token, *self.tokens.values(), *self.codes.values()]
        text = redact(log.read_text(encoding="utf-8", errors="replace"), known)
        lines = text.splitlines(keepends=True)
        (folder / "hub.log").write_text(text, encoding="utf-8")
        (folder / "proxy.log").write_text("".join(x for x in lines if "ConfigProxy" in x), encoding="utf-8")
        for name in sorted({f["user"] for f in self.failures}):
            marks = [f"/user/{name}/", f"{name}:", f"'{name}'", f" {name} "]
            marks += [f"pid={pid} " for f in self.failures if f["user"] == name for pid in f["server_pids"]]
            marks += [f["kernel"] for f in self.failures if f["user"] == name and f["kernel"]]
            (folder / f"{name}.log").write_text("".join(_matching(lines, marks)), encoding="utf-8")
        (folder / "failures.json").write_text(json.dumps(self.failures, indent=1), encoding="utf-8")
        signs = {sign: text.count(sign) for sign in SIGNS if sign in text}
        print(f"in the hub's log: {signs or 'none of the known signs'}", flush=True)
        self.kept = folder
        return folder

    def log_tail(self) -> str:
        log = self.settings.state / "bench-hub.log"
        return log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""

    def cleanup(self) -> None:
        from grader import hub

        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the hub stops every single-user server, then the proxy
            try:
                self.proc.wait(timeout=180)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.log_file:
            self.log_file.close()
        try:
            kept = self.keep_logs()
            if kept:
                print(f"logs of the failure kept in {kept} (tokens redacted) / लॉग यहाँ रखे गए", flush=True)
        except OSError as exc:
            print(f"could not keep the logs: {exc}", flush=True)
        hub.revoke_traverse(self.grants)
        for user in self.created:
            hub.remove_account(user)  # kills what is left of theirs, removes the home
        for group in (self.settings.trainers_group, self.settings.participants_group):
            subprocess.run(["groupdel", group], check=False, capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
        left = [u for u in self.created if hub.user_exists(u)]
        left += [
            g for g in (self.settings.trainers_group, self.settings.participants_group) if hub.group_exists(g)
        ]
        if left:
            print(f"NOT removed (remove them by hand): {', '.join(left)}", flush=True)

    # through the hub (asynchronous: many participants at once)
    async def http(
        self, method: str, path: str, *, token: str | None = None, body=None, timeout: float = 120
    ):
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        headers = {"Authorization": f"token {token or self.service_token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = HTTPRequest(
            self.url + path,
            method=method,
            headers=headers,
            request_timeout=timeout,
            connect_timeout=timeout,
            body=None if body is None else json.dumps(body),
            allow_nonstandard_methods=True,
            follow_redirects=False,
        )
        reply = await AsyncHTTPClient().fetch(request, raise_error=False)
        text = reply.body.decode("utf-8", "replace") if reply.body else ""
        return reply.code, text

    async def wait_for_hub(self) -> None:
        for _ in range(240):
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub stopped:\n{self.log_tail()}")
            try:
                code, _ = await self.http("GET", "/hub/api/", timeout=5)
            except OSError:  # not listening yet
                code = 0
            if code == 200:
                return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not answer:\n{self.log_tail()}")

    async def login(self, name: str) -> None:
        code, _ = await self.http("POST", f"/hub/api/users/{name}")
        if code not in (201, 409):
            raise RuntimeError(f"creating hub user {name}: HTTP {code}")
        code, text = await self.http(
            "POST", f"/hub/api/users/{name}/tokens", body={"note": "hubbench", "expires_in": 86400}
        )
        if code != 201:
            raise RuntimeError(f"token for {name}: HTTP {code} {text[:200]}")
        self.tokens[name] = json.loads(text)["token"]

    async def spawn(self, name: str) -> float | None:
        """Start `name`'s server through the hub's API; seconds from the request to ready, or None."""
        began = time.monotonic()
        code, text = await self.http("POST", f"/hub/api/users/{name}/server")
        if code not in (201, 202):
            self.failure(name, "spawn", RuntimeError(f"spawn refused, HTTP {code} {text[:200]}"))
            return None
        deadline = began + self.args.spawn_timeout
        while time.monotonic() < deadline:
            code, text = await self.http("GET", f"/hub/api/users/{name}")
            server = json.loads(text).get("servers", {}).get("", {}) if code == 200 else {}
            if server.get("ready"):
                return time.monotonic() - began
            if code == 200 and not server:  # the spawn failed and the hub forgot the server
                break
            await asyncio.sleep(1)
        self.failure(name, "spawn", RuntimeError(f"server did not start in {time.monotonic() - began:.0f} s"))
        return None

    async def connect(self, name: str):
        """The websocket of `name`'s kernel, through the proxy and the single-user server."""
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        ws_url = (
            self.url.replace("http://", "ws://") + f"/user/{name}/api/kernels/{self.kernels[name]}/channels"
            f"?session_id={uuid.uuid4().hex}"
        )
        ws = await websocket_connect(
            HTTPRequest(
                ws_url,
                headers={"Authorization": f"token {self.tokens[name]}"},
                connect_timeout=120,  # tornado's 20 s is less patient than a browser on a busy server
                request_timeout=120,
            ),
            max_message_size=64 * 2**20,
        )
        self.sockets.append(ws)
        return ws

    async def start_kernel(self, name: str):
        phase = "kernel start (REST)"
        try:
            code, text = await self.http(
                "POST", f"/user/{name}/api/kernels", token=self.tokens[name], body={"name": "python3"}
            )
            if code != 201:
                raise RuntimeError(f"kernel for {name}: HTTP {code} {text[:200]}")
            self.kernels[name] = json.loads(text)["id"]
            phase = "connect (websocket)"
            ws = await self.connect(name)
            phase = "import cell"
            started = time.monotonic()
            await execute(ws, name, IMPORT_CELL, timeout=180)
            self.import_seconds.append(time.monotonic() - started)
            return ws
        except Exception as exc:
            self.failure(name, phase, exc)
            raise

    async def work(self, name: str, ws) -> None:
        """One cell every period, at a random phase, for as long as the bench runs.

        A websocket that closes is opened again once (as JupyterLab does), counted in `reconnects` and printed;
        the cell that failed still counts as failed.
        """
        period = self.args.period
        await asyncio.sleep(random.uniform(0, period))
        while not self.stopping:
            began = time.monotonic()
            step = self.recording
            try:
                took = await execute(ws, name, WORK_CELL, timeout=CELL_TIMEOUT)
                if step is not None and step is self.recording:
                    step.latencies.append(took)
            except Exception as exc:  # noqa: BLE001 (counted and shown; one participant's failure is a figure)
                if self.stopping:
                    return
                if step is not None:
                    step.failed += 1
                else:
                    self.between_steps_failed += 1
                self.failure(name, "work cell", exc)
                if isinstance(exc, SocketClosed) or getattr(ws, "protocol", None) is None:
                    if self.reconnects.get(name, 0) >= 1:
                        return
                    self.reconnects[name] = self.reconnects.get(name, 0) + 1
                    try:
                        ws = await self.connect(name)
                    except Exception as again:  # noqa: BLE001
                        self.failure(name, "reconnect (websocket)", again)
                        return
                    print(f"  {name}: websocket reconnected (reconnect counted)", flush=True)
            await asyncio.sleep(max(0.0, period - (time.monotonic() - began)))


async def execute(ws, user: str, code: str, *, timeout: float) -> float:
    """Run `code` in the kernel behind `ws` (Jupyter's messaging protocol over the websocket); returns seconds."""
    msg_id = uuid.uuid4().hex
    message = {
        "header": {
            "msg_id": msg_id,
            "username": user,
            "session": uuid.uuid4().hex,
            "msg_type": "execute_request",
            "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
        "parent_header": {},
        "metadata": {},
        "buffers": [],
        "channel": "shell",
        "content": {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    }
    started = time.monotonic()
    await ws.write_message(json.dumps(message))
    while True:
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            raise TimeoutError(f"no reply within {timeout:.0f} s")
        raw = await asyncio.wait_for(ws.read_message(), left)
        if raw is None:
            raise SocketClosed(getattr(ws, "close_code", None), getattr(ws, "close_reason", None))
        reply = json.loads(raw)
        if reply.get("parent_header", {}).get("msg_id") != msg_id or reply.get("msg_type") != "execute_reply":
            continue
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        return time.monotonic() - started


# -- the ramp ---------------------------------------------------------------------------------------------------
def _row(step: Step) -> str:
    def fmt(x: float) -> str:
        return "-" if math.isnan(x) else f"{x:.2f}"

    rss = f"{percentile(step.rss_mb, 50):.0f}" if step.rss_mb else "-"
    pss = f"{percentile(step.pss_mb, 50):.0f}" if step.pss_mb else "-"
    return (
        f"{step.users:>12} {step.spawn_seconds:>9.1f} {len(step.latencies):>6} {fmt(step.p50):>7} "
        f"{fmt(step.p95):>7} {fmt(max(step.latencies, default=math.nan)):>7} {step.failed:>6} {rss:>8} "
        f"{pss:>8} {step.load:>6.1f} {step.available_mb / 1024:>6.1f}  {'yes' if step.holds() else 'NO'}"
    )


async def ramp(bench: Bench, args) -> list[Step]:
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=max(64, 2 * args.n))
    await bench.wait_for_hub()
    print(f"hub up on {bench.url} (root {bench.root})", flush=True)
    print(
        f"{'participants':>12} {'spawn s':>9} {'cells':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
        f"{'failed':>6} {'RSS MB':>8} {'PSS MB':>8} {'load':>6} {'avail':>6}  holds",
        flush=True,
    )
    steps: list[Step] = []
    users: list[str] = []
    start_available = mem_available_mb()
    while len(users) < args.n:
        new = [f"{bench.tag}p{i:03d}" for i in range(len(users), min(len(users) + args.step, args.n))]
        # this machine has no room for swapping: stop before memory runs short, for the others' sake
        if users:
            each = max(0.0, start_available - mem_available_mb()) / len(users)
            need = len(new) * each + args.reserve_mb
            if mem_available_mb() < need:
                bench.memory_stop = (
                    f"not started: {len(users) + len(new)} participants would need ~{need / 1024:.1f} GiB "
                    f"({len(new)} x {each:.0f} MB + {args.reserve_mb / 1024:.0f} GiB kept free), "
                    f"{mem_available_mb() / 1024:.1f} GiB available"
                )
                print(f"  memory: {bench.memory_stop}", flush=True)
                break
        bench.add_accounts(new)
        for name in new:
            await bench.login(name)
        step = Step(users=len(users) + len(new))
        began = time.monotonic()
        started = await asyncio.gather(*(bench.spawn(n) for n in new))
        step.spawn_seconds = time.monotonic() - began
        step.failed += started.count(None)
        ready = [n for n, took in zip(new, started) if took is not None]
        kernels = await asyncio.gather(*(bench.start_kernel(n) for n in ready), return_exceptions=True)
        for name, ws in zip(ready, kernels):
            if isinstance(ws, BaseException):
                step.failed += 1  # printed by Bench.failure
                continue
            bench.workers.append(asyncio.create_task(bench.work(name, ws)))
        users += new
        step.failed += bench.between_steps_failed
        bench.between_steps_failed = 0
        bench.recording = step
        await asyncio.sleep(args.duration)
        bench.recording = None
        for rss, pss in memory_by_user(users).values():
            step.rss_mb.append(rss)
            step.pss_mb.append(pss)
        step.load, step.available_mb = os.getloadavg()[0], mem_available_mb()
        steps.append(step)
        print(_row(step), flush=True)
        if not step.holds() and not args.keep_going:
            break
    return steps


async def start_only(bench: Bench, args) -> None:
    """`--start-only N`: N first logins at once (each copies the lessons), servers only, no kernels."""
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=max(64, 2 * args.start_only))
    await bench.wait_for_hub()
    print(f"hub up on {bench.url} (root {bench.root})", flush=True)
    names = [f"{bench.tag}p{i:03d}" for i in range(args.start_only)]
    bench.add_accounts(names)
    for name in names:
        await bench.login(name)
    load = os.getloadavg()
    began = time.monotonic()
    took = await asyncio.gather(*(bench.spawn(n) for n in names))
    total = time.monotonic() - began
    ready = [t for t in took if t is not None]
    memory = memory_by_user(names)
    rss = [r for r, _ in memory.values()]
    print(
        f"started {len(ready)} of {len(names)} single-user servers at once in {total:.0f} s (first request to the "
        f"last one ready); per server: median {percentile(ready, 50):.0f} s, 95th percentile "
        f"{percentile(ready, 95):.0f} s, slowest {max(ready, default=math.nan):.0f} s"
    )
    print(
        f"memory per server (no kernel yet): RSS median {percentile(rss, 50):.0f} MB; load average before "
        f"{' '.join(f'{x:.2f}' for x in load)}, after {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"({os.cpu_count()} cores; the machine may be shared with other work)",
        flush=True,
    )


def report(
    steps: list[Step], bench: Bench, args, *, mem_before: float, mem_after: float, load: tuple
) -> None:
    print()
    print(
        f"machine: {os.cpu_count()} cores, {mem_before / 1024:.1f} GiB available at the start; load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} when it began (the machine may be shared with other work)"
    )
    print(
        f"each participant: one cell every {args.period:.0f} s; measured {args.duration:.0f} s after each step "
        f"of {args.step}"
    )
    if bench.import_seconds:
        print(
            f"kernel start + imports (pandas, matplotlib, ipywidgets, camp): median "
            f"{percentile(bench.import_seconds, 50):.1f} s, slowest {max(bench.import_seconds):.1f} s"
        )
    last = steps[-1] if steps else None
    if last and last.rss_mb:
        print(
            f"memory per participant (server + kernel), at {last.users}: RSS median "
            f"{percentile(last.rss_mb, 50):.0f} MB (max {max(last.rss_mb):.0f}), PSS median "
            f"{percentile(last.pss_mb, 50):.0f} MB; MemAvailable fell {mem_before - mem_after:.0f} MB in all, "
            f"{(mem_before - mem_after) / last.users:.0f} MB a participant"
        )
    shown = set()
    for count in sorted({50, args.n}):
        took = time_to_start(steps, count)
        reached = next((s.users for s in steps if s.users >= count), None)
        if took is not None and reached not in shown:
            shown.add(reached)
            print(
                f"time to start {reached} single-user servers (the first step reaching {count}; steps of "
                f"{args.step}, the earlier ones working): {took:.0f} s; all {args.step} of a step at once: "
                + ", ".join(f"{s.spawn_seconds:.0f}" for s in steps)
                + " s (--start-only 50: 50 at once)"
            )
    if last and last.users < 50:
        print(f"time to start 50 single-user servers: not measured (this run went to {last.users})")
    print(
        f"websocket reconnects: {sum(bench.reconnects.values())}"
        + (
            f" ({', '.join(f'{u}: {n}' for u, n in sorted(bench.reconnects.items()))})"
            if bench.reconnects
            else ""
        )
    )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if bench.memory_stop:
        print(f"memory stopped the ramp: {bench.memory_stop}")
    stop = stops_at(steps)
    if stop is None:
        print(
            f"where it stops: not reached; {last.users if last else 0} participants held "
            f"(median <= {P50_LIMIT:.0f} s, 95th percentile <= {P95_LIMIT:.0f} s)"
        )
    else:
        held = max((s.users for s in steps if s.users < stop and s.holds()), default=0)
        print(
            f"where it stops: at {stop} participants (median or 95th percentile over {P50_LIMIT:.0f} s / "
            f"{P95_LIMIT:.0f} s, or a failure); {held} held"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.hubbench", description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="participants at most (default 100)")
    parser.add_argument("--step", type=int, default=10, help="participants added per ramp step (default 10)")
    parser.add_argument(
        "--duration", type=float, default=90, help="seconds measured after each step (default 90)"
    )
    parser.add_argument("--period", type=float, default=30, help="seconds between a participant's cells (30)")
    parser.add_argument("--spawn-timeout", type=float, default=300, help="seconds a server may take to start")
    parser.add_argument("--keep-going", action="store_true", help="ramp on past the step where it stops")
    parser.add_argument(
        "--reserve-mb",
        type=float,
        default=3072,
        help="MemAvailable kept free: no step starts that would leave less (default 3072)",
    )
    parser.add_argument(
        "--start-only",
        type=int,
        metavar="N",
        default=0,
        help="only start N single-user servers at once (first logins) and print how long that took",
    )
    parser.add_argument(
        "--debug-servers",
        action="store_true",
        help="single-user servers log at debug level (kept on a failure)",
    )
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("hubbench needs root: it creates Unix accounts / root (sudo) चाहिए", file=sys.stderr)
        return 1
    for tool in ("useradd", "userdel", "setfacl", "npm", "node"):
        if not shutil.which(tool):
            print(f"hubbench: {tool} is missing / {tool} नहीं मिला", file=sys.stderr)
            return 1
    load = os.getloadavg()
    mem_before = mem_available_mb()
    bench = Bench(args)
    steps: list[Step] = []
    loop = asyncio.new_event_loop()
    try:
        bench.start_hub()
        if args.start_only:
            loop.run_until_complete(start_only(bench, args))
        else:
            steps = loop.run_until_complete(ramp(bench, args))
            mem_after = mem_available_mb()
            report(steps, bench, args, mem_before=mem_before, mem_after=mem_after, load=load)
    except KeyboardInterrupt:
        print("stopped; cleaning up / रोका गया", flush=True)
    finally:
        bench.stopping = True
        for task in bench.workers:
            task.cancel()
        for ws in bench.sockets:
            ws.close()
        if bench.workers:
            loop.run_until_complete(asyncio.gather(*bench.workers, return_exceptions=True))
        loop.close()
        print("cleaning up: servers, accounts, groups, files / सफ़ाई", flush=True)
        bench.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
