"""Lessons: MyST Markdown sources in modules/, given to participants as their own notebook copies."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from camp import paths

LANGS = ("hi", "en")


def lesson_sources() -> list[Path]:
    """Every lesson source file, `modules/NN-topic/NN-topic.<lang>.md`, in course order."""
    root = paths.modules_source()
    return (
        sorted(p for p in root.glob("*/*.md") if p.suffixes[-2:-1] in ([".hi"], [".en"]))
        if root.exists()
        else []
    )


def read_lesson(path: Path):
    """A lesson source as an nbformat notebook, with a Python kernel."""
    import jupytext

    nb = jupytext.read(path, fmt="md:myst")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.pop("jupytext", None)
    return nb


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_lessons(*, dest: Path | None = None) -> list[Path]:
    """Write a notebook copy of each lesson into the participant's lessons folder.

    A copy the participant has edited is kept as it is; an untouched copy follows the source.
    """
    import nbformat

    dest = dest or paths.lessons_dir()
    dest.mkdir(parents=True, exist_ok=True)
    manifest_path = dest / ".manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    written = []
    for source in lesson_sources():
        target = dest / source.parent.name / (source.stem + ".ipynb")
        key = str(target.relative_to(dest))
        entry = manifest.get(key, {})
        source_hash = _digest(source)
        if target.exists():
            untouched = entry.get("copy") == _digest(target)
            if entry.get("source") == source_hash or not untouched:
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(read_lesson(source), target)
        manifest[key] = {"source": source_hash, "copy": _digest(target)}
        written.append(target)
    manifest_path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return written


def twin_of(hindi: Path) -> Path:
    """The English twin of a Hindi lesson source (`NN-topic.hi.md` -> `NN-topic.en.md`)."""
    return hindi.with_name(hindi.name.replace(".hi.md", ".en.md"))


def front_matter(path: Path) -> dict:
    import jupytext

    return dict(jupytext.read(path, fmt="md:myst").metadata.get("camp", {}))


def rehash(*, lessons: list[Path] | None = None) -> list[Path]:
    """Record each Hindi source's current hash in its English twin's front matter (after review).

    The twin names its source and that source's SHA-256, so a twin left behind by a Hindi edit shows.
    """
    import re

    done = []
    for hindi in lessons or [p for p in lesson_sources() if p.name.endswith(".hi.md")]:
        twin = twin_of(hindi)
        if not twin.exists():
            continue  # a lesson still being translated
        text = twin.read_text(encoding="utf-8")
        new = re.sub(r"(source_sha256:\s*)\S+", rf"\g<1>{_digest(hindi)}", text, count=1)
        if new != text:
            twin.write_text(new, encoding="utf-8")
            done.append(twin)
    return done
