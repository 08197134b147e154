"""The one-line header: current view, how many papers it shows, unread count and sort order."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reader.ui.catalog import SORT_LABELS
from reader.ui.widgets.text import one_line


def header_text(
    view: str, shown: int, total: int, unread: int, sort: str, query: str = "", note: str = ""
) -> Text:
    """Build the header line from plain values (view and query are user text, never markup).

    ``note`` names work running in the background, e.g. ``indexing…``.
    """
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(" papers ", style="bold reverse")
    text.append(" ")
    text.append(one_line(view), style="bold")
    if query:
        text.append(" / ")
        text.append(one_line(query), style="italic")
    text.append(f"  {shown:,} of {total:,}", style="")
    text.append(f"  {unread:,} unread", style="")
    if sort:
        text.append(f"  sort: {SORT_LABELS.get(sort, sort)}", style="dim")
    if note:
        text.append(f"  {note}", style="italic")
    return text


class HeaderBar(Static):
    """The header of the main screen."""

    DEFAULT_CSS = """
    HeaderBar {
        height: 1;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def show(
        self, view: str, shown: int, total: int, unread: int, sort: str, query: str = "", note: str = ""
    ) -> None:
        self.update(header_text(view, shown, total, unread, sort, query, note))
