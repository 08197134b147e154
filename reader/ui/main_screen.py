"""The main screen: sidebar | paper list | abstract pane, with a header, a search line and a footer.

The screen owns every side effect of a key press: it calls the Library
setters (which write to disk before returning), then updates the in-memory
catalog and the widgets. Widgets only post messages up. Search lives in
``screen_search``; fetch, reload, similar papers and export in
``screen_library``.
"""

from __future__ import annotations

import functools
import gc
import logging
import webbrowser
from collections.abc import Callable
from typing import Any, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from reader.config import Config
from reader.errors import ReaderError
from reader.models import PaperState
from reader.paths import Paths
from reader.store import Library
from reader.topics import Taxonomy, assign_topics
from reader.similar import SimilarIndex
from reader.ui.bindings import screen_bindings
from reader.drafts import pending_drafts, remove_draft
from reader.ui.catalog import ALL, SORT_LABELS, SORT_ORDERS, Catalog, Selection, paper_date
from reader.ui.clipboard_worker import copy_text
from reader.ui.dialogs import CopyMenu, NoteEditor, TagsEditor
from reader.ui.help_screen import HelpScreen
from reader.ui.screen_library import LibraryMixin
from reader.ui.screen_search import SearchMixin
from reader.ui.search import QuerySearch
from reader.ui.widgets.abstract_pane import AbstractPane
from reader.ui.widgets.header import HeaderBar
from reader.ui.widgets.paper_list import PaperList
from reader.ui.widgets.sidebar import Sidebar
from reader.ui.widgets.status import StatusLine
from reader.ui.widgets.text import shorten

log = logging.getLogger(__name__)

SIDEBAR_MIN_WIDTH = 100
"""Terminal width below which the sidebar hides itself (the user can still show it)."""
STACK_BELOW_WIDTH = 60
"""Terminal width below which the abstract pane goes under the list instead of beside it."""

F = TypeVar("F", bound=Callable[..., Any])


def guarded(method: F) -> F:
    """Turn errors raised by an action into a notification and a log entry.

    ReaderError and OSError carry a message a user can act on; anything else
    is a bug, logged with its traceback and shown as an error notification.
    """

    @functools.wraps(method)
    def wrapper(self: MainScreen, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except ReaderError as error:
            log.warning("%s: %s", error.title, error.message)
            self.notify(error.message, title=error.title, severity="error", markup=False)
        except OSError as error:
            log.warning("Disk error in %s: %s", method.__name__, error)
            self.notify(f"{error}. The change was not saved.", title="Disk error", severity="error", markup=False)
        except Exception as error:
            log.exception("Unexpected error in %s", method.__name__)
            self.notify(
                f"{type(error).__name__}: {error}. Details are in the log file.",
                title="Unexpected error",
                severity="error",
                markup=False,
            )
        return None

    return wrapper  # type: ignore[return-value]


class MainScreen(SearchMixin, LibraryMixin, Screen):
    """The reader's only full screen."""

    BINDINGS = [
        *screen_bindings(),
        Binding("escape", "clear_search", "Clear the search", show=False, id="clear_search"),
    ]

    def __init__(self, library: Library, config: Config, paths: Paths, taxonomy: Taxonomy) -> None:
        super().__init__()
        self.library = library
        self.config = config
        self.paths = paths
        self.taxonomy = taxonomy
        self.catalog = Catalog(library.papers(), library.states())
        self.order = config.sort if config.sort in SORT_ORDERS else "listed"
        self.selection: Selection = ALL
        self.search_query = ""
        self._view_keys: list[str] = []
        """Keys of the current sidebar selection before the search filter."""
        self._read_timer: Timer | None = None
        self._search_timer: Timer | None = None
        self._undo_keys: list[str] = []
        self._sidebar_wanted = config.show_sidebar
        self._sidebar_forced = False
        self._reloading = False
        self._fetching = False
        self._shown_key: str | None = None
        """Key whose abstract is shown; None when the next cursor event must redraw it."""
        self.query_search = QuerySearch()
        self._index_building = False
        """Whether a search index is being built (the header says so until the first is ready)."""
        self._library_version = 0
        """Counts library changes (fetch, reload), so that a stale index is not kept."""
        self._similar_index: SimilarIndex | None = None
        """Cached similar-papers index; None until built and after the library changed."""
        self._similar_pending: str | None = None
        """Paper to show similar papers for once the index being built is ready."""
        self._similar_keys: list[str] = []
        """The "Similar to" view: the paper, then the most similar papers in rank order."""
        self._previous_selection: Selection = ALL
        """Selection that Escape returns to from a "Similar to" view."""

    # Layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        with Horizontal(id="panes"):
            yield Sidebar(self.catalog, self.config.searches, id="sidebar")
            yield PaperList(self.catalog, id="paper-list")
            yield AbstractPane(id="abstract")
        yield Input(placeholder='Search: words, "phrase", author:, tag:, is:starred, since:2025-01 (Esc clears)', id="search")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def paper_list(self) -> PaperList:
        return self.query_one("#paper-list", PaperList)

    @property
    def abstract(self) -> AbstractPane:
        return self.query_one("#abstract", AbstractPane)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one("#sidebar", Sidebar)

    @property
    def search_input(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    def on_mount(self) -> None:
        self.search_input.display = False
        self._apply_layout()
        self._show_view(keep_key=None)
        self.paper_list.focus()
        self._report_drafts()
        # Start the topic worker after the first frame: it holds the GIL for
        # seconds at 100,000 papers and would delay that frame.
        self.call_after_refresh(self._assign_topics)

    def _report_drafts(self) -> None:
        """Tell the user about note drafts left by a crash or a killed terminal."""
        drafts = [key for key in pending_drafts(self.paths.drafts_dir) if key in self.catalog.papers]
        if not drafts:
            return
        named = [f"{self.catalog.papers[key].title} ({key})" for key in drafts[:3]]
        names = "; ".join(named) + (f" and {len(drafts) - 3} more" if len(drafts) > 3 else "")
        self.notify(
            f"Unsaved note drafts were found for {names}. Open a paper's note (a) to keep its draft.",
            title="Note drafts recovered",
            timeout=10,
            markup=False,
        )

    def on_resize(self) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        width = self.size.width
        self.set_class(width < STACK_BELOW_WIDTH, "-stacked")
        visible = self._sidebar_wanted and (width >= SIDEBAR_MIN_WIDTH or self._sidebar_forced)
        self.sidebar.display = visible

    # Showing papers -------------------------------------------------------------

    def _show_view(self, keep_key: str | None) -> None:
        """Recompute the listed keys from the selection, sort order and search query."""
        self._view_keys = self._selection_keys()
        keys = self._view_keys
        if self.search_query:
            keys = self._filter_now(self.search_query, keys)
        self._set_rows(keys, keep_key)

    def _selection_keys(self) -> list[str]:
        if self.selection.kind == "search":
            return self._saved_search_keys(self.selection.value)
        if self.selection.kind == "similar":
            return list(self._similar_keys)
        return self.catalog.keys_for(self.selection, self.order)

    def _set_rows(self, keys: list[str], keep_key: str | None) -> None:
        self._shown_key = None  # the papers may have changed, so redraw the abstract
        self.paper_list.set_rows(keys, keep_key=keep_key, sort_order=self.order)
        self._update_header()

    def _update_header(self) -> None:
        label = self.selection.label
        order = self.order
        if self.selection.kind == "search":
            label = next((name for name, query in self.config.searches.items() if query == self.selection.value), label)
        elif self.selection.kind == "similar":
            paper = self.catalog.papers.get(self.selection.value)
            # Cut the title so that the counts after it still fit in 80 columns.
            label = f"Similar to: {shorten(paper.title, 32) if paper else self.selection.value}"
            order = ""  # listed by similarity, not by the sort order
        notes = []
        if self._fetching:
            notes.append("fetching…")
        if not self.query_search.ready:
            notes.append("indexing…")
        self.query_one(HeaderBar).show(
            label,
            len(self.paper_list.keys),
            len(self.catalog),
            self.catalog.unread_count,
            order,
            self.search_query,
            "  ".join(notes),
        )

    def _show_abstract(self, key: str | None, scroll_home: bool = True) -> None:
        paper = self.catalog.papers.get(key) if key else None
        state = self.library.states().get(key) if key else None
        topics = (self.catalog.topics or {}).get(key, ()) if key else ()
        self.abstract.show(paper, state, self.taxonomy, topics, scroll_home=scroll_home)

    @on(PaperList.Highlighted)
    @guarded
    def _on_highlighted(self, event: PaperList.Highlighted) -> None:
        self._follow_cursor()

    def _follow_cursor(self) -> None:
        """Show the abstract of the paper under the cursor and restart the auto-read timer.

        Navigation actions call this right after moving the cursor, so the
        list row and the abstract are redrawn in the same frame; the
        Highlighted message that follows (or a click's) then finds nothing to do.
        """
        key = self.paper_list.current_key
        if key is not None and key == self._shown_key:
            return
        self._shown_key = key
        self._show_abstract(key)
        self._start_read_timer(key)

    @on(Sidebar.Selected)
    @guarded
    def _on_sidebar_selected(self, event: Sidebar.Selected) -> None:
        self.selection = event.selection
        self.sidebar.set_active(event.selection)
        self._show_view(keep_key=self.paper_list.current_key)
        self.paper_list.focus()

    # Auto-read -------------------------------------------------------------------

    def _start_read_timer(self, key: str | None) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        seconds = self.config.auto_read_seconds
        if key is None or seconds <= 0 or key in self.catalog.read:
            return
        self._read_timer = self.set_timer(seconds, functools.partial(self._auto_read, key))

    @guarded
    def _auto_read(self, key: str) -> None:
        self._read_timer = None
        if self.paper_list.current_key != key or key in self.catalog.read:
            return
        self.library.set_read([key], True)
        self._after_state_change([key])

    # State changes -----------------------------------------------------------------

    def _after_state_change(self, keys: list[str], show_abstract: bool = False) -> None:
        """Copy the library's new state of ``keys`` into the catalog and redraw what shows it."""
        states = self.library.states()
        for key in keys:
            self.catalog.update_state(key, states.get(key) or PaperState())
        # A refined query must not reuse hits chosen with the old state (is:starred).
        self.query_search.forget()
        self.paper_list.invalidate()
        self.sidebar.refresh_counts()
        self._update_header()
        current = self.paper_list.current_key
        if show_abstract and current in keys:
            self._show_abstract(current, scroll_home=False)

    def _current(self) -> str | None:
        key = self.paper_list.current_key
        if key is None:
            self.notify("No paper is selected.", severity="warning", markup=False)
        return key

    @guarded
    def action_star(self) -> None:
        key = self._current()
        if key is None:
            return
        starred = key not in self.catalog.starred
        self.library.set_starred(key, starred)
        self._after_state_change([key])
        self.notify("Starred." if starred else "Star removed.", timeout=1.5, markup=False)

    @guarded
    def action_toggle_read(self) -> None:
        key = self._current()
        if key is None:
            return
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        self.library.set_read([key], key not in self.catalog.read)
        self._after_state_change([key])

    @guarded
    def action_mark_all_read(self) -> None:
        keys = [key for key in self.paper_list.keys if key not in self.catalog.read]
        if not keys:
            self.notify("Every paper shown is already read.", markup=False)
            return
        self.library.set_read(keys, True)
        self._undo_keys = keys
        self._after_state_change(keys)
        self.notify(f"Marked {len(keys):,} papers read. Press u to undo.", markup=False)

    @guarded
    def action_undo(self) -> None:
        keys = self._undo_keys
        if not keys:
            self.notify("Nothing to undo.", markup=False)
            return
        self.library.set_read(keys, False)
        self._undo_keys = []
        self._after_state_change(keys)
        self.notify(f"Marked {len(keys):,} papers unread again.", markup=False)

    @guarded
    def action_annotate(self) -> None:

        key = self._current()
        if key is None:
            return
        state = self.library.state(key)
        paper = self.catalog.papers[key]
        editor = NoteEditor(
            key, paper.title, state.note, self.paths.drafts_dir, saved_at=state.changed.get("note")
        )
        self.app.push_screen(editor, functools.partial(self._note_closed, key, state.note))

    @guarded
    def _note_closed(self, key: str, before: str, text: str | None) -> None:
        if text is None:
            return
        if text != before:
            self.library.set_note(key, text)
        # The draft goes only once the note is on disk, so a crash in
        # between still leaves the text somewhere.
        remove_draft(self.paths.drafts_dir, key)
        if text == before:
            return
        self._after_state_change([key], show_abstract=True)
        self.notify("Note saved." if text.strip() else "Note removed.", timeout=2, markup=False)

    @guarded
    def action_edit_tags(self) -> None:
        key = self._current()
        if key is None:
            return
        state = self.library.state(key)
        known = sorted(self.catalog.tag_total, key=str.casefold)
        editor = TagsEditor(self.catalog.papers[key].title, list(state.tags), known)
        self.app.push_screen(editor, functools.partial(self._tags_closed, key, list(state.tags)))

    @guarded
    def _tags_closed(self, key: str, before: list[str], tags: list[str] | None) -> None:
        if tags is None or tags == before:
            return
        self.library.set_tags(key, tags)
        self._after_state_change([key], show_abstract=True)

    # Copy and open -------------------------------------------------------------------

    @guarded
    def action_copy_link(self) -> None:
        key = self._current()
        if key is None:
            return
        url = self.catalog.papers[key].links()["abs"] or ""
        self._copy(url, "arXiv link")

    @guarded
    def action_copy_menu(self) -> None:
        key = self._current()
        if key is None:
            return
        self.app.push_screen(CopyMenu(self.catalog.papers[key]), self._copy_chosen)

    def _copy_chosen(self, choice: tuple[str, str] | None) -> None:
        if choice is not None:
            label, text = choice
            self._copy(text, label)

    def _copy(self, text: str, label: str) -> None:

        self.run_worker(copy_text(self.app, text, label), group="copy", exclusive=True)

    @guarded
    def action_open_browser(self) -> None:
        key = self._current()
        if key is None:
            return
        url = self.catalog.papers[key].links()["abs"]
        if url:
            self._open_url(url)

    @work(thread=True, group="browser")
    def _open_url(self, url: str) -> None:
        try:
            opened = webbrowser.open(url)
        except Exception as error:  # webbrowser raises whatever the browser launcher raises
            log.warning("Opening %s failed: %s", url, error)
            self.app.call_from_thread(
                self.notify, f"Could not open a browser: {error}. The link is {url}", severity="error", markup=False
            )
            return
        if opened:
            self.app.call_from_thread(self.notify, f"Opened {url}", markup=False)
        else:
            self.app.call_from_thread(
                self.notify, f"No browser found. The link is {url}", severity="warning", markup=False
            )

    # Navigation ------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.paper_list.move_by(1)
        self._follow_cursor()

    def action_cursor_up(self) -> None:
        self.paper_list.move_by(-1)
        self._follow_cursor()

    def action_cursor_top(self) -> None:
        self.paper_list.move_to(0)
        self._follow_cursor()

    def action_cursor_bottom(self) -> None:
        self.paper_list.move_to(len(self.paper_list.keys) - 1)
        self._follow_cursor()

    def action_page_down(self) -> None:
        self.paper_list.page(1)
        self._follow_cursor()

    def action_page_up(self) -> None:
        self.paper_list.page(-1)
        self._follow_cursor()

    def _jump(self, direction: int, match: Callable[[str], bool], missing: str) -> None:
        keys = self.paper_list.keys
        index = self.paper_list.cursor + direction
        while 0 <= index < len(keys):
            if match(keys[index]):
                self.paper_list.move_to(index)
                self._follow_cursor()
                return
            index += direction
        self.notify(missing, timeout=2, markup=False)

    def action_next_unread(self) -> None:
        read = self.catalog.read
        self._jump(1, lambda key: key not in read, "No unread paper below.")

    def action_previous_unread(self) -> None:
        read = self.catalog.read
        self._jump(-1, lambda key: key not in read, "No unread paper above.")

    def _day_of(self, key: str) -> str:
        return paper_date(self.catalog.papers[key], self.order)

    def action_next_day(self) -> None:
        key = self.paper_list.current_key
        if key is None:
            return
        day = self._day_of(key)
        self._jump(1, lambda other: self._day_of(other) != day, "This is the last day.")

    def action_previous_day(self) -> None:
        """Go to the first paper of this day, or of the day before when already there."""
        keys = self.paper_list.keys
        index = self.paper_list.cursor
        if not keys:
            return
        day = self._day_of(keys[index])
        if index > 0 and self._day_of(keys[index - 1]) == day:
            while index > 0 and self._day_of(keys[index - 1]) == day:
                index -= 1
            self.paper_list.move_to(index)
            return
        if index == 0:
            self.notify("This is the first day.", timeout=2, markup=False)
            return
        index -= 1
        day = self._day_of(keys[index])
        while index > 0 and self._day_of(keys[index - 1]) == day:
            index -= 1
        self.paper_list.move_to(index)

    def action_abstract_down(self) -> None:
        self.abstract.scroll_relative(y=max(1, self.abstract.size.height // 2), animate=False)

    def action_abstract_up(self) -> None:
        self.abstract.scroll_relative(y=-max(1, self.abstract.size.height // 2), animate=False)

    def action_abstract_page(self) -> None:
        self.abstract.scroll_page_down(animate=False)

    # Sort, sidebar, search ---------------------------------------------------------

    def action_cycle_sort(self) -> None:
        index = SORT_ORDERS.index(self.order)
        self.set_sort(SORT_ORDERS[(index + 1) % len(SORT_ORDERS)])

    @guarded
    def set_sort(self, order: str) -> None:
        self.order = order
        self._show_view(keep_key=self.paper_list.current_key)
        self.notify(f"Sorted by {SORT_LABELS[order]}.", timeout=1.5, markup=False)

    def action_toggle_sidebar(self) -> None:
        if self.sidebar.display:
            self._sidebar_wanted = False
            self._sidebar_forced = False
        else:
            self._sidebar_wanted = True
            self._sidebar_forced = self.size.width < SIDEBAR_MIN_WIDTH
        self._apply_layout()
        if not self.sidebar.display and self.focused is self.sidebar:
            self.paper_list.focus()

    @guarded
    def select(self, selection: Selection) -> None:
        """Show a view, topic, tag, day or saved search (used by the command palette)."""
        self.selection = selection
        self.sidebar.set_active(selection)
        self._show_view(keep_key=self.paper_list.current_key)

    def action_search(self) -> None:
        search = self.search_input
        if self.focused is search:
            search.insert_text_at_cursor("/")  # "/" is a priority binding, so type it here
            return
        search.display = True
        # Focus now, not after the next refresh as Widget.focus does, so keys
        # typed right after "/" (a paste, a fast typist) reach the input.
        self.set_focus(search)

    def action_clear_search(self) -> None:
        """Clear the search; with no search shown, leave a "Similar to" view."""
        if not self.search_input.display:
            if self.selection.kind == "similar":
                self.select(self._previous_selection)
            return
        self._clear_search_input()
        self._set_rows(self._view_keys, keep_key=self.paper_list.current_key)
        self.paper_list.focus()

    def _clear_search_input(self) -> None:
        search = self.search_input
        search.value = ""
        search.display = False
        self.search_query = ""
        self.status.set_message("search", "")

    @on(Input.Changed, "#search")
    def _on_search_changed(self, event: Input.Changed) -> None:
        self._search_changed(event.value)

    @on(Input.Submitted, "#search")
    def _on_search_submitted(self) -> None:
        if not self.search_input.value.strip():
            self.action_clear_search()
        else:
            self.paper_list.focus()

    # Help, refresh, quit --------------------------------------------------------------

    def action_help(self) -> None:

        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.app.exit()

    # Topics ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="topics")
    def _assign_topics(self) -> None:
        worker = get_current_worker()
        papers = list(self.catalog.papers.values())
        topics: dict[str, tuple[str, ...]] = {}
        for start in range(0, len(papers), 2000):
            if worker.is_cancelled:
                return
            topics.update(assign_topics(papers[start : start + 2000], self.taxonomy))
        self.app.call_from_thread(self._topics_ready, topics)

    @guarded
    def _topics_ready(self, topics: dict[str, tuple[str, ...]]) -> None:
        self.catalog.set_topics(topics)
        gc.freeze()
        self.sidebar.rebuild()
        key = self.paper_list.current_key
        if key is not None:
            self._show_abstract(key, scroll_home=False)
        # The search index starts after the topics, so that topic: reads
        # them instead of assigning every paper a second time.
        if not self.query_search.ready and not self._index_building:
            self._start_search_index()
