"""The note editor: a multi-line note that is kept on every way of closing.

While the user types, the text is written to a draft file half a second
after the last change, so a crash loses at most that half second. The editor
returns the note; the caller saves it and then removes the draft with
``reader.drafts.remove_draft``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, Label, Static, TextArea

from reader.drafts import draft_mtime, read_draft, remove_draft, write_draft
from reader.text import strip_terminal_control
from reader.ui.dialogs._base import DialogScreen

logger = logging.getLogger(__name__)

DRAFT_DELAY = 0.5
"""Seconds after the last change before the draft is written."""


def _timestamp(value: float | str | datetime | None) -> float | None:
    """Convert a saved-at time (epoch seconds, ISO string or datetime) to epoch seconds."""
    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            logger.warning("Ignoring invalid note timestamp %r", value)
            return None
    return value.timestamp()


class NoteEditor(DialogScreen[str | None]):
    """Edit the note of one paper; dismisses with the note text, or None on discard.

    Escape and the Save button both return the text, changed or not, so the
    note is kept whichever way the editor is closed. Only the separate
    "Discard changes" button returns None, and it deletes the draft.

    | Key | Action |
    | :- | :- |
    | escape | Return the note and close. |
    | tab | Move focus to the buttons. |
    """

    DEFAULT_CSS = """
    NoteEditor > .dialog-box {
        height: 90%;
    }
    NoteEditor.-short > .dialog-box {
        height: 100%;
    }
    NoteEditor #note-text {
        height: 1fr;
        min-height: 1;
    }
    NoteEditor #note-status {
        color: $warning;
        height: auto;
    }
    NoteEditor.-short #note-status {
        max-height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    BINDINGS = [Binding("escape", "save", "Save and close")]

    def __init__(
        self,
        paper_key: str,
        title: str,
        text: str,
        drafts_dir: Path,
        *,
        saved_at: float | str | datetime | None = None,
    ) -> None:
        """Open the note of ``paper_key``, starting from its draft when that is newer.

        ``saved_at`` is when ``text`` was saved (epoch seconds or an ISO
        timestamp such as ``PaperState.changed["note"]``). A draft that
        differs from ``text`` is used when it is newer, or when ``saved_at``
        is not given.
        """
        super().__init__()
        # The store already removes terminal control from notes, and this also
        # covers drafts and notes from any other caller.
        text = strip_terminal_control(text)
        self.paper_key = paper_key
        """Key of the paper whose note this is."""
        self.paper_title = title
        """Title shown above the note, with markup off."""
        self.saved_text = text
        """The note as saved before the editor opened."""
        self.drafts_dir = Path(drafts_dir)
        """Folder of the draft files."""
        self.restored_draft = False
        """Whether the editor started from a draft instead of the saved note."""
        self._start_text = text
        self._draft_on_disk = read_draft(self.drafts_dir, paper_key)
        saved = _timestamp(saved_at)
        if self._draft_on_disk is not None and self._draft_on_disk != text:
            modified = draft_mtime(self.drafts_dir, paper_key)
            if saved is None or (modified is not None and modified > saved):
                self._start_text = strip_terminal_control(self._draft_on_disk)
                self.restored_draft = True
        self._draft_timer: Timer | None = None
        self._draft_lock = asyncio.Lock()
        self._is_closing = False
        self._warned_draft_failure = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box") as box:
            box.border_title = "Note"
            box.border_subtitle = "Esc save · Tab buttons"
            yield Label(self.paper_title, markup=False, classes="dialog-heading")
            status = Static("", markup=False, id="note-status")
            if self.restored_draft:
                status.update("Restored an unsaved draft. Discard changes returns to the saved note.")
            else:
                status.display = False
            yield status
            yield TextArea(self._start_text, soft_wrap=True, id="note-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Discard changes", variant="error", id="discard", compact=True)

    def on_mount(self) -> None:
        text_area = self.query_one("#note-text", TextArea)
        text_area.move_cursor(text_area.document.end)
        text_area.focus()

    def current_text(self) -> str:
        """Return the note as currently typed (for saving before the app quits)."""
        return self.query_one("#note-text", TextArea).text

    @on(TextArea.Changed, "#note-text")
    def _schedule_draft(self) -> None:
        if self._is_closing:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._start_draft_write, name="note draft")

    def _start_draft_write(self) -> None:
        self.run_worker(self._write_draft(), group="note-draft", exit_on_error=False)

    async def _write_draft(self) -> None:
        async with self._draft_lock:
            if self._is_closing:
                return
            text = self.current_text()
            if text == self._draft_on_disk:
                return
            try:
                if text == self.saved_text:
                    await asyncio.to_thread(remove_draft, self.drafts_dir, self.paper_key)
                    self._draft_on_disk = None
                else:
                    await asyncio.to_thread(write_draft, self.drafts_dir, self.paper_key, text)
                    self._draft_on_disk = text
            except OSError as error:
                logger.warning("Failed to write the note draft of %s: %s", self.paper_key, error)
                if not self._warned_draft_failure:
                    self._warned_draft_failure = True
                    self.notify(
                        f"Failed to write the note draft: {error}. The note is kept until you close the editor.",
                        severity="warning",
                        markup=False,
                    )

    async def _close(self, result: str | None) -> None:
        if self._is_closing:
            return
        self._is_closing = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        # Wait for a draft write in flight, so that it cannot recreate the
        # draft after the caller has saved the note and removed the draft.
        async with self._draft_lock:
            if result is None:
                try:
                    remove_draft(self.drafts_dir, self.paper_key)
                except OSError as error:
                    logger.warning("Failed to remove the note draft of %s: %s", self.paper_key, error)
        self.dismiss(result)

    async def action_save(self) -> None:
        await self._close(self.current_text())

    async def action_discard(self) -> None:
        await self._close(None)

    @on(Button.Pressed, "#save")
    async def _save_pressed(self) -> None:
        await self.action_save()

    @on(Button.Pressed, "#discard")
    async def _discard_pressed(self) -> None:
        await self.action_discard()
