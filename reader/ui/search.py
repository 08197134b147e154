"""Filter-as-you-type search: the query language of ``reader.search``, plain words until its index is built.

``filter_keys`` matches plain words by scanning; ``QuerySearch`` runs parsed
queries on a ``SearchIndex``. This module does not import Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping, Sequence

from reader.models import Paper, PaperState
from reader.search import Query, SearchIndex
from reader.topics import fold


def query_words(query: str) -> list[str]:
    """Split a query into folded words (case- and accent-insensitive)."""
    return fold(query).split()


def _fold_field(text: str) -> str:
    # Most abstracts are ASCII, and casefold alone is about 20 times faster
    # than the accent folding that a single accented author name would
    # otherwise force on the whole text.
    return text.casefold() if text.isascii() else fold(text)


def haystack(paper: Paper) -> str:
    """Return the folded title and authors that a plain-word query is matched against.

    Abstracts are left out: the store reads them from disk on demand, and
    scanning 100,000 of them per keystroke takes seconds. The query-language
    index, built in the background, searches abstracts too.
    """
    return "\n".join((_fold_field(paper.title), _fold_field(", ".join(paper.authors))))


def filter_keys(
    query: str,
    keys: Sequence[str],
    papers: Mapping[str, Paper],
    cancelled: Callable[[], bool] = lambda: False,
) -> list[str] | None:
    """Return the keys, in order, whose title or authors contain every query word.

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


class QuerySearch:
    """The ``/`` search and saved searches: the query language once an index exists.

    Until ``index`` is set, callers use ``filter_keys`` (plain words). Every
    use of the index goes through ``lock``, because SearchIndex is not
    thread-safe and large views are searched in a thread worker while the
    app thread may add fetched papers.
    """

    def __init__(self) -> None:
        self.index: SearchIndex | None = None
        """The query-language index, or None while it is being built."""
        self.lock = threading.Lock()
        self._previous: tuple[list[str], Query, set[str]] | None = None
        """View keys, query and hits of the last search, for ``Query.refines``."""

    @property
    def ready(self) -> bool:
        return self.index is not None

    def set_index(self, index: SearchIndex | None) -> None:
        with self.lock:
            self.index = index
            self._previous = None

    def forget(self) -> None:
        """Drop the previous hits, e.g. after a state change that a query may depend on."""
        self._previous = None

    def add(self, papers: Sequence[Paper]) -> None:
        """Index new or changed papers; does nothing while there is no index."""
        with self.lock:
            if self.index is not None and papers:
                self.index.add(papers)
            self._previous = None

    def candidate_count(self, query: Query, keys: list[str]) -> int:
        """Return how many papers ``run`` would search: the previous hits when ``query`` refines them."""
        previous = self._previous
        if previous is not None and previous[0] is keys and query.refines(previous[1]):
            return len(previous[2])
        return len(keys)

    def run(
        self,
        query: Query,
        keys: list[str],
        states: Mapping[str, PaperState],
        cancelled: Callable[[], bool] = lambda: False,
        remember: bool = True,
    ) -> list[str] | None:
        """Return the ``keys`` that match ``query``, in the order of ``keys``.

        ``keys`` is the view being searched. When the query refines the
        previous one on the same view list, only the previous hits are
        searched. Returns None when ``cancelled()`` is true once the lock is
        held (a newer keystroke superseded this search).
        """
        if query.is_empty:
            return list(keys)
        with self.lock:
            index = self.index
            if index is None or cancelled():
                return None
            previous = self._previous
            within: Collection[str] | None = None
            if previous is not None and previous[0] is keys and query.refines(previous[1]):
                within = previous[2]
            elif len(keys) < len(index):
                within = keys
            hits = set(index.search(query, states, within=within))
            if remember:
                self._previous = (keys, query, hits)
        return [key for key in keys if key in hits]
