"""The help screen, built from the live binding table and the user's keymap."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.bindings import GROUPS, KEY_TABLE, effective_keys

# Textual key names shown as the character a user types.
_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "space",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "f5": "F5",
    "down": "↓",
    "up": "↑",
}

EXTRA_KEYS = (
    ("Tab / shift+tab", "Move focus between sidebar, list and abstract"),
    ("Enter", "In the sidebar: show that view, topic, tag, day or search"),
    ("Escape", "Clear the search, or leave the similar-papers view"),
    ("ctrl+p", "Command palette: sort orders, views, saved searches, export, reload from disk"),
)

SEARCH_EXAMPLES = (
    ("diffusion model", "Papers with words starting with both"),
    ('"exact phrase"', "Words in this order"),
    ("-word, a OR b", "Exclude a word; either of two"),
    ("author: title: abstract:", "A word in one field, e.g. author:\"de la Cruz\""),
    ("topic: tag: note: cat: id:", "Topic name, user tag, note text, arXiv category or id"),
    ("is:starred is:unread", "Read state; also is:annotated, is:tagged"),
    ("since:2025-01 last:7d", "Listed dates; also before:, until:, on:, this:week"),
    ("upvotes:>50 stars:>=100", "HF upvotes or GitHub stars"),
    ("saved:NAME", "A saved search (save one with ctrl+f)"),
)


def key_label(key: str) -> str:
    """Return how a Textual key name is shown to the user."""
    return _KEY_NAMES.get(key, key)


def help_table(keymap: Mapping[str, str]) -> Table:
    """Build the table of every binding, grouped, with the keys the keymap gives them now."""
    table = Table.grid(padding=(0, 2))
    # Folding long key lists keeps room for the descriptions at 40 columns.
    table.add_column(style="bold", max_width=16, overflow="fold")
    table.add_column()
    for group in GROUPS:
        table.add_row(Text(group, style="bold underline"), "")
        for spec in KEY_TABLE:
            if spec.group != group:
                continue
            keys = ", ".join(key_label(key) for key in effective_keys(spec, keymap))
            table.add_row(Text(keys), Text(spec.description))
        table.add_row("", "")
    table.add_row(Text("Other", style="bold underline"), "")
    for keys, description in EXTRA_KEYS:
        table.add_row(Text(keys), Text(description))
    table.add_row("", "")
    table.add_row(Text("Search queries", style="bold underline"), "")
    for example, description in SEARCH_EXAMPLES:
        table.add_row(Text(example), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key of the main screen; Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="close_help"),
    ]

    def compose(self) -> ComposeResult:
        keymap = getattr(self.app, "keymap_overrides", {})
        with VerticalScroll(id="help-box"):
            yield Static(Text("papers-reader keys", style="bold"), id="help-title")
            yield Static(help_table(keymap), id="help-table")
            yield Static(Text("Change keys in config.toml under [keys], e.g. star = \"x\".", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
