"""Measure the store at scale and print a table.

Usage: python benchmarks/store_bench.py [--papers 100000] [--toggles 200]

Synthetic papers come from benchmarks/generate.py: 1,200-character
abstracts, 1-20 authors, 1-4 categories and 5 keywords. Everything runs in a temporary folder on the
same file system as the system temp dir, so fsync costs are that disk's.
Load time and RSS are measured in a fresh child process, so the parent's
memory does not count.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate_papers  # noqa: E402
from reader.models import Paper  # noqa: E402
from reader.paths import Paths  # noqa: E402
from reader.store import Library  # noqa: E402

def make_papers(count: int, seed: int = 7) -> list[Paper]:
    """Build ``count`` synthetic papers with distinct arXiv ids (benchmarks/generate.py)."""
    return generate_papers(count, seed)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure_load(root: Path) -> dict[str, float]:
    """Open the library in this process and report time and memory (child mode)."""
    before = rss_mb()
    start = time.perf_counter()
    library = Library(Paths(root / "data", root / "config"))
    library.open()
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "rss_mb": rss_mb(), "rss_before_mb": before, "papers": len(library)}


def load_in_child(root: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--load-child", str(root)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output)


def time_toggles(library: Library, keys: list[str], count: int) -> list[float]:
    """Toggle stars ``count`` times on ``keys``; return each call's milliseconds."""
    durations = []
    for index in range(count):
        key = keys[index % len(keys)]
        starred = not library.state(key).starred
        start = time.perf_counter()
        library.set_starred(key, starred)
        durations.append((time.perf_counter() - start) * 1000)
    return durations


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000, help="number of papers (default 100000)")
    parser.add_argument("--toggles", type=int, default=200, help="star toggles per state size (default 200)")
    parser.add_argument("--load-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_child:
        print(json.dumps(measure_load(args.load_child)))
        return

    rows: list[tuple[str, str]] = []
    papers = make_papers(args.papers)
    with tempfile.TemporaryDirectory(prefix="store-bench-") as folder:
        root = Path(folder)
        library = Library(Paths(root / "data", root / "config"))
        library.open()

        start = time.perf_counter()
        counts = library.import_papers(papers)
        rows.append((f"import {args.papers:,} papers into an empty store (incl. write)", f"{time.perf_counter() - start:.2f} s"))
        size = (root / "data" / "papers.json").stat().st_size
        rows.append(("papers.json size", f"{size / 1e6:.0f} MB"))
        assert counts.added == args.papers, counts

        again = make_papers(args.papers)
        start = time.perf_counter()
        counts = library.import_papers(again)
        rows.append((f"re-import the same {args.papers:,} papers (nothing changed, no write)", f"{time.perf_counter() - start:.2f} s"))
        assert counts.unchanged == args.papers, counts

        changed = again
        for paper in changed:
            paper.upvotes = (paper.upvotes or 0) + 1
        start = time.perf_counter()
        counts = library.import_papers(changed)
        rows.append((f"re-import {args.papers:,} papers, all with new upvotes", f"{time.perf_counter() - start:.2f} s"))
        assert counts.updated == args.papers, counts
        del changed, again

        load = load_in_child(root)
        rows.append((f"open a store of {load['papers']:,} papers (fresh process)", f"{load['seconds']:.2f} s"))
        rows.append(("RSS after open (before open)", f"{load['rss_mb']:.0f} MB ({load['rss_before_mb']:.0f} MB)"))

        keys = [paper.key for paper in papers]
        for state_count in (1_000, 10_000):
            stored = len(library.states())
            if stored < state_count:
                library.set_read(keys[stored:state_count], True)
            papers_before = os.stat(root / "data" / "papers.json")
            durations = time_toggles(library, keys[:50], args.toggles)
            papers_after = os.stat(root / "data" / "papers.json")
            assert papers_before.st_mtime_ns == papers_after.st_mtime_ns, "a star toggle rewrote papers.json"
            rows.append(
                (
                    f"star toggle, {len(library.states()):,} states, {len(library):,} papers (median / p95 / max)",
                    f"{statistics.median(durations):.2f} / {percentile(durations, 0.95):.2f} / {max(durations):.2f} ms",
                )
            )

        start = time.perf_counter()
        library.set_read(keys[:10_000], False)
        rows.append(("mark 10,000 papers unread in one write", f"{(time.perf_counter() - start) * 1000:.0f} ms"))
        library.close()

    width = max(len(label) for label, _ in rows)
    print(f"{'measurement':<{width}}  result")
    print(f"{'-' * width}  ------")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} CPUs, temp dir {tempfile.gettempdir()}")


if __name__ == "__main__":
    main()
