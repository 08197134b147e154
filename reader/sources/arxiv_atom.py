"""arXiv API responses (Atom 1.0 from ``export.arxiv.org/api/query``).

Both serializations are read: the pre-2025 one (namespaces declared inline,
hard-wrapped titles and summaries) and the 2025+ one. A golden-file wrapper
``{"url", "status_code", "body"}`` around a response is accepted too. The
API reports errors such as a malformed id as a feed with one entry whose id
is under ``arxiv.org/api/errors``; that raises ArxivApiError.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET

from reader.errors import FormatError
from reader.ids import parse_arxiv_id
from reader.models import Paper
from reader.sources._common import (
    EXPECTED_FORMATS,
    ArxivApiError,
    author_name,
    load_json,
    make_paper,
    parse_xml,
    plain_field,
    utc_date,
)

NAME = "arxiv-atom"
log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ATOM_URI = "http://www.w3.org/2005/Atom"
_WRAPPER = re.compile(r'\s*\{.*"body"\s*:\s*"\s*<', re.DOTALL)


def looks_like(text: str) -> bool:
    """Tell whether text is an Atom feed or a JSON wrapper around one."""
    head = text[:4096]
    if head.lstrip().startswith("{"):
        return _WRAPPER.match(head) is not None and "Atom" in text
    return "<feed" in head and _ATOM_URI in head


def parse(text: str, origin: str) -> list[Paper]:
    if text.lstrip().startswith("{"):
        text = _unwrap(text, origin)
    root = parse_xml(text, origin)
    if root.tag != ATOM + "feed":
        raise FormatError(f"{origin} is XML but not an Atom feed (root element {root.tag!r}).")
    papers = []
    for entry in root.iter(ATOM + "entry"):
        paper = _entry(entry, origin)
        if paper is not None:
            papers.append(paper)
    return papers


def _unwrap(text: str, origin: str) -> str:
    wrapper = load_json(text, origin)
    body = wrapper.get("body") if isinstance(wrapper, dict) else None
    if not isinstance(body, str):
        raise FormatError(f"{origin} is JSON but has no Atom feed in its body: {EXPECTED_FORMATS}.")
    return body


def _text(element: ET.Element, tag: str) -> str | None:
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return child.text


def _entry(entry: ET.Element, origin: str) -> Paper | None:
    entry_id = (_text(entry, ATOM + "id") or "").strip()
    if "/api/errors" in entry_id:
        message = " ".join((_text(entry, ATOM + "summary") or "unknown error").split())
        raise ArxivApiError(
            f"The arXiv API rejected the request for {origin}: {message}. "
            "Check the arXiv id or query and try again."
        )
    parsed = parse_arxiv_id(entry_id)
    if parsed is None:
        log.warning("%s: skipped Atom entry with unknown id %r", origin, entry_id)
        return None

    categories = []
    primary = entry.find(ARXIV + "primary_category")
    if primary is not None and primary.get("term"):
        categories.append(primary.get("term"))
    for category in entry.iter(ATOM + "category"):
        term = category.get("term")
        if term and term not in categories:
            categories.append(term)

    authors = [
        author_name(name.text)
        for name in entry.iterfind(f"{ATOM}author/{ATOM}name")
        if name.text and name.text.strip()
    ]
    return make_paper(
        parsed.key,
        _text(entry, ATOM + "title"),
        NAME,
        abstract=_text(entry, ATOM + "summary"),
        entities=False,
        version=parsed.version,
        authors=authors,
        published=utc_date(_text(entry, ATOM + "published")),
        updated=utc_date(_text(entry, ATOM + "updated")),
        categories=categories,
        comment=plain_field(_text(entry, ARXIV + "comment")),
        journal_ref=plain_field(_text(entry, ARXIV + "journal_ref")),
        doi=plain_field(_text(entry, ARXIV + "doi")),
    )

