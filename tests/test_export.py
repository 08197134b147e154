"""Exports: BibTeX round-trips through bibtexparser, CSV/JSON/CSL-JSON parse back."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware

from reader.export import (
    CSV_COLUMNS,
    bibtex_entry,
    citation_key,
    citation_keys,
    csl_item,
    csl_name,
    export,
    export_bibtex,
    export_csl_json,
    export_csv,
    export_json,
    export_markdown,
    format_for_path,
    latex_escape,
    paper_json,
)
from reader.models import Paper, PaperState

DATA = Path(__file__).parent / "data"

ATTENTION = Paper(
    key="1706.03762",
    version=7,
    title="Attention Is All You Need",
    authors=["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"],
    abstract="The dominant sequence transduction models are based on recurrent networks.",
    published="2017-06-12",
    listed="2017-06-13",
    categories=["cs.CL", "cs.LG"],
    keywords=["transformer"],
    upvotes=42,
    organization="Google",
    github="https://github.com/tensorflow/tensor2tensor",
    sources=["arxiv-api"],
)
SPECIAL = Paper(
    key="2406.18820",
    version=2,
    title="Q&A at 100% for $5: #1 snake_case {sets} ~tilde^ back \\ slash",
    authors=["Paul Erdős", "Juan de la Cruz", "Research and Development Team"],
    published="2024-06-26",
    categories=["cs.CL"],
)
LATEX = Paper(
    key="2406.18821",
    title="Bounds of $O(n^2)$ for \\emph{fast} Q\\&A",
    authors=["Paul Erdős"],
    published="2024-06-27",
    categories=["math.CO"],
)
NO_ARXIV = Paper(
    key="title:0123456789abcdef",
    title="The Art of Computer Programming",
    authors=["Knuth, Donald E."],
    published="1968-01-01",
    journal_ref="Addison-Wesley",
    doi="10.5555/260999",
)
OLD_STYLE = Paper(
    key="hep-th/9901001",
    version=1,
    title="Strings & Branes",
    authors=["Søren Ørsted Jr."],
    published="1999-01-04",
    categories=["hep-th"],
)
STATES = {
    "1706.03762": PaperState(read=True, starred=True, note="Read section 3.\n\n- multi-head", tags=["nlp", "classic"]),
    "title:0123456789abcdef": PaperState(note="=SUM(A1:A9)"),
}


def parse_bibtex(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return library


# -- BibTeX -------------------------------------------------------------------


def test_bibtex_entry_arxiv_layout() -> None:
    assert bibtex_entry(ATTENTION) == (
        "@misc{vaswani2017attention,\n"
        "      title={Attention Is All You Need},\n"
        "      author={Ashish Vaswani and Noam Shazeer and Niki Parmar},\n"
        "      year={2017},\n"
        "      eprint={1706.03762},\n"
        "      archivePrefix={arXiv},\n"
        "      primaryClass={cs.CL},\n"
        "      url={https://arxiv.org/abs/1706.03762},\n"
        "}\n"
    )


def test_bibtex_entry_given_key() -> None:
    assert bibtex_entry(ATTENTION, key="mine").startswith("@misc{mine,\n")


def test_citation_key_folds_and_skips() -> None:
    assert citation_key(SPECIAL) == "erdos2024qa"
    assert citation_key(NO_ARXIV) == "knuth1968art"
    assert citation_key(OLD_STYLE) == "orsted1999strings"
    assert citation_key(Paper(key="2401.00001", title="东京", authors=["王小明"])) == "anon"


def test_citation_keys_unique_with_suffixes() -> None:
    twins = [Paper(key=f"2401.0000{i}", title="Deep Nets", authors=["A Smith"], published="2024-01-01") for i in range(4)]
    assert citation_keys(twins) == ["smith2024deep", "smith2024deepa", "smith2024deepb", "smith2024deepc"]
    assert citation_keys(list(reversed(twins))) == ["smith2024deep", "smith2024deepa", "smith2024deepb", "smith2024deepc"]


def test_latex_escape_special_characters() -> None:
    assert latex_escape("a & b % c $ d # e _ f { g } h ~ i ^ j \\ k") == (
        r"a \& b \% c \$ d \# e \_ f \{ g \} h \textasciitilde{} i \textasciicircum{} j \textbackslash{} k"
    )


def test_latex_escape_keeps_existing_latex() -> None:
    assert latex_escape("Bounds of $O(n^2)$ for \\emph{fast} Q\\&A") == "Bounds of $O(n^2)$ for \\emph{fast} Q\\&A"
    assert latex_escape("costs $5 and $6") == "costs $5 and $6"
    assert latex_escape("costs $5") == "costs \\$5"
    assert latex_escape("\\textbf{unclosed") == "\\textbf\\{unclosed"


def test_bibtex_escapes_and_braces_team_names() -> None:
    entry = bibtex_entry(SPECIAL)
    assert (
        "title={Q\\&A at 100\\% for \\$5: \\#1 snake\\_case \\{sets\\} "
        "\\textasciitilde{}tilde\\textasciicircum{} back \\textbackslash{} slash},"
    ) in entry
    assert "author={Paul Erdős and Juan de la Cruz and {Research and Development Team}}," in entry


def test_bibtex_round_trip_titles_and_eprints() -> None:
    papers = [ATTENTION, SPECIAL, LATEX, NO_ARXIV, OLD_STYLE]
    library = parse_bibtex(export_bibtex(papers))
    entries = library.entries
    assert [entry.key for entry in entries] == [
        "vaswani2017attention",
        "erdos2024qa",
        "erdos2024bounds",
        "knuth1968art",
        "orsted1999strings",
    ]
    assert entries[0]["title"] == ATTENTION.title
    # pylatexenc renders \textasciicircum{} as a spacing circumflex and drops \textbackslash{}'s
    # spaces; every other special character decodes to itself.
    assert entries[1]["title"].startswith("Q&A at 100% for $5: #1 snake_case {sets} ~tilde")
    assert entries[3]["title"] == NO_ARXIV.title
    assert entries[4]["title"] == "Strings & Branes"
    assert entries[0]["eprint"] == "1706.03762"
    assert entries[1]["eprint"] == "2406.18820"
    assert entries[4]["eprint"] == "hep-th/9901001"
    assert entries[4]["primaryClass"] == "hep-th"
    assert "eprint" not in entries[3].fields_dict
    assert entries[3]["doi"] == "10.5555/260999"
    assert entries[3]["url"] == "https://doi.org/10.5555/260999"
    assert entries[3]["note"] == "Addison-Wesley"


def test_bibtex_raw_values_parse_back_unchanged() -> None:
    raw = bibtexparser.parse_string(export_bibtex([SPECIAL, LATEX]))
    assert raw.entries[1]["title"] == "Bounds of $O(n^2)$ for \\emph{fast} Q\\&A"
    assert raw.entries[0]["author"].endswith("{Research and Development Team}")


def test_bibtex_empty_export() -> None:
    assert export_bibtex([]) == ""
    assert parse_bibtex(export_bibtex([])).entries == []


def test_bibtex_samples_round_trip() -> None:
    from reader.sources import load_file

    papers = []
    for name in (
        "hf-daily/sotawhat_hf_daily_papers_2026-06-12_raw.json",
        "arxiv-api/arxivpy_2016_oldformat_search_au_del_maestro.xml",
        "bibtex/rebiber_example_input.bib",
    ):
        path = DATA / name
        if not path.exists():
            pytest.skip(f"sample {name} is not in tests/data yet")
        papers.extend(load_file(path))
    assert len(papers) > 200
    text = export_bibtex(papers)
    entries = parse_bibtex(text).entries
    assert len(entries) == len(papers)
    keys = [entry.key for entry in entries]
    assert len(set(keys)) == len(keys)
    raw_entries = bibtexparser.parse_string(text).entries
    for paper, entry, raw in zip(papers, entries, raw_entries):
        if paper.arxiv_id:
            assert entry["eprint"] == paper.arxiv_id
        assert raw["title"] == latex_escape(" ".join(paper.title.split()))
        if "\\" not in paper.title and "^" not in paper.title and "$" not in paper.title:
            assert " ".join(entry["title"].split()) == " ".join(paper.title.split())


# -- Markdown -----------------------------------------------------------------


def test_markdown_reading_notes() -> None:
    hostile = Paper(key="2401.00009", title="[Re] *Bold* claims_under test", authors=["A B"])
    text = export_markdown([ATTENTION, hostile], STATES)
    assert text.startswith("# Reading notes\n\n## [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n")
    assert "Ashish Vaswani, Noam Shazeer, Niki Parmar · arXiv:1706.03762v7 · 2017-06-12 · starred" in text
    assert "Tags: `nlp`, `classic`" in text
    assert "[PDF](https://arxiv.org/pdf/1706.03762) · [Hugging Face](https://huggingface.co/papers/1706.03762)" in text
    assert "Read section 3.\n\n- multi-head" in text
    assert "## [\\[Re\\] \\*Bold\\* claims\\_under test](https://arxiv.org/abs/2401.00009)" in text


def test_markdown_empty() -> None:
    assert export_markdown([], {}) == "# Reading notes\n\nNo papers.\n"


# -- CSV ----------------------------------------------------------------------


def test_csv_parses_back() -> None:
    text = export_csv([ATTENTION, NO_ARXIV, SPECIAL], STATES)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert rows[0] == {
        "id": "1706.03762",
        "version": "7",
        "title": "Attention Is All You Need",
        "authors": "Ashish Vaswani; Noam Shazeer; Niki Parmar",
        "published": "2017-06-12",
        "listed": "2017-06-13",
        "categories": "cs.CL; cs.LG",
        "upvotes": "42",
        "starred": "true",
        "read": "true",
        "tags": "nlp; classic",
        "note": "Read section 3.\n\n- multi-head",
        "url": "https://arxiv.org/abs/1706.03762",
    }
    assert rows[1]["version"] == ""
    assert rows[1]["note"] == "'=SUM(A1:A9)"
    assert rows[1]["starred"] == "false"
    assert rows[2]["title"] == SPECIAL.title


def test_csv_empty_has_header() -> None:
    assert export_csv([], {}) == ",".join(CSV_COLUMNS) + "\n"


# -- JSON ---------------------------------------------------------------------


def test_json_parses_back() -> None:
    records = json.loads(export_json([ATTENTION, NO_ARXIV], STATES))
    assert len(records) == 2
    first = records[0]
    assert list(first) == [
        "id", "version", "title", "authors", "author_count", "abstract", "published", "listed",
        "categories", "keywords", "upvotes", "organization", "github", "links", "sources",
        "read", "starred", "note", "tags",
    ]
    assert first["id"] == "1706.03762"
    assert first["author_count"] == 3
    assert first["links"] == {
        "abs": "https://arxiv.org/abs/1706.03762",
        "pdf": "https://arxiv.org/pdf/1706.03762",
        "hf": "https://huggingface.co/papers/1706.03762",
    }
    assert first["tags"] == ["nlp", "classic"]
    assert first["starred"] is True
    assert records[1]["links"]["pdf"] is None
    assert records[1]["read"] is False
    assert json.loads(export_json([], {})) == []


def test_paper_json_without_state() -> None:
    record = paper_json(OLD_STYLE, None)
    assert record["note"] == ""
    assert record["links"]["hf"] is None
    assert record["authors"] == ["Søren Ørsted Jr."]


# -- CSL-JSON -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ashish Vaswani", {"family": "Vaswani", "given": "Ashish"}),
        ("Juan de la Cruz", {"family": "de la Cruz", "given": "Juan"}),
        ("Ludwig van Beethoven", {"family": "van Beethoven", "given": "Ludwig"}),
        ("Knuth, Donald E.", {"family": "Knuth", "given": "Donald E."}),
        ("Søren Ørsted Jr.", {"family": "Ørsted", "given": "Søren", "suffix": "Jr."}),
        ("Mary Ann  Smith", {"family": "Smith", "given": "Mary Ann"}),
        ("Plato", {"literal": "Plato"}),
        ("王小明", {"literal": "王小明"}),
    ],
)
def test_csl_name_split(name: str, parts: dict[str, str]) -> None:
    assert csl_name(name) == parts


def test_csl_item_arxiv() -> None:
    item = csl_item(ATTENTION)
    assert item == {
        "id": "1706.03762",
        "type": "article",
        "title": "Attention Is All You Need",
        "author": [
            {"family": "Vaswani", "given": "Ashish"},
            {"family": "Shazeer", "given": "Noam"},
            {"family": "Parmar", "given": "Niki"},
        ],
        "issued": {"date-parts": [[2017, 6, 12]]},
        "URL": "https://arxiv.org/abs/1706.03762",
        "abstract": ATTENTION.abstract,
        "number": "1706.03762",
        "publisher": "arXiv",
        "container-title": "arXiv",
        "keyword": "transformer",
    }


def test_csl_json_parses_back() -> None:
    items = json.loads(export_csl_json([ATTENTION, NO_ARXIV]))
    assert [item["id"] for item in items] == ["1706.03762", "title:0123456789abcdef"]
    assert items[1]["DOI"] == "10.5555/260999"
    assert items[1]["URL"] == "https://doi.org/10.5555/260999"
    assert "publisher" not in items[1]
    assert json.loads(export_csl_json([])) == []


# -- dispatch -----------------------------------------------------------------


def test_format_for_path() -> None:
    assert format_for_path("refs.bib") == "bibtex"
    assert format_for_path("notes.MD") == "markdown"
    assert format_for_path("zotero.csl.json") == "csl-json"
    assert format_for_path("papers.json") == "json"
    assert format_for_path("papers.csv") == "csv"
    assert format_for_path("papers.txt") is None


def test_export_dispatch() -> None:
    assert export([ATTENTION], STATES, "csv") == export_csv([ATTENTION], STATES)
    with pytest.raises(ValueError, match="unknown export format 'ris'"):
        export([ATTENTION], STATES, "ris")


# -- papers export --------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    from reader.paths import Paths
    from reader.store import Library

    root = tmp_path / "home"
    library = Library(Paths(data_dir=root / "data", config_dir=root / "config"))
    library.open()
    library.import_papers([Paper.from_record(p.to_record()) for p in (ATTENTION, SPECIAL, NO_ARXIV)])
    library.set_starred("1706.03762", True)
    library.set_note("title:0123456789abcdef", "Volume 1 first.")
    library.close()
    return root


def run_cli(home: Path, *args: str):
    from click.testing import CliRunner

    from reader.cli import main

    return CliRunner().invoke(main, list(args), env={"PAPERS_READER_HOME": str(home)}, catch_exceptions=False)


def test_cli_export_query_to_stdout(home: Path) -> None:
    result = run_cli(home, "export", "is:starred")
    assert result.exit_code == 0
    assert result.stdout == bibtex_entry(ATTENTION)
    assert result.stderr == "Exported 1 paper as bibtex\n"


def test_cli_export_file_format_from_suffix(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csl.json"
    result = run_cli(home, "export", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"Exported 3 papers as csl-json to {target}\n"
    items = json.loads(target.read_text(encoding="utf-8"))
    # Newest first, as `papers list` orders them.
    assert [item["id"] for item in items] == ["2406.18820", "1706.03762", "title:0123456789abcdef"]


def test_cli_export_markdown_uses_states(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    result = run_cli(home, "export", "-f", "markdown", "-o", str(target), "is:annotated")
    assert result.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "## [The Art of Computer Programming]" in text
    assert "Volume 1 first." in text


def test_cli_export_no_match_writes_empty_file(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "none.json"
    result = run_cli(home, "export", "-o", str(target), "zebrafish")
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == []
    assert result.stderr == f"0 papers matched; wrote an empty json export to {target}\n"


def test_cli_export_negated_query_after_dashes(home: Path) -> None:
    result = run_cli(home, "export", "-f", "csv", "--", "-is:starred", "-author:knuth")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == ["2406.18820"]


def test_cli_export_bad_query_exits_1(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "never.bib"
    result = run_cli(home, "export", "-o", str(target), "upvotes:>abc")
    assert result.exit_code == 1
    assert "upvotes:>abc: expected a number, e.g. upvotes:>50" in result.stderr
    assert not target.exists()
