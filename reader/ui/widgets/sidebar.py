"""The sidebar: views, topics, tags, days and saved searches, each with unread/total counts.

It is an OptionList of a few hundred entries at most (one per topic, tag and
day, not per paper). Choosing an entry (Enter or a click) posts
``Sidebar.Selected``; counts are redrawn only for the entries that changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.ui.catalog import VIEW_LABELS, Catalog, Count, Selection
from reader.ui.widgets.text import fit, one_line

ACTIVE_MARK = "▸ "


class Sidebar(OptionList):
    """The topic sidebar.

    | Key(s) | Description |
    | :- | :- |
    | j, k, g, G | Move like the arrow keys, Home and End (the screen binds these keys to the paper list). |
    | enter | Show the highlighted view, topic, tag, day or search. |
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    @dataclass
    class Selected(Message):
        """The user chose a sidebar entry."""

        selection: Selection

    def __init__(self, catalog: Catalog, searches: Mapping[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.catalog = catalog
        self.searches = dict(searches)
        self.active: Selection = Selection("view", "all")
        self._entries: dict[str, tuple[Selection, str]] = {}
        """Option id -> (selection, label)."""
        self._shown: dict[str, tuple] = {}
        self._built_width = 0
        """Option id -> the (active, unread, total) its prompt was drawn with."""

    def on_mount(self) -> None:
        self.rebuild()

    # Building ---------------------------------------------------------------------

    def rebuild(self) -> None:
        """Recreate every entry, e.g. when topics arrive or tags appear."""
        catalog = self.catalog
        options: list[Option] = []
        self._entries.clear()
        self._shown.clear()

        def heading(title: str) -> None:
            options.append(Option(Text(title, style="bold underline"), disabled=True))

        def entry(option_id: str, selection: Selection, label: str, counts: tuple[int, int] | int) -> None:
            self._entries[option_id] = (selection, label)
            options.append(Option(self._prompt(option_id, counts), id=option_id))

        heading("Views")
        for view, count in catalog.view_counts():
            entry(f"view:{view}", Selection("view", view), VIEW_LABELS[view], count)

        topics = catalog.topic_counts()
        heading("Topics" if catalog.topics is not None else "Topics (sorting…)")
        for number, count in enumerate(topics):
            entry(f"topic:{number}", Selection("topic", count.name), count.name, (count.unread, count.total))

        tags = catalog.tag_counts()
        if tags:
            heading("Tags")
            for number, count in enumerate(tags):
                entry(f"tag:{number}", Selection("tag", count.name), f"#{count.name}", (count.unread, count.total))

        days = catalog.day_counts()
        if days:
            heading("Days")
            for number, count in enumerate(days):
                entry(f"day:{number}", Selection("day", count.name), count.name or "No date", (count.unread, count.total))

        if self.searches:
            heading("Searches")
            for number, (name, query) in enumerate(self.searches.items()):
                entry(f"search:{number}", Selection("search", query), name, -1)

        highlighted = self.highlighted
        self._built_width = self._text_width()
        self.set_options(options)
        if highlighted is not None and highlighted < len(options):
            self.highlighted = highlighted
        elif options:
            self.highlighted = 1

    def _prompt(self, option_id: str, counts: tuple[int, int] | int) -> Text:
        """Build one entry: the label cut to fit on the left, the counts on the right.

        Plain Text cut to the sidebar's width, because OptionList measures the
        height of every prompt and a rich Table per entry made that slow.
        """
        selection, label = self._entries[option_id]
        active = selection == self.active
        self._shown[option_id] = (active, counts)
        if isinstance(counts, tuple):
            number = f"{counts[0]}/{counts[1]}"
        else:
            number = str(counts) if counts >= 0 else ""
        width = self._text_width()
        name = (ACTIVE_MARK if active else "  ") + one_line(label)
        room = max(1, width - len(number) - 1)
        text = Text(fit(name, room), style="bold" if active else "", no_wrap=True, overflow="crop")
        text.append(" " + number, style="dim")
        return text

    def _text_width(self) -> int:
        width = self.scrollable_content_region.width
        if width <= 0:
            width = self.styles.width.value if self.styles.width and self.styles.width.is_cells else 28
            width = int(width) - 3  # padding and a scrollbar
        return max(width, 4)

    def on_resize(self) -> None:
        if self._entries and self._text_width() != self._built_width:
            self.rebuild()

    # Updating -----------------------------------------------------------------

    def refresh_counts(self) -> None:
        """Redraw the entries whose counts or active mark changed; rebuild if the set changed."""
        catalog = self.catalog
        current: dict[str, tuple[int, int] | int] = {}
        for view, count in catalog.view_counts():
            current[f"view:{view}"] = count
        ids_by_selection = {selection: option_id for option_id, (selection, _) in self._entries.items()}
        groups: list[tuple[str, list[Count]]] = [
            ("topic", catalog.topic_counts()),
            ("tag", catalog.tag_counts()),
            ("day", catalog.day_counts()),
        ]
        for kind, counts in groups:
            for count in counts:
                option_id = ids_by_selection.get(Selection(kind, count.name))
                if option_id is None:
                    self.rebuild()
                    return
                current[option_id] = (count.unread, count.total)
        expected = sum(1 for option_id in self._entries if not option_id.startswith("search:"))
        if len(current) != expected:
            self.rebuild()
            return
        for option_id, counts in current.items():
            selection, _ = self._entries[option_id]
            if self._shown.get(option_id) != (selection == self.active, counts):
                self.replace_option_prompt(option_id, self._prompt(option_id, counts))
        for option_id, (selection, _) in self._entries.items():
            if option_id.startswith("search:") and self._shown.get(option_id) != (selection == self.active, -1):
                self.replace_option_prompt(option_id, self._prompt(option_id, -1))

    def set_active(self, selection: Selection) -> None:
        self.active = selection
        self.refresh_counts()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self._entries.get(event.option.id or "")
        if entry is not None:
            self.post_message(self.Selected(entry[0]))
