"""After grading: re-check each autograded item outside the participant's kernel, flag what looks tampered."""

from __future__ import annotations


def review(*, assignment: str, student: str) -> list[str]:
    """Items of this submission that need a trainer's eye (none yet: filled in by the safe-grading checks)."""
    return []
