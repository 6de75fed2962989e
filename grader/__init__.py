"""Trainer side of the camp: course setup, roster, release, collect, autograde, feedback, exports."""
