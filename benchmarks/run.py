"""Measure papers-reader at 1,000, 10,000 and 100,000 papers and print a table.

For each size the script writes that many synthetic papers
(benchmarks/generate.py) as an HF daily_papers JSON file, then in fresh
child processes, each with its own ``PAPERS_READER_HOME``:

* import: ``papers import FILE`` (``reader.cli.main``); wall time, CPU time
  and peak RSS.
* first paint: the real ``papers`` command (``reader.cli.main``) with the
  app run headless at 160x50. The time runs from the parent's spawn of the
  child to the first frame that draws a row of the paper list. RSS is taken
  then, and again once the background workers (topics, search index) have
  finished.
* cursor move: in the same child, after the workers finished, the CPU time
  of the app's thread (``time.thread_time``) from pressing ``j`` until the
  list cursor and the abstract pane have moved, over ``--presses`` presses;
  p50 and p99.
* star toggle: ``Library.set_starred`` on a library of that size, which
  writes and fsyncs the state file; wall time p50 and p99.
* filter: ``SearchIndex`` build time, then the CPU time of each keystroke
  while typing ``diffusion model`` (each search within the previous results
  when the query refines it, as the app does) and a few query-language
  queries; the worst keystroke is reported.
* similar: ``SimilarIndex.build`` CPU time.

``--compare REV1 REV2`` checks both revisions out with ``git worktree add``
into a temporary folder and runs the same measurements (this script's child
code, the revision's ``reader`` package) against each, printing one column
per revision. The generated input files are shared by both.

Usage:
    python benchmarks/run.py [--sizes 1000 10000 100000] [--runs 3]
    python benchmarks/run.py --compare HEAD~5 HEAD --sizes 100000
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
import time
from pathlib import Path

HERE = Path(__file__).resolve()
REPO = HERE.parent.parent
SIZE = (160, 50)
QUERY = "diffusion model"
QUERIES = ('"noise schedule"', "author:müller graph", "diffusion -guidance", "since:2026-06-01 is:unread", "cat:cs.CV last:2w")

TARGETS = {
    "first_paint_s": ("first paint s", "<= 1.5", 1.5),
    "cursor_p50_ms": ("cursor move CPU p50 ms", "<= 16", 16),
    "cursor_p99_ms": ("cursor move CPU p99 ms", "<= 50", 50),
    "filter_max_ms": ("filter keystroke worst CPU ms", "<= 100", 100),
    "star_p50_ms": ("star toggle p50 ms", "<= 10", 10),
    "star_p99_ms": ("star toggle p99 ms", "", None),
    "workers_done_s": ("background workers done s", "", None),
    "rss_paint_mb": ("app RSS at first paint MB", "", None),
    "rss_settled_mb": ("app RSS, workers done MB", "<= 350", 350),
    "rss_end_mb": ("app RSS after cursor moves MB", "<= 350", 350),
    "import_s": ("import wall s", "<= 10", 10),
    "import_cpu_s": ("import CPU s", "", None),
    "import_peak_mb": ("import peak RSS MB", "", None),
    "open_s": ("Library.open s", "", None),
    "open_rss_mb": ("RSS after Library.open MB", "", None),
    "search_build_s": ("SearchIndex build CPU s", "", None),
    "search_rss_mb": ("RSS with SearchIndex MB", "", None),
    "similar_build_s": ("SimilarIndex build CPU s", "", None),
}


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# ---------------------------------------------------------------------------
# Child processes: they import ``reader`` from the tree given on the command line.
# ---------------------------------------------------------------------------


def child_app(spawned: float, presses: int) -> dict[str, float]:
    """Run the ``papers`` command headless; time the first frame with rows and cursor moves."""
    import asyncio

    from textual.app import App

    from reader.cli import main
    from reader.ui.app import PapersApp
    from reader.ui.widgets.paper_list import PaperList

    result: dict[str, float] = {}
    original_render_line = PaperList.render_line

    def render_line(self: PaperList, y: int):  # type: ignore[no-untyped-def]
        if "first_paint_s" not in result and getattr(self, "keys", None):
            result["first_paint_s"] = time.time() - spawned
            result["rss_first_paint_mb"] = rss_mb()
        return original_render_line(self, y)

    PaperList.render_line = render_line  # type: ignore[method-assign]

    async def drive(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        while "first_paint_s" not in result:
            await asyncio.sleep(0.005)
        # Background workers (topics, the search index) may start one after
        # another; wait until none has run for half a second.
        idle_since = time.time()
        while time.time() - idle_since < 0.5 and time.time() - spawned < 120:
            if any(worker.is_running for worker in app.workers):
                idle_since = time.time()
            await asyncio.sleep(0.05)
        result["workers_done_s"] = time.time() - spawned
        result["rss_settled_mb"] = rss_mb()
        screen = app.screen
        times = []
        for _ in range(presses):
            before = screen.paper_list.current_key
            # The CPU time of this thread, which runs the app: workers do not count.
            start = time.thread_time()
            await pilot.press("j")
            while screen.paper_list.current_key == before:
                await asyncio.sleep(0)
            times.append((time.thread_time() - start) * 1000)
        result["cursor_ms"] = times  # type: ignore[assignment]
        result["rss_end_mb"] = rss_mb()
        app.exit()

    def run_headless(self: PapersApp, *args, **kwargs):  # type: ignore[no-untyped-def]
        return App.run(self, headless=True, size=SIZE, auto_pilot=drive)

    PapersApp.run = run_headless  # type: ignore[method-assign]
    try:
        main(args=[], standalone_mode=False)
    except SystemExit:
        pass
    return result


def child_store(presses: int) -> dict[str, float]:
    """Open the library, toggle stars, build and query the search and similar indexes."""
    import gc
    from datetime import date

    from reader.models import PaperState
    from reader.paths import default_paths
    from reader.search import SearchIndex, parse_query
    from reader.similar import SimilarIndex
    from reader.store import Library

    result: dict[str, float] = {}
    start = time.perf_counter()
    library = Library(default_paths())
    library.open()
    result["open_s"] = time.perf_counter() - start
    gc.collect()
    gc.freeze()
    result["open_rss_mb"] = rss_mb()
    papers = library.papers()
    keys = sorted(paper.key for paper in papers)

    # Some state, as a user would have: a fifth of the papers read.
    step = max(1, len(keys) // 1000)
    library.set_read(keys[::5], True)
    toggles = []
    for index in range(presses):
        key = keys[(index * step) % len(keys)]
        starred = index % 4 < 2
        begin = time.perf_counter()
        library.set_starred(key, starred)
        toggles.append((time.perf_counter() - begin) * 1000)
    result["star_ms"] = toggles  # type: ignore[assignment]

    begin = time.process_time()
    index = SearchIndex(papers, topics=lambda paper: paper.categories)
    result["search_build_s"] = time.process_time() - begin
    gc.collect()
    result["search_rss_mb"] = rss_mb()
    states: dict[str, PaperState] = dict(library.states())
    today = date(2026, 12, 1)
    keystrokes = []
    previous = None
    previous_keys: list[str] | None = None
    for end in range(1, len(QUERY) + 1):
        query = parse_query(QUERY[:end])
        within = previous_keys if previous is not None and query.refines(previous) else None
        begin = time.process_time()
        found = index.search(query, states, within=within, today=today)
        keystrokes.append((time.process_time() - begin) * 1000)
        previous, previous_keys = query, found
    result["filter_hits"] = len(previous_keys or [])
    for text in QUERIES:
        query = parse_query(text)
        begin = time.process_time()
        index.search(query, states, today=today)
        keystrokes.append((time.process_time() - begin) * 1000)
    result["filter_ms"] = keystrokes  # type: ignore[assignment]
    del index
    gc.collect()

    begin = time.process_time()
    similar = SimilarIndex.build(papers)
    result["similar_build_s"] = time.process_time() - begin
    similar.similar(keys[0], 10)
    return result


def child_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("app", "store", "import"))
    parser.add_argument("--tree", required=True)
    parser.add_argument("--file", help="the file to import (import mode)")
    parser.add_argument("--spawned", type=float, default=0.0)
    parser.add_argument("--presses", type=int, default=100)
    args = parser.parse_args(argv)
    # An editable install of the package may come before PYTHONPATH, so the
    # tree goes first in sys.path explicitly.
    sys.path.insert(0, args.tree)
    if args.mode == "import":
        from reader.cli import main

        import reader

        if not reader.__file__.startswith(args.tree):
            raise SystemExit(f"imported reader from {reader.__file__}, not {args.tree}")
        try:
            main(args=["import", args.file])
        finally:
            # VmHWM, not the parent's ru_maxrss: Linux carries the high-water
            # mark of the forking process across exec.
            with open("/proc/self/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        print("PEAK " + line.split()[1], flush=True)
        return
    if args.mode == "app":
        result = child_app(args.spawned, args.presses)
    else:
        result = child_store(args.presses)
    import reader

    result["reader_path"] = reader.__file__  # type: ignore[assignment]
    # The app writes to the terminal only headless here, so stdout contains the JSON line.
    print("RESULT " + json.dumps(result), flush=True)


# ---------------------------------------------------------------------------
# Parent
# ---------------------------------------------------------------------------


def _child_env(tree: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PAPERS_READER_HOME"] = str(home)
    env["PYTHONPATH"] = str(tree)
    env.pop("PYTHONSTARTUP", None)
    return env


def _run_child(mode: str, tree: Path, home: Path, presses: int) -> dict:
    spawned = time.time()
    completed = subprocess.run(
        [sys.executable, str(HERE), "--child", mode, "--tree", str(tree), "--spawned", repr(spawned),
         "--presses", str(presses)],
        env=_child_env(tree, home),
        capture_output=True,
        text=True,
        check=False,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
            if not str(result.get("reader_path", "")).startswith(str(tree)):
                raise SystemExit(f"the child imported reader from {result.get('reader_path')}, not {tree}")
            return result
    raise SystemExit(f"{mode} child failed ({completed.returncode}):\n{completed.stderr[-3000:]}")


def _run_import(tree: Path, home: Path, source: Path) -> dict[str, float]:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(HERE), "--child", "import", "--tree", str(tree), "--file", str(source)],
        env=_child_env(tree, home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stdout = process.stdout.read().decode() if process.stdout else ""
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import failed:\n{stdout}\n{stderr[-3000:]}")
    peak = [int(line.split()[1]) for line in stdout.splitlines() if line.startswith("PEAK ")]
    return {
        "import_s": wall,
        "import_cpu_s": usage.ru_utime + usage.ru_stime,
        "import_peak_mb": peak[0] / 1024 if peak else float("nan"),
    }


def measure_tree(tree: Path, sizes: list[int], inputs: dict[int, Path], runs: int, presses: int) -> dict[int, dict]:
    """Run every measurement against the ``reader`` package in ``tree``."""
    results: dict[int, dict] = {}
    for count in sizes:
        with tempfile.TemporaryDirectory(prefix="papers-bench-home-") as folder:
            home = Path(folder)
            row: dict[str, float] = dict(_run_import(tree, home, inputs[count]))
            paints, settled, ends, cursor, done, painted = [], [], [], [], [], []
            for _ in range(runs):
                app = _run_child("app", tree, home, presses)
                paints.append(app["first_paint_s"])
                painted.append(app["rss_first_paint_mb"])
                done.append(app["workers_done_s"])
                settled.append(app["rss_settled_mb"])
                ends.append(app["rss_end_mb"])
                cursor.extend(app["cursor_ms"])
            row["first_paint_s"] = statistics.median(paints)
            row["rss_paint_mb"] = statistics.median(painted)
            row["workers_done_s"] = statistics.median(done)
            row["rss_settled_mb"] = statistics.median(settled)
            row["rss_end_mb"] = statistics.median(ends)
            row["cursor_p50_ms"] = statistics.median(cursor)
            row["cursor_p99_ms"] = percentile(cursor, 0.99)
            store = _run_child("store", tree, home, presses)
            row["open_s"] = store["open_s"]
            row["open_rss_mb"] = store["open_rss_mb"]
            row["star_p50_ms"] = statistics.median(store["star_ms"])
            row["star_p99_ms"] = percentile(store["star_ms"], 0.99)
            row["search_build_s"] = store["search_build_s"]
            row["search_rss_mb"] = store["search_rss_mb"]
            row["filter_max_ms"] = max(store["filter_ms"])
            row["similar_build_s"] = store["similar_build_s"]
            results[count] = row
        print(f"  {tree}: {count:,} papers measured", file=sys.stderr)
    return results


def _format(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def print_table(columns: list[tuple[str, dict[int, dict]]], sizes: list[int]) -> None:
    """Print one row per measurement and size, one column per measured tree."""
    header = ["measurement", "papers", "target"] + [name for name, _ in columns]
    rows = []
    for name, (label, target, _) in TARGETS.items():
        for count in sizes:
            values = [results[count].get(name) for _, results in columns]
            rows.append([label, f"{count:,}", target] + [_format(value) for value in values])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print("  ".join(text.ljust(widths[i]) if i == 0 else text.rjust(widths[i]) for i, text in enumerate(header)))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print("  ".join(text.ljust(widths[i]) if i == 0 else text.rjust(widths[i]) for i, text in enumerate(row)))


def describe_machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {sys.version.split()[0]}, "
        f"load average before the run {load[0]:.2f}"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="app start-ups per size; the median is printed (default 3)")
    parser.add_argument("--presses", type=int, default=100, help="cursor moves and star toggles per run (default 100)")
    parser.add_argument(
        "--compare", nargs="+", metavar="REV", help="measure these git revisions (usually two) side by side"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args()

    print(describe_machine(), file=sys.stderr)
    sys.path.insert(0, str(REPO))
    from benchmarks.generate import write_hf_json

    with tempfile.TemporaryDirectory(prefix="papers-bench-") as folder:
        work = Path(folder)
        inputs = {}
        for count in args.sizes:
            inputs[count] = work / f"hf-{count}.json"
            write_hf_json(count, inputs[count])
        columns: list[tuple[str, dict[int, dict]]] = []
        if args.compare:
            for revision in args.compare:
                tree = work / f"tree-{len(columns)}"
                subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), revision],
                               check=True, capture_output=True)
                try:
                    columns.append((revision, measure_tree(tree, args.sizes, inputs, args.runs, args.presses)))
                finally:
                    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
        else:
            columns.append(("this tree", measure_tree(REPO, args.sizes, inputs, args.runs, args.presses)))
        shutil.rmtree(work, ignore_errors=True)

    print(describe_machine())
    print_table(columns, args.sizes)
    if args.json:
        args.json.write_text(json.dumps({name: results for name, results in columns}, indent=2))


if __name__ == "__main__":
    main()
