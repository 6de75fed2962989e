"""How long each lesson takes to run top to bottom offline, against the 60-second goal (`make bench-lessons`)."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from grader import lessons

GOAL_SECONDS = 60.0


def run_once(source: Path, home: Path) -> float:
    """Seconds to execute every cell of one lesson in a fresh kernel (kernel start not counted), no AI provider."""
    from camp.notebooks import ReliableClient

    nb = lessons.read_lesson(source)
    client = ReliableClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(home)}}
    )
    client.reset_execution_trackers()
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - start


def _offline_env(home: Path) -> None:
    """The participant's side as the tests have it: a fresh camp folder, no AI key, no config file."""
    from camp import aiconfig

    for name in [*aiconfig.ENV.values(), "GEMINI_API_KEY", "GROQ_API_KEY"]:
        os.environ.pop(name, None)
    os.environ["CAMP_AI_CONFIG"] = str(home / "no-ai.json")
    os.environ["CAMP_HOME"] = str(home)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--repeat", type=int, default=2, help="runs of each lesson (default 2)")
    parser.add_argument("-l", "--lesson", action="append", help="only lessons whose file name contains this")
    parser.add_argument("--english", action="store_true", help="the English twins too")
    args = parser.parse_args(argv)
    sources = [p for p in lessons.lesson_sources() if args.english or p.name.endswith(".hi.md")]
    if args.lesson:
        sources = [p for p in sources if any(part in p.name for part in args.lesson)]
    worst = 0.0
    print(f"{'lesson':34} {'median s':>9} {'min s':>7} {'max s':>7}  goal < {GOAL_SECONDS:.0f} s")
    for source in sources:
        times = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix="camp-lessonbench-") as tmp:
                _offline_env(Path(tmp))
                times.append(run_once(source, Path(tmp)))
        median = statistics.median(times)
        worst = max(worst, max(times))
        mark = "ok" if max(times) < GOAL_SECONDS else "OVER"
        print(f"{source.name:34} {median:9.1f} {min(times):7.1f} {max(times):7.1f}  {mark}", flush=True)
    print(f"slowest run: {worst:.1f} s (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
