import codecs
import os

import pytest

from reader.errors import FormatError, ReaderError
from reader.sources import FORMATS, bundled_sample_files, load_file, parse_bytes, sniff

EXPECTED_FORMAT = {
    "hf-daily": "hf-daily",
    "hf-paper": "hf-paper",
    "arxiv-api": "arxiv-atom",
    "arxiv-rss": "arxiv-rss",
    "bibtex": "bibtex",
    "hf-page": "hf-page",
}


def _sample_files(samples_dir):
    return sorted(path for path in samples_dir.glob("*/*") if path.parent.name in EXPECTED_FORMAT)


def test_sniff_every_sample(samples_dir):
    files = _sample_files(samples_dir)

    assert len(files) == 24
    for path in files:
        assert sniff(path.read_bytes()) == EXPECTED_FORMAT[path.parent.name], path.name


def test_formats_names():
    assert FORMATS == ("hf-daily", "hf-paper", "arxiv-atom", "arxiv-rss", "bibtex", "hf-page")


def test_sniff_ignores_file_name(samples_dir, tmp_path):
    source = samples_dir / "bibtex" / "efficient_llms_survey_CITATION_arxiv_export.bib"
    renamed = tmp_path / "papers.json"
    renamed.write_bytes(source.read_bytes())

    assert load_file(renamed)[0].key == "2312.03863"


def test_bom_and_utf16_decoded(samples_dir):
    text = (samples_dir / "hf-paper" / "fastpaper_cli_hf_paper_2608.09888.json").read_text("utf-8")

    with_bom = parse_bytes(codecs.BOM_UTF8 + text.encode("utf-8"), "bom.json")
    utf16 = parse_bytes(text.encode("utf-16"), "utf16.json")

    assert with_bom[0].authors[0] == "Björn Engdahl"
    assert utf16[0].authors[0] == "Björn Engdahl"


def test_latin1_bibtex_decoded():
    data = "@misc{k, title={Caf\u00e9 Models}, author={M\u00fcller, Jan}}".encode("latin-1")

    papers = parse_bytes(data, "latin1.bib")

    assert papers[0].title == "Café Models"
    assert papers[0].authors == ["Jan Müller"]


EXPECTED_MESSAGE = "expected HF Daily Papers JSON, an HF paper JSON, arXiv Atom or RSS, BibTeX"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3", "is a PDF document"),
        (b"\x00\x01\x02binary\x00", "is binary data"),
        (b"", "is empty"),
        (b"  \n\t ", "is empty"),
        (b'{"name": "not papers", "items": [1, 2]}', "is not a papers file"),
        (b"just some notes\nwith no papers in them\n", "is not a papers file"),
        (b"<html><body>hi</body></html>", "is not a papers file"),
    ],
)
def test_unknown_input_errors(data, fragment):
    with pytest.raises(FormatError) as caught:
        parse_bytes(data, "input.dat")

    assert "input.dat" in caught.value.message
    assert fragment in caught.value.message
    if fragment != "is a PNG image":
        assert sniff(data) is None


def test_unknown_format_lists_formats():
    with pytest.raises(FormatError) as caught:
        parse_bytes(b'{"name": "x"}', "https://example.org/x.json")

    assert caught.value.message == (
        "https://example.org/x.json is not a papers file: " + EXPECTED_MESSAGE
        + ", or text copied from huggingface.co/papers."
    )


def test_truncated_json_error(samples_dir):
    data = (samples_dir / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json").read_bytes()

    with pytest.raises(FormatError) as caught:
        parse_bytes(data[: len(data) // 2], "daily.json")

    assert caught.value.message.startswith("daily.json is not valid JSON (line 1, column")
    assert "truncated" in caught.value.message


def test_malformed_xml_error(samples_dir):
    data = (samples_dir / "arxiv-api" / "sotawhat_arxiv_transformer_newformat_2026.xml").read_bytes()

    with pytest.raises(FormatError) as caught:
        parse_bytes(data[:3000], "feed.xml")

    assert caught.value.message.startswith("feed.xml is not valid XML (line ")


def test_xml_entity_declaration_rejected():
    data = (
        b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaa">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&a;</title></feed>'
    )

    with pytest.raises(FormatError) as caught:
        parse_bytes(data, "bomb.xml")

    assert "DOCTYPE or ENTITY" in caught.value.message


def test_json_list_without_papers_error():
    with pytest.raises(FormatError) as caught:
        parse_bytes(b'[{"paper": {"id": "2406.18820", "title": "A"}}, {"other": 1}]', "mixed.json")

    assert "item 1 has no paper object" in caught.value.message


def test_hostile_title_stays_literal():
    data = (
        b'{"id": "2406.18820", "title": "[bold]x[/bold] \\u001b[31mred\\u001b[0m \\u001b]0;pwn\\u0007",'
        b' "summary": "Body \\u009b2J text", "authors": [{"name": "Eve\\u001b[5m"}]}'
    )

    paper = parse_bytes(data, "hostile.json")[0]

    assert paper.title == "[bold]x[/bold] red"
    assert paper.abstract == "Body text"
    assert paper.authors == ["Eve"]


def test_rss_author_list_with_and():
    data = (
        b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        b"<pubDate>Thu, 24 Sep 2026 00:00:00 -0400</pubDate><item>"
        b"<title>T</title><guid>oai:arXiv.org:2609.00001v2</guid>"
        b"<description>arXiv:2609.00001v2 Announce Type: replace-cross \nAbstract: This paper has"
        b" been withdrawn by the authors.</description>"
        b"<dc:creator>Ann Lee, Bo Chen, Jr., and Cy Dal</dc:creator></item></channel></rss>"
    )

    paper = parse_bytes(data, "feed.xml")[0]

    assert paper.authors == ["Ann Lee", "Bo Chen, Jr.", "Cy Dal"]
    assert paper.announce_type == "replace-cross"
    assert paper.withdrawn is True
    assert paper.listed == "2026-09-24"


def test_load_file_missing(tmp_path):
    with pytest.raises(ReaderError) as caught:
        load_file(tmp_path / "nope.json")

    assert str(tmp_path / "nope.json") in caught.value.message
    assert "not found" in caught.value.message


def test_load_file_directory(tmp_path):
    with pytest.raises(ReaderError) as caught:
        load_file(tmp_path)

    assert "is a directory" in caught.value.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without permission")
def test_load_file_permission(tmp_path):
    path = tmp_path / "secret.bib"
    path.write_text("@misc{k, title={T}}")
    path.chmod(0)

    with pytest.raises(ReaderError) as caught:
        load_file(path)

    assert "permission denied" in caught.value.message


def test_bundled_samples_import():
    files = bundled_sample_files()
    names = [path.name for path in files]

    assert names == [
        "brevio_arxiv_api_cat_cs.LG_OR_cs.AI_2026-04-30.xml",
        "hf_papers_page_copy.txt",
        "laya_reader_rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml",
        "sotawhat_hf_daily_papers_2026-06-12_raw.json",
    ]
    assert [len(load_file(path)) for path in files] == [20, 36, 4, 30]
