"""Topic assignment on the real sample files."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.models import Paper
from reader.sources import load_file
from reader.topics import OTHER, Taxonomy, assign_topics, fold

DATA = Path(__file__).parent / "data"
HF_FILES = [
    DATA / "hf-page" / "hf_papers_page_copy.txt",
    *sorted((DATA / "hf-daily").glob("*.json")),
]


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def topics_by_title(path: Path, taxonomy: Taxonomy) -> dict[str, tuple[str, ...]]:
    return {paper.title: taxonomy.assign(paper) for paper in load_file(path)}


@pytest.mark.parametrize("path", HF_FILES, ids=lambda path: path.name)
def test_hf_files_rarely_other(path: Path, taxonomy: Taxonomy) -> None:
    papers = load_file(path)
    assert papers
    topics = assign_topics(papers, taxonomy)
    other = [key for key, names in topics.items() if names == (OTHER,)]
    assert len(other) <= len(papers) // 10
    assert all(names for names in topics.values())


def test_page_copy_physics_topics(taxonomy: Taxonomy) -> None:
    topics = topics_by_title(DATA / "hf-page" / "hf_papers_page_copy.txt", taxonomy)
    assert "Quantum Physics" in topics["Teleportation of entanglement over 143 km"]
    assert "Condensed Matter & Statistical Physics" in topics["Replica symmetry breaking in dense neural networks"]
    assert "Chemistry & Materials" in topics["Scalable Diffusion for Materials Generation"]


def test_hf_daily_ai_topics(taxonomy: Taxonomy) -> None:
    topics = topics_by_title(DATA / "hf-daily" / "hfnewsletter_cn_daily_papers_2024-08-01.json", taxonomy)
    assert topics["The Llama 3 Herd of Models"] == ("Language Models",)
    tora = next(names for title, names in topics.items() if title.startswith("Tora:"))
    assert "Video" in tora
    assert "Image & Video Generation" in tora


def test_category_topic_and_name(taxonomy: Taxonomy) -> None:
    (paper,) = load_file(DATA / "arxiv-api" / "arxivpy_astro-ph_0601001_affiliations.body.xml")
    assert paper.categories == ["astro-ph"]
    assert taxonomy.assign(paper)[0] == "Astrophysics & Cosmology"
    assert taxonomy.category_name("cs.CV") == "Computer Vision and Pattern Recognition"
    assert taxonomy.category_name("astro-ph.GA") == "Astrophysics of Galaxies"
    assert taxonomy.category_name("cs.XX") == "Computer Science (cs.XX)"
    assert taxonomy.category_name("zz.QQ") == "zz.QQ"


def test_unclaimed_category_uses_archive(taxonomy: Taxonomy) -> None:
    paper = Paper(key="2401.00001", title="Untitled", categories=["cs.DL"])
    assert taxonomy.assign(paper) == ("Computer Science",)
    assert taxonomy.category_topic("math.AG") == "Mathematics"
    assert taxonomy.category_topic("hep-th") == "High Energy Physics"


def test_no_match_is_other(taxonomy: Taxonomy) -> None:
    paper = Paper(key="title:0", title="Alternation")
    assert taxonomy.assign(paper) == (OTHER,)


def test_plural_and_accents_match(taxonomy: Taxonomy) -> None:
    agents = Paper(key="title:1", title="Cooperating AGENTS")
    assert taxonomy.assign(agents) == ("Agents",)
    accented = Paper(key="title:2", title="Quántum téleportation")
    assert taxonomy.assign(accented) == ("Quantum Physics",)
    assert fold("Ünïcödé") == "unicode"


def test_config_topics_extend(taxonomy: Taxonomy) -> None:
    extended = Taxonomy.load({"Knitting": ["purl stitch"], "Agents": ["swarm"]})
    knitting = Paper(key="title:3", title="A new purl stitches study")
    swarm = Paper(key="title:4", title="Swarm behaviour")
    assert extended.assign(knitting) == ("Knitting",)
    assert extended.assign(swarm) == ("Agents",)
    assert taxonomy.assign(swarm) != ("Agents",)


def test_abstract_used_without_title_match(taxonomy: Taxonomy) -> None:
    paper = Paper(key="title:5", title="Magistral", abstract="We train a reasoning model with reinforcement learning and a verifiable reward.")
    topics = taxonomy.assign(paper)
    assert "Reasoning" in topics
    assert "Reinforcement Learning" in topics
