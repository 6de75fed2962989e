"""The cohort at a glance: every figure the trainer's report, exports and dashboard show, from one place.

`load()` reads nbgrader's gradebook with one SQL query per view (never a query per participant per
assignment), the roster, the collected folders' `answers.json` and the AI proposals store, and returns a
`Cohort` of pandas tables. `Cohort.filter(district=…, role=…, modules=…)` narrows it; the views
(`completion_by_module`, `behind`, `hardest_items`, …) are plain DataFrames that `camp report`, its
`--html` page and the dashboard notebook all show.

    >>> cohort = load().filter(district="भोपाल")            # doctest: +SKIP
    >>> print(text_report(cohort))                            # doctest: +SKIP
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from camp import paths

#: What a (participant, assignment) pair can be, in the order a trainer cares about.
GRADED, PENDING, NOT_GRADED, NOT_SUBMITTED = "graded", "manual grading pending", "not graded", "not submitted"
STATUS_HI = {
    GRADED: "जाँचा गया",
    PENDING: "हाथ से जाँच बाक़ी",
    NOT_GRADED: "जाँच बाक़ी",
    NOT_SUBMITTED: "जमा नहीं",
}
#: Below this percentage a graded assignment counts as "to redo" in the behind list.
LOW_PERCENT = 50.0

# One query per view. The score mirrors nbgrader's Grade.score: manual (+ extra credit) if set, else auto.
_SCORE = (
    "CASE WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0) "
    "WHEN g.auto_score IS NOT NULL THEN g.auto_score + COALESCE(g.extra_credit, 0) ELSE 0 END"
)
SQL = {
    "students": "SELECT id, first_name, last_name FROM student",
    "assignments": """
        SELECT a.name AS assignment, a.duedate AS duedate,
               COALESCE(SUM(COALESCE(gc.max_score, 0)), 0) + COALESCE(SUM(COALESCE(tc.max_score, 0)), 0)
                 AS max_score
        FROM assignment a
        LEFT JOIN notebook n ON n.assignment_id = a.id
        LEFT JOIN base_cell bc ON bc.notebook_id = n.id
        LEFT JOIN grade_cells gc ON gc.id = bc.id
        LEFT JOIN task_cells tc ON tc.id = bc.id
        GROUP BY a.id, a.name, a.duedate""",
    "submissions": f"""
        SELECT a.name AS assignment, sa.student_id AS student, sa.timestamp AS timestamp,
               sa.extension AS extension, COALESCE(SUM({_SCORE}), 0) AS score,
               COALESCE(SUM(CASE WHEN g.needs_manual_grade THEN 1 ELSE 0 END), 0) AS pending,
               COUNT(g.id) AS grades
        FROM submitted_assignment sa
        JOIN assignment a ON a.id = sa.assignment_id
        LEFT JOIN submitted_notebook sn ON sn.assignment_id = sa.id
        LEFT JOIN grade g ON g.notebook_id = sn.id
        GROUP BY sa.id, a.name, sa.student_id, sa.timestamp, sa.extension""",
    # autograded items only: a grade cell that is not also a solution cell (a written answer is both)
    "items": f"""
        SELECT a.name AS assignment, n.name AS notebook, bc.name AS cell, sa.student_id AS student,
               gc.max_score AS max_score, {_SCORE} AS score
        FROM grade g
        JOIN grade_cells gc ON gc.id = g.cell_id
        JOIN base_cell bc ON bc.id = gc.id
        JOIN notebook n ON n.id = bc.notebook_id
        JOIN submitted_notebook sn ON sn.id = g.notebook_id
        JOIN submitted_assignment sa ON sa.id = sn.assignment_id
        JOIN assignment a ON a.id = sa.assignment_id
        WHERE g.auto_score IS NOT NULL AND gc.id NOT IN (SELECT id FROM solution_cells)""",
    "manual": """
        SELECT a.name AS assignment, sa.student_id AS student, bc.name AS cell, sn.id AS submission
        FROM grade g
        JOIN base_cell bc ON bc.id = g.cell_id
        JOIN submitted_notebook sn ON sn.id = g.notebook_id
        JOIN submitted_assignment sa ON sa.id = sn.assignment_id
        JOIN assignment a ON a.id = sa.assignment_id
        WHERE g.needs_manual_grade""",
}


def _read(conn, view: str) -> pd.DataFrame:
    # the driver's own cursor (sqlite3 or psycopg): SQLAlchemy's Row objects cost ~15 µs a row here
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(SQL[view])
        columns = [d[0] for d in cursor.description]
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)
    finally:
        cursor.close()


def _interval(value) -> dt.timedelta:
    """nbgrader's extension column: a timedelta (PostgreSQL) or, on SQLite, a datetime after the epoch."""
    if value is None or (isinstance(value, float) and value != value):
        return dt.timedelta(0)
    if isinstance(value, dt.timedelta):
        return value
    stamp = pd.Timestamp(value)
    return (stamp - pd.Timestamp("1970-01-01")).to_pytimedelta()


@dataclass(frozen=True)
class Cohort:
    """The gradebook as tables. `people` is one row per participant; `status` one per participant × assignment."""

    people: pd.DataFrame  # id, name, district, role
    assignments: pd.DataFrame  # assignment, duedate, max_score
    status: pd.DataFrame  # student, assignment, status, score, max_score, percent, timestamp, late
    items: pd.DataFrame  # assignment, notebook, cell, student, max_score, score (autograded items)
    manual: pd.DataFrame  # assignment, student, cell, submission (Formgrader id)
    ai_pending: pd.DataFrame  # assignment, student, grade_id
    now: dt.datetime

    def filter(
        self, *, district: str | None = None, role: str | None = None, modules: list[str] | None = None
    ) -> Cohort:
        """The same cohort narrowed to one district, one role (worker/leader) and/or some assignments."""
        people = self.people
        if district:
            people = people[people["district"] == district]
        if role:
            people = people[people["role"] == role]
        assignments = self.assignments
        if modules:
            assignments = assignments[assignments["assignment"].isin(_match_modules(self, modules))]
        ids, names = set(people["id"]), set(assignments["assignment"])

        def keep(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["student"].isin(ids) & frame["assignment"].isin(names)]

        return replace(
            self,
            people=people,
            assignments=assignments,
            status=keep(self.status),
            items=keep(self.items),
            manual=keep(self.manual),
            ai_pending=keep(self.ai_pending),
        )


def _match_modules(cohort: Cohort, modules: list[str]) -> list[str]:
    """Assignment ids for "03", "3" or "03-writing" alike; an unknown one is a clear error."""
    from camp.lang import CampError

    known = list(cohort.assignments["assignment"])
    found = []
    for m in modules:
        hits = [a for a in known if a == m or a.split("-")[0] == m.zfill(2)]
        if not hits:
            raise CampError(
                f"'{m}' नाम का कोई मॉड्यूल नहीं है (उपलब्ध: {', '.join(known)})",
                f"no module '{m}' (known: {', '.join(known)})",
            )
        found += hits
    return found


def load(*, now: dt.datetime | None = None, home: Path | None = None) -> Cohort:
    """Read the gradebook, roster, collected folders and AI proposals into a `Cohort`.

    `now` (UTC, naive) decides what is late or missing; default: the current time.
    """
    from sqlalchemy import create_engine

    from grader import roster

    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    engine = create_engine(paths.db_url())
    try:
        with engine.connect() as conn:
            frames = {view: _read(conn, view) for view in SQL}
    finally:
        engine.dispose()
    people = _people(frames["students"], roster.load())
    assignments = frames["assignments"]
    assignments["duedate"] = pd.to_datetime(assignments["duedate"])
    assignments = assignments.sort_values("assignment").reset_index(drop=True)
    status = _status(people, assignments, frames["submissions"], now)
    ai = _ai_pending()
    return Cohort(people, assignments, status, frames["items"], frames["manual"], ai, now)


def _people(students: pd.DataFrame, people: dict[str, dict[str, str]]) -> pd.DataFrame:
    rows = {
        pid: {
            "id": pid,
            "name": p.get("name", ""),
            "district": p.get("district", ""),
            "role": p.get("role", ""),
        }
        for pid, p in people.items()
    }
    for s in students.itertuples():
        if s.id not in rows:
            parts = [x for x in (s.first_name, s.last_name) if isinstance(x, str) and x.strip()]  # kept as is
            name = " ".join(dict.fromkeys(parts))  # a one-word name is stored as both (roster.split_name)
            rows[s.id] = {"id": s.id, "name": name, "district": "", "role": ""}
    frame = pd.DataFrame(list(rows.values()), columns=["id", "name", "district", "role"])
    return frame.sort_values("id").reset_index(drop=True)


def _collected() -> set[tuple[str, str]]:
    """(participant, assignment) folders collected into course/submitted/ (graded or not)."""
    root = paths.course_root() / "submitted"
    if not root.is_dir():
        return set()
    return {(s.name, a.name) for s in root.iterdir() if s.is_dir() for a in s.iterdir() if a.is_dir()}


def _status(people, assignments, subs, now) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product(
        [people["id"], assignments["assignment"]], names=["student", "assignment"]
    )
    frame = pd.DataFrame(index=grid).reset_index()
    frame = frame.merge(assignments, on="assignment", how="left")
    frame = frame.merge(subs, on=["student", "assignment"], how="left")
    collected = _collected()
    in_folder = [(s, a) in collected for s, a in zip(frame["student"], frame["assignment"])]
    has_row = frame["grades"].notna() & (frame["grades"] > 0)
    frame["status"] = NOT_SUBMITTED
    frame.loc[pd.Series(in_folder, index=frame.index) | frame["grades"].notna(), "status"] = NOT_GRADED
    frame.loc[has_row & (frame["pending"] > 0), "status"] = PENDING
    frame.loc[has_row & (frame["pending"] == 0), "status"] = GRADED
    graded = frame["status"] == GRADED
    frame["score"] = frame["score"].where(has_row)
    frame["percent"] = (100 * frame["score"] / frame["max_score"].where(frame["max_score"] > 0)).where(graded)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    due = frame["duedate"] + pd.to_timedelta([_interval(e) for e in frame["extension"]])
    frame["late"] = frame["timestamp"].notna() & frame["duedate"].notna() & (frame["timestamp"] > due)
    frame["overdue"] = (
        (frame["status"] == NOT_SUBMITTED) & frame["duedate"].notna() & (frame["duedate"] < now)
    )
    keep = ["student", "assignment", "status", "score", "max_score", "percent", "timestamp", "duedate"]
    return frame[[*keep, "late", "overdue"]]


def _ai_pending() -> pd.DataFrame:
    from grader.aigrade import store_path

    columns = ["assignment", "student", "grade_id"]
    if not store_path().exists():
        return pd.DataFrame(columns=columns)
    with sqlite3.connect(store_path(), timeout=30) as db:
        try:
            rows = db.execute(
                "SELECT assignment, student, grade_id FROM proposal WHERE status = 'pending'"
            ).fetchall()
        except sqlite3.OperationalError:  # a store with no table yet
            rows = []
    return pd.DataFrame(rows, columns=columns)


# -- the views -------------------------------------------------------------------------------------------


def completion_by_module(c: Cohort) -> pd.DataFrame:
    """Per assignment: participants, submitted (any state but 'not submitted'), graded, and % submitted."""
    s = c.status
    out = s.groupby("assignment").agg(
        participants=("student", "size"),
        submitted=("status", lambda x: int((x != NOT_SUBMITTED).sum())),
        graded=("status", lambda x: int((x == GRADED).sum())),
        late=("late", "sum"),
        mean_percent=("percent", "mean"),
    )
    out["submitted_percent"] = 100 * out["submitted"] / out["participants"]
    return out.reset_index()


def completion_by_district(c: Cohort) -> pd.DataFrame:
    """Per district: participants and the share of (participant × assignment) pairs submitted."""
    s = c.status.merge(c.people[["id", "district"]], left_on="student", right_on="id")
    s["district"] = s["district"].replace("", "—")
    out = s.groupby("district").agg(
        participants=("student", "nunique"),
        pairs=("status", "size"),
        submitted=("status", lambda x: int((x != NOT_SUBMITTED).sum())),
    )
    out["submitted_percent"] = 100 * out["submitted"] / out["pairs"]
    return out.reset_index()


def expected(c: Cohort) -> list[str]:
    """Assignments a participant should have done by now: due date passed, or (no due date) half the cohort did."""
    done = completion_by_module(c).set_index("assignment")["submitted_percent"]
    out = []
    for a in c.assignments.itertuples():
        if pd.notna(a.duedate):
            if a.duedate < c.now:
                out.append(a.assignment)
        elif done.get(a.assignment, 0) >= 50:
            out.append(a.assignment)
    return out


def behind(c: Cohort) -> pd.DataFrame:
    """Who is behind and what they miss: expected assignments not submitted, graded ones below 50 %."""
    exp = set(expected(c))
    s = c.status
    missing = s[(s["status"] == NOT_SUBMITTED) & s["assignment"].isin(exp)]
    low = s[(s["status"] == GRADED) & (s["percent"] < LOW_PERCENT)]
    miss = missing.groupby("student")["assignment"].apply(list)
    redo = low.groupby("student")["assignment"].apply(list)
    rows = []
    for p in c.people.itertuples():
        m, r = miss.get(p.id, []), redo.get(p.id, [])
        if m or r:
            rows.append(
                {
                    "id": p.id,
                    "name": p.name,
                    "district": p.district,
                    "role": p.role,
                    "missing": m,
                    "below_50": r,
                }
            )
    out = pd.DataFrame(rows, columns=["id", "name", "district", "role", "missing", "below_50"])
    if len(out):
        out = out.assign(n=out["missing"].str.len() * 10 + out["below_50"].str.len())
        out = out.sort_values(["n", "id"], ascending=[False, True]).drop(columns="n").reset_index(drop=True)
    return out


def _shown(value) -> str:
    text = (
        json.dumps(value, ensure_ascii=False, sort_keys=True)
        if isinstance(value, (list, dict))
        else str(value)
    )
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def hardest_items(c: Cohort, *, top: int = 10, answers: int = 3) -> pd.DataFrame:
    """Autograded items by share correct (lowest first), with the most common wrong answers (answers.json)."""
    from grader.widget_answers import read_answers

    it = c.items
    if it.empty:
        return pd.DataFrame(
            columns=["assignment", "cell", "answered", "correct", "share_correct", "wrong_answers"]
        )
    it = it.assign(correct=it["score"] >= it["max_score"])
    out = it.groupby(["assignment", "cell"]).agg(answered=("student", "size"), correct=("correct", "sum"))
    out["share_correct"] = 100 * out["correct"] / out["answered"]
    out = out.reset_index().sort_values(["share_correct", "assignment", "cell"]).head(top)
    wrong = it[
        ~it["correct"]
        & it.set_index(["assignment", "cell"]).index.isin(out.set_index(["assignment", "cell"]).index)
    ]
    cache: dict[tuple[str, str], dict] = {}
    counts: dict[tuple[str, str], Counter] = {}
    root = paths.course_root() / "submitted"
    for w in wrong.itertuples():
        key = (w.student, w.assignment)
        if key not in cache:
            cache[key] = read_answers(root / w.student / w.assignment)
        qid = w.cell[: -len("_test")] if w.cell.endswith("_test") else w.cell
        value = cache[key].get(qid)
        counts.setdefault((w.assignment, w.cell), Counter())[
            "(no widget answer)" if value in (None, "", []) else _shown(value)
        ] += 1
    out["wrong_answers"] = [
        counts.get((a, cell), Counter()).most_common(answers)
        for a, cell in zip(out["assignment"], out["cell"])
    ]
    return out.reset_index(drop=True)


def pending_manual(c: Cohort) -> pd.DataFrame:
    """Written answers still to grade by hand, each with its Formgrader page (relative to the Lab's address)."""
    m = c.manual.copy()
    m["formgrader"] = "/formgrader/submissions/" + m["submission"].astype(str)
    m = m.drop(columns="submission")
    return m.sort_values(["assignment", "student", "cell"]).reset_index(drop=True)


def late_or_missing(c: Cohort) -> pd.DataFrame:
    """Late submissions (after due date + extension) and missing ones whose due date has passed."""
    s = c.status
    out = s[s["late"] | s["overdue"]].copy()
    out["what"] = ["late" if late else "missing" for late in out["late"]]
    return out[["student", "assignment", "what", "timestamp", "duedate"]].sort_values(
        ["assignment", "student"]
    )


def score_summary(c: Cohort) -> pd.DataFrame:
    """Per assignment: count, mean, median, min and max of the graded percentages."""
    g = c.status[c.status["status"] == GRADED]
    out = g.groupby("assignment")["percent"].agg(["count", "mean", "median", "min", "max"])
    return out.reindex(c.assignments["assignment"]).reset_index()


def overview(c: Cohort) -> dict[str, int]:
    s = c.status
    return {
        "participants": len(c.people),
        "assignments": len(c.assignments),
        "graded": int((s["status"] == GRADED).sum()),
        "manual_pending": len(c.manual),
        "not_graded": int((s["status"] == NOT_GRADED).sum()),
        "late": int(s["late"].sum()),
        "missing": int(s["overdue"].sum()),
        "ai_pending": len(c.ai_pending),
    }


# -- charts (matplotlib, Hindi shaped by camp.charts' font set-up) ---------------------------------------


def charts(c: Cohort) -> dict[str, object]:
    """The report's charts as matplotlib Figures: completion per module and per district, score distribution."""
    from camp import charts as camp_charts

    camp_charts.setup()
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    figs = {}
    mod = completion_by_module(c)
    figs["completion_module"] = camp_charts.bar(
        list(mod["assignment"]),
        list(mod["submitted_percent"]),
        horizontal=True,  # long names stay readable
        title="जमा करने वाले (%) / Submitted (%) per module",
        xlabel="%",
    )
    dis = completion_by_district(c)
    figs["completion_district"] = camp_charts.bar(
        list(dis["district"]),
        list(dis["submitted_percent"]),
        horizontal=True,
        title="ज़िले के अनुसार जमा (%) / Submitted (%) per district",
        xlabel="%",
    )
    g = c.status[c.status["status"] == GRADED]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    names = [a for a in c.assignments["assignment"] if (g["assignment"] == a).any()]
    if names:
        ax.boxplot([g.loc[g["assignment"] == a, "percent"].to_numpy() for a in names])
        ax.set_xticks(range(1, len(names) + 1), labels=names, rotation=30, ha="right", fontsize=8)
    ax.set_title("अंकों का वितरण (%) / Score distribution (%)")
    ax.set_ylim(-5, 105)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    figs["scores"] = fig
    return figs


def png_base64(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# -- terminal and HTML ---------------------------------------------------------------------------------------


def _fmt(value) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.1f}"
    if isinstance(value, list):
        return ", ".join(_fmt(v) if not isinstance(v, tuple) else f"{v[0]} ×{v[1]}" for v in value)
    if isinstance(value, pd.Timestamp):
        return "" if pd.isna(value) else value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None or value is pd.NaT else str(value)


def table(frame: pd.DataFrame, *, limit: int = 30) -> str:
    """A DataFrame as a plain-text table (columns padded; longest cells cut at 70 characters)."""
    if frame.empty:
        return "  (none / कुछ नहीं)"
    shown = frame.head(limit)
    cells = [[_fmt(v)[:70] for v in row] for row in shown.itertuples(index=False)]
    head = [str(c) for c in shown.columns]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(head)]
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(head, widths))]
    lines.append("  " + "  ".join("-" * w for w in widths))
    lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in cells]
    if len(frame) > limit:
        lines.append(f"  … {len(frame) - limit} more / और")
    return "\n".join(lines)


SECTIONS = [
    ("completion_module", "पूरा करना: मॉड्यूल के अनुसार", "Completion per module", completion_by_module),
    ("completion_district", "पूरा करना: ज़िले के अनुसार", "Completion per district", completion_by_district),
    ("scores", "अंकों का वितरण (%)", "Score distribution (%)", score_summary),
    ("behind", "कौन पीछे है, क्या बाक़ी है", "Who is behind and what they miss", behind),
    ("hardest", "सबसे कठिन प्रश्न", "Hardest items (share correct, common wrong answers)", hardest_items),
    ("manual", "हाथ से जाँच बाक़ी", "Manual grading pending", pending_manual),
    ("late", "देर से या जमा नहीं", "Late or missing submissions", late_or_missing),
    ("ai", "AI सुझाव समीक्षा के लिए", "AI proposals awaiting review", lambda c: c.ai_pending),
]


def text_report(c: Cohort, *, limit: int = 30) -> str:
    """The whole report as terminal text."""
    o = overview(c)
    out = [
        f"participants / प्रतिभागी: {o['participants']} · assignments / असाइनमेंट: {o['assignments']} · "
        f"graded {o['graded']} · manual pending {o['manual_pending']} · not graded {o['not_graded']} · "
        f"late {o['late']} · missing {o['missing']} · AI proposals pending {o['ai_pending']}"
    ]
    for _key, hi, en, view in SECTIONS:
        out += ["", f"{hi} / {en}", table(view(c), limit=limit)]
    return "\n".join(out)


def html_report(c: Cohort, *, title: str = "Camp report / कैंप रिपोर्ट") -> str:
    """One self-contained HTML page: tables and charts (base64 PNG), no script, nothing fetched."""
    figs = {key: png_base64(fig) for key, fig in charts(c).items()}
    esc = html.escape
    o = overview(c)
    parts = [
        "<!DOCTYPE html><html lang='hi'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>body{{font-family:'Noto Sans Devanagari','Noto Sans',sans-serif;"
        "margin:1.5em;max-width:70em}table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #bbb;"
        "padding:2px 6px;text-align:left}img{max-width:100%}</style></head><body>",
        f"<h1>{esc(title)}</h1><p>{esc(c.now.strftime('%Y-%m-%d %H:%M'))} UTC · "
        + " · ".join(f"{esc(k.replace('_', ' '))}: {v}" for k, v in o.items())
        + "</p>",
    ]
    for key, hi, en, view in SECTIONS:
        parts.append(f"<h2>{esc(hi)} / {esc(en)}</h2>")
        if key in figs:
            parts.append(f"<img alt='{esc(en)}' src='data:image/png;base64,{figs[key]}'>")
        frame = view(c)
        if frame.empty:
            parts.append("<p>(none / कुछ नहीं)</p>")
            continue
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(_fmt(v))}</td>" for v in row) + "</tr>"
            for row in frame.itertuples(index=False)
        )
        head = "".join(f"<th>{esc(str(h))}</th>" for h in frame.columns)
        parts.append(f"<table><tr>{head}</tr>{rows}</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def score_table(*, assignments: list[str], students: list[str] | None = None) -> str:
    """Each participant's score per assignment, read back from the gradebook, as `camp autograde` and `camp
    evening` print it at the end: "6 / 10" when graded, "manual grading pending · 6 / 10 so far" while a written
    answer waits for the trainer, "not graded" when collected but not graded. Nothing for "not submitted"."""
    cohort = load().filter(modules=assignments)
    s = cohort.status[cohort.status["status"] != NOT_SUBMITTED]
    if students:
        s = s[s["student"].isin(students)]
    s = s.copy()

    def cell(r) -> str:
        if r.status == GRADED:
            return f"{r.score:g} / {r.max_score:g}"
        if r.status == PENDING:
            return f"{PENDING} · {r.score:g} / {r.max_score:g} so far"
        return r.status

    s["score"] = [cell(r) for r in s.itertuples()]
    rows = s[["student", "assignment", "score"]].sort_values(["assignment", "student"])
    return "scores / अंक:\n" + table(rows, limit=100000)


def report(
    *,
    district: str | None = None,
    role: str | None = None,
    modules: list[str] | None = None,
    html_file: Path | None = None,
) -> str:
    """`camp report`: the terminal text; with `html_file`, also the self-contained HTML page written there."""
    c = load().filter(district=district, role=role, modules=modules)
    if html_file:
        Path(html_file).write_text(html_report(c), encoding="utf-8")
    return text_report(c)


# -- the dashboard (ipywidgets; the notebook in grader/templates calls `dashboard()`) --------------------

DASHBOARD_NAME = "ट्रेनर डैशबोर्ड (trainer dashboard).ipynb"


def _html_table(frame: pd.DataFrame, *, limit: int = 200) -> str:
    if frame.empty:
        return "<p>(none / कुछ नहीं)</p>"
    esc = html.escape

    def cell(column: str, value) -> str:
        text = _fmt(value)
        if column == "formgrader" and text.startswith("/formgrader/"):
            return f"<a href='{esc(text)}' target='_blank'>Formgrader ↗</a>"
        return esc(text)

    head = "".join(f"<th>{esc(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{cell(c, v)}</td>" for c, v in zip(frame.columns, row)) + "</tr>"
        for row in frame.head(limit).itertuples(index=False)
    )
    more = f"<p>… {len(frame) - limit} more / और</p>" if len(frame) > limit else ""
    return f"<table class='camp-report'><tr>{head}</tr>{rows}</table>{more}"


def dashboard(cohort: Cohort | None = None):
    """The trainer's dashboard: filters (district, role, module) over tabs of the report's views and charts.

    Returns the ipywidgets box (a notebook shows it when it is the cell's last value).
    """
    import ipywidgets as w

    full = cohort or load()
    any_ = "— सभी / all —"
    district = w.Dropdown(
        options=[any_, *sorted(d for d in full.people["district"].unique() if d)],
        description="ज़िला / District",
        style={"description_width": "initial"},
    )
    role = w.Dropdown(
        options=[any_, "worker", "leader"], description="भूमिका / Role", style={"description_width": "initial"}
    )
    modules = w.SelectMultiple(
        options=list(full.assignments["assignment"]),
        rows=4,
        description="मॉड्यूल / Modules",
        style={"description_width": "initial"},
    )
    refresh = w.Button(description="↻ फिर से पढ़ें / Reload", layout=w.Layout(width="auto"))
    head = w.HTML()
    tabs = w.Tab()
    style = w.HTML(
        "<style>.camp-report td,.camp-report th{border:1px solid #ccc;padding:2px 6px;"
        "font-size:12px}.camp-report{border-collapse:collapse}</style>"
    )

    def draw(current: Cohort) -> None:
        c = current.filter(
            district=None if district.value == any_ else district.value,
            role=None if role.value == any_ else role.value,
            modules=list(modules.value) or None,
        )
        o = overview(c)
        head.value = "<b>" + " · ".join(f"{k.replace('_', ' ')}: {v}" for k, v in o.items()) + "</b>"
        figs = {key: png_base64(fig) for key, fig in charts(c).items()}
        pages, titles = [], []
        for key, hi, en, view in SECTIONS:
            parts = []
            if key in figs:
                parts.append(
                    w.Image(
                        value=base64.b64decode(figs[key]), format="png", layout=w.Layout(max_width="720px")
                    )
                )
            parts.append(w.HTML(_html_table(view(c))))
            pages.append(w.VBox(parts))
            titles.append(f"{hi} / {en.split(' (')[0]}")
        tabs.children = pages
        for i, title in enumerate(titles):
            tabs.set_title(i, title)

    state = {"cohort": full}

    def redraw(_change=None) -> None:
        draw(state["cohort"])

    def reload(_button=None) -> None:
        state["cohort"] = load()
        redraw()

    for control in (district, role, modules):
        control.observe(redraw, names="value")
    refresh.on_click(reload)
    draw(full)
    return w.VBox([style, w.HBox([district, role, modules, refresh]), head, tabs])


def install_dashboard(home: Path | None = None) -> Path:
    """Put the trainer's dashboard notebook in `<camp>/trainer/` (again only when its cells changed)."""
    import os

    import nbformat

    target = Path(home or paths.home()) / "trainer" / DASHBOARD_NAME
    ours = nbformat.read(Path(__file__).parent / "templates" / "trainer-dashboard.ipynb", as_version=4)
    try:
        if [c.source for c in nbformat.read(target, as_version=4).cells] == [c.source for c in ours.cells]:
            return target
    except (OSError, ValueError):
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    nbformat.write(ours, tmp)
    os.replace(tmp, target)
    return target


# -- benchmark: `python -m grader.report --bench` ----------------------------------------------------------


def _all_certificates(certificates, out: Path) -> None:
    """Every participant's certificate, qualifying or not (the issue's "500 certificates" figure)."""
    c = load()
    out.mkdir(parents=True, exist_ok=True)
    names = list(c.assignments["assignment"])
    jobs = []
    for person in c.people.to_dict("records"):
        record = {
            "id": person["id"],
            "name": person["name"],
            "role": person["role"],
            "district": person["district"],
            "modules": names,
            "percent": 75.0,
            "date": "2026-12-10",
        }
        jobs.append((person, record, certificates.code_for(record), str(out / f"{person['id']}.pdf")))
    certificates.render_all(jobs)


def bench(*, participants: int = 500, assignments: int = 11, repeat: int = 3, out=print) -> dict[str, float]:
    """Time report, exports, dashboard and certificates on a generated gradebook, each `repeat` times (the first
    run cold: the first in this process), and `nbgrader export` (its own process) on the same gradebook.
    Runs in a temporary camp folder; returns {what: seconds}, the best runs under "… (best of N)"."""
    import os
    import subprocess
    import sys
    import tempfile
    import time

    from grader import cohortgen, export

    times: dict[str, float] = {}
    every: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="camp-bench-") as tmp:
        old = os.environ.get("CAMP_HOME")
        os.environ["CAMP_HOME"] = tmp
        try:
            start = time.perf_counter()
            cohortgen.generate(participants=participants, assignments=assignments, items=8)
            times["generate gradebook (not timed by the issue)"] = time.perf_counter() - start
            steps = {
                "camp report (terminal)": lambda: report(),
                "camp report --html": lambda: report(html_file=Path(tmp) / "report.html"),
                "camp export grades --to grades.csv": lambda: export.export_grades(to=Path(tmp) / "g.csv"),
                "camp export grades --to grades.xlsx": lambda: export.export_grades(to=Path(tmp) / "g.xlsx"),
                "dashboard first view (load + widgets + charts)": lambda: dashboard(),
            }
            try:
                from grader import certificates

                steps["camp certificates (all qualifying)"] = lambda: certificates.issue(
                    out=Path(tmp) / "certs"
                )
                steps[f"{participants} certificate PDFs (one per participant)"] = lambda: _all_certificates(
                    certificates, Path(tmp) / "all-certs"
                )
            except ImportError:
                pass
            for name, step in steps.items():
                runs = []
                for _ in range(max(1, repeat)):  # the first run is cold (imports, font instance, caches)
                    start = time.perf_counter()
                    result = step()
                    runs.append(time.perf_counter() - start)
                times[name] = runs[0]
                every[name] = runs
                if len(runs) > 1:
                    times[f"{name} (best of {len(runs)})"] = min(runs)
                if hasattr(result, "issued"):
                    out(
                        f"certificates: {len(result.issued)} issued, {len(result.not_qualified)} not qualified"
                    )
            cmd = [
                sys.executable,
                "-m",
                "nbgrader",
                "export",
                f"--CourseDirectory.root={paths.course_root()}",
                f"--CourseDirectory.db_url={paths.db_url()}",
                f"--CourseDirectory.course_id={paths.COURSE_ID}",
                f"--CsvExportPlugin.to={Path(tmp) / 'nbgrader.csv'}",
            ]
            start = time.perf_counter()
            done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
            times["nbgrader export (its own CSV, same gradebook)"] = time.perf_counter() - start
            if done.returncode:
                out(f"nbgrader export failed: {done.stderr.strip().splitlines()[-1:]}")
        finally:
            if old is None:
                os.environ.pop("CAMP_HOME", None)
            else:
                os.environ["CAMP_HOME"] = old
    out(
        f"gradebook: {participants} participants × {assignments} assignments; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    out(f"  {'step':<52} {'cold (1st run)':>14} {f'best of {max(1, repeat)}':>10}")
    for name, seconds in times.items():
        if " (best of " in name:
            continue
        best = times.get(f"{name} (best of {max(1, repeat)})")
        runs = " (" + ", ".join(f"{r:.2f}" for r in every[name]) + ")" if len(every.get(name, [])) > 1 else ""
        out(f"  {name:<52} {seconds:12.2f} s {'' if best is None else f'{best:8.2f} s'}{runs}")
    return times


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m grader.report", description=__doc__.splitlines()[0])
    parser.add_argument("--bench", action="store_true", help="time report, exports and dashboard (required)")
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--assignments", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step (the first is the cold one)")
    args = parser.parse_args()
    if not args.bench:
        parser.error("use --bench (the report itself is `camp report`)")
    import matplotlib

    matplotlib.use("Agg")
    bench(participants=args.participants, assignments=args.assignments, repeat=args.repeat)
