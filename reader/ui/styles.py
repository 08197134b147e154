"""Find the app's Textual CSS file in a wheel install or in a source checkout."""

from __future__ import annotations

from pathlib import Path

import reader

STYLE_FILE = "app.tcss"


def styles_dir() -> Path:
    """Return the folder of the .tcss files.

    The wheel puts the top-level ``styles/`` folder inside the package
    (``reader/styles``); a source checkout has it next to ``reader/``.
    """
    packaged = Path(reader.__file__).parent / "styles"
    if (packaged / STYLE_FILE).is_file():
        return packaged
    return Path(reader.__file__).parent.parent / "styles"


def app_css_path() -> Path:
    """Return the path of the app's stylesheet."""
    return styles_dir() / STYLE_FILE
