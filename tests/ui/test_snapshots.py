"""SVG snapshots of the main screen and the help screen at fixed sizes on the fixed sample data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from reader.ui.app import PapersApp

AppFactory = Callable[..., PapersApp]


async def wait_for_topics(pilot: Pilot) -> None:
    """Let the topic worker finish so that the sidebar is complete in the snapshot."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (40, 12), (120, 40)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_main_screen_snapshot(make_app: AppFactory, snap_compare, size: tuple[int, int]) -> None:
    app = make_app()
    assert snap_compare(app, terminal_size=size, press=["j", "s"], run_before=wait_for_topics)


@pytest.mark.parametrize("size", [(80, 24), (40, 12)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_help_snapshot(make_app: AppFactory, snap_compare, size: tuple[int, int]) -> None:
    app = make_app()
    assert snap_compare(app, terminal_size=size, press=["question_mark"], run_before=wait_for_topics)
