"""Generate realistic synthetic papers for benchmarks.

Field sizes follow the real samples: titles of 8-15 words, 1-20 authors
(a few with hundreds), 1,200-character abstracts, 1-4 categories, HF
keywords, listed days over the last year. Output is deterministic for a seed.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta

from reader.models import Paper

WORDS = (
    "diffusion transformer language model reasoning agent vision multimodal "
    "retrieval graph neural network reinforcement learning policy reward "
    "benchmark dataset evaluation scaling efficient attention sparse mixture "
    "experts quantization distillation alignment preference optimization video "
    "generation speech robot manipulation planning memory context long token "
    "latent representation contrastive self-supervised federated privacy "
    "robustness adversarial uncertainty calibration causal inference physics "
    "protein molecule chemistry medical imaging segmentation detection tracking "
    "3d scene reconstruction rendering gaussian splatting point cloud code "
    "program synthesis math theorem proof instruction tuning hallucination"
).split()
FIRST = "Wei Anna Luca Sofia Ming Omar Priya Jonas Chen Elena Kofi Yuki Pál Erdős Zoë".split()
LAST = "Zhang Müller Rossi García Kim Singh Nakamura Okafor Novak Schrödinger Dubois Li Wang Çelebi".split()
CATEGORIES = "cs.LG cs.AI cs.CL cs.CV cs.RO stat.ML math.OC eess.AS q-bio.QM physics.comp-ph".split()
ORGS = ["Meta", "Google DeepMind", "Microsoft", "Tsinghua University", "Allen AI", None, None, None]


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def _abstract(rng: random.Random, length: int = 1200) -> str:
    parts: list[str] = []
    size = 0
    while size < length:
        sentence = _sentence(rng, rng.randint(10, 24))
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)[:length]


def generate_papers(count: int, seed: int = 0, today: date | None = None) -> list[Paper]:
    """Return ``count`` synthetic papers with unique new-style arXiv ids."""
    rng = random.Random(seed)
    today = today or date(2026, 12, 1)
    papers = []
    for index in range(count):
        listed = today - timedelta(days=rng.randint(0, 365))
        key = f"{listed:%y%m}.{index % 100000:05d}"
        author_total = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 20]) if rng.random() > 0.002 else 300
        authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(author_total)]
        categories = rng.sample(CATEGORIES, rng.randint(1, 4))
        papers.append(
            Paper(
                key=key,
                version=rng.randint(1, 3),
                title=_sentence(rng, rng.randint(8, 15)).rstrip("."),
                authors=authors,
                author_count=author_total,
                abstract=_abstract(rng),
                published=(listed - timedelta(days=rng.randint(0, 5))).isoformat(),
                listed=listed.isoformat(),
                categories=categories,
                keywords=rng.sample(WORDS, 5),
                upvotes=rng.randint(0, 300),
                organization=rng.choice(ORGS),
                github=f"https://github.com/lab{index % 997}/repo{index}" if rng.random() < 0.4 else None,
                sources=["hf-daily"],
            )
        )
    return papers


def hf_daily_json(papers: list[Paper]) -> list[dict]:
    """Render papers in the HF ``/api/daily_papers`` item layout (newest schema)."""
    items = []
    for paper in papers:
        stamp = f"{paper.listed}T00:00:00.000Z"
        items.append(
            {
                "paper": {
                    "id": paper.key,
                    "authors": [{"_id": f"a{i}", "name": name, "hidden": False} for i, name in enumerate(paper.authors)],
                    "publishedAt": f"{paper.published}T00:00:00.000Z",
                    "submittedOnDailyAt": stamp,
                    "title": paper.title,
                    "summary": paper.abstract,
                    "upvotes": paper.upvotes,
                    "ai_keywords": paper.keywords,
                },
                "publishedAt": stamp,
                "title": paper.title,
                "summary": paper.abstract,
                "numComments": 0,
                "isAuthorParticipating": False,
            }
        )
    return items


def main() -> None:
    import orjson

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output", help="write an HF daily_papers JSON file here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    papers = generate_papers(args.count, args.seed)
    with open(args.output, "wb") as handle:
        handle.write(orjson.dumps(hf_daily_json(papers)))
    print(f"wrote {len(papers)} papers to {args.output}")


if __name__ == "__main__":
    main()
