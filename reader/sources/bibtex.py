"""BibTeX files, parsed with bibtexparser 2.

arXiv papers are cited in many styles, and each is recognized: ``eprint``
with ``archivePrefix = {arXiv}`` (arXiv's own export, INSPIRE, ADS), Google
Scholar's ``journal = {arXiv preprint arXiv:…}``, Semantic Scholar's
``journal = {ArXiv}, volume = {abs/…}``, ``volume = {arXiv:…}``, arXiv URLs
and arXiv DOIs (10.48550). Other entries get a title key. Blocks that
bibtexparser cannot parse are logged and skipped; the rest still import.
Entries for the same paper (duplicate keys, or two keys citing one arXiv
id) are merged into one Paper.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry

from reader.errors import FormatError
from reader.ids import ArxivId, find_arxiv_id, parse_arxiv_id
from reader.models import Paper
from reader.sources._common import ParsedPapers, make_paper, merge_duplicates, plain_field
from reader.text import clean_title

NAME = "bibtex"
log = logging.getLogger(__name__)

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# Journal macros of NASA ADS exports, which the exported file does not define.
_JOURNAL_MACROS = {
    "aap": "A&A",
    "aj": "AJ",
    "apj": "ApJ",
    "apjl": "ApJL",
    "apjs": "ApJS",
    "araa": "ARA&A",
    "mnras": "MNRAS",
    "nat": "Nature",
    "na": "New Astronomy",
    "pasp": "PASP",
    "prd": "Phys. Rev. D",
    "prevd": "Phys. Rev. D",
    "prl": "Phys. Rev. Lett.",
}


def looks_like(text: str) -> bool:
    return _ENTRY_START.search(text) is not None


def parse(text: str, origin: str) -> list[Paper]:
    library = bibtexparser.parse_string(text)
    entries: list[Entry] = list(library.entries)
    skipped: list[str] = []
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
            # A repeated key is often the same paper pasted twice: keep it
            # and let the merge below fold it into the first copy.
            entries.append(block.ignore_error_block)
            continue
        line = block.start_line + 1 if block.start_line is not None else "?"
        problem = _block_problem(block)
        log.warning("%s: skipped a BibTeX block at line %s: %s", origin, line, problem)
        skipped.append(f"line {line}: {problem}")
    papers = []
    for entry in entries:
        paper = _entry(entry, origin)
        if paper is not None:
            papers.append(paper)
    if not papers and skipped:
        raise FormatError(
            f"{origin} has no readable BibTeX entry ({'; '.join(skipped[:3])}). "
            "Check the braces and quotes of those entries."
        )
    return ParsedPapers(merge_duplicates(papers), skipped)


def _block_problem(block: object) -> str:
    """Describe why bibtexparser could not read a block, in one short phrase."""
    error = getattr(block, "error", None)
    reason = str(getattr(error, "abort_reason", "") or error or "").strip()
    raw = str(getattr(block, "raw", "") or "").strip()
    head = raw.splitlines()[0][:60] if raw else "a block"
    return f"{head!r}: {reason}" if reason else f"{head!r} is malformed"


def _entry(entry: Entry, origin: str) -> Paper | None:
    fields = {field.key.lower(): _value(field.value) for field in entry.fields}
    title = _latex(fields.get("title"))
    arxiv = _arxiv_id(fields)
    if not title and arxiv is None:
        log.warning("%s: skipped BibTeX entry %r without title or arXiv id", origin, entry.key)
        return None

    authors = _authors(fields.get("author") or fields.get("editor") or "")
    doi = _DOI_PREFIX.sub("", fields.get("doi", "")).strip()
    url = fields.get("url", "")
    categories = [fields["primaryclass"]] if fields.get("primaryclass") else []
    keywords = [word.strip() for word in re.split(r"[,;]", fields.get("keywords", "")) if word.strip()]
    return make_paper(
        arxiv.key if arxiv else None,
        title,
        NAME,
        abstract=_latex(fields.get("abstract")),
        version=arxiv.version if arxiv else None,
        authors=authors,
        published=_published(fields),
        categories=categories,
        keywords=[clean_title(word) for word in keywords],
        doi=None if not doi or _ARXIV_DOI.match(doi) else plain_field(doi),
        journal_ref=_venue(fields),
        comment=plain_field(fields.get("note")),
        github=url if "github.com/" in url else None,
    )


def _value(value: Any) -> str:
    return " ".join(str(value).split())


def _latex(value: str | None) -> str:
    """Prepare a BibTeX value for clean_text: braces only group in BibTeX."""
    if not value:
        return ""
    if "\\" not in value and "$" not in value:
        value = value.replace("{", "").replace("}", "")
    return value


def _arxiv_id(fields: dict[str, str]) -> ArxivId | None:
    eprint = fields.get("eprint", "")
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if eprint and prefix in ("", "arxiv"):
        found = parse_arxiv_id(eprint) or (find_arxiv_id(eprint) if prefix else None)
        if found:
            return found
    for name in ("journal", "volume", "note", "howpublished", "booktitle"):
        value = fields.get(name, "")
        if "arxiv" in value.lower() or (name == "volume" and value.startswith("abs/")):
            found = find_arxiv_id(value)
            if found:
                return found
    if "arxiv" in fields.get("journal", "").lower() and fields.get("volume", "").startswith("abs/"):
        return find_arxiv_id(fields["volume"])
    url = fields.get("url", "")
    if "arxiv.org/" in url.lower():
        found = find_arxiv_id(url)
        if found:
            return found
    match = _ARXIV_DOI.search(fields.get("doi", ""))
    return parse_arxiv_id(match[1]) if match else None


def _authors(value: str) -> list[str]:
    names = []
    for person in split_multiple_persons_names(value):
        if person.strip().lower() == "others":
            continue
        parts = parse_single_name_into_parts(person, strict=False)
        name = " ".join(parts.first + parts.von + parts.last)
        if parts.jr:
            name += ", " + " ".join(parts.jr)
        name = clean_title(_latex(name))
        if name:
            names.append(name)
    return names


def _published(fields: dict[str, str]) -> str | None:
    year = fields.get("year", "").strip()
    if not re.fullmatch(r"\d{4}", year):
        return None
    month_text = fields.get("month", "").strip().lower().rstrip(".")
    month = _MONTHS.get(month_text) or _MONTHS.get(month_text[:3])
    if month is None and month_text.isdigit() and 1 <= int(month_text) <= 12:
        month = int(month_text)
    return f"{year}-{month or 1:02d}-01"


def _venue(fields: dict[str, str]) -> str | None:
    venue = fields.get("journal") or fields.get("booktitle") or ""
    if not venue or "arxiv" in venue.lower():
        return None
    macro = venue.lstrip("\\").lower()
    if macro in _JOURNAL_MACROS:
        return _JOURNAL_MACROS[macro]
    return clean_title(_latex(venue)) or None
