"""A dialog that shows text to copy by hand when no clipboard can be reached."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static, TextArea

from reader.ui.dialogs._base import DialogScreen


class SelectTextDialog(DialogScreen[None]):
    """Show ``text`` selected in a read-only text area, for the terminal's own copy.

    | Key | Action |
    | :- | :- |
    | escape, enter | Close the dialog. |
    """

    DEFAULT_CSS = """
    SelectTextDialog #select-text {
        height: auto;
        max-height: 20;
    }
    SelectTextDialog.-short > .dialog-box {
        height: 100%;
    }
    SelectTextDialog.-short #select-text {
        height: 1fr;
        max-height: 100%;
    }
    SelectTextDialog .dialog-hint {
        color: $text-muted;
    }
    SelectTextDialog.-short .dialog-hint, SelectTextDialog.-short .dialog-reason {
        max-height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, label: str, text: str, reason: str = "") -> None:
        super().__init__()
        self.reason = reason
        """Why the text is not copied automatically; shown when not empty."""
        self.label = label
        """Name of the text, e.g. ``arXiv link``."""
        self.text = text
        """The text to copy."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = "Copy by hand"
            box.border_subtitle = "Esc or Enter close"
            yield Label(f"Copy the {self.label} by hand", markup=False, classes="dialog-heading")
            if self.reason:
                yield Static(self.reason, markup=False, classes="dialog-reason")
            yield TextArea(self.text, read_only=True, soft_wrap=True, id="select-text")
            yield Static(
                "Select with the mouse (hold Shift in most terminals), then use "
                "the terminal's copy key.",
                markup=False,
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        text_area = self.query_one("#select-text", TextArea)
        text_area.select_all()
        text_area.focus()

    def action_close(self) -> None:
        self.dismiss(None)
