"""The paper record and the user's state for one paper.

A ``Paper`` is what the sources know about a paper; a ``PaperState`` is what
the user did with it. They are stored in separate files so that starring a
paper never rewrites the paper cache.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any
from urllib.parse import quote_plus

from reader.ids import is_title_key

ARXIV_ABS = "https://arxiv.org/abs/"
ARXIV_PDF = "https://arxiv.org/pdf/"
HF_PAPERS = "https://huggingface.co/papers/"
ARXIV_TITLE_SEARCH = "https://arxiv.org/search/?searchtype=title&query="


@dataclass(slots=True)
class Paper:
    """One paper, merged across every source and version it came from.

    Text fields (``title``, ``abstract``) hold display text: LaTeX turned into
    Unicode, entities decoded, hard wraps joined. The text as the source
    served it is in ``title_raw`` / ``abstract_raw`` when it differs.
    Dates are ISO ``YYYY-MM-DD`` strings.
    """

    key: str
    """Canonical id: an arXiv id without version, or ``title:<hash>``."""
    title: str
    version: int | None = None
    """Newest arXiv version seen, e.g. 3 for ``v3``."""
    authors: list[str] = field(default_factory=list)
    """Author names in order; empty when the source only gave a count."""
    author_count: int = 0
    """Number of authors, also when their names are unknown."""
    abstract: str = ""
    published: str | None = None
    """First arXiv submission date."""
    updated: str | None = None
    """Date of the newest arXiv version."""
    listed: str | None = None
    """Day the paper appeared on HF Daily Papers or in an arXiv announcement."""
    categories: list[str] = field(default_factory=list)
    """arXiv categories, primary first."""
    keywords: list[str] = field(default_factory=list)
    """HF ``ai_keywords``."""
    upvotes: int | None = None
    github: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    organization: str | None = None
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    announce_type: str | None = None
    """arXiv announce type: new, cross, replace or replace-cross."""
    withdrawn: bool = False
    sources: list[str] = field(default_factory=list)
    """Formats the paper was read from: ``hf-daily``, ``hf-paper``, ``arxiv-atom``, ``arxiv-rss``, ``bibtex``, ``hf-page``."""
    title_raw: str | None = None
    abstract_raw: str | None = None

    @property
    def arxiv_id(self) -> str | None:
        return None if is_title_key(self.key) else self.key

    @property
    def versioned_id(self) -> str:
        """The arXiv id with its version, e.g. ``2406.18820v3``, or the key."""
        if self.arxiv_id and self.version:
            return f"{self.key}v{self.version}"
        return self.key

    def links(self) -> dict[str, str | None]:
        """URLs of the paper's abstract page, PDF and HF page.

        A paper without an arXiv id links to an arXiv title search instead.
        """
        if self.arxiv_id is None:
            return {
                "abs": ARXIV_TITLE_SEARCH + quote_plus(self.title),
                "pdf": None,
                "hf": None,
            }
        hf = HF_PAPERS + self.key if "/" not in self.key else None
        return {"abs": ARXIV_ABS + self.key, "pdf": ARXIV_PDF + self.key, "hf": hf}

    def to_record(self) -> dict[str, Any]:
        """Return a JSON-ready dict without empty optional fields."""
        # A plain loop: dataclasses.asdict deep-copies and costs ~40 µs a
        # paper, which dominated re-importing 100,000 changed papers.
        record: dict[str, Any] = {}
        for name in _PAPER_FIELD_ORDER:
            value = getattr(self, name)
            if value is None or value is False or value == []:
                continue
            record[name] = list(value) if isinstance(value, list) else value
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Paper:
        known = {k: v for k, v in record.items() if k in _PAPER_FIELDS}
        return cls(**known)

    def merge(self, newer: Paper) -> bool:
        """Fold a newer copy of the same paper into this one.

        Values the newer copy has replace older ones; values it lacks are
        kept. Names replace a bare author count, a shorter name list never
        replaces a longer one, and the earliest listed day wins. Returns
        whether anything changed.
        """
        before = self.to_record()
        for name in _MERGE_REPLACE:
            value = getattr(newer, name)
            if value not in (None, "", []):
                setattr(self, name, value)
        if newer.version and (self.version or 0) < newer.version:
            self.version = newer.version
        if newer.authors and len(newer.authors) >= len(self.authors):
            self.authors = list(newer.authors)
        self.author_count = max(self.author_count, newer.author_count, len(self.authors))
        if newer.listed and (self.listed is None or newer.listed < self.listed):
            self.listed = newer.listed
        if newer.published and (self.published is None or newer.published < self.published):
            self.published = newer.published
        self.withdrawn = self.withdrawn or newer.withdrawn
        for source in newer.sources:
            if source not in self.sources:
                self.sources.append(source)
        return self.to_record() != before


_PAPER_FIELD_ORDER = tuple(f.name for f in fields(Paper))
_PAPER_FIELDS = set(_PAPER_FIELD_ORDER)
_MERGE_REPLACE = (
    "title",
    "title_raw",
    "abstract",
    "abstract_raw",
    "updated",
    "categories",
    "keywords",
    "upvotes",
    "github",
    "github_stars",
    "project_page",
    "organization",
    "comment",
    "journal_ref",
    "doi",
    "announce_type",
)


@dataclass(slots=True)
class PaperState:
    """The user's read, starred, note and tag state for one paper.

    ``changed`` maps each field name to the ISO timestamp of its last change,
    so that two machines' backups can be merged field by field.
    """

    read: bool = False
    read_at: str | None = None
    starred: bool = False
    note: str = ""
    tags: list[str] = field(default_factory=list)
    updated_at: str | None = None
    changed: dict[str, str] = field(default_factory=dict)

    @property
    def annotated(self) -> bool:
        return bool(self.note.strip())

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> PaperState:
        known = {k: v for k, v in record.items() if k in _STATE_FIELDS}
        return cls(**known)


_STATE_FIELDS = {f.name for f in fields(PaperState)}
