"""arXiv: the RSS announcement feed and the search API.

``{arxiv_rss_url}/rss/cs.LG+cs.AI`` lists the latest announcement of the
categories. ``{arxiv_api_url}/api/query`` returns the results of a search, paged with
``start``/``max_results``; the feed states the total in
``opensearch:totalResults``. arXiv asks API clients to leave 3 seconds
between requests, so every API request here goes through one process-wide
RateLimiter.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable

from reader.fetch.cache import NotCachedError, PageSource, parse_page
from reader.fetch.http import FetchError, RateLimiter, service_url
from reader.fetch.plan import ArxivQueryRequest, ArxivRssRequest
from reader.models import Paper

log = logging.getLogger(__name__)

API_SERVICE = "arXiv API"
RSS_SERVICE = "arXiv RSS"
API_SOURCE = "arxiv-api"
RSS_SOURCE = "arxiv-rss"
API_INTERVAL_SECONDS = 3.0
PAGE_SIZE = 200
API_URL_SETTING = "arXiv API URL (fetch.arxiv_api_url or PAPERS_READER_ARXIV_API_URL)"
RSS_URL_SETTING = "arXiv RSS URL (fetch.arxiv_rss_url or PAPERS_READER_ARXIV_RSS_URL)"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"

API_LIMITER = RateLimiter(API_INTERVAL_SECONDS)
"""Spacing of arXiv API requests for the whole process."""


def fetch_rss(
    request: ArxivRssRequest,
    rss_url: str,
    pages: PageSource,
    papers: list[Paper],
    notes: list[str],
    progress: Callable[[str], None],
) -> None:
    """Fetch the latest announcement of the request's categories."""
    url = service_url(rss_url, "/rss/" + "+".join(request.categories), RSS_URL_SETTING)
    progress(f"Fetching {request.label}")
    page = pages.get(
        source=RSS_SOURCE,
        service=RSS_SERVICE,
        label=request.label,
        url=url,
        params={},
        cache_key={"categories": "+".join(request.categories)},
        suffix=".xml",
        volatile=True,
    )
    parsed = parse_page(page, RSS_SERVICE)
    page.keep()
    papers.extend(parsed)
    if not parsed:
        notes.append("the feed lists no papers (arXiv announces nothing on weekends and holidays)")


def fetch_query(
    request: ArxivQueryRequest,
    api_url: str,
    pages: PageSource,
    papers: list[Paper],
    notes: list[str],
    progress: Callable[[str], None],
    limiter: RateLimiter,
) -> None:
    """Fetch the results of a search, newest submissions first, up to ``max_results``."""
    url = service_url(api_url, "/api/query", API_URL_SETTING)
    seen: set[str] = set()
    start = 0
    total: int | None = None
    while start < request.max_results and (total is None or start < total):
        size = min(PAGE_SIZE, request.max_results - start)
        params = {
            "search_query": request.query,
            "start": start,
            "max_results": size,
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }
        shown_total = f" of {total}" if total is not None else ""
        progress(f"Fetching {request.label}, results {start + 1}-{start + size}{shown_total}")
        try:
            page = pages.get(
                source=API_SOURCE,
                service=API_SERVICE,
                label=request.label,
                url=url,
                params=params,
                suffix=".xml",
                limiter=limiter,
                pass_statuses=(400,),
            )
        except NotCachedError:
            if start == 0:
                raise
            return  # The cached copy of the results ends here.
        # arXiv sends its error feed with status 400; parsing it raises ArxivApiError.
        parsed = parse_page(page, API_SERVICE)
        if page.status >= 400:
            raise FetchError(API_SERVICE, url, f"HTTP {page.status} from {page.url}", unreachable=False)
        page.keep()
        if total is None:
            total = total_results(page.body)
        fresh = [paper for paper in parsed if paper.key not in seen]
        seen.update(paper.key for paper in fresh)
        papers.extend(fresh)
        log.info("%s: start %d, %d entries, %d new, total %s", request.label, start, len(parsed), len(fresh), total)
        if not parsed:
            if start == 0:
                notes.append("no results")
            else:
                notes.append(f"arXiv sent an empty page at result {start + 1} of {total}; stopped there")
            return
        if not fresh:
            notes.append("arXiv sent the same page twice, so paging stopped there")
            return
        start += len(parsed)
        if total is None:
            total = start if len(parsed) < size else None
    if total is not None and total > request.max_results:
        notes.append(f"fetched the newest {request.max_results} of {total} results; raise --max to get more")


def total_results(body: bytes) -> int | None:
    """Read ``opensearch:totalResults`` from an Atom feed, or None if it is missing."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    element = root.find(f"{_OPENSEARCH}totalResults")
    if element is None or element.text is None:
        return None
    try:
        return int(element.text.strip())
    except ValueError:
        return None
