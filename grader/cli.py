"""`camp`: the command line, on top of both layers; each command is a thin wrapper over a keyword-only function.

It lives in grader/, not camp/: camp/ is what participants' kernels import and the grading sandbox mounts, and
it imports nothing from grader/ (tests/test_layers.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from camp import paths
from camp.lang import CampError


def _lab(args) -> int:
    from grader.lab import start_lab

    start_lab(port=args.port, ip=args.ip)
    return 0


def _course_init(args) -> int:
    from grader.course import init_course

    home = init_course()
    print(f"course ready in {home} / कोर्स तैयार है")
    return 0


def _roster_import(args) -> int:
    from grader.roster import import_roster

    codes = None
    if args.create_accounts:  # the hub (grader/hub.py): a Unix account and a first-login code per participant
        from grader.hub import import_with_accounts

        report, codes = import_with_accounts(file=Path(args.file))
    else:
        report = import_roster(file=Path(args.file))
    for error in report.errors:
        print(error, file=sys.stderr)
    print(
        f"roster: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors)} rejected"
    )
    if codes is not None:  # printed once, for the trainer's slips; never written to a file or a log
        from grader.hub import codes_table
        from grader.roster import load

        print(
            f"accounts: {len(codes)} created / नए खाते" + (":\n" + codes_table(codes, load()) if codes else "")
        )
    return 1 if report.errors else 0


def _hub(args) -> int:
    from grader import hub

    if not hub.user_exists(args.trainer):
        code = hub.create_account(args.trainer, group=hub.Settings.from_env().trainers_group)
        print(f"trainer account {args.trainer}: first-login code {code} / ट्रेनर का पहला कोड")
    hub.run_hub(lead_trainer=args.trainer, port=args.port)
    return 0


def _db_migrate(args) -> int:
    from grader.hub import masked, migrate_gradebook

    census = migrate_gradebook(to=args.to)
    rows = ", ".join(f"{k} {v}" for k, v in census["rows"].items() if v)
    print(
        f"copied to {masked(args.to)}: {rows}; {len(census['scores'])} submissions, total score "
        f"{census['total']:g} (same before and after) / सब कुछ कॉपी हुआ"
    )
    print(
        "now set CAMP_DB_URL=postgresql+psycopg://… (this URL, psycopg's driver) for every trainer and the "
        "Formgrader / अब CAMP_DB_URL लगाएँ"
    )
    return 0


def _release(args) -> int:
    from grader.course import release

    for name in release(assignments=args.assignments or None, due=args.due):
        print(f"released {name} / जारी किया" + (f" (due {args.due} IST / अंतिम तिथि)" if args.due else ""))
    return 0


def _collect(args) -> int:
    from grader.exchange import collect
    from grader.submissions import assignment_ids, require_known

    outbound = paths.exchange_root() / paths.COURSE_ID / "outbound"
    names = args.assignment or [a for a in assignment_ids() if (outbound / a).is_dir()]  # none: all released
    for name in names:
        require_known(name)  # a typo stops here, before anything is collected
    said = set()
    for name in names:
        for line in collect(assignment=name).summary().splitlines():  # ends "collected N submissions of …"
            if not line.startswith("ownership ") or line not in said:  # the exchange's ownership note once
                print(line)
                said.add(line)
    if not names:
        print("nothing released yet / अभी कुछ जारी नहीं हुआ")
    return 0


def _autograde(args) -> int:
    from grader.engine import autograde_batch, summary

    names = args.assignment if len(args.assignment) > 1 else args.assignment[0]
    result = autograde_batch(
        assignment=names,
        students=args.student or None,
        workers=args.workers,
        force=args.force,
        cell_timeout=args.cell_timeout,
        notebook_timeout=args.notebook_timeout,
    )
    print(summary(result))
    if result.interrupted:
        return 130
    from grader.report import score_table

    print(score_table(assignments=args.assignment, students=args.student or None))
    return 0


def _feedback(args) -> int:
    from grader.course import feedback

    if getattr(args, "with_examples", False):  # read by grader.feedback while the pages are made
        os.environ["CAMP_FEEDBACK_EXAMPLES"] = "1"
    for name in args.assignment:
        failed: dict[str, str] = {}
        done = feedback(assignment=name, students=args.student or None, failed=failed)
        print(f"{name}: feedback released to {len(done)} participants / फ़ीडबैक भेजा गया")
        for student, why in sorted(failed.items()):
            print(f"  {student}: no feedback / फ़ीडबैक नहीं बना — {why}")
    return 0


def _config(args) -> int:
    from grader import settings

    current = settings.load()
    print(f"camp settings / सेटिंग्स (environment > file {current.file} > default):")
    width = max(len(s.env) for s in settings.SETTINGS)
    for setting, value, source in current.rows():
        print(f"  {setting.env:<{width}} = {settings.shown(setting, value)}  [{source}]")
        if args.verbose:
            print(f"  {'':<{width}}   {setting.help}")
    try:  # the participant's AI connection (camp.aiconfig): its own sources (session, environment, file)
        from camp import aiconfig

        ai = aiconfig.resolve()
    except Exception as exc:  # a broken ai.json must not hide the grader's settings
        print(f"AI / एआई: cannot read ({type(exc).__name__}: {exc})")
        return 0
    print(f"AI / एआई (camp.aiconfig; file {aiconfig.config_path()}):")
    for key in ("provider", "base_url", "model", "api_key", "timeout", "retries"):
        value = ai.masked_key if key == "api_key" else getattr(ai, key)
        source = ai.sources.get(key, "default")  # the file is named by its path
        print(
            f"  ai.{key:<{width - 3}} = {value if value not in ('', None) else '-'}  "
            f"[{'file' if source == str(aiconfig.config_path()) else source}]"
        )
    return 0


def _evening(args) -> int:
    from grader.course import evening

    return evening(assignments=args.assignment or None, workers=args.workers)


def _roster_list(args) -> int:
    from grader.report import load, table

    people = load().filter(district=args.district, role=args.role).people
    print(table(people, limit=100000))
    print(f"{len(people)} participants / प्रतिभागी")
    return 0


def _certificates(args) -> int:
    from grader.certificates import issue

    outcome = issue(out=Path(args.out), min_score=args.min_score, modules=args.modules)
    print(outcome.summary())
    print(f"certificates in {args.out} / प्रमाण पत्र")
    return 0


def _verify(args) -> int:
    from grader.certificates import verify

    record = verify(args.code)
    if record is None:
        raise CampError(
            f"कोड {args.code} इस कैंप का सही प्रमाण पत्र नहीं है",
            f"code {args.code} is not a valid certificate of this camp",
        )
    print(
        f"valid / सही: {record['name']} ({record['id']}, {record['role']}, {record['district']}), "
        f"{', '.join(record['modules'])}, {record['percent']:g}%, {record['date']}"
    )
    return 0


def _report(args) -> int:
    from grader.report import report

    print(report(district=args.district, role=args.role, modules=args.module, html_file=args.html))
    if args.html:
        print(f"HTML report written to {args.html} / HTML रिपोर्ट लिखी गई")
    return 0


def _progress(args) -> int:
    from camp import progress

    print(progress.report())
    return 0


def _export(args) -> int:
    from grader.export import export_grades

    path = export_grades(to=Path(args.to), district=args.district, role=args.role, modules=args.module)
    print(f"grades written to {path} / अंक लिखे गए")
    return 0


def _ai_check(args) -> int:
    from camp import ai

    print(ai.status())
    if args.action == "status":
        return 0
    result = ai.check()
    print(f"reply / उत्तर: {result.reply!r} ({result.seconds:.1f} s, {result.tokens} tokens)")
    return 0


def _ai_setup(args) -> int:
    import getpass

    from camp import aiconfig

    key = getpass.getpass("API key (hidden; Enter for none) / API कुंजी: ").strip()
    values = {"provider": args.provider, "base_url": args.base_url, "model": args.model, "api_key": key}
    path = aiconfig.write_file({k: v for k, v in values.items() if v})
    print(f"saved to {path} (owner only) / सहेजा गया; test with: camp ai check")
    return 0


def _ai_grade(args) -> int:
    from camp import ai
    from grader.aigrade import propose

    outcome = propose(assignment=args.assignment, students=args.student or None, redo=args.redo)
    for key, what in outcome.items():
        print(f"{key}: {what}")
    print(f"{ai.usage()}")
    return 0


def _ai_review(args) -> int:
    from grader.aigrade import review

    students = args.student or None
    outcome = review(assignment=args.assignment, students=students, accept_all=args.accept, force=args.force)
    for key, what in outcome.items():
        print(f"{key}: {what}")
    return 0


def _ai_report(args) -> int:
    from grader.aigrade import report

    print(report(assignment=args.assignment))
    return 0


def _ai_usage(args) -> int:
    import json

    from grader.modelproxy import fetch_usage, usage_table

    data = fetch_usage(file=args.file)
    print(json.dumps(data, ensure_ascii=False, indent=1) if args.json else usage_table(data))
    return 0


def _add_ai_commands(sub) -> None:
    p = sub.add_parser(
        "ai-usage", help="the camp's model service (JupyterHub): requests and tokens per person"
    )
    p.add_argument("--file", type=Path, help="as root on the server: read the service's usage file instead")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=_ai_usage)
    ai = sub.add_parser("ai", help="the AI connection").add_subparsers(dest="action", required=True)
    ai.add_parser("check", help="show the AI settings, make one tiny test call").set_defaults(func=_ai_check)
    ai.add_parser("status", help="show the AI settings (the key masked)").set_defaults(func=_ai_check)
    p = ai.add_parser("setup", help="save provider and key in ~/.config/camp/ai.json (owner only)")
    p.add_argument("--provider")
    p.add_argument("--base-url")
    p.add_argument("--model")
    p.set_defaults(func=_ai_setup)
    for name, func, text in (
        ("ai-grade", _ai_grade, "ask the AI for rubric scores on free-text answers (stored as proposals)"),
        ("ai-review", _ai_review, "accept, change or reject AI proposals (they become grades only then)"),
        ("ai-report", _ai_report, "how often AI proposals matched the trainers"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("assignment")
        if name != "ai-report":
            p.add_argument("--student", action="append", help="only this participant (repeatable)")
        if name == "ai-grade":
            p.add_argument("--redo", action="store_true", help="ask again for answers not yet decided")
        if name == "ai-review":
            p.add_argument("--accept", action="store_true", help="accept every pending proposal as proposed")
            p.add_argument("--force", action="store_true", help="also replace grades a trainer already gave")
        p.set_defaults(func=func)


def _add_filters(p, *, modules: bool = True) -> None:
    p.add_argument("--district", help="only this district")
    p.add_argument("--role", choices=["worker", "leader"], help="only workers or only leaders")
    if modules:
        p.add_argument("--module", nargs="+", help="only these assignments (e.g. 03 or 03-writing)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="camp", description="Social Media & AI Camp: course and grading tools"
    )
    parser.add_argument("--debug", action="store_true", help="show full tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("lab", help="prepare the course and start JupyterLab")
    p.add_argument("--port", type=int, default=8888)
    p.add_argument("--ip", default="localhost")
    p.set_defaults(func=_lab)

    p = sub.add_parser(
        "hub", help="the camp server: JupyterHub on 127.0.0.1 with real accounts (root; deploy/)"
    )
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--trainer", required=True, help="the lead trainer's account (created when missing)")
    p.set_defaults(func=_hub)

    db = sub.add_parser("db", help="the gradebook database").add_subparsers(dest="action", required=True)
    p = db.add_parser("migrate", help="copy the SQLite gradebook into an empty PostgreSQL database, checked")
    p.add_argument("--to", required=True, help="postgresql://user:password@host:port/database")
    p.set_defaults(func=_db_migrate)

    course = sub.add_parser("course", help="course set-up").add_subparsers(dest="action", required=True)
    course.add_parser("init", help="create or update the camp folder").set_defaults(func=_course_init)

    roster = sub.add_parser("roster", help="participants").add_subparsers(dest="action", required=True)
    p = roster.add_parser("import", help="import participants from a CSV (id,name,district,role,phone)")
    p.add_argument("file")
    p.add_argument(
        "--create-accounts",
        action="store_true",
        help="on the camp server (root): a Unix account per participant, first-login codes printed",
    )
    p.set_defaults(func=_roster_import)
    p = roster.add_parser("list", help="list participants (id, name, district, role)")
    _add_filters(p, modules=False)
    p.set_defaults(func=_roster_list)

    p = sub.add_parser("release", help="release assignments to participants (all when none named)")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--due", help='due date and time in IST, e.g. "2026-12-05 18:00" (stored in UTC)')
    p.set_defaults(func=_release)

    for name, func, text in (
        ("collect", _collect, "collect submissions (of every released assignment when none named)"),
        (
            "autograde",
            _autograde,
            "autograde collected submissions in parallel, each in its own sandboxed kernel",
        ),
        ("feedback", _feedback, "generate and return feedback"),
    ):
        p = sub.add_parser(name, help=text)
        if name in ("autograde", "feedback"):
            p.add_argument("assignment", nargs="+", help="one or more assignments, graded in one batch")
        else:
            p.add_argument("assignment", nargs="*", help="one or more assignments (default: all released)")
        if name != "collect":
            p.add_argument("--student", action="append", help="only this participant (repeatable)")
        if name == "autograde":
            p.add_argument(
                "--workers",
                type=int,
                default=None,
                help="parallel graders (default: CAMP_WORKERS, else CPU cores + 1; see camp config)",
            )
            p.add_argument("--force", action="store_true", help="grade again even if already graded")
            p.add_argument(
                "--cell-timeout",
                type=int,
                default=None,
                help="seconds per cell (default: CAMP_CELL_TIMEOUT, 60; see camp config)",
            )
            p.add_argument(
                "--notebook-timeout",
                type=int,
                default=None,
                help="seconds per notebook (default: CAMP_NOTEBOOK_TIMEOUT, 300; see camp config)",
            )
        if name == "feedback":
            p.add_argument(
                "--with-examples",
                action="store_true",
                help="also return each rubric's example of a good answer (e.g. after the due date)",
            )
        p.set_defaults(func=func)

    sub.add_parser("progress", help="my progress: lessons, quizzes, assignments and scores").set_defaults(
        func=_progress
    )

    export = sub.add_parser("export", help="export data").add_subparsers(dest="what", required=True)
    p = export.add_parser(
        "grades", help="export grades as CSV (UTF-8 with BOM) or XLSX, by the file's suffix"
    )
    p.add_argument("--to", required=True, help="file to write: grades.csv or grades.xlsx")
    _add_filters(p)
    p.set_defaults(func=_export)

    p = sub.add_parser(
        "report", help="the cohort at a glance: completion, scores, who is behind, what is pending"
    )
    p.add_argument("--html", type=Path, help="also write one self-contained HTML file (charts embedded)")
    _add_filters(p)
    p.set_defaults(func=_report)

    p = sub.add_parser("certificates", help="one bilingual PDF certificate per qualifying participant")
    p.add_argument("--out", required=True, help="folder for the PDFs")
    p.add_argument("--min-score", type=float, default=60.0, help="minimum average percentage (default 60)")
    p.add_argument("--modules", nargs="+", help="modules required (default: all)")
    p.set_defaults(func=_certificates)
    p = sub.add_parser("verify", help="check a certificate's verification code (offline)")
    p.add_argument("code")
    p.set_defaults(func=_verify)

    p = sub.add_parser(
        "evening", help="the evening round: collect, autograde and return feedback for everything"
    )
    p.add_argument("assignment", nargs="*", help="assignments (default: all)")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="parallel graders (default: CAMP_WORKERS, else CPU cores + 1; see camp config)",
    )
    p.set_defaults(func=_evening)

    p = sub.add_parser(
        "config", help="each setting's effective value and where it came from (environment, file, default)"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="also what each setting does")
    p.set_defaults(func=_config)
    _add_ai_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    import warnings

    paths.ensure_tools_on_path()
    try:  # nbgrader's ORM relationships warn on every gradebook opened; nothing a trainer can act on
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
    except ImportError:  # pragma: no cover
        pass
    args = build_parser().parse_args(argv)
    try:
        from grader import settings

        settings.export_file_values()  # read once: the file's values reach everything this command starts
        return args.func(args)
    except CampError as exc:
        if args.debug:
            raise
        print(f"error: {exc.en} / {exc.hi}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped / रोका गया", file=sys.stderr)
        return 130
    except Exception as exc:  # an unexpected failure: one line, the traceback behind --debug
        if args.debug:
            raise
        print(f"error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
