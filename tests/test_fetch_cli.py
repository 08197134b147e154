"""`papers fetch` end to end, against a replay server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from reader import __version__
from reader.cli import main
from reader.fetch import http as http_module
from reader.paths import default_paths
from reader.sources import load_file
from reader.store import Library
from fetch_server import ReplayServer, Route

HF_DAY = Path(__file__).parent / "data" / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"


@pytest.fixture(autouse=True)
def no_retry_sleep(monkeypatch):
    """Keep the client's retry backoff from really sleeping."""
    monkeypatch.setattr(http_module, "_default_sleep", lambda seconds: None)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PAPERS_READER_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def server():
    replay = ReplayServer({"/api/daily_papers": Route(HF_DAY.read_bytes())}).start()
    yield replay
    replay.stop()


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def library_keys() -> set[str]:
    library = Library(default_paths())
    library.open()
    try:
        return {paper.key for paper in library.papers()}
    finally:
        library.close()


def test_fetch_hf_date_imports_thirty_papers(home, server, monkeypatch):
    monkeypatch.setenv("PAPERS_READER_HF_URL", server.url)
    result = run("fetch", "hf", "--date", "2026-06-12")

    assert result.exit_code == 0, result.output
    assert result.stdout == "Hugging Face Daily Papers 2026-06-12: 30 added, 0 updated, 0 unchanged\n"
    assert "Fetching Hugging Face Daily Papers 2026-06-12, page 1" in result.stderr
    [seen] = server.requests
    assert seen.path == "/api/daily_papers"
    assert seen.query == {"date": ["2026-06-12"], "limit": ["100"], "p": ["0"]}
    assert seen.headers["User-Agent"] == f"papers-reader/{__version__} (+https://github.com/papers-reader)"
    expected = {paper.key for paper in load_file(HF_DAY)}
    assert len(expected) == 30
    assert library_keys() == expected
    assert "2606.00467" in expected

    listed = run("list", "--json")
    assert listed.exit_code == 0
    ids = {orjson.loads(line)["id"] for line in listed.stdout.splitlines()}
    assert ids == expected


def test_server_down_changes_nothing(home, server, monkeypatch):
    monkeypatch.setenv("PAPERS_READER_HF_URL", server.url)
    assert run("fetch", "hf", "--date", "2026-06-12").exit_code == 0
    library = Library(default_paths())
    library.open()
    library.set_starred("2606.00467", True)
    library.close()
    paths = default_paths()
    before = (paths.papers_file.read_bytes(), paths.state_file.read_bytes())
    down_url = server.url
    server.stop()

    result = run("fetch", "hf", "--date", "2026-06-12")

    assert result.exit_code == 1
    assert (
        f"papers: Hugging Face Daily Papers 2026-06-12: Hugging Face did not answer "
        f"(connection refused at {down_url}/api/daily_papers). Re-imported the copy cached at "
    ) in result.stderr
    assert "(30 papers: 0 added, 0 updated, 30 unchanged)." in result.stderr
    assert (paths.papers_file.read_bytes(), paths.state_file.read_bytes()) == before


def test_server_down_on_first_fetch(home, server, monkeypatch):
    down_url = server.url
    server.stop()
    monkeypatch.setenv("PAPERS_READER_HF_URL", down_url)
    result = run("fetch", "hf", "--date", "2026-06-12")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"papers: Hugging Face Daily Papers 2026-06-12: Hugging Face did not answer "
        f"(connection refused at {down_url}/api/daily_papers). "
        "There is no cached copy to use instead. Nothing was changed.\n"
    )
    assert library_keys() == set()


def test_offline_fetch_reimports_cache(home, server, monkeypatch):
    monkeypatch.setenv("PAPERS_READER_HF_URL", server.url)
    run("fetch", "hf", "--date", "2026-06-12")
    result = run("fetch", "--offline", "hf", "--date", "2026-06-12")
    assert result.exit_code == 0, result.output
    assert len(server.requests) == 1
    assert "Offline: importing cached responses only." in result.stderr
    assert result.stdout.startswith(
        "Hugging Face Daily Papers 2026-06-12: 0 added, 0 updated, 30 unchanged (from the copy cached at "
    )


def test_json_report(home, server, monkeypatch):
    monkeypatch.setenv("PAPERS_READER_HF_URL", server.url)
    result = run("fetch", "hf", "--date", "2026-06-12", "--json")
    assert result.exit_code == 0
    report = orjson.loads(result.stdout)
    assert report["ok"] is True
    assert report["added"] == 30
    assert report["sources"][0]["source"] == "Hugging Face Daily Papers 2026-06-12"
    assert report["sources"][0]["error"] is None


def test_bare_fetch_uses_subscriptions(home, server, monkeypatch):
    monkeypatch.setenv("PAPERS_READER_HF_URL", server.url)
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[[fetch.subscriptions]]\nsource = "hf"\ndate = "2026-06-12"\n', encoding="utf-8")
    result = run("fetch")
    assert result.exit_code == 0, result.output
    assert [r.query["date"] for r in server.requests] == [["2026-06-12"]]
    assert result.stdout.splitlines() == [
        "Hugging Face Daily Papers 2026-06-12: 30 added, 0 updated, 0 unchanged",
        "arXiv title search for papers without an arXiv id: 0 added, 0 updated, 0 unchanged; "
        "every paper has an arXiv id",
        "Total: 30 added, 0 updated, 0 unchanged",
    ]


def test_bad_subscription_is_reported(home):
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[[fetch.subscriptions]]\nsource = "rss"\n', encoding="utf-8")
    result = run("fetch")
    assert result.exit_code == 1
    assert f"Invalid config file {config}: fetch.subscriptions entry 1 has source 'rss'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hf", "--week", "2026-W60"], "--week 2026-W60 is not a valid ISO week; use YYYY-Www, e.g. 2026-W48."),
        (["hf", "--month", "2026-13"], "--month 2026-13 is not a valid month; use YYYY-MM, e.g. 2026-11."),
        (["hf", "--date", "2026-6-1"], "--date 2026-6-1 is not a valid date; use YYYY-MM-DD, e.g. 2026-06-12."),
        (["arxiv"], "Give --category (e.g. --category cs.LG) or --query."),
        (["arxiv", "--category", "cs LG"], "--category 'cs LG' is not an arXiv category"),
    ],
)
def test_invalid_options_exit_2(home, args, message):
    result = run("fetch", *args)
    assert result.exit_code == 2
    assert message in result.stderr
