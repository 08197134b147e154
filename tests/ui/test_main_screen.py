"""The main screen driven with Pilot: every binding and flow, on the fixed sample data set."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

import pytest
from rich.console import Console
from textual.pilot import Pilot

import reader.ui.main_screen as main_screen
from reader.models import Paper
from reader.paths import Paths
from reader.store import Library
from reader.ui.app import PapersApp
from reader.ui.catalog import Selection
from reader.ui.dialogs import NoteEditor, TagsEditor
from reader.ui.help_screen import HelpScreen, help_table
from reader.ui.main_screen import MainScreen
from reader.ui.widgets.header import HeaderBar
from reader.ui.widgets.paper_list import PaperList

AppFactory = Callable[..., PapersApp]

NEWEST_HF_KEY = "2606.10423"
"""Top paper of the HF day 2026-06-12 by upvotes, first in listed order within that day."""


async def settle(app: PapersApp, pilot: Pilot) -> MainScreen:
    """Wait until the main screen is up and the topic worker is done; return the screen."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def row_text(screen: MainScreen, index: int) -> str:
    paper_list = screen.paper_list
    width = paper_list.scrollable_content_region.width
    return paper_list._render_row(index, width, False).text


def abstract_text(screen: MainScreen) -> str:
    return screen.abstract.plain


def header_text(screen: MainScreen) -> str:
    return str(screen.query_one(HeaderBar).render())


# Start-up and layout ------------------------------------------------------------


async def test_opens_listed_order(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        keys = screen.paper_list.keys
        assert len(keys) == 34
        # The four RSS papers were listed on 2026-09-24, after the HF day 2026-06-12.
        assert [screen.catalog.papers[key].listed for key in keys[:4]] == ["2026-09-24"] * 4
        assert screen.catalog.papers[keys[4]].listed == "2026-06-12"
        assert "34 of 34" in header_text(screen)
        assert screen.sidebar.display


async def test_sidebar_hides_when_narrow(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settle(app, pilot)
        assert not screen.sidebar.display
        await pilot.press("b")
        assert screen.sidebar.display
        await pilot.press("b")
        assert not screen.sidebar.display


async def test_config_hides_sidebar(make_app: AppFactory) -> None:
    app = make_app(show_sidebar=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        assert not screen.sidebar.display


@pytest.mark.parametrize("size", [(40, 12), (10, 5), (1, 1)])
async def test_tiny_terminal_survives(make_app: AppFactory, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("j", "j", "s", "G", "g", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "slash", "x", "escape", "b")
        await pilot.pause()
        assert app.screen is screen
        assert app.return_code is None


# Navigation -------------------------------------------------------------------------


async def test_cursor_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        paper_list = screen.paper_list
        await pilot.press("j", "down")
        assert paper_list.cursor == 2
        await pilot.press("k")
        assert paper_list.cursor == 1
        await pilot.press("G")
        assert paper_list.cursor == 33
        await pilot.press("g")
        assert paper_list.cursor == 0
        await pilot.press("end")
        assert paper_list.cursor == 33
        await pilot.press("home", "pagedown")
        assert paper_list.cursor > 10
        await pilot.press("pageup")
        assert paper_list.cursor == 0


async def test_cursor_move_updates_abstract(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("j")
        await pilot.pause()
        paper = screen.catalog.papers[screen.paper_list.current_key]
        assert abstract_text(screen).startswith(paper.title)


async def test_next_and_previous_day(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("right_square_bracket")
        assert screen.paper_list.cursor == 4
        await pilot.press("j", "j", "left_square_bracket")
        assert screen.paper_list.cursor == 4
        await pilot.press("left_square_bracket")
        assert screen.paper_list.cursor == 0


async def test_next_unread_skips_read(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        keys = screen.paper_list.keys
        app.library.set_read(keys[1:4], True)
        screen._after_state_change(keys[1:4])
        await pilot.press("n")
        assert screen.paper_list.cursor == 4
        await pilot.press("N")
        assert screen.paper_list.cursor == 0


async def test_click_selects_row(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.click("#paper-list", offset=(10, 3))
        assert screen.paper_list.cursor == 3


# State changes ---------------------------------------------------------------------


async def test_star_survives_restart(make_app: AppFactory, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        key = screen.paper_list.current_key
        await pilot.press("s")
        assert "★" in row_text(screen, 0)
        await pilot.press("q")
    assert app.return_code == 0

    again = Library(paths)
    again.open()
    assert again.state(key).starred
    app = PapersApp(again, app.config, paths)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        assert key in screen.catalog.starred
        assert "★" in row_text(screen, screen.paper_list.keys.index(key))


async def test_toggle_read_updates_counts(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        key = screen.paper_list.current_key
        topic = screen.catalog.topics[key][0]
        unread_before = next(c.unread for c in screen.catalog.topic_counts() if c.name == topic)
        assert row_text(screen, 0).startswith("●")
        await pilot.press("r")
        assert app.library.state(key).read
        assert not row_text(screen, 0).startswith("●")
        assert "33 unread" in header_text(screen)
        unread_after = next(c.unread for c in screen.catalog.topic_counts() if c.name == topic)
        assert unread_after == unread_before - 1
        await pilot.press("r")
        assert not app.library.state(key).read


async def test_auto_read_after_delay(make_app: AppFactory) -> None:
    app = make_app(auto_read_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("j")
        key = screen.paper_list.current_key
        await pilot.pause(0.3)
        assert app.library.state(key).read
        assert key in screen.catalog.read


async def test_auto_read_off_at_zero(make_app: AppFactory) -> None:
    app = make_app(auto_read_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.pause(0.2)
        assert not app.library.state(screen.paper_list.current_key).read


async def test_mark_all_read_and_undo(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        screen.select(Selection("day", "2026-09-24"))
        await pilot.pause()
        shown = list(screen.paper_list.keys)
        assert len(shown) == 4
        await pilot.press("R")
        assert all(app.library.state(key).read for key in shown)
        assert screen.catalog.unread_count == 30
        await pilot.press("u")
        assert not any(app.library.state(key).read for key in shown)
        assert screen.catalog.unread_count == 34


async def test_note_saved_from_editor(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        key = screen.paper_list.current_key
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        app.screen.dismiss("Read the [method] section\nagain")
        await pilot.pause()
        assert app.library.state(key).note == "Read the [method] section\nagain"
        assert "Read the [method] section" in abstract_text(screen)
        assert "✎" in row_text(screen, 0)
        assert dict(screen.catalog.view_counts())["annotated"] == 1


@pytest.mark.parametrize("close_keys", [("escape",), ("ctrl+q",)], ids=["escape", "quit"])
async def test_typed_note_saved_on_close(make_app: AppFactory, paths: Paths, close_keys: tuple[str, ...]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        key = screen.paper_list.current_key
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"naive café", "enter", *"line 2")
        await pilot.press(*close_keys)
        await pilot.pause()
    reopened = Library(paths)
    reopened.open()
    assert reopened.state(key).note == "naive café\nline 2"
    assert list(paths.drafts_dir.glob("*.txt")) == []


async def test_note_saved_with_save_button(make_app: AppFactory, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        key = screen.paper_list.current_key
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"saved by button")
        await pilot.click("#save")
        await pilot.pause()
        assert app.library.state(key).note == "saved by button"
    assert list(paths.drafts_dir.glob("*.txt")) == []


async def test_startup_reports_crash_drafts(make_app: AppFactory, paths: Paths) -> None:
    from reader.drafts import write_draft

    write_draft(paths.drafts_dir, NEWEST_HF_KEY, "typed before the crash")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any(NEWEST_HF_KEY in m and "draft" in m for m in messages)
        assert any("WebChallenger: A Reliable and Efficient Generalist Web Agent" in m for m in messages)


async def test_tags_saved_from_editor(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        key = screen.paper_list.current_key
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagsEditor)
        app.screen.dismiss(["to-read", "rl"])
        await pilot.pause()
        assert app.library.state(key).tags == ["to-read", "rl"]
        assert [(c.name, c.total) for c in screen.catalog.tag_counts()] == [("rl", 1), ("to-read", 1)]
        screen.select(Selection("tag", "rl"))
        await pilot.pause()
        assert screen.paper_list.keys == [key]


async def test_disk_error_becomes_notification(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)

        def fail(key: str, starred: bool) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(app.library, "set_starred", fail)
        await pilot.press("s")
        await pilot.pause()
        messages = [notification.message for notification in app._notifications]
        assert any("No space left on device" in message for message in messages)
        assert screen.paper_list.current_key not in screen.catalog.starred
        assert app.return_code is None


# Views, search, sort --------------------------------------------------------------------


async def test_sidebar_views_and_counts(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        key = screen.paper_list.current_key
        await pilot.press("s")
        counts = dict(screen.catalog.view_counts())
        assert counts == {"all": 34, "unread": 34, "starred": 1, "annotated": 0}
        screen.select(Selection("view", "starred"))
        await pilot.pause()
        assert screen.paper_list.keys == [key]
        assert "Starred" in header_text(screen)
        screen.select(Selection("view", "all"))
        await pilot.pause()
        assert len(screen.paper_list.keys) == 34


async def test_sidebar_enter_filters(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        sidebar = screen.sidebar
        sidebar.focus()
        option_ids = [option.id for option in sidebar.options]
        sidebar.highlighted = option_ids.index("view:unread")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.selection == Selection("view", "unread")
        assert screen.focused is screen.paper_list
        sidebar.focus()
        sidebar.highlighted = option_ids.index("topic:0")
        await pilot.press("enter")
        await pilot.pause()
        topic = screen.selection.value
        assert screen.selection.kind == "topic"
        assert all(topic in screen.catalog.topics[key] for key in screen.paper_list.keys)


async def test_search_filters_and_escape(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("slash")
        assert screen.focused is screen.search_input
        await pilot.press(*"sparse attention")
        await pilot.pause()
        titles = [screen.catalog.papers[key].title for key in screen.paper_list.keys]
        assert "MiniMax Sparse Attention" in titles
        assert len(titles) < 34
        await pilot.press("escape")
        await pilot.pause()
        assert len(screen.paper_list.keys) == 34
        assert not screen.search_input.display
        assert screen.focused is screen.paper_list


async def test_search_accent_insensitive(make_app: AppFactory) -> None:
    papers = [
        Paper(key="2601.00001", title="Café culture", authors=["Zoë Ångström"], listed="2026-01-02"),
        Paper(key="2601.00002", title="Tea culture", authors=["Bob Smith"], listed="2026-01-01"),
    ]
    app = make_app(papers)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("slash", *"CAFE angstrom")
        await pilot.pause()
        assert screen.paper_list.keys == ["2601.00001"]
        await pilot.press("enter")
        assert screen.focused is screen.paper_list
        assert "CAFE angstrom" in header_text(screen)


async def test_sort_cycles(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("S")
        assert screen.order == "upvotes"
        assert "sort: upvotes" in header_text(screen)
        upvotes = [screen.catalog.papers[key].upvotes or -1 for key in screen.paper_list.keys]
        assert upvotes == sorted(upvotes, reverse=True)
        await pilot.press("S", "S")
        assert screen.order == "title"
        titles = [screen.catalog.papers[key].title.casefold() for key in screen.paper_list.keys]
        assert titles == sorted(titles)
        await pilot.press("S")
        assert screen.order == "listed"


async def test_sort_keeps_cursor_paper(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("j", "j", "j")
        key = screen.paper_list.current_key
        await pilot.press("S")
        assert screen.paper_list.current_key == key


# Hostile text ------------------------------------------------------------------------------

HOSTILE = ["[Re] Study", "Loss [/] tricks", "a [b", "[bold]x[/bold]"]


async def test_hostile_titles_literal(make_app: AppFactory) -> None:
    papers = [
        Paper(key=f"2601.0000{n}", title=title, authors=["[red]A[/red]"], abstract=f"About {title}", listed=f"2026-01-0{n}")
        for n, title in enumerate(HOSTILE, start=1)
    ]
    app = make_app(papers)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        rows = [row_text(screen, index) for index in range(4)]
        for title in HOSTILE:
            assert any(title in row for row in rows), title
        for index, title in enumerate(reversed(HOSTILE)):
            screen.paper_list.move_to(index)
            await pilot.pause()
            text = abstract_text(screen)
            assert text.startswith(title)
            assert "[red]A[/red]" in text
        await pilot.press("slash", *"[b")
        await pilot.pause()
        assert "[b" in header_text(screen)


async def test_wide_characters_fit(make_app: AppFactory) -> None:
    from rich.cells import cell_len

    titles = ["中文标题的论文" * 6, "❤️ Emoji ❤️ titles " * 6, "Combining e\u0301 marks " * 6]
    papers = [Paper(key=f"2601.0000{n}", title=title, listed="2026-01-01") for n, title in enumerate(titles, 1)]
    app = make_app(papers)
    async with app.run_test(size=(61, 20)) as pilot:
        screen = await settle(app, pilot)
        width = screen.paper_list.scrollable_content_region.width
        for index in range(3):
            assert cell_len(row_text(screen, index)) == width


# Copy, open, help, refresh -------------------------------------------------------------------


async def test_copy_link_uses_worker(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[tuple[str, str]] = []

    async def fake_copy(app: object, text: str, label: str) -> str:
        copied.append((text, label))
        return "system"

    monkeypatch.setattr(main_screen, "copy_text", fake_copy)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        key = screen.paper_list.current_key
        await pilot.press("y")
        await app.workers.wait_for_complete()
        assert copied == [(f"https://arxiv.org/abs/{key}", "arXiv link")]


async def test_open_in_browser(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        key = screen.paper_list.current_key
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert opened == [f"https://arxiv.org/abs/{key}"]


async def test_help_lists_remapped_key(make_app: AppFactory) -> None:
    app = make_app(keys={"star": "x"})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("x")
        assert screen.paper_list.current_key in screen.catalog.starred
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True)
        console.print(help_table(app.keymap_overrides))
        star_line = next(line for line in console.export_text().splitlines() if "Star or unstar" in line)
        assert star_line.split()[0] == "x"
        await pilot.press("escape")
        assert app.screen is screen


async def test_reload_keeps_cursor(make_app: AppFactory, library_opener: Callable[[], Library]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        await pilot.press("j", "j")
        key = screen.paper_list.current_key
        other = library_opener()
        other.import_papers([Paper(key="2701.00001", title="Added elsewhere", listed="2027-01-01")])
        other.set_starred(key, True)
        screen.action_reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.paper_list.keys) == 35
        assert screen.paper_list.current_key == key
        assert key in screen.catalog.starred
        assert screen.catalog.topics["2701.00001"]


async def test_quit_with_ctrl_q(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_palette_has_sort_and_views(make_app: AppFactory) -> None:
    app = make_app(searches={"Agents": "agent"})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        commands = {command.title: command for command in app.get_system_commands(screen)}
        assert "Sort by upvotes" in commands
        assert "Show Starred" in commands
        assert "Toggle sidebar" in commands
        commands["Sort by title"].callback()
        assert screen.order == "title"
        commands["Search: Agents"].callback()
        await pilot.pause()
        assert screen.selection == Selection("search", "agent")
        assert screen.paper_list.keys
        assert "Agents" in header_text(screen)


async def test_unexpected_error_exits_cleanly(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()

    def broken(self: MainScreen) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(MainScreen, "action_cycle_sort", broken)
    with pytest.raises(RuntimeError, match="boom"):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("S")
            await pilot.pause()
    assert app.return_code == 1


async def test_sidebar_moves_with_vim_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(app, pilot)
        list_key = screen.paper_list.current_key
        screen.sidebar.focus()
        await pilot.pause()
        start = screen.sidebar.highlighted
        await pilot.press("j", "j")
        assert screen.sidebar.highlighted == (start or 0) + 2
        await pilot.press("k")
        assert screen.sidebar.highlighted == (start or 0) + 1
        assert screen.paper_list.current_key == list_key


def test_author_folding() -> None:
    from reader.ui.widgets.abstract_pane import AUTHORS_SHOWN, fold_authors

    names = [f"Author {number}" for number in range(1, 534)]
    assert fold_authors(names, 533).endswith(f"Author {AUTHORS_SHOWN} … and {533 - AUTHORS_SHOWN} more")
    eleven = names[: AUTHORS_SHOWN + 1]
    assert fold_authors(eleven, len(eleven)) == ", ".join(eleven)
    assert fold_authors([], 7) == "7 authors"
