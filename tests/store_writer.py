"""A separate process that changes a store, for the crash and concurrency tests.

Usage: python tests/store_writer.py ROOT MODE START COUNT [--wait]

ROOT is the folder whose ``data/`` contains the store. After each change
returns, the script prints the change's index and flushes stdout, so the
test knows which changes the library confirmed before it was killed.

Modes:
  fields   change i sets one field of paper i // 4 (star, note, tags, read in turn)
  star     star paper i
  note     set a note on paper i
  read     mark paper i read
  tag-a    add tag a<i> to the shared paper (paper 0)
  tag-b    add tag b<i> to the shared paper (paper 0)
  import   import papers START .. START+COUNT-1 in one call; prints "importing" first
  reimport import papers 0 .. START-1 again, COUNT times, with new upvotes
           each time; prints each round's index
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.models import Paper
from reader.paths import Paths
from reader.store import Library

NOTE_TEXT = "note {index} 量子 naïve café 😀"


def paper_key(index: int) -> str:
    return f"2401.{index + 10000:05d}"


def make_paper(index: int, upvotes: int = 1) -> Paper:
    """Build a small but complete paper numbered ``index``."""
    return Paper(
        key=paper_key(index),
        title=f"Paper number {index} on store crashes",
        version=1,
        authors=["Ada Lovelace", "Alan Turing"],
        author_count=2,
        abstract="An abstract long enough to make the cache file sizeable. " * 20,
        categories=["cs.DB"],
        upvotes=upvotes,
        sources=["test"],
    )


def change_fields(library: Library, index: int) -> None:
    key = paper_key(index // 4)
    step = index % 4
    if step == 0:
        library.set_starred(key, True)
    elif step == 1:
        library.set_note(key, NOTE_TEXT.format(index=index))
    elif step == 2:
        library.add_tags(key, [f"t{index}"])
    else:
        library.set_read([key], True)


def main() -> None:
    root, mode, start, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    library = Library(Paths(root / "data", root / "config"))
    library.open()
    if "--wait" in sys.argv[5:]:
        print("ready", flush=True)
        sys.stdin.readline()

    if mode == "import":
        papers = [make_paper(index) for index in range(start, start + count)]
        print("importing", flush=True)
        counts = library.import_papers(papers)
        print(f"done {counts.added}", flush=True)
        return
    if mode == "reimport":
        for round_index in range(count):
            library.import_papers([make_paper(index, upvotes=round_index + 2) for index in range(start)])
            print(round_index, flush=True)
        return

    for index in range(start, start + count):
        if mode == "fields":
            change_fields(library, index)
        elif mode == "star":
            library.set_starred(paper_key(index), True)
        elif mode == "note":
            library.set_note(paper_key(index), NOTE_TEXT.format(index=index))
        elif mode == "read":
            library.set_read([paper_key(index)], True)
        elif mode in ("tag-a", "tag-b"):
            library.add_tags(paper_key(0), [f"{mode[-1]}{index}"])
        else:
            raise SystemExit(f"unknown mode {mode!r}")
        print(index, flush=True)


if __name__ == "__main__":
    main()
