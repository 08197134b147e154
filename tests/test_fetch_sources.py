"""run_fetch against recorded Hugging Face and arXiv responses (pytest-httpx)."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest

from reader.config import Config, load_config
from reader.fetch import run_fetch
from reader.fetch import arxiv as arxiv_module
from reader.fetch import hf as hf_module
from reader.fetch.http import HttpClient, RateLimiter
from reader.fetch.plan import (
    ArxivQueryRequest,
    ArxivRssRequest,
    HfRequest,
    TitleLookupRequest,
)
from reader.ids import title_key
from reader.models import Paper
from reader.paths import Paths
from reader.sources import load_file
from reader.store import Library

DATA = Path(__file__).parent / "data"
HF_DAY = DATA / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"
ATOM_20 = DATA / "arxiv-api" / "brevio_arxiv_api_cat_cs.LG_OR_cs.AI_2026-04-30.xml"
ATOM_5 = DATA / "arxiv-api" / "sotawhat_arxiv_transformer_newformat_2026.xml"
ATOM_ONE = DATA / "arxiv-api" / "arxivpy_astro-ph_0601001_affiliations.body.xml"
ATOM_EMPTY = DATA / "arxiv-api" / "arxivpy_empty_id_0000.0000.body.xml"
ATOM_ERROR = DATA / "arxiv-api" / "arxivpy_error_400_id_abc.body.xml"
RSS_4 = DATA / "arxiv-rss" / "laya_reader_rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml"
RSS_EMPTY = DATA / "arxiv-rss" / "allnewsai_rss_cs.CL_2026-08-01_weekend_empty.xml"
PAGE_COPY = DATA / "hf-page" / "hf_papers_page_copy.txt"

HF = "https://hf.test"
API = "https://arxiv-api.test"
RSS = "https://arxiv-rss.test"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(data_dir=tmp_path / "data", config_dir=tmp_path / "config").ensure()


@pytest.fixture
def library(paths: Paths):
    library = Library(paths)
    library.open()
    yield library
    library.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fetch(library, paths, clock):
    """Run run_fetch with a client and arXiv limiter that never really sleep."""
    config = Config(hf_url=HF, arxiv_api_url=API, arxiv_rss_url=RSS)
    messages: list[str] = []
    limiter = RateLimiter(3.0, clock=clock, sleep=clock.sleep)

    def run(*requests, offline: bool = False, config: Config = config):
        with HttpClient(sleep=clock.sleep) as client:
            return run_fetch(
                library,
                config,
                list(requests),
                messages.append,
                offline=offline,
                paths=paths,
                client=client,
                arxiv_limiter=limiter,
            )

    run.messages = messages
    return run


def hf_items() -> list[dict]:
    return orjson.loads(HF_DAY.read_bytes())


# -- Hugging Face -------------------------------------------------------------


def test_hf_date_imports_thirty_papers(httpx_mock, fetch, library, paths):
    httpx_mock.add_response(content=HF_DAY.read_bytes())
    report = fetch(HfRequest(date="2026-06-12"))

    request = httpx_mock.get_request()
    assert request.url.path == "/api/daily_papers"
    assert dict(request.url.params) == {"date": "2026-06-12", "limit": "100", "p": "0"}
    assert report.ok
    [source] = report.sources
    assert (source.added, source.updated, source.unchanged) == (30, 0, 0)
    assert source.label == "Hugging Face Daily Papers 2026-06-12"
    assert len(library.papers()) == 30
    assert library.get("2606.00467") is not None
    assert library.get("2606.00467").listed == "2026-06-12"
    cached = list((paths.cache_dir / "hf-daily").glob("*.json"))
    assert [p.read_bytes() for p in cached if not p.name.endswith(".meta.json")] == [HF_DAY.read_bytes()]


def test_hf_second_fetch_is_unchanged(httpx_mock, fetch):
    httpx_mock.add_response(content=HF_DAY.read_bytes(), is_reusable=True)
    fetch(HfRequest(date="2026-06-12"))
    report = fetch(HfRequest(date="2026-06-12"))
    assert (report.added, report.updated, report.unchanged) == (0, 0, 30)


def test_hf_trending_and_week_params(httpx_mock, fetch):
    httpx_mock.add_response(content=b"[]", is_reusable=True)
    fetch(HfRequest(trending=True), HfRequest(week="2026-W24"), HfRequest(month="2026-06"))
    params = [dict(r.url.params) for r in httpx_mock.get_requests()]
    assert params == [
        {"sort": "trending", "limit": "100", "p": "0"},
        {"week": "2026-W24", "limit": "100", "p": "0"},
        {"month": "2026-06", "limit": "100", "p": "0"},
    ]


def test_hf_pages_until_short_page(httpx_mock, fetch, library, monkeypatch):
    monkeypatch.setattr(hf_module, "PAGE_LIMIT", 20)
    items = hf_items()
    httpx_mock.add_response(content=orjson.dumps(items[:20]))
    httpx_mock.add_response(content=orjson.dumps(items[20:]))
    report = fetch(HfRequest(date="2026-06-12"))
    pages = [r.url.params["p"] for r in httpx_mock.get_requests()]
    assert pages == ["0", "1"]
    assert all(r.url.params["limit"] == "20" for r in httpx_mock.get_requests())
    assert report.sources[0].added == 30
    assert len(library.papers()) == 30


def test_hf_stops_when_server_ignores_page(httpx_mock, fetch, library, monkeypatch):
    monkeypatch.setattr(hf_module, "PAGE_LIMIT", 20)
    httpx_mock.add_response(content=orjson.dumps(hf_items()[:20]), is_reusable=True)
    report = fetch(HfRequest(date="2026-06-12"))
    assert [r.url.params["p"] for r in httpx_mock.get_requests()] == ["0", "1"]
    assert report.ok
    assert report.sources[0].added == 20
    assert report.sources[0].notes == ["the server sent the same page twice, so paging stopped there"]


def test_hf_truncated_json_changes_nothing(httpx_mock, fetch, library, paths):
    httpx_mock.add_response(content=HF_DAY.read_bytes()[:5000])
    report = fetch(HfRequest(date="2026-06-12"))
    assert not report.ok
    error = report.sources[0].error
    assert error.startswith("Hugging Face sent a response that could not be read: ")
    assert "is not valid JSON (line 1, column 5001" in error
    assert error.endswith("Nothing was changed.")
    assert library.papers() == []
    assert not (paths.cache_dir / "hf-daily").exists()


def test_hf_second_page_failure_keeps_first_page(httpx_mock, fetch, library, monkeypatch):
    monkeypatch.setattr(hf_module, "PAGE_LIMIT", 20)
    httpx_mock.add_response(content=orjson.dumps(hf_items()[:20]))
    httpx_mock.add_response(status_code=500, is_reusable=True)
    report = fetch(HfRequest(date="2026-06-12"))
    source = report.sources[0]
    assert not source.ok
    assert source.added == 20
    assert "HTTP 500" in source.error
    assert source.error.endswith("Imported the 20 papers read before the failure.")
    assert len(library.papers()) == 20


def test_hf_429_then_success(httpx_mock, fetch, clock):
    httpx_mock.add_response(status_code=429, headers={"Retry-After": "4"})
    httpx_mock.add_response(content=HF_DAY.read_bytes())
    report = fetch(HfRequest(date="2026-06-12"))
    assert report.ok
    assert report.added == 30
    assert clock.sleeps == [4.0]


def test_hf_timeout_reports_and_changes_nothing(httpx_mock, fetch, library, clock):
    for _ in range(3):
        httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    report = fetch(HfRequest(date="2026-06-12"))
    assert report.sources[0].error == (
        f"Hugging Face did not answer (no response within 30 s from {HF}/api/daily_papers). "
        "There is no cached copy to use instead. Nothing was changed."
    )
    assert clock.sleeps == [1.0, 2.0]
    assert library.papers() == []


def test_unreachable_server_falls_back_to_cache(httpx_mock, fetch, library):
    httpx_mock.add_response(content=HF_DAY.read_bytes())
    assert fetch(HfRequest(date="2026-06-12")).ok
    for _ in range(3):
        httpx_mock.add_exception(httpx.ConnectError("[Errno 111] Connection refused"))
    report = fetch(HfRequest(date="2026-06-12"))
    source = report.sources[0]
    assert not report.ok
    assert source.error.startswith(
        f"Hugging Face did not answer (connection refused at {HF}/api/daily_papers). "
        "Re-imported the copy cached at "
    )
    assert source.error.endswith("instead (30 papers: 0 added, 0 updated, 30 unchanged).")
    assert source.cached_at is not None
    assert len(library.papers()) == 30


def test_offline_reimports_cache_without_requests(httpx_mock, fetch):
    httpx_mock.add_response(content=HF_DAY.read_bytes())
    fetch(HfRequest(date="2026-06-12"))
    report = fetch(HfRequest(date="2026-06-12"), offline=True)
    assert report.ok
    assert report.offline
    assert report.unchanged == 30
    assert report.sources[0].cached_at is not None
    assert len(httpx_mock.get_requests()) == 1


def test_offline_cache_imports_into_empty_library(httpx_mock, fetch, tmp_path, paths, clock):
    httpx_mock.add_response(content=HF_DAY.read_bytes())
    fetch(HfRequest(date="2026-06-12"))
    other = Paths(data_dir=tmp_path / "other", config_dir=tmp_path / "config").ensure()
    other_library = Library(other)
    other_library.open()
    report = run_fetch(other_library, Config(hf_url=HF), [HfRequest(date="2026-06-12")], offline=True, paths=paths)
    assert report.sources[0].added == 30
    assert len(other_library.papers()) == 30
    other_library.close()


def test_offline_latest_listing_skips_meta_files(httpx_mock, fetch):
    # The latest listing is cached with a day stamp next to its .meta.json
    # sidecar; the offline path must pick the body, not the sidecar.
    httpx_mock.add_response(content=HF_DAY.read_bytes())
    fetch(HfRequest())
    report = fetch(HfRequest(), offline=True)
    assert report.ok
    assert report.unchanged == 30
    assert len(httpx_mock.get_requests()) == 1


def test_offline_without_cache_says_so(fetch, library):
    report = fetch(HfRequest(date="2026-06-11"), offline=True)
    assert report.sources[0].error == (
        "No cached copy of Hugging Face Daily Papers 2026-06-11; fetch it once while online. "
        "Nothing was changed."
    )


def test_base_url_env_override_with_prefix(httpx_mock, fetch, paths, monkeypatch):
    monkeypatch.setenv("PAPERS_READER_HF_URL", "http://mirror.test:8080/hf/")
    config = load_config(paths)
    httpx_mock.add_response(content=b"[]")
    report = fetch(HfRequest(date="2026-06-12"), config=config)
    assert report.ok
    request = httpx_mock.get_request()
    assert str(request.url).startswith("http://mirror.test:8080/hf/api/daily_papers?")


# -- arXiv API ------------------------------------------------------------------


def test_arxiv_query_pages_with_three_second_spacing(httpx_mock, fetch, library, clock, monkeypatch):
    monkeypatch.setattr(arxiv_module, "PAGE_SIZE", 20)
    httpx_mock.add_response(content=ATOM_20.read_bytes())
    httpx_mock.add_response(content=ATOM_5.read_bytes())
    report = fetch(ArxivQueryRequest(query="cat:cs.LG OR cat:cs.AI", max_results=25))

    requests = httpx_mock.get_requests()
    assert [r.url.path for r in requests] == ["/api/query", "/api/query"]
    assert [dict(r.url.params) for r in requests] == [
        {
            "search_query": "cat:cs.LG OR cat:cs.AI",
            "start": "0",
            "max_results": "20",
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        },
        {
            "search_query": "cat:cs.LG OR cat:cs.AI",
            "start": "20",
            "max_results": "5",
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        },
    ]
    assert clock.sleeps == [3.0]
    source = report.sources[0]
    assert source.added == 25
    assert source.notes == ["fetched the newest 25 of 364218 results; raise --max to get more"]
    assert library.get("2604.26951").title.startswith("Turning the TIDE")
    assert library.get("2606.13677") is not None


def test_arxiv_query_stops_at_total_results(httpx_mock, fetch, library):
    httpx_mock.add_response(content=ATOM_ONE.read_bytes())
    report = fetch(ArxivQueryRequest(query="id:astro-ph/0601001"))
    assert len(httpx_mock.get_requests()) == 1
    assert report.ok
    assert report.sources[0].added == 1
    assert library.get("astro-ph/0601001") is not None


def test_arxiv_empty_feed_is_no_results(httpx_mock, fetch, library):
    httpx_mock.add_response(content=ATOM_EMPTY.read_bytes())
    report = fetch(ArxivQueryRequest(query="ti:nothingmatchesthis"))
    assert report.ok
    assert report.sources[0].notes == ["no results"]
    assert report.added == 0


def test_arxiv_error_feed_shows_arxiv_message(httpx_mock, fetch, library, clock):
    httpx_mock.add_response(status_code=400, content=ATOM_ERROR.read_bytes())
    report = fetch(ArxivQueryRequest(query="id:abc"))
    error = report.sources[0].error
    assert "incorrect id format for abc" in error
    assert error.endswith("Nothing was changed.")
    assert len(httpx_mock.get_requests()) == 1
    assert library.papers() == []


def test_arxiv_malformed_xml_is_clear_error(httpx_mock, fetch, library):
    httpx_mock.add_response(content=ATOM_20.read_bytes()[:3000])
    report = fetch(ArxivQueryRequest(query="cat:cs.LG"))
    error = report.sources[0].error
    assert error.startswith("arXiv API sent a response that could not be read: ")
    assert "is not valid XML (line 33, column 20)" in error
    assert library.papers() == []


# -- arXiv RSS --------------------------------------------------------------------


def test_rss_fetches_categories_feed(httpx_mock, fetch, library):
    httpx_mock.add_response(content=RSS_4.read_bytes())
    report = fetch(ArxivRssRequest(categories=("cs.LG", "cs.AI", "cs.CL", "stat.ML")))
    request = httpx_mock.get_request()
    assert request.url.raw_path == b"/rss/cs.LG+cs.AI+cs.CL+stat.ML"
    assert report.sources[0].added == 4
    assert library.get("2609.26811") is not None
    assert library.get("2205.06398") is not None


def test_rss_empty_weekend_feed(httpx_mock, fetch):
    httpx_mock.add_response(content=RSS_EMPTY.read_bytes())
    report = fetch(ArxivRssRequest(categories=("cs.CL",)))
    assert report.ok
    assert report.added == 0
    assert report.sources[0].notes == [
        "the feed lists no papers (arXiv announces nothing on weekends and holidays)"
    ]


def test_rss_offline_uses_latest_cached_copy(httpx_mock, fetch):
    httpx_mock.add_response(content=RSS_4.read_bytes())
    fetch(ArxivRssRequest(categories=("cs.LG", "cs.AI", "cs.CL", "stat.ML")))
    report = fetch(ArxivRssRequest(categories=("cs.LG", "cs.AI", "cs.CL", "stat.ML")), offline=True)
    assert report.ok
    assert report.unchanged == 4


# -- title lookup -------------------------------------------------------------------


def test_title_lookup_merges_into_arxiv_paper(httpx_mock, fetch, library):
    title = "Turning the TIDE: Cross-Architecture Distillation for Diffusion Large Language Models"
    library.import_papers([Paper(key=title_key(title), title=title, sources=["hf-page"])])
    httpx_mock.add_response(content=ATOM_20.read_bytes())
    report = fetch(TitleLookupRequest())
    request = httpx_mock.get_request()
    assert request.url.params["search_query"] == (
        'ti:"turning the tide cross architecture distillation for diffusion large language models"'
    )
    assert report.ok
    assert library.get(title_key(title)) is None
    merged = library.get("2604.26951")
    assert merged is not None
    assert "hf-page" in merged.sources


def test_title_lookup_without_match_keeps_title_key(httpx_mock, fetch, library, clock):
    page_papers = load_file(PAGE_COPY)
    assert len(page_papers) == 36
    library.import_papers(page_papers)
    httpx_mock.add_response(content=ATOM_ONE.read_bytes(), is_reusable=True)
    report = fetch(TitleLookupRequest(limit=2))
    assert len(httpx_mock.get_requests()) == 2
    assert clock.sleeps == [3.0]
    assert report.ok
    assert report.added == 0
    assert report.sources[0].notes == ["searched 2 of 36 titles; the rest wait for the next fetch"]
    assert library.get("title:6be93d53072d0278").title == "Replica symmetry breaking in dense neural networks"


def test_title_lookup_with_nothing_to_do_sends_nothing(httpx_mock, fetch):
    report = fetch(TitleLookupRequest())
    assert report.ok
    assert report.sources[0].notes == ["every paper has an arXiv id"]
    assert httpx_mock.get_requests() == []


def test_title_lookup_unreachable_changes_nothing(httpx_mock, fetch, library):
    title = "Turning the TIDE: Cross-Architecture Distillation for Diffusion Large Language Models"
    library.import_papers([Paper(key=title_key(title), title=title, sources=["hf-page"])])
    for _ in range(3):
        httpx_mock.add_exception(httpx.ConnectError("[Errno 111] Connection refused"))
    report = fetch(TitleLookupRequest())
    assert report.sources[0].error == (
        f"arXiv API did not answer (connection refused at {API}/api/query). "
        "There is no cached copy to use instead. Nothing was changed."
    )
    assert library.get(title_key(title)) is not None
