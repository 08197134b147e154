"""SVG snapshots of the main screen, help, dialogs and views at fixed sizes on the fixed sample data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from reader.ui.app import PapersApp
from reader.ui.main_screen import MainScreen

AppFactory = Callable[..., PapersApp]

SMALL_SIZES = [(80, 24), (40, 12)]


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


async def wait_until_ready(pilot: Pilot) -> None:
    """Let the topic and search-index workers finish, so the sidebar is complete and the header says no "indexing…"."""
    for _ in range(200):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        screen = pilot.app.screen
        if isinstance(screen, MainScreen) and screen.query_search.ready and not screen._index_building:
            break
    await pilot.pause()


@pytest.mark.parametrize("size", [*SMALL_SIZES, (120, 40)], ids=size_id)
def test_main_screen_snapshot(make_app: AppFactory, snap_compare, size: tuple[int, int]) -> None:
    app = make_app()
    assert snap_compare(app, terminal_size=size, press=["j", "s"], run_before=wait_until_ready)


@pytest.mark.parametrize("size", SMALL_SIZES, ids=size_id)
def test_help_snapshot(make_app: AppFactory, snap_compare, size: tuple[int, int]) -> None:
    app = make_app()
    assert snap_compare(app, terminal_size=size, press=["question_mark"], run_before=wait_until_ready)


@pytest.mark.parametrize("size", SMALL_SIZES, ids=size_id)
def test_note_editor_snapshot(make_app: AppFactory, snap_compare, size: tuple[int, int]) -> None:
    app = make_app()
    assert snap_compare(app, terminal_size=size, press=["a", *"Read section 3", "enter", *"[b]ok"], run_before=wait_until_ready)


@pytest.mark.parametrize("size", SMALL_SIZES, ids=size_id)
def test_copy_menu_snapshot(make_app: AppFactory, snap_compare, size: tuple[int, int]) -> None:
    app = make_app()
    assert snap_compare(app, terminal_size=size, press=["j", "c"], run_before=wait_until_ready)


@pytest.mark.parametrize("size", SMALL_SIZES, ids=size_id)
def test_search_error_snapshot(make_app: AppFactory, snap_compare, size: tuple[int, int]) -> None:
    app = make_app()
    assert snap_compare(app, terminal_size=size, press=["slash", *"agent since:2026-13"], run_before=wait_until_ready)


def test_similar_view_snapshot(make_app: AppFactory, snap_compare) -> None:
    async def open_similar(pilot: Pilot) -> None:
        await wait_until_ready(pilot)
        await pilot.press("m")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    app = make_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_similar)


def test_export_prompt_snapshot(make_app: AppFactory, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    import reader.ui.screen_library as screen_library
    from datetime import date

    class FixedDate(date):
        @classmethod
        def today(cls) -> date:
            return date(2026, 6, 12)

    monkeypatch.setattr(screen_library, "date", FixedDate)

    async def open_export(pilot: Pilot) -> None:
        await wait_until_ready(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.export_view("bibtex")
        await pilot.pause()

    app = make_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_export)
