"""The whole journey once, end to end: release -> fetch -> submit -> collect -> autograde -> feedback -> export."""

from __future__ import annotations

import csv
import getpass
import json
import re

import pytest
from conftest import answer_fixture, answer_with_widgets

from camp import participant, progress
from grader import course, export, roster

pytestmark = pytest.mark.slow
ASSIGNMENT = "00-start-here"


def test_participant_and_trainer_journey(fresh_home, tmp_path):
    """Does a widget-answered submission travel through nbgrader and come back as feedback and a CSV row?"""
    me = getpass.getuser()
    people = tmp_path / "roster.csv"
    people.write_text(
        f'id,name,district,role,phone\n{me},"वर्मा, आशा (Verma, Asha)",सीहोर,worker,9876543210\n',
        encoding="utf-8",
    )
    course.init_course()
    assert roster.import_roster(file=people).added == 1

    folder = participant.fetch_assignment(assignment=ASSIGNMENT)
    fixture = answer_fixture(ASSIGNMENT)
    import nbformat

    nb = answer_with_widgets(
        nbformat.read(folder / f"{ASSIGNMENT}.ipynb", as_version=4), fixture["widget_answers"], folder
    )
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    participant.submit(assignment=ASSIGNMENT)
    assert progress.assignments()[ASSIGNMENT]["submitted"]

    assert course.collect(assignment=ASSIGNMENT) == [me]
    assert course.autograde(assignment=ASSIGNMENT) == {me: "graded"}
    assert course.feedback(assignment=ASSIGNMENT) == [me]
    pages = participant.fetch_feedback(assignment=ASSIGNMENT)
    assert pages and "Score:" in pages[0].read_text(encoding="utf-8")
    mine = progress.assignments()[ASSIGNMENT]
    assert mine["score"] == 6 and mine["max_score"] == 10  # 6 autograded points; 4 await the trainer
    assert f"| {ASSIGNMENT} | ✅ | 6 / 10 |" in progress.report()

    out = export.export_grades(to=tmp_path / "grades.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM: Excel reads the Devanagari right"
    text = raw.decode("utf-8-sig")
    assert '"वर्मा, आशा (Verma, Asha)"' in text, "a name with a comma is quoted"
    rows = list(csv.DictReader(text.splitlines()))
    row = next(r for r in rows if r["id"] == me)
    assert row["name"] == "वर्मा, आशा (Verma, Asha)" and row["district"] == "सीहोर"
    # 6 of 10 autograded; the written answer waits for the trainer, so the cell says so and nothing is counted
    assert row[f"{ASSIGNMENT} score (max 10)"].startswith("manual grading pending")
    assert row["not yet graded"] == "1"

    # The trainers' own command grades the same submission again (`camp autograde`: the engine, sandboxed
    # kernels): the same 6 points, read back from the gradebook and in the table it prints.
    from grader.engine import autograde_batch
    from grader.report import score_table

    result = autograde_batch(assignment=ASSIGNMENT, students=[me], force=True, show_progress=False)
    assert result.outcome == {me: "graded"}, result.outcome
    from nbgrader.api import Gradebook

    from camp import paths

    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        assert gb.find_submission(ASSIGNMENT, me).score == 6
    shown = score_table(assignments=[ASSIGNMENT])
    assert re.search(rf"{me}\s+{ASSIGNMENT}\s+manual grading pending · 6 / 10 so far", shown), shown


def test_broken_submissions_get_clear_reasons_and_the_batch_goes_on(fresh_home, tmp_path):
    """A missing notebook and a corrupt notebook are reported; the good submission is still graded."""
    course.init_course()
    submitted = fresh_home / "course" / "submitted"
    release = fresh_home / "course" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for student, content in (("good", release.read_text(encoding="utf-8")), ("corrupt", '{"cells": [')):
        (submitted / student / ASSIGNMENT).mkdir(parents=True)
        (submitted / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text(content, encoding="utf-8")
    (submitted / "missing" / ASSIGNMENT).mkdir(parents=True)
    (submitted / "missing" / ASSIGNMENT / "answers.json").write_text(json.dumps({}), encoding="utf-8")
    (submitted / "renamed" / ASSIGNMENT).mkdir(parents=True)
    (submitted / "renamed" / ASSIGNMENT / "my copy.ipynb").write_text(release.read_text(encoding="utf-8"))
    outcome = course.autograde(assignment=ASSIGNMENT)
    assert outcome["good"] == "graded"
    assert outcome["corrupt"] == "ungradable: notebook is not valid JSON"
    assert (
        outcome["renamed"]
        == "ungradable: notebook 00-start-here.ipynb missing from the submission (found: my copy.ipynb)"
    )
    assert outcome["missing"] == "ungradable: notebook 00-start-here.ipynb missing from the submission"


@pytest.mark.parametrize("retries", [course.KERNEL_START_RETRIES, 0])
def test_a_kernel_port_taken_by_another_program_is_retried_not_failed(fresh_home, monkeypatch, retries):
    """Another program takes the TCP port nbgrader picked for its kernel: the submission is graded anyway.

    The port is really taken (a socket of this test listens on it), so the first kernel really dies on bind;
    with the retry switched off the same submission is reported ungradable, so the test can fail. The camp's own
    config grades in sandboxed kernels on Unix sockets (SandboxedExecute), where no port can be taken; nbgrader's
    own Execute (TCP) is what a course graded with stock settings, and the engine test's reference, still use.
    """
    import socket

    from jupyter_client.connect import LocalPortCache

    from grader import config as camp_config

    stock_config = camp_config.traitlets_config

    def with_nbgraders_own_execute():
        cfg = stock_config()
        cfg.Autograde.autograde_preprocessors = [
            "nbgrader.preprocessors.Execute" if p == "grader.kernels.SandboxedExecute" else p
            for p in cfg.Autograde.autograde_preprocessors
        ]
        return cfg

    monkeypatch.setattr(camp_config, "traitlets_config", with_nbgraders_own_execute)
    course.init_course()
    release = fresh_home / "course" / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    (fresh_home / "course" / "submitted" / "good" / ASSIGNMENT).mkdir(parents=True)
    (fresh_home / "course" / "submitted" / "good" / ASSIGNMENT / release.name).write_bytes(
        release.read_bytes()
    )
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    original, calls = LocalPortCache.find_available_port, []

    def first_port_is_taken(self, ip):
        calls.append(ip)
        return taken.getsockname()[1] if len(calls) == 1 else original(self, ip)

    monkeypatch.setattr(LocalPortCache, "find_available_port", first_port_is_taken)
    monkeypatch.setattr(course, "KERNEL_START_RETRIES", retries)
    try:
        outcome = course.autograde(assignment=ASSIGNMENT, students=["good"])
    finally:
        taken.close()
    if retries:
        assert outcome == {"good": "graded"}
    else:
        assert outcome == {"good": "ungradable: RuntimeError: Kernel died before replying to kernel_info"}
