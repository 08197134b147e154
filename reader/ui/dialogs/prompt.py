"""A one-line text question in a modal dialog: a saved-search name, an export path."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from reader.ui.dialogs._base import DialogScreen


class PromptDialog(DialogScreen[str | None]):
    """Ask for one line of text; dismisses with the stripped text, or None on cancel.

    An empty answer is not accepted: the dialog stays open and says so.

    | Key | Action |
    | :- | :- |
    | enter | Return the text and close. |
    | escape | Close without an answer. |
    """

    DEFAULT_CSS = """
    PromptDialog #prompt-error {
        color: $error;
        height: auto;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, question: str, value: str = "", *, placeholder: str = "") -> None:
        super().__init__()
        self.dialog_title = title
        """Box title; plain words chosen by the app, not user text."""
        self.question = question
        """Line above the input, shown with markup off."""
        self.value = value
        """Text the input starts with."""
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = self.dialog_title
            box.border_subtitle = "Enter accept · Esc cancel"
            yield Label(self.question, markup=False, classes="dialog-heading")
            yield Input(value=self.value, placeholder=self.placeholder, select_on_focus=False, id="prompt-input")
            yield Label("", markup=False, id="prompt-error")

    def on_mount(self) -> None:
        self.query_one("#prompt-error", Label).display = False
        self.query_one("#prompt-input", Input).focus()

    @on(Input.Submitted, "#prompt-input")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        answer = event.value.strip()
        if not answer:
            error = self.query_one("#prompt-error", Label)
            error.update("Type something, or press Escape to cancel.")
            error.display = True
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
