"""Contracts with the libraries the engine patches for speed: each test fails loudly when the library changes.

The README's performance section names each patch. A copied or overridden library function is pinned by the hash
of its source at the version the copy was made from (requirements.lock); when a new library version changes it,
review our copy against the new original, then record the new hash here.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
from pathlib import Path

import pytest

#: Every library function with a private name (one leading underscore) that a camp or grader class overrides, by
#: "module.Class.name" where the library defines it: the hashes of the sources our code was checked against.
PINNED = {
    "nbclient.client.NotebookClient._async_poll_for_reply": {"fc81a9e9c11c2a90"},  # nbclient 0.11.0
    "jupyter_client.client.KernelClient._async_wait_for_ready": {"0d732ad86fea3115"},  # jupyter_client 8.10.0
    "jupyter_client.manager.KernelManager._async_wait": {"574593dddfda8169"},  # jupyter_client 8.10.0
    "jupyter_client.manager.KernelManager._async_pre_start_kernel": {
        "0ad304c9143e3bfd"
    },  # jupyter_client 8.10.0
    "jupyter_client.connect.ConnectionFileMixin._create_connected_socket": {"586afd5c93137d27"},  # 8.10.0
    "jupyter_client.connect.ConnectionFileMixin._make_url": {"d6a9ff6c5ba86a14"},  # jupyter_client 8.10.0
    # nbgrader 0.9.5 (Python 3.10) and 0.9.6 (3.11+) have the same source
    "nbgrader.preprocessors.saveautogrades.SaveAutoGrades._add_score": {"ee891a8fe3657ce7"},
    "nbconvert.exporters.exporter.Exporter._preprocess": {"5aea00c54a8a1a00"},  # nbconvert 7.17.2
}
ROOT = Path(__file__).resolve().parents[1]


def _source_hash(func) -> str:
    return hashlib.sha256(inspect.getsource(func).encode()).hexdigest()[:16]


def _overridden(ours, theirs, known: set[str], why: str) -> None:
    assert inspect.signature(ours) == inspect.signature(theirs) or [*inspect.signature(ours).parameters] == [
        *inspect.signature(theirs).parameters
    ], f"{theirs.__qualname__}: its parameters changed ({why})"
    digest = _source_hash(theirs)
    assert digest in known, (
        f"{theirs.__module__}.{theirs.__qualname__} changed (source {digest}): review {ours.__qualname__} ({why}), "
        "then add the new hash to tests/test_contracts.py"
    )


def test_nbclient_poll_for_reply_is_the_one_our_short_poll_copies():
    """camp/notebooks.py copies nbclient's `_async_poll_for_reply` (polling at most 0.5 s at a time)."""
    from nbclient import NotebookClient

    from camp.notebooks import ShortPollMixin

    _overridden(
        ShortPollMixin._async_poll_for_reply,
        NotebookClient._async_poll_for_reply,
        PINNED["nbclient.client.NotebookClient._async_poll_for_reply"],
        "the widget-stall fix",
    )


def test_jupyter_client_wait_for_ready_is_the_one_our_fast_client_replaces():
    """grader/kernels.py replaces jupyter_client's `_async_wait_for_ready` (20 ms IOPub waits, not 200 ms)."""
    from jupyter_client.asynchronous import AsyncKernelClient

    from grader.kernels import ForkKernelClient

    _overridden(
        ForkKernelClient._async_wait_for_ready,
        AsyncKernelClient._async_wait_for_ready,
        PINNED["jupyter_client.client.KernelClient._async_wait_for_ready"],
        "kernel_info wait",
    )
    assert ForkKernelClient.wait_for_ready is ForkKernelClient._async_wait_for_ready


def test_jupyter_client_post_kill_polls_are_the_ones_we_shorten():
    """grader/kernels.py polls every 5 ms after a kill: the manager's `_async_wait` and the provisioner's `wait`."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    from grader.kernels import ForkKernelManager, ForkProvisioner

    assert inspect.signature(AsyncKernelManager._async_wait).parameters["pollinterval"].default == 0.1
    _overridden(
        ForkKernelManager._async_wait,
        AsyncKernelManager._async_wait,
        PINNED["jupyter_client.manager.KernelManager._async_wait"],
        "post-kill poll",
    )
    _overridden(ForkProvisioner.wait, LocalProvisioner.wait, {"4f17103ed4cb9bd3"}, "post-kill poll")


def test_nbgrader_validates_cell_metadata_through_common_jsonschema():
    """grader/engine.py swaps `nbgrader.nbgraderformat.common.jsonschema` for a shim that builds each validator once:
    nbgrader must still validate through that module attribute, and the shim must give the same verdicts."""
    import jsonschema
    from nbgrader.nbgraderformat import common

    from grader import engine

    assert common.jsonschema is jsonschema, "nbgrader no longer imports jsonschema as a module in common.py"
    assert "jsonschema.validate(" in inspect.getsource(common), "nbgrader no longer calls jsonschema.validate"
    schema = {"type": "object", "properties": {"points": {"type": "number"}}, "required": ["points"]}
    try:
        engine._fast_schema_validation()
        shim = common.jsonschema
        assert shim is not jsonschema
        shim.validate({"points": 2}, schema)
        for bad in ({"points": "two"}, {}):
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(bad, schema)
            with pytest.raises(jsonschema.ValidationError):
                shim.validate(bad, schema)
    finally:
        common.jsonschema = jsonschema


def test_nbgrader_opens_its_gradebook_through_api_create_engine():
    """grader/engine.py shares one SQLAlchemy engine per URL by replacing `nbgrader.api.create_engine`: the
    Gradebook must still call that module-level name."""
    from nbgrader import api

    assert callable(api.create_engine)
    assert "create_engine(" in inspect.getsource(api.Gradebook.__init__)


def test_nbconvert_has_optimistic_validation():
    """grader/engine.py sets `Exporter.optimistic_validation` (validate once per conversion)."""
    from nbconvert.exporters import Exporter

    assert "optimistic_validation" in Exporter.class_trait_names()


def _our_subclass_modules() -> list[str]:
    """Modules of camp/ and grader/ with a class that defines a private method and has bases (or that uses such a
    mixin as a base): the places a library's private method can be overridden."""
    trees = {
        p: ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted([*(ROOT / "camp").rglob("*.py"), *(ROOT / "grader").rglob("*.py")])
    }

    def private_defs(node: ast.ClassDef) -> bool:
        return any(
            isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
            and f.name.startswith("_")
            and not f.name.startswith("__")
            for f in node.body
        )

    classes = [(p, n) for p, t in trees.items() for n in ast.walk(t) if isinstance(n, ast.ClassDef)]
    mixins = {n.name for _, n in classes if private_defs(n)}
    found = {
        p
        for p, n in classes
        if n.bases and (private_defs(n) or any(ast.unparse(b) in mixins for b in n.bases))
    }
    return [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in sorted(found)]


def test_every_library_private_method_we_override_is_pinned():
    """A class of ours that overrides a library's private method (nbclient, jupyter_client, nbgrader, nbconvert)
    relies on that method's exact behaviour: each such method must be in PINNED with the hash of its current
    source, so a library upgrade that changes it fails here instead of silently in grading."""
    overridden = {}
    modules = _our_subclass_modules()
    assert {"grader.kernels", "grader.keepgrades", "grader.feedback", "camp.notebooks"} <= set(modules), (
        modules
    )
    for name in modules:
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != name:
                continue
            ours = [k for k in cls.__mro__ if k.__module__.split(".")[0] in ("camp", "grader")]
            theirs = [k for k in cls.__mro__ if k not in ours and k is not object]
            names = {
                n
                for k in ours
                for n, v in vars(k).items()
                if n.startswith("_") and not n.startswith("__") and inspect.isfunction(v)
            }
            for n in names:
                lib = next((k for k in theirs if n in vars(k)), None)
                if lib is not None:
                    func = vars(lib)[n]
                    overridden[f"{func.__module__}.{func.__qualname__}"] = (
                        _source_hash(func),
                        cls.__qualname__,
                    )
    assert {
        "jupyter_client.manager.KernelManager._async_pre_start_kernel",
        "nbgrader.preprocessors.saveautogrades.SaveAutoGrades._add_score",
        "nbclient.client.NotebookClient._async_poll_for_reply",
    } <= set(overridden), sorted(overridden)
    for key, (digest, by) in sorted(overridden.items()):
        assert key in PINNED, f"{by} overrides {key}, which is not pinned: review it, then add it to PINNED"
        assert digest in PINNED[key], (
            f"{key} changed (source {digest}): review {by}'s override, then add the new hash to PINNED"
        )


def test_the_fork_manager_keeps_the_provisioner_it_sets_before_jupyter_clients_pre_start():
    """ForkKernelManager._async_pre_start_kernel sets its own provisioner, then calls jupyter_client's, which makes
    one only when none is set ("will not be None on restarts") and hands it the launch arguments."""
    from jupyter_client.manager import AsyncKernelManager

    source = inspect.getsource(AsyncKernelManager._async_pre_start_kernel)
    assert "if self.provisioner is None:" in source and "self.provisioner.pre_launch(" in source


def test_a_connection_file_marked_written_is_not_written_again(tmp_path):
    """ForkProvisioner loads the zygote kernel's connection file and sets the manager's private
    `_connection_file_written`, so jupyter_client does not write a new file (new ports, a new key) over the one
    the forked kernel already listens with. Checked on a real KernelManager, with the unmarked control."""
    import json

    from jupyter_client.connect import write_connection_file
    from jupyter_client.manager import KernelManager

    file = tmp_path / "kernel-x.json"
    write_connection_file(str(file), transport="ipc", ip=str(tmp_path / "k"), key=b"the-zygote-kernels-key")

    def key() -> str:
        return json.loads(file.read_text(encoding="utf-8"))["key"]

    marked = KernelManager(connection_file=str(file), transport="ipc", ip=str(tmp_path / "k"))
    assert marked._connection_file_written is False
    marked.load_connection_file(str(file))
    marked._connection_file_written = True
    marked.write_connection_file()
    assert key() == "the-zygote-kernels-key"  # trusted as written: left alone
    unmarked = KernelManager(connection_file=str(file), transport="ipc", ip=str(tmp_path / "k"))
    unmarked.write_connection_file()
    assert key() != "the-zygote-kernels-key"  # the control: unmarked, jupyter_client writes its own


def test_the_private_helpers_our_kernel_client_calls_are_there():
    """ForkKernelClient._async_wait_for_ready calls jupyter_client's private `_handle_kernel_info_reply(msg)` and
    `await _async_is_alive()`, as the library's own wait does; both sockets' contexts are ours to close
    (`_created_context`, a private trait jupyter_client reads before terminating a context)."""
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.client import KernelClient
    from jupyter_client.manager import AsyncKernelManager, KernelManager

    assert [*inspect.signature(AsyncKernelClient._handle_kernel_info_reply).parameters] == ["self", "msg"]
    assert inspect.iscoroutinefunction(AsyncKernelClient._async_is_alive)
    library_wait = inspect.getsource(KernelClient._async_wait_for_ready)
    assert "self._handle_kernel_info_reply(msg)" in library_wait and "self._async_is_alive()" in library_wait
    for cls, closes in (
        (AsyncKernelClient, KernelClient.stop_channels),
        (AsyncKernelManager, KernelManager._async_cleanup_resources),
    ):
        assert "_created_context" in cls.class_traits()
        assert "self._created_context" in inspect.getsource(closes)


def test_sqlalchemy_rows_have_a_mapping():
    """grader/hub.py copies the gradebook row by row with `dict(row._mapping)` (SQLAlchemy's documented name)."""
    from sqlalchemy import create_engine, text

    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT 1 AS id, 'आशा' AS name")).one()
    assert dict(row._mapping) == {"id": 1, "name": "आशा"}
