"""The trainer decides: accept, change or reject a proposal (it becomes an nbgrader grade only then)."""

from __future__ import annotations

from collections.abc import Callable

from camp import paths
from camp.lang import CampError, bi
from grader.aigrade.extract import notebook_answers
from grader.aigrade.store import Proposal, proposals, save

# -- the trainer decides --------------------------------------------------------------------------


def _find(assignment: str, student: str, grade_id: str, notebook: str | None) -> Proposal:
    for p in proposals(assignment=assignment, students=[student]):
        if p.grade_id == grade_id and (notebook is None or p.notebook == notebook):
            return p
    raise CampError(
        f"{student}/{grade_id} के लिए कोई AI सुझाव नहीं है: पहले `camp ai-grade {assignment}` चलाएँ।",
        f"there is no AI proposal for {student}/{grade_id}: run `camp ai-grade {assignment}` first.",
    )


def accept(
    *,
    assignment: str,
    student: str,
    grade_id: str,
    notebook: str | None = None,
    scores: dict[str, float] | None = None,
    comment: str | None = None,
    force: bool = False,
) -> str:
    """Make a proposal (as is, or with the trainer's `scores`) the participant's nbgrader grade.

    Refuses when the cell already has a manual grade, unless `force`. The comment (default: the AI's
    bilingual comment; "" for none) is written only where no comment exists yet, unless `force`.
    Returns "accepted" (as proposed) or "changed".
    """
    from nbgrader.api import Gradebook

    p = _find(assignment, student, grade_id, notebook)
    final = dict(p.scores)
    for crit in p.rubric["criteria"]:
        if scores and crit["id"] in scores:
            value = float(scores[crit["id"]])
            if not 0 <= value <= crit["points"]:
                raise CampError(
                    f"{crit['id']} के अंक 0 से {crit['points']} के बीच हों (मिला: {value:g})।",
                    f"the score for {crit['id']} must be between 0 and {crit['points']} (got {value:g}).",
                )
            final[crit["id"]] = value
    unknown = set(scores or {}) - set(final)
    if unknown:
        raise CampError(
            f"अनजाने मानदंड: {', '.join(sorted(unknown))}", f"unknown criteria: {', '.join(sorted(unknown))}"
        )
    text = f"{p.comment_hi}\n{p.comment_en}".strip() if comment is None else comment.strip()
    paths.ensure_tools_on_path()
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        grade = gb.find_grade(grade_id, p.notebook, assignment, student)
        if grade.manual_score is not None and not force:
            raise CampError(
                f"{student}/{grade_id} को प्रशिक्षक पहले ही {grade.manual_score:g} अंक दे चुके हैं; बदलने के लिए --force दें।",
                f"{student}/{grade_id} already has a trainer's grade of {grade.manual_score:g}; use --force to replace it.",
            )
        grade.manual_score = min(sum(final.values()), grade.max_score or sum(final.values()))
        grade.needs_manual_grade = False
        note = gb.find_comment(grade_id, p.notebook, assignment, student)
        if text and (force or not (note.manual_comment or "").strip()):
            note.manual_comment = text
        gb.db.commit()
    p.status = "accepted" if final == p.scores else "changed"
    p.decided = final
    save(p)
    return p.status


def reject(*, assignment: str, student: str, grade_id: str, notebook: str | None = None) -> None:
    """Set a proposal aside; the trainer grades the answer in the Formgrader as usual."""
    p = _find(assignment, student, grade_id, notebook)
    p.status = "rejected"
    save(p)


def trainer_grades(assignment: str, found: list[Proposal]) -> dict[str, float | None]:
    from nbgrader.api import Gradebook, MissingEntry

    grades: dict[str, float | None] = {}
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        for p in found:
            try:
                grades[p.key] = gb.find_grade(p.grade_id, p.notebook, assignment, p.student).manual_score
            except MissingEntry:
                grades[p.key] = None
    return grades


def trainer_averages(assignment: str) -> dict[tuple[str, str], float]:
    """{(notebook, grade_id): the mean of the grades trainers gave that item themselves}.

    A grade that is an AI proposal accepted as proposed (and not changed since) is not the trainer's own.
    Items no trainer has graded yet are absent.
    """
    from nbgrader.api import Gradebook, MissingEntry

    from_ai = {
        (p.student, p.notebook, p.grade_id): sum((p.decided or p.scores).values())
        for p in proposals(assignment=assignment, status="accepted")
    }
    given: dict[tuple[str, str], list[float]] = {}
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        try:
            submissions = gb.find_assignment(assignment).submissions
        except MissingEntry:
            return {}
        for sub in submissions:
            for nb in sub.notebooks:
                for grade in nb.grades:
                    score = grade.manual_score
                    ai_score = from_ai.get((sub.student_id, nb.name, grade.name))
                    if score is None or (ai_score is not None and abs(ai_score - score) < 1e-6):
                        continue
                    given.setdefault((nb.name, grade.name), []).append(float(score))
    return {item: sum(scores) / len(scores) for item, scores in given.items()}


def above_average(
    assignment: str, found: list[Proposal], totals: dict[str, float] | None = None
) -> dict[str, float]:
    """{key: the trainer's average} for each proposal whose total (or `totals[key]`) is above that average."""
    averages = trainer_averages(assignment)
    high = {}
    for p in found:
        mean = averages.get((p.notebook, p.grade_id))
        total = (totals or {}).get(p.key, p.total)
        if mean is not None and total > mean + 1e-6:
            high[p.key] = mean
    return high


def _confirm_above_average(
    assignment: str, todo: list[Proposal], ask: Callable[[str], str], out: Callable[[str], None]
) -> dict[str, float]:
    """Ask again before accepting all when some proposals are above the trainer's own average.

    Returns the proposals to hold back ({key: average}): none if the trainer typed yes, else those above.
    """
    high = above_average(assignment, todo)
    if not high:
        return {}
    out(
        bi(
            f"{len(high)} AI सुझाव इस प्रश्न पर आपके अपने औसत अंकों से ऊपर हैं:",
            f"{len(high)} AI proposals are above your own average for that item:",
        )
    )
    for p in todo:
        if p.key in high:
            out(f"  {p.key}: {p.total:g}/{p.max_points:g} (your average {high[p.key]:.2f})")
    try:
        reply = ask(bi("इन्हें भी स्वीकार करें? 'yes' लिखें", "Accept these too? Type 'yes'") + " [no] ")
    except (EOFError, OSError):  # no one at the keyboard: no second confirmation
        reply = ""
    if reply.strip().lower() in ("yes", "y", "हाँ", "हां"):
        return {}
    return high


def review(
    *,
    assignment: str,
    students: list[str] | None = None,
    accept_all: bool = False,
    force: bool = False,
    ask: Callable[[str], str] = input,
    out: Callable[[str], None] = print,
) -> dict[str, str]:
    """Go through pending proposals: accept, change, reject or skip each (or accept all as proposed).

    An answer the trainer already graded is skipped (kept) unless `force`. Accepting all asks a second
    time when any proposal is above the trainer's own average for its item; without a "yes" those stay
    pending (held) and the rest are accepted. Returns {key: outcome}.
    """

    def take(p, scores=None) -> str:
        return accept(
            assignment=assignment,
            student=p.student,
            notebook=p.notebook,
            grade_id=p.grade_id,
            scores=scores,
            force=force,
        )

    pending = proposals(assignment=assignment, students=students, status="pending")
    graded = trainer_grades(assignment, pending)
    held: dict[str, float] = {}
    if accept_all:
        todo = [p for p in pending if graded[p.key] is None or force]
        held = _confirm_above_average(assignment, todo, ask, out)
    outcome: dict[str, str] = {}
    for p in pending:
        if graded[p.key] is not None and not force:
            outcome[p.key] = f"kept trainer's grade {graded[p.key]:g}"
            continue
        if accept_all and p.key in held:
            outcome[p.key] = f"held: {p.total:g} is above your average {held[p.key]:.2f} (still pending)"
            continue
        if accept_all:
            outcome[p.key] = take(p)
            continue
        out(_describe(p))
        choice = (
            ask(
                bi(
                    "[a] स्वीकार, [c] बदलें, [r] अस्वीकार, [s] छोड़ें, [q] बंद करें",
                    "[a]ccept, [c]hange, [r]eject, [s]kip, [q]uit",
                )
                + " ? "
            )
            .strip()
            .lower()[:1]
        )
        if choice == "q":
            break
        if choice == "a":
            outcome[p.key] = take(p)
        elif choice == "c":
            scores = {c["id"]: _ask_score(c, p.scores[c["id"]], ask, out) for c in p.rubric["criteria"]}
            outcome[p.key] = take(p, scores)
        elif choice == "r":
            reject(assignment=assignment, student=p.student, notebook=p.notebook, grade_id=p.grade_id)
            outcome[p.key] = "rejected"
        else:
            outcome[p.key] = "skipped"
    return outcome


def _ask_score(crit: dict, proposed: float, ask: Callable[[str], str], out: Callable[[str], None]) -> float:
    from camp.answers import parse_number

    while True:
        typed = ask(f"  {crit['id']} (0–{crit['points']}) [AI: {proposed:g}]: ").strip()
        try:
            value = proposed if not typed else parse_number(typed)
        except CampError as exc:
            out(str(exc))
            continue
        if value is not None and 0 <= value <= crit["points"]:
            return value
        out(bi(f"0 से {crit['points']} के बीच लिखें", f"type a number from 0 to {crit['points']}"))


def answer_of(p: Proposal) -> str:
    """The participant's answer as the trainer sees it (read again from the autograded notebook)."""
    path = paths.course_root() / "autograded" / p.student / p.assignment / f"{p.notebook}.ipynb"
    if not path.exists():
        return ""
    return notebook_answers(path.parent, path, {p.grade_id: p.rubric}).get(p.grade_id, "")


def _describe(p: Proposal) -> str:
    lines = [f"── {p.key} ──", answer_of(p).strip()[:1500], ""]
    for crit in p.rubric["criteria"]:
        lines.append(
            f"  {crit['id']}: {p.scores[crit['id']]:g}/{crit['points']}  ({crit.get('hi', '')} / "
            f"{crit.get('en', '')})"
        )
    lines += [f"  AI: {p.comment_hi}", f"      {p.comment_en}"]
    return "\n".join(lines)
