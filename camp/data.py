"""Synthetic data shipped with the course (a fictional organisation in fictional and real MP districts)."""

from __future__ import annotations

from pathlib import Path

from camp.lang import CampError

DATA_DIR = Path(__file__).resolve().parent / "data"


def names() -> list[str]:
    """The data sets available to lessons, e.g. ["posts", "districts"]."""
    return sorted(p.stem for p in DATA_DIR.glob("*.csv"))


def path(name: str) -> Path:
    file = DATA_DIR / f"{name}.csv"
    if not file.exists():
        raise CampError(
            f"'{name}' नाम का डेटा नहीं है; उपलब्ध: {', '.join(names())}",
            f"no data set called '{name}'; available: {', '.join(names())}",
        )
    return file


def load(name: str, **read_csv_args):
    """Read a data set as a pandas DataFrame (dates in columns named *date* are parsed).

    Example:
        >>> posts = load("posts")  # doctest: +SKIP
    """
    import pandas as pd

    frame = pd.read_csv(path(name), encoding="utf-8", **read_csv_args)
    for column in frame.columns:
        if "date" in column.lower():
            frame[column] = pd.to_datetime(frame[column], errors="coerce")
    return frame
