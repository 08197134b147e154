"""The search query language and an index that evaluates it over the library.

A query is a list of terms that must all match. Terms:

``diffusion``
    A word: matches when a word in the title, authors, abstract, HF keywords,
    organization, categories or id, or in the user's note or tags, starts
    with it. ``model`` finds ``models`` and ``modeling``, so a query can be
    evaluated after every keystroke, and ``former`` does not find
    ``transformer``. Words in scripts other than Latin (Greek, CJK) match
    anywhere, because Chinese and Japanese text has no spaces between words.
``"exact phrase"``
    Words in this order, separated only by whitespace. A phrase never spans
    two authors or two fields. An unclosed quote at the end is closed.
``-word``, ``-"phrase"``, ``-author:x``, ``-(a OR b)``, ``NOT word``
    Excludes papers that match the term.
``a OR b``
    Either term. ``OR`` must be upper case and binds tighter than the
    implicit AND: ``diffusion OR flow model`` is ``(diffusion OR flow) model``.
``( ... )``
    Groups terms. A group left open at the end of the query is closed.
``author:``, ``title:``, ``abstract:``, ``org:``, ``note:``
    Like a word or phrase, in that field only; values may be quoted:
    ``author:"de la Cruz"``. ``note:`` reads the user's note.
``topic:``
    A substring of a topic name from the topic assignment the index was
    given: ``topic:vision`` matches ``Computer Vision``.
``tag:``
    A user tag, matched whole (``tag:ml`` does not match ``mlops``); a
    trailing ``*`` matches tags that start with the value (``tag:ml*``).
``id:``, ``cat:``
    An arXiv id or category, matched as a prefix: ``id:2406`` finds every
    June 2024 paper, ``cat:cs`` every ``cs.*`` category. ``id:`` accepts URLs
    and versioned ids.
``is:starred``, ``is:unread``, ``is:read``, ``is:annotated``, ``is:tagged``, ``is:withdrawn``
    The paper's state. A unique prefix is enough: ``is:star``, ``is:un``.
``since:``, ``after:``, ``before:``, ``until:``, ``on:`` / ``date:``
    Date bounds with ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (a month or year
    is the whole period): ``since:`` and ``until:`` include the period,
    ``after:`` and ``before:`` exclude it. ``on:`` also takes a range
    ``on:2025-01..2025-03``.
``last:7d``, ``last:2w``, ``last:3m``, ``last:1y``, ``this:week``, ``this:month``, ``this:year``, ``today``, ``yesterday``
    Dates relative to today; ``last:7d`` is today and the 6 days before.
    The bare words ``this week``, ``this month`` and ``this year`` mean the
    same as ``this:week`` and so on. Quote them (``"today"``) to search for
    the words instead.
``upvotes:>50``, ``stars:>=100``
    HF upvotes or GitHub stars compared with ``>``, ``>=``, ``<``, ``<=``,
    ``=`` or a bare number, or in an inclusive range ``10..50`` (either end
    may be left out). A paper with no upvote count never matches.
``saved:NAME``
    The saved search ``NAME`` from the config file, as a group.

Dates compare the day the paper was listed (on HF Daily Papers or in an arXiv
announcement); a paper that was never listed uses its first arXiv submission
date. Matching is case- and accent-insensitive (see ``fold``).

A field name the language does not know (``foo:bar``) is a QueryError rather
than a plain word, so a mistyped field never silently matches nothing;
quote it (``"foo:bar"``) to search for the text. ``http:`` and ``https:``
URLs are plain words. Incomplete terms that appear while a query is being
typed (a trailing ``-``, ``OR`` or empty ``author:``) are ignored instead of
raising.
"""

from __future__ import annotations

import calendar
import gc
import logging
import re
import unicodedata
from array import array
from bisect import bisect_left
from itertools import accumulate, chain, repeat
from operator import sub
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from reader.errors import ReaderError
from reader.ids import parse_arxiv_id, resolve_key
from reader.models import Paper, PaperState

log = logging.getLogger(__name__)

TopicsFor = Callable[[Paper], Iterable[str]]
"""A topic assignment: the topic names of one paper."""


class QueryError(ReaderError):
    """A search query that cannot be parsed; the message names the bad part."""

    def __init__(self, message: str) -> None:
        super().__init__(message, title="Invalid search")


# ---------------------------------------------------------------------------
# Folding: case, accents, special letters
# ---------------------------------------------------------------------------

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_SPACES = re.compile(r"\s+")

# Letters that NFKD does not split into a base letter and a mark, mapped to
# what a person types on an ASCII keyboard, plus typographic punctuation.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "ŋ": "n",
        "ĸ": "k",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def _fold_run(match: re.Match[str]) -> str:
    run = match.group()
    folded = _FOLDED_RUNS.get(run)
    if folded is None:
        decomposed = unicodedata.normalize("NFKD", run)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = stripped.translate(_SPECIAL_LETTERS)
        if len(_FOLDED_RUNS) >= 50_000:
            _FOLDED_RUNS.clear()
        _FOLDED_RUNS[run] = folded
    return folded


_FOLDED_RUNS: dict[str, str] = {}
"""Folded form of recent non-ASCII runs: names such as Müller recur in many papers."""


def fold(text: str) -> str:
    """Fold text for matching: casefold, NFKD, drop combining marks, map ø/ł/æ.

    ``Erdős`` becomes ``erdos``, ``Straße`` ``strasse``, ``Ελληνικά``
    ``ελληνικα`` and a decomposed ``é`` the same ``e`` as a precomposed one.
    Runs of whitespace become one space. Only non-ASCII runs are normalized,
    which keeps folding an ASCII abstract at the cost of ``str.casefold``.
    """
    folded = text.casefold()
    if not folded.isascii():
        folded = _NON_ASCII.sub(_fold_run, folded)
    return " ".join(folded.split())


# ---------------------------------------------------------------------------
# Query tree
# ---------------------------------------------------------------------------

TEXT_FIELDS = ("text", "title", "author", "abstract", "org")
"""Term fields matched as words or phrases in the paper's folded text."""


@dataclass(frozen=True, slots=True)
class Term:
    """One filter: a field and its parsed value."""

    field: str
    value: Any
    source: str
    """The term as written in the query, for messages."""


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query; ``root`` is None for an empty query, which matches everything."""

    text: str
    root: Node | None

    @property
    def is_empty(self) -> bool:
        return self.root is None

    def __str__(self) -> str:
        return self.text

    def highlight_words(self) -> list[str]:
        """Return the folded words and phrases that positive text terms look for."""
        words: list[str] = []

        def visit(node: Node) -> None:
            if isinstance(node, Term):
                if node.field in TEXT_FIELDS and node.value not in words:
                    words.append(node.value)
            elif isinstance(node, (And, Or)):
                for child in node.children:
                    visit(child)

        if self.root is not None:
            visit(self.root)
        return words

    def refines(self, previous: Query) -> bool:
        """Return whether every paper this query matches also matches ``previous``.

        When it does, the caller can pass the previous results as ``within``
        and search only those. The check is conservative: each top-level
        term of ``previous`` must be repeated here, or extended (a word,
        id or category prefix that starts with it).
        """
        if previous.root is None:
            return True
        if self.root is None:
            return False
        mine = _conjuncts(self.root)
        return all(any(_implies(new, old) for new in mine) for old in _conjuncts(previous.root))


def _conjuncts(node: Node) -> tuple[Node, ...]:
    return node.children if isinstance(node, And) else (node,)


def _implies(new: Node, old: Node) -> bool:
    if new == old:
        return True
    if not isinstance(new, Term) or not isinstance(old, Term) or new.field != old.field:
        return False
    if new.field == "topic":
        return old.value in new.value
    if new.field in TEXT_FIELDS or new.field in ("note", "id", "cat"):
        # Words match where a word starts, so only a longer prefix narrows:
        # "mod" narrows "mo", while "model" does not narrow "del".
        return new.value.startswith(old.value)
    return False


# ---------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------

_FIELD_ALIASES = {
    "author": "author",
    "authors": "author",
    "title": "title",
    "abstract": "abstract",
    "org": "org",
    "organization": "org",
    "topic": "topic",
    "tag": "tag",
    "tags": "tag",
    "note": "note",
    "id": "id",
    "arxiv": "id",
    "cat": "cat",
    "category": "cat",
    "is": "is",
    "since": "since",
    "after": "after",
    "before": "before",
    "until": "until",
    "on": "on",
    "date": "on",
    "last": "last",
    "this": "this",
    "upvotes": "upvotes",
    "votes": "upvotes",
    "stars": "stars",
    "saved": "saved",
}
KNOWN_FIELDS = (
    "author title abstract org topic tag note id cat is since after before until "
    "on date last this upvotes stars saved"
).split()

IS_VALUES = ("starred", "unread", "read", "annotated", "tagged", "withdrawn")
_FIELD_NAME = re.compile(r"([A-Za-z]+):")
_STOP = frozenset(' \t\r\n()"')


@dataclass(slots=True)
class _Token:
    kind: str
    """One of LP, RP, OR, NOT, TERM."""
    field: str | None = None
    value: str = ""
    quoted: bool = False
    source: str = ""


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read from the opening quote at ``start``; an unclosed quote ends the text."""
    end = text.find('"', start + 1)
    if end == -1:
        return text[start + 1 :], len(text)
    return text[start + 1 : end], end + 1


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    length = len(text)
    while i < length:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "(":
            tokens.append(_Token("LP", source="("))
            i += 1
        elif char == ")":
            tokens.append(_Token("RP", source=")"))
            i += 1
        elif char == "-":
            # A lone "-" (the user is about to type the excluded term) is ignored.
            if i + 1 < length and text[i + 1] not in _STOP - {'"', "("}:
                tokens.append(_Token("NOT", source="-"))
            i += 1
        elif char == '"':
            value, i = _read_quoted(text, i)
            tokens.append(_Token("TERM", value=value, quoted=True, source=f'"{value}"'))
        else:
            start = i
            while i < length and text[i] not in _STOP:
                i += 1
            word = text[start:i]
            name = _FIELD_NAME.match(word)
            if name and name.end() == len(word) and i < length and text[i] == '"':
                value, i = _read_quoted(text, i)
                tokens.append(
                    _Token("TERM", field=name.group(1).lower(), value=value, quoted=True,
                           source=f'{word}"{value}"')
                )
            elif name and not word[name.end() :].startswith("//"):
                tokens.append(
                    _Token("TERM", field=name.group(1).lower(), value=word[name.end() :], source=word)
                )
            elif word == "OR":
                tokens.append(_Token("OR", source=word))
            elif word == "NOT":
                tokens.append(_Token("NOT", source=word))
            elif word == "AND":
                continue
            else:
                tokens.append(_Token("TERM", value=word, source=word))
    return tokens


# ---------------------------------------------------------------------------
# Term values
# ---------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_RELATIVE = re.compile(r"^(\d+)([dwmy])$")
_NUMBER = re.compile(r"^\d+$")
_COMPARISON = re.compile(r"^(>=|<=|>|<|=)(.*)$")
_DATE_HINT = "expected a date as YYYY-MM-DD, YYYY-MM or YYYY"


def _period(value: str, source: str) -> tuple[date, date]:
    """Parse a day, month or year into its first day and the day after it ends."""
    match = _DATE.match(value)
    if not match:
        raise QueryError(f"{source}: {_DATE_HINT}, e.g. {source.split(':')[0]}:2025-01-31.")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return date(year, 1, 1), date(year + 1, 1, 1)
        if day is None:
            start = date(year, month, 1)
            return start, _add_months(start, 1)
        start = date(year, month, day)
        return start, start + timedelta(days=1)
    except ValueError:
        raise QueryError(f"{source}: {value} is not a real date; {_DATE_HINT}.") from None


def _unique_prefix(text: str, choices: Sequence[str]) -> str | None:
    """Return the one choice that starts with ``text`` (is:star -> starred), else None."""
    if text in choices:
        return text
    found = [choice for choice in choices if choice.startswith(text)]
    return found[0] if len(found) == 1 else None


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _date_value(name: str, value: str, source: str) -> tuple:
    """Parse a date term into ("fixed", start, end), ("last", unit, count) or ("this", unit)."""
    if name in ("since", "after", "before", "until"):
        start, end = _period(value, source)
        bounds = {
            "since": (start, None),
            "after": (end, None),
            "before": (None, start),
            "until": (None, end),
        }[name]
        return ("fixed", *bounds)
    if name == "on":
        if ".." in value:
            low, _, high = value.partition("..")
            if not low and not high:
                raise QueryError(f"{source}: {_DATE_HINT} on either side of '..'.")
            start = _period(low, source)[0] if low else None
            end = _period(high, source)[1] if high else None
            return ("fixed", start, end)
        return ("fixed", *_period(value, source))
    if name == "last":
        match = _RELATIVE.match(value.lower())
        if not match or int(match.group(1)) == 0:
            raise QueryError(
                f"{source}: expected a count and a unit d, w, m or y, e.g. last:7d or last:2w."
            )
        return ("last", match.group(2), int(match.group(1)))
    # name == "this"
    unit = _unique_prefix(value.lower(), _BARE_PERIODS)
    if unit is None:
        raise QueryError(f"{source}: expected this:week, this:month or this:year.")
    return ("this", unit)


def _resolve_dates(value: tuple, today: date) -> tuple[str | None, str | None]:
    """Turn a date value into ISO bounds: start inclusive, end exclusive."""
    kind = value[0]
    if kind == "fixed":
        start, end = value[1], value[2]
    elif kind == "day":
        start = today - timedelta(days=value[1])
        end = start + timedelta(days=1)
    elif kind == "last":
        unit, count = value[1], value[2]
        if unit == "d":
            start = today - timedelta(days=count - 1)
        elif unit == "w":
            start = today - timedelta(days=7 * count - 1)
        elif unit == "m":
            start = _add_months(today, -count) + timedelta(days=1)
        else:
            start = _add_months(today, -12 * count) + timedelta(days=1)
        end = None
    else:  # "this"
        unit = value[1]
        if unit == "week":
            start = today - timedelta(days=today.weekday())
        elif unit == "month":
            start = today.replace(day=1)
        else:
            start = today.replace(month=1, day=1)
        end = None
    return (start.isoformat() if start else None, end.isoformat() if end else None)


def _number_value(name: str, value: str, source: str) -> tuple[int | None, int | None]:
    """Parse a comparison or range into inclusive (low, high) bounds."""
    hint = f"expected a number, e.g. {name}:>50, {name}:<=10 or {name}:10..50"

    def number(text: str) -> int:
        if not _NUMBER.match(text):
            raise QueryError(f"{source}: {hint}.")
        return int(text)

    if ".." in value:
        low, _, high = value.partition("..")
        if not low and not high:
            raise QueryError(f"{source}: {hint}.")
        return (number(low) if low else None, number(high) if high else None)
    match = _COMPARISON.match(value)
    if not match:
        exact = number(value)
        return (exact, exact)
    operator, amount = match.group(1), number(match.group(2))
    return {
        ">": (amount + 1, None),
        ">=": (amount, None),
        "<": (None, amount - 1),
        "<=": (None, amount),
        "=": (amount, amount),
    }[operator]


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------

_BARE_DATES = {"today": ("day", 0), "yesterday": ("day", 1)}
_BARE_PERIODS = ("week", "month", "year")


class _Parser:
    def __init__(self, text: str, saved: Mapping[str, str] | None, expanding: tuple[str, ...]):
        self.text = text
        self.tokens = _tokenize(text)
        self.position = 0
        self.saved = saved
        self.expanding = expanding

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node | None:
        node = self.parse_and(depth=0)
        if self.peek() is not None:
            raise QueryError(
                f'Unmatched ")" in "{self.text}": remove it or add the "(" that opens it.'
            )
        return node

    def parse_and(self, depth: int) -> Node | None:
        children: list[Node] = []
        while (token := self.peek()) is not None:
            if token.kind == "RP":
                break
            node = self.parse_or()
            if node is not None:
                children.append(node)
        return _combine(And, children)

    def parse_or(self) -> Node | None:
        token = self.peek()
        if token is not None and token.kind == "OR":
            raise QueryError(
                f'"OR" in "{self.text}" needs a term before it, e.g. diffusion OR flow. '
                'Write "OR" in quotes to search for the word.'
            )
        parts: list[Node] = []
        first = self.parse_unary()
        if first is not None:
            parts.append(first)
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("RP", "OR"):
                if nxt is not None and nxt.kind == "OR":
                    raise QueryError(f'"OR OR" in "{self.text}": put a term between them.')
                # A trailing OR while the user types the next term is ignored.
                break
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        return _combine(Or, parts)

    def parse_unary(self) -> Node | None:
        token = self.peek()
        if token is None:
            return None
        if token.kind == "NOT":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("RP", "OR"):
                return None
            child = self.parse_unary()
            return Not(child) if child is not None else None
        return self.parse_primary()

    def parse_primary(self) -> Node | None:
        token = self.take()
        if token.kind == "LP":
            inner = self.parse_and(depth=1)
            closing = self.peek()
            if closing is not None and closing.kind == "RP":
                self.take()
            elif inner is None:
                return None
            if inner is None:
                raise QueryError(
                    f'Empty "()" in "{self.text}": put terms inside, e.g. (diffusion OR flow).'
                )
            return inner
        if token.kind == "RP":
            raise QueryError(
                f'Unmatched ")" in "{self.text}": remove it or add the "(" that opens it.'
            )
        return self.term(token)

    def term(self, token: _Token) -> Node | None:
        if token.field is None:
            return self.plain_term(token)

        name = _FIELD_ALIASES.get(token.field)
        if name is None:
            raise QueryError(
                f'Unknown field "{token.field}:" in {token.source}. Known fields: '
                f'{", ".join(f + ":" for f in KNOWN_FIELDS)}. '
                f'To search for the text itself, quote it: "{token.source}".'
            )
        value = token.value.strip()
        if not value:
            return None

        source = token.source
        if name in TEXT_FIELDS or name in ("note", "topic"):
            folded = fold(value)
            return Term(name, folded, source) if folded else None
        if name == "tag":
            prefix = value.endswith("*")
            folded = fold(value.rstrip("*"))
            if not folded:
                return None
            return Term("tag", (folded, prefix), source)
        if name == "id":
            return Term("id", resolve_key(value.rstrip("*")).lower(), source)
        if name == "cat":
            return Term("cat", fold(value.rstrip("*")), source)
        if name == "is":
            state = _unique_prefix(value.lower(), IS_VALUES)
            if state is None:
                raise QueryError(
                    f"{source}: unknown state; use "
                    + ", ".join(f"is:{v}" for v in IS_VALUES[:-1])
                    + f" or is:{IS_VALUES[-1]}."
                )
            return Term("is", state, source)
        if name in ("since", "after", "before", "until", "on", "last", "this"):
            return Term("date", _date_value(name, value, source), source)
        if name in ("upvotes", "stars"):
            return Term(name, _number_value(token.field, value, source), source)
        return self.expand_saved(value, source)

    def plain_term(self, token: _Token) -> Node | None:
        if not token.quoted:
            lowered = token.value.lower()
            if lowered in _BARE_DATES:
                return Term("date", _BARE_DATES[lowered], token.source)
            if lowered == "this":
                nxt = self.peek()
                if (
                    nxt is not None
                    and nxt.kind == "TERM"
                    and nxt.field is None
                    and not nxt.quoted
                    and nxt.value.lower() in _BARE_PERIODS
                ):
                    self.take()
                    source = f"this {nxt.value}"
                    return Term("date", ("this", nxt.value.lower()), source)
            parsed = parse_arxiv_id(token.value)
            if parsed and (parsed.version or "/" in token.value or ":" in token.value):
                # A pasted URL or versioned id finds the paper, whatever its version.
                return Term("id", parsed.key.lower(), token.source)
        folded = fold(token.value)
        return Term("text", folded, token.source) if folded else None

    def expand_saved(self, name: str, source: str) -> Node | None:
        if not self.saved or name not in self.saved:
            known = ", ".join(sorted(self.saved)) if self.saved else "none yet"
            raise QueryError(f"{source}: no saved search named {name!r} (saved searches: {known}).")
        if name in self.expanding:
            chain = " -> ".join((*self.expanding, name))
            raise QueryError(f"{source}: saved search {name!r} refers to itself ({chain}).")
        inner = _Parser(self.saved[name], self.saved, (*self.expanding, name))
        try:
            return inner.parse()
        except QueryError as error:
            raise QueryError(f"In saved search {name!r}: {error.message}") from None


def _combine(kind: type[And] | type[Or], children: list[Node]) -> Node | None:
    flat: list[Node] = []
    for child in children:
        if isinstance(child, kind):
            flat.extend(child.children)
        else:
            flat.append(child)
    if not flat:
        return None
    if len(flat) == 1:
        return flat[0]
    return kind(tuple(flat))


def parse_query(text: str, saved: Mapping[str, str] | None = None) -> Query:
    """Parse a query; ``saved`` maps saved-search names to queries for ``saved:NAME``.

    Raises QueryError naming the malformed part and showing what to write.
    """
    return Query(text, _Parser(text, saved, ()).parse())


# ---------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------

_SEPARATOR = "\n"
"""Joins fields and authors in the folded text. Folded query values never
contain it, so a phrase cannot match across two fields or two authors."""


def _default_topics() -> TopicsFor:
    try:
        from reader import topics
    except ImportError:  # pragma: no cover - the module ships with the package
        topics = None
    topics_for = getattr(topics, "topics_for", None)
    if topics_for is not None:
        return topics_for
    # NOTE: without a topic assignment, topic: falls back to categories and keywords.
    return lambda paper: [*paper.categories, *paper.keywords]


@dataclass(slots=True)
class _Context:
    """Per-search caches of state-derived position sets."""

    index: SearchIndex
    states: Mapping[str, PaperState]
    today: date
    sets: dict[str, set[int]] = field(default_factory=dict)
    _indexed: list[tuple[int, PaperState]] | None = None
    _with_text: list[tuple[int, PaperState]] | None = None

    def indexed_states(self) -> list[tuple[int, PaperState]]:
        """Return (position, state) for the states of indexed papers."""
        if self._indexed is None:
            where = self.index._position
            self._indexed = [
                (position, state)
                for key, state in self.states.items()
                if (position := where.get(key)) is not None
            ]
        return self._indexed

    def states_with_text(self) -> list[tuple[int, PaperState]]:
        """Return the indexed states that have a note or tags."""
        if self._with_text is None:
            where = self.index._position
            self._with_text = [
                (where[key], state)
                for key, state in self.states.items()
                if (state.note or state.tags) and key in where
            ]
        return self._with_text

    def positions(
        self, name: str, predicate: Callable[[PaperState], bool], *, text_only: bool = False
    ) -> set[int]:
        """Return the positions whose state satisfies ``predicate``, cached by ``name``."""
        cached = self.sets.get(name)
        if cached is None:
            items = self.states_with_text() if text_only else self.indexed_states()
            cached = {position for position, state in items if predicate(state)}
            self.sets[name] = cached
        return cached


class SearchIndex:
    """A word index of every paper, built once and searched per query.

    ASCII words are looked up in an inverted index from each word to the
    papers that contain it, so a word term costs the size of its postings and
    not a scan of every abstract. Phrases, field terms and non-ASCII values
    are then checked in the folded text of the remaining candidates only,
    which is folded again when needed: the index keeps no copy of the text,
    because 100,000 abstracts are over 100 MB. Results are in library order:
    the order papers were added.

    ``topics`` gives each paper's topic names for ``topic:``; by default the
    ``reader.topics`` assignment is used.

    NOTE: not thread-safe. Call ``search``, ``add`` and ``update`` from one
    thread, or guard them with one lock.
    """

    def __init__(self, papers: Iterable[Paper] = (), *, topics: TopicsFor | None = None) -> None:
        self._keys: list[str] = []
        self._position: dict[str, int] = {}
        self._papers: list[Paper] = []
        self._ids: list[str] = []
        self._categories: list[tuple[str, ...]] = []
        self._dates: list[str | None] = []
        self._upvotes: list[int | None] = []
        self._stars: list[int | None] = []
        self._topics_for = topics
        self._topic_text: list[str | None] = []
        self._state_fold: dict[str, str] = {}
        self._shared: dict[Any, Any] = {}
        """Lowercased ids, category tuples and dates, so that equal values are one object."""
        # ASCII word -> ascending positions of the papers containing it.
        self._postings: dict[bytes, Postings] = {}
        self._vocabulary: list[bytes] = []
        self._vocabulary_sorted = True
        # Sorted unions of the postings of recently looked-up prefixes.
        self._union_cache: dict[bytes, array] = {}
        self._changed: set[int] = set()
        """Positions of papers updated in place. Their postings may still list
        words the paper lost, so their word matches are checked in the text."""
        self._folded: dict[int, _FoldedText] = {}
        """Folded text of recently checked papers (bounded by _FOLDED_CACHE_SIZE)."""
        self.add(papers)

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def keys(self) -> list[str]:
        """Paper keys in library order (do not modify)."""
        return self._keys

    def set_topics(self, topics: TopicsFor | None) -> None:
        """Use another topic assignment, e.g. after the taxonomy changed."""
        self._topics_for = topics
        self._topic_text = [None] * len(self._keys)

    def add(self, papers: Iterable[Paper]) -> None:
        """Append new papers, or update ones already indexed."""
        # New papers are collected per word in arrays of their own and then
        # appended to the postings once per word.
        pending: defaultdict[bytes, array] = defaultdict(_new_postings)
        self._union_cache.clear()
        collecting = gc.isenabled()
        # Millions of small lists make the cyclic collector rescan the heap
        # over and over; none of them can form a cycle.
        gc.disable()
        try:
            added = self._add_papers(papers, pending)
        finally:
            if collecting:
                gc.enable()
        postings = self._postings
        for word in list(pending):
            positions = pending.pop(word)
            entry = postings.get(word)
            if entry is None:
                self._vocabulary.append(word)
                self._vocabulary_sorted = False
            else:
                positions = _absolute(entry) + positions
            postings[word] = _compact(positions)
        pending.clear()  # frees its table, which popping leaves allocated
        if added >= _TRIM_AFTER:
            _release_free_memory()

    def _add_papers(self, papers: Iterable[Paper], pending: defaultdict[bytes, array]) -> int:
        """Index new papers into ``pending`` and update known ones; return how many were new."""
        lists_of = pending.__getitem__
        append = array.append
        added = 0
        for paper in papers:
            if paper.key in self._position:
                self.update(paper)
                continue
            where = self._append(paper)
            words = _index_words(paper)
            # One append of ``where`` to each word's list, run by map in C:
            # a Python loop here was most of the build time.
            deque(map(append, map(lists_of, words), repeat(where, len(words))), maxlen=0)
            added += 1
        return added

    def update(self, paper: Paper) -> None:
        """Index a changed paper in place, or append it if it is new."""
        where = self._position.get(paper.key)
        if where is None:
            self.add([paper])
            return
        for column, value in zip(self._columns(), self._paper_columns(paper)):
            column[where] = value
        self._topic_text[where] = None
        self._folded.pop(where, None)
        self._union_cache.clear()
        # The words the paper had are not kept, so postings of lost words
        # stay and _changed makes every word match of it checked in its text.
        self._changed.add(where)
        for word in _index_words(paper):
            entry = self._postings.get(word)
            if entry is None:
                self._postings[word] = array("i", (where,))
                self._vocabulary.append(word)
                self._vocabulary_sorted = False
                continue
            postings = _absolute(entry)
            at = bisect_left(postings, where)
            if at == len(postings) or postings[at] != where:
                postings.insert(at, where)
            # Kept as plain positions: a paper updated once is often updated again.
            self._postings[word] = postings

    def _append(self, paper: Paper) -> int:
        where = self._position[paper.key] = len(self._keys)
        self._keys.append(paper.key)
        for column, value in zip(self._columns(), self._paper_columns(paper)):
            column.append(value)
        self._topic_text.append(None)
        return where

    def _columns(self) -> tuple[Any, ...]:
        """Per-paper columns in the order ``_paper_columns`` returns values."""
        return (
            self._papers,
            self._ids,
            self._categories,
            self._dates,
            self._upvotes,
            self._stars,
        )

    def _paper_columns(self, paper: Paper) -> tuple[Any, ...]:
        """Return a paper's values for the columns of ``_columns``."""
        shared = self._shared
        key = paper.key.lower()
        if key == paper.key:
            key = paper.key  # one string object, not an equal copy per paper
        categories = tuple(category.lower() for category in paper.categories)
        day = paper.listed or paper.published
        return (
            paper,
            shared.setdefault(key, key),
            shared.setdefault(categories, categories),
            shared.setdefault(day[:10], day[:10]) if day else None,
            paper.upvotes,
            paper.github_stars,
        )

    def _folded_text(self, where: int) -> _FoldedText:
        """Return the folded text of the paper at ``where``, folding it if not cached."""
        folded = self._folded.get(where)
        if folded is None:
            if len(self._folded) >= _FOLDED_CACHE_SIZE:
                self._folded.clear()
            folded = self._folded[where] = _fold_paper(self._papers[where])
        return folded

    def _papers_with_prefix(self, prefix: bytes, candidates: list[int]) -> list[int]:
        """Return the candidates that contain a word starting with ``prefix``."""
        if not self._vocabulary_sorted:
            self._vocabulary.sort()
            self._vocabulary_sorted = True
        vocabulary = self._vocabulary
        low = bisect_left(vocabulary, prefix)
        high = bisect_left(vocabulary, prefix + b"\xff", low)
        if low == high:
            return []
        postings = self._postings
        found: Iterable[int] | None = None
        if high - low == 1:
            found = _positions(postings[vocabulary[low]])
        else:
            found = self._union_cache.get(prefix)
            if found is None:
                union: set[int] = set()
                for word in vocabulary[low:high]:
                    union.update(_positions(postings[word]))
                found = array("i", sorted(union))
                if len(self._union_cache) >= _UNION_CACHE_SIZE:
                    self._union_cache.pop(next(iter(self._union_cache)))
                self._union_cache[prefix] = found
        if len(candidates) == len(self._keys):
            hits = list(found)
        else:
            chosen = set(found)
            hits = [i for i in candidates if i in chosen]
        if self._changed:
            hits = [i for i in hits if i not in self._changed or self._has_prefix(i, prefix)]
        return hits

    def _has_prefix(self, where: int, prefix: bytes) -> bool:
        """Check in the text whether a changed paper has a word starting with ``prefix``."""
        field = next((name for name, tag in _FIELD_TAGS.items() if prefix.startswith(tag)), None)
        if field is None:
            text = self._folded_text(where).text
        else:
            text = _fold_field(self._papers[where], field)
            prefix = prefix[1:]
        return _has_word_start(text, prefix.decode(), 0, len(text))

    def search(
        self,
        query: Query | str,
        states: Mapping[str, PaperState],
        *,
        within: Collection[str] | None = None,
        today: date | None = None,
    ) -> list[str]:
        """Return the keys of all matching papers, in library order.

        ``within`` limits the search to those keys (the previous results when
        the new query ``refines`` the previous one). A string query is parsed
        first and may raise QueryError.
        """
        if isinstance(query, str):
            query = parse_query(query)
        keys = self._keys
        limit: set[str] | None = None
        if within is None:
            candidates = list(range(len(keys)))
        elif len(within) * 4 > len(keys):
            # A large subset costs more to turn into positions than the word
            # index saves; search everything and filter the keys afterwards.
            candidates = list(range(len(keys)))
            limit = within if isinstance(within, (set, frozenset)) else set(within)
        else:
            where = self._position
            candidates = sorted({where[key] for key in within if key in where})
        if query.root is not None and candidates:
            context = _Context(self, states, today or date.today())
            candidates = self._evaluate(query.root, candidates, context)
        if limit is not None:
            return [key for i in candidates if (key := keys[i]) in limit]
        return [keys[i] for i in candidates]

    # -- evaluation ---------------------------------------------------------

    def _evaluate(self, node: Node, candidates: list[int], context: _Context) -> list[int]:
        if isinstance(node, Term):
            return self._match(node, candidates, context)
        if isinstance(node, And):
            for child in sorted(node.children, key=_cost):
                candidates = self._evaluate(child, candidates, context)
                if not candidates:
                    break
            return candidates
        if isinstance(node, Or):
            matched: set[int] = set()
            remaining = candidates
            for child in node.children:
                hits = self._evaluate(child, remaining, context)
                if hits:
                    matched.update(hits)
                    remaining = [i for i in remaining if i not in matched]
            return [i for i in candidates if i in matched]
        excluded = set(self._evaluate(node.child, candidates, context))
        return [i for i in candidates if i not in excluded]

    def _match_text(self, value: str, candidates: list[int], field: str) -> list[int]:
        """Return the candidates with a word starting with ``value`` in ``field``.

        ASCII values go through the word index first; a value of one word
        in all fields needs nothing more. Other values are checked in the
        folded text: at a word start for ASCII, as a substring otherwise.
        """
        words = sorted(_ascii_words(value), key=len, reverse=True) if value.isascii() else []
        tag = _FIELD_TAGS.get(field, b"")
        for word in words:
            candidates = self._papers_with_prefix(tag + word, candidates)
            if not candidates:
                return []
        if (field == "text" or tag) and len(words) == 1 and words[0] == value.encode():
            return candidates
        hits = []
        for i in candidates:
            if field in ("title", "author", "org"):
                # Short fields in memory: fold just the field, reading nothing from disk.
                text = _fold_field(self._papers[i], field)
                start, end = 0, len(text)
            else:
                folded = self._folded_text(i)
                text = folded.text
                start, end = folded.bounds(field)
            if words:
                if _has_word_start(text, value, start, end):
                    hits.append(i)
            elif text.find(value, start, end) >= 0:
                hits.append(i)
        return hits

    def _match(self, term: Term, candidates: list[int], context: _Context) -> list[int]:
        name = term.field
        value = term.value
        if name == "text":
            hits = self._match_text(value, candidates, "text")
            extra = self._state_text_hits(value, context)
            if extra:
                extra.difference_update(hits)
                extra.intersection_update(candidates)
                if extra:
                    extra.update(hits)
                    hits = sorted(extra)
            return hits
        if name in ("title", "author", "abstract", "org"):
            return self._match_text(value, candidates, name)
        if name == "id":
            ids = self._ids
            return [i for i in candidates if ids[i].startswith(value)]
        if name == "cat":
            categories = self._categories
            return [i for i in candidates if any(c.startswith(value) for c in categories[i])]
        if name == "date":
            low, high = _resolve_dates(value, context.today)
            dates = self._dates
            return [
                i
                for i in candidates
                if (day := dates[i]) is not None
                and (low is None or day >= low)
                and (high is None or day < high)
            ]
        if name in ("upvotes", "stars"):
            low, high = value
            numbers = self._upvotes if name == "upvotes" else self._stars
            return [
                i
                for i in candidates
                if (number := numbers[i]) is not None
                and (low is None or number >= low)
                and (high is None or number <= high)
            ]
        if name == "topic":
            return self._match_topic(value, candidates)
        return self._match_state(term, candidates, context)

    def _match_state(self, term: Term, candidates: list[int], context: _Context) -> list[int]:
        name, value = term.field, term.value
        if name == "is":
            if value == "withdrawn":
                papers = self._papers
                return [i for i in candidates if papers[i].withdrawn]
            if value == "unread":
                read = context.positions("read", lambda s: s.read)
                return [i for i in candidates if i not in read]
            predicates: dict[str, Callable[[PaperState], bool]] = {
                "read": lambda s: s.read,
                "starred": lambda s: s.starred,
                "annotated": lambda s: s.annotated,
                "tagged": lambda s: bool(s.tags),
            }
            chosen = context.positions(
                value, predicates[value], text_only=value in ("annotated", "tagged")
            )
            return [i for i in candidates if i in chosen]
        if name == "tag":
            wanted, prefix = value
            fold_tag = self._fold_state

            def has_tag(state: PaperState) -> bool:
                for tag in state.tags:
                    folded = fold_tag(tag)
                    if folded == wanted or (prefix and folded.startswith(wanted)):
                        return True
                return False

            chosen = context.positions(f"tag {wanted} {prefix}", has_tag, text_only=True)
            return [i for i in candidates if i in chosen]
        # name == "note"
        chosen = context.positions(
            f"note {value}",
            lambda s: bool(s.note) and _contains(self._fold_state(s.note), value),
            text_only=True,
        )
        return [i for i in candidates if i in chosen]

    def _state_text_hits(self, value: str, context: _Context) -> set[int]:
        """Return the positions of papers whose note or tags contain ``value``."""

        def contains(state: PaperState) -> bool:
            if state.note and _contains(self._fold_state(state.note), value):
                return True
            return any(_contains(self._fold_state(tag), value) for tag in state.tags)

        return set(context.positions(f"text {value}", contains, text_only=True))

    def _fold_state(self, text: str) -> str:
        folded = self._state_fold.get(text)
        if folded is None:
            if len(self._state_fold) > 100_000:
                self._state_fold.clear()
            folded = self._state_fold[text] = fold(text)
        return folded

    def _match_topic(self, value: str, candidates: list[int]) -> list[int]:
        if self._topics_for is None:
            self._topics_for = _default_topics()
        topics_for = self._topics_for
        topic_text = self._topic_text
        papers = self._papers
        hits = []
        for i in candidates:
            names = topic_text[i]
            if names is None:
                names = topic_text[i] = _SEPARATOR.join(fold(t) for t in topics_for(papers[i]))
            if value in names:
                hits.append(i)
        return hits


_ITEM_MARK = "\x01"
# Placeholder between authors (or keywords), folded along with the text and
# then replaced by _SEPARATOR. It does not count as whitespace for
# str.split, so folding keeps it in place.


@dataclass(frozen=True, slots=True)
class _FoldedText:
    """A paper's folded fields joined by _SEPARATOR, with the end offset of each field."""

    text: str
    title_end: int
    authors_end: int
    abstract_end: int
    org_end: int

    def bounds(self, field: str) -> tuple[int, int]:
        """Return the slice of ``text`` that a term of ``field`` is matched in."""
        if field == "title":
            return 0, self.title_end
        if field == "author":
            return self.title_end, self.authors_end
        if field == "abstract":
            return self.authors_end, self.abstract_end
        if field == "org":
            return self.abstract_end, self.org_end
        return 0, len(self.text)


def _new_postings() -> array:
    return array("i")


# Postings are stored compactly once built, as ``bytes``: a typecode byte
# ("B" or "H"), the first position as 4 little-endian bytes, then the gaps
# between the ascending positions as 8- or 16-bit numbers, the smallest that
# fits every gap. Where a gap does not fit 16 bits they stay an
# ``array("i")`` of the positions. At 100,000 papers the postings take about
# 26 MB instead of 70 MB as arrays of 4-byte positions with spare room, most
# of the words in many papers needing one byte per paper.
Postings = bytes | array


def _compact(positions: array) -> Postings:
    """Return ascending positions in the smallest stored form."""
    gaps = array("I", map(sub, positions[1:], positions))
    widest = max(gaps, default=0)
    if widest >= 1 << 16:
        return array("i", positions)  # an exact-size copy, without spare room
    code = "B" if widest < 1 << 8 else "H"
    return b"".join((code.encode(), positions[0].to_bytes(4, "little"), array(code, gaps).tobytes()))


_TRIM_AFTER = 20_000
"""Papers added at once after which the memory the build freed is handed back."""


def _release_free_memory() -> None:
    """Return the C heap's free pages to the system, where the C library allows it.

    The build's growing arrays are freed once compacted, but glibc keeps the
    freed pages in the process: at 100,000 papers about 30 MB of RSS.
    """
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError):
        return  # not glibc (macOS, Windows, musl): nothing to trim
    trim(0)


def _positions(entry: Postings) -> Iterable[int]:
    """Return the ascending positions of stored postings."""
    if isinstance(entry, bytes):
        view = memoryview(entry)
        first = int.from_bytes(view[1:5], "little")
        return accumulate(view[5:].cast(chr(entry[0])), initial=first)
    return entry


def _absolute(entry: Postings) -> array:
    """Return stored postings as an ``array("i")`` of positions that may be changed."""
    if isinstance(entry, bytes):
        return array("i", _positions(entry))
    return entry


def _fold_field(paper: Paper, field: str) -> str:
    """Fold one short field (title, author or org) the way ``_fold_paper`` folds it."""
    if field == "title":
        return fold(paper.title)
    if field == "author":
        return fold(_ITEM_MARK.join(paper.authors)).replace(_ITEM_MARK, _SEPARATOR)
    return fold(paper.organization or "")


def _index_words(paper: Paper) -> set[bytes]:
    """Return the ASCII words of the folded text of ``_fold_paper``, folding field by field.

    Casefolding a long ASCII abstract apart from the authors' accented names
    keeps it on CPython's fast ASCII path: about three times faster.
    """
    title = _fold_word_text(paper.title)
    authors = _fold_word_text("\n".join(paper.authors))
    organization = _fold_word_text(paper.organization or "")
    rest = _fold_word_text("\n".join([paper.abstract, *paper.keywords, *paper.categories, paper.key, paper.versioned_id]))
    words = _ascii_words("\n".join((title, authors, organization, rest)))
    for tag, text in ((_TITLE_TAG, title), (_AUTHOR_TAG, authors), (_ORG_TAG, organization)):
        words.update(tag + word for word in _ascii_words(text))
    return words


def _fold_word_text(text: str) -> str:
    """Fold text as ``fold`` does, except for whitespace, which word splitting ignores."""
    text = text.casefold()
    if not text.isascii():
        text = _NON_ASCII.sub(_fold_run, text)
    return text


_TITLE_TAG = b"\x01"
_AUTHOR_TAG = b"\x02"
_ORG_TAG = b"\x03"
_FIELD_TAGS = {"title": _TITLE_TAG, "author": _AUTHOR_TAG, "org": _ORG_TAG}
"""Prefixes of the index words of one field, so that title: author: org: need no text check."""


def _fold_paper(paper: Paper) -> _FoldedText:
    """Fold a paper's searchable fields, keeping where each field ends.

    Each field is folded on its own, so that a long ASCII abstract stays on
    CPython's fast ASCII path whatever the authors' names contain.
    """
    title = fold(paper.title)
    authors = fold(_ITEM_MARK.join(paper.authors)).replace(_ITEM_MARK, _SEPARATOR)
    abstract = fold(paper.abstract)
    organization = fold(paper.organization or "")
    rest = fold(_ITEM_MARK.join([*paper.keywords, *paper.categories, paper.key, paper.versioned_id]))
    title_end = len(title)
    authors_end = title_end + 1 + len(authors)
    abstract_end = authors_end + 1 + len(abstract)
    org_end = abstract_end + 1 + len(organization)
    text = _SEPARATOR.join((title, authors, abstract, organization, rest.replace(_ITEM_MARK, _SEPARATOR)))
    return _FoldedText(text, title_end, authors_end, abstract_end, org_end)


_FOLDED_CACHE_SIZE = 4096
"""Papers whose folded text is kept after a check; about 6 MB at 1,500 characters each."""
_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_UNION_CACHE_SIZE = 32
# Maps every byte that is not a lowercase ASCII letter or digit to a space, so
# that bytes.translate + split finds the words of folded text in C.
_WORD_TABLE = bytes(code if code in _WORD_BYTES else 32 for code in range(256))


def _ascii_words(text: str) -> set[bytes]:
    """Return the ASCII letter-and-digit words of folded text."""
    return set(text.encode("ascii", "replace").translate(_WORD_TABLE).split())


def _has_word_start(text: str, value: str, start: int, end: int) -> bool:
    """Return whether ``value`` occurs in text[start:end] where a word starts.

    A word is a run of ASCII letters and digits, as in the word index.
    """
    position = text.find(value, start, end)
    if value[0] not in _WORD_CHARACTERS:
        return position >= 0
    while position >= 0:
        if position == start or text[position - 1] not in _WORD_CHARACTERS:
            return True
        position = text.find(value, position + 1, end)
    return False


def _contains(text: str, value: str) -> bool:
    """Match one folded string the way the index matches paper text."""
    if value.isascii():
        return _has_word_start(text, value, 0, len(text))
    return value in text


def _cost(node: Node) -> tuple[int, int]:
    """Order AND children so cheap and selective filters narrow the set first."""
    if isinstance(node, Term):
        if node.field == "text":
            return (3, -len(node.value))
        if node.field in ("title", "author", "abstract", "org"):
            return (2, -len(node.value))
        if node.field == "topic":
            return (1, 0)
        return (0, 0)
    if isinstance(node, Not):
        return (5, 0)
    return (4, 0)


def matches(
    query: Query | str,
    paper: Paper,
    state: PaperState | None = None,
    *,
    today: date | None = None,
    topics: TopicsFor | None = None,
) -> bool:
    """Return whether one paper matches, e.g. to keep a changed paper in a filtered list."""
    index = SearchIndex([paper], topics=topics)
    states = {paper.key: state} if state is not None else {}
    return bool(index.search(query, states, today=today))
