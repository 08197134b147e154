"""The Textual user interface. ``run_app`` is the entry point the CLI calls."""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import signal
from typing import Any

from reader.config import load_config
from reader.paths import Paths
from reader.store import Library, Notice

log = logging.getLogger(__name__)

SAMPLE_NOTICE = (
    "Showing the bundled sample of {count} real papers. Fetch today's papers with "
    "`papers fetch` or import files with `papers import FILE`."
)


def import_sample(library: Library) -> Notice | None:
    """Import the bundled sample papers into an empty library and return a notice saying so."""
    from reader.sources import bundled_sample_files, load_file

    papers = []
    for path in bundled_sample_files():
        try:
            papers.extend(load_file(path))
        except Exception:  # a broken sample file must not stop the app
            log.exception("Could not read the bundled sample %s", path)
    if not papers:
        return None
    library.import_papers(papers)
    log.info("Imported the bundled sample: %d papers", len(library))
    return Notice("Sample papers", SAMPLE_NOTICE.format(count=len(library)))


def run_app(paths: Paths) -> int:
    """Open the library, run the app until it exits and return its exit code.

    SIGTERM and SIGHUP make the app exit normally, so Textual restores the
    terminal (raw mode, alternate screen, mouse reporting) before the process ends.
    """
    from reader.ui.app import PapersApp

    config = load_config(paths)
    library = Library(paths)
    notices = library.open()
    if len(library) == 0:
        notice = import_sample(library)
        if notice is not None:
            notices.append(notice)
    # Everything loaded so far lives until exit: keep the collector from
    # re-scanning it, which caused ~300 ms pauses at 100,000 papers. The
    # screen freezes again once topics and the search index are built.
    gc.freeze()

    app = PapersApp(library, config, paths, notices)
    previous = _install_exit_handlers(app)
    try:
        result = app.run()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        library.close()
    return app.return_code if app.return_code is not None else (result or 0)


def _install_exit_handlers(app: Any) -> dict[int, Any]:
    """Make SIGTERM and SIGHUP ask the app to exit; return the handlers they replace."""
    previous: dict[int, Any] = {}

    def request_exit(signum: int, frame: object) -> None:
        log.info("Received signal %d, exiting", signum)
        loop = getattr(app, "_loop", None)
        if isinstance(loop, asyncio.AbstractEventLoop) and loop.is_running():
            # call_soon_threadsafe wakes the loop; app.exit then runs on it.
            loop.call_soon_threadsafe(functools.partial(app.exit, return_code=128 + signum))
        else:
            raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        previous[signum] = signal.signal(signum, request_exit)
    return previous
