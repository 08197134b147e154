"""Finding the arXiv id of papers known only by their title.

Text copied from a Hugging Face papers page gives titles without ids; such
papers get a ``title:`` key. Online, an arXiv API title search
(``ti:"..."``) finds the paper; a result counts only when its normalized
title equals the paper's. Importing that result lets the store merge the
title-key record into the arXiv one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from reader.fetch.arxiv import API_SERVICE, API_SOURCE, API_URL_SETTING
from reader.fetch.cache import NotCachedError, PageSource, parse_page
from reader.fetch.http import RateLimiter, service_url
from reader.ids import is_title_key, normalize_title
from reader.models import Paper

log = logging.getLogger(__name__)

RESULTS_PER_SEARCH = 10


def title_query(title: str) -> str | None:
    """Build an arXiv phrase search for a title, or None if no words are left.

    The normalized title keeps only word characters, so quotes, colons and
    brackets cannot break arXiv's query syntax.
    """
    words = normalize_title(title)
    if not words:
        return None
    return f'ti:"{words}"'


def papers_without_id(papers: Iterable[Paper]) -> list[Paper]:
    return [paper for paper in papers if is_title_key(paper.key)]


def match_title(title: str, candidates: Iterable[Paper]) -> Paper | None:
    """Return the candidate with an arXiv id whose normalized title equals ``title``'s."""
    wanted = normalize_title(title)
    for candidate in candidates:
        if candidate.arxiv_id and normalize_title(candidate.title) == wanted:
            return candidate
    return None


def lookup_titles(
    targets: list[Paper],
    api_url: str,
    pages: PageSource,
    found: list[Paper],
    notes: list[str],
    progress: Callable[[str], None],
    limiter: RateLimiter,
    limit: int,
) -> None:
    """Search arXiv for each target title, appending matching arXiv papers to ``found``."""
    url = service_url(api_url, "/api/query", API_URL_SETTING)
    batch = targets[:limit]
    missing = 0
    for number, paper in enumerate(batch, start=1):
        query = title_query(paper.title)
        if query is None:
            continue
        progress(f"Searching arXiv for title {number} of {len(batch)}: {paper.title[:60]}")
        params = {"search_query": query, "start": 0, "max_results": RESULTS_PER_SEARCH}
        try:
            page = pages.get(
                source=API_SOURCE,
                service=API_SERVICE,
                label=f"the title search for {paper.title!r}",
                url=url,
                params=params,
                suffix=".xml",
                limiter=limiter,
            )
        except NotCachedError:
            missing += 1
            continue
        candidates = parse_page(page, API_SERVICE)
        page.keep()
        match = match_title(paper.title, candidates)
        if match is None:
            log.info("no arXiv paper has the title %r", paper.title)
            continue
        log.info("title %r is arXiv %s", paper.title, match.key)
        found.append(match)
    if missing:
        notes.append(f"{missing} title searches were never made online, so they were skipped")
    if len(targets) > limit:
        notes.append(f"searched {limit} of {len(targets)} titles; the rest wait for the next fetch")
