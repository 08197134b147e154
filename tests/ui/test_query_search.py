"""QuerySearch and the plain-word filter, without the app, on the fixed sample data set."""

from __future__ import annotations

from conftest import sample_papers
from reader.models import Paper, PaperState
from reader.search import SearchIndex, parse_query
from reader.ui.search import QuerySearch, filter_keys, haystack

MINIMAX = "2606.13392"


def ready_search() -> tuple[QuerySearch, list[str]]:
    papers = sample_papers()
    search = QuerySearch()
    search.set_index(SearchIndex(papers))
    # A view order unlike the library order, to check that results follow the view.
    keys = sorted(paper.key for paper in papers)
    return search, keys


def test_run_keeps_view_order() -> None:
    search, keys = ready_search()
    found = search.run(parse_query("upvotes:>50"), keys, {})
    assert found == ["2606.08063", MINIMAX, "2606.13681"]


def test_run_empty_query_returns_view() -> None:
    search, keys = ready_search()
    found = search.run(parse_query(""), keys, {})
    assert found == keys
    assert found is not keys


def test_refining_query_counts_previous_hits() -> None:
    search, keys = ready_search()
    first = search.run(parse_query("agen"), keys, {})
    assert first is not None
    assert len(first) == 12
    assert search.candidate_count(parse_query("agent"), keys) == 12
    assert search.candidate_count(parse_query("-agent"), keys) == 34
    # Another view list is another search, even with equal contents.
    assert search.candidate_count(parse_query("agent"), list(keys)) == 34
    search.forget()
    assert search.candidate_count(parse_query("agent"), keys) == 34


def test_state_terms_read_given_states() -> None:
    search, keys = ready_search()
    states = {MINIMAX: PaperState(starred=True)}
    assert search.run(parse_query("is:starred"), keys, states) == [MINIMAX]


def test_cancelled_run_returns_none() -> None:
    search, keys = ready_search()
    assert search.run(parse_query("agent"), keys, {}, cancelled=lambda: True) is None


def test_run_without_index_returns_none() -> None:
    search = QuerySearch()
    assert not search.ready
    assert search.run(parse_query("agent"), ["a"], {}) is None


def test_added_papers_are_found() -> None:
    search, keys = ready_search()
    new = Paper(key="2701.00001", title="Quokka navigation", listed="2027-01-01")
    search.add([new])
    assert search.run(parse_query("quokka"), [*keys, new.key], {}) == [new.key]


def test_plain_filter_folds_each_field() -> None:
    paper = Paper(key="2601.00001", title="Café Study", authors=["Zoë Ångström"], abstract="Plain ASCII text.")
    assert haystack(paper) == "cafe study\nzoe angstrom"
    assert filter_keys("CAFE angstrom", [paper.key], {paper.key: paper}) == [paper.key]
    assert filter_keys("tea", [paper.key], {paper.key: paper}) == []


def test_plain_filter_skips_abstracts() -> None:
    # Abstracts are read from disk lazily; the fallback leaves them to the index.
    paper = Paper(key="2601.00001", title="Café Study", authors=["Zoë Ångström"], abstract="Plain ASCII text.")
    assert filter_keys("ascii", [paper.key], {paper.key: paper}) == []
