"""Shared look of the modal dialogs: a bordered box centred over the dimmed app."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class DialogScreen(ModalScreen[ResultType]):
    """A modal screen whose ``.dialog-box`` child is drawn as a centred box.

    Paper text (titles, notes, tags) is always shown with markup off, so a
    title such as ``[bold]x[/bold]`` appears literally.
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
        background: $surface;
        padding: 0 1;
    }
    DialogScreen .dialog-heading {
        width: 100%;
        text-style: bold;
        height: auto;
        max-height: 3;
    }
    DialogScreen .dialog-keys {
        width: 100%;
        color: $text-muted;
        height: auto;
    }
    DialogScreen .dialog-buttons {
        width: 100%;
        height: auto;
        align-horizontal: right;
    }
    DialogScreen .dialog-buttons Button {
        margin-left: 1;
    }
    """
