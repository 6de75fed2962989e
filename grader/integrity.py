"""After grading: flag what looks tampered, report and redact pasted keys, put back deleted graded cells.

The verdicts themselves are made outside the participant's kernel (grader/verdict.py), so nothing here can
change a score. This only tells the trainer what to look at: code that reaches for the grading machinery,
cells deleted, duplicated or retyped, checks that could not run, and API keys (redacted from feedback).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from camp import paths

KEY = re.compile(r"(sk-[A-Za-z0-9_-]{20,}|gsk_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_-]{30,}|hf_[A-Za-z0-9]{30,})")
SUSPICIOUS = {
    r"\bos\._exit\b|\bsys\.exit\b|\bexit\(|\bquit\(": "exits the kernel early",
    r"\bcheck\.\w+\s*=|setattr\(|camp\.check|camp\.answers|from camp import": "reaches for the grading helpers",
    r"__eq__|__ne__|__hash__": "defines equality tricks",
    r"showtraceback|sys\.excepthook|set_custom_exc|run_cell|events\.register": "changes how errors are shown",
    r"sys\.modules|builtins|__import__|importlib": "meddles with imports or builtins",
    r"\bsocket\b|urllib|requests|http\.client": "uses the network",
    r"subprocess|os\.system|os\.fork|os\.popen|multiprocessing|ctypes": "starts processes or native code",
    r"/etc/|gradebook|\.\./|os\.walk|glob\(|listdir|scandir": "looks around the file system",
}


def scan_code(nb) -> list[str]:
    """Why a submission's own code cells look suspicious (empty when they do not)."""
    found = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or (meta.get("locked") and not meta.get("solution")):
            continue
        for pattern, why in SUSPICIOUS.items():
            if re.search(pattern, cell.source):
                found.append(f"{meta.get('grade_id', 'a cell')}: {why}")
    return sorted(set(found))


def redact_secrets(path: Path) -> int:
    """Replace API keys in a notebook file with a marker; returns how many were found."""
    text = path.read_text(encoding="utf-8")
    count = len(KEY.findall(text))
    if count:
        path.write_text(KEY.sub("[API KEY REDACTED / कुंजी हटाई गई]", text), encoding="utf-8")
    return count


def review(*, assignment: str, student: str) -> list[str]:
    """Scan and redact one autograded submission; returns what the trainer should look at."""

    notes: list[str] = []
    folder = paths.course_root() / "autograded" / student / assignment
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            verdict = (cell.metadata.get("camp") or {}).get("verdict") or {}
            if verdict and "could not be checked" in verdict.get("en", ""):
                notes.append(f"{verdict.get('qid')}: {verdict['en']}")
        notes += [f"suspicious code — {why}" for why in scan_code(nb)]
        keys = redact_secrets(path)
        if keys:
            notes.append(
                f"{keys} API key(s) found in the notebook — redacted from feedback; ask the participant "
                "to revoke them"
            )
    for path in sorted((paths.course_root() / "submitted" / student / assignment).glob("*.ipynb")):
        source = paths.course_root() / "source" / assignment / path.name
        try:
            notes += tampered_cells(nbformat.read(path, as_version=4), nbformat.read(source, as_version=4))
        except Exception:
            pass
    for other in folder.rglob("*"):
        if other.is_file() and other.suffix != ".ipynb" and other.stat().st_size < 2_000_000:
            try:
                if KEY.search(other.read_text(encoding="utf-8", errors="ignore")):
                    notes.append(f"API key found in {other.name}")
            except OSError:
                pass
    return notes


def _grade_ids(nb) -> list[tuple[str, str]]:
    return [
        (c.metadata["nbgrader"]["grade_id"], c.cell_type)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id")
    ]


def tampered_cells(submitted, source) -> list[str]:
    """Grade cells the participant deleted, duplicated or turned into another kind of cell."""
    notes = []
    mine = _grade_ids(submitted)
    ids = [g for g, _ in mine]
    for grade_id, kind in _grade_ids(source):
        if grade_id not in ids:
            notes.append(f"{grade_id}: deleted by the participant — restored and scored 0")
        elif ids.count(grade_id) > 1:
            notes.append(f"{grade_id}: duplicated by the participant — the first copy was graded")
        elif dict(mine)[grade_id] != kind:
            notes.append(f"{grade_id}: turned into a {dict(mine)[grade_id]} cell — restored from the source")
    return notes


class RestoreDeletedCells(NbGraderPreprocessor):
    """Put back, from the course's source, every graded cell a participant deleted, as a cell that scores 0.

    Runs in nbgrader's sanitize step (plain `nbgrader autograde` and the engine alike), after OverwriteCells.
    """

    def preprocess(self, nb, resources):
        meta = resources.get("nbgrader", {})
        root = Path(self.config.CourseDirectory.get("root") or paths.course_root())
        path = root / "source" / meta.get("assignment", "") / f"{meta.get('notebook', '')}.ipynb"
        if not path.exists():
            return nb, resources
        source = nbformat.read(path, as_version=4)
        present = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        previous = None
        for cell in source.cells:
            info = cell.metadata.get("nbgrader", {})
            grade_id = info.get("grade_id")
            if grade_id and info.get("grade") and grade_id not in present:
                note = (
                    f"# यह जाँच वाला सेल मिटा दिया गया था; स्रोत से वापस लाया गया, 0 अंक।\n"
                    f"# This graded cell had been deleted; restored from the source, scored 0.\n"
                    f"raise RuntimeError('graded cell {grade_id} was deleted / यह सेल मिटाया गया था')"
                )
                restored = (
                    nbformat.v4.new_code_cell(note)
                    if cell.cell_type == "code"
                    else nbformat.v4.new_markdown_cell("✍️ (मिटाया गया / deleted)")
                )
                restored.metadata["nbgrader"] = dict(info)
                restored.metadata["camp"] = {"restored": True}
                at = next(
                    (
                        i + 1
                        for i, c in enumerate(nb.cells)
                        if c.metadata.get("nbgrader", {}).get("grade_id") == previous
                    ),
                    len(nb.cells),
                )
                nb.cells.insert(at, restored)
                present.add(grade_id)
            if grade_id:
                previous = grade_id
        return nb, resources
