"""More-like-this ranking on a small set of realistic abstracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.errors import ReaderError
from reader.models import Paper
from reader.similar import SimilarIndex


def paper(key: str, title: str, abstract: str) -> Paper:
    return Paper(key=key, title=title, abstract=abstract)


DIFFUSION = [
    paper(
        "2401.10001",
        "Denoising Diffusion Probabilistic Models for Image Synthesis",
        "We present high quality image synthesis results using diffusion probabilistic models, "
        "latent variable models trained by denoising score matching with a fixed noise schedule. "
        "Sampling runs the reverse diffusion process from Gaussian noise.",
    ),
    paper(
        "2401.10002",
        "Faster Sampling for Score-Based Diffusion Models",
        "Score-based diffusion models generate images by reversing a noise process. We reduce the "
        "number of denoising steps of the sampler with a learned noise schedule and keep image quality.",
    ),
    paper(
        "2401.10003",
        "Latent Diffusion for Text-to-Image Generation",
        "Diffusion models in a learned latent space generate high resolution images from text. "
        "Classifier-free guidance steers the denoising process toward the prompt.",
    ),
    paper(
        "2401.10004",
        "Video Diffusion Models with Temporal Attention",
        "We extend image diffusion models to video generation. A temporal attention layer lets the "
        "denoising network keep frames consistent while sampling from noise.",
    ),
]
GRAPHS = [
    paper(
        "2401.20001",
        "Graph Neural Networks for Molecular Property Prediction",
        "Message passing graph neural networks aggregate features over the edges of a molecular graph. "
        "Node embeddings predict chemical properties on standard benchmarks.",
    ),
    paper(
        "2401.20002",
        "Oversmoothing in Deep Graph Convolutional Networks",
        "Stacking many graph convolution layers makes node representations indistinguishable. "
        "We analyse oversmoothing through the spectrum of the graph Laplacian and propose residual edges.",
    ),
    paper(
        "2401.20003",
        "Scalable Node Classification on Large Graphs",
        "Sampling neighbourhoods lets graph neural networks train on graphs with billions of edges. "
        "Node classification accuracy matches full-batch message passing.",
    ),
]
ROBOTS = [
    paper(
        "2401.30001",
        "Reinforcement Learning for Robot Grasping",
        "A robot arm learns grasping policies with reinforcement learning from camera images. "
        "Reward shaping and sim-to-real transfer let the policy pick unseen objects.",
    ),
    paper(
        "2401.30002",
        "Offline Reinforcement Learning for Manipulation",
        "Offline reinforcement learning trains manipulation policies from logged robot trajectories "
        "without new interaction; conservative value estimates avoid overestimation.",
    ),
]
PAPERS = DIFFUSION + GRAPHS + ROBOTS


@pytest.fixture(scope="module")
def index() -> SimilarIndex:
    return SimilarIndex.build(PAPERS)


def keys_of(results: list[tuple[str, float]]) -> list[str]:
    return [key for key, _ in results]


def test_diffusion_neighbours_are_diffusion(index: SimilarIndex) -> None:
    results = index.similar("2401.10001", n=10)
    top = keys_of(results)[:3]
    assert set(top) == {"2401.10002", "2401.10003", "2401.10004"}
    graph_scores = [score for key, score in results if key.startswith("2401.2")]
    assert all(score < results[2][1] for score in graph_scores)


def test_graph_neighbours_are_graphs(index: SimilarIndex) -> None:
    top = keys_of(index.similar("2401.20001", n=2))
    assert set(top) == {"2401.20002", "2401.20003"}


def test_scores_sorted_and_bounded(index: SimilarIndex) -> None:
    results = index.similar("2401.30001", n=20)
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < score <= 1.0 for score in scores)
    assert "2401.30001" not in keys_of(results)
    assert keys_of(results)[0] == "2401.30002"


def test_n_limits_results(index: SimilarIndex) -> None:
    assert len(index.similar("2401.10001", n=2)) == 2


def test_similar_to_text(index: SimilarIndex) -> None:
    top = keys_of(index.similar_to_text("a denoising diffusion sampler with fewer noise steps", n=2))
    assert set(top) <= {paper.key for paper in DIFFUSION}
    assert len(top) == 2


def test_unknown_key_raises(index: SimilarIndex) -> None:
    with pytest.raises(ReaderError, match="Paper 9999.99999 is not in the similar-papers index"):
        index.similar("9999.99999")


def test_paper_without_shared_words() -> None:
    index = SimilarIndex.build(PAPERS + [paper("2401.40001", "Zymurgy", "")])
    assert index.similar("2401.40001") == []
    assert len(index) == len(PAPERS) + 1
    assert "2401.40001" in index


def test_plural_and_accents_fold() -> None:
    index = SimilarIndex.build(
        [
            paper("1", "Schrödinger bridges", "schrödinger bridge matching"),
            paper("2", "Schrodinger bridge", "Schrodinger bridges and matching"),
            paper("3", "Graph networks", "message passing on graphs"),
            paper("4", "Graph network", "node graph networks"),
        ]
    )
    assert keys_of(index.similar("1", n=1)) == ["2"]


def test_samples_similar() -> None:
    sample = Path(__file__).parent / "data" / "hf-daily" / "sotawhat_hf_daily_papers_2026-06-12_raw.json"
    if not sample.exists():
        pytest.skip("the HF daily sample is not copied into tests/data yet")
    from reader.sources import load_file

    papers = load_file(sample)
    index = SimilarIndex.build(papers)
    assert len(index) == 30
    results = index.similar(papers[0].key, n=5)
    assert 1 <= len(results) <= 5
    assert papers[0].key not in keys_of(results)


def test_cli_similar(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from reader.cli import main
    from reader.paths import Paths
    from reader.store import Library

    home = tmp_path / "home"
    library = Library(Paths(data_dir=home / "data", config_dir=home / "config"))
    library.open()
    library.import_papers([Paper.from_record(p.to_record()) for p in PAPERS])
    library.close()
    env = {"PAPERS_READER_HOME": str(home)}

    result = CliRunner().invoke(main, ["similar", "arXiv:2401.10001v2", "-n", "3", "--json"], env=env)
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {record["id"] for record in records} == {"2401.10002", "2401.10003", "2401.10004"}
    assert records[0]["title"] == "Faster Sampling for Score-Based Diffusion Models"

    result = CliRunner().invoke(main, ["similar", "2401.20001", "-n", "1"], env=env)
    assert result.exit_code == 0
    assert result.stdout.split()[1] in {"2401.20002", "2401.20003"}

    result = CliRunner().invoke(main, ["similar", "9999.99999"], env=env)
    assert result.exit_code == 1
    assert "No paper with id '9999.99999' in the library" in result.stderr
