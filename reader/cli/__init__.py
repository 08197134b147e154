"""The ``papers`` command: opens the app, or runs a subcommand for scripts."""

from __future__ import annotations

import sys

import click

from reader import __version__
from reader.errors import ReaderError
from reader.logs import setup_logging
from reader.paths import default_paths


class ReaderGroup(click.Group):
    """A click group that turns a ReaderError into one stderr line and exit 1."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ReaderError as error:
            click.echo(f"papers: {error.message}", err=True)
            sys.exit(1)


@click.group(cls=ReaderGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="papers")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Read research papers from Hugging Face Daily Papers and arXiv.

    With no command, opens the reader app.
    """
    paths = default_paths()
    setup_logging(paths)
    ctx.obj = paths
    if ctx.invoked_subcommand is None:
        from reader.ui import run_app

        sys.exit(run_app(paths))


# Each module below adds its commands to ``main``.
from reader.cli import library_commands  # noqa: E402,F401
from reader.cli import fetch_commands  # noqa: E402,F401
from reader.cli import export_commands  # noqa: E402,F401
