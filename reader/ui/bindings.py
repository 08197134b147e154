"""The one table of key bindings: it feeds the footer, the help screen and the user keymap.

Every binding has an id equal to its action name, so a config line such as
``star = "x"`` under ``[keys]`` rebinds the ``star`` action (Textual's
``App.set_keymap`` replaces the keys of the binding with that id).
Nothing is bound to ctrl+s, because terminals use it for flow control, nor
to ctrl+b, the tmux prefix key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding

NAVIGATE = "Navigate"
PAPER = "Paper"
LIST = "List"
VIEW = "View"
APP = "App"

GROUPS = (NAVIGATE, PAPER, LIST, VIEW, APP)
"""Order of the groups on the help screen."""


@dataclass(frozen=True)
class KeySpec:
    """One row of the binding table."""

    action: str
    """Action name on the main screen, also the binding id used by the keymap."""
    keys: str
    """Default keys, comma-separated in Textual's key names."""
    description: str
    """Full description, shown on the help screen."""
    group: str
    footer: bool = False
    """Whether the footer shows this binding."""
    key_display: str | None = None
    short: str = ""
    """Footer label; the description when empty."""
    priority: bool = False


KEY_TABLE: tuple[KeySpec, ...] = (
    KeySpec("cursor_down", "j,down", "Next paper", NAVIGATE, key_display="j/↓"),
    KeySpec("cursor_up", "k,up", "Previous paper", NAVIGATE, key_display="k/↑"),
    KeySpec("cursor_top", "g,home", "First paper", NAVIGATE),
    KeySpec("cursor_bottom", "G,end", "Last paper", NAVIGATE),
    KeySpec("page_down", "pagedown", "Page down", NAVIGATE),
    KeySpec("page_up", "pageup", "Page up", NAVIGATE),
    KeySpec("next_unread", "n", "Next unread paper", NAVIGATE, footer=True, short="Unread"),
    KeySpec("previous_unread", "N", "Previous unread paper", NAVIGATE),
    KeySpec("next_day", "right_square_bracket", "Next day", NAVIGATE, key_display="]"),
    KeySpec("previous_day", "left_square_bracket", "Previous day", NAVIGATE, key_display="["),
    KeySpec("abstract_down", "J,ctrl+d", "Scroll the abstract down", NAVIGATE),
    KeySpec("abstract_up", "K,ctrl+u", "Scroll the abstract up", NAVIGATE),
    KeySpec("abstract_page", "space", "Page the abstract down", NAVIGATE),
    KeySpec("star", "s", "Star or unstar", PAPER, footer=True, short="Star"),
    KeySpec("toggle_read", "r", "Mark read or unread", PAPER, footer=True, short="Read"),
    KeySpec("annotate", "a", "Edit the note", PAPER, footer=True, short="Note"),
    KeySpec("edit_tags", "t", "Edit tags", PAPER, footer=True, short="Tags"),
    KeySpec("copy_link", "y", "Copy the arXiv link", PAPER, footer=True, short="Copy link"),
    KeySpec("copy_menu", "c", "Copy…", PAPER),
    KeySpec("open_browser", "o", "Open in the browser", PAPER, footer=True, short="Open"),
    KeySpec("similar", "m", "More like this: list the most similar papers", PAPER, footer=True, short="Similar"),
    KeySpec("mark_all_read", "R", "Mark all shown papers read", LIST),
    KeySpec("undo", "u", "Undo mark all read", LIST),
    # A priority binding runs before the key reaches the focused widget, so
    # the focus is already in the search input when the next key is handled
    # (without it, letters typed right after "/" are lost).
    KeySpec("search", "slash", "Search", LIST, footer=True, key_display="/", priority=True),
    KeySpec("save_search", "ctrl+f", "Save the current search under a name", LIST),
    KeySpec("cycle_sort", "S", "Change the sort order", LIST),
    KeySpec("toggle_sidebar", "b", "Show or hide the sidebar", VIEW),
    KeySpec(
        "refresh", "f5,ctrl+r", "Fetch new papers (the config's subscriptions)", APP,
        footer=True, short="Fetch", key_display="F5",
    ),
    KeySpec("help", "question_mark", "Help", APP, footer=True, key_display="?"),
    KeySpec("quit", "q,ctrl+q", "Quit", APP, footer=True, key_display="q"),
)
"""Every main-screen binding, in help-screen order. Tab, shift+tab and ctrl+p are Textual's."""

KNOWN_ACTIONS = frozenset(spec.action for spec in KEY_TABLE)

FOOTER_ORDER = (
    "help",
    "search",
    "next_unread",
    "star",
    "toggle_read",
    "annotate",
    "edit_tags",
    "copy_link",
    "open_browser",
    "similar",
    "refresh",
    "quit",
)
"""Actions shown in the footer, left to right. Help and search come first because an
80-column footer cuts off the end."""


def _footer_rank(spec: KeySpec) -> int:
    return FOOTER_ORDER.index(spec.action) if spec.action in FOOTER_ORDER else len(FOOTER_ORDER)


def screen_bindings() -> list[Binding]:
    """Build the Textual bindings of the main screen from the table, footer ones in FOOTER_ORDER.

    The footer lists bindings in the order they are declared.
    """
    return [
        Binding(
            spec.keys,
            spec.action,
            spec.short or spec.description,
            show=spec.footer,
            key_display=spec.key_display,
            tooltip=spec.description,
            priority=spec.priority,
            id=spec.action,
        )
        for spec in sorted(KEY_TABLE, key=_footer_rank)
    ]


def split_keymap(keys: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Split the config's ``[keys]`` table into a Textual keymap and the unknown action names."""
    keymap: dict[str, str] = {}
    unknown: list[str] = []
    for action, value in keys.items():
        if action in KNOWN_ACTIONS:
            keymap[action] = value
        else:
            unknown.append(action)
    return keymap, unknown


def effective_keys(spec: KeySpec, keymap: Mapping[str, str]) -> list[str]:
    """Return the keys that trigger a binding now, after the user's keymap."""
    keys = keymap.get(spec.action, spec.keys)
    return [key.strip() for key in keys.split(",") if key.strip()]
