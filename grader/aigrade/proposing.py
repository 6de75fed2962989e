"""`propose`: ask the configured model for rubric scores on every free-text answer not yet decided."""

from __future__ import annotations

import hashlib
import logging

from camp.lang import CampError
from grader.aigrade.extract import is_empty, submission_items
from grader.aigrade.prompting import ask_model
from grader.aigrade.store import Proposal, proposals, save

log = logging.getLogger("camp.aigrade")
log.addHandler(logging.NullHandler())


def _require_ai() -> None:
    from camp import ai

    current = ai.status()
    if not current.configured:
        raise CampError(
            "AI से अंक सुझाना बंद है: कोई AI प्रदाता सेट नहीं है (या उसकी सेटिंग में समस्या है); docs/ai.md देखें और "
            "`camp ai check` चलाएँ।",
            "AI grading is off: no AI provider is configured (or its settings have a problem); see docs/ai.md and "
            "run `camp ai check`.",
        )


def propose(*, assignment: str, students: list[str] | None = None, redo: bool = False) -> dict[str, str]:
    """Ask the model for rubric scores on every free-text answer of `assignment` that has a rubric.

    Proposals are stored apart from grades. An answer already proposed is skipped unless it changed
    (or `redo` is set and no trainer has decided on it yet); an empty answer gets zero without a call.
    Stops with one bilingual sentence if the AI cannot be reached; running it again resumes.
    Returns {"participant/notebook/grade_id": what happened}.
    """
    from camp import ai

    _require_ai()
    model = ai.status().model
    stored = {p.key: p for p in proposals(assignment=assignment, students=students)}
    outcome = {}
    for item in submission_items(assignment, students):
        digest = hashlib.sha256(item.answer.encode("utf-8")).hexdigest()
        old = stored.get(item.key)
        if old and old.answer_hash == digest and (old.status != "pending" or not redo):
            outcome[item.key] = f"kept ({old.status})"
            continue
        if is_empty(item.answer):
            scores = {c["id"]: 0.0 for c in item.rubric["criteria"]}
            comments = ("कोई उत्तर नहीं लिखा गया।", "No answer was written.")
            used = "— (empty answer)"
        else:
            try:
                scores, *comments = ask_model(item)
            except ValueError as exc:
                outcome[item.key] = f"failed: the model's reply was not valid ({exc})"
                continue
            except ai.AIError as exc:
                if exc.kind != "request":
                    raise  # the AI cannot be reached or used: stop, a second run resumes
                outcome[item.key] = f"failed: {exc.en}"
                continue
            used = model
        save(
            Proposal(
                assignment,
                item.student,
                item.notebook,
                item.grade_id,
                item.rubric,
                scores,
                comments[0],
                comments[1],
                used,
                answer_hash=digest,
            )
        )
        outcome[item.key] = (
            f"proposed {sum(scores.values()):g}/{sum(c['points'] for c in item.rubric['criteria'])}"
        )
        log.info("%s %s: %s", assignment, item.key, outcome[item.key])
    return outcome
