"""``papers fetch``: get papers from Hugging Face and arXiv into the library.

Progress goes to stderr, the summary to stdout (or JSON with ``--json``).
The command exits 1 when any source failed, also when a cached copy was
imported in its place.
"""

from __future__ import annotations

import sys

import click
import orjson

from reader.cli import main
from reader.errors import ReaderError
from reader.paths import Paths

_OFFLINE_HELP = "Import only responses cached by earlier fetches; send no request."
_JSON_HELP = "Print the report as JSON on stdout."


def _progress(message: str) -> None:
    click.echo(message, err=True)


def _run(paths: Paths, requests, offline: bool, as_json: bool) -> None:
    """Fetch the requests into the library, print the report, and exit 1 on failure."""
    from reader.cli.library_commands import open_library
    from reader.config import load_config
    from reader.fetch import run_fetch

    config = load_config(paths)
    library = open_library(paths)
    try:
        if offline:
            _progress("Offline: importing cached responses only.")
        report = run_fetch(library, config, requests, _progress, offline=offline, paths=paths)
    finally:
        library.close()

    if as_json:
        sys.stdout.buffer.write(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2) + b"\n")
    else:
        for source in report.sources:
            if source.ok:
                click.echo(source.summary())
        total = f"Total: {report.added} added, {report.updated} updated, {report.unchanged} unchanged"
        if len(report.sources) > 1:
            click.echo(total)
    for source in report.failed:
        click.echo(f"papers: {source.label}: {source.error}", err=True)
    if not report.ok:
        sys.exit(1)


def _requests_or_usage_error(build):
    """Call a request builder, turning its ReaderError into a click usage error (exit 2)."""
    try:
        return build()
    except ReaderError as error:
        raise click.UsageError(error.message) from None


@main.group("fetch", invoke_without_command=True)
@click.option("--offline", is_flag=True, help=_OFFLINE_HELP)
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)
@click.pass_context
def fetch_group(ctx: click.Context, offline: bool, as_json: bool) -> None:
    """Fetch new papers. With no subcommand, fetch the subscriptions of the config file.

    Without subscriptions, this gets the latest Hugging Face Daily Papers.
    Afterwards, papers that have no arXiv id yet are looked up on arXiv by
    title (at most 20 per run).
    """
    ctx.meta["papers_fetch_offline"] = offline
    ctx.meta["papers_fetch_json"] = as_json
    if ctx.invoked_subcommand is not None:
        return
    from reader.config import load_config
    from reader.fetch import default_requests

    paths: Paths = ctx.obj
    requests = default_requests(load_config(paths))
    _run(paths, requests, offline, as_json)


def _flags(ctx: click.Context, offline: bool, as_json: bool) -> tuple[bool, bool]:
    return offline or ctx.meta.get("papers_fetch_offline", False), as_json or ctx.meta.get("papers_fetch_json", False)


@fetch_group.command("hf")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="One day's listing ('today' and 'yesterday' work too).")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="First day of a range (with --to).")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Last day of a range, included.")
@click.option("--week", metavar="YYYY-Www", help="An ISO week, e.g. 2026-W48 ('this' and 'last' work too).")
@click.option("--month", metavar="YYYY-MM", help="A month, e.g. 2026-11 ('this' and 'last' work too).")
@click.option("--trending", is_flag=True, help="Order by trending score instead of the listing order.")
@click.option("--offline", is_flag=True, help=_OFFLINE_HELP)
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)
@click.pass_context
def fetch_hf_command(ctx, day, date_from, date_to, week, month, trending, offline, as_json) -> None:
    """Fetch Hugging Face Daily Papers: the latest day, or a day, range, week or month."""
    from reader.fetch.plan import hf_requests

    requests = _requests_or_usage_error(
        lambda: hf_requests(
            day=day, date_from=date_from, date_to=date_to, week=week, month=month, trending=trending
        )
    )
    _run(ctx.obj, requests, *_flags(ctx, offline, as_json))


@fetch_group.command("arxiv")
@click.option(
    "--category",
    "categories",
    multiple=True,
    metavar="NAME",
    help="An arXiv category such as cs.LG; repeat it or join with commas for several.",
)
@click.option("--query", metavar="QUERY", help="A search in arXiv's syntax, e.g. 'ti:diffusion AND cat:cs.CV'.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="With --category: first submission day.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="With --category: last submission day, included.")
@click.option("--week", metavar="YYYY-Www", help="With --category: papers submitted in an ISO week.")
@click.option("--month", metavar="YYYY-MM", help="With --category: papers submitted in a month.")
@click.option(
    "--max",
    "max_results",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Maximum number of results to fetch from the arXiv API, newest first.",
)
@click.option("--offline", is_flag=True, help=_OFFLINE_HELP)
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)
@click.pass_context
def fetch_arxiv_command(
    ctx, categories, query, date_from, date_to, week, month, max_results, offline, as_json
) -> None:
    """Fetch from arXiv: the latest announcement of categories (RSS), the
    categories over a date range (API), or a search (API).
    """
    from reader.fetch.plan import arxiv_requests

    if not categories and not query:
        raise click.UsageError("Give --category (e.g. --category cs.LG) or --query.")
    requests = _requests_or_usage_error(
        lambda: arxiv_requests(
            categories=categories,
            query=query,
            date_from=date_from,
            date_to=date_to,
            week=week,
            month=month,
            max_results=max_results,
        )
    )
    _run(ctx.obj, requests, *_flags(ctx, offline, as_json))


@fetch_group.command("titles")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Maximum number of titles to search for; searches are 3 s apart (arXiv's rate limit).",
)
@click.option("--offline", is_flag=True, help=_OFFLINE_HELP)
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)
@click.pass_context
def fetch_titles_command(ctx, limit, offline, as_json) -> None:
    """Find the arXiv ids of papers known only by title, by an arXiv title search."""
    from reader.fetch.plan import TitleLookupRequest

    _run(ctx.obj, [TitleLookupRequest(limit=limit)], *_flags(ctx, offline, as_json))
