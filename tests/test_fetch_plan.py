"""What to fetch: dates, weeks, months, arXiv queries and subscriptions."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from reader.errors import ReaderError
from reader.fetch.plan import (
    ArxivQueryRequest,
    ArxivRssRequest,
    HfRequest,
    TitleLookupRequest,
    arxiv_requests,
    default_requests,
    hf_requests,
    month_days,
    resolve_relative,
    week_days,
)

TODAY = date(2026, 6, 12)  # a Friday


def test_week_expands_to_monday_through_sunday():
    days = week_days("2026-W48")
    assert days[0] == date(2026, 11, 23)
    assert days[-1] == date(2026, 11, 29)
    assert len(days) == 7


def test_week_53_and_year_boundary():
    # 2026 has 53 ISO weeks; week 1 of 2027 starts on 2027-01-04.
    assert week_days("2026-W53")[0] == date(2026, 12, 28)
    assert week_days("2027-W01")[0] == date(2027, 1, 4)
    assert week_days("2025-W01")[0] == date(2024, 12, 30)


def test_invalid_week_message():
    with pytest.raises(ReaderError) as caught:
        week_days("2026-W60")
    assert caught.value.message == "--week 2026-W60 is not a valid ISO week; use YYYY-Www, e.g. 2026-W48."
    with pytest.raises(ReaderError):
        week_days("2025-W53")  # 2025 has 52 weeks
    with pytest.raises(ReaderError):
        week_days("2026-48")


def test_month_expands_to_all_days():
    november = month_days("2026-11")
    assert november[0] == date(2026, 11, 1)
    assert november[-1] == date(2026, 11, 30)
    assert len(november) == 30
    assert len(month_days("2028-02")) == 29
    assert month_days("2026-12")[-1] == date(2026, 12, 31)


def test_invalid_month_message():
    with pytest.raises(ReaderError) as caught:
        month_days("2026-13")
    assert caught.value.message == "--month 2026-13 is not a valid month; use YYYY-MM, e.g. 2026-11."


def test_hf_date_request():
    assert hf_requests(day="2026-06-12") == [HfRequest(date="2026-06-12")]


def test_hf_invalid_date_message():
    with pytest.raises(ReaderError) as caught:
        hf_requests(day="2026-02-30")
    assert caught.value.message == "--date 2026-02-30 is not a valid date; use YYYY-MM-DD, e.g. 2026-06-12."
    with pytest.raises(ReaderError):
        hf_requests(day="12/06/2026")


def test_hf_range_is_one_request_per_day():
    requests = hf_requests(date_from="2026-11-28", date_to="2026-12-02", trending=True)
    assert [r.date for r in requests] == [
        "2026-11-28",
        "2026-11-29",
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
    ]
    assert all(r.trending for r in requests)


def test_hf_range_checks_order_and_both_ends():
    with pytest.raises(ReaderError) as caught:
        hf_requests(date_from="2026-12-02", date_to="2026-11-28")
    assert "before --from" in caught.value.message
    with pytest.raises(ReaderError) as caught:
        hf_requests(date_from="2026-12-02")
    assert "both --from and --to" in caught.value.message
    with pytest.raises(ReaderError) as caught:
        hf_requests(date_from="2024-01-01", date_to="2026-01-01")
    assert "maximum is 366" in caught.value.message


def test_hf_week_month_and_latest():
    assert hf_requests(week="2026-W48") == [HfRequest(week="2026-W48")]
    assert hf_requests(month="2026-11", trending=True) == [HfRequest(month="2026-11", trending=True)]
    assert hf_requests() == [HfRequest()]
    assert hf_requests(trending=True)[0].label == "Hugging Face Daily Papers latest (trending)"


def test_hf_rejects_two_selections():
    with pytest.raises(ReaderError) as caught:
        hf_requests(day="2026-06-12", week="2026-W24")
    assert caught.value.message == "Use only one of --date, --week."


def test_relative_words():
    assert resolve_relative("today", "day", TODAY) == "2026-06-12"
    assert resolve_relative("yesterday", "day", TODAY) == "2026-06-11"
    assert resolve_relative("this", "week", TODAY) == "2026-W24"
    assert resolve_relative("last", "week", TODAY) == "2026-W23"
    assert resolve_relative("this", "month", TODAY) == "2026-06"
    assert resolve_relative("last", "month", date(2026, 1, 5)) == "2025-12"
    assert resolve_relative("2026-W48", "week", TODAY) == "2026-W48"


def test_arxiv_categories_use_rss():
    assert arxiv_requests(categories=("cs.LG", "cs.AI")) == [ArxivRssRequest(categories=("cs.LG", "cs.AI"))]
    assert arxiv_requests(categories=("cs.LG,cs.AI", "cs.LG")) == [ArxivRssRequest(categories=("cs.LG", "cs.AI"))]


def test_arxiv_category_month_becomes_query():
    [request] = arxiv_requests(categories=("cs.LG",), month="2026-11")
    assert request == ArxivQueryRequest(query="cat:cs.LG AND submittedDate:[202611010000 TO 202611302359]")


def test_arxiv_categories_range_and_week():
    [ranged] = arxiv_requests(categories=("cs.LG", "stat.ML"), date_from="2026-11-02", date_to="2026-11-06")
    assert ranged.query == "(cat:cs.LG OR cat:stat.ML) AND submittedDate:[202611020000 TO 202611062359]"
    [weekly] = arxiv_requests(categories=("hep-th",), week="2026-W48")
    assert weekly.query == "cat:hep-th AND submittedDate:[202611230000 TO 202611292359]"


def test_arxiv_rejects_bad_category_and_mixed_options():
    with pytest.raises(ReaderError) as caught:
        arxiv_requests(categories=("cs LG",))
    assert "'cs LG' is not an arXiv category" in caught.value.message
    with pytest.raises(ReaderError):
        arxiv_requests(categories=("cs.LG",), query="ti:x")
    with pytest.raises(ReaderError):
        arxiv_requests(query="ti:x", month="2026-11")


def test_arxiv_query_request():
    assert arxiv_requests(query=" ti:diffusion ", max_results=50) == [
        ArxivQueryRequest(query="ti:diffusion", max_results=50)
    ]


def test_default_requests_without_subscriptions():
    config = SimpleNamespace(subscriptions=[])
    assert default_requests(config) == [HfRequest(), TitleLookupRequest()]


def test_default_requests_from_subscriptions():
    config = SimpleNamespace(
        subscriptions=[
            {"source": "hf"},
            {"source": "hf", "date": "yesterday", "trending": True},
            {"source": "hf", "week": "last"},
            {"source": "arxiv-rss", "categories": ["cs.LG", "cs.CL"]},
            {"source": "arxiv", "query": "cat:cs.CV AND ti:diffusion", "max_results": 100},
        ]
    )
    assert default_requests(config, today=TODAY) == [
        HfRequest(),
        HfRequest(date="2026-06-11", trending=True),
        HfRequest(week="2026-W23"),
        ArxivRssRequest(categories=("cs.LG", "cs.CL")),
        ArxivQueryRequest(query="cat:cs.CV AND ti:diffusion", max_results=100),
        TitleLookupRequest(),
    ]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"source": "rss"}, "entry 1 has source 'rss'"),
        ({"source": "hf", "categories": ["cs.LG"]}, "unknown keys: categories"),
        ({"source": "hf", "week": "2026-W60"}, "--week 2026-W60 is not a valid ISO week"),
        ({"source": "hf", "trending": "yes"}, "trending that is not true or false"),
        ({"source": "arxiv-rss", "categories": []}, "needs at least one arXiv category"),
        ({"source": "arxiv"}, "needs a query"),
        ({"source": "arxiv", "query": "ti:x", "max_results": "10"}, "max_results that is not a whole number"),
    ],
)
def test_invalid_subscription_messages(entry, expected):
    with pytest.raises(ReaderError) as caught:
        default_requests(SimpleNamespace(subscriptions=[entry]))
    assert caught.value.message.startswith("Invalid config file: fetch.subscriptions entry 1")
    assert expected in caught.value.message
