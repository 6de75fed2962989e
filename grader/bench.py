"""`make bench`: serial `nbgrader autograde` against `camp autograde`, on the same synthetic submissions.

Builds N honest submissions of the real assignments (answered through the widgets, a mix of right and wrong
answers from tests/fixtures/assignments) in a temporary course, grades them once with nbgrader's own command
line and once with the engine, checks that every score and every autograded notebook agree, and prints one
figure a line, ending with the speedup. Timings are ratios measured in the same run, never assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat


def _fixtures() -> dict[str, dict]:
    from camp import paths

    folder = paths.SOURCE_ROOT / "tests" / "fixtures" / "assignments"
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


def build_submissions(n: int) -> list[tuple[str, str]]:
    """N submissions spread over the assignments that have answer fixtures; returns (assignment, student)."""
    from camp import paths
    from grader.authoring import answer_with_widgets
    from grader.course import assignment_ids

    fixtures = {a: f for a, f in _fixtures().items() if a in assignment_ids()}
    variants: dict[str, list[Path]] = {}
    scratch = paths.home() / "bench-variants"
    for assignment, fixture in fixtures.items():
        release = nbformat.read(paths.course_root() / "release" / assignment / f"{assignment}.ipynb", as_version=4)
        cases = [fixture["widget_answers"]] + [{**fixture["widget_answers"], **w["answers"]} for w in fixture["wrong"]]
        variants[assignment] = []
        for k, answers in enumerate(cases):
            folder = scratch / assignment / f"v{k}"
            nb = answer_with_widgets(release, answers, folder)
            nbformat.write(nb, folder / f"{assignment}.ipynb")
            variants[assignment].append(folder)
    jobs = []
    names = sorted(variants)
    for i in range(n):
        assignment = names[i % len(names)]
        student = f"p{i:04d}"
        source = variants[assignment][(i // len(names)) % len(variants[assignment])]
        dest = paths.course_root() / "submitted" / student / assignment
        shutil.copytree(source, dest)
        (dest / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC", encoding="utf-8")
        jobs.append((assignment, student))
    return jobs


def _scores() -> dict[tuple[str, str, str], float | None]:
    from nbgrader.api import Gradebook

    from camp import paths

    found = {}
    with Gradebook(paths.db_url(), paths.COURSE_ID) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        found[(assignment.name, submission.student.id, grade.name)] = grade.auto_score
    return found


def _joined(value):
    """nbformat's "multiline string": a list of lines and one string mean the same text."""
    return "".join(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else value


def _coalesced(outputs: list[dict]) -> list[dict]:
    """Consecutive stream outputs joined: how a print is split into messages depends on timing only."""
    merged: list[dict] = []
    for out in outputs:
        out = dict(out)
        if "text" in out:
            out["text"] = _joined(out["text"])
        if isinstance(out.get("data"), dict):
            out["data"] = {k: _joined(v) for k, v in out["data"].items()}
        if (merged and out.get("output_type") == "stream" and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == out.get("name")):
            merged[-1] = {**merged[-1], "text": "".join(merged[-1]["text"]) + "".join(out["text"])}
        else:
            merged.append(out)
    return merged


def _normalised(path: Path) -> dict:
    """A notebook without what varies between two runs of the same code: timings, widget ids, stream chunking."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("execution", None)
        if "outputs" in cell:
            cell["outputs"] = _coalesced(cell["outputs"])
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            data.pop("application/vnd.jupyter.widget-view+json", None)
            if "text/plain" in data and "children=" in "".join(data["text/plain"]):
                data.pop("text/plain")  # a widget's repr carries its random model id
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def _snapshot() -> dict[str, dict]:
    from camp import paths

    root = paths.course_root() / "autograded"
    return {str(p.relative_to(root)): _normalised(p) for p in sorted(root.glob("*/*/*.ipynb"))}


class PeakMemory:
    """Peak proportional set size (PSS) of this process and all its descendants, sampled every 0.1 s."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[int]:
        from grader.zygote import descendants

        return [os.getpid(), *descendants(os.getpid())]

    def _pss(self, pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(self._pss(p) for p in self._tree()))
            self._stop.wait(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--notebooks", type=int, default=120)
    parser.add_argument("-w", "--workers", type=int, default=(os.cpu_count() or 1) + 1,
                        help="engine workers (default: cores + 1, as `camp autograde`)")
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="camp-bench-"))
    os.environ["CAMP_HOME"] = str(home)
    from camp import paths
    from grader import engine, lab
    from grader.course import init_course

    paths.ensure_tools_on_path()
    try:
        init_course(release_all=False)
        t = time.monotonic()
        jobs = build_submissions(args.notebooks)
        assignments = sorted({a for a, _ in jobs})
        print(f"built {len(jobs)} submissions of {len(assignments)} assignments in {time.monotonic() - t:.1f} s")

        env = lab.lab_env()
        t = time.monotonic()
        for assignment in assignments:  # nbgrader's command grades one assignment a run
            subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"],
                           cwd=paths.course_root(), env=env, check=True, capture_output=True)
        serial = time.monotonic() - t
        reference, reference_nbs = _scores(), _snapshot()
        print(f"nbgrader autograde (serial): {serial:.1f} s ({serial / len(jobs):.2f} s a notebook)")

        with PeakMemory() as memory:
            t = time.monotonic()
            result = engine.autograde_batch(assignment=assignments, workers=args.workers, force=True,
                                            show_progress=False)
            if result.ungradable:
                raise SystemExit(f"engine could not grade: {result.ungradable}")
            fast = time.monotonic() - t
        print(f"camp autograde ({args.workers} workers): {fast:.1f} s ({fast / len(jobs):.2f} s a notebook)")
        print(result.sandbox)
        print(f"engine peak memory (PSS, all processes): {memory.peak / 1024**2:.0f} MiB")

        ours, our_nbs = _scores(), _snapshot()
        same_scores = ours == reference
        same_nbs = our_nbs == reference_nbs
        print(f"scores identical: {'yes' if same_scores else 'NO'} ({len(reference)} grades compared)")
        print(f"autograded notebooks identical (ignoring timings, widget ids, stream chunking): {'yes' if same_nbs else 'NO'}")
        for name in sorted(k for k in reference_nbs if reference_nbs[k] != our_nbs.get(k))[:3]:
            cells = zip(reference_nbs[name]["cells"], our_nbs[name]["cells"])
            first = next((i for i, (a, b) in enumerate(cells) if a != b), None)
            print(f"  differs: {name}, first at cell {first}")
            if first is not None:
                for label, nb in (("nbgrader", reference_nbs[name]), ("engine", our_nbs[name])):
                    shown = json.dumps(nb["cells"][first].get("outputs"), ensure_ascii=False)
                    print(f"    {label}: {shown[:600]}")
        print(f"autograde speedup vs nbgrader: {serial / fast:.2f}× ({len(jobs)} notebooks, {args.workers} workers)")
        return 0 if same_scores and same_nbs else 1
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
