"""The copy menu: pick what to copy for a paper, by key or from a list."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reader.clipboard import CopyChoice, copy_choices, preview
from reader.models import Paper
from reader.ui.dialogs._base import DialogScreen

_PREVIEW_WIDTH = 60


def choice_prompt(choice: CopyChoice) -> Content:
    """Build an option's prompt: shortcut, label, then the text to copy, never parsed as markup."""
    return Content.assemble(
        (f" {choice.key_hint} ", "bold reverse"),
        " ",
        (choice.label, "bold"),
        "\n    ",
        preview(choice.text, _PREVIEW_WIDTH),
    )


class CopyMenu(DialogScreen[tuple[str, str] | None]):
    """Offer every text that can be copied for ``paper``.

    Dismisses with ``(label, text)`` of the picked choice, or None on cancel.

    | Key | Action |
    | :- | :- |
    | a p h g w d m b i | Pick the choice with that shortcut (only those present). |
    | up, down, enter | Move through the list and pick. |
    | escape | Close without copying. |
    """

    DEFAULT_CSS = """
    CopyMenu #copy-options {
        height: auto;
        max-height: 24;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    CopyMenu.-short > .dialog-box {
        height: 100%;
    }
    CopyMenu.-short #copy-options {
        height: 1fr;
        max-height: 100%;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, paper: Paper) -> None:
        super().__init__()
        self.paper = paper
        """The paper whose texts are offered."""
        self.choices = copy_choices(paper)
        """What can be copied, in menu order."""
        self._by_hint = {choice.key_hint: choice for choice in self.choices}

    def compose(self) -> ComposeResult:
        options = [Option(choice_prompt(choice), id=choice.key_hint) for choice in self.choices]
        with Vertical(classes="dialog-box") as box:
            box.border_title = "Copy"
            box.border_subtitle = "Key or Enter copies · Esc cancel"
            yield Label(self.paper.title, markup=False, classes="dialog-heading")
            yield OptionList(*options, markup=False, id="copy-options")

    def on_mount(self) -> None:
        self.query_one("#copy-options", OptionList).focus()

    def _pick(self, choice: CopyChoice) -> None:
        self.dismiss((choice.label, choice.text))

    def on_key(self, event: events.Key) -> None:
        choice = self._by_hint.get(event.key)
        if choice is not None:
            event.stop()
            event.prevent_default()
            self._pick(choice)

    @on(OptionList.OptionSelected, "#copy-options")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = self._by_hint.get(event.option_id or "")
        if choice is not None:
            self._pick(choice)

    def action_cancel(self) -> None:
        self.dismiss(None)
