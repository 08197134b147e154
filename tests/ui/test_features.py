"""Query-language search, saved searches, similar papers, export and fetch, driven with Pilot."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

import reader.ui.screen_library as screen_library
import reader.ui.screen_search as screen_search
from conftest import HF_DAILY_2026, RSS_2026
from fetch_server import ReplayServer, Route
from reader.config import Config, load_config
from reader.export import export
from reader.fetch import http as http_module
from reader.models import Paper
from reader.paths import Paths
from reader.search import SearchIndex
from reader.sources import load_file
from reader.ui.app import PapersApp
from reader.ui.catalog import Selection
from reader.ui.dialogs import PromptDialog
from reader.ui.help_screen import help_table
from reader.ui.main_screen import MainScreen
from reader.ui.widgets.header import HeaderBar
from reader.ui.widgets.status import StatusLine

AppFactory = Callable[..., PapersApp]

MINIMAX = "2606.13392"
"""MiniMax Sparse Attention, by Xunhao Lai and others, 103 upvotes."""
OVER_50_UPVOTES = ["2606.13681", MINIMAX, "2606.08063"]
"""The HF papers of 2026-06-12 with more than 50 upvotes, in listed order (by upvotes)."""


async def ready(app: PapersApp, pilot: Pilot) -> MainScreen:
    """Wait until the topics and the search index are built; return the main screen."""
    for _ in range(200):
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = app.screen
        if isinstance(screen, MainScreen) and screen.query_search.ready and not screen._index_building:
            await pilot.pause()
            return screen
    raise AssertionError("the search index was never built")


def header(screen: MainScreen) -> str:
    return str(screen.query_one(HeaderBar).render())


def status(screen: MainScreen) -> str:
    line = screen.query_one(StatusLine)
    return str(line.render()) if line.display else ""


def messages(app: PapersApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def type_search(pilot: Pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# Query-language search ------------------------------------------------------------------


async def test_field_query_filters(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await type_search(pilot, "author:xunhao")
        assert screen.paper_list.keys == [MINIMAX]
        assert "author:xunhao" in header(screen)
        assert "1 of 34" in header(screen)
        await pilot.press("escape")
        assert len(screen.paper_list.keys) == 34


async def test_upvote_and_exclusion_query(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await type_search(pilot, "upvotes:>50")
        assert screen.paper_list.keys == OVER_50_UPVOTES
        await pilot.press(*" -sparse")
        await pilot.pause()
        assert screen.paper_list.keys == ["2606.13681", "2606.08063"]


async def test_state_query_uses_current_state(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("j", "s", "j", "j", "s")
        starred = set(screen.catalog.starred)
        await type_search(pilot, "is:starred")
        assert set(screen.paper_list.keys) == starred
        assert len(starred) == 2


async def test_malformed_query_shows_message(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await type_search(pilot, "title:sparse")
        assert screen.paper_list.keys == [MINIMAX]
        await pilot.press(*" since:2026-13")
        await pilot.pause()
        assert status(screen) == (
            "since:2026-13: 2026-13 is not a real date; expected a date as YYYY-MM-DD, YYYY-MM or YYYY."
        )
        # The list keeps the last valid result (since:2026-1), and nothing pops up per keystroke.
        assert screen.paper_list.keys == [MINIMAX]
        assert messages(app) == []
        await pilot.press("backspace", "backspace", "backspace", *" foo:bar")
        await pilot.pause()
        assert status(screen).startswith('Unknown field "foo:" in foo:bar.')
        await pilot.press("escape")
        await pilot.pause()
        assert status(screen) == ""
        assert len(screen.paper_list.keys) == 34


async def test_refined_query_searches_previous_hits(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    original = SearchIndex.search

    def spy(self, query, states, *, within=None, today=None):
        calls.append(within)
        return original(self, query, states, within=within, today=today)

    monkeypatch.setattr(SearchIndex, "search", spy)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await type_search(pilot, "agen")
        hits = set(screen.paper_list.keys)
        assert len(hits) == 12
        assert MINIMAX in hits
        calls.clear()
        await pilot.press("t")
        await pilot.pause()
        assert calls == [hits]
        assert set(screen.paper_list.keys) <= hits


async def test_results_are_not_capped(make_app: AppFactory) -> None:
    papers = [
        Paper(key=f"2601.{n:05d}", title=f"Agent study {n}", listed="2026-01-01", upvotes=n) for n in range(1, 251)
    ]
    app = make_app(papers)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await type_search(pilot, "agent")
        assert len(screen.paper_list.keys) == 250
        assert screen.paper_list.keys[0] == "2601.00250"


async def test_plain_words_until_index_ready(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    class SlowIndex(SearchIndex):
        def __init__(self, *args, **kwargs) -> None:
            release.wait(timeout=20)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(screen_search, "SearchIndex", SlowIndex)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert "indexing…" in header(screen)
        await pilot.press("slash", *"sparse upvotes:>50")
        await pilot.pause()
        # Plain words: "upvotes:>50" is a word that no paper contains.
        assert screen.paper_list.keys == []
        release.set()
        screen = await ready(app, pilot)
        assert "indexing…" not in header(screen)
        assert screen.paper_list.keys == [MINIMAX]


async def test_saved_search_uses_query_language(make_app: AppFactory) -> None:
    app = make_app(searches={"Popular": "upvotes:>50"})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        sidebar = screen.sidebar
        sidebar.focus()
        option_ids = [option.id for option in sidebar.options]
        sidebar.highlighted = option_ids.index("search:0")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.selection == Selection("search", "upvotes:>50")
        assert screen.paper_list.keys == OVER_50_UPVOTES
        assert "Popular" in header(screen)
        await type_search(pilot, "minimax")
        assert screen.paper_list.keys == [MINIMAX]


# Saving a search -----------------------------------------------------------------------------


async def test_save_search_writes_config(make_app: AppFactory, paths: Paths) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await type_search(pilot, "upvotes:>50")
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"Popular", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert load_config(paths).searches == {"Popular": "upvotes:>50"}
        labels = [str(option.prompt) for option in screen.sidebar.options]
        assert any(label.strip().startswith("Popular") for label in labels)
        assert "Saved the search 'Popular'; it is in the sidebar under Searches." in messages(app)
        commands = {command.title: command for command in app.get_system_commands(screen)}
        assert "Search: Popular" in commands


async def test_save_search_invalid_config(make_app: AppFactory, paths: Paths) -> None:
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text("[searches\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await type_search(pilot, "sparse")
        await pilot.press("ctrl+f", *"Sparse", "enter")
        await pilot.pause()
        assert app.screen is screen
        [message] = messages(app)
        assert message.startswith(f"Cannot save the search: config file {paths.config_file} is invalid")
        assert paths.config_file.read_text(encoding="utf-8") == "[searches\n"
        assert "Sparse" not in screen.config.searches


async def test_save_search_needs_a_query(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.screen is screen
        assert messages(app) == ["Type a search with / first, then press ctrl+f to save it."]


async def test_prompt_rejects_empty_name(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await type_search(pilot, "sparse")
        await pilot.press("ctrl+f", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.config.searches == {}


# Similar papers -----------------------------------------------------------------------------


async def test_similar_view_and_back(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        screen.paper_list.move_to(screen.paper_list.keys.index(MINIMAX))
        await pilot.press("m")
        await pilot.pause()
        assert "Building the similarity index…" in messages(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.selection == Selection("similar", MINIMAX)
        keys = screen.paper_list.keys
        assert keys[0] == MINIMAX
        assert len(keys) == 31
        assert len(set(keys)) == 31
        assert screen.paper_list.current_key == MINIMAX
        assert "Similar to: MiniMax Sparse Attention  31 of 34" in header(screen)
        assert "sort:" not in header(screen)
        expected = [key for key, _ in screen._similar_index.similar(MINIMAX, 30)]
        assert keys[1:] == expected

        await pilot.press("escape")
        await pilot.pause()
        assert screen.selection == Selection("view", "all")
        assert len(screen.paper_list.keys) == 34
        assert screen.paper_list.current_key == MINIMAX

        # The index is cached: the second time there is no build notice.
        app._notifications.clear()
        await pilot.press("j", "m")
        await pilot.pause()
        assert screen.selection.kind == "similar"
        assert messages(app) == []


async def test_similar_keeps_previous_view(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        screen.select(Selection("day", "2026-09-24"))
        await pilot.pause()
        await pilot.press("m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.selection.kind == "similar"
        screen.select(Selection("view", "unread"))
        await pilot.pause()
        assert len(screen.paper_list.keys) == 34
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert screen.selection == Selection("view", "unread")


# Export ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, suffix", [("bibtex", ".bib"), ("markdown", ".md"), ("csv", ".csv"), ("json", ".json"), ("csl-json", ".csl.json")]
)
async def test_export_view_writes_listed_papers(make_app: AppFactory, tmp_path: Path, fmt: str, suffix: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("s")
        await type_search(pilot, "upvotes:>50")
        await pilot.press("enter")
        screen.export_view(fmt)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PromptDialog)
        assert dialog.value == f"~/papers-all-search-{date.today():%Y%m%d}{suffix}"
        target = tmp_path / f"out{suffix}"
        dialog.query_one("#prompt-input").value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        papers = [screen.catalog.papers[key] for key in OVER_50_UPVOTES]
        states = dict(screen.library.states())
        assert target.read_text(encoding="utf-8") == export(papers, states, fmt)
        assert oct(target.stat().st_mode & 0o777) != oct(0o600)
        assert messages(app)[-1] == f"Exported 3 papers as {screen_library.EXPORT_LABELS[fmt]} to {target}"


async def test_export_unwritable_path(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        screen.export_view("bibtex")
        await pilot.pause()
        target = tmp_path / "missing" / "out.bib"
        app.screen.query_one("#prompt-input").value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not target.exists()
        assert messages(app)[-1] == (
            f"Could not write {target}: No such file or directory. Check that the folder exists and is writable."
        )


def test_view_slug() -> None:
    assert screen_library.view_slug(Selection("view", "starred"), False) == "starred"
    assert screen_library.view_slug(Selection("topic", "Image & Video Generation"), False) == "topic-image-video-generation"
    assert screen_library.view_slug(Selection("tag", "Ünïcode/../x"), True) == "tag-unicode-..-x-search"
    assert screen_library.view_slug(Selection("similar", "2606.13392"), False) == "similar-2606.13392"


# Fetch -----------------------------------------------------------------------------------------


@pytest.fixture
def hf_server():
    server = ReplayServer({"/api/daily_papers": Route(HF_DAILY_2026.read_bytes())}).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def no_retry_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the HTTP client's retry backoff from really sleeping."""
    monkeypatch.setattr(http_module, "_default_sleep", lambda seconds: None)


def fetch_app(make_app: AppFactory, url: str, monkeypatch: pytest.MonkeyPatch) -> PapersApp:
    """Return an app on the four RSS papers whose HF URL is ``url``, as PAPERS_READER_HF_URL sets it."""
    monkeypatch.setenv("PAPERS_READER_HF_URL", url)
    return make_app(load_file(RSS_2026), hf_url=url, arxiv_api_url=url)


async def test_fetch_adds_papers(
    make_app: AppFactory, hf_server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real_run_fetch = screen_library.run_fetch

    def gated_run_fetch(*args, **kwargs):
        gate.wait(timeout=20)
        return real_run_fetch(*args, **kwargs)

    monkeypatch.setattr(screen_library, "run_fetch", gated_run_fetch)
    shown: list[str] = []
    real_set_message = StatusLine.set_message
    monkeypatch.setattr(
        StatusLine, "set_message", lambda self, slot, text: (shown.append(text), real_set_message(self, slot, text))
    )
    app = fetch_app(make_app, hf_server.url, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        assert len(screen.paper_list.keys) == 4
        await pilot.press("f5")
        await pilot.pause()
        assert "fetching…" in header(screen)
        # Keys keep working while the fetch runs; the star is written at once.
        await pilot.press("j", "s")
        key = screen.paper_list.current_key
        assert screen.library.state(key).starred
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()

        assert len(screen.paper_list.keys) == 34
        assert screen.paper_list.current_key == key
        assert key in screen.catalog.starred
        assert screen.library.state(key).starred
        assert "fetching…" not in header(screen)
        assert messages(app)[-1] == "Fetched: 30 added, 0 updated"
        assert "Fetching Hugging Face Daily Papers latest, page 1" in shown
        assert status(screen) == ""
        assert [request.path for request in hf_server.requests] == ["/api/daily_papers"]
        assert all(screen.catalog.topics[paper.key] for paper in load_file(HF_DAILY_2026))

        # The new papers are searchable and have similar papers.
        await type_search(pilot, "author:xunhao")
        assert screen.paper_list.keys == [MINIMAX]
        await pilot.press("enter", "m")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.selection == Selection("similar", MINIMAX)


async def test_fetch_server_down(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, paths: Paths) -> None:
    server = ReplayServer({}).start()
    url = server.url
    server.stop()
    app = fetch_app(make_app, url, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        before = paths.papers_file.read_bytes()
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [message] = messages(app)
        assert message.startswith("Hugging Face Daily Papers latest: Hugging Face did not answer (connection refused at ")
        assert message.endswith("There is no cached copy to use instead. Nothing was changed.")
        assert [n.severity for n in app._notifications] == ["error"]
        assert len(screen.paper_list.keys) == 4
        assert paths.papers_file.read_bytes() == before


async def test_fetch_server_error(make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, paths: Paths) -> None:
    server = ReplayServer({"/api/daily_papers": Route(b"[bold]oops", status=500, content_type="text/plain")}).start()
    try:
        app = fetch_app(make_app, server.url, monkeypatch)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await ready(app, pilot)
            before = paths.papers_file.read_bytes()
            await pilot.press("f5")
            await app.workers.wait_for_complete()
            await pilot.pause()
            [notification] = list(app._notifications)
            assert notification.severity == "error"
            assert notification.markup is False
            assert notification.message.startswith("Hugging Face Daily Papers latest: ")
            assert "500" in notification.message
            assert len(screen.paper_list.keys) == 4
            assert paths.papers_file.read_bytes() == before
    finally:
        server.stop()


async def test_fetch_bad_subscription(make_app: AppFactory) -> None:
    app = make_app(subscriptions=[{"source": "rss"}])
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f5")
        await pilot.pause()
        [message] = messages(app)
        assert "fetch.subscriptions entry 1 has source 'rss'" in message


def test_fetch_outcome_wording() -> None:
    from reader.fetch import FetchReport, SourceReport

    ok = FetchReport([SourceReport("HF", added=30, updated=2)])
    assert screen_library.fetch_outcome(ok) == ("Fetched: 30 added, 2 updated", "information")
    partial = FetchReport([SourceReport("HF", added=3), SourceReport("arXiv", error="arXiv API timed out.")])
    assert screen_library.fetch_outcome(partial) == ("Fetched: 3 added, 0 updated. arXiv: arXiv API timed out.", "warning")
    failed = FetchReport([SourceReport("HF", error="Hugging Face did not answer.")])
    assert screen_library.fetch_outcome(failed) == ("HF: Hugging Face did not answer.", "error")


# Keys, help and palette -------------------------------------------------------------------------


async def test_new_keys_in_help_and_footer(make_app: AppFactory) -> None:
    from rich.console import Console

    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await ready(app, pilot)
        console = Console(width=120, record=True)
        console.print(help_table({}))
        lines = console.export_text().splitlines()
        assert any(line.split()[:1] == ["m"] and "More like this" in line for line in lines)
        assert any(line.strip().startswith("ctrl+f") and "Save the current search" in line for line in lines)
        assert any(line.strip().startswith("F5, ctrl+r") and "Fetch new papers" in line for line in lines)
        footer = {
            binding.key_display or key: binding.description
            for key, (_, binding, enabled, _) in screen.active_bindings.items()
            if binding.show
        }
        assert footer["m"] == "Similar"
        assert footer["F5"] == "Fetch"


async def test_palette_has_new_commands(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(app, pilot)
        titles = [command.title for command in app.get_system_commands(screen)]
        for title in (
            "Save current search…",
            "More like this",
            "Export view as BibTeX",
            "Export view as Markdown",
            "Export view as CSV",
            "Export view as JSON",
            "Export view as CSL-JSON",
            "Fetch new papers",
            "Reload library from disk",
        ):
            assert title in titles


def test_config_default_has_no_network_in_tests(make_app: AppFactory) -> None:
    app = make_app()
    assert isinstance(app.config, Config)
    assert app.config.hf_url == "http://127.0.0.1:9"
