"""Talk to an AI model through any OpenAI-compatible endpoint: chat, status, token usage, a key widget.

Lessons call `chat()`, which never stops a lesson: when nothing is configured, or the server says no,
it prints one sentence in Hindi and English saying what happened and what to do, and returns "".
Code that must know about failures (the trainer's AI grading, `camp ai check`) calls `ask()`, which
raises `AIError` (a `CampError`) with the same sentence instead.

Where the endpoint, model and key come from is described in `camp.aiconfig` and docs/ai.md.
A key is never printed, logged or stored in a notebook: `status()` shows it masked as "sk-…abcd".
"""

from __future__ import annotations

import logging
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from camp import aiconfig
from camp.aiconfig import PRESETS, Settings
from camp.lang import CampError, bi

log = logging.getLogger("camp.ai")
log.addHandler(logging.NullHandler())  # a lesson shows our one sentence, not Python's last-resort log line

ESTIMATE = "estimate / अनुमान"


class AIError(CampError):
    """An AI call that did not work, told in one sentence in Hindi and English; `kind` says which."""

    def __init__(self, kind: str, hi: str, en: str):
        self.kind = kind
        super().__init__(hi, en)


# -- status and configuration --------------------------------------------------------------------


@dataclass(frozen=True)
class AIStatus:
    """What camp.ai will talk to. The key appears only masked."""

    configured: bool
    provider: str
    model: str
    endpoint: str
    key: str
    sources: dict[str, str]
    problem: str = ""

    def __str__(self) -> str:
        lines = [
            f"{bi('जुड़ा है', 'configured')}: {'✅ yes / हाँ' if self.configured else '❌ no / नहीं'}",
            f"{bi('प्रदाता', 'provider')}: {self.provider or '—'}",
            f"{bi('मॉडल', 'model')}: {self.model or '—'}",
            f"endpoint: {self.endpoint or '—'}",
            f"{bi('कुंजी', 'key')}: {self.key}",
        ]
        if self.problem:
            lines.append(self.problem)
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- {line}" for line in str(self).splitlines())


def status() -> AIStatus:
    """Which provider, model and endpoint camp.ai uses, and whether it is ready (the key masked).

    Example:
        >>> camp.ai.status()  # doctest: +SKIP
        configured / जुड़ा है: ✅ yes / हाँ ...
    """
    settings = aiconfig.resolve()
    problem = ""
    if settings.problem is not None:
        problem = str(settings.problem)
    elif not settings.configured:
        problem = str(_not_configured())
    return AIStatus(
        configured=settings.configured,
        provider=settings.provider,
        model=settings.model,
        endpoint=settings.base_url,
        key=settings.masked_key,
        sources=dict(settings.sources),
        problem=problem,
    )


def configure(
    *,
    provider: str | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    clear: bool = False,
) -> AIStatus:
    """Use these settings for this session only (kept in memory, never written to the notebook or disk).

    Settings given here win over the environment and the config file; `clear=True` forgets them all.
    Do not type a key into a notebook cell (it would be saved with the notebook): use `key_widget()`.

    Example:
        >>> camp.ai.configure(provider="ollama", base_url="http://camp-server:11434/v1")  # doctest: +SKIP
    """
    if clear:
        aiconfig.session.clear()
    given = {"provider": provider, "api_key": api_key, "base_url": base_url, "model": model}
    if provider and provider.strip().lower() not in (*PRESETS, aiconfig.CUSTOM):
        raise aiconfig._unknown_provider(provider)
    if provider and provider.strip().lower() != aiconfig.session.get("provider"):
        # a new provider brings its own endpoint and model, and never inherits the last one's key
        for key in ("base_url", "model", "api_key"):
            aiconfig.session.pop(key, None)
    aiconfig.session.update({k: v.strip() for k, v in given.items() if v})
    if "provider" in aiconfig.session:
        aiconfig.session["provider"] = aiconfig.session["provider"].lower()
    _clients.clear()
    return status()


def key_widget():
    """A small form to connect for this session: provider, optional server address, and the key.

    The key box is a password box, emptied the moment "Connect" is pressed, so the key is not
    kept in the widget (JupyterLab may save widget state into the notebook).
    """
    import ipywidgets as w

    current = aiconfig.resolve().provider
    provider = w.Dropdown(
        options=[*PRESETS, aiconfig.CUSTOM],
        value=current if current in (*PRESETS, aiconfig.CUSTOM) else "openai",
        description=bi("प्रदाता", "provider"),
    )
    base_url = w.Text(placeholder="http://camp-server:11434/v1 (optional / वैकल्पिक)", description="URL")
    model = w.Text(placeholder=bi("अपने-आप", "preset default"), description=bi("मॉडल", "model"))
    key = w.Password(placeholder=bi("API कुंजी", "API key"), description=bi("कुंजी", "key"))
    button = w.Button(description=bi("जोड़ें", "Connect"), icon="plug", button_style="primary")
    result = w.HTML()

    def connect(_button=None) -> None:
        secret = key.value
        key.value = ""  # cleared right after use
        try:
            current = configure(
                provider=provider.value,
                api_key=secret or None,
                base_url=base_url.value or None,
                model=model.value or None,
            )
        except CampError as exc:
            result.value = f"<span style='color:#b00'>{exc.hi}<br>{exc.en}</span>"
            return
        result.value = "<br>".join(str(current).splitlines())

    button.on_click(connect)
    box = w.VBox([provider, base_url, model, key, button, result])
    box.connect = connect  # tests and notebooks can press it
    return box


# -- calling the model ----------------------------------------------------------------------------

_clients: dict[tuple, Any] = {}


def _client(settings: Settings):
    import openai

    ident = (settings.base_url, hash(settings.api_key), settings.timeout)
    if ident not in _clients:
        _clients.clear()
        # our own retries (tiny, configurable delays; one clear message at the end), not the library's
        _clients[ident] = openai.OpenAI(
            api_key=settings.api_key, base_url=settings.base_url, timeout=settings.timeout, max_retries=0
        )
    return _clients[ident]


def _settings() -> Settings:
    settings = aiconfig.resolve()
    if settings.problem is not None:
        raise AIError("config", settings.problem.hi, settings.problem.en)
    if not settings.configured:
        raise _not_configured()
    return settings


def _not_configured() -> AIError:
    return AIError(
        "not_configured",
        "AI अभी जुड़ा नहीं है: नोटबुक में `camp.ai.key_widget()` चलाकर कुंजी डालें, या प्रशिक्षक के बताए "
        "OPENAI_BASE_URL / OPENAI_API_KEY सेट करें (docs/ai.md देखें)।",
        "AI is not connected yet: run `camp.ai.key_widget()` in a notebook to enter a key, or set "
        "OPENAI_BASE_URL / OPENAI_API_KEY as your trainer says (see docs/ai.md).",
    )


def _redact(text: str, settings: Settings) -> str:
    if settings.api_key and settings.api_key != aiconfig.NO_KEY:
        text = text.replace(settings.api_key, settings.masked_key)
    return " ".join(text.split())[:200]


def _server_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        body = body.get("message") or body.get("error") or body
    return str(body or getattr(exc, "message", "") or exc)


def _available_models(settings: Settings) -> str:
    try:
        names = [m.id for m in _client(settings).models.list()]
    except Exception:  # only a hint for the message; the server may not list models
        return ""
    return ", ".join(names[:8])


def _translate(exc: Exception, settings: Settings, model: str, tries: int) -> AIError:
    """One bilingual sentence for whatever the openai client raised."""
    import openai

    url = settings.base_url
    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return AIError(
            "auth",
            f"API कुंजी स्वीकार नहीं हुई ({url} ने मना किया): सही कुंजी डालें या प्रशिक्षक से पूछें।",
            f"The API key was refused by {url}: enter a valid key, or ask your trainer.",
        )
    if isinstance(exc, openai.NotFoundError):
        available = _available_models(settings)
        hint_hi = f" (उपलब्ध: {available})" if available else ""
        hint_en = f" (available: {available})" if available else ""
        return AIError(
            "model",
            f"मॉडल '{model}' {url} पर नहीं मिला: CAMP_AI_MODEL में कोई उपलब्ध मॉडल लिखें{hint_hi}।",
            f"Model '{model}' was not found at {url}: set CAMP_AI_MODEL to a model it has{hint_en}.",
        )
    if isinstance(exc, openai.RateLimitError):
        return AIError(
            "rate_limit",
            f"बहुत ज़्यादा अनुरोध (429, {tries} बार कोशिश की): एक मिनट रुककर फिर चलाएँ।",
            f"Too many requests (429, tried {tries} times): wait a minute and run it again.",
        )
    if isinstance(exc, openai.APITimeoutError):
        return AIError(
            "timeout",
            f"{url} ने {settings.timeout:g} सेकंड में जवाब नहीं दिया ({tries} बार कोशिश की): छोटा प्रश्न लिखें या "
            "थोड़ी देर बाद फिर चलाएँ।",
            f"{url} did not answer within {settings.timeout:g} s (tried {tries} times): try a shorter prompt, "
            "or again in a little while.",
        )
    if isinstance(exc, openai.APIConnectionError):
        return AIError(
            "down",
            f"{url} से जुड़ नहीं पाए: देखें कि AI सर्वर चालू है और इंटरनेट जुड़ा है, फिर चलाएँ।",
            f"Could not reach {url}: check that the AI server is running and you are online, then run it again.",
        )
    if isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
        return AIError(
            "server",
            f"AI सर्वर में गड़बड़ी हुई (त्रुटि {exc.status_code}, {tries} बार कोशिश की): थोड़ी देर बाद फिर चलाएँ; "
            "बार-बार हो तो प्रशिक्षक को बताएँ।",
            f"The AI server had a problem (error {exc.status_code}, tried {tries} times): try again in a little "
            "while, and tell your trainer if it keeps happening.",
        )
    detail = _redact(_server_message(exc), settings)
    code = getattr(exc, "status_code", "")
    return AIError(
        "request",
        f"AI सर्वर ने अनुरोध नहीं माना ({code} {detail}): प्रश्न छोटा करें या दूसरा मॉडल चुनें।",
        f"The AI server refused the request ({code} {detail}): shorten the prompt or choose another model.",
    )


def _retryable(exc: Exception, attempt: int) -> bool:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return attempt == 1  # each wait is a whole timeout: once more, then tell the participant
    if isinstance(exc, openai.RateLimitError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


def _retry_after(exc: Exception) -> float:
    response = getattr(exc, "response", None)
    try:
        return float(response.headers.get("retry-after", 0)) if response is not None else 0.0
    except ValueError:
        return 0.0


def call(make: Callable[[Any], Any], *, model: str = "") -> tuple[Any, Settings]:
    """Run `make(client)` with retries on 429, 5xx and timeouts; returns (result, settings).

    Waits retry_delay, 2×, 4× … between tries (a server's Retry-After is honoured up to 30× the delay);
    a timeout is retried once only, as each try already waited a whole timeout.
    Raises AIError with one bilingual sentence; the library's exception is not chained.
    """
    import openai

    settings = _settings()
    tries = settings.retries + 1
    for attempt in range(1, tries + 1):
        try:
            return make(_client(settings)), settings
        except openai.OpenAIError as exc:
            if attempt < tries and _retryable(exc, attempt):
                delay = min(
                    max(settings.retry_delay * 2 ** (attempt - 1), _retry_after(exc)),
                    30 * settings.retry_delay,
                )
                log.warning(
                    "AI call failed (%s); retry %d of %d in %.2f s",
                    type(exc).__name__,
                    attempt,
                    settings.retries,
                    delay,
                )
                time.sleep(delay)
                continue
            error = _translate(exc, settings, model or settings.model, attempt)
            log.warning("AI call failed: %s", error.en)
            raise error from None
    raise AssertionError("unreachable")


# -- token usage, per session ---------------------------------------------------------------------


@dataclass
class Usage:
    """Tokens used in this session, as the server reported them."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    calls_without_usage: int = 0  # servers that did not report usage

    def __str__(self) -> str:
        return (
            f"{bi('कॉल', 'calls')}: {self.calls}, {bi('प्रश्न के टोकन', 'prompt tokens')}: {self.prompt_tokens}, "
            f"{bi('उत्तर के टोकन', 'completion tokens')}: {self.completion_tokens}, "
            f"{bi('कुल', 'total')}: {self.total_tokens}"
        )


_usage = Usage()


def _tally(usage: Any) -> dict[str, int]:
    _usage.calls += 1
    if usage is None:
        _usage.calls_without_usage += 1
        return {}
    counted = {
        "prompt_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
        "completion_tokens": int(getattr(usage, "completion_tokens", 0) or 0),
    }
    counted["total_tokens"] = int(getattr(usage, "total_tokens", 0) or sum(counted.values()))
    for key, value in counted.items():
        setattr(_usage, key, getattr(_usage, key) + value)
    return counted


def usage() -> Usage:
    """Tokens used so far in this session (a copy)."""
    return Usage(**asdict(_usage))


def reset_usage() -> None:
    """Start counting tokens from zero."""
    global _usage
    _usage = Usage()


# -- what lessons and tools call ------------------------------------------------------------------


def _messages(prompt: str, system: str | None) -> list[dict[str, str]]:
    return ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": prompt}]


def ask(
    prompt: str,
    *,
    system: str | None = None,
    model: str | None = None,
    temperature: float | None = None,
    stream: bool = False,
    response_format: dict | None = None,
    out: Callable[[str], None] | None = None,
) -> str:
    """Send one message and return the reply; raises AIError (one bilingual sentence) when it fails.

    With `stream=True` the reply is passed to `out` (default: printed) piece by piece as it arrives.
    """
    extra: dict[str, Any] = {}
    if temperature is not None:
        extra["temperature"] = temperature
    if response_format is not None:
        extra["response_format"] = response_format

    def make(client):
        name = model or client_model
        if not stream:
            return client.chat.completions.create(model=name, messages=_messages(prompt, system), **extra)
        return client.chat.completions.create(
            model=name,
            messages=_messages(prompt, system),
            stream=True,
            stream_options={"include_usage": True},
            **extra,
        )

    client_model = aiconfig.resolve().model
    response, settings = call(make, model=model or client_model)
    if not stream:
        _tally(response.usage)
        choice = response.choices[0] if response.choices else None
        return (choice.message.content or "") if choice else ""
    return _read_stream(response, settings, model or client_model, out or _print)


def _print(text: str) -> None:
    print(text, end="", flush=True)


def _read_stream(stream: Any, settings: Settings, model: str, out: Callable[[str], None]) -> str:
    import openai

    parts: list[str] = []
    reported = None
    try:
        for chunk in stream:
            if chunk.usage is not None:
                reported = chunk.usage
            for choice in chunk.choices or []:
                text = choice.delta.content if choice.delta else None
                if text:
                    parts.append(text)
                    out(text)
    except openai.OpenAIError as exc:
        raise _translate(exc, settings, model, 1) from None
    if parts:
        out("\n")
    _tally(reported)
    return "".join(parts)


def chat(
    prompt: str,
    *,
    system: str | None = None,
    model: str | None = None,
    temperature: float | None = None,
    stream: bool = False,
) -> str:
    """Ask the model and return its reply; for lessons, so it never stops one.

    When nothing is configured or the call fails, prints one sentence in Hindi and English saying
    what happened and what to do, and returns "" (so a lesson still runs to the end offline).
    With `stream=True` the reply is printed as it arrives, then returned whole.

    Example:
        >>> reply = camp.ai.chat("एक पंक्ति में: सोशल मीडिया क्या है?", stream=True)  # doctest: +SKIP
    """
    try:
        return ask(prompt, system=system, model=model, temperature=temperature, stream=stream)
    except CampError as exc:
        print(f"⚠️ {exc.hi}\n⚠️ {exc.en}", file=sys.stdout)
        return ""


# -- tokens in Hindi and English ------------------------------------------------------------------


@dataclass(frozen=True)
class TokenComparison:
    """How many tokens the same message costs in Hindi and in English."""

    hi_tokens: int
    en_tokens: int
    method: str  # "api" (counted by the server) or ESTIMATE

    @property
    def ratio(self) -> float:
        return self.hi_tokens / self.en_tokens if self.en_tokens else math.inf

    def __str__(self) -> str:
        label = "" if self.method == "api" else f" ({ESTIMATE})"
        return (
            f"हिंदी / Hindi: {self.hi_tokens} tokens{label}\nEnglish / अंग्रेज़ी: {self.en_tokens} tokens{label}\n"
            f"{bi('हिंदी में गुना', 'Hindi costs')} ×{self.ratio:.1f}"
        )

    def _repr_markdown_(self) -> str:
        return "  \n".join(str(self).splitlines())


def estimate_tokens(text: str, model: str | None = None) -> int:
    """Tokens in `text`, counted offline by a real tokenizer (`camp.tokens`, shipped in a package) for `model`
    (default: the configured model; GPT-4o's o200k_base when it is not known). Label it ESTIMATE: the server
    adds a few tokens of chat framing, and an unknown model may use another tokenizer. No fixed Hindi multiplier:
    Hindi's overhead varies by tokenizer (about 3× on GPT-4's cl100k, 1.5× on GPT-4o's o200k for this greeting).

    Example:
        >>> estimate_tokens("Hello, how are you?", "gpt-4o"), estimate_tokens("नमस्ते, आप कैसे हैं?", "gpt-4o")
        (6, 9)
    """
    from camp import tokens

    return tokens.count(text, tokens.encoding_for(model or aiconfig.resolve().model)) if text else 0


_COUNT_SYSTEM = "Reply with the single word OK."


def compare_tokens(hi_text: str, en_text: str) -> TokenComparison:
    """Count the tokens of a Hindi message and its English twin, as the configured model's server counts.

    Both counts include the same few tokens of chat framing. Offline (or when the call fails) it
    prints why and returns an offline estimate, labelled "estimate / अनुमान".

    Example:
        >>> camp.ai.compare_tokens("नमस्ते, आप कैसे हैं?", "Hello, how are you?")  # doctest: +SKIP
    """
    counts = []
    try:
        for text in (hi_text, en_text):

            def make(client, text=text):
                return client.chat.completions.create(
                    model=aiconfig.resolve().model, messages=_messages(text, _COUNT_SYSTEM)
                )

            response, _ = call(make)
            counted = _tally(response.usage)
            if "prompt_tokens" not in counted:
                raise AIError(
                    "request", "सर्वर ने टोकन की गिनती नहीं बताई।", "The server did not report token usage."
                )
            counts.append(counted["prompt_tokens"])
    except CampError as exc:
        print(f"⚠️ {exc.hi}\n⚠️ {exc.en}\n({ESTIMATE})")
        return TokenComparison(estimate_tokens(hi_text), estimate_tokens(en_text), ESTIMATE)
    return TokenComparison(counts[0], counts[1], "api")


# -- `camp ai check` ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    status: AIStatus
    reply: str
    seconds: float
    tokens: int


def check(*, prompt: str = "Reply with the single word OK.") -> CheckResult:
    """Show what is configured and make one tiny test call; raises AIError if it does not work."""
    before = usage().total_tokens
    started = time.monotonic()
    reply = ask(prompt)
    return CheckResult(status(), reply.strip(), time.monotonic() - started, usage().total_tokens - before)
