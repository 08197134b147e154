"""What can be copied for a paper, and the two ways of copying it.

``copy_choices`` builds the texts: links, a Markdown link, a BibTeX entry
from reader.export and the bare id. ``pyperclip_copy`` puts a text on the
system clipboard through pyperclip's backend detection. ``osc52_sequence``
builds the escape sequence that makes the terminal itself set its
clipboard, which also works over SSH. reader.ui.clipboard_worker picks the
method; this module imports no Textual.
"""

from __future__ import annotations

import base64
import functools
import logging
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pyperclip

from reader.export import bibtex_entry
from reader.models import Paper

logger = logging.getLogger(__name__)

COPY_TIMEOUT = 2.0
"""Seconds a clipboard program may take before the copy counts as failed."""

MODE_ENV = "PAPERS_READER_CLIPBOARD"
"""Environment variable that picks the copy method; see ``clipboard_mode``."""

ClipboardMode = Literal["auto", "system", "osc52", "dialog"]
CLIPBOARD_MODES: tuple[ClipboardMode, ...] = ("auto", "system", "osc52", "dialog")

# Terminals known to ignore OSC 52: a dumb terminal, the Linux virtual
# console, and macOS Terminal.app.
_TERMS_WITHOUT_OSC52 = {"dumb", "linux"}
_TERM_PROGRAMS_WITHOUT_OSC52 = {"Apple_Terminal"}


class ClipboardUnavailable(Exception):
    """The system clipboard could not be set: no backend, a failure or a timeout."""


@dataclass(frozen=True, slots=True)
class CopyChoice:
    """One thing the copy menu offers for a paper."""

    key_hint: str
    """The one-key shortcut that picks this choice in the copy menu."""
    label: str
    """Name of the text in the menu and the notification, e.g. ``arXiv link``."""
    text: str
    """The exact text put on the clipboard."""


# ---------------------------------------------------------------------------
# Texts to copy


def _one_line(text: str) -> str:
    return " ".join(text.split())


def markdown_link(paper: Paper) -> str:
    """Return ``[title](url)`` linking the paper's arXiv page (or title search).

    Backslashes and square brackets in the title are escaped, so a title such
    as ``[Re] Foo`` keeps the link intact. Parentheses and spaces in the URL
    are percent-encoded for the same reason.
    """
    title = _one_line(paper.title) or paper.key
    title = title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    url = paper.links()["abs"] or ""
    url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{title}]({url})"


def copy_choices(paper: Paper) -> list[CopyChoice]:
    """List what can be copied for ``paper``, leaving out missing values.

    A paper without an arXiv id has no PDF, HF page or bare id, and its link
    is an arXiv title search.
    """
    links = paper.links()
    choices: list[CopyChoice] = []
    if paper.arxiv_id:
        choices.append(CopyChoice("a", "arXiv link", links["abs"] or ""))
    elif links["abs"]:
        choices.append(CopyChoice("a", "arXiv title search link", links["abs"]))
    if links["pdf"]:
        choices.append(CopyChoice("p", "PDF link", links["pdf"]))
    if links["hf"]:
        choices.append(CopyChoice("h", "Hugging Face page", links["hf"]))
    if paper.github:
        choices.append(CopyChoice("g", "GitHub repository", paper.github))
    if paper.project_page:
        choices.append(CopyChoice("w", "project page", paper.project_page))
    if paper.doi:
        choices.append(CopyChoice("d", "DOI link", f"https://doi.org/{paper.doi}"))
    choices.append(CopyChoice("m", "Markdown link", markdown_link(paper)))
    choices.append(CopyChoice("b", "BibTeX entry", bibtex_entry(paper)))
    if paper.arxiv_id:
        choices.append(CopyChoice("i", "arXiv id", paper.versioned_id))
    return choices


def preview(text: str, width: int = 80) -> str:
    """Shorten ``text`` to its first line and at most ``width`` characters."""
    lines = text.strip().splitlines() or [""]
    first = lines[0]
    more = len(lines) > 1
    if len(first) > width:
        first = first[: width - 1]
        more = True
    return first + " …" if more else first


# ---------------------------------------------------------------------------
# Terminal clipboard (OSC 52)


def osc52_sequence(text: str, tmux: bool = False) -> str:
    """Build the OSC 52 sequence that sets the terminal's clipboard to ``text``.

    The payload is the base64 of the UTF-8 bytes. With ``tmux`` the sequence
    is wrapped in tmux's DCS passthrough (``ESC P tmux; … ESC \\``, with each
    ESC inside doubled), which tmux forwards to the outer terminal when its
    ``allow-passthrough`` option is on.
    """
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if tmux:
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


def clipboard_mode(environ: Mapping[str, str]) -> ClipboardMode:
    """Return the copy method that ``PAPERS_READER_CLIPBOARD`` selects.

    ``auto`` (the default) tries the system clipboard, then OSC 52, then a
    dialog. ``system``, ``osc52`` and ``dialog`` use only that method, but a
    failed ``system`` copy still ends in the dialog.
    """
    value = environ.get(MODE_ENV, "auto").strip().lower() or "auto"
    if value not in CLIPBOARD_MODES:
        logger.warning(
            "Invalid %s=%r; expected one of %s. Using auto.",
            MODE_ENV,
            value,
            ", ".join(CLIPBOARD_MODES),
        )
        return "auto"
    return value  # type: ignore[return-value]


def terminal_accepts_osc52(environ: Mapping[str, str], is_tty: bool) -> bool:
    """Return whether OSC 52 may reach a terminal that honours it.

    False when the output is not a terminal, or ``TERM`` / ``TERM_PROGRAM``
    names a terminal known to ignore OSC 52. Other terminals may still ignore
    it (xterm does unless its ``allowWindowOps`` resource is set), which no
    program can detect.
    """
    if not is_tty:
        return False
    if environ.get("TERM", "") in _TERMS_WITHOUT_OSC52:
        return False
    return environ.get("TERM_PROGRAM", "") not in _TERM_PROGRAMS_WITHOUT_OSC52


def inside_tmux(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("TMUX"))


# ---------------------------------------------------------------------------
# System clipboard (pyperclip)

# Command-line backends that pyperclip picks. They are run here rather than
# through pyperclip 1.11's copy function, because that function passes the
# terminal on as the program's stderr, so an "Error: Can't open display"
# would be drawn over the app. It also ignores the exit status, so a failed
# xclip would count as copied, and it has no timeout.
_COMMAND_BACKENDS: dict[str, tuple[str, list[str]]] = {
    "copy_xclip": ("xclip", ["xclip", "-selection", "clipboard"]),
    "copy_xsel": ("xsel", ["xsel", "--clipboard", "--input"]),
    "copy_wl": ("wl-copy", ["wl-copy"]),
    "copy_osx_pbcopy": ("pbcopy", ["pbcopy"]),
}
_BACKEND_NAMES = {
    "copy_osx_pyobjc": "the macOS pasteboard",
    "copy_qt": "Qt",
    "copy_klipper": "Klipper",
    "copy_windows": "the Windows clipboard",
    "copy_wsl": "clip.exe",
    "copy_dev_clipboard": "/dev/clipboard",
}
# The type of the placeholder pyperclip returns when it finds no backend.
_NO_BACKEND = "ClipboardUnavailable"


@functools.cache
def _detected_backend() -> Callable[..., Any]:
    copy_function, _paste_function = pyperclip.determine_clipboard()
    return copy_function


def _backend_function() -> Callable[..., Any]:
    # pyperclip.copy starts as a stub that detects the backend on first use.
    # Detection is done once here instead, so the command backends can be
    # run directly. A copy function set by pyperclip.set_clipboard() or by a
    # test is used as it is.
    if pyperclip.copy is pyperclip.lazy_load_stub_copy:
        return _detected_backend()
    return pyperclip.copy


def _run_copy_command(program: str, argv: list[str], text: str, timeout: float) -> None:
    # stdout goes to /dev/null and stderr to a file rather than to pipes:
    # xclip, xsel and wl-copy fork a child that keeps serving the selection
    # and inherits those handles, so reading a pipe to EOF would block.
    with tempfile.TemporaryFile() as errors:
        try:
            result = subprocess.run(
                argv,
                input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=errors,
                timeout=timeout,
                close_fds=True,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ClipboardUnavailable(f"{program} timed out after {timeout:g} s") from error
        except OSError as error:
            raise ClipboardUnavailable(f"{program} failed to start: {error}") from error
        if result.returncode != 0:
            errors.seek(0)
            message = _one_line(errors.read(500).decode("utf-8", errors="replace"))
            detail = f": {message}" if message else ""
            raise ClipboardUnavailable(
                f"{program} failed with exit status {result.returncode}{detail}"
            )


def pyperclip_copy(text: str, timeout: float = COPY_TIMEOUT) -> str:
    """Put ``text`` on the system clipboard and return the backend's name.

    Raises ClipboardUnavailable when pyperclip finds no backend or the copy
    fails in any way; the original exception is chained. ``timeout`` bounds
    the command-line backends (xclip, xsel, wl-copy, pbcopy). The others run
    in-process and cannot be stopped, so callers run this in a thread.
    """
    try:
        copy_function = _backend_function()
        function_name = getattr(copy_function, "__name__", type(copy_function).__name__)
        if function_name == _NO_BACKEND:
            raise ClipboardUnavailable(
                "no clipboard program found (install xclip or xsel for X11, "
                "wl-clipboard for Wayland)"
            )
        command = _COMMAND_BACKENDS.get(function_name)
        if command:
            program, argv = command
            _run_copy_command(program, argv, text, timeout)
            return program
        copy_function(text)
        return _BACKEND_NAMES.get(function_name, function_name)
    except ClipboardUnavailable:
        raise
    except Exception as error:
        raise ClipboardUnavailable(f"{type(error).__name__}: {error}") from error
