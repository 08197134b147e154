"""Time the search index and the similar-papers index on synthetic libraries.

Usage: python benchmarks/search_bench.py [COUNT] [--seed N]

The papers come from benchmarks/generate.py, whose titles and abstracts
follow a topic model, so that a topic word such as "diffusion" occurs in a
few percent of the papers, as in a real listing. Abstracts are 1,200
characters.

Printed: index build times, the time of each keystroke while typing
"diffusion model" (a full search, and a search narrowed within the previous
results as the app does when the new query refines the old one), field,
negation, OR, date and state queries, and similar-papers query times.
Query times are medians of a few runs, as wall-clock and as this
process's CPU time.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_papers  # noqa: E402

from reader.models import Paper, PaperState  # noqa: E402
from reader.search import SearchIndex, parse_query  # noqa: E402
from reader.similar import SimilarIndex  # noqa: E402

def realistic_papers(count: int, seed: int = 0) -> list[Paper]:
    """Return ``count`` papers from benchmarks/generate.py, whose text follows a topic model."""
    return generate_papers(count, seed)


def _median_ms(function, runs: int = 5) -> tuple[str, object]:
    """Run ``function`` and return "wall / CPU" median milliseconds and its result.

    CPU time (this process only) is printed next to wall-clock time because
    other processes on a busy machine inflate the wall-clock figure.
    """
    wall_times = []
    cpu_times = []
    result = None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        cpu_times.append((time.process_time() - cpu) * 1000)
        wall_times.append((time.perf_counter() - wall) * 1000)
    return f"{statistics.median(wall_times):6.1f} /{statistics.median(cpu_times):6.1f}", result


def bench_search(papers: list[Paper], states: dict[str, PaperState]) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    index = SearchIndex(papers, topics=lambda paper: paper.categories)
    print(
        f"search index build: {time.perf_counter() - start:.2f} s wall, "
        f"{time.process_time() - cpu:.2f} s CPU for {len(papers):,} papers"
    )
    gc.freeze()
    today = date(2026, 12, 1)

    print(
        "\ntyping 'diffusion model', ms per keystroke as wall / CPU: "
        "a full search, then a search within the previous results"
    )
    text = "diffusion model"
    previous_query = None
    previous_keys: list[str] | None = None
    for end in range(1, len(text) + 1):
        typed = text[:end]
        query = parse_query(typed)
        full_ms, keys = _median_ms(lambda: index.search(query, states, today=today), runs=3)
        within = previous_keys if previous_query is not None and query.refines(previous_query) else None
        narrow_ms, narrowed = _median_ms(
            lambda: index.search(query, states, within=within, today=today), runs=3
        )
        assert narrowed == keys
        print(f"  {typed!r:20} {full_ms}   {narrow_ms}   {len(keys):>7,} hits")
        previous_query, previous_keys = query, keys

    print("\nother queries, ms as wall / CPU, full search")
    for text in (
        "zebrafish",
        '"noise schedule"',
        "author:müller",
        "author:\"anna rossi\" title:graph",
        "diffusion -guidance",
        "diffusion OR graph",
        "(diffusion OR graph) -robot upvotes:>100",
        "since:2026-06-01 is:unread",
        "last:2w cat:cs.CV",
        "is:starred OR tag:reading",
        "topic:cs.cl",
    ):
        query = parse_query(text)
        ms, keys = _median_ms(lambda: index.search(query, states, today=today))
        print(f"  {text!r:45} {ms}   {len(keys):>7,} hits")


def bench_similar(papers: list[Paper]) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    index = SimilarIndex.build(papers)
    print(
        f"\nsimilar index build: {time.perf_counter() - start:.2f} s wall, "
        f"{time.process_time() - cpu:.2f} s CPU for {len(papers):,} papers"
    )
    rng = random.Random(1)
    times = []
    for paper in rng.sample(papers, 20):
        start = time.perf_counter()
        index.similar(paper.key, n=10)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"similar(key, n=10) over 20 papers: median {statistics.median(times):.1f} ms, "
        f"max {times[-1]:.1f} ms wall"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-similar", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    papers = realistic_papers(args.count, args.seed)
    print(f"generated {len(papers):,} papers in {time.perf_counter() - start:.1f} s")
    rng = random.Random(args.seed)
    states = {}
    for paper in rng.sample(papers, len(papers) // 5):
        states[paper.key] = PaperState(
            read=True,
            starred=rng.random() < 0.1,
            note="to reread: compare with the baseline" if rng.random() < 0.05 else "",
            tags=["reading"] if rng.random() < 0.05 else [],
        )

    bench_search(papers, states)
    if not args.skip_similar:
        bench_similar(papers)


if __name__ == "__main__":
    main()
