"""The camp's one model server, shared through JupyterHub: a hub service (`camp-ai`) in front of it.

Each request must carry the person's own JupyterHub token (their single-user server's `JUPYTERHUB_API_TOKEN`,
which `camp.ai` sends as its API key); the hub says whose it is (`HubAuth`, the hub's API) and whether it may
use this service (scope `access:services!service=camp-ai`). Each person gets a number of requests per minute;
one more gets a 429 with a Hindi and English message. Allowed requests go to the OpenAI-compatible server with
the master key, which only this service reads (from a root-only file) and which never reaches a participant,
a notebook or a log. Requests and tokens are counted per person; trainers read them with `camp ai-usage`.

Started by the hub (`register` adds it to JupyterHub's configuration when `CAMP_AI_UPSTREAM` is set):

    CAMP_AI_UPSTREAM                the model server, e.g. http://gpu-box:8000/v1 (vLLM, Ollama, llama.cpp, …)
    CAMP_AI_MASTER_KEY_FILE         its key, one line, mode 0600 (default <CAMP_HUB_ROOT>/hub/ai-master-key)
    CAMP_AI_REQUESTS_PER_MINUTE     per person (default 20); CAMP_AI_RATE_WINDOW: the window in seconds (60)
    CAMP_AI_PROXY_PORT              the service's loopback port (default 8181)
    CAMP_AI_MODEL                   the model participants' `camp.ai` asks for (put in their environment)
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import stat
import sys
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from grader.settings import value as settings_value  # every CAMP_ variable here is declared there

SERVICE = "camp-ai"
DEFAULT_PORT = 8181  # CAMP_AI_PROXY_PORT's default (grader/settings.py)
log = logging.getLogger("camp-ai")


# -- in the hub's configuration ------------------------------------------------------------------------------
def service_url(port: int | None = None) -> str:
    """Where participants' servers reach the service (loopback; the hub's proxy also routes /services/camp-ai/)."""
    port = port or settings_value("ai_proxy_port")
    return f"http://127.0.0.1:{port}/services/{SERVICE}/"


def register(c, settings) -> None:
    """Add the service to JupyterHub's config `c` (grader.hub.configure calls this) when `CAMP_AI_UPSTREAM` is set.

    The service gets the path of the key file, never the key; participants' servers get only the service's
    URL and the model's name. Every user may use the service (an extra user scope), and each single-user
    server's own token carries that scope, so `camp.ai` in a notebook can use it as its key.
    """
    upstream = settings_value("ai_upstream").strip()
    if not upstream:
        return
    url = service_url()
    state = Path(settings_value("hub_state") or settings.state)
    env = {
        "CAMP_AI_UPSTREAM": upstream,
        "CAMP_AI_MASTER_KEY_FILE": settings_value("ai_master_key_file") or str(state / "ai-master-key"),
        "CAMP_AI_USAGE_FILE": settings_value("ai_usage_file") or str(state / "ai-usage.json"),
        "CAMP_AI_REQUESTS_PER_MINUTE": str(settings_value("ai_requests_per_minute")),
        "CAMP_AI_RATE_WINDOW": f"{settings_value('ai_rate_window'):g}",
        "CAMP_HUB_TRAINERS_GROUP": settings.trainers_group,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    c.JupyterHub.services.append(
        {
            "name": SERVICE,
            "url": url.rsplit("/services/", 1)[0],
            "display": False,
            "command": [sys.executable, "-m", "grader.modelproxy"],
            "environment": env,
        }
    )
    c.JupyterHub.extra_user_scopes.add(f"access:services!service={SERVICE}")  # a Set: .add, not .append
    c.Spawner.server_token_scopes = [
        "users:activity!user",
        "access:servers!server",
        f"access:services!service={SERVICE}",
    ]
    c.Spawner.environment.update({"CAMP_AI_HUB_URL": url})
    if settings_value("ai_model"):
        c.Spawner.environment.update({"CAMP_AI_MODEL": settings_value("ai_model")})


# -- the service -----------------------------------------------------------------------------------------------
def _error(status: int, hi: str, en: str, kind: str) -> dict:
    """An OpenAI-shaped error whose message is Hindi and English (the openai client shows `message`)."""
    return {
        "error": {"message": f"{hi} / {en}", "message_hi": hi, "message_en": en, "type": kind, "code": status}
    }


FORBIDDEN = _error(
    403,
    "यह कुंजी कैंप के AI सर्वर के लिए मान्य नहीं है: अपने JupyterHub सर्वर के नोटबुक से चलाएँ, या प्रशिक्षक से पूछें।",
    "This key is not valid for the camp's AI server: run it from a notebook in your JupyterHub server, "
    "or ask your trainer.",
    "invalid_token",
)


def read_master_key(path: Path) -> str:
    """The master key from its file; refused when others may read the file (the key is never shown)."""
    from camp.lang import CampError

    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise CampError(
                f"{path} दूसरे भी पढ़ सकते हैं: chmod 600 करें", f"{path} is readable by others: chmod 600 it"
            )
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CampError(
            f"AI की मुख्य कुंजी की फ़ाइल नहीं पढ़ी जा सकी: {path}",
            f"cannot read the AI master key file {path}: {exc.strerror}",
        ) from None
    if not key:
        raise CampError(f"{path} ख़ाली है", f"{path} is empty")
    return key


class RateLimit:
    """At most `limit` requests per person in any `window` seconds (a sliding window, in memory)."""

    def __init__(self, limit: int, window: float = 60.0):
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}

    def take(self, user: str) -> float:
        """Count one request; 0 when allowed, else the seconds until the next one is."""
        now = time.monotonic()
        seen = self._seen.setdefault(user, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return max(seen[0] + self.window - now, 0.001)
        seen.append(now)
        return 0.0


class Usage:
    """Requests and tokens per person, kept in a JSON file (root's) so a restart loses nothing."""

    FIELDS = ("requests", "refused", "failed", "prompt_tokens", "completion_tokens", "total_tokens")

    def __init__(self, path: Path | None):
        self.path = path
        self.users: dict[str, dict] = {}
        if path and path.is_file():
            self.users = json.loads(path.read_text(encoding="utf-8")).get("users", {})

    def _row(self, user: str) -> dict:
        return self.users.setdefault(user, dict.fromkeys(self.FIELDS, 0))

    def add(self, user: str, *, ok: bool, usage: dict | None = None, refused: bool = False) -> None:
        row = self._row(user)
        if refused:
            row["refused"] += 1
        else:
            row["requests"] += 1
            row["failed"] += 0 if ok else 1
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            value = (usage or {}).get(name)
            row[name] += int(value) if isinstance(value, (int, float)) else 0
        row["last"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.save()

    def snapshot(self) -> dict:
        return {"service": SERVICE, "users": self.users}

    def save(self) -> None:
        if not self.path:
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(self.snapshot(), out, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)


def usage_in(body: bytes, content_type: str) -> dict:
    """The `usage` block of a reply: a JSON body, or the last server-sent event that carries one."""
    text = body.decode("utf-8", "replace")
    if "event-stream" in content_type:
        found: dict = {}
        for line in text.splitlines():
            if line.startswith("data:") and '"usage"' in line:
                try:
                    found = json.loads(line[5:].strip()).get("usage") or found
                except ValueError:
                    continue
        return found
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return (data.get("usage") or {}) if isinstance(data, dict) else {}


@dataclass
class Proxy:
    upstream: str
    master_key: str
    limit: RateLimit
    usage: Usage
    trainers_group: str = "camp-trainers"
    prefix: str = f"/services/{SERVICE}/"
    auth: object = None  # jupyterhub.services.auth.HubAuth

    async def identify(self, token: str) -> str | None:
        """The hub user this token belongs to, if it may use this service; None otherwise (asks the hub)."""
        from jupyterhub.services.auth import check_scopes

        model = await self.auth.user_for_token(token, sync=False)
        if not model or model.get("kind") != "user":
            return None
        if not check_scopes({f"access:services!service={SERVICE}"}, set(model.get("scopes", []))):
            log.info(
                "refused a token of %s: it lacks access to %s (scopes %s)",
                model.get("name"),
                SERVICE,
                sorted(model.get("scopes", [])),
            )
            return None
        return model["name"]

    def is_trainer(self, user: str) -> bool:
        from grader.hub import members

        return user in members(self.trainers_group)


def make_app(proxy: Proxy):
    from tornado import httpclient, web

    class Base(web.RequestHandler):
        def send_json(self, status: int, payload: dict, headers: dict | None = None) -> None:
            self.set_status(status)
            self.set_header("Content-Type", "application/json; charset=utf-8")
            for name, value in (headers or {}).items():
                self.set_header(name, value)
            self.finish(json.dumps(payload, ensure_ascii=False))

        async def person(self) -> str | None:
            """The hub user behind this request's bearer token; answers 403 (or 503) itself when none."""
            found = re.match(
                r"(?:token|bearer)\s+(\S+)\s*$", self.request.headers.get("Authorization", ""), re.I
            )
            user = None
            if found:
                try:
                    user = await proxy.identify(found.group(1))
                except Exception:  # noqa: BLE001 (the hub is down or slow: say so, never let anyone through)
                    log.exception("the hub did not answer a token check")
                    self.send_json(
                        503,
                        _error(
                            503,
                            "JupyterHub से जाँच नहीं हो सकी: थोड़ी देर बाद फिर चलाएँ।",
                            "JupyterHub could not check the key: try again in a little while.",
                            "hub_unavailable",
                        ),
                    )
                    return None
            if not user:
                self.send_json(403, FORBIDDEN)
            return user

        async def forward(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, str]:
            """Send the request on with the master key; the reply streams back as it comes. (status, body, type)"""
            state: dict = {"status": 502, "type": "", "started": False}
            received: list[bytes] = []
            secret = proxy.master_key.encode("utf-8")

            def redact(data: bytes) -> bytes:  # some servers quote the key they refused in their error
                return data.replace(secret, b"***")

            def header(line: str) -> None:
                if line.startswith("HTTP/"):
                    state["status"] = int(line.split()[1])
                elif line.lower().startswith(("content-type:", "retry-after:")):
                    name, _, value = line.partition(":")
                    state[name.strip().lower()] = value.strip()
                    state["type"] = state.get("content-type", "")

            def chunk(data: bytes) -> None:
                if not state["started"]:
                    state["started"] = True
                    self.set_status(state["status"])
                    for name in ("content-type", "retry-after"):
                        if state.get(name):
                            self.set_header(name.title(), state[name])
                received.append(data)
                if state["status"] >= 400 or self.request.connection.stream.closed():
                    return  # an error is sent whole, below; a participant who went away: read on, for the count
                self.write(redact(data))
                self.flush().add_done_callback(lambda done: done.exception())  # a hang-up is not news

            request = httpclient.HTTPRequest(
                proxy.upstream + path,
                method=method,
                body=body,
                headers={"Authorization": f"Bearer {proxy.master_key}", "Content-Type": "application/json"},
                connect_timeout=20,
                request_timeout=600,
                header_callback=header,
                streaming_callback=chunk,
            )
            reply = await httpclient.AsyncHTTPClient().fetch(request, raise_error=False)
            if reply.code == 599 and not state["started"]:
                self.send_json(
                    502,
                    _error(
                        502,
                        "कैंप का AI सर्वर नहीं मिल रहा: प्रशिक्षक को बताएँ।",
                        "The camp's AI server cannot be reached: tell your trainer.",
                        "upstream_unavailable",
                    ),
                )
                return 502, b"", ""
            if not state["started"]:  # no body (or an error before one): the status still goes back
                self.set_status(state["status"] if reply.code != 599 else 502)
            elif state["status"] >= 400:
                self.write(redact(b"".join(received)))
            self.finish()
            return state["status"], b"".join(received), state["type"]

    class Chat(Base):
        async def post(self) -> None:
            user = await self.person()
            if not user:
                return
            try:
                if not isinstance(json.loads(self.request.body or b"null"), dict):
                    raise ValueError
            except ValueError:
                self.send_json(
                    400, _error(400, "अनुरोध JSON नहीं है।", "The request is not JSON.", "invalid_request")
                )
                return
            wait = proxy.limit.take(user)
            if wait:
                proxy.usage.add(user, ok=False, refused=True)
                per = f"{proxy.limit.limit} / {proxy.limit.window:g} s"
                self.send_json(
                    429,
                    _error(
                        429,
                        f"बहुत ज़्यादा अनुरोध ({per}): {math.ceil(wait)} सेकंड रुककर फिर चलाएँ।",
                        f"Too many requests ({per}): wait {math.ceil(wait)} s and run it again.",
                        "rate_limit_exceeded",
                    ),
                    {"Retry-After": str(math.ceil(wait))},
                )
                return
            status, body, kind = await self.forward("POST", "/chat/completions", self.request.body)
            proxy.usage.add(user, ok=200 <= status < 300, usage=usage_in(body, kind))

    class Models(Base):
        async def get(self) -> None:
            if await self.person():
                await self.forward("GET", "/models")

    class UsageHandler(Base):
        async def get(self) -> None:
            user = await self.person()
            if not user:
                return
            if not proxy.is_trainer(user):
                self.send_json(
                    403,
                    _error(
                        403,
                        "उपयोग की गिनती केवल प्रशिक्षक देख सकते हैं।",
                        "Only trainers can see the usage figures.",
                        "trainers_only",
                    ),
                )
                return
            self.send_json(200, proxy.usage.snapshot())

    class Root(Base):
        def get(self) -> None:
            self.send_json(200, {"service": SERVICE})

    p = re.escape(proxy.prefix.rstrip("/"))
    return web.Application(
        [
            (rf"{p}/v1/chat/completions/?", Chat),
            (rf"{p}/v1/models/?", Models),
            (rf"{p}/usage/?", UsageHandler),
            (rf"{p}/?", Root),
        ]
    )


def proxy_from_env() -> Proxy:
    from jupyterhub.services.auth import HubAuth

    from camp.lang import CampError

    upstream = settings_value("ai_upstream").strip().rstrip("/")
    if not upstream:
        raise CampError("CAMP_AI_UPSTREAM सेट नहीं है", "CAMP_AI_UPSTREAM (the model server's URL) is not set")
    key_file = settings_value("ai_master_key_file")
    if not key_file:
        raise CampError("CAMP_AI_MASTER_KEY_FILE सेट नहीं है", "CAMP_AI_MASTER_KEY_FILE is not set")
    usage = settings_value("ai_usage_file")
    return Proxy(
        upstream=upstream,
        master_key=read_master_key(Path(key_file)),
        limit=RateLimit(
            settings_value("ai_requests_per_minute"),
            settings_value("ai_rate_window"),
        ),
        usage=Usage(Path(usage) if usage else None),
        trainers_group=settings_value("hub_trainers_group"),
        prefix=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE}/"),
        auth=HubAuth(cache_max_age=60),  # JUPYTERHUB_API_URL and the service's own token come from the hub
    )


def main() -> int:
    """Run the service on the loopback port JupyterHub gave it (`JUPYTERHUB_SERVICE_URL`)."""
    import asyncio

    from camp.lang import CampError

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[camp-ai %(asctime)s] %(message)s"))
    for name in (
        "camp-ai",
        "tornado.access",
        "tornado.application",
    ):  # paths and statuses; never a key or token
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    try:
        proxy = proxy_from_env()
    except CampError as exc:
        print(f"camp-ai: error: {exc.en} / {exc.hi}", file=sys.stderr)
        return 1
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL") or service_url())

    async def serve() -> None:
        make_app(proxy).listen(
            url.port or DEFAULT_PORT, address=url.hostname or "127.0.0.1", max_body_size=8 * 1024 * 1024
        )
        log.info(
            "serving %s on %s (upstream %s, %d requests / %g s per person)",
            proxy.prefix,
            url.netloc,
            proxy.upstream,
            proxy.limit.limit,
            proxy.limit.window,
        )
        await asyncio.Event().wait()

    asyncio.run(serve())
    return 0


# -- for the trainer: `camp ai-usage` ----------------------------------------------------------------------------
def fetch_usage(*, url: str | None = None, token: str | None = None, file: Path | None = None) -> dict:
    """The usage figures: from the service (a trainer's own hub token), or from its file (root on the server)."""
    import urllib.error
    import urllib.request

    from camp.lang import CampError

    if file:
        return json.loads(Path(file).read_text(encoding="utf-8"))
    url = url or settings_value("ai_hub_url")
    token = token or os.environ.get("JUPYTERHUB_API_TOKEN")
    if not url or not token:
        raise CampError(
            "कैंप का AI सर्वर नहीं मिला: यह कमांड JupyterHub के अपने सर्वर के टर्मिनल में चलाएँ (या root: --file)।",
            "the camp's AI service is not set here: run this in a terminal of your JupyterHub server "
            "(or, as root on the server, with --file).",
        )
    request = urllib.request.Request(url.rstrip("/") + "/usage", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            error = json.loads(exc.read().decode("utf-8"))["error"]
            raise CampError(error["message_hi"], error["message_en"]) from None
        except (ValueError, KeyError):
            raise CampError(
                f"AI सेवा ने मना किया ({exc.code})", f"the AI service refused ({exc.code})"
            ) from None
    except urllib.error.URLError as exc:
        raise CampError(
            "कैंप की AI सेवा से जुड़ नहीं पाए", f"cannot reach the camp's AI service: {exc.reason}"
        ) from None


def usage_table(data: dict) -> str:
    """One line per person: requests, refused (rate limit), failed, and tokens; a total line at the end."""
    cols = ("requests", "refused", "failed", "prompt_tokens", "completion_tokens", "total_tokens")
    head = "user / व्यक्ति\trequests / अनुरोध\trefused (429)\tfailed\tprompt tokens\tcompletion tokens\ttotal tokens"
    users = data.get("users", {})
    lines = [head] + [
        f"{name}\t" + "\t".join(str(row.get(c, 0)) for c in cols) for name, row in sorted(users.items())
    ]
    lines.append("TOTAL / कुल\t" + "\t".join(str(sum(row.get(c, 0) for row in users.values())) for c in cols))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
