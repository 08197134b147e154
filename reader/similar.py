"""More-like-this: papers whose title and abstract share the most weighted terms.

Each paper becomes a TF-IDF vector over its folded title and abstract words
(title words count twice, a plural ``s`` is dropped, stop words and numbers
are skipped). Weights are ``(1 + ln tf) * ln(N / df)``, normalized to unit
length over all terms, so a dot product is the cosine similarity. To keep
queries fast at 100,000 papers only the ``terms_per_paper`` heaviest terms of
each paper are kept, and only those go into the inverted index. Scores are
therefore cosines of the pruned vectors, slightly lower than the exact ones.
On 5,000 papers from benchmarks/search_bench.py, 9.2 of the exact top 10
were in the pruned top 10 on average with 60 terms (6.5 with 40).

Everything is local, pure Python and standard library.
"""

from __future__ import annotations

import gc
import heapq
import logging
import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

from reader.errors import ReaderError
from reader.models import Paper
from reader.search import fold

log = logging.getLogger(__name__)

TERMS_PER_PAPER = 60
"""Heaviest terms kept per paper; more terms cost build memory and query time."""

MAX_DOCUMENT_FREQUENCY = 0.4
"""Terms in more than this share of papers carry almost no weight and are dropped."""

_WORD = re.compile(r"[^\W\d_][^\W_]+")
_LOG_TF = [0.0] + [1.0 + math.log(count) for count in range(1, 64)]
"""1 + ln(tf) for small counts, looked up instead of computed per term."""
_ASCII_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_ASCII_SPLIT = bytes(code if code in _ASCII_WORD_BYTES else 32 for code in range(256))


def _words(text: str) -> list[str]:
    """Split text into folded words; ASCII text is split in C by bytes.translate."""
    folded = fold(text)
    if folded.isascii():
        return folded.encode("ascii").translate(_ASCII_SPLIT).decode("ascii").split()
    return _WORD.findall(folded)
_STOP_WORDS = frozenset(
    """
    a about above across after again against all almost along also although always am among an
    and another any are around as at be because been before being below between both but by can
    cannot could did do does doing done down during each either enough especially etc even ever
    every few for from further had has have having here how however if in into is it its itself
    just least less like made make many may might more most much must neither no nor not now of
    off often on once one only onto or other others otherwise our ours out over own per perhaps
    rather same several shall she should since so some such than that the their theirs them then
    there therefore these they this those though through thus to too toward towards under until
    up upon us use used uses using very via was we well were what when where whether which while
    who whom whose why will with within without would yet you your
    paper propose proposed present presents show shows shown study studies work approach method
    methods result results new novel based demonstrate demonstrates achieve achieves achieving
    existing experiment experiments experimental furthermore moreover introduce introduces
    significantly significant various different respectively first second third two three
    """.split()
)


def _stem(word: str) -> str | None:
    """Return the indexed form of a folded word, or None for a word not indexed."""
    if len(word) < 3 or word[0].isdigit() or word in _STOP_WORDS:
        return None
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "as")):
        word = word[:-1]
        if word in _STOP_WORDS:
            return None
    return word


class SimilarIndex:
    """An inverted index of pruned TF-IDF vectors; build once, query many times."""

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._position: dict[str, int] = {}
        self._term_id: dict[str, int] = {}
        self._idf: list[float] = []
        # Kept terms of paper i: _doc_terms/_doc_weights[_doc_start[i]:_doc_start[i + 1]].
        self._doc_start = array("l", [0])
        self._doc_terms = array("i")
        self._doc_weights = array("f")
        # Postings of term t: the papers whose kept terms include t, and the weights.
        self._post_docs: list[array] = []
        self._post_weights: list[array] = []
        # Folded word -> term id, or -1 for a word that is not indexed.
        self._word_term: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._position

    @classmethod
    def build(cls, papers: Iterable[Paper], *, terms_per_paper: int = TERMS_PER_PAPER) -> SimilarIndex:
        """Index the title and abstract of every paper."""
        collecting = gc.isenabled()
        # The build allocates millions of small containers that cannot form
        # cycles; the cyclic collector would rescan them over and over.
        gc.disable()
        try:
            return cls._build(papers, terms_per_paper)
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _build(cls, papers: Iterable[Paper], terms_per_paper: int) -> SimilarIndex:
        index = cls()
        counts: list[tuple[array, array]] = []
        frequency: Counter[int] = Counter()
        for paper in papers:
            if paper.key in index._position:
                log.warning("Paper %s given twice to the similar-papers index; kept the first", paper.key)
                continue
            index._position[paper.key] = len(index._keys)
            index._keys.append(paper.key)
            terms, tallies = index._count_terms(paper.title, paper.abstract, grow=True)
            counts.append((terms, tallies))
            frequency.update(terms)

        total = len(index._keys)
        ceiling = max(2, MAX_DOCUMENT_FREQUENCY * total)
        index._idf = [0.0] * len(index._term_id)
        for term, df in frequency.items():
            # A term in one paper links it to no other; a term in most papers ranks nothing.
            if 2 <= df <= ceiling:
                index._idf[term] = math.log(total / df)

        post_docs: list[list[int]] = [[] for _ in index._idf]
        post_weights: list[list[float]] = [[] for _ in index._idf]
        for position, (terms, tallies) in enumerate(counts):
            kept = index._weigh(terms, tallies, terms_per_paper)
            for term, weight in kept:
                post_docs[term].append(position)
                post_weights[term].append(weight)
            index._doc_terms.extend(term for term, _ in kept)
            index._doc_weights.extend(weight for _, weight in kept)
            index._doc_start.append(len(index._doc_terms))
        index._post_docs = [array("i", documents) for documents in post_docs]
        index._post_weights = [array("f", weights) for weights in post_weights]
        return index

    def _count_terms(self, title: str, abstract: str, *, grow: bool) -> tuple[array, array]:
        """Count the indexed words of a title (counted twice) and an abstract."""
        title_words = _words(title)
        counts = Counter(_words(abstract))
        counts.update(title_words)
        counts.update(title_words)
        words = list(counts)
        terms = list(map(self._word_term.get, words))
        if None in terms:
            terms = [
                self._term_for(word, grow) if term is None else term
                for word, term in zip(words, terms)
            ]
        pairs = [(term, count) for term, count in zip(terms, counts.values()) if term >= 0]
        by_term = dict(pairs)
        if len(by_term) < len(pairs):
            # Two words with one stem ("model", "models"): add their counts.
            by_term = {}
            for term, count in pairs:
                by_term[term] = by_term.get(term, 0) + count
        return array("l", by_term.keys()), array("l", by_term.values())

    def _term_for(self, word: str, grow: bool) -> int:
        """Return the term id of a new word (-1 if it is not indexed), remembering it."""
        stem = _stem(word)
        if stem is None:
            term = -1
        else:
            term = self._term_id.get(stem, -1)
            if term == -1 and grow:
                term = self._term_id[stem] = len(self._term_id)
        if grow or term >= 0:
            self._word_term[word] = term
        return term

    def _weigh(self, terms: Sequence[int], tallies: Sequence[int], keep: int) -> list[tuple[int, float]]:
        """Return the ``keep`` heaviest (term, weight) pairs of a unit-length TF-IDF vector."""
        idf = self._idf
        weighted = [
            ((_LOG_TF[tally] if tally < len(_LOG_TF) else 1.0 + math.log(tally)) * idf[term], term)
            for term, tally in zip(terms, tallies)
            if idf[term] > 0.0
        ]
        if not weighted:
            return []
        norm = math.hypot(*(weight for weight, _ in weighted))
        if len(weighted) > keep:
            weighted = heapq.nlargest(keep, weighted)
        return [(term, weight / norm) for weight, term in weighted]

    def similar(self, key: str, n: int = 10) -> list[tuple[str, float]]:
        """Return up to ``n`` (key, cosine) pairs most like paper ``key``, best first.

        Raises ReaderError if the paper is not in the index.
        """
        position = self._position.get(key)
        if position is None:
            raise ReaderError(
                f"Paper {key} is not in the similar-papers index. "
                "Rebuild the index after importing or fetching papers.",
                title="Paper not indexed",
            )
        start, end = self._doc_start[position], self._doc_start[position + 1]
        vector = list(zip(self._doc_terms[start:end], self._doc_weights[start:end]))
        return self._rank(vector, n, exclude=position)

    def similar_to_text(self, text: str, n: int = 10) -> list[tuple[str, float]]:
        """Return up to ``n`` (key, cosine) pairs most like free text, e.g. a draft abstract."""
        terms, tallies = self._count_terms("", text, grow=False)
        return self._rank(self._weigh(terms, tallies, TERMS_PER_PAPER), n, exclude=None)

    def _rank(
        self, vector: list[tuple[int, float]], n: int, exclude: int | None
    ) -> list[tuple[str, float]]:
        scores: dict[int, float] = {}
        get = scores.get
        for term, query_weight in vector:
            documents = self._post_docs[term]
            weights = self._post_weights[term]
            for document, weight in zip(documents, weights):
                scores[document] = get(document, 0.0) + query_weight * weight
        scores.pop(exclude, None)
        best = heapq.nsmallest(n, scores.items(), key=lambda item: (-item[1], item[0]))
        keys = self._keys
        return [(keys[document], round(score, 4)) for document, score in best if score > 0.0]
