"""A yes/no question in a modal dialog."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from reader.ui.dialogs._base import DialogScreen


class ConfirmDialog(DialogScreen[bool]):
    """Ask ``question``; dismisses with True for yes, False for no or escape.

    | Key | Action |
    | :- | :- |
    | y | Answer yes. |
    | n, escape | Answer no. |
    | enter | Press the focused button (no is focused first). |
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(
        self, question: str, *, title: str = "Confirm", yes_label: str = "Yes", no_label: str = "No"
    ) -> None:
        super().__init__()
        self.question = question
        """The question, shown with markup off."""
        self.dialog_title = title
        self.yes_label = yes_label
        self.no_label = no_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = self.dialog_title
            yield Static(self.question, markup=False, id="question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes_label} (y)", variant="primary", id="yes", compact=True)
                yield Button(f"{self.no_label} (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
