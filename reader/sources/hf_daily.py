"""HF Daily Papers lists (``GET /api/daily_papers``).

A list of items, each with the paper object under ``paper``. Three schema
generations exist: the oldest items lack ``submittedOnDailyAt``, so the
day a paper was listed is the item's ``publishedAt`` there. Optional keys
are absent rather than null.
"""

from __future__ import annotations

import re

from reader.errors import FormatError
from reader.models import Paper
from reader.sources._common import load_json
from reader.sources.hf_paper import paper_from_hf

NAME = "hf-daily"

_START = re.compile(r"\s*\[")
_PAPER_KEY = re.compile(r'"paper"\s*:\s*\{')


def looks_like(text: str) -> bool:
    """Tell whether text looks like a Daily Papers list (``[]`` included)."""
    if not _START.match(text):
        return False
    return text.strip() == "[]" or _PAPER_KEY.search(text, 0, 4096) is not None


def parse(text: str | bytes, origin: str) -> list[Paper]:
    data = load_json(text, origin)
    if not isinstance(data, list):
        raise FormatError(f"{origin} is JSON but not an HF Daily Papers list.")
    papers = []
    # Items are dropped as they are read so that a big listing's parsed JSON
    # and its papers are not both held whole at the peak.
    data.reverse()
    for index in range(len(data)):
        item = data.pop()
        paper_object = item.get("paper") if isinstance(item, dict) else None
        if not isinstance(paper_object, dict):
            raise FormatError(
                f"{origin} is not an HF Daily Papers list: item {index} has no paper object."
            )
        paper = paper_from_hf(paper_object, NAME, origin, listing=item)
        if paper is not None:
            papers.append(paper)
    return papers
