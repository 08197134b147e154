"""Hugging Face Daily Papers: ``GET {hf_url}/api/daily_papers``, paged with limit/p.

The parameters are those that public clients of the API send:
``date=YYYY-MM-DD``, ``week=YYYY-Www``, ``month=YYYY-MM``, ``sort=trending``,
``limit`` and ``p`` (page number from 0). With no date, week or month the
endpoint lists the latest papers.

NOTE: the Hub API reference does not describe these parameters in detail.
The 100-per-page limit and 0-based ``p`` come from client code, not from a
specification, which is why paging also stops when a page repeats.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import orjson

from reader.fetch.cache import NotCachedError, PageSource, parse_page
from reader.fetch.http import service_url
from reader.fetch.plan import HfRequest
from reader.models import Paper

log = logging.getLogger(__name__)

SERVICE = "Hugging Face"
SOURCE = "hf-daily"
PAGE_LIMIT = 100
MAX_PAGES = 100
"""Guard against a server that never sends a short page (10,000 papers)."""
URL_SETTING = "Hugging Face URL (fetch.hf_url or PAPERS_READER_HF_URL)"


def request_params(request: HfRequest) -> dict[str, str]:
    """Return the query parameters that select the listing (paging comes on top)."""
    params: dict[str, str] = {}
    if request.date:
        params["date"] = request.date
    elif request.week:
        params["week"] = request.week
    elif request.month:
        params["month"] = request.month
    if request.trending:
        params["sort"] = "trending"
    return params


def fetch_hf(
    request: HfRequest,
    hf_url: str,
    pages: PageSource,
    papers: list[Paper],
    notes: list[str],
    progress: Callable[[str], None],
) -> None:
    """Fetch every page of one listing, appending new papers to ``papers``.

    Papers parsed before a failure stay in ``papers`` when this raises, so
    the caller can import what was read.
    """
    url = service_url(hf_url, "/api/daily_papers", URL_SETTING)
    base = request_params(request)
    volatile = not (request.date or request.week or request.month)
    seen: set[str] = set()
    for number in range(MAX_PAGES):
        params = {**base, "limit": PAGE_LIMIT, "p": number}
        where = f"{request.label}, page {number + 1}"
        progress(f"Fetching {where}")
        try:
            page = pages.get(
                source=SOURCE,
                service=SERVICE,
                label=request.label,
                url=url,
                params=params,
                suffix=".json",
                volatile=volatile,
            )
        except NotCachedError:
            if number == 0:
                raise
            return  # The cached copy of the listing ends here.
        parsed = parse_page(page, SERVICE)
        page.keep()
        fresh = [paper for paper in parsed if paper.key not in seen]
        seen.update(paper.key for paper in fresh)
        papers.extend(fresh)
        items = _item_count(page.body, len(parsed))
        log.info("%s: %d items, %d new papers", where, items, len(fresh))
        if items < PAGE_LIMIT:
            return
        if not fresh:
            log.warning("%s repeated the previous page; the server may ignore p", where)
            notes.append("the server sent the same page twice, so paging stopped there")
            return
    notes.append(f"stopped after {MAX_PAGES} pages of {PAGE_LIMIT}")


def _item_count(body: bytes, parsed: int) -> int:
    """Count the items of a JSON list page, which may be more than the papers parsed."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return parsed
    return len(data) if isinstance(data, list) else parsed
