"""What is sent to the model: the answer with people removed (names, ids, phones; grader.pii)."""

from __future__ import annotations

from camp import paths

# -- what is sent: the answer, with people removed ------------------------------------------------


def scrub(text: str, *, student: str = "", names: tuple[str, ...] = ()) -> str:
    """`text` without names (either script), ids, phones, Aadhaar-like and PIN numbers, e-mails: see grader.pii.

    Example:
        >>> scrub("मैं रवि (p001), 98765 43210", student="p001", names=("Ravi Kumar",))
        'मैं [नाम/name] ([id]), [फ़ोन/phone]'
    """
    from grader import pii

    return pii.scrub(text, student=student, names=names)


def gradebook_names(student: str) -> tuple[str, ...]:
    """The participant's names as the gradebook has them (the roster may lack someone)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        try:
            found = gb.find_student(student)
        except MissingEntry:
            return ()
        return tuple(n for n in (found.first_name, found.last_name) if n)
