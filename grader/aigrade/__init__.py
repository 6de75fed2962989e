"""AI-proposed rubric scores for free-text answers, kept apart from grades until a trainer accepts them.

`propose` asks the configured model (see camp.ai) for a score per rubric criterion and a short
bilingual comment. The answer travels as data in its own JSON field, with people removed (grader.pii). Proposals live in
`<camp>/ai/proposals.db`, never in nbgrader's tables. `accept` (or `review`, or `review_widget`) turns
one into an nbgrader manual grade, and never overwrites a grade a trainer already gave unless forced.
`report` says how often the AI agreed with the trainers, per criterion and overall.

One module a job: privacy (what is sent, people removed), extract (answers, rubrics, questions), prompting (the
prompt and the reply checked), store (the proposals), proposing (`propose`), decide (`accept`, `reject`,
`review`), widget (`review_widget`), agreement (`report`). The names below are the ones the rest of the camp uses.
"""

from grader.aigrade.agreement import Agreement, AgreementReport, report
from grader.aigrade.decide import above_average, accept, answer_of, reject, review, trainer_averages
from grader.aigrade.extract import Item
from grader.aigrade.privacy import scrub
from grader.aigrade.prompting import parse_reply
from grader.aigrade.proposing import propose
from grader.aigrade.store import Proposal, proposals, store_path
from grader.aigrade.widget import review_widget

__all__ = [
    "Agreement",
    "AgreementReport",
    "Item",
    "Proposal",
    "above_average",
    "accept",
    "answer_of",
    "parse_reply",
    "proposals",
    "propose",
    "reject",
    "report",
    "review",
    "review_widget",
    "scrub",
    "store_path",
    "trainer_averages",
]
