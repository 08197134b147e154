"""Dialogs and the clipboard worker, each driven in a small harness app."""

from __future__ import annotations

import threading
from typing import Any

import pyperclip
import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Static, TextArea

import reader.ui.clipboard_worker as clipboard_worker
import reader.ui.dialogs.note_editor as note_editor
from reader.clipboard import copy_choices, osc52_sequence
from reader.drafts import draft_path, read_draft, write_draft
from reader.ids import title_key
from reader.models import Paper
from reader.ui.clipboard_worker import copy_text
from reader.ui.dialogs import (
    ConfirmDialog,
    CopyMenu,
    NoteEditor,
    SelectTextDialog,
    TagsEditor,
    parse_tags,
)

HOSTILE_TITLE = "[bold]x[/bold] and [link=https://example.com]y[/link]"
ABS_LINK = "https://arxiv.org/abs/2606.10423"


class Harness(App[None]):
    """An empty app that records dialog results and counts presses of "x"."""

    BINDINGS = [Binding("x", "count", "Count")]

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Static("harness")

    def open(self, screen: Screen[Any]) -> None:
        self.push_screen(screen, callback=self.results.append)

    def action_count(self) -> None:
        self.presses += 1


def webchallenger() -> Paper:
    return Paper(
        key="2606.10423",
        title="WebChallenger: A Reliable and Efficient Generalist Web Agent",
        version=3,
        authors=["Jayoo Hwang", "Xiaowen Zhang", "Vedant Padwal"],
        published="2026-06-09",
        categories=["cs.AI"],
        github="https://github.com/jayoohwang1/webchallenger",
    )


async def type_text(pilot, text: str) -> None:
    keys = {" ": "space", "\n": "enter", ",": "comma"}
    await pilot.press(*[keys.get(char, char) for char in text])


async def wait_for(pilot, condition, rounds: int = 200) -> None:
    # Polls the condition between app refreshes; the bound only stops a
    # broken test, and no assertion depends on how long it took.
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition()


def plain(widget: Static) -> str:
    return widget.visual.plain  # type: ignore[attr-defined]


async def messages(pilot) -> list[tuple[str, str, bool]]:
    # App.notify posts a message, so the notification exists only after the
    # app has processed it.
    await pilot.pause()
    return [(n.message, n.severity, n.markup) for n in pilot.app._notifications]


@pytest.fixture
def quick_drafts(monkeypatch):
    monkeypatch.setattr(note_editor, "DRAFT_DELAY", 0.05)


# ---------------------------------------------------------------------------
# Note editor


async def test_note_editor_escape_returns_text(tmp_path):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(NoteEditor("2606.10423", "WebChallenger", "Read section 3.", tmp_path))
        await pilot.pause()
        await type_text(pilot, "\nCompare with SeeAct.")
        await pilot.press("escape")
        await pilot.pause()

        assert app.results == ["Read section 3.\nCompare with SeeAct."]
        assert not isinstance(app.screen, NoteEditor)


async def test_note_editor_save_button_returns_text(tmp_path):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(NoteEditor("hep-th/9901001", "Old paper", "", tmp_path))
        await pilot.pause()
        await type_text(pilot, "Grüße, ok")
        await pilot.click("#save")
        await pilot.pause()

        assert app.results == ["Grüße, ok"]


async def test_note_editor_unchanged_escape_returns_text(tmp_path):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(NoteEditor("2606.10423", "WebChallenger", "Same note", tmp_path))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()

        assert app.results == ["Same note"]
        assert read_draft(tmp_path, "2606.10423") is None


async def test_note_editor_writes_draft_while_typing(tmp_path, quick_drafts):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(NoteEditor("title:3f2a9c0d1e4b5a67", "No id", "saved", tmp_path))
        await pilot.pause()
        await type_text(pilot, " and typed")
        await wait_for(pilot, lambda: read_draft(tmp_path, "title:3f2a9c0d1e4b5a67") is not None)

        assert read_draft(tmp_path, "title:3f2a9c0d1e4b5a67") == "saved and typed"
        assert draft_path(tmp_path, "title:3f2a9c0d1e4b5a67").name == "title%3A3f2a9c0d1e4b5a67.txt"
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.current_text() == "saved and typed"


async def test_note_editor_reopens_from_draft(tmp_path, quick_drafts):
    # First run: type, let the draft be written, then quit without closing
    # the editor, as a crash would.
    first = Harness()
    async with first.run_test(size=(80, 24)) as pilot:
        first.open(NoteEditor("2606.10423", "WebChallenger", "saved", tmp_path))
        await pilot.pause()
        await type_text(pilot, " plus draft")
        await wait_for(pilot, lambda: read_draft(tmp_path, "2606.10423") == "saved plus draft")
    assert first.results == []

    second = Harness()
    async with second.run_test(size=(80, 24)) as pilot:
        editor = NoteEditor("2606.10423", "WebChallenger", "saved", tmp_path)
        second.open(editor)
        await pilot.pause()

        assert editor.restored_draft is True
        assert editor.current_text() == "saved plus draft"
        status = editor.query_one("#note-status", Static)
        assert status.display is True
        assert "Restored an unsaved draft" in plain(status)
        await pilot.press("escape")
        await pilot.pause()

    assert second.results == ["saved plus draft"]


async def test_note_editor_ignores_older_draft(tmp_path):
    write_draft(tmp_path, "2606.10423", "stale draft")
    newer = draft_path(tmp_path, "2606.10423").stat().st_mtime + 60
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = NoteEditor("2606.10423", "WebChallenger", "saved later", tmp_path, saved_at=newer)
        app.open(editor)
        await pilot.pause()

        assert editor.restored_draft is False
        assert editor.current_text() == "saved later"
        assert editor.query_one("#note-status", Static).display is False


async def test_note_editor_discard_removes_draft(tmp_path):
    write_draft(tmp_path, "2606.10423", "draft text")
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(NoteEditor("2606.10423", "WebChallenger", "saved", tmp_path))
        await pilot.pause()
        await pilot.click("#discard")
        await pilot.pause()

        assert app.results == [None]
        assert read_draft(tmp_path, "2606.10423") is None


async def test_note_editor_no_draft_after_close(tmp_path, quick_drafts):
    # A change typed right before Escape must not leave a draft written after
    # the editor closed; only drafts written before the close may exist.
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(NoteEditor("2606.10423", "WebChallenger", "", tmp_path))
        await pilot.pause()
        await type_text(pilot, "abc")
        await pilot.press("escape")
        await pilot.pause(0.2)

        assert app.results == ["abc"]
        assert read_draft(tmp_path, "2606.10423") in (None, "abc")


# ---------------------------------------------------------------------------
# Tags editor


def test_parse_tags_splits_and_dedupes():
    assert parse_tags("a, b  c") == ["a", "b", "c"]
    assert parse_tags(" ,a,,A ,b\tB\n") == ["a", "b"]
    assert parse_tags("ml, ML, agents", known_tags=["ML", "Agents"]) == ["ML", "Agents"]
    assert parse_tags("") == []


async def test_tags_editor_enter_returns_parsed(tmp_path):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(TagsEditor("WebChallenger", ["agents"], ["agents", "Web"]))
        await pilot.pause()
        tags_input = app.screen.query_one("#tags-input", Input)
        assert tags_input.value == "agents, "
        tags_input.value = "a, b  c a web"
        await pilot.press("enter")
        await pilot.pause()

        assert app.results == [["a", "b", "c", "Web"]]


async def test_tags_editor_suggests_last_word(tmp_path):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(TagsEditor("WebChallenger", ["agents"], ["agents", "Web", "web-agents"]))
        await pilot.pause()
        await type_text(pilot, "we")
        await pilot.pause()
        await pilot.press("right")
        await pilot.press("enter")
        await pilot.pause()

        assert app.results == [["agents", "Web"]]


async def test_tags_editor_escape_cancels(tmp_path):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open(TagsEditor("WebChallenger", ["agents"], []))
        await pilot.pause()
        await type_text(pilot, "new")
        await pilot.press("escape")
        await pilot.pause()

        assert app.results == [None]


# ---------------------------------------------------------------------------
# Copy menu


@pytest.mark.parametrize("choice", copy_choices(webchallenger()), ids=lambda c: c.key_hint)
async def test_copy_menu_shortcut_returns_choice(choice):
    app = Harness()
    async with app.run_test(size=(80, 30)) as pilot:
        app.open(CopyMenu(webchallenger()))
        await pilot.pause()
        await pilot.press(choice.key_hint)
        await pilot.pause()

        assert app.results == [(choice.label, choice.text)]


async def test_copy_menu_enter_and_escape():
    app = Harness()
    async with app.run_test(size=(80, 30)) as pilot:
        app.open(CopyMenu(webchallenger()))
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        app.open(CopyMenu(webchallenger()))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()

    assert app.results == [("PDF link", "https://arxiv.org/pdf/2606.10423"), None]


async def test_copy_menu_title_key_paper():
    title = "Accelerating Large-Scale Inference with Anisotropic Vector Quantization"
    paper = Paper(key=title_key(title), title=title)
    app = Harness()
    async with app.run_test(size=(80, 30)) as pilot:
        menu = CopyMenu(paper)
        app.open(menu)
        await pilot.pause()

        assert menu.query_one(OptionList).option_count == 3
        await pilot.press("p")
        await pilot.press("i")
        await pilot.pause()
        assert app.results == []
        await pilot.press("a")
        await pilot.pause()

    assert app.results[0][0] == "arXiv title search link"
    assert app.results[0][1].startswith("https://arxiv.org/search/?searchtype=title&query=Accelerating+")


# ---------------------------------------------------------------------------
# Hostile titles and small terminals


async def test_hostile_title_shown_literally(tmp_path):
    paper = webchallenger()
    paper.title = HOSTILE_TITLE
    app = Harness()
    async with app.run_test(size=(100, 30)) as pilot:
        for screen in (
            NoteEditor(paper.key, HOSTILE_TITLE, "[red]note[/red]", tmp_path),
            TagsEditor(HOSTILE_TITLE, ["[b]"], ["[b]", "[/]"]),
            CopyMenu(paper),
            ConfirmDialog(f"Delete the note of {HOSTILE_TITLE}?"),
            SelectTextDialog("Markdown link", f"[{HOSTILE_TITLE}]({ABS_LINK})"),
        ):
            app.open(screen)
            await pilot.pause()
            shown = [plain(widget) for widget in screen.query(Static)]
            shown += [text_area.text for text_area in screen.query(TextArea)]

            assert any(HOSTILE_TITLE in text for text in shown), type(screen).__name__
            await pilot.press("escape")
            await pilot.pause()

    assert len(app.results) == 5


async def test_copy_menu_prompts_literal():
    paper = webchallenger()
    paper.title = HOSTILE_TITLE
    app = Harness()
    async with app.run_test(size=(120, 30)) as pilot:
        menu = CopyMenu(paper)
        app.open(menu)
        await pilot.pause()
        option_list = menu.query_one(OptionList)
        prompts = [option_list.get_option_at_index(i).prompt.plain for i in range(option_list.option_count)]

    assert "\\[bold\\]x\\[/bold\\]" in prompts[4]
    assert prompts[4].startswith(" m  Markdown link")


@pytest.mark.parametrize("name", ["note", "tags", "copy", "select", "confirm"])
async def test_dialogs_fit_40x12(tmp_path, name):
    paper = webchallenger()
    bibtex = copy_choices(paper)[5].text
    write_draft(tmp_path, paper.key, "a draft\n" * 30)
    screens = {
        "note": lambda: NoteEditor(paper.key, paper.title, "a note", tmp_path),
        "tags": lambda: TagsEditor(paper.title, ["agents"], [f"tag{i}" for i in range(40)]),
        "copy": lambda: CopyMenu(paper),
        "select": lambda: SelectTextDialog("BibTeX entry", bibtex, reason="No clipboard."),
        "confirm": lambda: ConfirmDialog("Mark all 30 visible papers read?"),
    }
    app = Harness()
    async with app.run_test(size=(40, 12)) as pilot:
        screen = screens[name]()
        app.open(screen)
        await pilot.pause()

        assert app.screen is screen
        assert screen.has_class("-short")
        box = screen.query_one(".dialog-box")
        assert box.region.height <= 12
        assert box.region.width <= 40
        heading = screen.query(".dialog-heading")
        assert all(widget.region.height == 1 for widget in heading)
        # The focused widget shows at least 3 rows of content (1 for an
        # input line), and every button is on screen.
        focused = app.focused
        assert focused is not None
        assert focused.content_region.height >= (1 if isinstance(focused, (Input, Button)) else 3)
        for button in screen.query(Button):
            assert button.region.height == 1, button.id
        await pilot.press("escape")
        await pilot.pause()

    assert len(app.results) == 1


# ---------------------------------------------------------------------------
# Select text dialog and confirm dialog


async def test_select_text_dialog_selects_all():
    bibtex = copy_choices(webchallenger())[5].text
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = SelectTextDialog("BibTeX entry", bibtex)
        app.open(dialog)
        await pilot.pause()
        text_area = dialog.query_one(TextArea)

        assert text_area.read_only is True
        assert text_area.selected_text == bibtex
        await pilot.press("enter")
        await pilot.pause()

    assert app.results == [None]


async def test_confirm_dialog_keys():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in (["y"], ["n"], ["escape"], ["enter"], ["tab", "enter"]):
            app.open(ConfirmDialog("Mark all read?"))
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()

    # Focus starts on "No", so Enter answers no and Tab wraps round to "Yes".
    assert app.results == [True, False, False, False, True]


# ---------------------------------------------------------------------------
# Clipboard worker


@pytest.fixture
def terminal(monkeypatch):
    """A plain xterm, not in tmux, with OSC 52 allowed and no mode override."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("TERM_PROGRAM", raising=False)
    monkeypatch.delenv("PAPERS_READER_CLIPBOARD", raising=False)
    monkeypatch.setattr(clipboard_worker, "_output_is_tty", lambda app: True)


def record_writes(app: App[Any], monkeypatch) -> list[str]:
    """Record the OSC 52 sequences the app writes to its (headless) driver."""
    writes: list[str] = []

    def write(data: str) -> None:
        # The app writes other sequences too, such as OSC 22 for the pointer shape.
        if "52;c;" in data:
            writes.append(data)

    monkeypatch.setattr(app._driver, "write", write)
    return writes


def raising_copy(error: BaseException):
    def fake_copy(text: str) -> None:
        raise error

    return fake_copy


@pytest.mark.parametrize(
    "error",
    [
        pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism"),
        FileNotFoundError(2, "No such file or directory", "xclip"),
        OSError(5, "Input/output error"),
        RuntimeError("Decoding error"),
    ],
    ids=lambda error: type(error).__name__,
)
async def test_copy_falls_back_to_osc52(monkeypatch, terminal, error):
    monkeypatch.setattr(pyperclip, "copy", raising_copy(error))
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        writes = record_writes(app, monkeypatch)
        method = await copy_text(app, ABS_LINK, "arXiv link")

        assert method == "osc52"
        assert writes == [osc52_sequence(ABS_LINK)]
        assert app.clipboard == ABS_LINK
        assert (await messages(pilot)) == [
            (f"Sent arXiv link to the terminal clipboard (OSC 52): {ABS_LINK}", "information", False)
        ]


async def test_copy_in_tmux_sends_wrapped(monkeypatch, terminal):
    monkeypatch.setattr(pyperclip, "copy", raising_copy(pyperclip.PyperclipException("none")))
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,4242,0")
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        writes = record_writes(app, monkeypatch)
        method = await copy_text(app, "2606.10423v3", "arXiv id")

        assert method == "osc52"
        assert writes == [osc52_sequence("2606.10423v3"), osc52_sequence("2606.10423v3", tmux=True)]
        assert (await messages(pilot))[0][0] == (
            "Sent arXiv id to the terminal clipboard through tmux (OSC 52): 2606.10423v3"
        )


async def test_copy_with_system_clipboard(monkeypatch, terminal):
    copied: list[str] = []

    def fake_copy(text: str) -> None:
        copied.append(text)

    monkeypatch.setattr(pyperclip, "copy", fake_copy)
    bibtex = copy_choices(webchallenger())[5].text
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        writes = record_writes(app, monkeypatch)
        method = await copy_text(app, bibtex, "BibTeX entry")

        assert method == "system"
        assert copied == [bibtex]
        assert writes == []
        message, severity, markup = (await messages(pilot))[0]
        assert message == f"Copied BibTeX entry with fake_copy: {bibtex.splitlines()[0]} …"
        assert markup is False


async def test_copy_hung_clipboard_keeps_app_responsive(monkeypatch, terminal):
    release = threading.Event()
    entered = threading.Event()

    def hanging_copy(text: str) -> None:
        entered.set()
        release.wait(10)

    monkeypatch.setattr(pyperclip, "copy", hanging_copy)
    app = Harness()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            writes = record_writes(app, monkeypatch)
            worker = app.run_worker(copy_text(app, ABS_LINK, "arXiv link", timeout=0.3))
            await wait_for(pilot, entered.is_set)
            # The clipboard call is blocked until `release` is set, so these
            # key presses are handled while it hangs.
            await pilot.press("x", "x")

            assert app.presses == 2
            assert not release.is_set()
            await worker.wait()
            assert worker.result == "osc52"
            assert writes == [osc52_sequence(ABS_LINK)]
            assert (await messages(pilot))[0][0].startswith("Sent arXiv link to the terminal clipboard")
    finally:
        release.set()


@pytest.mark.parametrize("term", ["dumb", "linux"])
async def test_copy_without_any_clipboard_shows_dialog(monkeypatch, terminal, term):
    monkeypatch.setattr(pyperclip, "copy", raising_copy(pyperclip.PyperclipException("none")))
    monkeypatch.setenv("TERM", term)
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        writes = record_writes(app, monkeypatch)
        method = await copy_text(app, ABS_LINK, "arXiv link")
        await pilot.pause()

        assert method == "dialog"
        assert writes == []
        assert isinstance(app.screen, SelectTextDialog)
        assert app.screen.query_one(TextArea).selected_text == ABS_LINK
        assert (await messages(pilot)) == [
            ("Not copied automatically: copy the arXiv link from the dialog.", "warning", False)
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SelectTextDialog)


async def test_copy_not_a_tty_shows_dialog(monkeypatch, terminal):
    monkeypatch.setattr(pyperclip, "copy", raising_copy(pyperclip.PyperclipException("none")))
    monkeypatch.setattr(clipboard_worker, "_output_is_tty", lambda app: False)
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        method = await copy_text(app, ABS_LINK, "arXiv link")
        await pilot.pause()

        assert method == "dialog"
        assert isinstance(app.screen, SelectTextDialog)


@pytest.mark.parametrize(
    ("mode", "expected"), [("dialog", "dialog"), ("osc52", "osc52"), ("system", "dialog")]
)
async def test_copy_mode_override(monkeypatch, terminal, mode, expected):
    calls: list[str] = []

    def failing_copy(text: str) -> None:
        calls.append(text)
        raise pyperclip.PyperclipException("none")

    monkeypatch.setattr(pyperclip, "copy", failing_copy)
    monkeypatch.setenv("PAPERS_READER_CLIPBOARD", mode)
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        writes = record_writes(app, monkeypatch)
        method = await copy_text(app, ABS_LINK, "arXiv link")
        await pilot.pause()

        assert method == expected
        assert calls == ([ABS_LINK] if mode == "system" else [])
        assert (writes == [osc52_sequence(ABS_LINK)]) is (mode == "osc52")
        assert isinstance(app.screen, SelectTextDialog) is (expected == "dialog")


async def test_copy_empty_text_notifies(monkeypatch, terminal):
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        method = await copy_text(app, "", "GitHub repository")

        assert method == "none"
        assert (await messages(pilot)) == [("Nothing to copy: the GitHub repository is empty.", "warning", False)]


async def test_copy_unexpected_error_notifies(monkeypatch, terminal):
    def broken_preview(text: str, width: int = 80) -> str:
        raise KeyError("boom")

    monkeypatch.setattr(clipboard_worker, "preview", broken_preview)
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        method = await copy_text(app, ABS_LINK, "arXiv link")

        assert method == "none"
        assert (await messages(pilot))[0][1] == "error"
        assert (await messages(pilot))[0][0].startswith("Copying the arXiv link failed")


async def test_copy_hostile_text_notified_literally(monkeypatch, terminal):
    monkeypatch.setattr(pyperclip, "copy", raising_copy(pyperclip.PyperclipException("none")))
    text = HOSTILE_TITLE
    app = Harness()
    async with app.run_test(size=(120, 24)) as pilot:
        record_writes(app, monkeypatch)
        await copy_text(app, text, "Markdown link")
        await pilot.pause()

        assert (await messages(pilot)) == [
            (f"Sent Markdown link to the terminal clipboard (OSC 52): {text}", "information", False)
        ]

