"""The tags editor: one input line of tags, with completion from known tags."""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from reader.text import strip_terminal_control
from reader.ui.dialogs._base import DialogScreen

_SEPARATORS = re.compile(r"[,\s]+")
_LAST_WORD = re.compile(r"[^,\s]*$")
_MAX_KNOWN_SHOWN = 12


def parse_tags(text: str, known_tags: Iterable[str] = ()) -> list[str]:
    """Split ``text`` at commas and whitespace into tags, in order.

    Empty tags are dropped and duplicates are dropped case-insensitively,
    keeping the first. A tag that matches a known tag case-insensitively
    takes the known spelling, so ``ml`` and ``ML`` do not become two tags.
    """
    canonical: dict[str, str] = {}
    for tag in known_tags:
        canonical.setdefault(tag.casefold(), tag)
    tags: list[str] = []
    seen: set[str] = set()
    for word in _SEPARATORS.split(text):
        tag = word.strip()
        folded = tag.casefold()
        if not tag or folded in seen:
            continue
        seen.add(folded)
        tags.append(canonical.get(folded, tag))
    return tags


class LastTagSuggester(Suggester):
    """Suggest a completion of the last tag typed from the known tags.

    Tags already in the input are not suggested again. Matching ignores case,
    and accepting a suggestion gives the known spelling.
    """

    def __init__(self, known_tags: Iterable[str]) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self._known = list(dict.fromkeys(known_tags))

    async def get_suggestion(self, value: str) -> str | None:
        match = _LAST_WORD.search(value)
        if match is None or not match.group():
            return None
        prefix = match.group()
        head = value[: match.start()]
        used = {tag.casefold() for tag in parse_tags(head)}
        folded_prefix = prefix.casefold()
        for tag in self._known:
            folded = tag.casefold()
            if folded.startswith(folded_prefix) and len(tag) > len(prefix) and folded not in used:
                return head + tag
        return None


class TagsEditor(DialogScreen[list[str] | None]):
    """Edit a paper's tags; dismisses with the new list, or None on cancel.

    | Key | Action |
    | :- | :- |
    | enter | Return the tags and close. |
    | right, end | Accept the suggested completion. |
    | escape | Close without changes. |
    """

    DEFAULT_CSS = """
    TagsEditor #known-tags {
        color: $text-muted;
    }
    TagsEditor.-short #known-tags {
        max-height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, tags: list[str], known_tags: list[str]) -> None:
        super().__init__()
        self.paper_title = title
        """Title shown above the input, with markup off."""
        # The store already removes terminal control from tags, and this also
        # covers tags from any other caller.
        self.tags = [strip_terminal_control(tag) for tag in tags]
        """The paper's tags when the editor opened."""
        self.known_tags = sorted({strip_terminal_control(tag) for tag in known_tags}, key=str.casefold)
        """Tags used on any paper, offered as completions."""

    def compose(self) -> ComposeResult:
        value = ", ".join(self.tags) + ", " if self.tags else ""
        with Vertical(classes="dialog-box") as box:
            box.border_title = "Tags"
            box.border_subtitle = "Enter save · Esc cancel · → complete"
            yield Label(self.paper_title, markup=False, classes="dialog-heading")
            yield Input(
                value=value,
                placeholder="tags, separated by commas or spaces",
                suggester=LastTagSuggester(self.known_tags),
                select_on_focus=False,
                id="tags-input",
            )
            if self.known_tags:
                shown = ", ".join(self.known_tags[:_MAX_KNOWN_SHOWN])
                more = len(self.known_tags) - _MAX_KNOWN_SHOWN
                if more > 0:
                    shown += f" and {more} more"
                yield Static(f"Known tags: {shown}", markup=False, id="known-tags")

    def on_mount(self) -> None:
        self.query_one("#tags-input", Input).focus()

    @on(Input.Submitted, "#tags-input")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(parse_tags(event.value, self.known_tags))

    def action_cancel(self) -> None:
        self.dismiss(None)
