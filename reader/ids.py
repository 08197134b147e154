"""Canonical paper keys: arXiv ids in every written form, and title keys.

A paper's key is its arXiv id without version (``2406.18820``,
``hep-th/9901001``). Old-style ids keep only the archive, because arXiv
resolves ``math.GT/0309136`` and ``math/0309136`` to the same paper. A paper
without a known arXiv id gets ``title:`` plus a hash of its normalized title.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import NamedTuple

TITLE_KEY_PREFIX = "title:"

# New style: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015 on).
_NEW = r"(?P<new>\d{4}\.\d{4,5})"
# Old style: archive, optional subject class, then YYMMNNN.
_OLD = r"(?P<archive>[a-z][a-z\-]*[a-z])(?:\.(?P<subject>[A-Za-z][A-Za-z\-]*))?/(?P<old>\d{7})"
_VERSION = r"(?:v(?P<version>\d+))?"
_ID = rf"(?:{_NEW}|{_OLD}){_VERSION}"

_EXACT = re.compile(
    r"^\s*(?:"
    r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format)/"
    r"|(?:https?://)?(?:www\.)?huggingface\.co/papers/"
    r"|oai:arxiv\.org:"
    r"|arxiv:\s*"
    r")?"
    rf"{_ID}"
    r"(?:\.pdf)?/?\s*$",
    re.IGNORECASE,
)
_SEARCH = re.compile(
    r"(?:(?<=arxiv[:/ ])|(?<=arxiv\.org/abs/)|(?<=arxiv\.org/pdf/)|(?<=abs/)|(?<![\w./]))"
    rf"{_ID}(?![\d])",
    re.IGNORECASE,
)


class ArxivId(NamedTuple):
    """An arXiv id split into its canonical key and its version, if given."""

    key: str
    version: int | None


def _from_match(match: re.Match[str]) -> ArxivId:
    version = int(match["version"]) if match["version"] else None
    if match["new"]:
        return ArxivId(match["new"], version)
    return ArxivId(f"{match['archive'].lower()}/{match['old']}", version)


def parse_arxiv_id(text: str) -> ArxivId | None:
    """Parse text that is entirely one arXiv id, URL or ``arXiv:`` reference."""
    match = _EXACT.match(text)
    return _from_match(match) if match else None


def find_arxiv_id(text: str) -> ArxivId | None:
    """Find the first arXiv id inside longer text such as a BibTeX field."""
    exact = parse_arxiv_id(text)
    if exact:
        return exact
    match = _SEARCH.search(text)
    return _from_match(match) if match else None


def normalize_title(title: str) -> str:
    """Fold a title to lowercase ASCII-ish words for matching across sources."""
    decomposed = unicodedata.normalize("NFKD", title)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.findall(r"\w+", stripped.casefold())
    return " ".join(words)


def title_key(title: str) -> str:
    """Return the stable key of a paper known only by its title."""
    digest = hashlib.sha1(normalize_title(title).encode("utf-8")).hexdigest()[:16]
    return TITLE_KEY_PREFIX + digest


def is_title_key(key: str) -> bool:
    return key.startswith(TITLE_KEY_PREFIX)


def resolve_key(text: str) -> str:
    """Return the key for any accepted id form, or the text itself if it is a key."""
    parsed = parse_arxiv_id(text)
    if parsed:
        return parsed.key
    return text.strip()
