"""grader.hub.ensure_proxy: the npm install of configurable-http-proxy, with a stand-in `npm` on PATH.

CI once saw npm stop with exit 217 (ENOTEMPTY) half-way; the later installs in that run then "succeeded" into the
half-filled folder without the command. The install now goes to a fresh folder that replaces the final one only
when the command is there, and a failed attempt is tried again.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from camp.lang import CampError
from grader import hub

# A stand-in npm: each call counts itself; the first FAILS calls leave a half-filled node_modules and exit 217,
# later calls lay out the command as `npm install --prefix DIR configurable-http-proxy@5` would.
FAKE_NPM = """#!/bin/sh
count_file="$NPM_COUNT"
n=$(cat "$count_file" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$count_file"
prefix=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--prefix" ]; then prefix="$2"; shift; fi
  shift
done
mkdir -p "$prefix/node_modules/configurable-http-proxy"
if [ "$n" -le "$FAILS" ]; then
  echo "npm error code ENOTEMPTY" >&2
  echo "npm error syscall rename" >&2
  exit 217
fi
mkdir -p "$prefix/node_modules/.bin"
printf '#!/bin/sh\\necho proxy\\n' > "$prefix/node_modules/.bin/configurable-http-proxy"
chmod +x "$prefix/node_modules/.bin/configurable-http-proxy"
"""


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(FAKE_NPM)
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin:/bin")
    monkeypatch.setenv("NPM_COUNT", str(tmp_path / "count"))
    monkeypatch.setenv("CAMP_HUB_NODE_DIR", str(tmp_path / "venv" / "hub"))
    monkeypatch.setattr("time.sleep", lambda _seconds: None)
    return tmp_path


def _calls(tmp: Path) -> int:
    return int((tmp / "count").read_text())


def test_a_failed_npm_install_is_tried_again_and_leaves_no_half_filled_folder(fake_npm, monkeypatch):
    monkeypatch.setenv("FAILS", "1")
    found = hub.ensure_proxy()
    final = fake_npm / "venv" / "hub"
    assert found == final / "node_modules" / ".bin" / "configurable-http-proxy" and found.is_file()
    assert _calls(fake_npm) == 2
    assert sorted(p.name for p in final.parent.iterdir()) == [".hub.lock", "hub"]  # no attempt left behind
    assert hub.ensure_proxy() == found and _calls(fake_npm) == 2  # installed: npm is not run again


def test_npm_failing_every_time_gives_a_bilingual_error_with_npms_own_words(fake_npm, monkeypatch):
    monkeypatch.setenv("FAILS", "99")
    with pytest.raises(CampError) as caught:
        hub.ensure_proxy(attempts=3)
    text = str(caught.value)
    assert "इंस्टॉल नहीं हुआ" in text and "did not install" in text and "ENOTEMPTY" in text, text
    assert _calls(fake_npm) == 3
    final = fake_npm / "venv" / "hub"
    assert not final.exists(), "a half-filled install would pass for a complete one next time"


def test_a_half_filled_folder_from_an_older_run_is_replaced(fake_npm, monkeypatch):
    monkeypatch.setenv("FAILS", "0")
    final = fake_npm / "venv" / "hub"
    (final / "node_modules" / "configurable-http-proxy").mkdir(parents=True)  # as the old code could leave it
    found = hub.ensure_proxy()
    assert found.is_file() and _calls(fake_npm) == 1
