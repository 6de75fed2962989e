"""The grader's settings in one place: each one's environment variable, default and help, and where its value came from.

Precedence: the environment, then the settings file (JSON keyed by the variable names; `$CAMP_SETTINGS_FILE`,
default `<camp>/etc/settings.json`), then the default. `camp config` prints them all. The `camp` command reads
them once at start (`export_file_values`), so everything it starts — grading workers, nbgrader, JupyterLab —
sees the file's values too; each batch or command then takes one `load()` snapshot.

Example:
    >>> from grader import settings
    >>> settings.load().cell_timeout  # doctest: +SKIP
    60
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from camp import paths
from camp.lang import CampError

DEFAULT, ENVIRONMENT, FILE = "default", "environment", "file"
_FALSE = ("", "0", "false", "no", "off")


def _flag(text: str) -> bool:
    return text.strip().lower() not in _FALSE


def _seconds(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _switches(text: str) -> frozenset[str]:
    return frozenset(s.strip() for s in text.split(",") if s.strip())


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise ValueError(text)
    return value


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError(text)
    return value


#: What a value that does not parse should have been, per parser (Hindi, English).
_WANTED: dict[Callable[[str], Any], tuple[str, str]] = {
    _seconds: ("शून्य से बड़ी पूरी संख्या", "a whole number above zero"),
    _count: ("पूरी संख्या (0 या ज़्यादा)", "a whole number (0 or more)"),
    _port: ("1 से 65535 तक की पूरी संख्या (पोर्ट)", "a port number, 1 to 65535"),
    _positive: ("शून्य से बड़ी संख्या", "a number above zero"),
}


@dataclass(frozen=True)
class Setting:
    """One setting: its name in Python, its environment variable, its default and what it does."""

    name: str
    env: str
    default: Any  # a callable is called for a default that depends on other state (the checkout's folder)
    help: str
    parse: Callable[[str], Any] = str
    choices: tuple[str, ...] = ()
    in_file: bool = True  # False: it locates the file itself, so only the environment can set it
    secret: bool = False  # shown masked by `camp config`

    def convert(self, raw: Any, source: str) -> Any:
        text = str(raw).strip() if not isinstance(raw, bool) else ("1" if raw else "0")
        if self.choices and text not in self.choices:
            listed = ", ".join(self.choices)
            raise _invalid(self, raw, source, (f"इनमें से एक: {listed}", f"one of {listed}"))
        try:
            return self.parse(text)
        except ValueError:
            wanted = _WANTED.get(self.parse, _WANTED[_count])
            raise _invalid(self, raw, source, wanted) from None


def _invalid(setting: Setting, raw: Any, source: str, wanted: tuple[str, str]) -> CampError:
    return CampError(
        f"{setting.env} ({source}) का मान {raw!r} ग़लत है: {wanted[0]} चाहिए",
        f"{setting.env} ({source}) is {raw!r}: it must be {wanted[1]}",
    )


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "home",
        "CAMP_HOME",
        lambda: paths.default_home(),
        "the camp's state folder (course, exchange, gradebook, work); read by camp.paths",
        Path,
        in_file=False,
    ),
    Setting(
        "sources",
        "CAMP_SOURCES",
        lambda: paths.DEFAULT_SOURCES,
        "the checkout holding modules/ and assignments/; read by camp.paths",
        Path,
        in_file=False,
    ),
    Setting(
        "db_url",
        "CAMP_DB_URL",
        lambda: paths.default_db_url(),
        "the gradebook database URL (PostgreSQL when several trainers grade at once); read by camp.paths",
        secret=True,
    ),
    Setting(
        "sandbox",
        "CAMP_SANDBOX",
        "auto",
        "the grading sandbox: auto (bubblewrap when it works), bwrap "
        "(required), off (limits only, never as root)",
        choices=("auto", "bwrap", "off"),
    ),
    Setting(
        "grader_user",
        "CAMP_GRADER_USER",
        "nobody",
        "the unprivileged user participant code runs as when the grader is root",
    ),
    Setting(
        "cgroups",
        "CAMP_CGROUPS",
        "auto",
        "a cgroup per kernel where the machine allows it (auto) or never (off)",
        choices=("auto", "off"),
    ),
    Setting(
        "cell_timeout",
        "CAMP_CELL_TIMEOUT",
        60,
        "seconds a cell may run while `camp autograde` grades (--cell-timeout)",
        _seconds,
    ),
    Setting(
        "notebook_timeout",
        "CAMP_NOTEBOOK_TIMEOUT",
        300,
        "seconds a whole notebook may run while `camp autograde` grades (--notebook-timeout)",
        _seconds,
    ),
    Setting(
        "workers",
        "CAMP_WORKERS",
        0,
        "parallel graders for `camp autograde` and `camp evening` (--workers; 0: CPU cores + 1)",
        _count,
    ),
    Setting(
        "nbgrader_timeout",
        "CAMP_NBGRADER_TIMEOUT",
        120,
        "seconds a cell may run when nbgrader itself "
        "executes a notebook (nbgrader autograde/validate, the Formgrader)",
        _seconds,
    ),
    Setting(
        "feedback_examples",
        "CAMP_FEEDBACK_EXAMPLES",
        False,
        "feedback also returns each rubric's example answer (`camp feedback --with-examples`)",
        _flag,
    ),
    Setting(
        "engine_debug",
        "CAMP_ENGINE_DEBUG",
        False,
        "keep each kernel's job folder and print worker tracebacks (debugging the engine)",
        _flag,
    ),
    Setting(
        "unsafe_test_switches",
        "CAMP_UNSAFE_TEST_SWITCHES",
        frozenset(),
        "defences switched off, for the "
        "tests that show each matters (show-tests, shared-kernels); never set this for grading",
        _switches,
    ),
    # -- the camp server (grader/hub.py: `camp hub`, deploy/) ------------------------------------------------
    Setting(
        "hub_root",
        "CAMP_HUB_ROOT",
        Path("/srv/camp"),
        "the camp server's folder: course/ (the trainers' camp), exchange/, hub/ (the hub's own state)",
        Path,
    ),
    Setting(
        "hub_trainers_group",
        "CAMP_HUB_TRAINERS_GROUP",
        "camp-trainers",
        "the Unix group whose members are trainers on the camp server",
    ),
    Setting(
        "hub_participants_group",
        "CAMP_HUB_PARTICIPANTS_GROUP",
        "camp-participants",
        "the Unix group whose members are participants on the camp server",
    ),
    Setting(
        "hub_state",
        "CAMP_HUB_STATE",
        "",
        "the hub's database, cookie secret and pid file (empty: CAMP_HUB_ROOT/hub)",
    ),
    Setting(
        "hub_ip", "CAMP_HUB_IP", "127.0.0.1", "the address the hub listens on (a proxy in front serves it)"
    ),
    Setting("hub_port", "CAMP_HUB_PORT", 8000, "the hub's port (`camp hub --port`)", _port),
    Setting(
        "hub_api_port",
        "CAMP_HUB_API_PORT",
        None,
        "the hub's internal API port (unset: JupyterHub's own choice, 8081)",
        _port,
    ),
    Setting(
        "hub_proxy_api_port",
        "CAMP_HUB_PROXY_API_PORT",
        None,
        "the proxy's API port on 127.0.0.1 (unset: JupyterHub's own choice, 8001)",
        _port,
    ),
    Setting(
        "hub_start_timeout",
        "CAMP_HUB_START_TIMEOUT",
        300,
        "seconds a participant's server may take to start (50 first logins at once on 2 cores: 160 s)",
        _seconds,
    ),
    Setting(
        "hub_user_python",
        "CAMP_HUB_USER_PYTHON",
        lambda: sys.executable,
        "the Python the participants' servers run (it needs this project installed)",
    ),
    Setting(
        "hub_node_dir",
        "CAMP_HUB_NODE_DIR",
        lambda: Path(sys.prefix) / "hub",
        "where the npm configurable-http-proxy is installed",
        Path,
    ),
    Setting(
        "hub_service_token",
        "CAMP_HUB_SERVICE_TOKEN",
        "",
        "an API token for an admin service client (the end-to-end test's); unset: none",
        in_file=False,
        secret=True,
    ),
    # -- the camp's model service (grader/modelproxy.py, a hub service) ------------------------------------------
    Setting(
        "ai_upstream",
        "CAMP_AI_UPSTREAM",
        "",
        "the camp's model server, e.g. http://gpu-box:8000/v1; set: the hub runs the camp-ai service in front",
        secret=True,
    ),
    Setting(
        "ai_master_key_file",
        "CAMP_AI_MASTER_KEY_FILE",
        "",
        "the model server's key, one line, mode 0600 (empty: <hub state>/ai-master-key)",
    ),
    Setting(
        "ai_usage_file",
        "CAMP_AI_USAGE_FILE",
        "",
        "the service's per-person requests and tokens (empty: <hub state>/ai-usage.json)",
    ),
    Setting(
        "ai_requests_per_minute",
        "CAMP_AI_REQUESTS_PER_MINUTE",
        20,
        "requests each person may send to the model service per window",
        _seconds,
    ),
    Setting(
        "ai_rate_window",
        "CAMP_AI_RATE_WINDOW",
        60.0,
        "the model service's rate window, in seconds",
        _positive,
    ),
    Setting("ai_proxy_port", "CAMP_AI_PROXY_PORT", 8181, "the model service's loopback port", _port),
    Setting(
        "ai_model",
        "CAMP_AI_MODEL",
        "",
        "the model participants' camp.ai asks for: the hub passes it into their servers (camp.aiconfig reads "
        "it there, see the AI lines below)",
        in_file=False,
    ),
    Setting(
        "ai_hub_url",
        "CAMP_AI_HUB_URL",
        "",
        "the model service's address, put in each server's environment by the hub (`camp ai-usage` reads it)",
        in_file=False,
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}


class Settings:
    """Effective values (as attributes: `settings.cell_timeout`) and where each came from (`source(name)`)."""

    def __init__(self, values: dict[str, Any], sources: dict[str, str], file: Path):
        self._values, self._sources, self.file = values, sources, file

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def source(self, name: str) -> str:
        """ "default", "environment" or "file"."""
        return self._sources[name]

    def rows(self) -> list[tuple[Setting, Any, str]]:
        """(setting, value, source) for each setting, in the declared order."""
        return [(s, self._values[s.name], self._sources[s.name]) for s in SETTINGS]


def settings_file(environ: dict[str, str] | None = None) -> Path:
    """`$CAMP_SETTINGS_FILE`, or `settings.json` in the camp's etc/ folder."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("CAMP_SETTINGS_FILE") or paths.home() / "etc" / "settings.json")


def read_file(path: Path) -> dict[str, Any]:
    """The settings file's values by variable name ({} when there is none); unknown names are an error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CampError(
            f"सेटिंग फ़ाइल {path} पढ़ी नहीं जा सकी: {exc}", f"cannot read the settings file {path}: {exc}"
        ) from None
    allowed = {s.env for s in SETTINGS if s.in_file}
    if not isinstance(data, dict) or set(data) - allowed:
        unknown = ", ".join(sorted(set(data) - allowed)) if isinstance(data, dict) else "not a JSON object"
        raise CampError(
            f"सेटिंग फ़ाइल {path} में अनजान नाम: {unknown}",
            f"the settings file {path} has unknown names: {unknown} (known: {', '.join(sorted(allowed))})",
        )
    return data


#: Variables `export_file_values` put into this process's environment from the file (their source stays "file").
_EXPORTED: dict[str, str] = {}


def load(environ: dict[str, str] | None = None) -> Settings:
    """Every setting's effective value and source: the environment, then the settings file, then the default."""
    environ = os.environ if environ is None else environ
    file = settings_file(environ)
    from_file = read_file(file)
    values, sources = {}, {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is not None and raw != "" and _EXPORTED.get(setting.env) != raw:
            values[setting.name], sources[setting.name] = setting.convert(raw, ENVIRONMENT), ENVIRONMENT
        elif setting.in_file and setting.env in from_file:
            values[setting.name], sources[setting.name] = setting.convert(from_file[setting.env], FILE), FILE
        else:
            default = setting.default() if callable(setting.default) else setting.default
            values[setting.name], sources[setting.name] = default, DEFAULT
    return Settings(values, sources, file)


def value(name: str, environ: dict[str, str] | None = None) -> Any:
    """One setting's effective value, as `load()` gives it, for the parts that run apart from the `camp` command
    (the hub's configuration, its model service, a participant's server). The file is read only when the
    environment does not set the variable, so a process given all it needs never touches it."""
    environ = os.environ if environ is None else environ
    setting = BY_NAME[name]
    raw = environ.get(setting.env)
    if raw is not None and raw != "":
        return setting.convert(raw, ENVIRONMENT)
    if setting.in_file:
        from_file = read_file(settings_file(environ))
        if setting.env in from_file:
            return setting.convert(from_file[setting.env], FILE)
    return setting.default() if callable(setting.default) else setting.default


def export_file_values() -> Settings:
    """Put the file's values into this process's environment (never over the environment's own), so the parts
    that read the environment (camp.paths, grading workers, nbgrader, JupyterLab) agree; returns `load()`."""
    current = load()
    from_file = read_file(current.file)
    for setting, _value, source in current.rows():
        if source == FILE:
            raw = from_file[setting.env]
            text = ("1" if raw else "0") if isinstance(raw, bool) else str(raw)
            os.environ[setting.env] = _EXPORTED[setting.env] = text
    return current


def shown(setting: Setting, value: Any) -> str:
    """A value as `camp config` prints it: passwords in URLs masked, sets as comma lists."""
    if isinstance(value, frozenset):
        return ",".join(sorted(value)) or "-"
    if value is None or value == "":
        return "-"
    if setting.secret and "://" in str(value):
        try:
            from sqlalchemy.engine import make_url

            return make_url(str(value)).render_as_string(hide_password=True)
        except Exception:
            return "***"
    if setting.secret:
        return "***"  # a token: never printed
    return str(value)
