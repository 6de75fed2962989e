"""Social Media & AI Camp: what lesson and assignment notebooks import (the participant's layer).

Layers, bottom up; nothing here imports grader/ (tests/test_layers.py):
- foundation, used by both sides: paths, files, lang, nbsettings (the course folder and exchange nbgrader needs);
- participant runtime: answers, check, quiz, charts, data, ai, aiconfig, progress, panel, participant, notebooks,
  lessons … — what participants' kernels import, mounted read-only in the grading sandbox;
- grader/ on top: the grading core and trainer tools, their settings (grader.settings) and the `camp` command
  line (grader.cli).
"""

__version__ = "0.1.0"
