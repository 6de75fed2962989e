"""Files written whole or not at all: a reader never sees half a file, even after a crash."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_json(path: Path, data: Any, *, mode: int = 0o644) -> None:
    """Write `data` as UTF-8 JSON to `path` atomically (a temporary file beside it, then a rename).

    Example:
        >>> write_json(Path("progress.json"), {"quiz": {}})  # doctest: +SKIP
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
