"""Running notebooks headless without the rare widget stall of nbclient.

With ipywidgets (interact, Output widgets), nbclient sometimes waits for a cell's execute_reply until the
cell's whole timeout although the reply has arrived (jupyter/nbclient#312, jupyter/nbconvert#2029). Asking
the shell channel again every half second picks the waiting reply up at once; nothing else changes.
"""

from __future__ import annotations

import asyncio
from queue import Empty
from time import monotonic
from typing import Any

from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

POLL = 0.5  # seconds between two looks at the shell channel


class ShortPollMixin:
    """nbclient's `_async_poll_for_reply`, waiting on the shell channel at most POLL seconds at a time."""

    async def _shell_msg(self, timeout: float | None) -> dict:
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            step = POLL if deadline is None else min(POLL, max(0.0, deadline - monotonic()))
            try:
                return await ensure_async(self.kc.shell_channel.get_msg(timeout=step))
            except Empty:
                if deadline is not None and monotonic() >= deadline:
                    raise

    async def _async_poll_for_reply(
        self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive
    ):
        new_timeout = None if timeout is None else float(timeout)
        deadline = None if timeout is None else monotonic() + timeout
        timed_out_reply: dict[str, Any] | None = None
        while True:
            try:
                if timed_out_reply:
                    msg = timed_out_reply
                    msg["parent_header"] = {"msg_id": msg_id}
                else:
                    msg = await self._shell_msg(new_timeout)
                if msg["parent_header"].get("msg_id") == msg_id:
                    if self.record_timing:
                        cell["metadata"]["execution"]["shell.execute_reply"] = _timestamp(msg)
                    try:
                        await asyncio.wait_for(task_poll_output_msg, self.iopub_timeout)
                    except (asyncio.TimeoutError, Empty):
                        if self.raise_on_iopub_timeout:
                            task_poll_kernel_alive.cancel()
                            raise CellTimeoutError.error_from_timeout_and_cell(
                                "Timeout waiting for IOPub output", self.iopub_timeout, cell
                            ) from None
                        self.log.warning("Timeout waiting for IOPub output")
                    task_poll_kernel_alive.cancel()
                    return msg
                if deadline is not None:
                    new_timeout = max(0, deadline - monotonic())
            except Empty:
                task_poll_kernel_alive.cancel()
                await self._async_check_alive()
                timed_out_reply = await self._async_handle_timeout(timeout, cell)


def _timestamp(msg: dict) -> str:
    from nbclient.client import timestamp

    return timestamp(msg)


class ReliableClient(ShortPollMixin, NotebookClient):
    """`nbclient.NotebookClient` without the widget stall."""


def execute(nb, *, cwd: str, timeout: int = 60, kernel_name: str = "python3"):
    """Run a notebook top to bottom in a fresh kernel (in `cwd`); returns it with its outputs."""
    return ReliableClient(
        nb, timeout=timeout, kernel_name=kernel_name, resources={"metadata": {"path": cwd}}
    ).execute()
