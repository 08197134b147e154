"""Locations of papers-reader's data, config and log files.

Nothing here touches the disk at import time; folders are created by
``ensure()`` when a command first needs them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "papers-reader"
HOME_ENV = "PAPERS_READER_HOME"


@dataclass(frozen=True)
class Paths:
    """The folders and files of one papers-reader installation."""

    data_dir: Path
    config_dir: Path

    @property
    def papers_file(self) -> Path:
        """TinyDB file holding the paper cache."""
        return self.data_dir / "papers.json"

    @property
    def state_file(self) -> Path:
        """TinyDB file holding the user's read/star/note/tag state."""
        return self.data_dir / "state.json"

    @property
    def drafts_dir(self) -> Path:
        """Folder of note drafts written while the user types."""
        return self.data_dir / "drafts"

    @property
    def cache_dir(self) -> Path:
        """Folder of raw fetched responses, kept for offline use."""
        return self.data_dir / "responses"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "papers-reader.log"

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    def ensure(self) -> "Paths":
        """Create the data and config folders if they are missing."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config_dir.mkdir(parents=True, exist_ok=True)
        return self


def default_paths() -> Paths:
    """Return the paths from ``PAPERS_READER_HOME``, else from platformdirs."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(data_dir=root / "data", config_dir=root / "config")
    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
    )
