from reader.sources import load_file
from reader.ids import title_key


def _by_key(papers):
    return {paper.key: paper for paper in papers}


def test_hf_daily_newest_schema(samples_dir):
    papers = load_file(samples_dir / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json")
    by_key = _by_key(papers)
    first = papers[0]

    assert len(papers) == 30
    assert {paper.listed for paper in papers} == {"2026-06-12"}
    assert first.key == "2606.00467"
    assert first.published == "2026-05-30"
    assert first.upvotes == 0
    assert first.organization == "California institute of technology"
    assert first.authors == ["Etienne Casanova", "Rafal Kocielnik", "R. Michael Alvarez"]
    assert first.keywords[:2] == ["zero-shot annotation", "LLM-as-a-judge"]
    assert first.sources == ["hf-daily"]
    assert "Boglárka Ecsedi" in by_key["2606.11409"].authors
    assert "Niccolò Biondi" in by_key["2606.12488"].authors
    assert "Raphaël Baena" in by_key["2606.09446"].authors
    assert "Dengyang Jiang" in by_key["2606.12575"].authors
    assert "<swi>" in by_key["2606.13106"].abstract


def test_hf_daily_oldest_schema(samples_dir):
    papers = load_file(samples_dir / "hf-daily" / "hfnewsletter_cn_daily_papers_2024-05-29.json")
    first = papers[0]

    assert len(papers) == 8
    assert {paper.listed for paper in papers} == {"2024-05-29"}
    assert first.key == "2405.18407"
    assert first.title == "Phased Consistency Model"
    assert first.published == "2024-05-28"
    assert first.upvotes == 18
    assert first.author_count == 12
    assert "\n" not in first.abstract
    assert "\n" in first.abstract_raw


def test_hf_daily_llama3_authors(samples_dir):
    papers = load_file(samples_dir / "hf-daily" / "hfnewsletter_cn_daily_papers_2024-08-01.json")
    llama = _by_key(papers)["2407.21783"]

    assert len(papers) == 11
    assert llama.title == "The Llama 3 Herd of Models"
    assert len(llama.authors) == 533
    assert llama.author_count == 533
    assert llama.authors[0] == "Abhimanyu Dubey"
    assert "Onur Çelebi" in llama.authors
    assert llama.listed == "2024-08-01"
    assert llama.published == "2024-07-31"


def test_hf_daily_unwraps_titles(samples_dir):
    papers = load_file(samples_dir / "hf-daily" / "hfnewsletter_cn_daily_papers_2024-10-10.json")
    first = papers[0]

    assert len(papers) == 46
    assert first.key == "2410.05254"
    assert first.title == (
        "GLEE: A Unified Framework and Benchmark for Language-based Economic Environments"
    )
    assert first.title_raw == (
        "GLEE: A Unified Framework and Benchmark for Language-based Economic\n  Environments"
    )
    assert sum(1 for paper in papers if paper.title_raw) == 26
    assert _by_key(papers)["2410.05791"].title.startswith("FürElise: ")
    assert all("\n" not in paper.title for paper in papers)


def test_hf_daily_hidden_author_name(samples_dir):
    papers = load_file(samples_dir / "hf-daily" / "hfnewsletter_cn_daily_papers_2025-06-13.json")
    by_key = _by_key(papers)

    assert len(papers) == 26
    assert by_key["2506.10890"].authors[4] == "Gonglei Shi"
    assert all("ShiLayne" not in paper.authors for paper in papers)
    assert len(by_key["2506.10910"].authors) == 100
    assert by_key["2506.09513"].listed == "2025-06-13"
    assert by_key["2506.09513"].github == "https://github.com/YuSun-Work/ReasonMed"
    assert "4.17% and" in by_key["2506.09513"].abstract


def test_hf_daily_submitter_organization(samples_dir):
    papers = load_file(samples_dir / "hf-daily" / "hfnewsletter_cn_daily_papers_2025-09-29.json")
    first = papers[0]

    assert len(papers) == 30
    assert first.key == "2509.22622"
    assert first.organization == "NVIDIA"
    assert first.github_stars == 137
    assert first.project_page == "https://nvlabs.github.io/LongLive/"
    assert sum(1 for paper in papers if paper.organization) == 13


def test_hf_paper_single_object(samples_dir):
    papers = load_file(samples_dir / "hf-paper" / "fastpaper_cli_hf_paper_2608.09888.json")
    paper = papers[0]

    assert len(papers) == 1
    assert paper.key == "2608.09888"
    assert paper.title == "BDH-CQ: In-Context Learning with Recurrent Latent Reasoning"
    assert paper.authors[0] == "Björn Engdahl"
    assert "Przemysław Uznański" in paper.authors
    assert paper.organization == "Pathway"
    assert paper.upvotes == 782
    assert paper.github_stars == 11184
    assert paper.listed == "2026-08-11"
    assert paper.published == "2026-08-10"
    assert "inference cost of $0.0007 per task" in paper.abstract
    assert "\\$0.0007" in paper.abstract_raw
    assert paper.sources == ["hf-paper"]


def test_hf_page_copy(samples_dir):
    papers = load_file(samples_dir / "hf-page" / "hf_papers_page_copy.txt")
    first = papers[0]
    by_title = {paper.title: paper for paper in papers}
    theory = by_title[
        "A Theoretical Study on Bridging Internal Probability and Self-Consistency for LLM Reasoning"
    ]
    gensyn = by_title["All is Not Lost: LLM Recovery without Checkpoints"]
    coins = by_title[
        "Fair coins tend to land on the same side they started: Evidence from 350,757 flips"
    ]

    assert len(papers) == 36
    assert first.title == "Replica symmetry breaking in dense neural networks"
    assert first.key == title_key(first.title)
    assert first.author_count == 4
    assert first.published == "2021-11-25"
    assert first.upvotes is None
    assert "replica symmetry breaking (RSB)" in first.abstract
    assert theory.organization == "LAMDA-NeSy NJU-IRP"
    assert theory.upvotes == 7
    assert gensyn.organization == "Gensyn"
    assert gensyn.upvotes == 3
    assert coins.author_count == 50
    assert papers[-1].title == "Regularizing Towards Soft Equivariance Under Mixed Symmetries"
    assert all(paper.sources == ["hf-page"] for paper in papers)
    assert not any(paper.title in ("new", "Subscribe", "Daily Papers") for paper in papers)


def test_large_hf_daily_parsed_from_bytes(samples_dir):
    # Over 1 MB, JSON skips the decode to str; the papers must be the same.
    import codecs

    import orjson

    from reader.sources import parse_bytes

    path = samples_dir / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"
    small = load_file(path)
    items = orjson.loads(path.read_bytes())
    copies = []
    for copy in range(8):
        for item in items:
            clone = orjson.loads(orjson.dumps(item))
            clone["paper"]["id"] = f"{clone['paper']['id'][:-1]}{copy}"
            copies.append(clone)
    data = codecs.BOM_UTF8 + orjson.dumps(copies)
    assert len(data) > 1 << 20

    papers = parse_bytes(data, "big.json")

    assert len(papers) == 240
    by_key = {paper.key: paper for paper in papers}
    original = small[0]
    twin = by_key[original.key[:-1] + "0"]
    assert twin.title == original.title
    assert twin.authors == original.authors
    assert twin.listed == "2026-06-12"


def test_huge_fields_are_cut(tmp_path):
    import orjson

    from reader.sources._common import MAX_ABSTRACT, MAX_AUTHORS, MAX_TITLE

    item = {
        "paper": {
            "id": "2606.00001",
            "title": "x" * 5_000_000,
            "summary": "word " * 100_000,
            "authors": [{"name": f"Author {i}"} for i in range(MAX_AUTHORS + 5)],
            "publishedAt": "2026-06-01T00:00:00.000Z",
        },
        "publishedAt": "2026-06-02T00:00:00.000Z",
    }
    path = tmp_path / "huge.json"
    path.write_bytes(orjson.dumps([item]))

    (paper,) = load_file(path)

    assert len(paper.title) == MAX_TITLE + 1
    assert paper.title.endswith("…")
    assert len(paper.abstract) <= MAX_ABSTRACT + 1
    assert len(paper.authors) == MAX_AUTHORS
    assert paper.author_count == MAX_AUTHORS + 5
