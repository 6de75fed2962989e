"""Where camp.ai finds its provider, endpoint, model and key: this session, the environment, a user file.

Each setting is taken from the first place that sets it:

1. `camp.ai.configure(...)` in this session (kept in memory only, never written anywhere);
2. the environment: `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `CAMP_AI_MODEL`, `CAMP_AI_PROVIDER`, `CAMP_AI_HOST`
   (and `CAMP_AI_TIMEOUT`, `CAMP_AI_RETRIES`, `CAMP_AI_RETRY_DELAY`);
3. the user's config file `$CAMP_AI_CONFIG`, else `~/.config/camp/ai.json`: a JSON object with any of
   the keys in `FILE_KEYS`, readable by its owner only (`chmod 600`), otherwise it is refused;
4. the provider's preset, for the endpoint and model still missing.

On the camp's JupyterHub, `CAMP_AI_HUB_URL` (set by the hub) names the camp's model service: with no endpoint
or provider in the environment it is the endpoint, and the person's own `JUPYTERHUB_API_TOKEN` is its key
(sent only to that endpoint; the service holds the model server's real key, see grader/modelproxy.py).

The provider is the first one named (or recognised from an endpoint or key) in that order. An endpoint,
model or key set in a later place for a different provider is skipped, so two providers' settings never
mix and a key is never sent to another provider's server.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from camp.files import write_json
from camp.lang import CampError


@dataclass(frozen=True)
class Preset:
    """A known kind of endpoint: where it usually is, which model to try first, whether it needs a key."""

    base_url: str
    model: str
    needs_key: bool = True
    key_env: str = ""  # a provider-specific variable also accepted for the key


#: `{host}` is `CAMP_AI_HOST` (or `host` in the file), default localhost: the camp's model server.
PRESETS: dict[str, Preset] = {
    "openai": Preset("https://api.openai.com/v1", "gpt-4o-mini"),
    "ollama": Preset("http://{host}:11434/v1", "gemma3:4b", needs_key=False),
    "vllm": Preset("http://{host}:8000/v1", "Qwen/Qwen2.5-7B-Instruct", needs_key=False),
    "llamacpp": Preset("http://{host}:8080/v1", "local", needs_key=False),
    "gemini": Preset(
        "https://generativelanguage.googleapis.com/v1beta/openai/",
        "gemini-2.5-flash",
        key_env="GEMINI_API_KEY",
    ),
    "groq": Preset("https://api.groq.com/openai/v1", "llama-3.3-70b-versatile", key_env="GROQ_API_KEY"),
}
CUSTOM = "custom"  # any other OpenAI-compatible endpoint given by its URL
NO_KEY = "not-needed"  # what local servers get: the openai client insists on some key

FILE_KEYS = ("provider", "api_key", "base_url", "model", "host", "timeout", "retries", "retry_delay")
ENV = {
    "provider": "CAMP_AI_PROVIDER",
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "CAMP_AI_MODEL",
    "host": "CAMP_AI_HOST",
    "timeout": "CAMP_AI_TIMEOUT",
    "retries": "CAMP_AI_RETRIES",
    "retry_delay": "CAMP_AI_RETRY_DELAY",
}
DEFAULTS = {"host": "localhost", "timeout": 120.0, "retries": 3, "retry_delay": 1.0}

#: Settings given with `camp.ai.configure()`; process memory only.
session: dict[str, Any] = {}


@dataclass
class Settings:
    """The resolved settings; `api_key` is never shown (see `masked_key`)."""

    provider: str = ""
    base_url: str = ""
    model: str = ""
    api_key: str = field(default="", repr=False)
    timeout: float = DEFAULTS["timeout"]
    retries: int = DEFAULTS["retries"]
    retry_delay: float = DEFAULTS["retry_delay"]
    sources: dict[str, str] = field(default_factory=dict)  # setting -> "session" / "environment" / file path
    problem: CampError | None = None  # why the settings cannot be used, when they cannot

    @property
    def configured(self) -> bool:
        return self.problem is None and bool(self.base_url and self.model and self.api_key)

    @property
    def masked_key(self) -> str:
        return mask(self.api_key)


def mask(key: str) -> str:
    """A key as it may be shown: its first three and last four characters at most.

    Example:
        >>> mask("sk-proj-1234567890abcd")
        'sk-…abcd'
    """
    if not key:
        return "—"
    if key == NO_KEY:
        return "not needed / ज़रूरी नहीं"
    if len(key) < 16:
        return "…" + "*" * 4  # too short to show any part of it safely
    return f"{key[:3]}…{key[-4:]}"


def config_path() -> Path:
    """The user's config file: `$CAMP_AI_CONFIG`, else `~/.config/camp/ai.json` (outside the repository)."""
    return Path(os.environ.get("CAMP_AI_CONFIG") or Path.home() / ".config" / "camp" / "ai.json").expanduser()


def read_file(path: Path | None = None) -> dict[str, Any]:
    """The config file's settings ({} when there is none); refused when others may read it."""
    path = path or config_path()
    if not path.is_file():
        return {}
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise CampError(
            f"{path} को दूसरे लोग भी पढ़ सकते हैं, इसलिए उसे नहीं पढ़ा गया: `chmod 600 {path}` चलाएँ।",
            f"{path} is readable by other users, so it was not read: run `chmod 600 {path}`.",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        raise CampError(
            f"{path} सही JSON नहीं है ({exc}); उदाहरण के लिए docs/ai.md देखें।",
            f"{path} is not valid JSON ({exc}); see docs/ai.md for an example.",
        ) from None
    unknown = sorted(set(data) - set(FILE_KEYS))
    if unknown:
        raise CampError(
            f"{path} में अनजानी सेटिंग: {', '.join(unknown)} (मान्य: {', '.join(FILE_KEYS)})।",
            f"{path} has unknown settings: {', '.join(unknown)} (known: {', '.join(FILE_KEYS)}).",
        )
    return {k: v for k, v in data.items() if v not in (None, "")}


def write_file(values: dict[str, Any], path: Path | None = None) -> Path:
    """Write the user's config file, readable by its owner only (created 0600, replaced atomically)."""
    path = path or config_path()
    unknown = sorted(set(values) - set(FILE_KEYS))
    if unknown:
        raise CampError(f"अनजानी सेटिंग: {', '.join(unknown)}", f"unknown settings: {', '.join(unknown)}")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_json(path, {k: v for k, v in values.items() if v not in (None, "")}, mode=0o600)
    return path


def _unknown_provider(name: str) -> CampError:
    known = ", ".join([*PRESETS, CUSTOM])
    return CampError(
        f"'{name}' नाम का कोई AI प्रदाता नहीं है; इनमें से चुनें: {known}।",
        f"there is no AI provider called '{name}'; choose one of: {known}.",
    )


def _guess_provider(base_url: str, key: str) -> str:
    """The provider a URL or key belongs to, so status() can name it and fill in its model."""
    if base_url:
        for needle, name in (
            (":11434", "ollama"),
            ("generativelanguage.googleapis.com", "gemini"),
            ("api.groq.com", "groq"),
            ("api.openai.com", "openai"),
        ):
            if needle in base_url:
                return name
        return CUSTOM
    if key.startswith("gsk_"):
        return "groq"
    if key.startswith("AIza"):
        return "gemini"
    return "openai"


def _number(name: str, value: Any, kind: type) -> float | int:
    try:
        number = kind(value)
        if number < 0:
            raise ValueError
        return number
    except (TypeError, ValueError):
        raise CampError(
            f"सेटिंग {name} एक धनात्मक संख्या हो (मिला: {value!r})।",
            f"setting {name} must be a positive number (got {value!r}).",
        ) from None


def resolve() -> Settings:
    """Today's settings, from the session, the environment, the config file and the presets.

    Never raises: a problem (an unknown provider, a config file others can read) is kept in
    `Settings.problem`, and the settings count as not configured.
    """
    environment = {k: os.environ[v] for k, v in ENV.items() if os.environ.get(v)}
    hub = os.environ.get("CAMP_AI_HUB_URL", "").strip().rstrip("/")
    hub = hub and hub + "/v1"
    if hub and "base_url" not in environment and "provider" not in environment:
        environment.update(provider=CUSTOM, base_url=hub)
    layers: list[tuple[str, dict[str, Any]]] = [
        ("session", {k: v for k, v in session.items() if v not in (None, "")}),
        ("environment", environment),
    ]
    settings = Settings()
    try:
        layers.append((str(config_path()), read_file()))
    except CampError as exc:
        settings.problem = exc
    chosen = _merge(layers, settings.sources)
    if (
        hub
        and chosen.get("base_url") == hub
        and not chosen.get("api_key")
        and os.environ.get("JUPYTERHUB_API_TOKEN")
    ):
        chosen["api_key"] = os.environ["JUPYTERHUB_API_TOKEN"]  # the hub token goes to the hub's service only
        settings.sources["api_key"] = "JupyterHub"
    try:
        _fill(settings, chosen)
    except CampError as exc:
        settings.problem = settings.problem or exc
    return settings


_LOCAL = {"ollama", "vllm", "llamacpp", CUSTOM}
_TIED = ("base_url", "model", "api_key", "host")  # belong to one provider: never mixed across providers


def _layer_provider(values: dict[str, Any]) -> str | None:
    if values.get("provider"):
        return str(values["provider"]).strip().lower()
    if values.get("base_url") or values.get("api_key"):
        return _guess_provider(str(values.get("base_url", "")), str(values.get("api_key", "")))
    return None


def _compatible(layer: str | None, chosen: str | None) -> bool:
    if layer is None or chosen is None or layer == chosen:
        return True
    return CUSTOM in (layer, chosen) and {layer, chosen} <= _LOCAL


def _merge(layers: list[tuple[str, dict[str, Any]]], sources: dict[str, str]) -> dict[str, Any]:
    """First match wins per setting, except that an endpoint, model or key set for another provider
    is not used (an OpenAI key is never sent to a camp server chosen in this session, for example)."""
    providers = [_layer_provider(values) for _, values in layers]
    provider = next((p for p in providers if p), None)
    chosen: dict[str, Any] = {}
    for (source, values), layer in zip(layers, providers):
        for key, value in values.items():
            if key in chosen or (key in _TIED and not _compatible(layer, provider)):
                continue
            chosen[key] = value
            sources[key] = source
    if provider and "provider" not in chosen:
        chosen["provider"] = provider
    return chosen


def _fill(settings: Settings, chosen: dict[str, Any]) -> None:
    provider = str(chosen.get("provider", "")).strip().lower()
    base_url = str(chosen.get("base_url", "")).strip()
    key = str(chosen.get("api_key", "")).strip()
    if provider and provider not in PRESETS and provider != CUSTOM:
        raise _unknown_provider(provider)
    provider = provider or _guess_provider(base_url, key)
    preset = PRESETS.get(provider)
    if preset and not key and preset.key_env and os.environ.get(preset.key_env):
        key = os.environ[preset.key_env].strip()
        settings.sources["api_key"] = "environment"
    host = str(chosen.get("host") or DEFAULTS["host"])
    settings.provider = provider
    settings.base_url = base_url or (preset.base_url.format(host=host) if preset else "")
    settings.model = str(chosen.get("model") or (preset.model if preset else "")).strip()
    # local servers (and custom ones given without a key) need no real key
    needs_key = preset.needs_key if preset else False
    settings.api_key = key or ("" if needs_key else NO_KEY)
    settings.timeout = float(_number("timeout", chosen.get("timeout", DEFAULTS["timeout"]), float))
    settings.retries = int(_number("retries", chosen.get("retries", DEFAULTS["retries"]), int))
    settings.retry_delay = float(
        _number("retry_delay", chosen.get("retry_delay", DEFAULTS["retry_delay"]), float)
    )
    if provider == CUSTOM and not settings.model:
        raise CampError(
            "इस सर्वर के लिए मॉडल का नाम भी चाहिए: CAMP_AI_MODEL सेट करें।",
            "this server needs a model name too: set CAMP_AI_MODEL.",
        )
