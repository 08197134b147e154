"""The abstract pane: everything known about the highlighted paper, plus the user's note and tags.

All paper text goes in as plain strings appended to a rich ``Text``, so a
title such as ``[bold]x[/bold]`` is shown literally and never parsed as markup.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import Paper, PaperState
from reader.topics import Taxonomy
from reader.ui.widgets.text import multiline, one_line

AUTHORS_SHOWN = 10
"""Authors listed before the rest are folded into "… and N more"."""

LINK_LABELS = {"abs": "Abstract page", "pdf": "PDF", "hf": "Hugging Face"}


def fold_authors(authors: list[str], count: int) -> str:
    """Return the author line, with long lists cut after AUTHORS_SHOWN names."""
    total = max(count, len(authors))
    if not authors:
        return f"{total} authors" if total else "Unknown authors"
    # "… and 1 more" takes as much room as the name it hides.
    limit = len(authors) if total <= AUTHORS_SHOWN + 1 else AUTHORS_SHOWN
    shown = [one_line(name) for name in authors[:limit]]
    line = ", ".join(shown)
    hidden = total - len(shown)
    if hidden > 0:
        line += f" … and {hidden} more"
    return line


def describe(paper: Paper, state: PaperState, taxonomy: Taxonomy | None, topics: tuple[str, ...]) -> Text:
    """Build the pane's text for one paper."""
    text = Text()
    text.append(one_line(paper.title), style="bold")
    if paper.withdrawn:
        text.append("  (withdrawn)", style="red")
    text.append("\n")
    text.append(fold_authors(paper.authors, paper.author_count), style="italic")
    text.append("\n\n")

    dates = [
        (label, value)
        for label, value in (
            ("Published", paper.published),
            ("Updated", paper.updated if paper.updated != paper.published else None),
            ("Listed", paper.listed),
        )
        if value
    ]
    if dates:
        _field(text, "Dates", "   ".join(f"{label} {value}" for label, value in dates))
    if paper.arxiv_id:
        _field(text, "arXiv", paper.versioned_id)
    if paper.organization:
        _field(text, "Organization", paper.organization)
    if paper.upvotes is not None:
        _field(text, "Upvotes", f"▲ {paper.upvotes}")
    if paper.github:
        stars = f"  ★ {paper.github_stars}" if paper.github_stars is not None else ""
        _field(text, "GitHub", paper.github + stars)
    if paper.project_page:
        _field(text, "Project", paper.project_page)
    if paper.keywords:
        _field(text, "Keywords", ", ".join(paper.keywords))
    if paper.categories:
        if taxonomy is not None:
            names = [f"{taxonomy.category_name(code)} ({code})" for code in paper.categories]
        else:
            names = list(paper.categories)
        _field(text, "Categories", ", ".join(names))
    if topics:
        _field(text, "Topics", ", ".join(topics))
    if paper.journal_ref:
        _field(text, "Journal", paper.journal_ref)
    if paper.doi:
        _field(text, "DOI", paper.doi)
    if paper.comment:
        _field(text, "Comment", paper.comment)

    text.append("\n")
    text.append(multiline(paper.abstract) if paper.abstract else "No abstract.")
    text.append("\n\n")

    for name, url in paper.links().items():
        if url:
            _field(text, LINK_LABELS.get(name, name), url)
    if state.tags:
        _field(text, "Tags", "  ".join(f"#{tag}" for tag in state.tags))
    if state.note.strip():
        text.append("\nNote\n", style="bold")
        text.append(multiline(state.note.rstrip()))
        text.append("\n")
    return text


def _field(text: Text, label: str, value: str) -> None:
    text.append(f"{label}: ", style="bold")
    text.append(one_line(value))
    text.append("\n")


class AbstractPane(ScrollView, can_focus=True):
    """A scrolling view of one paper; the screen scrolls it while the list keeps focus.

    A line-API widget: the text is wrapped once per paper and width, and a
    new paper redraws only this pane. (A Static inside a VerticalScroll made
    every cursor move re-lay out the whole screen, about 20 ms at 160x50.)
    """

    DEFAULT_CSS = """
    AbstractPane {
        overflow-x: hidden;
        overflow-y: scroll;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text: Text = Text("No paper selected.")
        """What the pane shows, before wrapping."""
        self._lines: list[Strip] = []
        self._wrapped_width = -1

    def show(
        self,
        paper: Paper | None,
        state: PaperState | None,
        taxonomy: Taxonomy | None,
        topics: tuple[str, ...] = (),
        scroll_home: bool = True,
    ) -> None:
        """Show a paper (or an empty message), by default from the top."""
        if paper is None:
            self.text = Text("No paper matches this view.")
        else:
            self.text = describe(paper, state or PaperState(), taxonomy, topics)
        self._wrapped_width = -1
        if scroll_home:
            self.scroll_to(y=0, animate=False)
        self._wrap(self.scrollable_content_region.width)
        self.refresh()

    @property
    def plain(self) -> str:
        """The pane's text without styles."""
        return self.text.plain

    def _wrap(self, width: int) -> None:
        if width == self._wrapped_width:
            return
        self._wrapped_width = width
        self._lines = []
        if width > 0:
            # One cell of margin on each side, drawn here rather than with CSS
            # padding, which costs a pass over every line on every repaint.
            margin = 1 if width > 10 else 0
            console = self.app.console
            options = console.options.update_width(width - 2 * margin)
            style = self.rich_style
            pad = [Segment(" " * margin, style)] if margin else []
            for line in console.render_lines(self.text, options, pad=False):
                segments = [*pad, *Segment.apply_style(line, style)]
                segments = Segment.adjust_line_length(segments, width, style)
                self._lines.append(Strip(segments, width))
        size = Size(width, len(self._lines))
        if size != self.virtual_size:
            # Setting virtual_size normally requests a layout of the whole
            # screen; with the scrollbar always shown (overflow-y: scroll) the
            # pane's own size cannot change, so updating the scrollbar is enough.
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)

    def on_resize(self) -> None:
        self._wrap(self.scrollable_content_region.width)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._wrapped_width = -1

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._wrap(width)
        index = round(self.scroll_offset.y) + y
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(width, self.rich_style)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width
