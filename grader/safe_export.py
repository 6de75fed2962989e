"""Spreadsheet exports that never carry a live formula (CSV and XLSX injection, as OWASP describes it).

A participant chooses their own name, and a forged id may reach the gradebook: a cell such as
`=HYPERLINK("http://…", "click")` or `@SUM(…)` would run when the trainer opens the file in Excel or
LibreOffice. Every text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written as
text, prefixed with a single quote (OWASP's advice); numbers, and text that is exactly a plain number
(`-2`, `+3.5`, `1e3`), stay numbers.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("-2.5"), safe_cell(-2.5), safe_cell("Asha")
    ('-2.5', -2.5, 'Asha')

`write_csv` writes rows through the csv module (quoting commas, quotes and newlines) after `safe_cell`;
`safe_rows` does the cells only, for any other writer (openpyxl's `ws.append(safe_row(row))` included).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: What a spreadsheet reads as the start of a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_number(text: str) -> bool:
    """Is `text` exactly a plain decimal number (what a spreadsheet reads as a number, not a formula)?"""
    return bool(_NUMBER.fullmatch(text))


def safe_cell(value: Any) -> Any:
    """`value` as a cell that cannot be a formula: text starting with a formula character gets a leading `'`.

    Numbers (int, float, and text that is exactly a number) are kept; None becomes "".
    """
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_START) and not is_number(text):
        return "'" + text
    return text


def safe_row(row: Mapping[str, Any] | Sequence[Any]) -> Any:
    """One row (a dict or a list) with every cell made safe."""
    if isinstance(row, Mapping):
        return {key: safe_cell(value) for key, value in row.items()}
    return [safe_cell(value) for value in row]


def safe_rows(rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> list[Any]:
    return [safe_row(row) for row in rows]


def write_csv(path: Path, fieldnames: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write dict rows as UTF-8 CSV with a header, every cell (header included) made safe; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(safe_row(list(fieldnames)))
        for row in rows:
            writer.writerow(safe_row([row.get(name, "") for name in fieldnames]))
    return path
