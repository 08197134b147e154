"""One paper from the Hugging Face papers API (``GET /api/papers/{arxiv_id}``).

The response is the paper object itself. HF Daily Papers items carry the
same object under their ``paper`` key, so ``paper_from_hf`` serves both.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from reader.errors import FormatError
from reader.ids import parse_arxiv_id
from reader.models import Paper
from reader.sources._common import author_name, load_json, make_paper, utc_date

NAME = "hf-paper"
log = logging.getLogger(__name__)

_START = re.compile(r"\s*[\[{]")


def looks_like(text: str) -> bool:
    """Tell whether text looks like one HF paper object or a list of them."""
    if not _START.match(text):
        return False
    head = text[:4096]
    return '"summary"' in head or ('"id"' in head and '"authors"' in head)


def parse(text: str | bytes, origin: str) -> list[Paper]:
    data = load_json(text, origin)
    items = data if isinstance(data, list) else [data]
    papers = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id") or not item.get("title"):
            raise FormatError(
                f"{origin} is JSON but not an HF paper: item {index} has no id or title."
            )
        paper = paper_from_hf(item, NAME, origin)
        if paper is not None:
            papers.append(paper)
    return papers


def paper_from_hf(
    item: dict[str, Any], source: str, origin: str, listing: dict[str, Any] | None = None
) -> Paper | None:
    """Build a Paper from an HF paper object and, for daily lists, its list item.

    Returns None (and logs why) for an item without a usable arXiv id.
    """
    listing = listing or {}
    raw_id = str(item.get("id") or "")
    parsed = parse_arxiv_id(raw_id)
    if parsed is None:
        log.warning("%s: skipped HF paper with invalid arXiv id %r", origin, raw_id)
        return None

    authors = []
    for author in item.get("authors") or []:
        # ``name`` is the name on the paper. ``user.fullname`` is the HF
        # account's display name, which can be a nickname.
        name = author.get("name") if isinstance(author, dict) else None
        if name:
            authors.append(author_name(name))

    listed = item.get("submittedOnDailyAt") or listing.get("publishedAt")
    return make_paper(
        parsed.key,
        item.get("title") or listing.get("title"),
        source,
        abstract=item.get("summary") or listing.get("summary"),
        version=parsed.version,
        authors=authors,
        published=utc_date(item.get("publishedAt")),
        listed=utc_date(listed),
        keywords=[str(word) for word in item.get("ai_keywords") or []],
        upvotes=_integer(item.get("upvotes")),
        github=item.get("githubRepo") or None,
        github_stars=_integer(item.get("githubStars")),
        project_page=item.get("projectPage") or None,
        organization=_organization(item, listing),
    )


def _organization(item: dict[str, Any], listing: dict[str, Any]) -> str | None:
    # ``submitterOrganization`` is the submitter's organization, not
    # necessarily the authors', so it is only a fallback.
    for holder, key in ((item, "organization"), (listing, "organization"), (listing, "submitterOrganization")):
        organization = holder.get(key)
        if isinstance(organization, dict):
            name = organization.get("fullname") or organization.get("name")
            if name:
                return author_name(str(name))
    return None


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
