"""Fixtures for the app tests: a library in a temporary folder filled from tests/data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from reader.config import Config
from reader.models import Paper
from reader.paths import Paths
from reader.sources import load_file
from reader.store import Library
from reader.ui.app import PapersApp

DATA = Path(__file__).parent.parent / "data"
HF_DAILY_2026 = DATA / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"
CLOSED_URL = "http://127.0.0.1:9"
"""A local address with no server: fetches fail at once with connection refused."""
RSS_2026 = DATA / "arxiv-rss" / "laya_reader_rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml"


def sample_papers() -> list[Paper]:
    """Return the fixed data set of the app tests: 30 HF papers of 2026-06-12 and 4 RSS papers of 2026-09-24."""
    return [*load_file(HF_DAILY_2026), *load_file(RSS_2026)]


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """Paths inside tmp_path; PAPERS_READER_HOME points there too."""
    monkeypatch.setenv("PAPERS_READER_HOME", str(tmp_path))
    return Paths(data_dir=tmp_path / "data", config_dir=tmp_path / "config")


def open_library(paths: Paths, papers: Iterable[Paper] | None = None) -> Library:
    """Open the library at ``paths``, importing ``papers`` (the sample set when None) if it is empty."""
    library = Library(paths)
    library.open()
    if len(library) == 0:
        library.import_papers(sample_papers() if papers is None else list(papers))
    return library


@pytest.fixture
def library_opener(paths: Paths) -> Callable[[], Library]:
    """Return a function that opens another Library on the temporary folder, like a second process."""
    return lambda: open_library(paths)


AppFactory = Callable[..., PapersApp]


@pytest.fixture
def make_app(paths: Paths) -> AppFactory:
    """Return a factory of apps on the temporary library; keyword arguments set Config fields.

    ``auto_read_seconds`` defaults to 0 so that no test is marked read by a timer it did not ask for.
    The fetch URLs default to port 9 on 127.0.0.1, where nothing listens, so
    that a test pressing F5 by mistake gets "connection refused" and never
    reaches the internet.
    """

    def factory(papers: Iterable[Paper] | None = None, **settings: object) -> PapersApp:
        settings.setdefault("auto_read_seconds", 0)
        for name in ("hf_url", "arxiv_api_url", "arxiv_rss_url"):
            settings.setdefault(name, CLOSED_URL)
        config = Config(**settings)  # type: ignore[arg-type]
        return PapersApp(open_library(paths, papers), config, paths)

    return factory
