"""Shared look of the modal dialogs: a bordered box centred over the dimmed app."""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, TextArea

ResultType = TypeVar("ResultType")

SHORT_HEIGHT = 20
"""Terminal rows below which dialogs drop inner borders and wrapped headings."""


class DialogScreen(ModalScreen[ResultType]):
    """A modal screen whose ``.dialog-box`` child is drawn as a centred box.

    Paper text (titles, notes, tags) is always shown with markup off, so a
    title such as ``[bold]x[/bold]`` appears literally. The key hints are the
    box's border subtitle. In a terminal shorter than SHORT_HEIGHT rows the
    screen gets the ``-short`` class, and its inputs, text areas and option
    lists turn compact, so the content still fits in 12 rows.
    """

    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
    }
    DialogScreen > .dialog-box {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: round $primary;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
    }
    DialogScreen.-short > .dialog-box {
        max-height: 100%;
    }
    DialogScreen .dialog-heading {
        width: 100%;
        height: auto;
        max-height: 3;
        text-style: bold;
    }
    DialogScreen.-short .dialog-heading {
        max-height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    DialogScreen .dialog-buttons {
        width: 100%;
        height: auto;
        align-horizontal: right;
    }
    DialogScreen .dialog-buttons Button {
        margin-left: 1;
        min-width: 6;
    }
    """

    def _fit_to(self, size: Size) -> None:
        short = size.height < SHORT_HEIGHT
        self.set_class(short, "-short")
        for widget in self.query("Input, TextArea, OptionList").results():
            if isinstance(widget, (Input, TextArea, OptionList)):
                widget.compact = short

    # Textual dispatches a message to the handler of every class in the MRO,
    # so subclasses may define on_mount without calling this one.
    def on_mount(self, event: events.Mount) -> None:
        self._fit_to(self.app.size)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_to(event.size)
