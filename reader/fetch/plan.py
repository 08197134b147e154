"""Fetch requests for each source, date parsing, and subscriptions.

A request is a small frozen dataclass. The CLI builds them from its
options, ``default_requests`` builds them from the ``[[fetch.subscriptions]]``
tables of the config file, and ``reader.fetch.run_fetch`` carries them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Union

from reader.errors import ReaderError

MAX_RANGE_DAYS = 366
"""Longest --from/--to range; Hugging Face is asked once per day in it."""
ARXIV_MAX_RESULTS = 2000
"""Default cap on results fetched for one arXiv API query."""
TITLE_LOOKUPS_PER_RUN = 20
"""Title searches per run; each costs one arXiv API request (3 s apart)."""

_CATEGORY = re.compile(r"^[a-z][a-z\-]*(\.[A-Za-z][A-Za-z\-]*)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class HfRequest:
    """One Hugging Face Daily Papers listing: a day, an ISO week, a month or the latest."""

    date: str | None = None
    """Day ``YYYY-MM-DD``; with no date, week or month, the latest listing."""
    week: str | None = None
    """ISO week ``YYYY-Www``."""
    month: str | None = None
    """Month ``YYYY-MM``."""
    trending: bool = False
    """Order by trending score (``sort=trending``) instead of the listing order."""

    @property
    def label(self) -> str:
        what = self.date or self.week or self.month or "latest"
        return f"Hugging Face Daily Papers {what}" + (" (trending)" if self.trending else "")


@dataclass(frozen=True)
class ArxivRssRequest:
    """The latest arXiv announcement of one or more categories, from the RSS feed."""

    categories: tuple[str, ...]

    @property
    def label(self) -> str:
        return "arXiv RSS " + "+".join(self.categories)


@dataclass(frozen=True)
class ArxivQueryRequest:
    """An arXiv API search in arXiv's query syntax, e.g. ``cat:cs.LG AND ti:diffusion``."""

    query: str
    max_results: int = ARXIV_MAX_RESULTS

    @property
    def label(self) -> str:
        return f"arXiv API query {self.query}"


@dataclass(frozen=True)
class TitleLookupRequest:
    """An arXiv title search for library papers that have no arXiv id yet."""

    limit: int = TITLE_LOOKUPS_PER_RUN

    @property
    def label(self) -> str:
        return "arXiv title search for papers without an arXiv id"


FetchRequest = Union[HfRequest, ArxivRssRequest, ArxivQueryRequest, TitleLookupRequest]


# -- dates -------------------------------------------------------------------


def utc_today() -> date:
    """Today in UTC, the calendar Hugging Face and arXiv date their listings in."""
    return datetime.now(timezone.utc).date()


def resolve_relative(value: str, kind: str, today: date | None = None) -> str:
    """Replace ``today``/``yesterday`` (days) or ``this``/``last`` (weeks, months) by a date.

    Other values are returned unchanged, to be validated by the caller.
    """
    today = today or utc_today()
    word = value.strip().lower()
    if kind == "day" and word in ("today", "yesterday"):
        return (today - timedelta(days=0 if word == "today" else 1)).isoformat()
    if kind == "week" and word in ("this", "last"):
        year, week, _ = (today - timedelta(days=0 if word == "this" else 7)).isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month" and word in ("this", "last"):
        first = today.replace(day=1)
        if word == "last":
            first = (first - timedelta(days=1)).replace(day=1)
        return f"{first:%Y-%m}"
    return value.strip()


def parse_day(text: str, option: str = "--date") -> date:
    """Parse ``YYYY-MM-DD``; raise a ReaderError naming the option otherwise."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReaderError(
            f"{option} {text} is not a valid date; use YYYY-MM-DD, e.g. 2026-06-12.",
            title="Invalid date",
        ) from None


def week_days(week: str, option: str = "--week") -> list[date]:
    """Return the seven days (Monday to Sunday) of an ISO week ``YYYY-Www``."""
    match = _WEEK.fullmatch(week.strip())
    monday = None
    if match:
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            monday = None
    if monday is None:
        raise ReaderError(
            f"{option} {week} is not a valid ISO week; use YYYY-Www, e.g. 2026-W48.",
            title="Invalid week",
        )
    return [monday + timedelta(days=offset) for offset in range(7)]


def month_days(month: str, option: str = "--month") -> list[date]:
    """Return every day of a month ``YYYY-MM``."""
    match = _MONTH.fullmatch(month.strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise ReaderError(
            f"{option} {month} is not a valid month; use YYYY-MM, e.g. 2026-11.",
            title="Invalid month",
        )
    first = date(int(match[1]), int(match[2]), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return [first + timedelta(days=offset) for offset in range((following - first).days)]


def days_between(start: date, end: date) -> list[date]:
    """Return the days from ``start`` to ``end`` inclusive, checking order and length."""
    if end < start:
        raise ReaderError(
            f"--to {end.isoformat()} is before --from {start.isoformat()}; swap them.",
            title="Invalid date range",
        )
    count = (end - start).days + 1
    if count > MAX_RANGE_DAYS:
        raise ReaderError(
            f"--from {start.isoformat()} --to {end.isoformat()} spans {count} days; "
            f"the maximum is {MAX_RANGE_DAYS}. Use --month, or several shorter ranges.",
            title="Invalid date range",
        )
    return [start + timedelta(days=offset) for offset in range(count)]


# -- request builders ----------------------------------------------------------


def hf_requests(
    *,
    day: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    week: str | None = None,
    month: str | None = None,
    trending: bool = False,
    today: date | None = None,
) -> list[HfRequest]:
    """Build the Hugging Face requests for at most one of a day, a range, a week or a month.

    Days also accept ``today`` and ``yesterday``, weeks and months ``this``
    and ``last`` (UTC calendar).
    """
    day = resolve_relative(day, "day", today) if day else day
    date_from = resolve_relative(date_from, "day", today) if date_from else date_from
    date_to = resolve_relative(date_to, "day", today) if date_to else date_to
    week = resolve_relative(week, "week", today) if week else week
    month = resolve_relative(month, "month", today) if month else month
    chosen = [
        name
        for name, value in (
            ("--date", day),
            ("--from/--to", date_from or date_to),
            ("--week", week),
            ("--month", month),
        )
        if value
    ]
    if len(chosen) > 1:
        raise ReaderError(f"Use only one of {', '.join(chosen)}.", title="Invalid options")
    if day:
        return [HfRequest(date=parse_day(day).isoformat(), trending=trending)]
    if date_from or date_to:
        if not (date_from and date_to):
            raise ReaderError("Give both --from and --to, e.g. --from 2026-11-02 --to 2026-11-06.")
        days = days_between(parse_day(date_from, "--from"), parse_day(date_to, "--to"))
        return [HfRequest(date=d.isoformat(), trending=trending) for d in days]
    if week:
        week_days(week)
        return [HfRequest(week=week.strip(), trending=trending)]
    if month:
        month_days(month)
        return [HfRequest(month=month.strip(), trending=trending)]
    return [HfRequest(trending=trending)]


def check_categories(categories: list[str] | tuple[str, ...], where: str = "--category") -> tuple[str, ...]:
    """Validate arXiv category names such as ``cs.LG`` or ``hep-th``."""
    result: list[str] = []
    for raw in categories:
        for category in str(raw).replace("+", ",").split(","):
            category = category.strip()
            if not category:
                continue
            if not _CATEGORY.fullmatch(category):
                raise ReaderError(
                    f"{where} {category!r} is not an arXiv category; use a name such as cs.LG or hep-th.",
                    title="Invalid category",
                )
            if category not in result:
                result.append(category)
    if not result:
        raise ReaderError(f"{where} needs at least one arXiv category, e.g. cs.LG.", title="Invalid category")
    return tuple(result)


def arxiv_category_query(categories: tuple[str, ...], start: date, end: date) -> str:
    """Build an API query for papers of some categories submitted between two days.

    arXiv's submittedDate range takes ``YYYYMMDDHHMM`` times, in GMT.
    """
    cats = " OR ".join(f"cat:{c}" for c in categories)
    if len(categories) > 1:
        cats = f"({cats})"
    return f"{cats} AND submittedDate:[{start:%Y%m%d}0000 TO {end:%Y%m%d}2359]"


def arxiv_requests(
    *,
    categories: tuple[str, ...] | list[str] = (),
    query: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    week: str | None = None,
    month: str | None = None,
    max_results: int = ARXIV_MAX_RESULTS,
    today: date | None = None,
) -> list[FetchRequest]:
    """Build the arXiv request for categories (RSS, or API over dates) or a query.

    Dates accept the same relative words as ``hf_requests``.
    """
    date_from = resolve_relative(date_from, "day", today) if date_from else date_from
    date_to = resolve_relative(date_to, "day", today) if date_to else date_to
    week = resolve_relative(week, "week", today) if week else week
    month = resolve_relative(month, "month", today) if month else month
    if query and categories:
        raise ReaderError("Use either --query or --category, not both.", title="Invalid options")
    if max_results < 1:
        raise ReaderError(f"--max {max_results} must be at least 1.", title="Invalid options")
    ranged = [name for name, value in (("--from/--to", date_from or date_to), ("--week", week), ("--month", month)) if value]
    if len(ranged) > 1:
        raise ReaderError(f"Use only one of {', '.join(ranged)}.", title="Invalid options")
    if query:
        if ranged:
            raise ReaderError(
                "Dates go inside --query for a search, e.g. "
                "'ti:diffusion AND submittedDate:[202611010000 TO 202611302359]'.",
                title="Invalid options",
            )
        if not query.strip():
            raise ReaderError("--query is empty; give an arXiv search such as 'ti:diffusion'.")
        return [ArxivQueryRequest(query=query.strip(), max_results=max_results)]
    cats = check_categories(list(categories))
    if not ranged:
        return [ArxivRssRequest(categories=cats)]
    if date_from or date_to:
        if not (date_from and date_to):
            raise ReaderError("Give both --from and --to, e.g. --from 2026-11-02 --to 2026-11-06.")
        days = days_between(parse_day(date_from, "--from"), parse_day(date_to, "--to"))
    elif week:
        days = week_days(week)
    else:
        days = month_days(month or "")
    return [ArxivQueryRequest(query=arxiv_category_query(cats, days[0], days[-1]), max_results=max_results)]


# -- subscriptions -------------------------------------------------------------


def _subscription_error(index: int, problem: str) -> ReaderError:
    return ReaderError(
        f"Invalid config file: fetch.subscriptions entry {index} {problem}",
        title="Invalid config",
    )


def _name_config_file(error: ReaderError, path: Any) -> ReaderError:
    """Put the config file's path into a subscription error, when it is known."""
    if path is None:
        return error
    message = error.message.replace("Invalid config file:", f"Invalid config file {path}:", 1)
    return ReaderError(message, title=error.title)


def requests_from_subscription(index: int, entry: dict[str, Any], today: date | None = None) -> list[FetchRequest]:
    """Turn one ``[[fetch.subscriptions]]`` table into requests (``index`` counts from 1)."""
    source = entry.get("source")
    allowed = {
        "hf": {"source", "date", "week", "month", "trending"},
        "arxiv-rss": {"source", "categories"},
        "arxiv": {"source", "query", "max_results"},
    }
    if source not in allowed:
        raise _subscription_error(index, f"has source {source!r}; use \"hf\", \"arxiv-rss\" or \"arxiv\".")
    unknown = sorted(set(entry) - allowed[source])
    if unknown:
        raise _subscription_error(index, f"(source {source!r}) has unknown keys: {', '.join(unknown)}.")
    try:
        if source == "hf":
            trending = entry.get("trending", False)
            if not isinstance(trending, bool):
                raise _subscription_error(index, "has trending that is not true or false.")
            return list(
                hf_requests(
                    day=_text(entry, "date", index),
                    week=_text(entry, "week", index),
                    month=_text(entry, "month", index),
                    trending=trending,
                    today=today,
                )
            )
        if source == "arxiv-rss":
            categories = entry.get("categories", [])
            if isinstance(categories, str):
                categories = [categories]
            if not isinstance(categories, list):
                raise _subscription_error(index, "has categories that are not a list of names.")
            return [ArxivRssRequest(categories=check_categories(categories, "categories"))]
        max_results = entry.get("max_results", ARXIV_MAX_RESULTS)
        if not isinstance(max_results, int) or isinstance(max_results, bool):
            raise _subscription_error(index, "has max_results that is not a whole number.")
        query = _text(entry, "query", index)
        if not query:
            raise _subscription_error(index, 'needs a query, e.g. query = "cat:cs.LG AND ti:diffusion".')
        return arxiv_requests(query=query, max_results=max_results)
    except ReaderError as error:
        if error.message.startswith("Invalid config file"):
            raise
        raise _subscription_error(index, f"is invalid: {error.message}") from None


def _text(entry: dict[str, Any], key: str, index: int) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _subscription_error(index, f"has {key} = {value!r}, which is not a string.")
    return value


def default_requests(config: Any, today: date | None = None) -> list[FetchRequest]:
    """Requests for a bare ``papers fetch``: the subscriptions, else the latest HF listing.

    A title search for papers without an arXiv id always comes last; it
    sends nothing when there are none.
    """
    requests: list[FetchRequest] = []
    for index, entry in enumerate(getattr(config, "subscriptions", []) or [], start=1):
        try:
            requests.extend(requests_from_subscription(index, entry, today))
        except ReaderError as error:
            raise _name_config_file(error, getattr(config, "path", None)) from None
    if not requests:
        requests.append(HfRequest())
    requests.append(TitleLookupRequest())
    return requests
