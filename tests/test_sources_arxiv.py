import pytest

from reader.sources import ArxivApiError, load_file


def _by_key(papers):
    return {paper.key: paper for paper in papers}


def test_atom_new_format(samples_dir):
    papers = load_file(samples_dir / "arxiv-api" / "sotawhat_arxiv_transformer_newformat_2026.xml")
    last = papers[-1]

    assert [paper.key for paper in papers] == [
        "2606.13677",
        "2606.13591",
        "2606.13568",
        "2606.13515",
        "2606.13501",
    ]
    assert papers[0].version == 1
    assert papers[0].categories == ["cs.RO", "cs.AI", "cs.CV", "cs.LG"]
    assert papers[0].published == "2026-06-11"
    assert "\n\n" in last.abstract
    assert all(paper.sources == ["arxiv-atom"] for paper in papers)


def test_atom_latex_title_and_summaries(samples_dir):
    papers = load_file(
        samples_dir / "arxiv-api" / "brevio_arxiv_api_cat_cs.LG_OR_cs.AI_2026-04-30.xml"
    )
    by_key = _by_key(papers)
    squint = by_key["2604.26926"]
    revenue = by_key["2604.26922"]

    assert len(papers) == 20
    assert squint.title == "A Note on How to Remove the ln ln T Term from the Squint Bound"
    assert squint.title_raw == "A Note on How to Remove the $\\ln\\ln T$ Term from the Squint Bound"
    assert squint.categories[0] == "cs.LG"
    assert "Orabona and Pál [2016]" in squint.abstract
    assert "samples n → ∞. However" in revenue.abstract
    assert "roughly 1/√n. Finally" in revenue.abstract
    assert revenue.abstract.count("\n\n") == 1
    assert revenue.comment == "To appear in the 58th ACM Symposium on Theory of Computing (STOC 2026)"
    assert by_key["2604.26888"].doi == "10.1007/978-3-031-85252-7_10"
    assert by_key["2604.26888"].journal_ref.startswith("In: Bäck, T. et al. (eds.)")
    assert by_key["2604.26851"].doi == "10.1145/3805689.3806498"
    assert by_key["2604.26951"].categories[:2] == ["cs.CL", "cs.AI"]
    assert by_key["2604.26951"].comment is not None
    assert "$" not in by_key["2604.26841"].abstract


def test_atom_2016_format(samples_dir):
    papers = load_file(samples_dir / "arxiv-api" / "arxivpy_2016_oldformat_search_au_del_maestro.xml")
    by_key = _by_key(papers)
    melting = by_key["cond-mat/0412498"]
    first = papers[0]

    assert len(papers) == 10
    assert first.key == "1201.4869"
    assert first.title == "A Luttinger Liquid Core Inside Helium-4 Filled Nanopores"
    assert first.doi == "10.1142/S021797921244002X"
    assert first.journal_ref == "Int. J. Mod. Phys. B, 26, 1244002 (2012)"
    assert first.categories == ["cond-mat.mes-hall", "cond-mat.other"]
    assert first.abstract.startswith("As helium-4 is cooled below 2.17 K it undergoes")
    assert "\n" not in first.abstract
    assert melting.authors == ["Adrian Del Maestro", "Subir Sachdev"]
    assert melting.version == 1
    assert '(p >= 3, integer)' in melting.abstract
    assert by_key["1303.6954"].version == 2
    assert by_key["cond-mat/0607501"].version == 2
    assert all("\n" not in paper.title for paper in papers)


@pytest.mark.parametrize(
    "name",
    ["arxivpy_astro-ph_0601001_affiliations.body.xml", "arxivpy_astro-ph_0601001_affiliations.golden.json"],
)
def test_atom_old_style_id(samples_dir, name):
    papers = load_file(samples_dir / "arxiv-api" / name)
    paper = papers[0]

    assert len(papers) == 1
    assert paper.key == "astro-ph/0601001"
    assert paper.version == 1
    assert paper.categories == ["astro-ph"]
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"
    assert paper.authors == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert "following Gould & Morgan (2003)" in paper.abstract
    assert "limit of V_max<17.5." in paper.abstract
    assert "with 3–5 day periods" in paper.abstract
    assert paper.abstract.startswith("We derive")


@pytest.mark.parametrize(
    "name", ["arxivpy_error_400_id_abc.body.xml", "arxivpy_error_400_id_abc.golden.json"]
)
def test_atom_error_feed_raises(samples_dir, name):
    with pytest.raises(ArxivApiError) as caught:
        load_file(samples_dir / "arxiv-api" / name)

    assert "incorrect id format for abc" in caught.value.message
    assert name in caught.value.message
    assert caught.value.title == "arXiv API error"


@pytest.mark.parametrize(
    "name", ["arxivpy_empty_id_0000.0000.body.xml", "arxivpy_empty_id_0000.0000.golden.json"]
)
def test_atom_empty_feed(samples_dir, name):
    assert load_file(samples_dir / "arxiv-api" / name) == []


def test_rss_multi_category_feed(samples_dir):
    papers = load_file(
        samples_dir / "arxiv-rss" / "laya_reader_rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml"
    )
    drift, signal, outlier, polytope = papers

    assert len(papers) == 4
    assert (drift.key, drift.version, drift.announce_type) == ("2609.26811", 1, "new")
    assert drift.title == "The Drift Contract: Spectral Updates for Depth-Robust Local Learning"
    assert drift.authors == ["Fabien Polly"]
    assert drift.abstract.startswith("Local learning trains each layer")
    assert "Announce Type" not in drift.abstract
    assert drift.listed == "2026-09-24"
    assert signal.authors == ["Naser Mansour", "Sidahmed Benabderrahmane", "Ameer Rahwan"]
    assert signal.categories == ["cs.LG", "cs.AI"]
    assert (outlier.key, outlier.version, outlier.announce_type) == ("2205.06398", 2, "cross")
    assert outlier.doi == "10.1093/bioinformatics/btac431"
    assert outlier.categories == ["stat.ME", "stat.AP", "stat.ML"]
    assert outlier.authors == ["Pritam Dey", "Zhengwu Zhang", "David B. Dunson"]
    assert (polytope.key, polytope.version, polytope.announce_type) == ("2009.13987", 3, "replace")
    assert all(paper.sources == ["arxiv-rss"] for paper in papers)


def test_rss_reserialized_feed(samples_dir):
    papers = load_file(samples_dir / "arxiv-rss" / "distill_rss_cs.LG_2026-04-27_excerpt.xml")
    first = papers[0]

    assert [paper.key for paper in papers] == ["2604.21952", "2604.21953", "2604.21956"]
    assert first.categories == ["cs.LG", "cs.AI", "cs.AR", "cs.NE", "cs.RO"]
    assert len(first.authors) == 6
    assert first.authors[-1] == "Minghao Shao"
    assert "visual resolution & stride" in first.abstract
    assert "costs over $800 per sample" in papers[1].abstract
    assert first.listed == "2026-04-27"


def test_rss_weekend_feed_empty(samples_dir):
    assert load_file(samples_dir / "arxiv-rss" / "allnewsai_rss_cs.CL_2026-08-01_weekend_empty.xml") == []
