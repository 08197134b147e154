"""The library: the paper cache and the user's state, each in its own TinyDB file.

``papers.json`` holds the paper cache and is rewritten whole, once per import.
Its long texts (abstracts) stay on disk and are read when a paper's
``abstract`` is used (see ``reader.store.papers_file``).
``state.json`` holds read, star, note and tag state; it is small, so every
state change rewrites it, and starring a paper never touches the cache.

Both files live in memory as dicts with indexes (paper key to TinyDB doc id),
because TinyDB's own table API scans and rebuilds a table on every operation.
The documents are still written through a TinyDB storage
(``AtomicJSONStorage``) in TinyDB's layout.

Several processes may share one data folder. Every write takes the file's
lock (``<file>.lock``), re-reads the file if another process replaced it
since this process last saw it, applies the change and writes atomically,
so no process loses another's change. Every state change is fsynced before
its method returns.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import filelock
from tinydb import TinyDB

from reader.errors import ReaderError
from reader.ids import is_title_key, parse_arxiv_id, title_key
from reader.models import Paper, PaperState
from reader.paths import HOME_ENV, Paths
from reader.store.papers_file import PapersData, PapersStorage, StoredPaper, TextStore, store_texts, stored_paper_class
from reader.store.records import (
    clean_note,
    clean_state,
    copy_state,
    is_empty_state,
    merge_states,
    normalize_tags,
    paper_document,
    paper_from_document,
    state_document,
    state_from_document,
    utc_now,
)
from reader.store.storage import (
    CORRUPT,
    MISSING,
    AtomicJSONStorage,
    CorruptFileError,
    InvalidRecordsError,
    Recovered,
    backup_path,
    load_or_recover,
    remove_stale_temp_files,
)

log = logging.getLogger(__name__)

STATES_TABLE = "states"
STATE_LOCK_TIMEOUT = 15.0
"""Seconds a state change waits for another process's state write."""
PAPERS_LOCK_TIMEOUT = 300.0
"""Seconds an import waits for another process's import to finish writing."""
STATE_FIELDS = ("read", "starred", "note", "tags")
"""State fields that get their own timestamp in ``PaperState.changed``."""

T = TypeVar("T")


@dataclass
class ImportCounts:
    """How an import changed the paper cache."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Notice:
    """A message for the user, e.g. that a corrupt file was moved aside and recovered."""

    title: str
    message: str


@dataclass
class _PaperTable:
    papers: dict[str, Paper]
    doc_ids: dict[str, int]
    outdated: bool = False
    """Whether the file is in an older layout and should be rewritten."""
    snapshot_missing: bool = False
    """Whether the file has no up-to-date snapshot (see ``papers_file.write_snapshot``)."""


@dataclass
class _StateTable:
    states: dict[str, PaperState]
    doc_ids: dict[str, str]
    documents: dict[str, dict[str, Any]]
    """The TinyDB table as written: doc id to state document."""


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects at once.

    Otherwise the collector runs again and again during the load, each time
    rescanning the objects built so far.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _StoreFile(Generic[T]):
    """One TinyDB file with its lock, its parser and its recovery wording."""

    def __init__(
        self,
        path: Path,
        kind: str,
        parse: Callable[[dict], T],
        mutex: threading.RLock,
        lock_timeout: float,
        empty_text: str,
        storage: type[AtomicJSONStorage] = AtomicJSONStorage,
    ) -> None:
        self.db = TinyDB(path, storage=storage, kind=kind)
        self.storage: AtomicJSONStorage = self.db.storage
        self.parse = parse
        self.empty_text = empty_text
        """What the user starts with when neither the file nor its backup is usable."""
        self.lock_timeout = lock_timeout
        self.file_lock = filelock.FileLock(f"{path}.lock")
        self.mutex = mutex
        """Lock that serializes this process's threads, as the file lock serializes processes."""

    @property
    def path(self) -> Path:
        return self.storage.path

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold this process's mutex and the file lock shared with other processes."""
        with self.mutex:
            try:
                self.file_lock.acquire(timeout=self.lock_timeout)
            except filelock.Timeout:
                raise ReaderError(
                    f"{self.path} is locked by another papers-reader process (lock file "
                    f"{self.file_lock.lock_file}). Wait for it to finish and try again.",
                    title="Store busy",
                ) from None
            try:
                yield
            finally:
                self.file_lock.release()

    def load(self) -> tuple[T, Notice | None]:
        """Read and parse the file, recovering a missing or corrupt one. Hold the lock."""
        remove_stale_temp_files(self.path)
        with _gc_paused():
            value, recovered = load_or_recover(self.storage, self.parse)
        return value, self._notice(recovered)

    def reload_if_changed(self) -> tuple[T, Notice | None] | None:
        """Re-read the file if another process replaced it; None if it did not.

        Reading needs no lock because writers only ever replace the file
        whole. Recovery moves files, so it happens under the lock. A file
        that went missing while its backup exists is restored from the
        backup before the next write, which would otherwise leave the
        backup to be replaced by the write after it.
        """
        storage = self.storage
        if not storage.changed_on_disk():
            if storage.signature is not None or not backup_path(self.path).exists():
                return None
            with self.locked():
                return self.load()
        try:
            with _gc_paused():
                data = storage.load()
                if data is not None:
                    return self.parse(data), None
        except CorruptFileError:
            with self.locked():
                return self.load()
        with self.locked():
            value, notice = self.load()
        if notice is None:
            log.warning("%s was deleted and has no backup; starting with %s", self.path, self.empty_text)
        return value, notice

    def write(self, table: str, documents: dict[str, Any]) -> None:
        self.storage.write({table: documents})

    def write_papers(self, entries: list[tuple[int, Paper]], cls: type[StoredPaper]) -> None:
        storage = self.storage
        assert isinstance(storage, PapersStorage)
        storage.write_papers(entries, cls)

    def _notice(self, recovered: Recovered | None) -> Notice | None:
        if recovered is None:
            return None
        name = self.path.name
        if recovered.cause == MISSING:
            message = self._missing_message(recovered)
        elif recovered.cause == CORRUPT:
            message = self._corrupt_message(recovered)
        else:
            message = (
                f"{name} had {_records(recovered.dropped)} that could not be read ({recovered.reason}). "
                f"Dropped them and kept the rest; the original file is at {recovered.moved_to}."
            )
        return Notice(title=f"Recovered {name}", message=message)

    def _missing_message(self, recovered: Recovered) -> str:
        name = self.path.name
        if recovered.backup_time is None:
            return (
                f"{name} was missing and its backup is unusable ({recovered.reason}). "
                f"Moved the backup to {recovered.moved_to}; starting with {self.empty_text}."
            )
        return (
            f"{name} was missing; restored the backup from {recovered.backup_time:%Y-%m-%d %H:%M:%S}. "
            f"Changes saved after that time are lost.{_dropped_from_backup(recovered.dropped)}"
        )

    def _corrupt_message(self, recovered: Recovered) -> str:
        name = self.path.name
        if recovered.backup_time is None:
            return (
                f"{name} was corrupt ({recovered.reason}) and has no usable backup. "
                f"Moved it to {recovered.moved_to}; starting with {self.empty_text}."
            )
        return (
            f"{name} was corrupt ({recovered.reason}). Moved it to {recovered.moved_to}; "
            f"restored the backup from {recovered.backup_time:%Y-%m-%d %H:%M:%S}. "
            f"Changes saved after that time are lost.{_dropped_from_backup(recovered.dropped)}"
        )


def _records(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"


def _dropped_from_backup(count: int) -> str:
    if not count:
        return ""
    return f" Dropped {_records(count)} of the backup that could not be read."


def _parse_papers(path: Path, cls: type[StoredPaper]) -> Callable[[PapersData | dict], _PaperTable]:
    """Return the parser of the paper cache at ``path`` into papers of class ``cls``."""

    def parse(data: PapersData | dict) -> _PaperTable:
        if not isinstance(data, PapersData):
            data = PapersData(path, data)
        papers: dict[str, Paper] = {}
        doc_ids: dict[str, int] = {}
        lazy = data.source is not None
        if lazy:
            # Before the loop, because merging a duplicate record reads its texts.
            cls._texts.source = data.source
        if data.rows is not None:
            rows = data.rows
            data.rows = None
            rows.reverse()
            while rows:
                # Popping frees each row as its paper is built, and the paper
                # reuses that memory: about 20 MB less at 100,000 papers than
                # keeping every row until the end.
                number, values = rows.pop()
                paper = Paper(*values)
                paper.__class__ = cls
                papers[paper.key] = paper
                doc_ids[paper.key] = number
            return _PaperTable(papers, doc_ids)
        share = _SharedStrings().share
        for doc_id, document in data.documents():
            try:
                number = int(doc_id)
                if lazy and type(document) is dict and "abstract" not in document:
                    # The document id takes the abstract's place (see StoredPaper).
                    document["abstract"] = number
                paper = Paper(**document)
                if type(paper.key) is not str or not paper.key or type(paper.title) is not str:
                    raise ValueError("the key or title is not a string")
            except TypeError:
                # Unknown fields (from a newer version) or missing ones.
                paper = _paper_from_odd_document(path, doc_id, document)
            except ValueError as error:
                raise CorruptFileError(path, f"paper document {doc_id} is invalid: {error}") from None
            if lazy:
                if type(paper.abstract) is int:
                    paper.__class__ = cls
                else:
                    store_texts(paper, cls, number)
            else:
                texts = data.texts(doc_id)
                if texts is not None:
                    for name in ("title_raw", "abstract", "abstract_raw"):
                        if texts.get(name) is not None:
                            setattr(paper, name, texts[name])
            share(paper)
            existing = papers.get(paper.key)
            if existing is not None:
                existing.merge(paper)
                continue
            papers[paper.key] = paper
            doc_ids[paper.key] = number
        return _PaperTable(papers, doc_ids, outdated=bool(papers) and not lazy, snapshot_missing=lazy)

    return parse


class _SharedStrings:
    """Makes equal short strings of many papers (dates, categories, keywords) one object.

    A date or category string costs ~60 bytes; at 100,000 papers sharing
    them saves tens of megabytes.
    """

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}

    def share(self, paper: Paper) -> None:
        get = self.strings.setdefault
        value = paper.listed
        if value is not None:
            paper.listed = get(value, value)
        value = paper.published
        if value is not None:
            paper.published = get(value, value)
        value = paper.updated
        if value is not None:
            paper.updated = get(value, value)
        value = paper.organization
        if value is not None:
            paper.organization = get(value, value)
        if paper.categories:
            paper.categories = [get(value, value) for value in paper.categories]
        if paper.keywords:
            paper.keywords = [get(value, value) for value in paper.keywords]
        if paper.sources:
            paper.sources = [get(value, value) for value in paper.sources]


def _paper_from_odd_document(path: Path, doc_id: str, document: Any) -> Paper:
    try:
        return paper_from_document(document)
    except (TypeError, ValueError) as error:
        raise CorruptFileError(path, f"paper document {doc_id} is invalid: {error}") from None


def _parse_states(path: Path) -> Callable[[dict], _StateTable]:
    """Return the parser of the state file at ``path``.

    The parser skips invalid records and then raises InvalidRecordsError
    with the valid ones, or CorruptFileError when no record is valid.
    """

    def parse(data: dict) -> _StateTable:
        table = _StateTable({}, {}, {})
        invalid: list[str] = []
        for doc_id, document in data.get(STATES_TABLE, {}).items():
            try:
                int(doc_id)
                key, state = state_from_document(document)
            except (TypeError, ValueError) as error:
                invalid.append(f"state document {doc_id} is invalid: {error}")
                continue
            if key in table.states:
                state = merge_states(table.states[key], state, utc_now())
                del table.documents[table.doc_ids[key]]
            table.states[key] = state
            table.doc_ids[key] = doc_id
            table.documents[doc_id] = state_document(key, state)
        if not invalid:
            return table
        reason = invalid[0] if len(invalid) == 1 else f"{invalid[0]}; and {len(invalid) - 1} more"
        if not table.states:
            raise CorruptFileError(path, reason)
        raise InvalidRecordsError(
            path, reason, dropped=len(invalid), tables={STATES_TABLE: table.documents}, value=table
        )

    return parse


class Library:
    """The paper cache and the user's state of one data folder.

    Methods other than ``open`` require an open library. Objects returned by
    ``papers()``, ``get()`` and ``states()`` are the library's own: read them,
    do not change them. ``state()`` and the setters return copies.
    """

    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self._papers_file: _StoreFile[_PaperTable] | None = None
        self._state_file: _StoreFile[_StateTable] | None = None
        self._notices: list[Notice] = []
        self._papers_mutex = threading.RLock()
        self._states_mutex = threading.RLock()

        self._texts = TextStore()
        self._paper_class = stored_paper_class(self._texts)
        """Class of the library's papers, whose abstracts are read from the current cache file."""
        self._papers: dict[str, Paper] = {}
        self._paper_ids: dict[str, int] = {}
        self._next_paper_id = 1
        self._title_only: set[str] = set()
        """Keys of papers known only by title (``title:...``)."""
        self._arxiv_by_title: dict[str, str] | None = None
        """Title key to arXiv key of every arXiv paper, built when first needed."""
        self._paper_list: list[Paper] | None = None

        self._states: dict[str, PaperState] = {}
        self._state_ids: dict[str, str] = {}
        self._state_documents: dict[str, dict[str, Any]] = {}
        self._next_state_id = 1

    # Opening and refreshing

    def open(self) -> list[Notice]:
        """Create the data folder, load both files and recover missing or corrupt ones.

        Returns the notices of this call. Calling it again on an open library
        does nothing and returns no notices.
        """
        if self._papers_file is not None:
            return []
        try:
            return self._open()
        except OSError as error:
            raise ReaderError(
                f"Could not open the library in {self.paths.data_dir}: {error}. Check that the "
                f"folder is writable, or set {HOME_ENV} to another folder.",
                title="Library unavailable",
            ) from error

    def _open(self) -> list[Notice]:
        self.paths.data_dir.mkdir(parents=True, exist_ok=True)
        papers_file = _StoreFile(
            self.paths.papers_file,
            "papers",
            _parse_papers(self.paths.papers_file, self._paper_class),
            self._papers_mutex,
            PAPERS_LOCK_TIMEOUT,
            "an empty paper cache (import or fetch papers to fill it again)",
            storage=PapersStorage,
        )
        state_file = _StoreFile(
            self.paths.state_file,
            "state",
            _parse_states(self.paths.state_file),
            self._states_mutex,
            STATE_LOCK_TIMEOUT,
            "no read, star, note or tag state",
        )
        notices = []
        self._papers_file = papers_file
        with papers_file.locked():
            paper_table, notice = papers_file.load()
            notices.append(notice)
            self._set_papers(paper_table)
            if paper_table.outdated:
                self._migrate_papers()
            elif paper_table.snapshot_missing and paper_table.papers:
                self._write_snapshot()
        with state_file.locked():
            state_table, notice = state_file.load()
            notices.append(notice)

        self._state_file = state_file
        self._set_states(state_table)
        opened = [n for n in notices if n is not None]
        self._notices.extend(opened)
        log.info("Opened %s: %d papers, %d states", self.paths.data_dir, len(self._papers), len(self._states))
        return opened

    def close(self) -> None:
        """Forget the files. Every change is already on disk, so nothing is flushed."""
        for store_file in (self._papers_file, self._state_file):
            if store_file is not None:
                store_file.db.close()
        self._papers_file = None
        self._state_file = None

    def refresh(self) -> bool:
        """Re-read the files that another process changed; return whether any was."""
        changed = self._reload_papers()
        return self._reload_states() or changed

    @property
    def notices(self) -> list[Notice]:
        """Every notice since ``open()``, recoveries during later reloads included."""
        return list(self._notices)

    # Papers

    def __len__(self) -> int:
        return len(self._papers)

    def papers(self) -> list[Paper]:
        """Return all papers in no particular order; the same list until the cache changes.

        While another thread imports new papers, this waits for the import.
        """
        papers = self._paper_list
        if papers is None:
            with self._papers_mutex:
                papers = self._paper_list = list(self._papers.values())
        return papers

    def get(self, key: str) -> Paper | None:
        return self._papers.get(key)

    def resolve(self, text: str) -> str | None:
        """Return the key of the paper that ``text`` names, if it is in the library.

        ``text`` may be a key or any arXiv id form that ``parse_arxiv_id``
        accepts (URLs, ``arXiv:`` prefixes, versioned ids).
        """
        text = text.strip()
        if text in self._papers:
            return text
        parsed = parse_arxiv_id(text)
        if parsed is not None and parsed.key in self._papers:
            return parsed.key
        return None

    def import_papers(self, papers: Iterable[Paper]) -> ImportCounts:
        """Merge papers into the cache and write it once.

        The library keeps the given Paper objects that are new to it. A paper
        already present is merged with ``Paper.merge``; papers missing from
        this import are kept. A ``title:`` paper whose normalized title
        matches an arXiv paper is merged into the arXiv record, and its state
        moves along.
        """
        store_file = self._require_open()[0]
        incoming = list(papers)
        counts = ImportCounts()
        if not incoming:
            return counts
        with store_file.locked():
            self._reload_papers()
            moved: list[tuple[str, str]] = []
            try:
                with _gc_paused():
                    for paper in incoming:
                        outcome = self._merge_paper(paper, moved)
                        setattr(counts, outcome, getattr(counts, outcome) + 1)
                if counts.added or counts.updated:
                    self._write_papers()
            except BaseException:
                # Merging changed papers in place. The file on disk is intact,
                # so reading it again undoes the whole import in memory.
                self._set_papers(store_file.load()[0])
                raise
            if moved:
                self._move_states(moved)
        log.info("Imported %d papers: %s", len(incoming), counts)
        return counts

    # State

    def state(self, key: str) -> PaperState:
        """Return a copy of the paper's state, or a default state if none is stored."""
        stored = self._states.get(key)
        return copy_state(stored) if stored is not None else PaperState()

    def states(self) -> Mapping[str, PaperState]:
        """Return a read-only view of every stored state by paper key."""
        return MappingProxyType(self._states)

    def set_starred(self, key: str, starred: bool) -> PaperState:
        def change(state: PaperState, now: str) -> None:
            state.starred = bool(starred)

        return self._change_states([key], change)[key]

    def set_read(self, keys: Iterable[str], read: bool) -> None:
        """Mark papers read or unread with one write, e.g. for mark-all-read."""

        def change(state: PaperState, now: str) -> None:
            if state.read != bool(read):
                state.read = bool(read)
                state.read_at = now if read else None

        self._change_states(list(keys), change)

    def set_note(self, key: str, text: str) -> PaperState:
        """Store the paper's note, with terminal control removed (see ``records.clean_note``)."""
        note = clean_note(text)

        def change(state: PaperState, now: str) -> None:
            state.note = note

        return self._change_states([key], change)[key]

    def set_tags(self, key: str, tags: Iterable[str]) -> PaperState:
        """Replace the paper's tags, cleaned as ``records.normalize_tags`` does."""
        new_tags = normalize_tags(tags)

        def change(state: PaperState, now: str) -> None:
            state.tags = new_tags.copy()

        return self._change_states([key], change)[key]

    def add_tags(self, key: str, tags: Iterable[str]) -> PaperState:
        added = normalize_tags(tags)

        def change(state: PaperState, now: str) -> None:
            state.tags = normalize_tags([*state.tags, *added])

        return self._change_states([key], change)[key]

    def remove_tags(self, key: str, tags: Iterable[str]) -> PaperState:
        removed = set(normalize_tags(tags))

        def change(state: PaperState, now: str) -> None:
            state.tags = [tag for tag in state.tags if tag not in removed]

        return self._change_states([key], change)[key]

    def apply_states(self, states: Mapping[str, PaperState]) -> None:
        """Store the given states as they are, with one write.

        Timestamps are kept as given, so a restore or undo decides them.
        Notes and tags lose their terminal control like the setters' do. A
        default ``PaperState()`` deletes the stored state. Keys need not be
        in the paper cache, so a backup can carry state for papers that
        arrive later.
        """
        store_file = self._require_open()[1]
        if not states:
            return
        with store_file.locked():
            self._reload_states()
            undo = self._snapshot_states(states.keys())
            for key, state in states.items():
                self._put_state(key, clean_state(copy_state(state)))
            self._write_states(undo)

    # Internals: papers

    def _require_open(self) -> tuple[_StoreFile[_PaperTable], _StoreFile[_StateTable]]:
        if self._papers_file is None or self._state_file is None:
            raise RuntimeError("Library.open() must be called before using the library")
        return self._papers_file, self._state_file

    def _set_papers(self, table: _PaperTable) -> None:
        self._papers = table.papers
        self._paper_ids = table.doc_ids
        self._next_paper_id = max(table.doc_ids.values(), default=0) + 1
        self._title_only = {key for key in table.papers if is_title_key(key)}
        self._arxiv_by_title = None
        self._paper_list = None

    def _reload_papers(self) -> bool:
        store_file = self._require_open()[0]
        with store_file.mutex:
            result = store_file.reload_if_changed()
            if result is None:
                return False
            table, notice = result
            self._set_papers(table)
            if notice is not None:
                self._notices.append(notice)
            log.info("Re-read %s after another process changed it: %d papers", store_file.path, len(self._papers))
            return True

    def _migrate_papers(self) -> None:
        """Rewrite a cache file of an older layout in the current one. Hold the lock."""
        store_file = self._papers_file
        assert store_file is not None
        try:
            with _gc_paused():
                self._write_papers()
        except ReaderError as error:
            # The old file still works; only opening stays slower.
            log.warning("Could not rewrite %s in the current layout: %s", store_file.path, error.message)
            return
        log.info("Rewrote %s in the layout of schema %d", store_file.path, store_file.storage.schema)

    def _write_snapshot(self) -> None:
        store_file = self._papers_file
        assert store_file is not None and isinstance(store_file.storage, PapersStorage)
        ids = self._paper_ids
        with _gc_paused():
            store_file.storage.write_snapshot([(ids[key], paper) for key, paper in self._papers.items()])

    def _write_papers(self) -> None:
        store_file = self._papers_file
        assert store_file is not None
        ids = self._paper_ids
        entries = [(ids[key], paper) for key, paper in self._papers.items()]
        try:
            store_file.write_papers(entries, self._paper_class)
        except OSError as error:
            raise ReaderError(
                f"Could not write the paper cache {store_file.path}: {error}. "
                "Nothing was imported; free disk space or fix permissions and try again.",
                title="Import failed",
            ) from error

    def _add_paper(self, paper: Paper, doc_id: int | None = None) -> None:
        if doc_id is None:
            doc_id = self._next_paper_id
            self._next_paper_id += 1
        self._papers[paper.key] = paper
        self._paper_ids[paper.key] = doc_id
        self._paper_list = None
        if is_title_key(paper.key):
            self._title_only.add(paper.key)
        elif self._arxiv_by_title is not None:
            self._arxiv_by_title[title_key(paper.title)] = paper.key

    def _remove_paper(self, key: str) -> tuple[Paper, int]:
        self._title_only.discard(key)
        self._paper_list = None
        return self._papers.pop(key), self._paper_ids.pop(key)

    def _arxiv_key_for_title(self, key: str) -> str | None:
        if self._arxiv_by_title is None:
            self._arxiv_by_title = {
                title_key(paper.title): paper.key for paper in self._papers.values() if not is_title_key(paper.key)
            }
        return self._arxiv_by_title.get(key)

    def _merge_paper(self, paper: Paper, moved: list[tuple[str, str]]) -> str:
        """Fold one incoming paper into the cache; return the ImportCounts field to count it in."""
        if is_title_key(paper.key):
            arxiv_key = self._arxiv_key_for_title(paper.key)
            if arxiv_key is not None and arxiv_key in self._papers:
                if paper.key in self._states:
                    moved.append((paper.key, arxiv_key))
                return _merge_into(self._papers[arxiv_key], paper)
            existing = self._papers.get(paper.key)
            if existing is not None:
                return _merge_into(existing, paper)
            self._add_paper(paper)
            return "added"

        existing = self._papers.get(paper.key)
        if existing is not None:
            outcome = _merge_into(existing, paper)
        else:
            self._add_paper(paper)
            outcome = "added"
        if self._title_only:
            old_key = title_key(paper.title)
            if old_key in self._title_only:
                self._absorb_title_paper(old_key, paper.key)
                moved.append((old_key, paper.key))
                outcome = "updated"
        return outcome

    def _absorb_title_paper(self, old_key: str, arxiv_key: str) -> None:
        """Replace a title-only paper and its arXiv twin by one record under the arXiv key.

        The title-only copy is the base, so fields only it has (a DOI or
        journal reference from BibTeX, say) survive, and the arXiv record's
        values win everywhere else.
        """
        merged, _ = self._remove_paper(old_key)
        arxiv_paper, doc_id = self._remove_paper(arxiv_key)
        merged.merge(arxiv_paper)
        merged.key = arxiv_key
        self._add_paper(merged, doc_id)
        log.info("Merged %s into %s (same title)", old_key, arxiv_key)

    # Internals: state

    def _set_states(self, table: _StateTable) -> None:
        self._states = table.states
        self._state_ids = table.doc_ids
        self._state_documents = table.documents
        self._next_state_id = max((int(doc_id) for doc_id in table.documents), default=0) + 1

    def _reload_states(self) -> bool:
        store_file = self._require_open()[1]
        with store_file.mutex:
            result = store_file.reload_if_changed()
            if result is None:
                return False
            table, notice = result
            self._set_states(table)
            if notice is not None:
                self._notices.append(notice)
            return True

    def _require_known(self, key: str) -> None:
        if key in self._papers or key in self._states:
            return
        if self._reload_papers() and key in self._papers:
            return
        raise ReaderError(
            f"No paper with id {key} in the library; import or fetch it first",
            title="Unknown paper",
        )

    def _change_states(self, keys: list[str], change: Callable[[PaperState, str], None]) -> dict[str, PaperState]:
        """Apply ``change`` to each key's state under the lock and write once.

        Keys whose state did not change are not written. Returns copies of
        the resulting states.
        """
        store_file = self._require_open()[1]
        for key in keys:
            self._require_known(key)
        with store_file.locked():
            self._reload_states()
            now = utc_now()
            updated: dict[str, PaperState] = {}
            for key in keys:
                old = self._states.get(key)
                state = copy_state(old) if old is not None else PaperState()
                change(state, now)
                before = old if old is not None else PaperState()
                changed_fields = [name for name in STATE_FIELDS if getattr(before, name) != getattr(state, name)]
                if changed_fields:
                    for name in changed_fields:
                        state.changed[name] = now
                    state.updated_at = now
                    updated[key] = state
            if updated:
                undo = self._snapshot_states(updated.keys())
                for key, state in updated.items():
                    self._put_state(key, state)
                self._write_states(undo)
        return {key: self.state(key) for key in keys}

    def _snapshot_states(self, keys: Iterable[str]) -> dict[str, PaperState | None]:
        return {key: self._states.get(key) for key in keys}

    def _put_state(self, key: str, state: PaperState) -> None:
        """Set or (for a default state) delete one key's state in memory."""
        doc_id = self._state_ids.get(key)
        if is_empty_state(state):
            if doc_id is not None:
                del self._state_documents[doc_id]
                del self._state_ids[key]
                del self._states[key]
            return
        if doc_id is None:
            doc_id = str(self._next_state_id)
            self._next_state_id += 1
            self._state_ids[key] = doc_id
        self._states[key] = state
        self._state_documents[doc_id] = state_document(key, state)

    def _write_states(self, undo: dict[str, PaperState | None]) -> None:
        """Write the state file; on failure put back the states in ``undo`` and raise."""
        store_file = self._require_open()[1]
        try:
            store_file.write(STATES_TABLE, self._state_documents)
        except OSError as error:
            for key, state in undo.items():
                self._put_state(key, state if state is not None else PaperState())
            raise ReaderError(
                f"Could not save the change to {store_file.path}: {error}. "
                "Nothing was changed; free disk space or fix permissions and try again.",
                title="Save failed",
            ) from error

    def _move_states(self, moved: list[tuple[str, str]]) -> None:
        """Give each merged title-only paper's state to its arXiv key. Called during an import."""
        store_file = self._require_open()[1]
        with store_file.locked():
            self._reload_states()
            now = utc_now()
            undo = self._snapshot_states([key for pair in moved for key in pair])
            changed = False
            for old_key, new_key in moved:
                old_state = self._states.get(old_key)
                if old_state is None:
                    continue
                new_state = self._states.get(new_key)
                merged = merge_states(new_state, old_state, now) if new_state is not None else copy_state(old_state)
                self._put_state(old_key, PaperState())
                self._put_state(new_key, merged)
                changed = True
            if changed:
                self._write_states(undo)


def _merge_into(existing: Paper, newer: Paper) -> str:
    """Merge ``newer`` into ``existing``; return ``updated`` or ``unchanged``.

    Comparing the stored documents first skips ``Paper.merge`` for papers that
    did not change, which is most of a re-import.
    """
    if existing.key == newer.key and paper_document(existing) == paper_document(newer):
        return "unchanged"
    return "updated" if existing.merge(newer) else "unchanged"
