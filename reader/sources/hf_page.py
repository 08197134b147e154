"""Text copied from a huggingface.co/papers page (select all, copy, paste).

Each paper in the copy is a block of lines::

    Title

    Abstract …

      • 7 authors          (or the organization's name)
    ·
    Jun 26, 2024 3         (date, then upvotes when there are any)

Page chrome (navigation, "Submitted by …", subscription prompts) is
skipped. The copy has no arXiv ids, so every paper gets a title key.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from reader.models import Paper
from reader.sources._common import make_paper

NAME = "hf-page"
log = logging.getLogger(__name__)

_SEPARATOR = "·"
_DATE = re.compile(r"^([A-Z][a-z]{2}) (\d{1,2}), (\d{4})(?:\s+(\d+))?$")
_AUTHOR_COUNT = re.compile(r"^(?:[•·*-]\s*)?(\d+) authors?$")
_CHROME = re.compile(
    r"^(?:new|subscribe|daily papers|upvote|submitted by\b.*|get trending papers.*"
    r"|by\s*ak and the research community|previous|next|\d+|[A-Z][a-z]{2} \d{1,2})$",
    re.IGNORECASE,
)
# Titles are one line. An abstract is one long line (the page does not wrap it).
_MAX_TITLE = 300


def looks_like(text: str) -> bool:
    """Tell whether text has at least one "·" line followed by a date line."""
    lines = [line.strip() for line in text[:200_000].splitlines()]
    return any(_is_anchor(lines, index) for index in range(len(lines) - 1))


def _is_anchor(lines: list[str], index: int) -> bool:
    return lines[index] == _SEPARATOR and index + 1 < len(lines) and bool(_DATE.match(lines[index + 1]))


def parse(text: str, origin: str) -> list[Paper]:
    lines = [line.strip() for line in text.splitlines()]
    papers = []
    block_start = 0
    for index in range(len(lines)):
        if not _is_anchor(lines, index):
            continue
        block = [line for line in lines[block_start:index] if line and not _CHROME.match(line)]
        block_start = index + 2
        paper = _paper(block, lines[index + 1], origin)
        if paper is not None:
            papers.append(paper)
    return papers


def _paper(block: list[str], date_line: str, origin: str) -> Paper | None:
    if len(block) < 2:
        log.warning("%s: skipped a paper block without a title before %r", origin, date_line)
        return None
    meta = block[-1]
    text_lines = block[:-1]
    # The last long line is the abstract; the line before it is the title.
    if len(text_lines) >= 2 and len(text_lines[-1]) > len(text_lines[-2]):
        title, abstract = text_lines[-2], text_lines[-1]
    else:
        title, abstract = text_lines[-1], ""
    if len(title) > _MAX_TITLE:
        log.warning("%s: skipped a paper block whose title line is too long: %.60r", origin, title)
        return None

    author_count = None
    organization = None
    count_match = _AUTHOR_COUNT.match(meta)
    if count_match:
        author_count = int(count_match[1])
    else:
        organization = _organization(meta)

    date_match = _DATE.match(date_line)
    assert date_match is not None  # _is_anchor matched this line
    published = _date(date_match)
    upvotes = int(date_match[4]) if date_match[4] else None
    return make_paper(
        None,
        title,
        NAME,
        abstract=abstract,
        author_count=author_count,
        organization=organization,
        published=published,
        upvotes=upvotes,
    )


def _organization(line: str) -> str:
    # The page repeats the organization's name as its avatar's alt text,
    # so "Gensyn Gensyn" is one organization called Gensyn.
    words = line.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return line


def _date(match: re.Match[str]) -> str | None:
    try:
        moment = datetime.strptime(f"{match[1]} {match[2]} {match[3]}", "%b %d %Y")
    except ValueError:
        return None
    return moment.date().isoformat()
