"""Where a hub user's kernels put their Unix sockets (grader/hub.py `kernel_runtime_dir`): a socket's path holds
107 bytes at most, so a long home path moves them to a private short folder, never to one someone else made.

The real hub's kernels (ipc transport, no TCP port) are checked end to end in tests/test_hub.py.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from grader import hub


def test_a_short_runtime_folder_is_kept():
    """Does a runtime folder whose kernels' socket paths fit stay where Jupyter puts it?"""
    runtime = Path("/home/p017/.local/share/jupyter/runtime")
    assert hub.kernel_runtime_dir(runtime) == runtime
    longest = f"{runtime}/kernel-{'0' * 8}-{'0' * 4}-{'0' * 4}-{'0' * 4}-{'0' * 12}-ipc-5"
    assert len(longest) <= hub.SOCKET_PATH_MAX


def test_a_long_runtime_folder_moves_to_a_private_short_one(tmp_path, monkeypatch):
    """Does a home path too long for a socket get /tmp/camp-kernels-<uid>, 0700 and this user's?"""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    runtime = Path("/home/" + "x" * 32 + "/.local/share/jupyter/runtime")
    assert len(str(runtime)) + len("/kernel-") + 36 + len("-ipc-5") > hub.SOCKET_PATH_MAX
    short = hub.kernel_runtime_dir(runtime)
    assert short == tmp_path / f"camp-kernels-{os.getuid()}"
    st = os.lstat(short)
    assert stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) == 0o700
    assert hub.kernel_runtime_dir(runtime) == short  # the next server start uses the same one


def test_a_planted_folder_or_symlink_is_never_used(tmp_path, monkeypatch):
    """Is a camp-kernels-<uid> that is open to others, or a symlink, refused for a fresh private folder?"""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    runtime = Path("/home/" + "y" * 32 + "/.local/share/jupyter/runtime")
    name = tmp_path / f"camp-kernels-{os.getuid()}"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    name.symlink_to(elsewhere)
    chosen = hub.kernel_runtime_dir(runtime)
    assert chosen not in (name, elsewhere) and chosen.parent == tmp_path
    assert stat.S_IMODE(os.lstat(chosen).st_mode) == 0o700 and not chosen.is_symlink()
    name.unlink()
    name.mkdir(mode=0o755)
    os.chmod(name, 0o755)
    chosen = hub.kernel_runtime_dir(runtime)
    assert chosen != name and stat.S_IMODE(os.lstat(chosen).st_mode) == 0o700
