"""Generate realistic synthetic papers for the benchmarks.

Field sizes follow the real samples: titles of 60-110 characters, 1-20
authors (one paper in 500 has 300), 1,200-character abstracts, 1-4
categories, five HF keywords, listed days over the last year, an
organization for most papers and a GitHub link for 40% of them.

Titles and abstracts come from a topic model: 200 topics over a
30,000-word vocabulary plus common English words, so that a topic word such
as "diffusion" occurs in a few percent of the papers, as in a real listing,
rather than in all of them. That matters for the search and similar-papers
indexes, whose cost grows with the number of distinct words.

Output is deterministic for a seed.

Usage: python benchmarks/generate.py COUNT OUTPUT.json [--seed N]
writes an HF ``/api/daily_papers`` JSON file for ``papers import``.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reader.models import Paper  # noqa: E402

FIRST = "Wei Anna Luca Sofia Ming Omar Priya Jonas Chen Elena Kofi Yuki Pál Erdős Zoë Hiro Maria Ivan".split()
LAST = "Zhang Müller Rossi García Kim Singh Nakamura Okafor Novak Schrödinger Dubois Li Wang Çelebi Park Silva".split()
CATEGORIES = "cs.LG cs.AI cs.CL cs.CV cs.RO stat.ML math.OC eess.AS q-bio.QM physics.comp-ph".split()
ORGS = ["Meta", "Google DeepMind", "Microsoft", "Tsinghua University", "Allen AI", None, None, None]
COMMON = (
    "the of and to in a is for we that on with this by as are our from an be "
    "which it can model models method methods results show propose approach "
    "based using performance data learning task tasks training existing new "
    "paper these such also however large both than more while across over "
    "into through two their has have not its first state art present further "
    "framework experiments demonstrate significantly achieves improves work"
).split()
SEEDED_TOPIC_WORDS = {
    0: "diffusion denoising score sampler noise schedule guidance".split(),
    1: "graph node edge message passing gnn spectral".split(),
    2: "language token prompt llm instruction reasoning chain".split(),
    3: "robot manipulation grasp policy trajectory control".split(),
}
"""Real words at the head of four topics, so that benchmark queries find papers."""
SYLLABLES = "ka lo mi ne ru sa te vi zo pe da fu gi hy ja ke lu mo ni or qu re si tu".split()
VOCABULARY_SIZE = 30_000
TOPICS = 200
ABSTRACT_LENGTH = 1200


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _topic_words(rng: random.Random, vocabulary: list[str], topics: int) -> list[list[str]]:
    result = []
    for topic in range(topics):
        words = rng.sample(vocabulary, 150)
        result.append(SEEDED_TOPIC_WORDS.get(topic, []) + words)
    return result


def _text(rng: random.Random, topic: list[str], other: list[str], length: int) -> str:
    """Draw words until ``length`` characters: 55% common words, 35% from the topic, 10% from another."""
    words: list[str] = []
    size = 0
    while size < length:
        roll = rng.random()
        if roll < 0.55:
            word = COMMON[min(int(rng.expovariate(0.08)), len(COMMON) - 1)]
        elif roll < 0.9:
            word = topic[min(int(rng.expovariate(0.05)), len(topic) - 1)]
        else:
            word = rng.choice(other)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length]


def generate_papers(count: int, seed: int = 0, today: date | None = None) -> list[Paper]:
    """Return ``count`` synthetic papers with unique new-style arXiv ids."""
    rng = random.Random(seed)
    text_rng = random.Random(seed + 1)
    vocabulary = _vocabulary(text_rng, VOCABULARY_SIZE)
    topics = _topic_words(text_rng, vocabulary, TOPICS)
    today = today or date(2026, 12, 1)
    papers = []
    for index in range(count):
        listed = today - timedelta(days=rng.randint(0, 365))
        key = f"{listed:%y%m}.{index % 100000:05d}"
        author_total = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 20]) if rng.random() > 0.002 else 300
        authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(author_total)]
        main_topic = topics[min(int(text_rng.expovariate(0.03)), len(topics) - 1)]
        other_topic = topics[text_rng.randrange(len(topics))]
        papers.append(
            Paper(
                key=key,
                version=rng.randint(1, 3),
                title=_text(text_rng, main_topic, other_topic, text_rng.randint(60, 110)).capitalize(),
                authors=authors,
                author_count=author_total,
                abstract=_text(text_rng, main_topic, other_topic, ABSTRACT_LENGTH - 1).capitalize() + ".",
                published=(listed - timedelta(days=rng.randint(0, 5))).isoformat(),
                listed=listed.isoformat(),
                categories=rng.sample(CATEGORIES, rng.randint(1, 4)),
                keywords=rng.sample(main_topic[:40], 5),
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
        item_paper = {
            "id": paper.key,
            "authors": [{"_id": f"a{i}", "name": name, "hidden": False} for i, name in enumerate(paper.authors)],
            "publishedAt": f"{paper.published}T00:00:00.000Z",
            "submittedOnDailyAt": stamp,
            "title": paper.title,
            "summary": paper.abstract,
            "upvotes": paper.upvotes,
            "ai_keywords": paper.keywords,
        }
        if paper.github:
            item_paper["githubRepo"] = paper.github
        if paper.organization:
            item_paper["organization"] = {"name": paper.organization, "fullname": paper.organization}
        items.append(
            {
                "paper": item_paper,
                "publishedAt": stamp,
                "title": paper.title,
                "summary": paper.abstract,
                "numComments": 0,
                "isAuthorParticipating": False,
            }
        )
    return items


def write_hf_json(count: int, output: Path, seed: int = 0) -> None:
    """Write ``count`` generated papers to ``output`` as one HF daily_papers JSON array."""
    import orjson

    output.write_bytes(orjson.dumps(hf_daily_json(generate_papers(count, seed))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output", type=Path, help="write an HF daily_papers JSON file here")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_hf_json(args.count, args.output, args.seed)
    print(f"wrote {args.count} papers to {args.output}")


if __name__ == "__main__":
    main()
