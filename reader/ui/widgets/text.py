"""Display helpers for paper text: one clean line, cut to a cell width without splitting a character."""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len, set_cell_size

ELLIPSIS = "…"

# Bidirectional overrides and isolates can reorder the rest of a terminal line.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def one_line(text: str) -> str:
    """Return text on one line: whitespace runs become one space, control characters go."""
    if text.isprintable() and "  " not in text:
        return text
    cleaned = []
    for char in text:
        if char in _BIDI_CONTROLS:
            continue
        if char.isspace() or unicodedata.category(char) == "Cc":
            cleaned.append(" ")
        else:
            cleaned.append(char)
    return " ".join("".join(cleaned).split())


def fit(text: str, width: int) -> str:
    """Cut or pad text to exactly ``width`` cells, ending a cut with an ellipsis.

    Wide characters (CJK, emoji, emoji with a variation selector) and
    combining marks are never split: rich's grapheme-aware ``set_cell_size``
    pads with a space where half a wide character would be.
    """
    if width <= 0:
        return ""
    length = cell_len(text)
    if length == width:
        return text
    if length < width:
        return text + " " * (width - length)
    if width == 1:
        return ELLIPSIS
    return set_cell_size(text, width - 1) + ELLIPSIS


def shorten(text: str, width: int) -> str:
    """Cut text to at most ``width`` cells (with an ellipsis), without padding."""
    if cell_len(text) <= width:
        return text
    return fit(text, width).rstrip() if width > 0 else ""


def multiline(text: str) -> str:
    """Return text with control characters removed but line breaks kept."""
    if text.isprintable():
        return text
    lines = [one_line(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines)
