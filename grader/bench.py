"""`make bench`: `nbgrader autograde "*"` against `camp autograde`, both run as a trainer runs them.

Builds N honest submissions of the real assignments in a temporary course (answered through the widgets in real
kernels, a mix of right and typically wrong answers from grader/data/answers), then, for each repetition, grades
two fresh copies of that course: one with nbgrader's own command line (`nbgrader autograde "*"`: one process for
every submission, with the camp's nbgrader configuration but nbgrader's own Execute, hidden tests judged as in the
engine), one with `camp autograde` (all assignments in one batch). The order alternates between repetitions. Each run is timed
from outside (wall clock), with the CPU time of everything it started (its own cgroup's `cpuacct.usage` where
the bench may create one, else a sampled process tree) and what the rest of the machine used meanwhile.
It checks that both graded every submission with the same scores and the same autograded notebooks, and
prints where the engine's time went per notebook (from its per-submission markers). Timings are printed,
never asserted.

    make bench                        # 120 notebooks, 3 repetitions
    make bench BENCH_ARGS="-n 300 -r 1"
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat

#: Answers for the synthetic submissions: per assignment the right widget answers and typical wrong ones.
ANSWERS = Path(__file__).parent / "data" / "answers"


def answer_data() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(ANSWERS.glob("*.json"))}


def build_submissions(n: int, assignments: list[str] | None = None) -> list[tuple[str, str]]:
    """N submissions spread over the assignments that have answer data; returns (assignment, student)."""
    from camp import paths
    from grader.authoring import answer_with_widgets
    from grader.submissions import assignment_ids

    known = assignment_ids()
    data = {a: f for a, f in answer_data().items() if a in known and (not assignments or a in assignments)}
    variants: dict[str, list[Path]] = {}
    scratch = paths.home() / "bench-variants"
    from nbclient.exceptions import CellExecutionError

    for assignment, answers in data.items():
        release = nbformat.read(
            paths.course_root() / "release" / assignment / f"{assignment}.ipynb", as_version=4
        )
        cases = [answers["widget_answers"]] + [
            {**answers["widget_answers"], **w["answers"]} for w in answers["wrong"]
        ]
        variants[assignment] = []
        try:
            for k, case in enumerate(cases):
                folder = scratch / assignment / f"v{k}"
                nb = answer_with_widgets(release, case, folder)
                nbformat.write(nb, folder / f"{assignment}.ipynb")
                variants[assignment].append(folder)
        except CellExecutionError as exc:  # the assignment changed since its answers were written
            print(
                f"skipped {assignment}: {ANSWERS.name}/{assignment}.json no longer fits it "
                f"({str(exc).strip().splitlines()[-1][:120]})",
                flush=True,
            )
            del variants[assignment]
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


def _course(home: Path | None) -> Path:
    from camp import paths

    return paths.course_root() if home is None else Path(home) / "course"


def _scores(home: Path | None = None) -> dict[tuple[str, str, str], float | None]:
    """Every autograded score in a camp's gradebook: (assignment, participant, grade cell) -> score."""
    from nbgrader.api import Gradebook

    from camp import paths

    url = paths.db_url() if home is None else f"sqlite:///{_course(home) / 'gradebook.db'}?timeout=60"
    found = {}
    with Gradebook(url, paths.COURSE_ID) as gb:
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
        if (
            merged
            and out.get("output_type") == "stream"
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == out.get("name")
        ):
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


def _snapshot(home: Path | None = None) -> dict[str, dict]:
    root = _course(home) / "autograded"
    return {str(p.relative_to(root)): _normalised(p) for p in sorted(root.glob("*/*/*.ipynb"))}


# -- measuring a command from outside ----------------------------------------------------------------------------
CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores, from /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class _TreeSampler:
    """CPU seconds of a process and its descendants, sampled every 50 ms (used when no cgroup can be made).

    Approximate: what a process uses in its last 50 ms before it exits is missed.
    """

    def __init__(self):
        self.seen: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self.pid: int | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.05):
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            for proc in procs:
                try:
                    times = proc.cpu_times()
                    self.seen[(proc.pid, proc.create_time())] = times.user + times.system
                except psutil.Error:
                    pass

    def start(self, pid: int) -> None:
        self.pid = pid
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values())


@dataclass
class Run:
    wall: float
    cpu: float | None
    others: float  # CPU seconds the rest of the machine used meanwhile
    how: str
    output: str

    def utilisation(self, cores: int) -> str:
        return "n/a" if self.cpu is None else f"{100 * self.cpu / self.wall / cores:.0f}%"


def run_measured(cmd: list[str], *, cwd: Path, env: dict[str, str]) -> Run:
    """Run a command to its end; wall time, CPU time of everything it started, the machine's other load."""
    group = None
    if CPUACCT.is_dir() and os.access(CPUACCT, os.W_OK):
        group = CPUACCT / "camp-bench" / uuid.uuid4().hex[:12]
        try:
            group.mkdir(parents=True)
        except OSError:
            group = None

    def join_group() -> None:
        if group is not None:
            (group / "cgroup.procs").write_text(str(os.getpid()))

    sampler = None
    if group is None:
        try:
            import psutil  # noqa: F401

            sampler = _TreeSampler()
        except ImportError:
            pass
    busy0, t0 = _machine_busy(), time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=join_group,
    )
    if sampler is not None:
        sampler.start(proc.pid)
    output, _ = proc.communicate()
    wall, busy = time.monotonic() - t0, _machine_busy() - busy0
    if group is not None:
        cpu, how = int((group / "cpuacct.usage").read_text()) / 1e9, "cgroup cpuacct"
        try:
            group.rmdir()
        except OSError:
            pass
    elif sampler is not None:
        cpu, how = sampler.stop(), "sampled process tree (approximate)"
    else:
        cpu, how = None, "not measured"
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} … failed ({proc.returncode}):\n{output[-3000:]}")
    return Run(wall=wall, cpu=cpu, others=max(0.0, busy - (cpu or 0.0)), how=how, output=output)


# -- the benchmark -----------------------------------------------------------------------------------------------
def _copy_course(template: Path, dest: Path, *, stock_execute: bool = False) -> dict[str, str]:
    """A fresh copy of the prepared course with its own configuration; returns the environment to grade it.

    With `stock_execute` the copy's nbgrader runs each notebook with nbgrader's own Execute (a kernel started
    for every notebook), as stock nbgrader does: the camp's config would otherwise run it in the camp's sandboxed
    zygote (SandboxedExecute), which is the engine's own kernel machinery and not the baseline.
    """
    from grader import config, lab

    shutil.copytree(template, dest, symlinks=True, ignore=shutil.ignore_patterns("bench-variants"))
    before = os.environ.get("CAMP_HOME")
    os.environ["CAMP_HOME"] = str(dest)
    try:
        folder = config.write()  # nbgrader_config.py names the course root and the gradebook: this copy's own
        if stock_execute:
            with (folder / "nbgrader_config.py").open("a", encoding="utf-8") as f:
                f.write(
                    "c.Autograde.autograde_preprocessors = [\n"
                    "    'nbgrader.preprocessors.Execute' if p == 'grader.kernels.SandboxedExecute' else p\n"
                    "    for p in c.Autograde.autograde_preprocessors\n"
                    "]  # the bench's baseline: nbgrader's own Execute\n"
                )
        return lab.lab_env()
    finally:
        os.environ["CAMP_HOME"] = before or ""


def _nbgrader(home: Path, env: dict[str, str], assignments: list[str], workers: int | None) -> Run:
    return run_measured([sys.executable, "-m", "nbgrader", "autograde", "*"], cwd=home / "course", env=env)


def _nbgrader_split(home: Path, env: dict[str, str], assignments: list[str], workers: int | None) -> Run:
    """The naive parallel baseline: one `nbgrader autograde "*"` per core, each on its share of the participants
    (the others excluded), all at once on the same gradebook."""
    import shlex

    students = sorted(p.name for p in (home / "course" / "submitted").iterdir() if p.is_dir())
    count = workers or os.cpu_count() or 1
    shares = [students[i::count] for i in range(count)]
    base = shlex.join([sys.executable, "-m", "nbgrader", "autograde", "*"])
    parts = [
        f"{base} --CourseDirectory.student_id_exclude={shlex.quote(','.join(sorted(set(students) - set(share))))}"
        for share in shares
        if share
    ]
    return run_measured(["sh", "-c", " & ".join(parts) + " & wait"], cwd=home / "course", env=env)


def _engine(home: Path, env: dict[str, str], assignments: list[str], workers: int | None) -> Run:
    cmd = [str(Path(sys.executable).parent / "camp"), "autograde", *assignments]
    if workers:
        cmd += ["--workers", str(workers)]
    return run_measured(cmd, cwd=home / "course", env=env)


def _graded(home: Path) -> set[tuple[str, str]]:
    return {(a, s) for a, s, _ in _scores(home)}


def _breakdown(home: Path) -> dict[str, list[float]]:
    phases: dict[str, list[float]] = {}
    for marker in sorted((home / "engine").glob("*/done/*.json")):
        for key, value in json.loads(marker.read_text(encoding="utf-8")).get("seconds", {}).items():
            phases.setdefault(key, []).append(value)
    return phases


PHASES = {
    "nbgrader": "nbgrader's converter around the kernel: read, sanitize, restore cells, gradebook, judge, write",
    "kernel_start": "kernel start and connection (the kernel was forked while the previous notebook ran)",
    "kernel_cells": "the participant's cells, with their output and widget messages",
    "kernel_stop": "kernel stop and clean-up",
    "review": "integrity review (suspicious code, pasted keys, tampered cells)",
    "sync": "gradebook made durable (fsync) before the submission is marked done",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--notebooks", type=int, default=120, help="submissions to grade (default 120)")
    parser.add_argument(
        "-r", "--repeat", type=int, default=3, help="repetitions, order alternated (default 3)"
    )
    parser.add_argument(
        "-w",
        "--workers",
        type=int,
        default=None,
        help="engine workers (default: as `camp autograde` chooses, cores + 1)",
    )
    parser.add_argument("-a", "--assignment", action="append", help="only these assignments (repeatable)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary courses (their path is printed)"
    )
    args = parser.parse_args(argv)

    cores = os.cpu_count() or 1
    root = Path(tempfile.mkdtemp(prefix="camp-bench-"))
    template = root / "template"
    os.environ["CAMP_HOME"] = str(template)
    from camp import paths
    from grader.course import init_course

    paths.ensure_tools_on_path()
    status = 0
    try:
        init_course(release_all=False)
        t = time.monotonic()
        jobs = build_submissions(args.notebooks, args.assignment)
        assignments = sorted({a for a, _ in jobs})
        n = len(jobs)
        print(
            f"built {n} submissions of {len(assignments)} assignments ({', '.join(assignments)}) "
            f"in {time.monotonic() - t:.0f} s; {cores} cores; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )

        tools = {"nbgrader": _nbgrader, "split": _nbgrader_split, "camp": _engine}
        results: list[dict[str, Run]] = []
        reference = None
        for rep in range(1, args.repeat + 1):
            order = ["nbgrader", "split", "camp"] if rep % 2 else ["camp", "split", "nbgrader"]
            runs: dict[str, Run] = {}
            homes: dict[str, Path] = {}
            for tool in order:
                home = homes[tool] = root / f"r{rep}-{tool}"
                env = _copy_course(template, home, stock_execute=tool != "camp")
                runs[tool] = tools[tool](home, env, assignments, args.workers)
            results.append(runs)
            nb, camp = runs["nbgrader"], runs["camp"]
            same_count = (
                _graded(homes["nbgrader"]) == _graded(homes["camp"]) and len(_graded(homes["camp"])) == n
            )
            scores = _scores(homes["nbgrader"])
            same_scores = scores == _scores(homes["camp"]) and (reference is None or scores == reference)
            reference = reference or scores
            ref_nbs, our_nbs = _snapshot(homes["nbgrader"]), _snapshot(homes["camp"])
            same_nbs = ref_nbs == our_nbs
            print(f"\nrepetition {rep} ({order[0]} first):")
            split_count = len(_graded(homes["split"]))
            for tool in order:
                run = runs[tool]
                label = {
                    "nbgrader": 'nbgrader autograde "*"',
                    "split": f"nbgrader × {args.workers or cores} at once",
                    "camp": "camp autograde",
                }[tool]
                print(
                    f"  {label:<24}{run.wall:7.1f} s ({run.wall / n:.2f} s a notebook) · CPU "
                    f"{run.cpu or 0:6.1f} s = {run.utilisation(cores)} of {cores} cores · "
                    f"rest of the machine meanwhile {100 * run.others / run.wall / cores:.0f}% of it"
                )
            print(
                f"  naive parallel nbgrader graded {split_count} of {n}; camp vs it: "
                f"{runs['split'].wall / camp.wall:.2f}×"
            )
            print(
                f"  speedup {nb.wall / camp.wall:.2f}× · graded {n} on both sides: {'yes' if same_count else 'NO'} · "
                f"scores identical: {'yes' if same_scores else 'NO'} ({len(scores)} grades) · autograded "
                f"notebooks identical (ignoring timings, widget ids, stream chunking): {'yes' if same_nbs else 'NO'}",
                flush=True,
            )
            for name in sorted(k for k in ref_nbs if ref_nbs[k] != our_nbs.get(k))[:3]:
                print(f"    differs: {name}")
            if not (same_count and same_scores and same_nbs):
                status = 1
            if rep == 1:
                breakdown = _breakdown(homes["camp"])
            if not args.keep:
                for home in homes.values():
                    shutil.rmtree(home, ignore_errors=True)

        ratios = [r["nbgrader"].wall / r["camp"].wall for r in results]
        split_ratios = [r["split"].wall / r["camp"].wall for r in results]
        print(f"\nCPU measured by: {results[0]['camp'].how}")
        print(
            f"nbgrader: median {statistics.median(r['nbgrader'].wall for r in results):.1f} s; "
            f"camp: median {statistics.median(r['camp'].wall for r in results):.1f} s "
            f"(min {min(r['camp'].wall for r in results):.1f}, max {max(r['camp'].wall for r in results):.1f})"
        )
        print(
            "where the engine's time went, per notebook (wall seconds inside one worker, median and mean; "
            "repetition 1):"
        )
        for key, label in PHASES.items():
            values = breakdown.get(key, [])
            if values:
                print(f"  {statistics.median(values):6.3f} {statistics.fmean(values):6.3f}  {label}")
        if breakdown.get("total"):
            cpu = statistics.fmean(breakdown.get("worker_cpu", [0]))
            engine_cpu = statistics.fmean((r["camp"].cpu or 0) / n for r in results)
            print(
                f"  {statistics.median(breakdown['total']):6.3f} {statistics.fmean(breakdown['total']):6.3f}  "
                f"in all, per notebook in one worker; CPU a notebook: {cpu:.3f} s in the worker, "
                f"{engine_cpu:.3f} s for the whole engine (kernels, sandboxes and start-up included)"
            )
        print(
            f"autograde speedup vs nbgrader: median {statistics.median(ratios):.2f}× "
            f"(each: {', '.join(f'{x:.2f}×' for x in ratios)}; {n} notebooks, {cores} cores)"
        )
        print(
            f"autograde speedup vs nbgrader split over {args.workers or cores} processes: median "
            f"{statistics.median(split_ratios):.2f}× (each: {', '.join(f'{x:.2f}×' for x in split_ratios)})"
        )
        return status
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
        try:
            (CPUACCT / "camp-bench").rmdir()
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
