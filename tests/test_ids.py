import pytest

from reader.ids import (
    ArxivId,
    find_arxiv_id,
    is_title_key,
    normalize_title,
    parse_arxiv_id,
    resolve_key,
    title_key,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2406.18820", ArxivId("2406.18820", None)),
        ("2406.18820v3", ArxivId("2406.18820", 3)),
        ("arXiv:2406.18820", ArxivId("2406.18820", None)),
        ("https://arxiv.org/abs/2406.18820v2", ArxivId("2406.18820", 2)),
        ("http://arxiv.org/pdf/2406.18820", ArxivId("2406.18820", None)),
        ("https://arxiv.org/pdf/2406.18820v2.pdf", ArxivId("2406.18820", 2)),
        ("https://huggingface.co/papers/2406.18820", ArxivId("2406.18820", None)),
        ("hep-th/9901001", ArxivId("hep-th/9901001", None)),
        ("math.GT/0309136v2", ArxivId("math/0309136", 2)),
        ("astro-ph/0601001", ArxivId("astro-ph/0601001", None)),
        ("http://arxiv.org/abs/cond-mat/0412498v1", ArxivId("cond-mat/0412498", 1)),
        ("1401.1234", ArxivId("1401.1234", None)),
        ("oai:arXiv.org:2609.26811v1", ArxivId("2609.26811", 1)),
        ("  HTTPS://ARXIV.ORG/ABS/2406.18820  ", ArxivId("2406.18820", None)),
    ],
)
def test_parse_arxiv_id_forms(text, expected):
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize("text", ["abc", "", "2406.188201", "version 1.2345", "2406.18820 extra"])
def test_parse_arxiv_id_rejects(text):
    assert parse_arxiv_id(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("arXiv preprint arXiv:2005.00333", ArxivId("2005.00333", None)),
        ("abs/1909.05311", ArxivId("1909.05311", None)),
        ("see 2406.18820v3, more", ArxivId("2406.18820", 3)),
        ("https://arxiv.org/abs/2406.18820v2.", ArxivId("2406.18820", 2)),
    ],
)
def test_find_arxiv_id_in_text(text, expected):
    assert find_arxiv_id(text) == expected


def test_find_arxiv_id_none_in_plain_text():
    assert find_arxiv_id("Communications of the ACM 58, 2015") is None


def test_title_key_ignores_case_and_accents():
    key = title_key("FürElise: Capturing Hand Motions")

    assert key == title_key("furelise capturing   hand motions")
    assert is_title_key(key)
    assert not is_title_key("2406.18820")
    assert normalize_title("FürElise: Capturing") == "furelise capturing"


def test_resolve_key_forms():
    assert resolve_key("https://arxiv.org/abs/2406.18820v2") == "2406.18820"
    assert resolve_key("math.GT/0309136") == "math/0309136"
    assert resolve_key(" title:0123456789abcdef ") == "title:0123456789abcdef"
