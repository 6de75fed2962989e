"""Contracts with the libraries the engine patches for speed: each test fails loudly when the library changes.

The README's performance section names each patch. A copied or overridden library function is pinned by the hash
of its source at the version the copy was made from (requirements.lock); when a new library version changes it,
review our copy against the new original, then record the new hash here.
"""

from __future__ import annotations

import hashlib
import inspect

import pytest


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
        {"fc81a9e9c11c2a90"},  # nbclient 0.11.0
        "the widget-stall fix",
    )


def test_jupyter_client_wait_for_ready_is_the_one_our_fast_client_replaces():
    """grader/kernels.py replaces jupyter_client's `_async_wait_for_ready` (20 ms IOPub waits, not 200 ms)."""
    from jupyter_client.asynchronous import AsyncKernelClient

    from grader.kernels import ForkKernelClient

    _overridden(
        ForkKernelClient._async_wait_for_ready,
        AsyncKernelClient._async_wait_for_ready,
        {"0d732ad86fea3115"},  # jupyter_client 8.10.0
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
        ForkKernelManager._async_wait, AsyncKernelManager._async_wait, {"574593dddfda8169"}, "post-kill poll"
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
