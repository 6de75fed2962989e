"""मेरे असाइनमेंट / My assignments: fetch, validate, submit and read feedback in Hindi, without nbgrader's panel.

Everything here runs in the participant's own kernel and needs only the exchange (nbgrader's own Python API,
through `camp.participant`) and her work folder: never the gradebook or the course's sources.

Example:
    >>> from camp import panel; panel.show()  # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from camp import paths
from camp.lang import CampError, bi

#: India Standard Time has no daylight saving: a fixed offset needs no time-zone database.
IST = timezone(timedelta(hours=5, minutes=30), "IST")
#: The due date of a released assignment, written by `camp release --due` beside it in the exchange.
#: nbgrader's fetch leaves it out of the participant's copy (it is in CourseDirectory.ignore).
DUE_FILE = ".camp-due.json"
#: The feedback data beside each feedback page (grader.feedback writes it; the panel reads it).
DATA_SUFFIX = ".json"
TEMPLATES = (
    Path(__file__).resolve().parent / "templates"
)  # the feedback page's body, shared with grader/feedback
BODY_TEMPLATE = "feedback_body.html.j2"

_MONTHS_HI = ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- time, always shown in IST ---------------------------------------------------------------------
def parse_time(value: Any) -> datetime | None:
    """A UTC datetime from ISO text, nbgrader's timestamp ("2026-11-28 10:00:00.000000 UTC") or a datetime.

    A time without a zone is UTC, as nbgrader stores it. Anything unreadable gives None.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if text.endswith(" UTC"):
            text = text[:-4]
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_due(text: str) -> datetime:
    """A due date typed by the trainer ("2026-12-05 18:00", IST unless it names a zone) as UTC.

    A date alone means the end of that day (23:59 IST).

    Example:
        >>> parse_due("2026-12-05 18:00").isoformat()
        '2026-12-05T12:30:00+00:00'
    """
    raw = str(text).strip()
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise CampError(
            f"अंतिम तिथि '{raw}' समझ नहीं आई; ऐसे लिखें: 2026-12-05 18:00 (भारतीय समय)",
            f"cannot read the due date '{raw}'; write it like 2026-12-05 18:00 (IST)",
        ) from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        moment = moment.replace(hour=23, minute=59)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=IST)
    return moment.astimezone(timezone.utc)


def when_hi(moment: datetime) -> str:
    """A moment in Hindi, in IST: "5 दिसंबर 2026, शाम 6:00 बजे"."""
    local = moment.astimezone(IST)
    hour = local.hour
    part = "सुबह" if 4 <= hour < 12 else "दोपहर" if hour < 16 else "शाम" if hour < 20 else "रात"
    return f"{local.day} {_MONTHS_HI[local.month - 1]} {local.year}, {part} {hour % 12 or 12}:{local.minute:02d} बजे"


def when_en(moment: datetime) -> str:
    """A moment in English, in IST: "5 Dec 2026, 6:00 pm IST"."""
    local = moment.astimezone(IST)
    noon = "am" if local.hour < 12 else "pm"
    return f"{local.day} {_MONTHS_EN[local.month - 1]} {local.year}, {local.hour % 12 or 12}:{local.minute:02d} {noon} IST"


def _now() -> datetime:
    return datetime.now(timezone.utc)


# -- what the exchange holds for me ------------------------------------------------------------------
def _outbound(assignment: str) -> Path:
    return paths.exchange_root() / paths.COURSE_ID / "outbound" / assignment


def due_of(assignment: str) -> datetime | None:
    """The due date of a released assignment (UTC), or None when the trainer set none."""
    try:
        data = json.loads((_outbound(assignment) / DUE_FILE).read_text(encoding="utf-8"))
        return parse_time(data.get("due")) if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def titles(notebook: Path) -> tuple[str, str]:
    """The assignment's Hindi and English titles: the first heading of each half of its first cell."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        first = next(c for c in nb.get("cells", []) if c.get("cell_type") == "markdown")
        text = first["source"] if isinstance(first["source"], str) else "".join(first["source"])
    except (OSError, ValueError, StopIteration, KeyError, TypeError):
        return "", ""
    halves = re.split(r"\n-{3,}\n", text, maxsplit=1) + [""]
    heads = [
        next((ln.lstrip("# ").strip() for ln in h.splitlines() if ln.startswith("# ")), "")
        for h in halves[:2]
    ]
    return heads[0], heads[1]


@dataclass
class Entry:
    """One assignment as the participant sees it."""

    assignment: str
    title_hi: str = ""
    title_en: str = ""
    due: datetime | None = None
    released: bool = False
    fetched: bool = False
    submitted: list[datetime] = field(default_factory=list)  # oldest first
    feedback_waiting: bool = False  # returned by the trainer, not fetched yet
    score: tuple[str, str] | None = None  # (score, out of) in the newest feedback fetched

    @property
    def last_submitted(self) -> datetime | None:
        return self.submitted[-1] if self.submitted else None

    @property
    def late(self) -> bool:
        return bool(self.due and self.last_submitted and self.last_submitted > self.due)

    @property
    def notebook(self) -> Path:
        return paths.work_dir() / self.assignment / f"{self.assignment}.ipynb"


def _work_notebook(assignment: str) -> Path:
    folder = paths.work_dir() / assignment
    own = folder / f"{assignment}.ipynb"
    if own.exists():
        return own
    found = sorted(p for p in folder.glob("*.ipynb"))
    if not found:
        raise CampError(
            f"'{assignment}' की नोटबुक नहीं मिली; पहले ⬇️ लें दबाएँ",
            f"the notebook of '{assignment}' is not there; press ⬇️ Fetch first",
        )
    return found[0]


def assignments() -> list[Entry]:
    """Every assignment released to me, fetched by me or submitted by me, with due dates and feedback state."""
    from camp import participant

    entries: dict[str, Entry] = {}
    for info in participant.list_assignments():
        name = info["assignment_id"]
        entry = entries.setdefault(name, Entry(name))
        entry.released, entry.fetched = True, info.get("status") == "fetched"
        entry.due = due_of(name)
        notebooks = info.get("notebooks") or []
        if notebooks:
            entry.title_hi, entry.title_en = titles(Path(notebooks[0]["path"]))
    work = paths.work_dir()
    if work.is_dir():
        for folder in sorted(p for p in work.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))):
            entry = entries.setdefault(folder.name, Entry(folder.name))
            entry.fetched = True
            if not entry.title_hi:
                entry.title_hi, entry.title_en = titles(sorted(folder.glob("*.ipynb"))[0])
    for group in participant.list_assignments(submitted=True):
        entry = entries.setdefault(group["assignment_id"], Entry(group["assignment_id"]))
        for sub in group.get("submissions", []):
            moment = parse_time(sub.get("timestamp"))
            if moment:
                entry.submitted.append(moment)
            if sub.get("has_exchange_feedback") and (
                not sub.get("has_local_feedback") or sub.get("feedback_updated")
            ):
                entry.feedback_waiting = True
        entry.submitted.sort()
    for name, entry in entries.items():
        found = latest_feedback(name) if entry.fetched else None
        if found:
            view = present(found[1])
            entry.score = (view["score"], view["max_score"])
    return [entries[k] for k in sorted(entries)]


# -- actions -------------------------------------------------------------------------------------------
@dataclass
class Message:
    """What happened, in one Hindi line with English beside it."""

    hi: str
    en: str
    ok: bool = True

    def __str__(self) -> str:
        return bi(self.hi, self.en)


def fetch(assignment: str) -> Message:
    """Fetch a released assignment into my work folder."""
    from camp import participant

    if (paths.work_dir() / assignment).is_dir():
        return Message(
            "यह असाइनमेंट पहले ही लिया जा चुका है — 📂 खोलें", "You already have this assignment — 📂 open it"
        )
    try:
        participant.fetch_assignment(assignment=assignment)
    except CampError:
        return Message(
            "असाइनमेंट नहीं लिया जा सका; थोड़ी देर बाद फिर कोशिश करें या ट्रेनर को बताएँ",
            "The assignment could not be fetched; try again in a moment or tell your trainer",
            ok=False,
        )
    return Message("असाइनमेंट आ गया — 📂 खोलें और उत्तर दें", "The assignment is here — 📂 open it and answer")


def submit(assignment: str) -> Message:
    """Hand in my work folder (notebook and answers.json); says when, and whether it was late."""
    from camp import participant

    _work_notebook(assignment)
    try:
        participant.submit(assignment=assignment)
    except CampError:
        return Message(
            "जमा नहीं हो सका; थोड़ी देर बाद फिर कोशिश करें या ट्रेनर को बताएँ",
            "Could not submit; try again in a moment or tell your trainer",
            ok=False,
        )
    now, due = _now(), due_of(assignment)
    if due and now > due:
        return Message(
            f"⏰ जमा हो गया, पर देर से: अंतिम समय {when_hi(due)} था",
            f"⏰ Submitted, but late: it was due {when_en(due)}",
        )
    again = (
        (f"{when_hi(due)} तक आप फिर से जमा कर सकते हैं", f"you may submit again until {when_en(due)}")
        if due
        else ("आप फिर से जमा कर सकते हैं", "you may submit again")
    )
    return Message(
        f"✅ जमा हो गया ({when_hi(now)}); {again[0]}", f"✅ Submitted ({when_en(now)}); {again[1]}"
    )


# -- validate: answered or not, never right or wrong, never a traceback ------------------------------------
QUESTION = re.compile(r"q(\d+)_")
ANSWER_MIME = "application/vnd.camp.answer+json"  # camp.check records each answer as this output


@dataclass
class Check:
    """One question after Validate."""

    qid: str
    number: int | None
    answered: bool
    code_error: bool = False

    @property
    def line(self) -> str:
        n_hi, n_en = (
            (f"प्रश्न {self.number}", f"Question {self.number}") if self.number else ("प्रश्न", "Question")
        )
        if self.answered:
            text = bi(f"{n_hi} ✔ उत्तर दिया गया", f"{n_en} ✔ answered")
        else:
            text = bi(f"{n_hi} ⏳ अभी उत्तर नहीं दिया गया", f"{n_en} ⏳ not answered yet")
        if self.code_error:
            var = f"answer_q{self.number}" if self.number else "answer"
            text += " — " + bi(
                f"⚠️ वैकल्पिक कोड सेल में ग़लती है; उसे ठीक करें या फिर से {var} = None लिखें",
                f"⚠️ the optional code cell has a mistake; fix it or write {var} = None again",
            )
        return text


def _number(qid: str) -> int | None:
    match = QUESTION.match(qid or "")
    return int(match.group(1)) if match else None


def _recorded(cell) -> bool | None:
    """Whether the answer recorded in a test cell's outputs is a real answer (None: nothing recorded)."""
    for out in cell.get("outputs", []):
        record = out.get("data", {}).get(ANSWER_MIME) if out.get("output_type") == "display_data" else None
        if isinstance(record, dict):
            return record.get("value") not in (None, "", [])
    return None


def _errored(cell) -> bool:
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def _own_text(source: str) -> bool:
    """Whether a written-answer cell holds anything besides its widget call and comments."""
    for line in source.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and not line.startswith("answers.long_text("):
            return True
    return False


def validate(assignment: str, *, timeout: int = 60) -> list[Check]:
    """Run my saved notebook in a fresh kernel, as nbgrader's Validate does; one Check per question.

    Only whether each question has an answer is reported: right or wrong is decided after submitting.
    """
    import nbformat

    from camp import answers
    from camp.notebooks import ReliableClient

    path = _work_notebook(assignment)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        raise CampError(
            "नोटबुक खुल नहीं सकी (फ़ाइल टूटी है); ट्रेनर को बताएँ",
            "The notebook cannot be opened (the file is broken); tell your trainer",
        ) from None
    kernel = (nb.metadata.get("kernelspec") or {}).get("name") or "python3"
    client = ReliableClient(
        nb,
        timeout=timeout,
        kernel_name=kernel,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute(env={**os.environ, "NBGRADER_EXECUTION": "validate"})
    except Exception:
        raise CampError(
            "जाँच पूरी नहीं हो सकी (नोटबुक बहुत देर तक चली या रुक गई); फिर कोशिश करें",
            "The check could not finish (the notebook ran too long or stopped); try again",
        ) from None
    try:
        saved = answers.load(path.parent)
    except CampError:
        saved = {}
    by_id = {(c.metadata.get("nbgrader") or {}).get("grade_id"): c for c in nb.cells}
    checks = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        grade_id = str(meta.get("grade_id", ""))
        if not meta.get("solution"):
            qid = grade_id[: -len("_test")] if grade_id.endswith("_test") else grade_id
            recorded = _recorded(cell)
            if recorded is None:
                recorded = not _errored(cell) and "✔" in json.dumps(
                    cell.get("outputs", []), ensure_ascii=False
                )
            code = by_id.get(f"{qid}_code")
            checks.append(
                Check(qid, _number(qid), bool(recorded), code_error=code is not None and _errored(code))
            )
        else:
            qid = str((cell.metadata.get("camp") or {}).get("answer") or grade_id)
            text = saved.get(qid)
            answered = (isinstance(text, str) and bool(text.strip())) or _own_text(cell.source)
            checks.append(Check(qid, _number(qid), answered))
    return checks


def validation_summary(checks: list[Check]) -> Message:
    done = sum(c.answered for c in checks)
    if checks and done == len(checks):
        return Message(
            f"सभी {done} प्रश्नों के उत्तर दिए गए — अब 📤 जमा करें", f"All {done} questions answered — now 📤 submit"
        )
    return Message(
        f"{len(checks)} में से {done} प्रश्नों के उत्तर दिए गए; ⏳ वाले प्रश्नों के उत्तर दें, फिर जमा करें",
        f"{done} of {len(checks)} questions answered; answer the ⏳ ones, then submit",
        ok=False,
    )


# -- my feedback: the data beside the returned page, shown here -----------------------------------------
NO_FEEDBACK = Message(
    "अभी कोई फ़ीडबैक नहीं है — ट्रेनर के जाँचने के बाद यहीं दिखेगा",
    "No feedback yet — it shows here once your trainer has graded your work",
    ok=False,
)
_EMBEDDED = re.compile(r'<script[^>]*\bid="camp-feedback-data"[^>]*>(.*?)</script>', re.S)


def _copy_data_beside(assignment: str) -> None:
    """Bring the feedback data the trainer released beside each fetched page (same name, .json)."""
    from nbgrader.utils import notebook_hash

    cache = Path(_cache_root()) / paths.COURSE_ID
    feedback = paths.work_dir() / assignment / "feedback"
    if not feedback.is_dir():
        return
    for stamp in (p for p in feedback.iterdir() if p.is_dir()):
        secret_files = sorted(cache.glob(f"*+{assignment}+{stamp.name}*/submission_secret.txt"))
        if not secret_files:
            continue
        secret = secret_files[0].read_text(encoding="utf-8")
        for page in stamp.glob("*.html"):
            released = (
                paths.exchange_root()
                / paths.COURSE_ID
                / "feedback"
                / f"{notebook_hash(secret=secret, notebook_id=page.stem)}{DATA_SUFFIX}"
            )
            if released.is_file():
                page.with_suffix(DATA_SUFFIX).write_bytes(released.read_bytes())


def _cache_root() -> str:
    from camp.nbsettings import shared_settings

    return str(shared_settings()["Exchange"]["cache"])


def load_feedback(page: Path) -> dict | None:
    """The feedback data of a returned page: the file beside it, else the copy inside the page; or None."""
    try:
        beside = page.with_suffix(DATA_SUFFIX)
        if beside.is_file():
            data = json.loads(beside.read_text(encoding="utf-8"))
        else:
            match = _EMBEDDED.search(page.read_text(encoding="utf-8", errors="replace"))
            data = json.loads(match.group(1)) if match else None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("items"), list) else None


def latest_feedback(assignment: str) -> tuple[Path, dict] | None:
    """The newest fetched feedback of an assignment that can be read: (page, data), or None."""
    folder = paths.work_dir() / assignment / "feedback"
    pages = (
        sorted(
            folder.glob("*/*.html"),
            key=lambda p: (parse_time(p.parent.name) or datetime.min.replace(tzinfo=timezone.utc), p.name),
            reverse=True,
        )
        if folder.is_dir()
        else []
    )
    for page in pages:
        data = load_feedback(page)
        if data is not None:
            return page, data
    return None


def my_feedback(assignment: str) -> str:
    """Fetch the returned feedback (nbgrader's fetch_feedback) and give it as HTML to show here."""
    from camp import participant

    waiting = any(e.feedback_waiting for e in assignments() if e.assignment == assignment)
    if waiting:
        try:
            participant.fetch_feedback(assignment=assignment)
        except CampError:
            pass  # what was fetched before is still shown below
        _copy_data_beside(assignment)
    found = latest_feedback(assignment)
    if found is None:
        return message_html(NO_FEEDBACK)
    return render_feedback(found[1])


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def present(data: dict, now: datetime | None = None) -> dict:
    """What the feedback page and the panel show, worked out from the feedback data at time `now`.

    Every value is plain text; the template escapes it.
    """
    now = now or _now()
    items, auto_ok, pending, wrong = [], True, False, 0
    for item in data.get("items", []):
        if not isinstance(item, dict):
            continue
        number = item.get("number") if isinstance(item.get("number"), int) else None
        n_hi, n_en = (f"प्रश्न {number}", f"Question {number}") if number else ("प्रश्न", "Question")
        score, points = _num(item.get("score")), _num(item.get("points"))
        view = {
            "number": number or "",
            "score": f"{_fmt(score)} / {_fmt(points)}",
            "comment": _text(item.get("comment")),
            "question_hi": _text(item.get("question_hi")),
            "question_en": _text(item.get("question_en")),
            "answer": _text(item.get("answer")),
            "criteria": [],
            "kind": item.get("kind"),
            "example": _text(item.get("example")) if item.get("kind") != "auto" else "",
        }
        if item.get("kind") == "auto":
            passed = bool(item.get("passed"))
            mark = "✅" if passed else "❌"
            auto_ok &= passed
            wrong += not passed
            view.update(
                mark=mark,
                status="correct" if passed else "wrong",
                line_hi=f"{n_hi} {mark} {_text(item.get('hi'))}",
                line_en=f"{n_en} {mark} {_text(item.get('en'))}",
            )
        else:
            if score is None:
                pending = True
                mark, hi, en, status = "✍️", "ट्रेनर अभी जाँचेंगे", "your trainer has not graded it yet", "pending"
            elif not item.get("answered"):
                mark, hi, en, status = "❌", "कोई उत्तर नहीं लिखा गया", "no answer was written", "wrong"
                wrong += 1
            else:
                full = points is not None and score >= points
                mark, status = ("✅" if full else "✍️"), ("correct" if full else "graded")
                hi, en = f"{_fmt(score)} / {_fmt(points)} अंक", f"{_fmt(score)} / {_fmt(points)} points"
            criteria = item.get("criteria") if isinstance(item.get("criteria"), list) else []
            view.update(
                mark=mark,
                status=status,
                line_hi=f"{n_hi} {mark} {hi}",
                line_en=f"{n_en} {mark} {en}",
                criteria=[
                    {
                        "hi": _text(c.get("hi")),
                        "en": _text(c.get("en")),
                        "points": _fmt(_num(c.get("points"))),
                    }
                    for c in criteria
                    if isinstance(c, dict)
                ],
            )
        items.append(view)
    due, submitted = parse_time(data.get("due")), parse_time(data.get("submitted"))
    late = bool(data.get("late")) or bool(due and submitted and submitted > due)
    penalty = _num(data.get("late_penalty")) or 0.0
    if auto_ok and not pending and not wrong:
        step = ("🎉 सब सही! यह असाइनमेंट पूरा हुआ", "🎉 All correct! This assignment is done")
    elif pending and not wrong:
        step = (
            "✅ अपने-आप जाँचे गए सभी प्रश्न सही हैं; ट्रेनर आपका लिखा उत्तर जाँचेंगे — आपका काम पूरा हुआ",
            "✅ All automatically checked questions are right; your trainer will grade your written answer — "
            "you are done",
        )
    elif due and now > due:
        step = (
            f"📘 अंतिम समय ({when_hi(due)}) बीत गया — यह असाइनमेंट पूरा हुआ; संकेत पढ़कर सीखें",
            f"📘 The due time ({when_en(due)}) has passed — this assignment is done; read the hints to learn",
        )
    elif due:
        step = (
            f"✏️ ❌ वाले प्रश्न सुधारें और {when_hi(due)} से पहले 📤 फिर से जमा करें",
            f"✏️ Correct the ❌ questions and 📤 submit again before {when_en(due)}",
        )
    else:
        step = ("✏️ ❌ वाले प्रश्न सुधारें और 📤 फिर से जमा करें", "✏️ Correct the ❌ questions and 📤 submit again")
    late_line = None
    if late and due and submitted:
        late_line = (
            f"⏰ देर से जमा हुआ: अंतिम समय {when_hi(due)} था, आपने {when_hi(submitted)} को जमा किया",
            f"⏰ Submitted late: it was due {when_en(due)}, you submitted {when_en(submitted)}",
        )
        if penalty:
            late_line = (
                late_line[0] + f" ({_fmt(penalty)} अंक कटे)",
                late_line[1] + f" ({_fmt(penalty)} points off)",
            )
    return {
        "assignment": _text(data.get("assignment")),
        "title_hi": _text(data.get("title_hi")) or _text(data.get("assignment")),
        "title_en": _text(data.get("title_en")) or _text(data.get("assignment")),
        "score": _fmt(_num(data.get("score"))),
        "max_score": _fmt(_num(data.get("max_score"))),
        "submitted": (when_hi(submitted), when_en(submitted)) if submitted else None,
        "due": (when_hi(due), when_en(due)) if due else None,
        "late": late_line,
        "next": step,
        "questions": items,
    }


def render_feedback(data: dict, now: datetime | None = None) -> str:
    """The feedback as HTML (every value escaped), the same body as the returned feedback page."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    return env.get_template(BODY_TEMPLATE).render(v=present(data, now))


def message_html(message: Message) -> str:
    colour = "#1b5e20" if message.ok else "#8a4b00"
    return f"<div class='camp-msg' style='color:{colour}'>{html.escape(str(message))}</div>"


# -- the panel -------------------------------------------------------------------------------------------
_STYLE = """<style>
.camp-panel { font-size: 15px; line-height: 1.5; }
.camp-panel .camp-row { border: 1px solid #ccd; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.camp-panel .camp-title { font-weight: 600; font-size: 16px; }
.camp-panel .camp-late { color: #b00020; font-weight: 600; }
.camp-panel .camp-lines div { padding: 2px 0; }
</style>"""


def _status(entry: Entry) -> str:
    due = (
        bi(f"अंतिम तिथि: {when_hi(entry.due)}", f"Due: {when_en(entry.due)}")
        if entry.due
        else bi("कोई अंतिम तिथि नहीं", "no due date")
    )
    if entry.last_submitted:
        state = bi(f"जमा किया: {when_hi(entry.last_submitted)}", f"submitted {when_en(entry.last_submitted)}")
        if entry.late:
            state += " <span class='camp-late'>" + html.escape(bi("⏰ देर से", "late")) + "</span>"
        else:
            state = html.escape(state)
    elif entry.fetched:
        state = html.escape(bi("लिया गया, अभी जमा नहीं किया", "fetched, not submitted yet"))
    else:
        state = html.escape(bi("अभी लिया नहीं गया", "not fetched yet"))
    if entry.score:
        state += " · " + html.escape(
            bi(f"अंक: {entry.score[0]} / {entry.score[1]}", f"score {entry.score[0]} / {entry.score[1]}")
        )
    if entry.feedback_waiting:
        state += " · " + html.escape(bi("💬 फ़ीडबैक आया है", "feedback is ready"))
    title = " / ".join(html.escape(t) for t in (entry.title_hi, entry.title_en) if t) or html.escape(
        entry.assignment
    )
    return (
        f"<div class='camp-title'>{title}</div><div><code>{html.escape(entry.assignment)}</code> · "
        f"{html.escape(due)}</div><div>{state}</div>"
    )


class Panel:
    """The widgets: one row per assignment with its buttons and a place for what happened."""

    def __init__(self) -> None:
        import ipywidgets as w

        self._w = w
        refresh = w.Button(description=bi("ताज़ा करें", "Refresh"), icon="refresh")
        refresh.on_click(lambda _b: self.refresh())
        self.rows: dict[str, _Row] = {}
        self.list = w.VBox()
        head = w.HTML(_STYLE + "<h3>📋 " + html.escape(bi("मेरे असाइनमेंट", "My assignments")) + "</h3>")
        self.note = w.HTML()
        self.box = w.VBox([head, refresh, self.note, self.list])
        self.box.add_class("camp-panel")
        self.refresh()

    def refresh(self) -> None:
        """Read the exchange again; rows are updated in place, so what each one says stays."""
        try:
            entries = assignments()
        except Exception:
            self.note.value = message_html(
                Message(
                    "असाइनमेंट की सूची नहीं मिल सकी; ट्रेनर को बताएँ",
                    "The list of assignments is not available; tell your trainer",
                    False,
                )
            )
            return
        self.note.value = (
            ""
            if entries
            else message_html(
                Message("अभी कोई असाइनमेंट जारी नहीं हुआ है", "No assignment has been released yet", False)
            )
        )
        for entry in entries:
            if entry.assignment in self.rows:
                self.rows[entry.assignment].update(entry)
            else:
                self.rows[entry.assignment] = _Row(self, entry)
        self.list.children = [self.rows[e.assignment].box for e in entries]


class _Row:
    """One assignment: what it is and when it is due, its buttons, the link to open it, what happened."""

    def __init__(self, panel: Panel, entry: Entry):
        w = panel._w
        self.panel, self._w = panel, w
        self.status, self.result, self.link = w.HTML(), w.HTML(), w.Output()
        self.result.add_class("camp-result")
        self.buttons = w.HBox()
        self.box = w.VBox([self.status, self.buttons, self.link, self.result])
        self.box.add_class("camp-row")
        self.box.add_class(f"camp-assignment-{entry.assignment}")
        self._actions: tuple[str, ...] = ()
        self._linked = False
        self.update(entry)

    def update(self, entry: Entry) -> None:
        self.entry = entry
        self.status.value = _status(entry)
        actions = (
            (("fetch",) if entry.released and not entry.fetched else ())
            + (("validate", "submit") if entry.fetched else ())
            + ("feedback",)
        )
        if actions != self._actions:
            self._actions = actions
            self.buttons.children = [self._button(name) for name in actions]
        if entry.fetched and not self._linked:
            self._linked = True
            self._show_link()

    _LABELS = {
        "fetch": ("लें", "Fetch", "download", lambda e: message_html(fetch(e.assignment))),
        "validate": ("जाँचें", "Validate", "check", lambda e: _validate_html(e.assignment)),
        "submit": ("जमा करें", "Submit", "upload", lambda e: message_html(submit(e.assignment))),
        "feedback": ("मेरा फ़ीडबैक", "My feedback", "comment", lambda e: my_feedback(e.assignment)),
    }

    def _button(self, name: str):
        w = self._w
        hi, en, icon, run = self._LABELS[name]
        button = w.Button(description=bi(hi, en), icon=icon, layout=w.Layout(width="auto"))
        button.add_class(f"camp-{name}")
        button.on_click(lambda _b: self._act(run))
        return button

    def _show_link(self) -> None:
        from IPython.display import HTML, display

        target = os.path.relpath(self.entry.notebook, os.getcwd()).replace(os.sep, "/")
        with self.link:
            display(
                HTML(
                    f"<a class='camp-open' href='{html.escape(target, quote=True)}'>📂 "
                    f"{html.escape(bi('असाइनमेंट खोलें', 'Open the assignment'))}</a>"
                )
            )

    def _act(self, run) -> None:
        for button in self.buttons.children:
            button.disabled = True
        self.result.value = message_html(Message("⏳ काम हो रहा है…", "⏳ Working…"))
        try:
            shown = run(self.entry)
        except CampError as exc:
            shown = message_html(Message(exc.hi, exc.en, ok=False))
        except Exception:  # never a traceback here: one plain line, the details in the kernel's log
            import logging

            logging.getLogger(__name__).exception("panel action failed")
            shown = message_html(
                Message(
                    "कुछ गड़बड़ हो गई; फिर कोशिश करें या ट्रेनर को बताएँ",
                    "Something went wrong; try again or tell your trainer",
                    False,
                )
            )
        self.panel.refresh()  # fetched, submitted: this row's status and buttons change
        for button in self.buttons.children:
            button.disabled = False
        self.result.value = shown


def _validate_html(assignment: str) -> str:
    checks = validate(assignment)
    summary = validation_summary(checks)
    lines = "".join(f"<div>{html.escape(c.line)}</div>" for c in checks)
    return f"<div class='camp-lines'>{lines}</div>{message_html(summary)}"


def show() -> None:
    """Show my assignments: fetch, validate, submit and my feedback, in Hindi with English beside it."""
    from IPython.display import display

    display(Panel().box)
