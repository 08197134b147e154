"""The main screen's library work: fetch, reload from disk, similar papers and export.

Each runs in a thread worker and hands its result back with
``call_from_thread``, so keys keep working meanwhile. After the library
changed, ``_library_changed`` reloads the catalog, keeps the cursor on its
paper and brings the search, topic and similar-papers indexes up to date.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import stat
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from reader.errors import ReaderError
from reader.export import export
from reader.fetch import FetchReport, FetchRequest, default_requests, run_fetch
from reader.models import Paper, PaperState
from reader.search import fold
from reader.similar import SimilarIndex
from reader.store import Library
from reader.store.storage import atomic_write
from reader.topics import assign_topics
from reader.ui.catalog import Selection
from reader.ui.dialogs import PromptDialog

if TYPE_CHECKING:
    from reader.ui.main_screen import MainScreen

log = logging.getLogger(__name__)

SIMILAR_COUNT = 30
"""Papers listed in a "Similar to" view besides the paper itself."""

EXPORT_LABELS = {"bibtex": "BibTeX", "markdown": "Markdown", "csv": "CSV", "json": "JSON", "csl-json": "CSL-JSON"}
"""Export formats of ``reader.export``, in palette order, with their names for people."""
EXPORT_SUFFIXES = {"bibtex": ".bib", "markdown": ".md", "csv": ".csv", "json": ".json", "csl-json": ".csl.json"}


class _RecordingLibrary:
    """The part of a Library that ``run_fetch`` uses, noting the keys of every imported paper."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self.paths = library.paths
        self.keys: list[str] = []

    def import_papers(self, papers: Iterable[Paper]) -> Any:
        papers = list(papers)
        self.keys.extend(paper.key for paper in papers)
        return self._library.import_papers(papers)

    def papers(self) -> list[Paper]:
        return self._library.papers()


def view_slug(selection: Selection, searching: bool) -> str:
    """Return a file-name part for a view, e.g. ``topic-computer-vision`` or ``starred-search``."""
    if selection.kind == "view":
        name = selection.value
    elif selection.kind == "similar":
        name = f"similar-{selection.value}"
    else:
        name = f"{selection.kind}-{selection.value}"
    slug = re.sub(r"[^a-z0-9.]+", "-", fold(name)).strip("-.")[:48].strip("-.") or "view"
    return f"{slug}-search" if searching else slug


def file_mode(path: Path) -> int:
    """Return the permission bits for writing ``path``: its current ones, else 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def fetch_outcome(report: FetchReport) -> tuple[str, str]:
    """Return the notification text and severity for a finished fetch."""
    counts = f"Fetched: {report.added} added, {report.updated} updated"
    if report.ok:
        return counts, "information"
    errors = " ".join(f"{source.label}: {source.error}" for source in report.failed)
    if report.added or report.updated:
        return f"{counts}. {errors}", "warning"
    return errors, "error"


class LibraryMixin:
    """Library methods of MainScreen; ``self`` is always the MainScreen."""

    # After a change -----------------------------------------------------------------

    def _library_changed(self: MainScreen, changed_keys: list[str] | None) -> None:
        """Load the library's papers and states into the catalog and update every index.

        ``changed_keys`` are the papers a fetch imported; None means unknown
        (a reload from disk), and the search index is then rebuilt.
        """
        key = self.paper_list.current_key
        self._library_version += 1
        self._similar_index = None
        self.catalog.load(self.library.papers(), self.library.states())
        if self.catalog.topics is not None:
            missing = [paper for paper in self.catalog.papers.values() if paper.key not in self.catalog.topics]
            if missing:
                topics = dict(self.catalog.topics)
                topics.update(assign_topics(missing, self.taxonomy))
                self.catalog.set_topics(topics)
        self.sidebar.rebuild()
        if changed_keys is None or not self.query_search.ready:
            self._start_search_index()
        else:
            papers = self.catalog.papers
            self.query_search.add([papers[key] for key in dict.fromkeys(changed_keys) if key in papers])
        self._show_view(keep_key=key)

    # Fetch ----------------------------------------------------------------------

    def action_refresh(self: MainScreen) -> None:
        """Fetch new papers from the config's subscriptions (the latest HF day by default)."""
        if self._fetching:
            self.notify("A fetch is already running.", markup=False)
            return
        try:
            requests = default_requests(self.config)
        except ReaderError as error:
            self.notify(error.message, title=error.title, severity="error", markup=False)
            return
        self._fetching = True
        self.status.set_message("fetch", "Fetching…")
        self._update_header()
        self._fetch(requests)

    @work(thread=True, exclusive=True, group="fetch")
    def _fetch(self: MainScreen, requests: list[FetchRequest]) -> None:
        recorder = _RecordingLibrary(self.library)

        def progress(message: str) -> None:
            self.app.call_from_thread(self.status.set_message, "fetch", message)

        try:
            report = run_fetch(recorder, self.config, requests, progress, paths=self.paths)
        except (ReaderError, OSError) as error:
            log.warning("Fetch failed: %s", error)
            self.app.call_from_thread(self._fetch_done, None, recorder.keys, str(error))
        except Exception as error:  # a bug: log it, and keep the app running
            log.exception("Unexpected error while fetching")
            self.app.call_from_thread(self._fetch_done, None, recorder.keys, f"{type(error).__name__}: {error}")
        else:
            self.app.call_from_thread(self._fetch_done, report, recorder.keys, "")

    def _fetch_done(self: MainScreen, report: FetchReport | None, keys: list[str], error: str) -> None:
        self._fetching = False
        self.status.set_message("fetch", "")
        if report is not None and (report.added or report.updated):
            self._library_changed(keys)
        else:
            self._update_header()
        if report is None:
            self.notify(f"Fetch failed: {error}", title="Fetch failed", severity="error", markup=False, timeout=12)
            return
        message, severity = fetch_outcome(report)
        title = "Fetch failed" if severity == "error" else ""
        timeout = 5 if severity == "information" else 12
        self.notify(message, title=title, severity=severity, markup=False, timeout=timeout)  # type: ignore[arg-type]

    # Reload from disk --------------------------------------------------------------

    def action_reload(self: MainScreen) -> None:
        """Re-read the library files that another process changed."""
        if self._reloading:
            self.notify("A reload is already running.", markup=False)
            return
        self._reloading = True
        self._reload_library()

    @work(thread=True, exclusive=True, group="reload")
    def _reload_library(self: MainScreen) -> None:
        try:
            changed = self.library.refresh()
        except (ReaderError, OSError) as error:
            log.warning("Reload failed: %s", error)
            self.app.call_from_thread(self._reload_done, False, str(error))
            return
        self.app.call_from_thread(self._reload_done, changed, "")

    def _reload_done(self: MainScreen, changed: bool, error: str) -> None:
        """Load what the reload read; runs on the app thread after the worker finished.

        The states are taken from the library now, not in the worker, so a
        change made while the reload ran is part of them.
        """
        self._reloading = False
        if error:
            self.notify(f"Reload failed: {error}", severity="error", markup=False)
            return
        if not changed:
            self.notify("The library is up to date.", timeout=2, markup=False)
            return
        self._library_changed(None)
        self.notify(f"Reloaded: {len(self.catalog):,} papers.", timeout=2, markup=False)

    # Similar papers ---------------------------------------------------------------

    def action_similar(self: MainScreen) -> None:
        """Show the papers most like the one under the cursor, building the index on first use."""
        key = self._current()
        if key is None:
            return
        index = self._similar_index
        if index is not None and key in index:
            self._show_similar(index, key)
            return
        already_building = self._similar_pending is not None
        self._similar_pending = key
        if already_building:
            return
        self.notify("Building the similarity index…", timeout=3, markup=False)
        self.status.set_message("similar", "Building the similarity index…")
        self._build_similar(self._library_version)

    @work(thread=True, exclusive=True, group="similar")
    def _build_similar(self: MainScreen, version: int) -> None:
        try:
            index = SimilarIndex.build(list(self.catalog.papers.values()))
        except Exception as error:  # a bug: log it, and keep the app running
            log.exception("Building the similar-papers index failed")
            self.app.call_from_thread(self._similar_failed, f"{type(error).__name__}: {error}")
            return
        log.info("Built the similar-papers index of %d papers", len(index))
        self.app.call_from_thread(self._similar_ready, index, version)

    def _similar_failed(self: MainScreen, error: str) -> None:
        self._similar_pending = None
        self.status.set_message("similar", "")
        self.notify(f"Could not build the similarity index: {error}", severity="error", markup=False)

    def _similar_ready(self: MainScreen, index: SimilarIndex, version: int) -> None:
        self.status.set_message("similar", "")
        if version == self._library_version:
            self._similar_index = index
        key, self._similar_pending = self._similar_pending, None
        if key is not None and key in index:
            self._show_similar(index, key)

    def _show_similar(self: MainScreen, index: SimilarIndex, key: str) -> None:
        papers = self.catalog.papers
        ranked = [other for other, _score in index.similar(key, SIMILAR_COUNT) if other in papers]
        if not ranked:
            self.notify("No similar papers found: its title and abstract share no rare words.", markup=False)
            return
        if self.selection.kind != "similar":
            self._previous_selection = self.selection
        self._similar_keys = [key, *ranked]
        self._clear_search_input()
        self.selection = Selection("similar", key)
        self.sidebar.set_active(self.selection)
        self._show_view(keep_key=key)

    # Export -----------------------------------------------------------------------

    def export_view(self: MainScreen, fmt: str) -> None:
        """Ask for a path, then write the papers listed now, in list order, in format ``fmt``."""
        keys = list(self.paper_list.keys)
        label = EXPORT_LABELS[fmt]
        if not keys:
            self.notify("No papers are listed, so there is nothing to export.", severity="warning", markup=False)
            return
        name = f"papers-{view_slug(self.selection, bool(self.search_query))}-{date.today():%Y%m%d}"
        default = f"~/{name}{EXPORT_SUFFIXES[fmt]}"
        noun = "paper" if len(keys) == 1 else "papers"
        dialog = PromptDialog(f"Export as {label}", f"Write the {len(keys):,} {noun} listed to this file:", default)
        self.app.push_screen(dialog, functools.partial(self._export_to, fmt, keys))

    def _export_to(self: MainScreen, fmt: str, keys: list[str], answer: str | None) -> None:
        if answer is None:
            return
        path = Path(os.path.abspath(Path(answer).expanduser()))
        states = self.library.states()
        chosen = {key: states[key] for key in keys if key in states}
        papers = [self.catalog.papers[key] for key in keys if key in self.catalog.papers]
        self._write_export(fmt, papers, chosen, path, file_mode(path))

    @work(thread=True, group="export")
    def _write_export(
        self: MainScreen, fmt: str, papers: list[Paper], states: dict[str, PaperState], path: Path, mode: int
    ) -> None:
        label = EXPORT_LABELS[fmt]
        try:
            atomic_write(path, export(papers, states, fmt).encode("utf-8"), backup=False)
            # atomic_write's temporary file is private (0600); an export is an ordinary file.
            os.chmod(path, mode)
        except OSError as error:
            log.warning("Export to %s failed: %s", path, error)
            self.app.call_from_thread(
                self.notify,
                f"Could not write {path}: {error.strerror or error}. Check that the folder exists and is writable.",
                title="Export failed",
                severity="error",
                markup=False,
                timeout=12,
            )
            return
        noun = "paper" if len(papers) == 1 else "papers"
        log.info("Exported %d papers as %s to %s", len(papers), fmt, path)
        self.app.call_from_thread(self.notify, f"Exported {len(papers):,} {noun} as {label} to {path}", markup=False)
