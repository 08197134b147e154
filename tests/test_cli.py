"""The library commands end to end: import, list, mark, note, locate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import main

DATA = Path(__file__).parent / "data"
ERROR_FEEDS = {"arxivpy_error_400_id_abc.body.xml", "arxivpy_error_400_id_abc.golden.json"}


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERS_READER_HOME", str(tmp_path / "home"))
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def imported(run) -> dict[str, dict]:
    result = run("list", "--json")
    assert result.exit_code == 0
    return {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}


def test_import_every_sample_reports_each_file(run):
    files = sorted(str(path) for path in DATA.glob("*/*"))
    result = run("import", *files)

    assert result.exit_code == 1
    for path in files:
        name = Path(path).name
        if name in ERROR_FEEDS:
            assert f"{path}: error: The arXiv API rejected the request" in result.stderr
            assert "incorrect id format for abc" in result.stderr
        else:
            assert f"{path}: " in result.stdout
    assert "papers: 2 of 24 files could not be imported in full" in result.stderr
    assert f"{DATA / 'hf-page' / 'hf_papers_page_copy.txt'}: 36 papers: 36 added" in result.stdout


def test_list_json_fields(run):
    run("import", str(DATA / "hf-daily" / "hfnewsletter_cn_daily_papers_2024-08-01.json"))
    rows = imported(run)

    llama = rows["2407.21783"]
    assert llama["title"] == "The Llama 3 Herd of Models"
    assert llama["author_count"] == 533
    assert len(llama["authors"]) == 533
    assert llama["listed"] == "2024-08-01"
    assert llama["links"] == {
        "abs": "https://arxiv.org/abs/2407.21783",
        "pdf": "https://arxiv.org/pdf/2407.21783",
        "hf": "https://huggingface.co/papers/2407.21783",
    }
    assert llama["sources"] == ["hf-daily"]
    assert (llama["read"], llama["starred"], llama["note"], llama["tags"]) == (False, False, "", [])
    for field in ("version", "abstract", "published", "categories", "keywords", "upvotes", "organization", "github"):
        assert field in llama


def test_list_query_and_limit(run):
    run("import", str(DATA / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"))
    assert len(run("list", "--limit", "3").stdout.splitlines()) == 3
    result = run("list", "title:diffusion", "--json")
    titles = [json.loads(line)["title"] for line in result.stdout.splitlines()]
    assert titles
    assert all("diffusion" in title.lower() for title in titles)


def test_malformed_query_exits_1(run):
    run("import", str(DATA / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"))
    result = run("list", "upvotes:>abc")
    assert result.exit_code == 1
    assert "upvotes:>abc: expected a number" in result.stderr


@pytest.mark.parametrize(
    "paper_id",
    ["2606.13681", "2606.13681v1", "arXiv:2606.13681", "https://arxiv.org/abs/2606.13681v2",
     "http://arxiv.org/pdf/2606.13681", "https://huggingface.co/papers/2606.13681"],
)
def test_mark_accepts_every_id_form(run, paper_id):
    run("import", str(DATA / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"))
    result = run("mark", paper_id, "--star", "--read", "--tag", "agents", "--tag", "to-read")
    assert result.exit_code == 0
    assert result.stdout == "2606.13681: starred, read, tags: agents, to-read\n"
    row = imported(run)["2606.13681"]
    assert (row["starred"], row["read"], row["tags"]) == (True, True, ["agents", "to-read"])


def test_mark_unstar_untag_unread(run):
    run("import", str(DATA / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"))
    run("mark", "2606.13681", "--star", "--read", "--tag", "agents")
    result = run("mark", "2606.13681", "--unstar", "--unread", "--untag", "agents")
    assert result.stdout == "2606.13681: not starred, unread, tags: -\n"


def test_mark_unknown_id_fails(run):
    run("import", str(DATA / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"))
    result = run("mark", "2401.99999", "--star")
    assert result.exit_code == 1
    assert "No paper with id '2401.99999' in the library" in result.stderr


def test_old_style_ids(run):
    run("import", str(DATA / "arxiv-api" / "arxivpy_astro-ph_0601001_affiliations.body.xml"))
    result = run("mark", "astro-ph/0601001v1", "--star")
    assert result.stdout.startswith("astro-ph/0601001: starred")
    row = imported(run)["astro-ph/0601001"]
    assert row["links"]["abs"] == "https://arxiv.org/abs/astro-ph/0601001"
    assert row["links"]["hf"] is None


def test_note_text_and_file(run, tmp_path):
    run("import", str(DATA / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"))
    assert run("note", "2606.13681", "--text", "量子 naïve café 😀").exit_code == 0
    assert imported(run)["2606.13681"]["note"] == "量子 naïve café 😀"

    note = tmp_path / "note.md"
    note.write_text("line one\nline two\n", encoding="utf-8")
    assert run("note", "arXiv:2606.13681", "--file", str(note)).exit_code == 0
    assert imported(run)["2606.13681"]["note"] == "line one\nline two\n"

    assert run("note", "2606.13681", "--text", "").exit_code == 0
    assert imported(run)["2606.13681"]["note"] == ""


def test_note_needs_one_source(run):
    result = run("note", "2606.13681")
    assert result.exit_code == 2
    assert "Give exactly one of --text or --file." in result.stderr


def test_broken_bibtex_entry_named(run, tmp_path):
    bib = tmp_path / "broken.bib"
    bib.write_text(
        "@article{good1,\n  title = {A fine paper},\n  author = {Ann Lee},\n  year = 2024,\n}\n\n"
        "@article{x, title = {oops\n\n"
        "@misc{good2,\n  title={Second fine paper},\n  eprint={2406.18820},\n  archivePrefix={arXiv},\n}\n",
        encoding="utf-8",
    )
    result = run("import", str(bib))
    assert result.exit_code == 1
    assert f"{bib}: 2 papers: 2 added" in result.stdout
    assert f"{bib}: error: skipped the entry at line 7: '@article{{x, title = {{oops'" in result.stderr
    assert set(imported(run)) >= {"2406.18820"}


def test_only_broken_bibtex_is_an_error(run, tmp_path):
    bib = tmp_path / "only_broken.bib"
    bib.write_text("@article{x, title = {oops\n", encoding="utf-8")
    result = run("import", str(bib))
    assert result.exit_code == 1
    assert f"{bib} has no readable BibTeX entry" in result.stderr


def test_locate_prints_home_paths(run, tmp_path):
    result = run("locate")
    home = tmp_path / "home"
    assert f"data:   {home / 'data'}" in result.stdout
    assert f"config: {home / 'config' / 'config.toml'}" in result.stdout
    assert f"log:    {home / 'data' / 'papers-reader.log'}" in result.stdout


def test_cli_never_adds_the_sample(run):
    result = run("list", "--json")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_invalid_config_named(run, tmp_path):
    config = tmp_path / "home" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[reader\n", encoding="utf-8")
    result = run("fetch", "--offline")
    assert result.exit_code == 1
    assert f"Invalid config file {config}: Expected ']'" in result.stderr
