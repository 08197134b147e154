"""Commands that import papers, list them and change the user's state."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
import orjson

from reader.errors import ReaderError
from reader.paths import Paths

from reader.cli import main

log = logging.getLogger(__name__)


def open_library(paths: Paths):
    """Open the library and print any recovery notice on stderr."""
    from reader.store import Library

    library = Library(paths)
    for notice in library.open():
        click.echo(f"papers: {notice.title}: {notice.message}", err=True)
    return library


def resolve_or_fail(library, text: str) -> str:
    key = library.resolve(text)
    if key is None:
        raise ReaderError(
            f"No paper with id {text!r} in the library. "
            "Check the id, or import or fetch the paper first."
        )
    return key


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def import_command(paths: Paths, files: tuple[Path, ...]) -> None:
    """Import paper files: HF Daily Papers or paper JSON, arXiv Atom or RSS,
    BibTeX, or text copied from huggingface.co/papers.

    Each file is reported on its own line; the command exits 1 if any file,
    or any entry in one, could not be read.
    """
    from reader.sources import load_file

    library = open_library(paths)
    failed = 0
    for path in files:
        try:
            papers = load_file(path)
        except ReaderError as error:
            failed += 1
            log.warning("import failed for %s: %s", path, error.message)
            click.echo(f"{path}: error: {error.message}", err=True)
            continue
        counts = library.import_papers(papers)
        log.info("imported %s: %s", path, counts)
        click.echo(
            f"{path}: {len(papers)} papers: {counts.added} added, "
            f"{counts.updated} updated, {counts.unchanged} unchanged"
        )
        skipped = getattr(papers, "skipped", [])
        if skipped:
            # The readable entries are imported; the malformed ones are named.
            failed += 1
            for problem in skipped:
                click.echo(f"{path}: error: skipped the entry at {problem}. Fix it and import the file again.", err=True)
    if failed:
        click.echo(f"papers: {failed} of {len(files)} files could not be imported in full", err=True)
        sys.exit(1)


def _matching_keys(library, query: str | None) -> list[str]:
    """Keys of the papers matching QUERY, newest listed day first."""
    from reader.search import SearchIndex

    # sorted() copies: the list from papers() belongs to the library.
    papers = sorted(library.papers(), key=lambda p: (p.listed or p.published or "", p.key), reverse=True)
    if not query:
        return [p.key for p in papers]
    index = SearchIndex(papers)
    return index.search(query, library.states())


@main.command("list")
@click.argument("query", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines, one object per paper.")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Print at most N papers.")
@click.pass_obj
def list_command(paths: Paths, query: str | None, as_json: bool, limit: int | None) -> None:
    """List papers, newest first; QUERY filters them (see README for the syntax)."""
    from reader.export import paper_json

    library = open_library(paths)
    keys = _matching_keys(library, query)
    if limit is not None:
        keys = keys[:limit]
    out = sys.stdout.buffer if as_json else None
    for key in keys:
        paper = library.get(key)
        state = library.state(key)
        if out is not None:
            out.write(orjson.dumps(paper_json(paper, state)) + b"\n")
            continue
        mark = "*" if state.starred else " "
        unread = " " if state.read else "•"
        day = paper.listed or paper.published or "          "
        click.echo(f"{unread}{mark} {paper.versioned_id:<22} {day}  {paper.title}")


@main.command("mark")
@click.argument("ids", nargs=-1, required=True)
@click.option("--star/--unstar", default=None, help="Star or unstar the papers.")
@click.option("--read/--unread", default=None, help="Mark the papers read or unread.")
@click.option("--tag", "add", multiple=True, help="Add a tag (repeatable).")
@click.option("--untag", "remove", multiple=True, help="Remove a tag (repeatable).")
@click.pass_obj
def mark_command(paths: Paths, ids, star, read, add, remove) -> None:
    """Star, read or tag papers given by any id form (2406.18820, arXiv:...,
    an arXiv or HF URL)."""
    if star is None and read is None and not add and not remove:
        raise click.UsageError("Nothing to change: give --star, --unstar, --read, --unread, --tag or --untag.")
    library = open_library(paths)
    keys = [resolve_or_fail(library, text) for text in ids]
    if read is not None:
        library.set_read(keys, read)
    for key in keys:
        if star is not None:
            library.set_starred(key, star)
        if add:
            library.add_tags(key, add)
        if remove:
            library.remove_tags(key, remove)
        state = library.state(key)
        tags = ", ".join(state.tags) or "-"
        click.echo(
            f"{key}: {'starred' if state.starred else 'not starred'}, "
            f"{'read' if state.read else 'unread'}, tags: {tags}"
        )


@main.command("note")
@click.argument("paper_id")
@click.option("--text", help="The note text; an empty string removes the note.")
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the note from a UTF-8 file ('-' is not supported; use --text).",
)
@click.pass_obj
def note_command(paths: Paths, paper_id: str, text: str | None, file: Path | None) -> None:
    """Set the note of a paper from --text or --file."""
    if (text is None) == (file is None):
        raise click.UsageError("Give exactly one of --text or --file.")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ReaderError(f"Cannot read the note file {file}: {error}. Save it as UTF-8 text.") from error
    library = open_library(paths)
    key = resolve_or_fail(library, paper_id)
    library.set_note(key, text or "")
    click.echo(f"{key}: note saved ({len(text or '')} characters)")


@main.command("locate")
@click.pass_obj
def locate_command(paths: Paths) -> None:
    """Print where the data, config and log files are."""
    click.echo(f"data:   {paths.data_dir}")
    click.echo(f"config: {paths.config_file}")
    click.echo(f"log:    {paths.log_file}")
    click.echo(f"papers: {paths.papers_file}")
    click.echo(f"state:  {paths.state_file}")
