"""Trainer side of the camp: course setup, roster, release, collect, autograde, feedback, exports, `camp` CLI.

It builds on camp/ (the foundation and the participant runtime), never the other way round. Of this package the
grading sandbox holds only this file, limits and zygote (grader.sandbox.ZYGOTE_MODULES).
"""
