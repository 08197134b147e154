"""The main screen's search: the ``/`` query, saved searches and the search index.

The SearchIndex is built in a thread worker after the first frame. Until it
is ready, the ``/`` search matches plain words with ``filter_keys`` and the
header says ``indexing…``. Queries are parsed on the app thread, so a
malformed one shows its message in the status line at once. Views larger
than SYNC_SEARCH_LIMIT are then searched in a thread worker.
"""

from __future__ import annotations

import functools
import gc
import logging
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from reader.config import save_search
from reader.errors import ReaderError
from reader.models import Paper, PaperState
from reader.search import Query, QueryError, SearchIndex, parse_query
from reader.ui.catalog import Selection
from reader.ui.dialogs import PromptDialog
from reader.ui.search import QuerySearch, filter_keys

if TYPE_CHECKING:
    from reader.ui.main_screen import MainScreen

log = logging.getLogger(__name__)

SYNC_SEARCH_LIMIT = 20_000
"""Searches over more papers than this run in a thread so typing never stalls."""
SEARCH_DELAY = 0.12
"""Seconds of typing pause before a large view is scanned for plain words (before the index exists)."""


class SearchMixin:
    """Search methods of MainScreen; ``self`` is always the MainScreen."""

    # Index ------------------------------------------------------------------------

    def _topics_of(self: MainScreen, paper: Paper) -> tuple[str, ...]:
        """Return a paper's topics for ``topic:``: the sidebar's assignment, else the taxonomy's."""
        topics = self.catalog.topics
        assigned = topics.get(paper.key) if topics is not None else None
        return assigned or self.taxonomy.assign(paper)

    def _start_search_index(self: MainScreen) -> None:
        self._index_building = True
        self._update_header()
        self._build_search_index(self._library_version)

    @work(thread=True, exclusive=True, group="search-index")
    def _build_search_index(self: MainScreen, version: int) -> None:
        worker = get_current_worker()
        papers = list(self.catalog.papers.values())
        index = SearchIndex(papers, topics=self._topics_of)
        if not worker.is_cancelled:
            log.info("Built the search index of %d papers", len(index))
            self.app.call_from_thread(self._search_index_ready, index, version)

    def _search_index_ready(self: MainScreen, index: SearchIndex, version: int) -> None:
        self.query_search.set_index(index)
        if version != self._library_version:
            # Papers were fetched or reloaded during the build: use this index
            # now and build one that has them.
            self._start_search_index()
            return
        self._index_building = False
        # The index is long-lived: move it out of the collector's reach so
        # full collections stop pausing key presses (see run_app).
        gc.freeze()
        if self.search_query or self.selection.kind == "search" or self.search_input.value.strip():
            self._show_view(keep_key=self.paper_list.current_key)
        else:
            self._update_header()

    # Filtering --------------------------------------------------------------------

    def _parse(self: MainScreen, text: str) -> Query | None:
        """Parse a query and show its error in the status line; None when it is malformed."""
        try:
            query = parse_query(text, saved=self.config.searches)
        except QueryError as error:
            self.status.set_message("search", error.message)
            return None
        self.status.set_message("search", "")
        return query

    def _filter_now(self: MainScreen, text: str, keys: list[str]) -> list[str]:
        """Return the keys matching ``text`` now, on the app thread."""
        if not self.query_search.ready:
            return filter_keys(text, keys, self.catalog.papers) or []
        query = self._parse(text)
        if query is None:
            return keys
        return self.query_search.run(query, keys, self.library.states()) or []

    def _saved_search_keys(self: MainScreen, text: str) -> list[str]:
        """Return every paper a saved search matches, in sort order; never capped."""
        keys = self.catalog.sorted_keys(self.order)
        if not self.query_search.ready:
            return filter_keys(text, keys, self.catalog.papers) or []
        try:
            query = parse_query(text, saved=self.config.searches)
        except QueryError as error:
            self.notify(error.message, title="Invalid saved search", severity="error", markup=False)
            return []
        return self.query_search.run(query, keys, self.library.states(), remember=False) or []

    def _search_changed(self: MainScreen, text: str) -> None:
        """Filter the view for the text in the search input (called on every keystroke)."""
        if text != self.search_input.value:
            return  # a later Input.Changed is queued, e.g. while a paste is typed in
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if not self.query_search.ready:
            if len(self._view_keys) <= SYNC_SEARCH_LIMIT:
                self._apply_search(text, filter_keys(text, self._view_keys, self.catalog.papers))
            else:
                self._search_timer = self.set_timer(SEARCH_DELAY, functools.partial(self._search_in_thread, text))
            return
        query = self._parse(text)
        if query is None:
            return
        # Typing more letters usually narrows the previous hits to a few
        # thousand papers, which takes milliseconds on the app thread; a
        # thread worker would add tens of milliseconds of hand-off.
        if self.query_search.candidate_count(query, self._view_keys) <= SYNC_SEARCH_LIMIT:
            self._apply_search(text, self.query_search.run(query, self._view_keys, self.library.states()))
        else:
            # A copy, because the app thread may add a state while the worker reads them.
            self._query_in_thread(text, query, self._view_keys, dict(self.library.states()))

    @work(thread=True, exclusive=True, group="search")
    def _search_in_thread(self: MainScreen, text: str) -> None:
        worker = get_current_worker()
        keys = filter_keys(text, self._view_keys, self.catalog.papers, cancelled=lambda: worker.is_cancelled)
        if keys is not None and not worker.is_cancelled:
            self.app.call_from_thread(self._apply_search, text, keys)

    @work(thread=True, exclusive=True, group="search")
    def _query_in_thread(
        self: MainScreen, text: str, query: Query, keys: list[str], states: dict[str, PaperState]
    ) -> None:
        worker = get_current_worker()
        found = self.query_search.run(query, keys, states, cancelled=lambda: worker.is_cancelled)
        if found is not None and not worker.is_cancelled:
            self.app.call_from_thread(self._apply_search, text, found)

    def _apply_search(self: MainScreen, text: str, keys: list[str] | None) -> None:
        if keys is None or text != self.search_input.value:
            return  # superseded by a newer query
        self.search_query = text.strip()
        self._set_rows(keys, keep_key=self.paper_list.current_key)

    # Saving -----------------------------------------------------------------------

    def action_save_search(self: MainScreen) -> None:
        """Ask for a name and save the query in the search input to the config file."""
        text = self.search_input.value.strip() if self.search_input.display else ""
        text = text or self.search_query
        if not text:
            self.notify("Type a search with / first, then press ctrl+f to save it.", markup=False)
            return
        if self._parse(text) is None:
            self.notify("Fix the search before saving it.", severity="warning", markup=False)
            return
        dialog = PromptDialog("Save search", f"Name for the search: {text}", placeholder="e.g. Agents this week")
        self.app.push_screen(dialog, functools.partial(self._save_search_named, text))

    def _save_search_named(self: MainScreen, text: str, name: str | None) -> None:
        if name is None:
            return
        try:
            save_search(self.paths, name, text)
        except ReaderError as error:
            log.warning("%s: %s", error.title, error.message)
            self.notify(error.message, title=error.title, severity="error", markup=False)
            return
        except OSError as error:
            log.warning("Saving the search %r failed: %s", name, error)
            self.notify(
                f"Could not write {self.paths.config_file}: {error}. The search was not saved.",
                title="Disk error",
                severity="error",
                markup=False,
            )
            return
        replaced = name in self.config.searches
        self.config.searches[name] = text
        self.sidebar.searches = dict(self.config.searches)
        self.sidebar.rebuild()
        if self.selection == Selection("search", text):
            self._update_header()
        verb = "Replaced" if replaced else "Saved"
        self.notify(f"{verb} the search {name!r}; it is in the sidebar under Searches.", markup=False)
