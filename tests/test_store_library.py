"""Library behavior on real files: imports, merges, state changes, two instances."""

from __future__ import annotations

import errno
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from reader.errors import ReaderError
from reader.ids import title_key
from reader.models import Paper, PaperState
from reader.paths import Paths
from reader.store import ImportCounts, Library
from reader.store import storage as storage_module

ATTENTION = "1706.03762"
ATTENTION_TITLE = "Attention Is All You Need"


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(data_dir=tmp_path / "data", config_dir=tmp_path / "config")


@pytest.fixture
def library(paths: Paths) -> Library:
    library = Library(paths)
    assert library.open() == []
    yield library
    library.close()


def hf_copy() -> Paper:
    return Paper(
        key=ATTENTION,
        title=ATTENTION_TITLE,
        version=5,
        authors=["Ashish Vaswani", "Noam Shazeer"],
        author_count=8,
        abstract="The dominant sequence transduction models are based on recurrent networks.",
        listed="2023-08-02",
        keywords=["transformer"],
        upvotes=12,
        sources=["hf-daily"],
    )


def arxiv_copy() -> Paper:
    return Paper(
        key=ATTENTION,
        title=ATTENTION_TITLE,
        version=7,
        authors=["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit"],
        author_count=4,
        abstract="The dominant sequence transduction models are based on complex recurrent networks.",
        published="2017-06-12",
        updated="2023-08-02",
        categories=["cs.CL", "cs.LG"],
        sources=["arxiv-api"],
    )


def small_paper(number: int) -> Paper:
    return Paper(key=f"2401.{number:05d}", title=f"Paper {number}", sources=["test"])


def read_tables(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


# Opening


def test_init_touches_no_disk(paths: Paths) -> None:
    Library(paths)
    assert not paths.data_dir.exists()


def test_open_creates_folder_and_is_idempotent(paths: Paths) -> None:
    library = Library(paths)
    assert library.open() == []
    assert paths.data_dir.is_dir()
    assert library.open() == []
    assert len(library) == 0
    assert library.papers() == []


def test_open_unusable_folder_raises(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(ReaderError, match="Could not open the library in .*data.*PAPERS_READER_HOME"):
        Library(Paths(data_dir=blocker, config_dir=tmp_path / "config")).open()


def test_methods_require_open(paths: Paths) -> None:
    with pytest.raises(RuntimeError):
        Library(paths).import_papers([small_paper(1)])


# Imports and merges


def test_import_counts_and_one_write(library: Library, paths: Paths) -> None:
    counts = library.import_papers([small_paper(1), small_paper(2), small_paper(3)])
    assert counts == ImportCounts(added=3, updated=0, unchanged=0)
    tables = read_tables(paths.papers_file)
    assert sorted(doc["key"] for doc in tables["papers"].values()) == ["2401.00001", "2401.00002", "2401.00003"]
    assert tables["_meta"]["1"]["schema"] == 2
    assert tables["texts"] == {}

    again = library.import_papers([small_paper(1), small_paper(2), small_paper(3)])
    assert again == ImportCounts(added=0, updated=0, unchanged=3)


def test_import_unchanged_does_not_rewrite(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(1)])
    before = os.stat(paths.papers_file)
    library.import_papers([small_paper(1)])
    after = os.stat(paths.papers_file)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_same_paper_two_sources_one_record(library: Library, paths: Paths) -> None:
    library.import_papers([hf_copy()])
    library.set_starred(ATTENTION, True)
    library.set_note(ATTENTION, "Read section 3")

    counts = library.import_papers([arxiv_copy()])

    assert counts == ImportCounts(added=0, updated=1, unchanged=0)
    assert len(library) == 1
    paper = library.get(ATTENTION)
    assert paper.sources == ["hf-daily", "arxiv-api"]
    assert paper.version == 7
    assert paper.upvotes == 12
    assert paper.categories == ["cs.CL", "cs.LG"]
    assert paper.authors[-1] == "Jakob Uszkoreit"
    assert paper.listed == "2023-08-02"
    state = library.state(ATTENTION)
    assert state.starred is True
    assert state.note == "Read section 3"

    reopened = Library(paths)
    reopened.open()
    assert len(reopened) == 1
    assert reopened.get(ATTENTION).sources == ["hf-daily", "arxiv-api"]
    assert reopened.state(ATTENTION).starred is True


def test_older_version_keeps_newest(library: Library) -> None:
    library.import_papers([arxiv_copy()])
    older = arxiv_copy()
    older.version = 2
    library.import_papers([older])
    assert library.get(ATTENTION).version == 7


def test_fewer_papers_never_removes(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(n) for n in range(1, 6)])
    library.set_starred("2401.00005", True)
    counts = library.import_papers([small_paper(1)])
    assert counts == ImportCounts(added=0, updated=0, unchanged=1)
    assert len(library) == 5
    library.import_papers([])
    reopened = Library(paths)
    reopened.open()
    assert len(reopened) == 5
    assert reopened.state("2401.00005").starred is True


def test_duplicates_within_one_import(library: Library) -> None:
    counts = library.import_papers([hf_copy(), arxiv_copy()])
    assert counts == ImportCounts(added=1, updated=1, unchanged=0)
    assert len(library) == 1
    assert library.get(ATTENTION).sources == ["hf-daily", "arxiv-api"]


def bibtex_copy() -> Paper:
    return Paper(
        key=title_key("Attention is all you need."),
        title="Attention is all you need.",
        authors=["Vaswani, Ashish"],
        author_count=1,
        doi="10.5555/3295222.3295349",
        journal_ref="NeurIPS 2017",
        sources=["bibtex"],
    )


def test_title_key_merges_into_arxiv(library: Library, paths: Paths) -> None:
    old_key = bibtex_copy().key
    library.import_papers([bibtex_copy()])
    library.set_starred(old_key, True)
    library.set_note(old_key, "From my bibliography")
    library.set_tags(old_key, ["nlp", "classic"])
    library.set_read([old_key], True)
    # The arXiv key already has state, e.g. from a restored backup.
    library.apply_states({ATTENTION: PaperState(note="Seen on HF", tags=["transformer", "nlp"])})

    counts = library.import_papers([arxiv_copy()])

    assert counts == ImportCounts(added=0, updated=1, unchanged=0)
    assert len(library) == 1
    assert library.get(old_key) is None
    paper = library.get(ATTENTION)
    assert paper.key == ATTENTION
    assert paper.title == ATTENTION_TITLE
    assert paper.doi == "10.5555/3295222.3295349"
    assert paper.journal_ref == "NeurIPS 2017"
    assert paper.sources == ["bibtex", "arxiv-api"]
    assert paper.categories == ["cs.CL", "cs.LG"]
    assert old_key not in library.states()
    state = library.state(ATTENTION)
    assert state.starred is True
    assert state.read is True
    assert state.note == "Seen on HF\n\nFrom my bibliography"
    assert state.tags == ["transformer", "nlp", "classic"]
    assert library.resolve(old_key) is None

    reopened = Library(paths)
    reopened.open()
    assert [p.key for p in reopened.papers()] == [ATTENTION]
    assert set(reopened.states()) == {ATTENTION}
    assert reopened.state(ATTENTION).starred is True
    stored_keys = [doc["key"] for doc in read_tables(paths.state_file)["states"].values()]
    assert stored_keys == [ATTENTION]


def test_title_paper_after_arxiv_joins_record(library: Library) -> None:
    library.import_papers([arxiv_copy()])
    counts = library.import_papers([bibtex_copy()])
    assert counts == ImportCounts(added=0, updated=1, unchanged=0)
    assert len(library) == 1
    assert library.get(ATTENTION).doi == "10.5555/3295222.3295349"
    assert library.get(bibtex_copy().key) is None


def test_title_merge_in_one_import(library: Library) -> None:
    counts = library.import_papers([bibtex_copy(), arxiv_copy()])
    assert len(library) == 1
    assert counts.added + counts.updated == 2
    assert library.get(ATTENTION).journal_ref == "NeurIPS 2017"


def test_papers_list_reused_until_change(library: Library) -> None:
    library.import_papers([small_paper(1)])
    first = library.papers()
    assert library.papers() is first
    library.import_papers([small_paper(2)])
    assert sorted(p.key for p in library.papers()) == ["2401.00001", "2401.00002"]


def test_resolve_id_forms(library: Library) -> None:
    library.import_papers([arxiv_copy(), bibtex_copy(), Paper(key="hep-th/9901001", title="Old style")])
    assert library.resolve(ATTENTION) == ATTENTION
    assert library.resolve("arXiv:1706.03762v5") == ATTENTION
    assert library.resolve("https://arxiv.org/abs/1706.03762v7") == ATTENTION
    assert library.resolve("https://huggingface.co/papers/1706.03762") == ATTENTION
    assert library.resolve("  1706.03762  ") == ATTENTION
    assert library.resolve("hep-th/9901001v2") == "hep-th/9901001"
    assert library.resolve("2401.99999") is None
    assert library.resolve("not an id") is None


# State changes


def test_default_state_not_stored(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(1)])
    assert library.state("2401.00001") == PaperState()
    assert library.set_starred("2401.00001", False) == PaperState()
    assert dict(library.states()) == {}
    assert not paths.state_file.exists()


def test_star_toggle_leaves_papers_file(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(n) for n in range(1, 50)])
    before = os.stat(paths.papers_file)
    before_bytes = paths.papers_file.read_bytes()

    library.set_starred("2401.00007", True)
    library.set_starred("2401.00007", False)
    library.set_starred("2401.00008", True)

    after = os.stat(paths.papers_file)
    assert after.st_ino == before.st_ino
    assert after.st_mtime_ns == before.st_mtime_ns
    assert paths.papers_file.read_bytes() == before_bytes


def test_setters_write_state_and_timestamps(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(1)])
    state = library.set_starred("2401.00001", True)
    assert state.starred is True
    stamp = datetime.fromisoformat(state.changed["starred"])
    assert stamp.tzinfo == UTC
    assert "." in state.changed["starred"]
    assert state.updated_at == state.changed["starred"]

    state = library.set_note("2401.00001", "line one\nline two")
    assert state.changed["note"] >= state.changed["starred"]
    state = library.add_tags("2401.00001", ["rl", " agents ", "rl", ""])
    assert state.tags == ["rl", "agents"]
    state = library.remove_tags("2401.00001", ["rl"])
    assert state.tags == ["agents"]
    state = library.set_tags("2401.00001", ["b", "a"])
    assert state.tags == ["b", "a"]
    assert set(state.changed) == {"starred", "note", "tags"}

    stored = list(read_tables(paths.state_file)["states"].values())
    assert len(stored) == 1
    assert stored[0]["key"] == "2401.00001"
    assert stored[0]["starred"] is True
    assert stored[0]["note"] == "line one\nline two"
    assert stored[0]["tags"] == ["b", "a"]
    assert stored[0]["updated_at"] == state.updated_at


def test_returned_state_is_a_copy(library: Library) -> None:
    library.import_papers([small_paper(1)])
    state = library.set_tags("2401.00001", ["x"])
    state.tags.append("y")
    assert library.state("2401.00001").tags == ["x"]


def test_set_read_many_keys_one_write(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(n) for n in range(1, 11)])
    keys = [f"2401.{n:05d}" for n in range(1, 11)]
    library.set_read(keys, True)
    states = library.states()
    assert all(states[key].read for key in keys)
    read_at = {states[key].read_at for key in keys}
    assert len(read_at) == 1
    assert read_at.pop() == states[keys[0]].changed["read"]
    assert len(read_tables(paths.state_file)["states"]) == 10

    library.set_read(keys[:3], False)
    assert library.state(keys[0]).read is False
    assert library.state(keys[0]).read_at is None
    assert library.state(keys[5]).read is True


def test_unknown_key_raises(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(1)])
    with pytest.raises(ReaderError, match="No paper with id 2401.99999 in the library; import or fetch it first"):
        library.set_starred("2401.99999", True)
    with pytest.raises(ReaderError, match="2401.99998"):
        library.set_read(["2401.00001", "2401.99998"], True)
    assert library.state("2401.00001").read is False
    assert not paths.state_file.exists()


def test_apply_states_bulk(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(n) for n in range(1, 4)])
    library.set_starred("2401.00001", True)
    restored = PaperState(starred=True, note="restored", updated_at="2024-01-01T00:00:00.000000+00:00")
    library.apply_states({"2401.00001": PaperState(), "2401.00002": restored, "2501.00001": restored})

    assert "2401.00001" not in library.states()
    assert library.state("2401.00002") == restored
    assert library.state("2501.00001").note == "restored"
    reopened = Library(paths)
    reopened.open()
    assert set(reopened.states()) == {"2401.00002", "2501.00001"}
    assert reopened.state("2401.00002").updated_at == "2024-01-01T00:00:00.000000+00:00"
    # State stored for a paper not in the cache may be changed like any other.
    assert reopened.set_starred("2501.00001", False).starred is False


# Terminal control in notes and tags

HOSTILE_NOTE = "esc \x1b]0;pwned\x07 and \x1b[2J"
"""A note that sets the terminal title (OSC 0) and clears the screen (CSI 2J)."""
CONTROL_CHARACTERS = ("\x1b", "\x07", "\x9b", "\u202e")
MULTILINE_NOTE = "first line\n\t量子 naïve café 😀\n\n\tindented\tcolumns\nlast"


def assert_no_control(text: str) -> None:
    for character in CONTROL_CHARACTERS:
        assert character not in text, f"{character!r} in {text!r}"


def test_note_loses_terminal_control(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(1)])

    state = library.set_note("2401.00001", HOSTILE_NOTE)

    assert state.note == "esc  and "
    assert library.state("2401.00001").note == "esc  and "
    stored = list(read_tables(paths.state_file)["states"].values())
    assert stored[0]["note"] == "esc  and "
    assert_no_control(paths.state_file.read_text(encoding="utf-8"))


def test_note_carriage_returns_become_newlines(library: Library) -> None:
    library.import_papers([small_paper(1)])
    state = library.set_note("2401.00001", "windows\r\nline\rover\x9b2Jwritten\u202eback")
    assert state.note == "windows\nline\noverwrittenback"


def test_multiline_unicode_note_unchanged(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(1)])
    assert library.set_note("2401.00001", MULTILINE_NOTE).note == MULTILINE_NOTE
    stored = list(read_tables(paths.state_file)["states"].values())
    assert stored[0]["note"] == MULTILINE_NOTE
    library.apply_states({"2401.00001": PaperState(note=MULTILINE_NOTE, tags=["量子 naïve"])})
    reopened = Library(paths)
    reopened.open()
    assert reopened.state("2401.00001").note == MULTILINE_NOTE
    assert reopened.state("2401.00001").tags == ["量子 naïve"]


def test_tags_lose_terminal_control(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(1)])

    state = library.set_tags("2401.00001", ["red\x1b[31m", "two\nlines", "\ttabbed\t", "bidi\u202e", "\x1b]0;x\x07"])
    assert state.tags == ["red", "two lines", "tabbed", "bidi"]

    state = library.add_tags("2401.00001", ["a\r\n\tb", "red\x07"])
    assert state.tags == ["red", "two lines", "tabbed", "bidi", "a b"]

    state = library.remove_tags("2401.00001", ["bidi\u202e", "two\tlines"])
    assert state.tags == ["red", "tabbed", "a b"]
    stored = list(read_tables(paths.state_file)["states"].values())
    assert stored[0]["tags"] == ["red", "tabbed", "a b"]


def test_apply_states_removes_terminal_control(library: Library, paths: Paths) -> None:
    stamp = "2024-01-01T00:00:00.000000+00:00"
    hostile = PaperState(note=HOSTILE_NOTE, tags=["x\x1b[2J", "y\nz"], updated_at=stamp, changed={"note": stamp})

    library.apply_states({"2501.00001": hostile})

    state = library.state("2501.00001")
    assert state.note == "esc  and "
    assert state.tags == ["x", "y z"]
    assert state.updated_at == stamp
    assert state.changed == {"note": stamp}
    assert hostile.note == HOSTILE_NOTE
    assert_no_control(paths.state_file.read_text(encoding="utf-8"))


def test_stored_terminal_control_removed_on_load(paths: Paths) -> None:
    paths.data_dir.mkdir(parents=True)
    document = {"key": "2401.00001", "note": HOSTILE_NOTE, "tags": ["ok\x1b[0m", "ok"], "starred": True}
    paths.state_file.write_bytes(orjson.dumps({"states": {"1": document}}))

    library = Library(paths)
    assert library.open() == []

    state = library.state("2401.00001")
    assert state.note == "esc  and "
    assert state.tags == ["ok"]
    assert state.starred is True
    assert library.states()["2401.00001"].note == "esc  and "
    # The next write stores the cleaned text.
    library.set_starred("2401.00001", False)
    stored = list(read_tables(paths.state_file)["states"].values())
    assert stored[0]["note"] == "esc  and "
    assert stored[0]["tags"] == ["ok"]


# Two instances of the library on one folder (as two processes would be)


def test_second_instance_sees_changes(paths: Paths) -> None:
    first, second = Library(paths), Library(paths)
    first.open()
    second.open()
    first.import_papers([small_paper(1), small_paper(2)])

    assert second.refresh() is True
    assert len(second) == 2
    assert second.refresh() is False

    first.set_starred("2401.00001", True)
    second.set_note("2401.00001", "second's note")
    first.add_tags("2401.00001", ["first"])
    second.add_tags("2401.00001", ["second"])

    third = Library(paths)
    third.open()
    state = third.state("2401.00001")
    assert state.starred is True
    assert state.note == "second's note"
    assert state.tags == ["first", "second"]


def test_setter_finds_paper_imported_elsewhere(paths: Paths) -> None:
    first, second = Library(paths), Library(paths)
    first.open()
    second.open()
    first.import_papers([small_paper(7)])
    assert second.set_starred("2401.00007", True).starred is True
    assert len(second) == 1


def test_imports_from_two_instances_keep_both(paths: Paths) -> None:
    first, second = Library(paths), Library(paths)
    first.open()
    second.open()
    first.import_papers([small_paper(1)])
    second.import_papers([small_paper(2)])
    third = Library(paths)
    third.open()
    assert sorted(p.key for p in third.papers()) == ["2401.00001", "2401.00002"]


def test_import_thread_and_setters_together(library: Library, paths: Paths) -> None:
    library.import_papers([small_paper(n) for n in range(1, 201)])
    errors: list[BaseException] = []

    def import_rounds() -> None:
        try:
            for round_number in range(3):
                batch = [small_paper(n) for n in range(1, 5_001)]
                for paper in batch:
                    paper.upvotes = round_number + 1
                library.import_papers(batch)
        except BaseException as error:  # reported by the assert below
            errors.append(error)

    worker = threading.Thread(target=import_rounds)
    worker.start()
    for n in range(1, 201):
        library.set_starred(f"2401.{n:05d}", True)
        assert len(library.papers()) >= 200
    worker.join()

    assert errors == []
    reopened = Library(paths)
    reopened.open()
    assert len(reopened) == 5_000
    assert all(reopened.state(f"2401.{n:05d}").starred for n in range(1, 201))
    assert {paper.upvotes for paper in reopened.papers()} == {3}


def fail_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(path: Path, payload: bytes, *, backup: bool = True) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(storage_module, "atomic_write", no_space)


def test_failed_import_changes_nothing(library: Library, paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    library.import_papers([hf_copy()])
    fail_writes(monkeypatch)
    with pytest.raises(ReaderError, match="Could not write the paper cache .*papers.json.*No space left"):
        library.import_papers([arxiv_copy(), small_paper(1)])
    assert len(library) == 1
    assert library.get(ATTENTION).version == 5
    assert library.get(ATTENTION).sources == ["hf-daily"]


def test_failed_state_write_changes_nothing(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    library.import_papers([small_paper(1), small_paper(2)])
    library.set_note("2401.00001", "kept")
    fail_writes(monkeypatch)
    with pytest.raises(ReaderError, match="Could not save the change to .*state.json"):
        library.set_note("2401.00001", "lost")
    with pytest.raises(ReaderError, match="Could not save"):
        library.set_starred("2401.00002", True)
    assert library.state("2401.00001").note == "kept"
    assert "2401.00002" not in library.states()


# The cache layout: long texts stay on disk


def test_abstract_read_from_disk(library: Library, paths: Paths) -> None:
    library.import_papers([arxiv_copy(), small_paper(1)])
    tables = read_tables(paths.papers_file)
    doc_id = next(i for i, doc in tables["papers"].items() if doc["key"] == ATTENTION)
    assert "abstract" not in tables["papers"][doc_id]
    assert tables["texts"][doc_id] == {"abstract": arxiv_copy().abstract}

    reopened = Library(paths)
    reopened.open()
    paper = reopened.get(ATTENTION)
    assert paper.abstract == "The dominant sequence transduction models are based on complex recurrent networks."
    assert paper.abstract_raw is None
    assert paper == arxiv_copy()
    assert reopened.get("2401.00001").abstract == ""


def test_texts_survive_rewrite(library: Library, paths: Paths) -> None:
    raw = Paper(key="2401.00009", title="Raw", title_raw="$R$aw", abstract="Alpha", abstract_raw="\\alpha")
    library.import_papers([raw, hf_copy()])
    reopened = Library(paths)
    reopened.open()
    # Another import rewrites the file, copying the texts still on disk.
    reopened.import_papers([small_paper(2)])
    again = Library(paths)
    again.open()
    paper = again.get("2401.00009")
    assert (paper.title_raw, paper.abstract, paper.abstract_raw) == ("$R$aw", "Alpha", "\\alpha")
    assert again.get(ATTENTION).abstract == hf_copy().abstract


def test_changed_abstract_is_written(library: Library, paths: Paths) -> None:
    library.import_papers([hf_copy()])
    reopened = Library(paths)
    reopened.open()
    counts = reopened.import_papers([arxiv_copy()])
    assert counts == ImportCounts(added=0, updated=1, unchanged=0)
    assert reopened.get(ATTENTION).abstract == arxiv_copy().abstract
    again = Library(paths)
    again.open()
    assert again.get(ATTENTION).abstract == arxiv_copy().abstract


def test_schema_1_file_migrated(paths: Paths) -> None:
    paths.data_dir.mkdir(parents=True)
    old = {
        "papers": {
            "1": {"key": ATTENTION, "title": ATTENTION_TITLE, "abstract": "Old layout text", "sources": ["arxiv-api"]},
            "2": {"key": "2401.00001", "title": "Paper 1", "sources": ["test"]},
        },
        "_meta": {"1": {"schema": 1, "kind": "papers"}},
    }
    paths.papers_file.write_bytes(orjson.dumps(old))

    library = Library(paths)
    assert library.open() == []
    assert library.get(ATTENTION).abstract == "Old layout text"

    tables = read_tables(paths.papers_file)
    assert tables["_meta"]["1"]["schema"] == 2
    assert tables["papers"]["1"] == {"key": ATTENTION, "title": ATTENTION_TITLE, "author_count": 0, "sources": ["arxiv-api"]}
    assert tables["texts"] == {"1": {"abstract": "Old layout text"}}
    assert orjson.loads(paths.papers_file.with_name("papers.json.bak").read_bytes()) == old
    reopened = Library(paths)
    reopened.open()
    assert reopened.get(ATTENTION).abstract == "Old layout text"


def test_abstract_readable_after_other_process_import(paths: Paths) -> None:
    first = Library(paths)
    first.open()
    first.import_papers([hf_copy()])
    paper = first.get(ATTENTION)
    second = Library(paths)
    second.open()
    second.import_papers([small_paper(n) for n in range(1, 50)])
    # The replaced file stays open, and a refresh switches to the new one.
    assert paper.abstract == hf_copy().abstract
    assert first.refresh() is True
    assert first.get(ATTENTION).abstract == hf_copy().abstract
    assert paper.abstract == hf_copy().abstract


def test_text_lines_found_by_scan(library: Library, paths: Paths) -> None:
    from reader.store.papers_file import TextSource

    library.import_papers([hf_copy(), small_paper(1), arxiv_copy(), small_paper(2)])
    tables = read_tables(paths.papers_file)
    meta = tables["_meta"]["1"]
    assert meta["text_lengths"] == [len(f'"1":{{"abstract":"{arxiv_copy().abstract}"}}'.encode()), 0, 0]
    fd = os.open(paths.papers_file, os.O_RDONLY)
    # Without text_lengths, as in a file another program wrote, the source scans for the lines.
    source = TextSource(paths.papers_file, fd, meta["texts_at"])
    assert source.read(1) == {"abstract": arxiv_copy().abstract}
    assert source.read(2) == {}
    assert source.read(99) == {}


def test_snapshot_used_and_checked(library: Library, paths: Paths) -> None:
    snapshot = paths.papers_file.with_name("papers.json.snapshot")
    library.import_papers([hf_copy(), small_paper(1)])
    assert snapshot.exists()
    first_snapshot = snapshot.read_bytes()

    reopened = Library(paths)
    reopened.open()
    assert reopened.get(ATTENTION) == hf_copy()
    assert reopened.get("2401.00001").title == "Paper 1"

    # A snapshot of an older version of papers.json is ignored.
    library.import_papers([small_paper(2)])
    snapshot.write_bytes(first_snapshot)
    stale = Library(paths)
    stale.open()
    assert sorted(p.key for p in stale.papers()) == [ATTENTION, "2401.00001", "2401.00002"]
    assert snapshot.read_bytes() != first_snapshot

    # A damaged one too, and opening writes a new one.
    snapshot.write_bytes(b"not a snapshot")
    damaged = Library(paths)
    damaged.open()
    assert damaged.get(ATTENTION).abstract == hf_copy().abstract
    assert len(damaged) == 3
    assert snapshot.read_bytes() != b"not a snapshot"
