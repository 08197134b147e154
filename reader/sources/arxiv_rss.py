"""arXiv announcement feeds (RSS 2.0 from ``rss.arxiv.org``, 2024 format).

Each item's description embeds the metadata: ``arXiv:ID vN Announce Type:
new`` on the first line, then ``Abstract: …``. The versioned id is in the
``guid`` (``oai:arXiv.org:2609.26811v1``), and all authors are in one
comma-joined ``dc:creator``. A feed on a day without announcements (the
weekend) has no items and gives an empty list.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET

from reader.errors import FormatError
from reader.ids import find_arxiv_id, parse_arxiv_id
from reader.models import Paper
from reader.sources._common import (
    make_paper,
    parse_xml,
    plain_field,
    rfc822_date,
    split_author_list,
)

NAME = "arxiv-rss"
log = logging.getLogger(__name__)

ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
_RSS_START = re.compile(r"\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<rss[\s>]", re.DOTALL)
_ABSTRACT = re.compile(r"^.*?\bAbstract:\s*", re.DOTALL)
_ANNOUNCE_TYPE = re.compile(r"Announce Type:\s*([\w-]+)")
# Feeds before 2024 ended each title with "(arXiv:2101.00001v1 [cs.LG])".
_TITLE_SUFFIX = re.compile(r"\s*\(arXiv:[^()]*\)\s*$")


def looks_like(text: str) -> bool:
    return _RSS_START.match(text[:4096]) is not None


def parse(text: str, origin: str) -> list[Paper]:
    root = parse_xml(text, origin)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise FormatError(f"{origin} is XML but not an RSS 2.0 feed (no rss/channel element).")
    feed_day = rfc822_date(channel.findtext("pubDate")) or rfc822_date(
        channel.findtext("lastBuildDate")
    )
    papers = []
    for item in channel.iterfind("item"):
        paper = _item(item, origin, feed_day)
        if paper is not None:
            papers.append(paper)
    return papers


def _item(item: ET.Element, origin: str, feed_day: str | None) -> Paper | None:
    parsed = parse_arxiv_id(item.findtext("guid") or "") or find_arxiv_id(
        item.findtext("link") or ""
    )
    if parsed is None:
        log.warning("%s: skipped RSS item without an arXiv id: %r", origin, item.findtext("title"))
        return None

    description = item.findtext("description") or ""
    abstract = _ABSTRACT.sub("", description, count=1)
    announce_type = item.findtext(ARXIV + "announce_type")
    if not announce_type:
        match = _ANNOUNCE_TYPE.search(description)
        announce_type = match[1] if match else None

    authors: list[str] = []
    for creator in item.iterfind(DC + "creator"):
        if creator.text:
            authors.extend(split_author_list(creator.text))

    categories: list[str] = []
    for category in item.iterfind("category"):
        term = (category.text or "").strip()
        if term and term not in categories:
            categories.append(term)

    doi = item.findtext(ARXIV + "DOI") or item.findtext(ARXIV + "doi")
    journal_ref = item.findtext(ARXIV + "journal_reference") or item.findtext(
        ARXIV + "journal_ref"
    )
    return make_paper(
        parsed.key,
        _TITLE_SUFFIX.sub("", item.findtext("title") or ""),
        NAME,
        abstract=abstract,
        entities=False,
        version=parsed.version,
        authors=authors,
        listed=rfc822_date(item.findtext("pubDate")) or feed_day,
        categories=categories,
        announce_type=plain_field(announce_type),
        doi=plain_field(doi),
        journal_ref=plain_field(journal_ref),
    )
