"""Two languages side by side: Hindi first, English beside it."""

from __future__ import annotations


def bi(hi: str, en: str, *, sep: str = " / ") -> str:
    """Join a Hindi and an English sentence.

    Example:
        >>> bi("सहेजा गया", "saved")
        'सहेजा गया / saved'
    """
    return f"{hi}{sep}{en}"


class CampError(Exception):
    """A user's mistake, told in one sentence in Hindi and English, with what to do next."""

    def __init__(self, hi: str, en: str):
        self.hi = hi
        self.en = en
        super().__init__(f"{hi}\n{en}")

    def __str__(self) -> str:  # one clear message, never a traceback for the participant
        return f"{self.hi}\n{self.en}"
