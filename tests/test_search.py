"""Query language parsing and matching on hand-made papers and the real samples."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.models import Paper, PaperState
from reader.search import (
    And,
    Not,
    Or,
    QueryError,
    SearchIndex,
    Term,
    fold,
    matches,
    parse_query,
)

TODAY = date(2025, 3, 12)  # a Wednesday

PAPERS = [
    Paper(
        key="2501.00001",
        version=2,
        title="Score-Based Diffusion Models for Image Generation",
        authors=["Paul Erdős", "Juan de la Cruz"],
        abstract="We train diffusion models with a new noise schedule.",
        listed="2025-03-12",
        published="2025-03-10",
        categories=["cs.CV", "cs.LG"],
        keywords=["denoising"],
        upvotes=120,
        github_stars=900,
        organization="Tsinghua University",
    ),
    Paper(
        key="2501.00002",
        version=1,
        title="Graph Neural Networks at Scale",
        authors=["Erwin Schrödinger", "Ana Müller"],
        abstract="Message passing on large graphs; the transformer baseline is weaker.",
        listed="2025-03-10",
        categories=["cs.LG"],
        upvotes=50,
    ),
    Paper(
        key="2501.00003",
        title="Ελληνικά γλωσσικά μοντέλα",
        authors=["Γιώργος Παπαδόπουλος"],
        abstract="A Greek language model. 東京大学の研究",
        published="2025-02-01",
        categories=["cs.CL"],
        upvotes=None,
    ),
    Paper(
        key="hep-th/9901001",
        version=3,
        title="Strings and Straße: a Note on Łukasz's Conjecture",
        authors=["Łukasz Nowak", "Søren Ørsted"],
        abstract="Old-style identifiers still work.",
        published="1999-01-04",
        categories=["hep-th"],
        withdrawn=True,
    ),
    Paper(
        key="title:0123456789abcdef",
        title="Caf" + "e\u0301" + " Talk: Diffusion on Graphs",
        authors=["Zoë Martin"],
        abstract="",
        listed="2025-03-05",
        upvotes=10,
    ),
]
STATES = {
    "2501.00001": PaperState(starred=True, read=True, tags=["Reading", "mlops"]),
    "2501.00002": PaperState(read=True, note="Compare with the spectral baseline."),
    "title:0123456789abcdef": PaperState(tags=["ml"]),
    "9999.99999": PaperState(starred=True),
}
ALL = [paper.key for paper in PAPERS]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(PAPERS, topics=lambda paper: ["Computer Vision"] if "cs.CV" in paper.categories else ["Other"])


def search(index: SearchIndex, text: str) -> list[str]:
    return index.search(text, STATES, today=TODAY)


# -- folding ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Erdős", "erdos"),
        ("Schrödinger", "schrodinger"),
        ("e\u0301t\u00e9", "ete"),
        ("Straße", "strasse"),
        ("Łukasz Ørsted Æsir Œuvre", "lukasz orsted aesir oeuvre"),
        ("ΣΊΣΥΦΟΣ", "σισυφοσ"),
        ("東京", "東京"),
        ("ﬁne  \t tuning", "fine tuning"),
        ("don\u2019t", "don't"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


# -- parsing ------------------------------------------------------------------


def test_parse_words_and_phrase() -> None:
    query = parse_query('Diffusion "noise  schedule" -GAN')
    assert query.root == And(
        (
            Term("text", "diffusion", "Diffusion"),
            Term("text", "noise schedule", '"noise  schedule"'),
            Not(Term("text", "gan", "GAN")),
        )
    )


def test_parse_or_binds_tighter_than_and() -> None:
    query = parse_query("diffusion OR flow model")
    assert query.root == And(
        (
            Or((Term("text", "diffusion", "diffusion"), Term("text", "flow", "flow"))),
            Term("text", "model", "model"),
        )
    )


def test_parse_parentheses() -> None:
    query = parse_query("(graph neural) OR -(a OR b)")
    assert isinstance(query.root, Or)
    assert query.root.children[0] == And((Term("text", "graph", "graph"), Term("text", "neural", "neural")))
    assert query.root.children[1] == Not(Or((Term("text", "a", "a"), Term("text", "b", "b"))))


def test_parse_quoted_field_value() -> None:
    assert parse_query('author:"de la Cruz"').root == Term("author", "de la cruz", 'author:"de la Cruz"')


def test_parse_upvote_comparisons() -> None:
    values = {text: parse_query(text).root.value for text in (
        "upvotes:>50", "upvotes:>=50", "upvotes:<50", "upvotes:<=50", "upvotes:=50",
        "upvotes:50", "upvotes:10..50", "upvotes:10..", "upvotes:..50",
    )}
    assert values == {
        "upvotes:>50": (51, None),
        "upvotes:>=50": (50, None),
        "upvotes:<50": (None, 49),
        "upvotes:<=50": (None, 50),
        "upvotes:=50": (50, 50),
        "upvotes:50": (50, 50),
        "upvotes:10..50": (10, 50),
        "upvotes:10..": (10, None),
        "upvotes:..50": (None, 50),
    }


def test_parse_ignores_incomplete_terms() -> None:
    assert parse_query("").root is None
    assert parse_query("   ").root is None
    assert parse_query("diffusion -").root == Term("text", "diffusion", "diffusion")
    assert parse_query("diffusion OR").root == Term("text", "diffusion", "diffusion")
    assert parse_query("author:").root is None
    assert parse_query('"noise sch').root == Term("text", "noise sch", '"noise sch"')
    assert parse_query("(graph OR flow").root == Or(
        (Term("text", "graph", "graph"), Term("text", "flow", "flow"))
    )


def test_parse_arxiv_url_as_id() -> None:
    assert parse_query("https://arxiv.org/abs/2501.00001v2").root.field == "id"
    assert parse_query("arXiv:2501.00001").root == Term("id", "2501.00001", "arXiv:2501.00001")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("upvotes:>abc", "upvotes:>abc: expected a number, e.g. upvotes:>50"),
        ("stars:lots", "stars:lots: expected a number, e.g. stars:>50"),
        ("foo:bar", 'Unknown field "foo:" in foo:bar.'),
        ("is:happy", "is:happy: unknown state; use is:starred, is:unread"),
        ("since:2025-13-01", "since:2025-13-01: 2025-13-01 is not a real date"),
        ("before:yesterday", "before:yesterday: expected a date as YYYY-MM-DD, YYYY-MM or YYYY"),
        ("last:7", "last:7: expected a count and a unit d, w, m or y, e.g. last:7d"),
        ("this:decade", "this:decade: expected this:week, this:month or this:year."),
        ("graph)", 'Unmatched ")" in "graph)"'),
        ("OR graph", '"OR" in "OR graph" needs a term before it'),
        ("a OR OR b", '"OR OR" in "a OR OR b"'),
        ("()", 'Empty "()" in "()"'),
        ("saved:missing", "saved:missing: no saved search named 'missing'"),
    ],
)
def test_malformed_query_message(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert message in caught.value.message
    assert isinstance(caught.value, ReaderError)


def test_unknown_field_suggests_quotes() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("foo:bar")
    assert 'quote it: "foo:bar"' in caught.value.message
    assert "author:" in caught.value.message


def test_saved_search_expands_and_detects_cycles() -> None:
    saved = {"gen": "diffusion OR gan", "loop": "saved:loop2", "loop2": "saved:loop"}
    assert parse_query("saved:gen is:starred", saved).root == And(
        (
            Or((Term("text", "diffusion", "diffusion"), Term("text", "gan", "gan"))),
            Term("is", "starred", "is:starred"),
        )
    )
    with pytest.raises(QueryError, match="refers to itself"):
        parse_query("saved:loop", saved)


# -- matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ALL),
        ("diffusion", ["2501.00001", "title:0123456789abcdef"]),
        ("DIFFUSION graphs", ["title:0123456789abcdef"]),
        ("diff", ["2501.00001", "title:0123456789abcdef"]),
        ("former", []),
        ("transformer", ["2501.00002"]),
        ('"noise schedule"', ["2501.00001"]),
        ('"schedule noise"', []),
        ("diffusion -graphs", ["2501.00001"]),
        ('-"noise schedule" diffusion', ["title:0123456789abcdef"]),
        ("diffusion OR message", ["2501.00001", "2501.00002", "title:0123456789abcdef"]),
        ("(graph OR greek) -diffusion", ["2501.00002", "2501.00003"]),
        ("NOT diffusion NOT graph", ["2501.00003", "hep-th/9901001"]),
        ("score-based", ["2501.00001"]),
    ],
)
def test_words_phrases_negation_or(index: SearchIndex, text: str, expected: list[str]) -> None:
    assert search(index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("erdos", ["2501.00001"]),
        ("ERDŐS", ["2501.00001"]),
        ("schrodinger", ["2501.00002"]),
        ("Schrödinger", ["2501.00002"]),
        ("Schro\u0308dinger", ["2501.00002"]),
        ("muller", ["2501.00002"]),
        ("cafe", ["title:0123456789abcdef"]),
        ("café", ["title:0123456789abcdef"]),
        ("zoe", ["title:0123456789abcdef"]),
        ("strasse", ["hep-th/9901001"]),
        ("lukasz", ["hep-th/9901001"]),
        ("orsted", ["hep-th/9901001"]),
        ("soren", ["hep-th/9901001"]),
        ("ελληνικα", ["2501.00003"]),
        ("ΕΛΛΗΝΙΚΆ", ["2501.00003"]),
        ("παπαδοπουλος", ["2501.00003"]),
        ("大学", ["2501.00003"]),
        ("研究", ["2501.00003"]),
    ],
)
def test_case_and_accent_insensitive(index: SearchIndex, text: str, expected: list[str]) -> None:
    assert search(index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("author:erdos", ["2501.00001"]),
        ('author:"de la cruz"', ["2501.00001"]),
        ('author:"erdos juan"', []),
        ("author:diffusion", []),
        ("title:diffusion", ["2501.00001", "title:0123456789abcdef"]),
        ("title:noise", []),
        ("abstract:noise", ["2501.00001"]),
        ("abstract:diffusion", ["2501.00001"]),
        ("org:tsinghua", ["2501.00001"]),
        ("org:university", ["2501.00001"]),
        ("id:2501.00002", ["2501.00002"]),
        ("id:2501", ["2501.00001", "2501.00002", "2501.00003"]),
        ("id:https://arxiv.org/abs/hep-th/9901001v3", ["hep-th/9901001"]),
        ("2501.00002", ["2501.00002"]),
        ("hep-th/9901001v1", ["hep-th/9901001"]),
        ("cat:cs.LG", ["2501.00001", "2501.00002"]),
        ("cat:cs", ["2501.00001", "2501.00002", "2501.00003"]),
        ("cat:hep", ["hep-th/9901001"]),
        ("topic:vision", ["2501.00001"]),
        ('topic:"computer vision"', ["2501.00001"]),
        ("denoising", ["2501.00001"]),
    ],
)
def test_fields(index: SearchIndex, text: str, expected: list[str]) -> None:
    assert search(index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("is:starred", ["2501.00001"]),
        ("is:read", ["2501.00001", "2501.00002"]),
        ("is:unread", ["2501.00003", "hep-th/9901001", "title:0123456789abcdef"]),
        ("-is:read", ["2501.00003", "hep-th/9901001", "title:0123456789abcdef"]),
        ("is:annotated", ["2501.00002"]),
        ("is:tagged", ["2501.00001", "title:0123456789abcdef"]),
        ("is:withdrawn", ["hep-th/9901001"]),
        ("tag:reading", ["2501.00001"]),
        ("tag:READING", ["2501.00001"]),
        ("tag:ml", ["title:0123456789abcdef"]),
        ("tag:ml*", ["2501.00001", "title:0123456789abcdef"]),
        ("tag:read", []),
        ("note:spectral", ["2501.00002"]),
        ("note:diffusion", []),
        ("spectral", ["2501.00002"]),
        ("mlops", ["2501.00001"]),
        ("is:starred OR is:annotated", ["2501.00001", "2501.00002"]),
        ("is:star", ["2501.00001"]),
        ("is:un", ["2501.00003", "hep-th/9901001", "title:0123456789abcdef"]),
    ],
)
def test_state_filters(index: SearchIndex, text: str, expected: list[str]) -> None:
    assert search(index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("since:2025-03-10", ["2501.00001", "2501.00002"]),
        ("since:2025-03", ["2501.00001", "2501.00002", "title:0123456789abcdef"]),
        ("after:2025-03-10", ["2501.00001"]),
        ("before:2025-03", ["2501.00003", "hep-th/9901001"]),
        ("until:2025-03-05", ["2501.00003", "hep-th/9901001", "title:0123456789abcdef"]),
        ("on:2025-03-10", ["2501.00002"]),
        ("date:1999", ["hep-th/9901001"]),
        ("on:2025-02..2025-03-05", ["2501.00003", "title:0123456789abcdef"]),
        ("today", ["2501.00001"]),
        ("yesterday", []),
        ("last:1d", ["2501.00001"]),
        ("last:3d", ["2501.00001", "2501.00002"]),
        ("last:2w", ["2501.00001", "2501.00002", "title:0123456789abcdef"]),
        ("last:2m", ["2501.00001", "2501.00002", "2501.00003", "title:0123456789abcdef"]),
        ("this:week", ["2501.00001", "2501.00002"]),
        ("this week", ["2501.00001", "2501.00002"]),
        ("this:month", ["2501.00001", "2501.00002", "title:0123456789abcdef"]),
        ("this:w", ["2501.00001", "2501.00002"]),
        ("this:year", ["2501.00001", "2501.00002", "2501.00003", "title:0123456789abcdef"]),
        ('"today"', []),
    ],
)
def test_dates_use_listed_then_published(index: SearchIndex, text: str, expected: list[str]) -> None:
    assert search(index, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("upvotes:>50", ["2501.00001"]),
        ("upvotes:>=50", ["2501.00001", "2501.00002"]),
        ("upvotes:<50", ["title:0123456789abcdef"]),
        ("upvotes:<=50", ["2501.00002", "title:0123456789abcdef"]),
        ("upvotes:=50", ["2501.00002"]),
        ("upvotes:10..50", ["2501.00002", "title:0123456789abcdef"]),
        ("-upvotes:>0", ["2501.00003", "hep-th/9901001"]),
        ("stars:>=900", ["2501.00001"]),
    ],
)
def test_upvotes_and_stars(index: SearchIndex, text: str, expected: list[str]) -> None:
    assert search(index, text) == expected


def test_results_are_complete_and_in_library_order() -> None:
    papers = [Paper(key=f"2502.{i:05d}", title=f"Paper {i} on diffusion") for i in range(3000, 0, -1)]
    index = SearchIndex(papers)
    hits = index.search("diffusion", {})
    assert len(hits) == 3000
    assert hits == [paper.key for paper in papers]


def test_within_limits_the_search(index: SearchIndex) -> None:
    within = ["title:0123456789abcdef", "2501.00002"]
    assert index.search("diffusion", STATES, within=within) == ["title:0123456789abcdef"]
    assert index.search("", STATES, within=within) == ["2501.00002", "title:0123456789abcdef"]


def test_refines_allows_narrowing() -> None:
    previous = parse_query("diffusion mo")
    assert parse_query("diffusion mod").refines(previous)
    assert parse_query("diffusion mo is:starred").refines(previous)
    assert not parse_query("diffusion").refines(previous)
    assert not parse_query("diffusion OR mod").refines(previous)
    assert not parse_query("-abc").refines(parse_query("-ab"))
    assert not parse_query("model").refines(parse_query("del"))
    assert parse_query("id:2501.0").refines(parse_query("id:2501"))


def test_update_reindexes_changed_paper() -> None:
    index = SearchIndex([Paper(key="2503.00001", title="Old title about graphs")])
    index.update(Paper(key="2503.00001", title="New title about diffusion", upvotes=7))
    assert index.search("graphs", {}) == []
    assert index.search("diffusion upvotes:7", {}) == ["2503.00001"]
    index.add([Paper(key="2503.00002", title="Graphs again")])
    assert index.search("graphs", {}) == ["2503.00002"]
    assert len(index) == 2


def test_short_prefix_uses_scan_and_index_alike() -> None:
    # Many words share the prefix "d", so the index checks text instead of
    # building the union; both ways must find the same papers.
    words = [f"d{i:04d}x" for i in range(500)]
    papers = [Paper(key=f"2504.{i:05d}", title=" ".join(words[i : i + 50])) for i in range(400)]
    papers.append(Paper(key="2504.99999", title="nothing here but an id"))
    index = SearchIndex(papers)
    assert index.search("d", {}) == [paper.key for paper in papers[:400]]
    subset = [paper.key for paper in papers[:3]] + ["2504.99999"]
    assert index.search("d", {}, within=subset) == subset[:3]


def test_matches_single_paper() -> None:
    paper = PAPERS[0]
    assert matches("erdos is:starred", paper, STATES[paper.key])
    assert not matches("erdos is:unread", paper, STATES[paper.key])
    assert matches("erdos is:unread", paper, None)


def test_highlight_words() -> None:
    assert parse_query('Diffusion "noise schedule" -gan author:Erdős').highlight_words() == [
        "diffusion",
        "noise schedule",
        "erdos",
    ]


def test_decomposed_text_matches_precomposed_query() -> None:
    decomposed = unicodedata.normalize("NFD", "Élodie Brûlé")
    index = SearchIndex([Paper(key="2505.00001", title="A study", authors=[decomposed])])
    assert index.search("author:élodie", {}) == ["2505.00001"]
    assert index.search("brule", {}) == ["2505.00001"]


DATA = Path(__file__).parent / "data"


def test_samples_searchable() -> None:
    sample = DATA / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"
    if not sample.exists():
        pytest.skip("the HF daily sample is not copied into tests/data yet")
    from reader.sources import load_file

    papers = load_file(sample)
    index = SearchIndex(papers)
    assert len(index.search("", {})) == 30
    hits = index.search("author:boglarka", {})
    assert len(hits) == 1
    assert "Boglárka Ecsedi" in next(p for p in papers if p.key == hits[0]).authors
    assert index.search("author:niccolo", {}) == index.search("author:Niccolò", {})
    assert index.search("upvotes:0", {}) != []


def test_narrowing_while_typing_matches_full_search(index: SearchIndex) -> None:
    for typed in ('diffusion graphs', 'author:"de la cruz"', "schrödinger -gan", "cat:cs.lg is:read"):
        previous_query, previous_keys = None, None
        for end in range(1, len(typed) + 1):
            try:
                query = parse_query(typed[:end])
            except QueryError:
                # The app keeps the previous results while a term is invalid.
                continue
            full = index.search(query, STATES, today=TODAY)
            if previous_query is not None and query.refines(previous_query):
                narrowed = index.search(query, STATES, within=previous_keys, today=TODAY)
                assert narrowed == full, typed[:end]
            previous_query, previous_keys = query, full
