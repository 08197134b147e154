"""Topic assignment: every paper gets one or more topics for the sidebar.

Topics come from the paper's arXiv categories, then from its HF
``ai_keywords``, title and abstract matched against the keyword taxonomy in
``reader/data/taxonomy.toml`` (extended by the user's ``[topics]`` config
table), and finally ``Other`` when nothing matched. This module is core code:
it must not import Textual.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reader.models import Paper

OTHER = "Other"
"""Topic of a paper that matches no category and no taxonomy term."""

TAXONOMY_FILE = Path(__file__).parent / "data" / "taxonomy.toml"

# Weights of a term found in each field. A topic needs MIN_SCORE to be chosen,
# so one term in the title or keywords is enough, one in the abstract is not.
KEYWORD_WEIGHT = 2
TITLE_WEIGHT = 2
ABSTRACT_WEIGHT = 1
MIN_SCORE = 2
MAX_TERM_TOPICS = 3
"""Maximum number of topics a paper gets from term matches (category topics come on top)."""

_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
# Maps every byte that is not a lowercase letter or digit to a space, so that
# bytes.translate + split tokenizes ASCII text in C instead of a regex loop.
_TOKEN_TABLE = bytes(code if code in _WORD_BYTES else 32 for code in range(256))


def fold(text: str) -> str:
    """Lowercase text and strip accents, for case- and accent-insensitive matching."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text.casefold()


def tokens(text: str) -> list[bytes]:
    """Split text into folded ASCII words; other characters separate words."""
    return fold(text).encode("ascii", "replace").translate(_TOKEN_TABLE).split()


def _variants(word: bytes) -> tuple[bytes, ...]:
    """Return a term word and its plural spellings, so "agent" also matches "agents".

    Terms are never singularized: "news" must not match "new".
    """
    spellings = [word, word + b"s"]
    if word.endswith((b"s", b"x", b"ch", b"sh")):
        spellings.append(word + b"es")
    if word.endswith(b"y") and len(word) > 2:
        spellings.append(word[:-1] + b"ies")
    return tuple(spellings)


@dataclass(eq=False)
class _Phrase:
    """A multi-word term, matched as a substring of the space-joined tokens."""

    spellings: tuple[bytes, ...]
    inner: frozenset[bytes]
    last: frozenset[bytes]
    topic: str


@dataclass
class Topic:
    """One taxonomy topic: the categories it claims and the terms that select it."""

    name: str
    categories: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


class Taxonomy:
    """The topic set and the matcher that assigns topics to papers."""

    def __init__(
        self,
        topics: Iterable[Topic],
        archives: Mapping[str, str] | None = None,
        category_names: Mapping[str, str] | None = None,
    ) -> None:
        self.topics: dict[str, Topic] = {topic.name: topic for topic in topics}
        self.category_names: dict[str, str] = dict(category_names or {})
        self._category_topic: dict[str, str] = dict(archives or {})
        # Single-word terms by each spelling, and multi-word phrases (with
        # surrounding spaces, in singular and plural) by their first word.
        self._words: dict[bytes, list[tuple[bytes, str]]] = {}
        self._phrases: dict[bytes, list[_Phrase]] = {}
        for topic in self.topics.values():
            for code in topic.categories:
                self._category_topic[code] = topic.name
            for term in topic.terms:
                self._add_term(term, topic.name)
        self._word_keys = frozenset(self._words)
        self._phrase_starts = frozenset(self._phrases)

    def _add_term(self, term: str, topic: str) -> None:
        parts = tokens(term)
        if not parts:
            return
        if len(parts) == 1:
            for spelling in _variants(parts[0]):
                self._words.setdefault(spelling, []).append((parts[0], topic))
            return
        head = b" " + b" ".join(parts[:-1]) + b" "
        last = _variants(parts[-1])
        phrase = _Phrase(
            spellings=tuple(head + spelling + b" " for spelling in last),
            inner=frozenset(parts[1:-1]),
            last=frozenset(last),
            topic=topic,
        )
        for first in _variants(parts[0]):
            self._phrases.setdefault(first, []).append(phrase)

    @classmethod
    def load(cls, extra: Mapping[str, list[str]] | None = None, path: Path = TAXONOMY_FILE) -> Taxonomy:
        """Read the bundled taxonomy and add the user's extra topics or terms.

        ``extra`` maps a topic name to terms; a name that already exists gets
        the terms added, a new name becomes a new topic.
        """
        data = _read_taxonomy(path)
        topics = [
            Topic(name, list(spec.get("categories", [])), list(spec.get("terms", [])))
            for name, spec in data.get("topics", {}).items()
        ]
        by_name = {topic.name: topic for topic in topics}
        for name, terms in (extra or {}).items():
            if name in by_name:
                by_name[name].terms.extend(terms)
            else:
                topic = Topic(name, [], list(terms))
                topics.append(topic)
                by_name[name] = topic
        return cls(topics, data.get("archives", {}), data.get("categories", {}))

    def category_topic(self, code: str) -> str | None:
        """Return the topic of an arXiv category: its own claim, else its archive's."""
        topic = self._category_topic.get(code)
        if topic is None:
            topic = self._category_topic.get(code.split(".", 1)[0])
        return topic

    def category_name(self, code: str) -> str:
        """Return the human name of an arXiv category, e.g. cs.CV -> Computer Vision and ..."""
        name = self.category_names.get(code)
        if name:
            return name
        archive = self.category_names.get(code.split(".", 1)[0])
        return f"{archive} ({code})" if archive else code

    def score_terms(self, text: str, weight: int, scores: dict[str, int]) -> None:
        """Add ``weight`` to a topic's score for every distinct term of it found in text."""
        text_tokens = tokens(text)
        present = set(text_tokens)
        matched: set[object] = set()
        for word in present & self._word_keys:
            for term, topic in self._words[word]:
                if (term, topic) not in matched:
                    matched.add((term, topic))
                    scores[topic] = scores.get(topic, 0) + weight
        starts = present & self._phrase_starts
        if starts:
            joined = b" " + b" ".join(text_tokens) + b" "
            for first in starts:
                for phrase in self._phrases[first]:
                    # Cheap set checks first: every word must occur somewhere.
                    if phrase in matched or not phrase.inner <= present:
                        continue
                    if phrase.last.isdisjoint(present):
                        continue
                    if any(spelling in joined for spelling in phrase.spellings):
                        matched.add(phrase)
                        scores[phrase.topic] = scores.get(phrase.topic, 0) + weight

    def assign(self, paper: Paper) -> tuple[str, ...]:
        """Return the topics of a paper, never empty (``Other`` as the last resort)."""
        chosen: list[str] = []
        for code in paper.categories:
            topic = self.category_topic(code)
            if topic and topic not in chosen:
                chosen.append(topic)

        scores: dict[str, int] = {}
        if paper.keywords:
            self.score_terms(" ; ".join(paper.keywords), KEYWORD_WEIGHT, scores)
        self.score_terms(paper.title, TITLE_WEIGHT, scores)
        # The abstract is about ten times longer than the title, so it is read
        # only when the title and keywords chose nothing. That cut the cost per
        # HF sample paper from about 60 to 15 microseconds.
        if paper.abstract and max(scores.values(), default=0) < MIN_SCORE:
            self.score_terms(paper.abstract, ABSTRACT_WEIGHT, scores)

        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        picked = [name for name, score in ranked if score >= MIN_SCORE][:MAX_TERM_TOPICS]
        if not picked and not chosen and ranked:
            # A single weak abstract hit still beats "Other".
            picked = [ranked[0][0]]
        for name in picked:
            if name not in chosen:
                chosen.append(name)
        return tuple(chosen) if chosen else (OTHER,)


@lru_cache(maxsize=4)
def _read_taxonomy(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def assign_topics(papers: Iterable[Paper], taxonomy: Taxonomy) -> dict[str, tuple[str, ...]]:
    """Return each paper's topics by key; equal topic tuples are shared to save memory."""
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    result: dict[str, tuple[str, ...]] = {}
    for paper in papers:
        topics = taxonomy.assign(paper)
        result[paper.key] = shared.setdefault(topics, topics)
    return result
