"""A tiny OpenAI-compatible server for tests: real HTTP on 127.0.0.1, scripted failures, recorded requests.

It answers `POST /v1/chat/completions` (plain, streamed as server-sent events, and structured output
when `response_format` carries a JSON schema) with a `usage` block, and `GET /v1/models`.
`fail(status, times)` and `slow(seconds, times)` script the next requests; every request is kept in
`requests` (body as text and parsed, and the key it carried) so tests can search what was sent.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def count_tokens(text: str) -> int:
    """The fake's tokenizer: one token per four bytes of UTF-8 (so Hindi costs more, as in real life)."""
    return math.ceil(len(text.encode("utf-8")) / 4)


@dataclass
class Request:
    path: str
    raw: str
    body: Any
    key: str  # the bearer token sent


class FakeAI:
    """Start with `with FakeAI() as fake:`; point the client at `fake.url`."""

    def __init__(self, models: tuple[str, ...] = ("fake-model", "fake-small")):
        self.models = list(models)
        self.requests: list[Request] = []
        self.reply: str | Callable[[dict], str] = "नमस्ते! Hello from the fake model."
        #: criterion id -> score for structured output; missing ids get 1; a callable gets the request body
        self.scores: dict[str, Any] | Callable[[dict], dict] = {}
        self.usages: list[dict[str, int]] = []  # the usage blocks sent back, in order
        #: False: answer 400 to a JSON-schema response_format, as servers without structured output do
        self.json_schema = True
        self._script: list[tuple[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.handle_error = lambda request, address: None  # a client that hung up is not news
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeAI:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- scripting ---------------------------------------------------------------------------------
    def fail(self, status: int, times: int = 1, *, retry_after: float | None = None) -> None:
        """The next `times` chat requests get this HTTP error."""
        with self._lock:
            self._script += [("fail", (status, retry_after))] * times

    def slow(self, seconds: float, times: int = 1) -> None:
        """The next `times` chat requests wait this long before answering."""
        with self._lock:
            self._script += [("slow", seconds)] * times

    def broken_json(self, times: int = 1) -> None:
        """The next `times` structured-output replies are not JSON."""
        with self._lock:
            self._script += [("broken", None)] * times

    def _next(self) -> tuple[str, Any] | None:
        with self._lock:
            return self._script.pop(0) if self._script else None

    # -- what it answers ---------------------------------------------------------------------------
    def _content(self, body: dict, step: tuple[str, Any] | None) -> str:
        fmt = body.get("response_format") or {}
        if fmt.get("type") not in ("json_schema", "json_object"):
            return self.reply(body) if callable(self.reply) else self.reply
        if step and step[0] == "broken":
            return "Sure! Here are the scores: audience good, clarity fine."
        chosen = self.scores(body) if callable(self.scores) else self.scores
        if fmt["type"] == "json_schema":
            ids = list(fmt["json_schema"]["schema"]["properties"]["scores"]["properties"])
        else:  # JSON mode knows no schema: every criterion id the test named
            ids = list(chosen)
        result = {
            "scores": {cid: chosen.get(cid, 1) for cid in ids},
            "comment_hi": "अच्छा प्रयास, श्रोता और स्पष्ट करें।",
            "comment_en": "Good try; name the audience.",
        }
        return json.dumps(result, ensure_ascii=False)

    def _usage(self, body: dict, content: str) -> dict[str, int]:
        prompt = sum(count_tokens(str(m.get("content", ""))) + 3 for m in body.get("messages", []))
        usage = {"prompt_tokens": prompt, "completion_tokens": count_tokens(content)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        with self._lock:
            self.usages.append(usage)
        return usage

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    data = [{"id": m, "object": "model", "owned_by": "fake"} for m in fake.models]
                    self._send(200, {"object": "list", "data": data})
                else:
                    self._send(404, {"error": {"message": "no such path", "type": "not_found"}})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                with fake._lock:
                    fake.requests.append(Request(self.path, raw, body, key))
                if not self.path.endswith("/chat/completions") or not isinstance(body, dict):
                    self._send(404, {"error": {"message": "no such path", "type": "not_found"}})
                    return
                step = fake._next()
                if step and step[0] == "slow":
                    time.sleep(step[1])
                if step and step[0] == "fail":
                    status, retry_after = step[1]
                    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                    message = {
                        401: "Incorrect API key provided: " + key,
                        404: "model not found",
                        429: "rate limit reached",
                        500: "internal error",
                    }.get(status, "error")
                    self._send(
                        status, {"error": {"message": message, "type": "fake", "code": status}}, headers
                    )
                    return
                if not fake.json_schema and (body.get("response_format") or {}).get("type") == "json_schema":
                    self._send(400, {"error": {"message": "response_format json_schema is not supported"}})
                    return
                if body.get("model") not in fake.models:
                    self._send(
                        404,
                        {
                            "error": {
                                "message": f"model '{body.get('model')}' not found",
                                "type": "invalid_request_error",
                                "code": "model_not_found",
                            }
                        },
                    )
                    return
                content = fake._content(body, step)
                usage = fake._usage(body, content)
                if body.get("stream"):
                    self._stream(body, content, usage)
                    return
                self._send(
                    200,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body["model"],
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": content},
                            }
                        ],
                        "usage": usage,
                    },
                )

            def _stream(self, body: dict, content: str, usage: dict) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                base = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": body["model"],
                }
                pieces = [content[i : i + 5] for i in range(0, len(content), 5)]
                for i, piece in enumerate(pieces):
                    delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
                    self._event({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                if (body.get("stream_options") or {}).get("include_usage"):
                    self._event({**base, "choices": [], "usage": usage})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, payload: dict) -> None:
                self.wfile.write(
                    b"data: " + json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n\n"
                )
                self.wfile.flush()

        return Handler
