"""How often the AI agreed with the trainers, per criterion and overall."""

from __future__ import annotations

from dataclasses import dataclass

from camp.lang import bi
from grader.aigrade.decide import trainer_grades
from grader.aigrade.store import proposals

# -- how often the AI agreed ----------------------------------------------------------------------


@dataclass
class Agreement:
    name: str
    compared: int = 0
    matched: int = 0
    difference: float = 0.0  # summed absolute difference in points

    @property
    def rate(self) -> float | None:
        return self.matched / self.compared if self.compared else None

    def add(self, ai_score: float, trainer: float) -> None:
        self.compared += 1
        self.matched += abs(ai_score - trainer) < 1e-6
        self.difference += abs(ai_score - trainer)


@dataclass
class AgreementReport:
    """Per criterion (from decisions made through this flow) and overall (cell totals)."""

    assignment: str
    criteria: dict[str, Agreement]
    overall: Agreement
    waiting: int  # proposals no trainer has graded yet

    def __str__(self) -> str:
        def line(a: Agreement) -> str:
            rate = "—" if a.rate is None else f"{a.rate:.0%}"
            mean = f", mean difference {a.difference / a.compared:.2f}" if a.compared else ""
            return f"{a.name:<24} {a.matched}/{a.compared} {bi('मेल', 'matched')} ({rate}){mean}"

        head = bi(f"{self.assignment}: AI और प्रशिक्षक का मेल", f"{self.assignment}: AI vs trainer agreement")
        body = [line(a) for a in self.criteria.values()]
        tail = [line(self.overall), f"{bi('अभी बाक़ी', 'not graded yet')}: {self.waiting}"]
        return "\n".join([head, *body, *tail])


def report(*, assignment: str) -> AgreementReport:
    """How often the AI's proposal matched the trainer: per rubric criterion, and per answer overall.

    Per criterion counts only decisions made through accept/review (nbgrader keeps one score per
    cell); overall compares each proposal's total with the cell's manual grade, however it was given.
    """
    found = proposals(assignment=assignment)
    grades = trainer_grades(assignment, found)
    criteria: dict[str, Agreement] = {}
    overall = Agreement(bi("कुल (प्रति उत्तर)", "overall (per answer)"))
    waiting = 0
    for p in found:
        trainer = grades[p.key]
        if trainer is None:
            waiting += 1
            continue
        overall.add(p.total, trainer)
        # a decision counts per criterion only while the gradebook still holds what was decided
        if p.decided is not None and abs(sum(p.decided.values()) - trainer) < 1e-6:
            for cid, score in p.scores.items():
                criteria.setdefault(cid, Agreement(cid)).add(score, p.decided.get(cid, score))
    return AgreementReport(assignment, criteria, overall, waiting)
