"""Copy a text from the app: system clipboard, else OSC 52, else a dialog.

The system clipboard (pyperclip) is tried in a daemon thread with a timeout,
so a hung xclip or wl-copy never freezes the app or blocks its exit. When it
fails, the text goes to the terminal's clipboard as OSC 52, wrapped for tmux
when ``$TMUX`` is set. When the terminal cannot be trusted with OSC 52 either,
a dialog shows the text selected for a manual copy. Every outcome ends in a
notification that says what was copied and how. ``PAPERS_READER_CLIPBOARD``
(``auto``, ``system``, ``osc52``, ``dialog``) picks one method instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from textual.app import App
from textual.worker import Worker

from reader.clipboard import (
    COPY_TIMEOUT,
    MODE_ENV,
    ClipboardUnavailable,
    clipboard_mode,
    inside_tmux,
    osc52_sequence,
    preview,
    pyperclip_copy,
    terminal_accepts_osc52,
)
from reader.ui.dialogs.select_text import SelectTextDialog

logger = logging.getLogger(__name__)

CopyMethod = Literal["system", "osc52", "dialog", "none"]

# Extra seconds the thread may take beyond the backend's own timeout: a
# clipboard program is killed at COPY_TIMEOUT, and its thread then needs a
# moment to report that.
_THREAD_GRACE = 0.5

_T = TypeVar("_T")


def _run_in_daemon_thread(function: Callable[..., _T], *args: Any) -> asyncio.Future[_T]:
    """Run ``function(*args)`` in a daemon thread and return a future of its result.

    Unlike ``asyncio.to_thread``, a thread that never returns does not keep
    the process alive at exit.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def target() -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = function(*args)
        except BaseException as caught:  # handed to the awaiting task
            error = caught
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:
            # The event loop closed while the thread ran, so no task awaits the result.
            logger.debug("Clipboard thread finished after the event loop closed")

    threading.Thread(target=target, name="clipboard-copy", daemon=True).start()
    return future


def _output_is_tty(app: App[Any]) -> bool:
    """Return whether the app draws on a terminal (OSC 52 can only reach one)."""
    if app.is_headless:
        return False
    # Textual 8's Linux driver writes to sys.__stderr__ and keeps it as _file.
    stream = getattr(app._driver, "_file", None) or sys.__stderr__
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _send_osc52(app: App[Any], text: str, tmux: bool) -> bool:
    """Send ``text`` to the terminal's clipboard; return False without a driver."""
    driver = app._driver
    if driver is None:
        return False
    # The plain sequence reaches the terminal directly, or through tmux when
    # tmux's set-clipboard option is on. The wrapped one passes through tmux
    # when its allow-passthrough option is on. Sending both covers either
    # setting, and a terminal that gets both just sets the clipboard twice.
    app.copy_to_clipboard(text)
    # NOTE: GNU screen needs its own DCS wrapping, split into short chunks;
    # inside screen only the plain sequence is sent.
    if tmux:
        driver.write(osc52_sequence(text, tmux=True))
    return True


async def _system_copy(text: str, timeout: float) -> str:
    future = _run_in_daemon_thread(pyperclip_copy, text, timeout)
    try:
        return await asyncio.wait_for(future, timeout + _THREAD_GRACE)
    except TimeoutError as error:
        raise ClipboardUnavailable(f"the clipboard timed out after {timeout:g} s") from error


def _show_dialog(app: App[Any], text: str, label: str, reason: str) -> None:
    app.push_screen(SelectTextDialog(label, text, reason=reason))
    app.notify(
        f"Not copied automatically: copy the {label} from the dialog.",
        severity="warning",
        markup=False,
    )


async def copy_text(
    app: App[Any], text: str, label: str, *, timeout: float = COPY_TIMEOUT
) -> CopyMethod:
    """Copy ``text`` (named ``label``, e.g. "arXiv link") and notify how it went.

    Returns the method that was used. Every exception except cancellation is
    caught, logged and shown as a notification.
    """
    if not text:
        app.notify(f"Nothing to copy: the {label} is empty.", severity="warning", markup=False)
        return "none"
    try:
        return await _copy(app, text, label, timeout)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        logger.exception("Copying the %s failed", label)
        app.notify(
            f"Copying the {label} failed: {error}", severity="error", markup=False
        )
        return "none"


async def _copy(app: App[Any], text: str, label: str, timeout: float) -> CopyMethod:
    environ = os.environ
    mode = clipboard_mode(environ)
    shown = preview(text)
    if mode == "dialog":
        _show_dialog(app, text, label, f"{MODE_ENV}=dialog turns automatic copying off.")
        return "dialog"

    failure = ""
    if mode in ("auto", "system"):
        try:
            backend = await _system_copy(text, timeout)
        except ClipboardUnavailable as error:
            logger.info("System clipboard failed for the %s: %s", label, error)
            failure = str(error)
        else:
            logger.info("Copied the %s with %s", label, backend)
            app.notify(f"Copied {label} with {backend}: {shown}", markup=False)
            return "system"

    trusted = terminal_accepts_osc52(environ, _output_is_tty(app))
    if mode == "osc52" or (mode == "auto" and trusted):
        tmux = inside_tmux(environ)
        if _send_osc52(app, text, tmux):
            route = "through tmux " if tmux else ""
            logger.info("Sent the %s to the terminal clipboard %s(OSC 52)", label, route)
            app.notify(
                f"Sent {label} to the terminal clipboard {route}(OSC 52): {shown}",
                markup=False,
            )
            return "osc52"

    if mode == "osc52":
        reason = "The app has no terminal to send OSC 52 to."
    elif mode == "system":
        reason = f"The system clipboard failed ({failure}), and {MODE_ENV}=system turns OSC 52 off."
    else:
        reason = f"The system clipboard failed ({failure}), and this terminal cannot take OSC 52."
    logger.info("Showing the %s for a manual copy: %s", label, reason)
    _show_dialog(app, text, label, reason)
    return "dialog"


def start_copy(app: App[Any], text: str, label: str) -> Worker[CopyMethod]:
    """Run ``copy_text`` as a worker, so the calling handler returns at once."""
    return app.run_worker(
        copy_text(app, text, label),
        name=f"copy {label}",
        group="clipboard",
        exit_on_error=False,
    )
