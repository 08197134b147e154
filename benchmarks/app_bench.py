"""Benchmark the app at scale: start to first paint, cursor-move CPU and memory.

For each size N, generates N synthetic papers (benchmarks/generate.py) into a
temporary PAPERS_READER_HOME through Library.import_papers, then:

* first paint: a child process opens the library the way ``papers`` does
  and runs the app headless at 160x50. The time runs from the parent's
  spawn to the first frame that draws a list row. RSS is taken then and
  again after the background topic assignment.
* cursor move: in this process, under App.run_test, the CPU time
  (time.process_time) of pressing j and waiting for the abstract update,
  median and 95th percentile of 100 presses.

Usage: python benchmarks/app_bench.py [N ...]   (default: 1000 10000 100000)
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import generate_papers  # noqa: E402
from reader.config import Config  # noqa: E402
from reader.paths import Paths  # noqa: E402
from reader.store import Library  # noqa: E402

SIZE = (160, 50)
PRESSES = 100


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def paths_for(root: Path) -> Paths:
    return Paths(data_dir=root / "data", config_dir=root / "config")


def fill(root: Path, count: int) -> None:
    library = Library(paths_for(root))
    library.open()
    library.import_papers(generate_papers(count))
    library.close()


def first_paint_child(root: Path, spawned: float) -> None:
    """Child mode: open the library and app like run_app does; print timings as JSON."""
    from reader.config import load_config
    from reader.ui.app import PapersApp
    from reader.ui.main_screen import MainScreen
    from reader.ui.widgets.paper_list import PaperList

    paths = paths_for(root)
    config = load_config(paths)
    library = Library(paths)
    library.open()
    gc.collect()
    gc.freeze()
    opened = time.time() - spawned
    app = PapersApp(library, config, paths)
    result: dict[str, float] = {"library_open_s": opened}

    # The first frame with rows is when the compositor first requests a row
    # of the list; the time is recorded there, not after Pilot's pause, which
    # also waits for the topic worker.
    original_render_line = PaperList.render_line

    def render_line(self: PaperList, y: int):
        if "first_paint_s" not in result and self.keys:
            result["first_paint_s"] = time.time() - spawned
            result["rss_first_paint_mb"] = rss_mb()
        return original_render_line(self, y)

    PaperList.render_line = render_line  # type: ignore[method-assign]

    async def measure(pilot) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen) and screen.paper_list.keys
        while screen.catalog.topics is None:
            await asyncio.sleep(0.01)
        result["topics_ready_s"] = time.time() - spawned
        result["rss_topics_mb"] = rss_mb()
        pilot.app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=measure)
    print(json.dumps(result))


def measure_first_paint(root: Path) -> dict[str, float]:
    spawned = time.time()
    output = subprocess.run(
        [sys.executable, __file__, "--first-paint-child", str(root), repr(spawned)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


async def measure_cursor(root: Path) -> dict[str, float]:
    from reader.ui.app import PapersApp

    paths = paths_for(root)
    library = Library(paths)
    library.open()
    app = PapersApp(library, Config(auto_read_seconds=0), paths)
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        gc.collect()
        gc.freeze()
        screen = app.screen
        for _ in range(PRESSES):
            before_key = screen.paper_list.current_key
            start = time.process_time()
            await pilot.press("j")
            while screen.paper_list.current_key == before_key:
                await asyncio.sleep(0)
            times.append((time.process_time() - start) * 1000)
    times.sort()
    return {
        "cursor_cpu_median_ms": statistics.median(times),
        "cursor_cpu_p95_ms": times[int(len(times) * 0.95) - 1],
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--first-paint-child":
        first_paint_child(Path(sys.argv[2]), float(sys.argv[3]))
        return
    sizes = [int(arg) for arg in sys.argv[1:]] or [1000, 10_000, 100_000]
    rows = []
    for count in sizes:
        with tempfile.TemporaryDirectory(prefix="papers-app-bench-") as folder:
            root = Path(folder)
            fill(root, count)
            row = {"papers": count}
            row.update(measure_first_paint(root))
            row.update(asyncio.run(measure_cursor(root)))
            rows.append(row)
            print(f"{count:>7} papers done", file=sys.stderr)

    columns = [
        ("papers", "papers", "{:>7,}"),
        ("library_open_s", "open s", "{:>7.2f}"),
        ("first_paint_s", "paint s", "{:>7.2f}"),
        ("topics_ready_s", "topics s", "{:>8.2f}"),
        ("rss_first_paint_mb", "RSS MB", "{:>7.0f}"),
        ("rss_topics_mb", "RSS+top", "{:>7.0f}"),
        ("cursor_cpu_median_ms", "j med ms", "{:>8.2f}"),
        ("cursor_cpu_p95_ms", "j p95 ms", "{:>8.2f}"),
    ]
    print(" ".join(f"{title:>{len(fmt.format(0)) if 'd' not in fmt else 7}}" for _, title, fmt in columns))
    for row in rows:
        print(" ".join(fmt.format(row[name]) for name, _, fmt in columns))


if __name__ == "__main__":
    main()
