"""The one error type the core raises for problems a user can act on."""

from __future__ import annotations


class ReaderError(Exception):
    """A failure with a short title and a message that says what to do.

    The CLI prints ``message`` on stderr and exits non-zero; the app shows it
    in a notification or dialog titled ``title``.
    """

    def __init__(self, message: str, title: str = "Error") -> None:
        super().__init__(message)
        self.message = message
        self.title = title

    def __str__(self) -> str:
        return self.message


class FormatError(ReaderError):
    """An input file or response that matches no known format or is malformed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, title="Unreadable input")
