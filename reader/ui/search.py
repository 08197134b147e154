"""Filter-as-you-type search over titles, authors and abstracts.

Kept to one function, ``filter_keys``, so that a query language can replace
it later without touching the screen. This module does not import Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from reader.models import Paper
from reader.topics import fold


def query_words(query: str) -> list[str]:
    """Split a query into folded words (case- and accent-insensitive)."""
    return fold(query).split()


def haystack(paper: Paper) -> str:
    """Return the folded text a plain-word query is matched against."""
    return fold("\n".join((paper.title, ", ".join(paper.authors), paper.abstract)))


def filter_keys(
    query: str,
    keys: Sequence[str],
    papers: Mapping[str, Paper],
    cancelled: Callable[[], bool] = lambda: False,
) -> list[str] | None:
    """Return the keys, in order, whose title, authors or abstract contain every query word.

    An empty query returns all keys. ``cancelled`` is polled every 1,000
    papers so that a search superseded by the next keystroke stops early;
    the function then returns None.
    """
    needles = query_words(query)
    if not needles:
        return list(keys)
    result: list[str] = []
    for index, key in enumerate(keys):
        if index % 1000 == 0 and cancelled():
            return None
        paper = papers.get(key)
        if paper is None:
            continue
        text = haystack(paper)
        if all(needle in text for needle in needles):
            result.append(key)
    return result


def narrows(previous: str, query: str) -> bool:
    """Return whether every match of ``query`` is also a match of ``previous``.

    True when each word of the previous query is a substring of some word of
    the new one (typing more letters or adding words), so the new search can
    scan only the previous hits.
    """
    old_words = query_words(previous)
    new_words = query_words(query)
    if not old_words:
        return False
    return all(any(old in new for new in new_words) for old in old_words)
