"""Fetching papers from Hugging Face and arXiv into the library.

``run_fetch`` carries out a list of requests (see ``reader.fetch.plan``) one
after the other and imports what each one parsed. A request that fails
changes nothing beyond the papers it had already read, because the store's
import never removes papers or state. When a server cannot be reached, the
response cached by an earlier fetch is imported instead, and the report
states it. It does no UI work and may run in a thread worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from reader.config import Config
from reader.errors import ReaderError
from reader.fetch.arxiv import API_LIMITER, fetch_query, fetch_rss
from reader.fetch.cache import NotCachedError, PageSource, ResponseCache
from reader.fetch.hf import fetch_hf
from reader.fetch.http import FetchError, HttpClient, RateLimiter
from reader.fetch.plan import (
    ArxivQueryRequest,
    ArxivRssRequest,
    FetchRequest,
    HfRequest,
    TitleLookupRequest,
    default_requests,
)
from reader.fetch.titles import lookup_titles, papers_without_id
from reader.models import Paper
from reader.paths import Paths, default_paths

__all__ = [
    "ArxivQueryRequest",
    "ArxivRssRequest",
    "FetchError",
    "FetchReport",
    "FetchRequest",
    "HfRequest",
    "SourceReport",
    "TitleLookupRequest",
    "default_requests",
    "run_fetch",
]

log = logging.getLogger(__name__)


class LibraryLike(Protocol):
    """The part of ``reader.store.Library`` that fetching uses."""

    def import_papers(self, papers: list[Paper]) -> Any: ...

    def papers(self) -> Any: ...


@dataclass
class SourceReport:
    """The outcome of one request: counts of imported papers, or the failure."""

    label: str
    """The request in words, e.g. ``Hugging Face Daily Papers 2026-06-12``."""
    fetched: int = 0
    """Papers parsed from the responses (before merging with the library)."""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str | None = None
    """Message for the user when the request failed, fully or partly."""
    cached_at: str | None = None
    """Fetch time of the cached responses used instead of live ones."""
    notes: list[str] = field(default_factory=list)
    """Remarks that are not failures, e.g. an empty feed or a result cap."""

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        """Format one line with the counts, the cached copy used, and any notes."""
        line = f"{self.label}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        if self.cached_at:
            line += f" (from the copy cached at {self.cached_at})"
        if self.notes:
            line += "; " + "; ".join(self.notes)
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.label,
            "ok": self.ok,
            "fetched": self.fetched,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error": self.error,
            "cached_at": self.cached_at,
            "notes": list(self.notes),
        }


@dataclass
class FetchReport:
    """The outcome of ``run_fetch``: one SourceReport per request, in order."""

    sources: list[SourceReport] = field(default_factory=list)
    offline: bool = False

    @property
    def ok(self) -> bool:
        return all(source.ok for source in self.sources)

    @property
    def failed(self) -> list[SourceReport]:
        return [source for source in self.sources if not source.ok]

    @property
    def added(self) -> int:
        return sum(source.added for source in self.sources)

    @property
    def updated(self) -> int:
        return sum(source.updated for source in self.sources)

    @property
    def unchanged(self) -> int:
        return sum(source.unchanged for source in self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "offline": self.offline,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "sources": [source.to_dict() for source in self.sources],
        }


@dataclass
class _Run:
    """Everything one request needs, so the per-source functions stay small."""

    library: LibraryLike
    config: Config
    pages: PageSource
    progress: Callable[[str], None]
    limiter: RateLimiter


def run_fetch(
    library: LibraryLike,
    config: Config,
    requests: list[FetchRequest],
    progress: Callable[[str], None] = lambda message: None,
    *,
    offline: bool = False,
    paths: Paths | None = None,
    client: HttpClient | None = None,
    arxiv_limiter: RateLimiter | None = None,
) -> FetchReport:
    """Fetch each request and import what it parsed into ``library``.

    ``offline`` imports only cached responses. Otherwise, a request whose
    server cannot be reached falls back to its cached responses, and still
    counts as failed. ``paths`` defaults to ``library.paths``, else to
    ``default_paths()``. ``client`` and ``arxiv_limiter`` are for tests: the
    default client retries, and the default limiter spaces arXiv API
    requests 3 s apart across the process. Progress messages go to
    ``progress``.
    """
    paths = paths or getattr(library, "paths", None) or default_paths()
    cache = ResponseCache(paths.cache_dir)
    own_client = client is None and not offline
    if own_client:
        client = HttpClient()
    limiter = arxiv_limiter or API_LIMITER
    report = FetchReport(offline=offline)
    try:
        for request in requests:
            run = _Run(library, config, PageSource(client, cache, offline=offline), progress, limiter)
            source, error = _run_request(request, run)
            if isinstance(error, FetchError) and error.unreachable and not offline:
                cached_pages = PageSource(None, cache, offline=True)
                _run_fallback(request, _Run(library, config, cached_pages, progress, limiter), source)
            elif error is not None:
                _finish_error(source)
            report.sources.append(source)
            # Failures are left to the caller, which reports them once from
            # the returned report (stderr in the CLI, a notification in the app).
            if source.ok:
                progress(source.summary())
    finally:
        if own_client and client is not None:
            client.close()
    return report


def _run_request(request: FetchRequest, run: _Run) -> tuple[SourceReport, ReaderError | None]:
    """Fetch one request and import whatever it parsed, even when it then failed."""
    source = SourceReport(label=request.label)
    papers: list[Paper] = []
    failure: ReaderError | None = None
    try:
        _dispatch(request, run, papers, source.notes)
    except ReaderError as error:
        log.warning("%s failed: %s", request.label, error.message)
        source.error = error.message
        failure = error
    if papers:
        _import(run.library, papers, source)
    source.cached_at = run.pages.oldest_cached
    return source, failure


def _finish_error(source: SourceReport) -> None:
    if source.fetched:
        source.error = f"{source.error} Imported the {source.fetched} papers read before the failure."
    else:
        source.error = f"{source.error} Nothing was changed."


def _run_fallback(request: FetchRequest, run: _Run, source: SourceReport) -> None:
    """Import the cached responses of a request whose server could not be reached."""
    live_error = source.error
    cached, error = _run_request(request, run)
    if isinstance(error, NotCachedError) or (error is None and cached.cached_at is None):
        source.error = f"{live_error} There is no cached copy to use instead."
        _finish_error(source)
        return
    source.fetched += cached.fetched
    source.added += cached.added
    source.updated += cached.updated
    source.unchanged += cached.unchanged
    source.notes.extend(cached.notes)
    if error is not None:
        source.error = f"{live_error} The cached copy is unusable too ({error.message})."
        _finish_error(source)
        return
    source.cached_at = cached.cached_at
    source.error = (
        f"{live_error} Re-imported the copy cached at {cached.cached_at} instead "
        f"({cached.fetched} papers: {cached.added} added, {cached.updated} updated, "
        f"{cached.unchanged} unchanged)."
    )


def _dispatch(request: FetchRequest, run: _Run, papers: list[Paper], notes: list[str]) -> None:
    config = run.config
    if isinstance(request, HfRequest):
        fetch_hf(request, config.hf_url, run.pages, papers, notes, run.progress)
    elif isinstance(request, ArxivRssRequest):
        fetch_rss(request, config.arxiv_rss_url, run.pages, papers, notes, run.progress)
    elif isinstance(request, ArxivQueryRequest):
        fetch_query(request, config.arxiv_api_url, run.pages, papers, notes, run.progress, run.limiter)
    elif isinstance(request, TitleLookupRequest):
        targets = papers_without_id(run.library.papers())
        if not targets:
            notes.append("every paper has an arXiv id")
            return
        lookup_titles(
            targets, config.arxiv_api_url, run.pages, papers, notes, run.progress, run.limiter, request.limit
        )
    else:
        raise TypeError(f"unknown fetch request {request!r}")


def _import(library: LibraryLike, papers: list[Paper], source: SourceReport) -> None:
    counts = library.import_papers(papers)
    source.fetched += len(papers)
    source.added += counts.added
    source.updated += counts.updated
    source.unchanged += counts.unchanged
