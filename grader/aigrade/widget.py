"""The review as a widget in the trainer's notebook: one row a proposal, accept / change / reject."""

from __future__ import annotations

from camp.lang import CampError, bi
from grader.aigrade.decide import above_average, accept, answer_of, reject, trainer_grades
from grader.aigrade.store import proposals


def review_widget(assignment: str, *, students: list[str] | None = None, force: bool = False):
    """Pending proposals as a form: each answer, the AI's scores (editable) and comment, Accept / Reject."""
    import html

    import ipywidgets as w

    pending = proposals(assignment=assignment, students=students, status="pending")
    graded = trainer_grades(assignment, pending)
    rows = []
    for p in pending:
        boxes = {
            c["id"]: w.BoundedFloatText(
                value=p.scores[c["id"]],
                min=0,
                max=c["points"],
                step=0.5,
                description=f"{c['id']} (/{c['points']})",
            )
            for c in p.rubric["criteria"]
        }
        comment = w.Textarea(value=f"{p.comment_hi}\n{p.comment_en}", layout=w.Layout(width="95%"))
        ok = w.Button(description=bi("स्वीकार", "Accept"), button_style="success")
        no = w.Button(description=bi("अस्वीकार", "Reject"))
        message = w.HTML()
        if graded[p.key] is not None and not force:
            message.value = bi(
                f"प्रशिक्षक के अंक: {graded[p.key]:g} (नहीं बदलेंगे)", f"trainer's grade: {graded[p.key]:g} (kept)"
            )
            ok.disabled = True

        def decide(_button, p=p, boxes=boxes, comment=comment, ok=ok, no=no, message=message, take=True):
            try:
                if take:
                    result = accept(
                        assignment=assignment,
                        student=p.student,
                        notebook=p.notebook,
                        grade_id=p.grade_id,
                        scores={k: b.value for k, b in boxes.items()},
                        comment=comment.value,
                        force=force,
                    )
                else:
                    reject(assignment=assignment, student=p.student, notebook=p.notebook, grade_id=p.grade_id)
                    result = "rejected"
            except CampError as exc:
                message.value = f"<span style='color:#b00'>{exc.hi}<br>{exc.en}</span>"
                return
            message.value = f"✔ {result}"
            ok.disabled = no.disabled = True

        ok.on_click(decide)
        no.on_click(lambda b, decide=decide: decide(b, take=False))
        row = w.VBox(
            [
                w.HTML(
                    f"<b>{html.escape(p.key)}</b><pre style='white-space:pre-wrap'>"
                    f"{html.escape(answer_of(p))}</pre>"
                ),
                *boxes.values(),
                comment,
                w.HBox([ok, no]),
                message,
            ]
        )
        row.proposal, row.scores, row.accept_button, row.reject_button = p, boxes, ok, no
        rows.append(row)
    if not rows:
        return w.VBox([w.HTML(bi("कोई सुझाव बाक़ी नहीं", "no proposals waiting"))])
    return w.VBox([_accept_all_bar(assignment, rows, w), *rows])


def _accept_all_bar(assignment: str, rows: list, w):
    """The widget's "Accept all": above the trainer's own average for an item it asks a second time."""
    import html

    start = w.Button(description=bi("सभी स्वीकार", "Accept all"), button_style="warning")
    yes = w.Button(
        description=bi("हाँ, इन्हें भी", "Yes, these too"), button_style="danger", layout=w.Layout(display="none")
    )
    others = w.Button(description=bi("सिर्फ़ बाक़ी", "Only the others"), layout=w.Layout(display="none"))
    note = w.HTML()

    def open_rows() -> list:
        return [r for r in rows if not r.accept_button.disabled]

    def high(found: list) -> dict[str, float]:
        totals = {r.proposal.key: sum(b.value for b in r.scores.values()) for r in found}
        return above_average(assignment, [r.proposal for r in found], totals)

    def accept_rows(found: list) -> None:
        for r in found:
            r.accept_button.click()
        yes.layout.display = others.layout.display = "none"
        start.disabled = False
        note.value = bi(f"{len(found)} स्वीकार किए", f"{len(found)} accepted")

    def ask_first(_button) -> None:
        found = open_rows()
        flagged = high(found)
        if not flagged:
            accept_rows(found)
            return
        items = "".join(
            f"<li>{html.escape(r.proposal.key)}: {sum(b.value for b in r.scores.values()):g} "
            f"(your average {flagged[r.proposal.key]:.2f})</li>"
            for r in found
            if r.proposal.key in flagged
        )
        note.value = (
            bi(
                f"{len(flagged)} सुझाव आपके अपने औसत से ऊपर हैं।",
                f"{len(flagged)} proposals are above your own average for that item.",
            )
            + f"<ul>{items}</ul>"
        )
        yes.layout.display = others.layout.display = None
        start.disabled = True

    start.on_click(ask_first)
    yes.on_click(lambda _b: accept_rows(open_rows()))

    def only_others(_button) -> None:
        found = open_rows()
        flagged = high(found)
        accept_rows([r for r in found if r.proposal.key not in flagged])

    others.on_click(only_others)
    bar = w.VBox([w.HBox([start, yes, others]), note])
    bar.accept_all_button, bar.confirm_button, bar.others_button, bar.message = start, yes, others, note
    return bar
