"""Commands that export papers, back up and restore the state, and find similar papers."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path

import click
import orjson

from reader.cli import main
from reader.errors import ReaderError
from reader.paths import Paths

log = logging.getLogger(__name__)

EXPORT_FORMATS = ("bibtex", "markdown", "json", "csv", "csl-json")


def _open_library(paths: Paths):
    from reader.cli.library_commands import open_library

    return open_library(paths)


def _write_output(text: str, output: Path | None) -> None:
    """Write to ``output`` atomically, or to stdout when it is None or ``-``."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from reader.store.storage import atomic_write

    try:
        atomic_write(output, text.encode("utf-8"), backup=False)
    except OSError as error:
        raise ReaderError(
            f"Could not write {output}: {error.strerror or error}. "
            "Check that the folder exists and is writable.",
            title="Write failed",
        ) from error


def _matching_papers(library, paths: Paths, query_text: str):
    """Return the library's papers matching the query, newest listed first like `papers list`."""
    from reader.search import SearchIndex, parse_query

    saved = None
    if "saved:" in query_text:
        from reader.config import load_config

        saved = load_config(paths).searches
    query = parse_query(query_text, saved)
    papers = sorted(
        library.papers(), key=lambda p: (p.listed or p.published or "", p.key), reverse=True
    )
    if query.is_empty:
        return papers
    keys = set(SearchIndex(papers).search(query, library.states()))
    return [paper for paper in papers if paper.key in keys]


@main.command("export")
@click.argument("query", nargs=-1)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default=None,
    help="Output format. Default: from the -o file name (.bib, .md, .csv, .json, "
    ".csl.json), else bibtex.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (replaced atomically) instead of stdout.",
)
@click.pass_obj
def export_command(paths: Paths, query: tuple[str, ...], fmt: str | None, output: Path | None) -> None:
    """Export the papers matching QUERY (all papers without one), newest first.

    QUERY uses the search syntax of the app's / filter, e.g.
    `papers export -o starred.bib is:starred` or
    `papers export -f csl-json 'author:"de la Cruz" since:2025-01'`.
    The words of QUERY are joined with spaces, so quote phrases for the
    shell and again for the query: '"noise schedule"'. Put -- before a
    QUERY that starts with -: `papers export -- -is:read`.
    """
    from reader.export import export, format_for_path

    if fmt is None:
        fmt = (format_for_path(output.name) if output is not None else None) or "bibtex"
    library = _open_library(paths)
    papers = _matching_papers(library, paths, " ".join(query))
    states = library.states()
    _write_output(export(papers, states, fmt), output)
    where = f" to {output}" if output is not None and str(output) != "-" else ""
    if papers:
        noun = "paper" if len(papers) == 1 else "papers"
        click.echo(f"Exported {len(papers)} {noun} as {fmt}{where}", err=True)
    else:
        click.echo(f"0 papers matched; wrote an empty {fmt} export{where}", err=True)
    log.info("Exported %d papers as %s%s", len(papers), fmt, where)


@main.command("backup")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Backup file to write (replaced atomically); - for stdout. "
    "Default: papers-backup-YYYYMMDD-HHMMSS.json in the current folder.",
)
@click.pass_obj
def backup_command(paths: Paths, output: Path | None) -> None:
    """Save the read, starred, note and tag state of every paper to a JSON file.

    `papers restore FILE` merges it into this or another machine's library.
    """
    from reader.backup import backup_json

    library = _open_library(paths)
    states = dict(library.states())
    if output is None:
        output = Path(f"papers-backup-{datetime.now():%Y%m%d-%H%M%S}.json")
    _write_output(backup_json(states), output)
    where = "stdout" if str(output) == "-" else str(output)
    noun = "paper" if len(states) == 1 else "papers"
    click.echo(f"Backed up the state of {len(states)} {noun} to {where}", err=True)
    log.info("Backed up %d states to %s", len(states), where)


@main.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change without writing.")
@click.pass_obj
def restore_command(paths: Paths, file: Path, dry_run: bool) -> None:
    """Merge a backup written by `papers backup` into this library.

    For each paper and field the newer change wins; nothing is deleted,
    and when two notes differ both texts are kept.
    """
    from reader.backup import restore_backup

    library = _open_library(paths)
    report = restore_backup(library, file, dry_run=dry_run)
    prefix = "Dry run, nothing written: " if dry_run else ""
    click.echo(prefix + report.summary())


@main.command("similar")
@click.argument("paper_id")
@click.option("-n", "count", type=click.IntRange(min=1), default=10, show_default=True,
              help="Number of papers to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines: id, score, title.")
@click.pass_obj
def similar_command(paths: Paths, paper_id: str, count: int, as_json: bool) -> None:
    """List the papers most like PAPER_ID by title and abstract words (TF-IDF cosine)."""
    from reader.cli.library_commands import resolve_or_fail
    from reader.similar import SimilarIndex

    library = _open_library(paths)
    key = resolve_or_fail(library, paper_id)
    index = SimilarIndex.build(library.papers())
    results = index.similar(key, n=count)
    if not results and not as_json:
        click.echo(f"No paper shares enough title and abstract words with {key}.", err=True)
    for other, score in results:
        paper = library.get(other)
        if as_json:
            record = {"id": other, "score": score, "title": paper.title}
            sys.stdout.buffer.write(orjson.dumps(record) + b"\n")
        else:
            click.echo(f"{score:.3f}  {paper.versioned_id:<22} {paper.title}")
