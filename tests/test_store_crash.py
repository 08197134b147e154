"""Crashes and concurrency with real processes: kill -9 mid-write, two writers at once.

Each writer is ``tests/store_writer.py`` in a subprocess. It prints the index
of every change after the library call returned, so any index the test has
read is a change the library confirmed, and it must be on disk.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from reader.paths import Paths
from reader.store import Library
from store_writer import NOTE_TEXT, make_paper, paper_key

WRITER = Path(__file__).with_name("store_writer.py")

pytestmark = pytest.mark.slow


def paths_of(root: Path) -> Paths:
    return Paths(data_dir=root / "data", config_dir=root / "config")


def prepare_store(root: Path, papers: int) -> None:
    library = Library(paths_of(root))
    library.open()
    library.import_papers([make_paper(index) for index in range(papers)])
    library.close()


def start_writer(root: Path, mode: str, start: int, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(root), mode, str(start), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def start_together(root: Path, *writers: tuple[str, int, int]) -> list[subprocess.Popen[str]]:
    """Start writers that wait after opening the library, then release them at once."""
    processes = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(root), mode, str(start), str(count), "--wait"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for mode, start, count in writers
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    return processes


def finish(process: subprocess.Popen[str]) -> list[str]:
    """Wait for a writer that should succeed and return its output lines."""
    stdout, stderr = process.communicate(timeout=240)
    assert process.returncode == 0, stderr
    return stdout.split()


def reopen(root: Path) -> Library:
    """Open the store as a fresh process would, and check it needed no recovery."""
    library = Library(paths_of(root))
    assert library.open() == []
    return library


def temp_files(root: Path) -> list[Path]:
    return list((root / "data").glob(".*.tmp"))


def assert_field_change_on_disk(library: Library, index: int) -> None:
    key = paper_key(index // 4)
    state = library.state(key)
    step = index % 4
    if step == 0:
        assert state.starred, f"change {index}: {key} not starred"
    elif step == 1:
        assert state.note == NOTE_TEXT.format(index=index), f"change {index}: note of {key} is {state.note!r}"
    elif step == 2:
        assert f"t{index}" in state.tags, f"change {index}: tags of {key} are {state.tags}"
    else:
        assert state.read, f"change {index}: {key} not read"


def test_kill_during_state_changes(tmp_path: Path) -> None:
    prepare_store(tmp_path, papers=600)
    rng = random.Random(20261204)
    confirmed: list[int] = []
    next_index = 0

    for _round in range(6):
        writer = start_writer(tmp_path, "fields", next_index, 360)
        stop_after = rng.randint(15, 300)
        for _ in range(stop_after):
            line = writer.stdout.readline()
            if not line:
                break
            confirmed.append(int(line))
        time.sleep(rng.uniform(0, 0.004))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        assert writer.returncode == -signal.SIGKILL
        # Lines printed before the kill that the loop above did not read yet.
        confirmed.extend(int(line) for line in writer.stdout.read().split())
        writer.stdout.close()
        writer.stderr.close()

        library = reopen(tmp_path)
        assert len(library) == 600
        for index in confirmed:
            assert_field_change_on_disk(library, index)
        library.close()
        assert temp_files(tmp_path) == []
        next_index = max(confirmed) + 1

    assert len(confirmed) >= 6 * 15
    orjson.loads((tmp_path / "data" / "state.json").read_bytes())


def kill_when_writing(writer: subprocess.Popen[str], root: Path) -> bool:
    """Kill the writer as soon as its temporary file appears; return whether one did."""
    deadline = time.monotonic() + 60
    while writer.poll() is None and time.monotonic() < deadline:
        if temp_files(root):
            writer.send_signal(signal.SIGKILL)
            return True
        time.sleep(0.0005)
    writer.send_signal(signal.SIGKILL)
    return False


def test_kill_during_big_import(tmp_path: Path) -> None:
    prepare_store(tmp_path, papers=500)
    library = Library(paths_of(tmp_path))
    library.open()
    library.set_starred(paper_key(7), True)
    library.close()
    rng = random.Random(7)
    old_keys = {paper_key(index) for index in range(500)}
    caught_mid_write = 0

    for attempt in range(6):
        start, count = 100_000 + attempt * 30_000, 30_000
        writer = start_writer(tmp_path, "import", start, count)
        assert writer.stdout.readline().strip() == "importing"
        if attempt % 2 == 0:
            caught_mid_write += kill_when_writing(writer, tmp_path)
        else:
            time.sleep(rng.uniform(0, 0.8))
            writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)
        completed = "done" in writer.stdout.read()
        writer.stdout.close()
        writer.stderr.close()

        library = reopen(tmp_path)
        keys = {paper.key for paper in library.papers()}
        assert old_keys <= keys
        new_keys = keys - old_keys
        assert new_keys in (set(), {paper_key(index) for index in range(start, start + count)})
        if completed:
            assert new_keys
        assert library.state(paper_key(7)).starred is True
        assert library.get(paper_key(3)).title == "Paper number 3 on store crashes"
        library.close()
        assert temp_files(tmp_path) == []
        old_keys = keys

    assert caught_mid_write >= 1


def test_two_processes_same_papers(tmp_path: Path) -> None:
    prepare_store(tmp_path, papers=200)
    stars, notes, reads = start_together(tmp_path, ("star", 0, 120), ("note", 0, 120), ("read", 120, 80))
    assert len(finish(stars)) == 120
    assert len(finish(notes)) == 120
    assert len(finish(reads)) == 80

    library = reopen(tmp_path)
    for index in range(120):
        state = library.state(paper_key(index))
        assert state.starred, paper_key(index)
        assert state.note == NOTE_TEXT.format(index=index)
        assert set(state.changed) == {"starred", "note"}
    for index in range(120, 200):
        assert library.state(paper_key(index)).read, paper_key(index)
    assert len(library.states()) == 200


def test_two_processes_same_field(tmp_path: Path) -> None:
    prepare_store(tmp_path, papers=5)
    first, second = start_together(tmp_path, ("tag-a", 0, 100), ("tag-b", 0, 100))
    finish(first)
    finish(second)

    tags = reopen(tmp_path).state(paper_key(0)).tags
    assert len(tags) == 200
    assert set(tags) == {f"a{index}" for index in range(100)} | {f"b{index}" for index in range(100)}


def test_state_changes_during_cache_rewrites(tmp_path: Path) -> None:
    prepare_store(tmp_path, papers=3000)
    importer, stars = start_together(tmp_path, ("reimport", 3000, 8), ("star", 0, 300))
    assert len(finish(stars)) == 300
    assert finish(importer) == [str(index) for index in range(8)]

    library = reopen(tmp_path)
    assert len(library) == 3000
    assert all(library.state(paper_key(index)).starred for index in range(300))
    assert {paper.upvotes for paper in library.papers()} == {9}
