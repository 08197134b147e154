"""Logging to a rotating file in the data folder; nothing goes to the terminal."""

from __future__ import annotations

import logging
import logging.handlers

from reader.paths import Paths

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(paths: Paths, level: int = logging.INFO) -> None:
    """Send the ``reader`` loggers and library warnings to papers-reader.log (1 MB, 3 old files kept)."""
    logger = logging.getLogger("reader")
    if any(getattr(h, "_papers_reader", False) for h in logger.handlers):
        return
    paths.ensure()
    handler = logging.handlers.RotatingFileHandler(
        paths.log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._papers_reader = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    # Libraries (bibtexparser, httpx) log to the root logger; without a
    # handler there, Python prints their warnings on stderr, over the TUI.
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
