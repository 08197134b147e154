"""A one-line status bar above the footer for search errors and fetch progress.

Each source of messages owns a slot, so a fetch progress line does not hide
a search error. The line is hidden while every slot is empty.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reader.ui.widgets.text import one_line

SLOT_STYLES = {"search": "bold red", "fetch": "", "similar": ""}
"""Slots in the order they are shown, with the style of their text."""


class StatusLine(Static):
    """Messages by slot, shown on one line with markup off."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.messages: dict[str, str] = {}
        """Slot name -> message; empty slots are absent."""

    def on_mount(self) -> None:
        self.display = False

    def set_message(self, slot: str, message: str) -> None:
        """Show ``message`` in ``slot``, or clear the slot when it is empty."""
        if message:
            self.messages[slot] = one_line(message)
        else:
            self.messages.pop(slot, None)
        text = Text(no_wrap=True, overflow="ellipsis")
        for name, style in SLOT_STYLES.items():
            value = self.messages.get(name)
            if value:
                if text:
                    text.append("  │  ", style="dim")
                text.append(value, style=style)
        self.update(text)
        self.display = bool(self.messages)
