"""The paper list: one line per paper, rendered only for the rows on screen.

A line-API ``ScrollView``: the widget holds a list of keys and builds a row
only when ``render_line`` requests it, with a small LRU cache, so 100,000
papers cost no more to show than 100. It posts messages up and never touches
the disk or the clipboard.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import Paper
from reader.ui.catalog import Catalog, paper_date
from reader.ui.widgets.text import fit, one_line

UNREAD_MARK = "●"
STAR_MARK = "★"
NOTE_MARK = "✎"
AUTHOR_WIDTH = 16


class PaperList(ScrollView, can_focus=True):
    """The scrollable list of papers with a cursor.

    | Component class | Applies to |
    |---|---|
    | `paper-list--cursor` | the row under the cursor |
    | `paper-list--unread` | rows of unread papers |
    | `paper-list--read` | rows of read papers |
    | `paper-list--meta` | author, date and upvote columns |
    | `paper-list--star` | the star mark |
    """

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--meta",
        "paper-list--star",
    }

    DEFAULT_CSS = """
    PaperList {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another paper (key is None when the list is empty)."""

        paper_list: PaperList
        key: str | None

        @property
        def control(self) -> PaperList:
            return self.paper_list

    def __init__(self, catalog: Catalog, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catalog = catalog
        self.keys: list[str] = []
        self.sort_order = "listed"
        self.cursor = 0
        self._generation = 0
        self._row_cache: LRUCache[tuple, Strip] = LRUCache(256)
        self._styles: dict[str, Style] | None = None

    # Data ------------------------------------------------------------------------

    @property
    def current_key(self) -> str | None:
        if 0 <= self.cursor < len(self.keys):
            return self.keys[self.cursor]
        return None

    def set_rows(self, keys: list[str], keep_key: str | None = None, sort_order: str | None = None) -> None:
        """Show these keys; keep the cursor on ``keep_key`` when it is still listed."""
        self.keys = keys
        if sort_order is not None:
            self.sort_order = sort_order
        index = 0
        if keep_key is not None:
            try:
                index = keys.index(keep_key)
            except ValueError:
                index = min(self.cursor, max(len(keys) - 1, 0))
        self.cursor = index
        self.virtual_size = Size(0, len(keys))
        self.invalidate()
        self.scroll_to(y=max(0, index - self._page_height() // 2), animate=False)
        self.post_message(self.Highlighted(self, self.current_key))

    def invalidate(self) -> None:
        """Forget every rendered row, e.g. after a state or theme change."""
        self._generation += 1
        self._row_cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._row_cache.clear()

    # Cursor ----------------------------------------------------------------------

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def move_to(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped), scroll it into view and post Highlighted."""
        if not self.keys:
            return
        index = max(0, min(index, len(self.keys) - 1))
        if index == self.cursor:
            self._scroll_cursor_into_view()
            return
        old = self.cursor
        self.cursor = index
        self.refresh_line(old)
        self.refresh_line(index)
        self._scroll_cursor_into_view()
        self.post_message(self.Highlighted(self, self.current_key))

    def move_by(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def page(self, direction: int) -> None:
        self.move_by(direction * max(1, self._page_height() - 1))

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_offset.y)
        height = self._page_height()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.keys):
            self.focus()
            self.move_to(index)

    # Rendering ------------------------------------------------------------------

    def _get_styles(self) -> dict[str, Style]:
        if self._styles is None:
            self._styles = {
                name: self.get_component_rich_style(f"paper-list--{name}")
                for name in ("cursor", "unread", "read", "meta", "star")
            }
        return self._styles

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.keys) or width <= 0:
            return Strip.blank(max(width, 0), self.rich_style)
        is_cursor = index == self.cursor
        cache_key = (index, width, is_cursor, self.has_focus, self._generation)
        strip = self._row_cache.get(cache_key)
        if strip is None:
            strip = self._render_row(index, width, is_cursor)
            self._row_cache[cache_key] = strip
        return strip

    def _render_row(self, index: int, width: int, is_cursor: bool) -> Strip:
        styles = self._get_styles()
        key = self.keys[index]
        catalog = self.catalog
        paper = catalog.papers.get(key)
        if paper is None:
            return Strip.blank(width, self.rich_style)
        unread = key not in catalog.read
        base = styles["unread"] if unread else styles["read"]
        if is_cursor:
            base = base + styles["cursor"]
        meta = base + styles["meta"]

        marks = (UNREAD_MARK if unread else " ") + " "
        star = STAR_MARK if key in catalog.starred else " "
        note = NOTE_MARK if key in catalog.annotated else " "
        lead = [Segment(marks, base), Segment(star, base + styles["star"]), Segment(note + " ", base)]
        lead_width = 5

        right = self._right_columns(paper, width)
        right_width = cell_len(right)
        title_width = width - lead_width - right_width
        if title_width < 1:
            # Too narrow for anything but marks: show what fits.
            return Strip(lead, lead_width).crop_extend(0, width, base)
        title = fit(one_line(paper.title), title_width)
        segments = [*lead, Segment(title, base), Segment(right, meta)]
        return Strip(segments, lead_width + title_width + right_width)

    def _right_columns(self, paper: Paper, width: int) -> str:
        """Return the author, date and upvote columns that fit in a row ``width`` cells wide."""
        parts: list[str] = []
        if width >= 70:
            author = paper.authors[0] if paper.authors else ""
            if len(paper.authors) > 1 or paper.author_count > 1:
                author += " et al."
            parts.append(fit(one_line(author), AUTHOR_WIDTH))
        if width >= 46:
            parts.append(f"{paper_date(paper, self.sort_order) or '':>10}")
        if width >= 28:
            upvotes = "" if paper.upvotes is None else f"▲{paper.upvotes}"
            parts.append(f"{upvotes:>5}")
        if not parts:
            return ""
        return " " + " ".join(parts) + " "

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

