"""Helpers shared by the format modules: dates, XML and JSON loading, papers."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import orjson

from reader.errors import FormatError, ReaderError
from reader.ids import title_key
from reader.models import Paper
from reader.text import clean_text, clean_title, strip_terminal_control

log = logging.getLogger(__name__)

EXPECTED_FORMATS = (
    "expected HF Daily Papers JSON, an HF paper JSON, arXiv Atom or RSS, BibTeX, "
    "or text copied from huggingface.co/papers"
)

_WITHDRAWN = re.compile(
    r"\b(?:this|the) (?:paper|article|submission|manuscript|preprint|work)"
    r" (?:has been|was|is being|is) withdrawn\b|\bwithdrawn by the authors?\b",
    re.IGNORECASE,
)
_XML_DECLARATIONS = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class ArxivApiError(ReaderError):
    """An error the arXiv API reported inside an Atom feed (HTTP 400 bodies)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, title="arXiv API error")


def utc_date(timestamp: str | None) -> str | None:
    """Return the UTC calendar day of an ISO 8601 timestamp as YYYY-MM-DD."""
    if not timestamp:
        return None
    try:
        moment = datetime.fromisoformat(timestamp.strip())
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date().isoformat()


def rfc822_date(value: str | None) -> str | None:
    """Return the day of an RFC 822 date (RSS) in its own time zone."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value.strip()).date().isoformat()
    except (TypeError, ValueError):
        return None


def is_withdrawn(*texts: str | None) -> bool:
    # The substring test skips the regex for almost every abstract.
    return any(
        text and ("ithdraw" in text or "ITHDRAW" in text) and _WITHDRAWN.search(text)
        for text in texts
    )


def parse_xml(text: str, origin: str) -> ET.Element:
    """Parse XML, rejecting DTDs so that no entity expansion can happen."""
    if _XML_DECLARATIONS.search(text):
        raise FormatError(
            f"{origin} contains a DOCTYPE or ENTITY declaration, which arXiv feeds never "
            "have. It was rejected to avoid entity expansion. Download the feed again."
        )
    try:
        return ET.fromstring(text)
    except ET.ParseError as error:
        line, column = error.position
        raise FormatError(
            f"{origin} is not valid XML (line {line}, column {column + 1}): the file may be "
            "truncated or damaged. Download it again."
        ) from None


class ParsedPapers(list):
    """The papers read from one file, plus the parts of it that were skipped.

    ``skipped`` holds one message per malformed entry ("line 7: ..."), so a
    caller can tell the user which parts of the file did not import.
    """

    def __init__(self, papers: list[Paper] = (), skipped: list[str] = ()) -> None:  # type: ignore[assignment]
        super().__init__(papers)
        self.skipped = list(skipped)


def load_json(text: str | bytes, origin: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise FormatError(
            f"{origin} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}): the file may be truncated or damaged. Download it again."
        ) from None


# Limits well above any real paper (arXiv caps abstracts at 1,920 characters;
# the longest author lists have a few thousand names). A damaged or hostile
# file with a 60 MB title would otherwise be stored and redrawn on every frame.
MAX_TITLE = 2_000
MAX_ABSTRACT = 50_000
MAX_AUTHORS = 20_000
MAX_AUTHOR_NAME = 500


def _limit(text: str, limit: int, field: str, key: str | None) -> str:
    if len(text) <= limit:
        return text
    log.warning("%s: %s of %d characters cut to %d", key or text[:60], field, len(text), limit)
    return text[:limit] + "…"


def make_paper(
    key: str | None,
    title: str | None,
    source: str,
    *,
    abstract: str | None = None,
    entities: bool = True,
    **fields: Any,
) -> Paper:
    """Build a Paper with display text, keeping the raw text when it differs.

    ``key`` may be None for papers without an arXiv id; the title key is used
    then. ``entities=False`` is for text an XML parser has already unescaped.
    """
    raw_title = _limit(title or "", MAX_TITLE, "title", key)
    display_title = clean_title(raw_title, entities=entities)
    raw_abstract = _limit(abstract or "", MAX_ABSTRACT, "abstract", key)
    display_abstract = clean_text(raw_abstract, entities=entities)
    authors = fields.pop("authors", None) or []
    if len(authors) > MAX_AUTHORS or any(len(name) > MAX_AUTHOR_NAME for name in authors):
        log.warning("%s: author list cut to %d names of %d characters at most", key or title, MAX_AUTHORS, MAX_AUTHOR_NAME)
        fields.setdefault("author_count", len(authors))
        authors = [name[:MAX_AUTHOR_NAME] for name in authors[:MAX_AUTHORS]]
    paper = Paper(
        key=key or title_key(display_title),
        title=display_title,
        authors=authors,
        author_count=fields.pop("author_count", None) or len(authors),
        abstract=display_abstract,
        sources=[source],
        **fields,
    )
    if display_title != raw_title:
        paper.title_raw = raw_title
    if display_abstract != raw_abstract:
        paper.abstract_raw = raw_abstract
    if not paper.withdrawn:
        paper.withdrawn = is_withdrawn(paper.comment, display_abstract)
    return paper


def merge_duplicates(papers: list[Paper]) -> list[Paper]:
    """Merge papers with the same key, keeping the order of first appearance."""
    by_key: dict[str, Paper] = {}
    for paper in papers:
        seen = by_key.get(paper.key)
        if seen is None:
            by_key[paper.key] = paper
        else:
            seen.merge(paper)
    return list(by_key.values())


def author_name(raw: str) -> str:
    """Return one author's display name, with control characters and wraps removed."""
    return clean_title(raw)


_NAME_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv|phd)\.?$", re.IGNORECASE)
_AUTHOR_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*")


def split_author_list(text: str) -> list[str]:
    """Split "A, B, and C" or "A and B" into names, keeping suffixes like "Jr."."""
    names: list[str] = []
    for part in _AUTHOR_SEPARATOR.split(text.strip()):
        part = part.strip()
        if not part:
            continue
        if names and _NAME_SUFFIX.match(part):
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(author_name(part))
    return names


def plain_field(value: str | None) -> str | None:
    """Return a metadata field (DOI, comment) as one line without control characters."""
    if value is None:
        return None
    return " ".join(strip_terminal_control(value).split()) or None
