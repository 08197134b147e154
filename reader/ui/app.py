"""The Textual app: a small hub that keeps the library and config and shows the main screen."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from rich.text import Text
from textual.app import App, SystemCommand
from textual.screen import Screen

from reader.config import Config
from reader.drafts import remove_draft
from reader.errors import ReaderError
from reader.paths import Paths
from reader.store import Library, Notice
from reader.topics import Taxonomy
from reader.ui.bindings import split_keymap
from reader.ui.dialogs import NoteEditor
from reader.ui.catalog import SORT_LABELS, SORT_ORDERS, VIEW_LABELS, VIEWS, Selection
from reader.ui.main_screen import MainScreen
from reader.ui.screen_library import EXPORT_LABELS
from reader.ui.styles import app_css_path

log = logging.getLogger(__name__)


class PapersApp(App[int]):
    """papers-reader."""

    TITLE = "papers"
    CSS_PATH = str(app_css_path())
    HORIZONTAL_BREAKPOINTS = []

    def __init__(
        self,
        library: Library,
        config: Config,
        paths: Paths,
        notices: Iterable[Notice] = (),
        taxonomy: Taxonomy | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.config = config
        self.paths = paths
        self.startup_notices = list(notices)
        self.taxonomy = taxonomy or Taxonomy.load(config.topics)
        self.keymap_overrides, self._unknown_keys = split_keymap(config.keys)
        """Action name -> keys from the config's [keys] table, for the help screen."""

    def on_mount(self) -> None:
        self.set_keymap(self.keymap_overrides)
        self.push_screen(MainScreen(self.library, self.config, self.paths, self.taxonomy))
        for notice in self.startup_notices:
            self.notify(notice.message, title=notice.title, severity="warning", timeout=12, markup=False)
        if self._unknown_keys:
            self.notify(
                f"Unknown actions in [keys] of the config file: {', '.join(self._unknown_keys)}. "
                "Press ? to see the action names.",
                severity="warning",
                markup=False,
            )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for order in SORT_ORDERS:
            yield SystemCommand(
                f"Sort by {SORT_LABELS[order]}", "Change the order of the paper list", lambda o=order: screen.set_sort(o)
            )
        for view in VIEWS:
            yield SystemCommand(
                f"Show {VIEW_LABELS[view]}", "Filter the list to this view", lambda v=view: screen.select(Selection("view", v))
            )
        for name, query in self.config.searches.items():
            yield SystemCommand(
                f"Search: {name}", f"Run the saved search {query!r}", lambda q=query: screen.select(Selection("search", q))
            )
        yield SystemCommand("Save current search…", "Save the query typed after / under a name", screen.action_save_search)
        yield SystemCommand("More like this", "List the papers most similar to the one under the cursor", screen.action_similar)
        for fmt, label in EXPORT_LABELS.items():
            yield SystemCommand(
                f"Export view as {label}", "Write the papers listed now to a file", lambda f=fmt: screen.export_view(f)
            )
        yield SystemCommand("Fetch new papers", "Fetch the subscriptions from the config file", screen.action_refresh)
        yield SystemCommand("Reload library from disk", "Re-read the library files another program changed", screen.action_reload)
        yield SystemCommand("Toggle sidebar", "Show or hide the topic sidebar", screen.action_toggle_sidebar)

    def exit(self, result: int | None = None, return_code: int = 0, message: object = None) -> None:
        """Save a note that is still open in the editor, then exit.

        Every way out (q, ctrl+q, SIGTERM, SIGHUP) passes through here, so a
        note being typed is stored, not left only as a draft.
        """
        self._save_open_notes()
        super().exit(result, return_code, message)  # type: ignore[arg-type]

    def _save_open_notes(self) -> None:
        for screen in self.screen_stack:
            if not isinstance(screen, NoteEditor):
                continue
            key = screen.paper_key
            try:
                text = screen.current_text()
                if text != self.library.state(key).note:
                    self.library.set_note(key, text)
                    log.info("Saved the open note of %s on exit", key)
                remove_draft(self.paths.drafts_dir, key)
            except (ReaderError, OSError):
                # The draft stays on disk and is offered again at the next start.
                log.exception("Could not save the open note of %s on exit", key)

    def _handle_exception(self, error: Exception) -> None:
        # An error that escaped every handler: log it with its traceback and
        # leave with one line instead of a traceback in the terminal.
        log.error("Unexpected error, exiting", exc_info=error)
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self.exit(
            return_code=1,
            message=Text(
                f"papers: unexpected error: {type(error).__name__}: {error}. "
                f"Details are in {self.paths.log_file}."
            ),
        )
