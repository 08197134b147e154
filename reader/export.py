"""Export papers and the user's state as BibTeX, Markdown, CSV, JSON and CSL-JSON.

Every exporter takes papers in the order they should appear and returns the
whole file as a string, so that the CLI can write it atomically and the app
can put it on the clipboard. An empty list gives a valid empty file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reader.models import Paper, PaperState

FORMATS = ("bibtex", "markdown", "json", "csv", "csl-json")
"""Names accepted by ``export`` and ``papers export --format``."""

SUFFIXES = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
    ".csl.json": "csl-json",
    ".json": "json",
}
"""File name endings that imply a format, longest first where they overlap."""


def format_for_path(name: str) -> str | None:
    """Return the export format a file name implies, e.g. ``csl-json`` for ``refs.csl.json``."""
    lowered = name.lower()
    for suffix, fmt in SUFFIXES.items():
        if lowered.endswith(suffix):
            return fmt
    return None


def export(papers: Sequence[Paper], states: Mapping[str, PaperState], fmt: str) -> str:
    """Return the papers in format ``fmt`` (one of FORMATS)."""
    if fmt == "bibtex":
        return export_bibtex(papers)
    if fmt == "markdown":
        return export_markdown(papers, states)
    if fmt == "json":
        return export_json(papers, states)
    if fmt == "csv":
        return export_csv(papers, states)
    if fmt == "csl-json":
        return export_csl_json(papers)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------------------
# ASCII folding for keys
# ---------------------------------------------------------------------------

_ASCII_LETTERS = str.maketrans(
    {"ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)


def _ascii_fold(text: str) -> str:
    """Return lowercase ASCII letters and digits only: ``Erdős`` -> ``erdos``."""
    lowered = text.lower().translate(_ASCII_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


# ---------------------------------------------------------------------------
# BibTeX
# ---------------------------------------------------------------------------

_KEY_SKIP_WORDS = frozenset(
    "a an the on of in for to with and at by from via is are do does can how what why when "
    "towards toward".split()
)
"""Articles and function words skipped when choosing the key's title word."""

_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _last_name(author: str) -> str:
    """Return the family name of ``First Last`` or ``Last, First``, ASCII-folded."""
    if "," in author:
        return _ascii_fold(author.split(",", 1)[0])
    words = [w for w in author.split() if _ascii_fold(w) not in _NAME_SUFFIXES]
    for word in reversed(words):
        folded = _ascii_fold(word)
        if folded:
            return folded
    return ""


def _year(paper: Paper) -> str:
    day = paper.published or paper.listed or paper.updated or ""
    return day[:4] if re.match(r"\d{4}", day) else ""


def citation_key(paper: Paper) -> str:
    """Return the natural BibTeX key: first author's family name, year, first title word.

    ``Vaswani et al. 2017, "Attention Is All You Need"`` gives
    ``vaswani2017attention``. Articles and short function words are skipped
    when picking the title word; a name or title with no ASCII letters
    contributes ``anon`` or nothing.
    """
    name = _last_name(paper.authors[0]) if paper.authors else ""
    title_word = ""
    for word in paper.title.split():
        folded = _ascii_fold(word)
        if folded and folded not in _KEY_SKIP_WORDS:
            title_word = folded
            break
    return (name or "anon") + _year(paper) + title_word


def _suffix(number: int) -> str:
    """Return a, b, ..., z, aa, ab, ... for 1, 2, ..., 26, 27, 28, ..."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def citation_keys(papers: Iterable[Paper]) -> list[str]:
    """Return unique keys in order: a clash gets ``a``, ``b``, ... after the first."""
    used: set[str] = set()
    keys = []
    for paper in papers:
        base = citation_key(paper)
        key = base
        number = 0
        while key in used:
            number += 1
            key = base + _suffix(number)
        used.add(key)
        keys.append(key)
    return keys


_ESCAPES = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}
_ESCAPED_PAIR = re.compile(r"\\[&%$#_{}~^\\]")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_MATH = re.compile(r"\$[^$\n]+\$")


def _balanced_group(text: str, start: int) -> int:
    """Return the end of the brace group opening at ``start``, or -1 if it never closes."""
    depth = 0
    for position in range(start, len(text)):
        char = text[position]
        if char == "\\":
            continue
        if char == "{" and (position == 0 or text[position - 1] != "\\"):
            depth += 1
        elif char == "}" and text[position - 1] != "\\":
            depth -= 1
            if depth == 0:
                return position + 1
    return -1


def latex_escape(text: str) -> str:
    """Escape LaTeX special characters, keeping LaTeX the text already contains.

    ``$...$`` math, commands such as ``\\emph{...}`` with their balanced
    arguments, and already-escaped characters such as ``\\&`` are copied as
    they are. Every other ``& % $ # _ { } ~ ^ \\`` is escaped, so that the
    value always has balanced braces and reads as the original text.
    """
    out: list[str] = []
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char == "$":
            math = _MATH.match(text, position)
            if math and _balanced(math.group()):
                out.append(math.group())
                position = math.end()
                continue
        elif char == "\\":
            escaped = _ESCAPED_PAIR.match(text, position)
            if escaped:
                out.append(escaped.group())
                position = escaped.end()
                continue
            command = _COMMAND.match(text, position)
            if command:
                end = command.end()
                while end < length and text[end] == "{":
                    group_end = _balanced_group(text, end)
                    if group_end == -1:
                        break
                    end = group_end
                out.append(text[position:end])
                position = end
                continue
        out.append(_ESCAPES.get(char, char))
        position += 1
    return "".join(out)


def _balanced(text: str) -> bool:
    depth = 0
    previous = ""
    for char in text:
        if previous != "\\":
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0:
                    return False
        previous = char if previous != "\\" else ""
    return depth == 0


def _bibtex_name(author: str) -> str:
    escaped = latex_escape(" ".join(author.split()))
    # A team name containing " and " would split into several authors.
    if re.search(r"\band\b", escaped, flags=re.IGNORECASE):
        return "{" + escaped + "}"
    return escaped


def bibtex_entry(paper: Paper, key: str | None = None) -> str:
    """Return one ``@misc`` entry in the layout of arXiv's "Export BibTeX citation".

    Fields are indented 6 spaces as arXiv does (without arXiv's trailing
    spaces). arXiv papers carry eprint, archivePrefix, primaryClass and url;
    other papers carry their DOI, journal reference or comment and a URL when
    one is known. ``key`` defaults to ``citation_key(paper)``.
    """
    fields: list[tuple[str, str]] = [("title", latex_escape(" ".join(paper.title.split())))]
    if paper.authors:
        fields.append(("author", " and ".join(_bibtex_name(name) for name in paper.authors)))
    year = _year(paper)
    if year:
        fields.append(("year", year))
    if paper.arxiv_id:
        fields.append(("eprint", paper.arxiv_id))
        fields.append(("archivePrefix", "arXiv"))
        if paper.categories:
            fields.append(("primaryClass", paper.categories[0]))
        if paper.doi:
            fields.append(("doi", paper.doi))
        fields.append(("url", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    else:
        note = paper.journal_ref or paper.comment
        if note:
            fields.append(("note", latex_escape(" ".join(note.split()))))
        if paper.doi:
            fields.append(("doi", paper.doi))
        url = f"https://doi.org/{paper.doi}" if paper.doi else paper.project_page
        if url:
            fields.append(("url", url))
    lines = [f"@misc{{{key or citation_key(paper)},"]
    lines.extend(f"      {name}={{{value}}}," for name, value in fields)
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_bibtex(papers: Sequence[Paper]) -> str:
    """Return one entry per paper with unique keys, separated by blank lines."""
    entries = [bibtex_entry(paper, key) for paper, key in zip(papers, citation_keys(papers))]
    return "\n".join(entries)


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def export_markdown(
    papers: Sequence[Paper], states: Mapping[str, PaperState], *, heading: str = "Reading notes"
) -> str:
    """Return reading notes: per paper its linked title, authors, tags and note.

    Titles and authors are escaped so that ``[Re] ...`` titles stay literal;
    the note is copied as written, because users write notes in Markdown.
    """
    lines = [f"# {heading}", ""]
    if not papers:
        lines.append("No papers.")
        return "\n".join(lines) + "\n"
    for paper in papers:
        state = states.get(paper.key) or PaperState()
        links = paper.links()
        lines.append(f"## [{_markdown_escape(paper.title)}]({links['abs']})")
        lines.append("")
        details = []
        if paper.authors:
            details.append(_markdown_escape(", ".join(paper.authors)))
        if paper.arxiv_id:
            details.append(f"arXiv:{paper.versioned_id}")
        day = paper.published or paper.listed
        if day:
            details.append(day)
        if state.starred:
            details.append("starred")
        if details:
            lines.append(" · ".join(details))
            lines.append("")
        if state.tags:
            lines.append("Tags: " + ", ".join(f"`{tag}`" for tag in state.tags))
            lines.append("")
        extra_links = [f"[PDF]({links['pdf']})"] if links["pdf"] else []
        if links["hf"]:
            extra_links.append(f"[Hugging Face]({links['hf']})")
        if paper.github:
            extra_links.append(f"[Code]({paper.github})")
        if extra_links:
            lines.append(" · ".join(extra_links))
            lines.append("")
        if state.note.strip():
            lines.append(state.note.strip())
            lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# JSON and CSV
# ---------------------------------------------------------------------------


def paper_json(paper: Paper, state: PaperState | None) -> dict[str, Any]:
    """Return the JSON object of one paper with the user's state, as ``papers list --json`` prints it."""
    state = state or PaperState()
    return {
        "id": paper.key,
        "version": paper.version,
        "title": paper.title,
        "authors": list(paper.authors),
        "author_count": max(paper.author_count, len(paper.authors)),
        "abstract": paper.abstract,
        "published": paper.published,
        "listed": paper.listed,
        "categories": list(paper.categories),
        "keywords": list(paper.keywords),
        "upvotes": paper.upvotes,
        "organization": paper.organization,
        "github": paper.github,
        "links": paper.links(),
        "sources": list(paper.sources),
        "read": state.read,
        "starred": state.starred,
        "note": state.note,
        "tags": list(state.tags),
    }


def export_json(papers: Sequence[Paper], states: Mapping[str, PaperState]) -> str:
    """Return a JSON list of ``paper_json`` objects."""
    records = [paper_json(paper, states.get(paper.key)) for paper in papers]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    "id",
    "version",
    "title",
    "authors",
    "published",
    "listed",
    "categories",
    "upvotes",
    "starred",
    "read",
    "tags",
    "note",
    "url",
)
_FORMULA_START = ("=", "+", "@", "\t", "\r")


def _csv_cell(value: str) -> str:
    # A cell starting with = + or @ runs as a formula in spreadsheet apps; a
    # leading apostrophe makes them show it as text. "-" is left alone
    # because notes often start with a Markdown list item.
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_csv(papers: Sequence[Paper], states: Mapping[str, PaperState]) -> str:
    """Return a CSV file with a header row and one row per paper (see CSV_COLUMNS).

    Lists are joined with ``"; "``; booleans are ``true``/``false``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for paper in papers:
        state = states.get(paper.key) or PaperState()
        row = [
            paper.key,
            "" if paper.version is None else str(paper.version),
            _csv_cell(paper.title),
            _csv_cell("; ".join(paper.authors)),
            paper.published or "",
            paper.listed or "",
            "; ".join(paper.categories),
            "" if paper.upvotes is None else str(paper.upvotes),
            "true" if state.starred else "false",
            "true" if state.read else "false",
            _csv_cell("; ".join(state.tags)),
            _csv_cell(state.note),
            paper.links()["abs"] or "",
        ]
        writer.writerow(row)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# CSL-JSON
# ---------------------------------------------------------------------------

_PARTICLES = frozenset("da de del della der di do dos du la le van von ten ter zu y".split())


def csl_name(author: str) -> dict[str, str]:
    """Split a display name into CSL ``family``/``given`` parts.

    ``Juan de la Cruz`` gives family ``de la Cruz``; ``Cruz, Juan`` is read
    as family, given; a trailing ``Jr.`` becomes ``suffix``. A single word,
    or a name without spaces such as ``王小明``, is kept whole as ``literal``.
    """
    name = " ".join(author.split())
    if "," in name:
        family, _, given = name.partition(",")
        family, given = family.strip(), given.strip()
        if family and given:
            return {"family": family, "given": given}
        name = family or given
    words = name.split(" ")
    suffix = ""
    if len(words) > 2 and words[-1].rstrip(".").lower() in _NAME_SUFFIXES:
        suffix = words.pop()
    if len(words) < 2:
        return {"literal": name}
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    result = {"family": " ".join(words[start:]), "given": " ".join(words[:start])}
    if suffix:
        result["suffix"] = suffix
    return result


def _date_parts(day: str | None) -> list[int] | None:
    if not day:
        return None
    parts = [int(part) for part in re.findall(r"\d+", day[:10])]
    return parts or None


def csl_item(paper: Paper) -> dict[str, Any]:
    """Return a CSL-JSON item of type ``article``, CSL's type for preprints."""
    item: dict[str, Any] = {"id": paper.key, "type": "article", "title": paper.title}
    if paper.authors:
        item["author"] = [csl_name(name) for name in paper.authors]
    parts = _date_parts(paper.published or paper.listed)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    url = paper.links()["abs"] if paper.arxiv_id else (paper.project_page or None)
    if paper.doi and not url:
        url = f"https://doi.org/{paper.doi}"
    if url:
        item["URL"] = url
    if paper.doi:
        item["DOI"] = paper.doi
    if paper.abstract:
        item["abstract"] = paper.abstract
    if paper.arxiv_id:
        item["number"] = paper.arxiv_id
        item["publisher"] = "arXiv"
        item["container-title"] = "arXiv"
    if paper.keywords:
        item["keyword"] = ", ".join(paper.keywords)
    return item


def export_csl_json(papers: Sequence[Paper]) -> str:
    """Return a CSL-JSON list, one item per paper."""
    return json.dumps([csl_item(paper) for paper in papers], ensure_ascii=False, indent=2) + "\n"
