"""Importers: turn the bytes of a papers file or API response into Papers.

``parse_bytes`` finds the format from the content, never from a file name,
so a saved API response imports whatever it is called. Every failure a
user can fix raises FormatError (a ReaderError) naming the file or URL.
"""

from __future__ import annotations

import codecs
import logging
from pathlib import Path
from types import ModuleType

from reader.errors import FormatError, ReaderError
from reader.models import Paper
from reader.sources import arxiv_atom, arxiv_rss, bibtex, hf_daily, hf_page, hf_paper
from reader.sources._common import EXPECTED_FORMATS, ArxivApiError

__all__ = [
    "FORMATS",
    "ArxivApiError",
    "bundled_sample_files",
    "decode",
    "load_file",
    "parse_bytes",
    "parse_text",
    "sniff",
]

log = logging.getLogger(__name__)

# Sniffing order matters: the JSON wrapper of an Atom feed also looks like
# an HF paper object, and BibTeX or page text may quote XML.
_MODULES: dict[str, ModuleType] = {
    hf_daily.NAME: hf_daily,
    arxiv_atom.NAME: arxiv_atom,
    hf_paper.NAME: hf_paper,
    arxiv_rss.NAME: arxiv_rss,
    bibtex.NAME: bibtex,
    hf_page.NAME: hf_page,
}
FORMATS: tuple[str, ...] = ("hf-daily", "hf-paper", "arxiv-atom", "arxiv-rss", "bibtex", "hf-page")
"""Names of the importable formats, also used as ``Paper.sources`` entries."""

_SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"
_BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"PK\x03\x04": "a zip archive",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


def decode(data: bytes, origin: str) -> str:
    """Decode file bytes as UTF-8 (BOM removed), falling back to Windows-1252.

    Raises FormatError for binary data such as images or PDFs.
    """
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise FormatError(f"{origin} is {kind}, not a papers file: {EXPECTED_FORMATS}.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FormatError(f"{origin} starts with a UTF-16 mark but is not valid UTF-16.") from None
    if b"\x00" in data[:8192]:
        raise FormatError(f"{origin} is binary data, not a papers file: {EXPECTED_FORMATS}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # Older BibTeX files are often Latin-1 or Windows-1252. Windows-1252
        # decodes all but five byte values, which become U+FFFD.
        log.warning(
            "%s is not valid UTF-8 (byte %d), so it was decoded as Windows-1252",
            origin,
            error.start,
        )
        return data.decode("cp1252", errors="replace")


def sniff(data: bytes) -> str | None:
    """Return the format name of a file's content, or None if it matches none."""
    try:
        text = decode(data, "data")
    except FormatError:
        return None
    return _sniff_text(text)


def _sniff_text(text: str) -> str | None:
    for name, module in _MODULES.items():
        if module.looks_like(text):
            return name
    return None


def parse_text(text: str, origin: str) -> list[Paper]:
    """Parse already decoded text in whatever format it is."""
    if not text.strip():
        raise FormatError(f"{origin} is empty: {EXPECTED_FORMATS}.")
    name = _sniff_text(text)
    if name is None:
        raise FormatError(f"{origin} is not a papers file: {EXPECTED_FORMATS}.")
    papers = _MODULES[name].parse(text, origin)
    log.info("%s: read %d papers as %s", origin, len(papers), name)
    return papers


# JSON formats whose parsers accept bytes: orjson reads UTF-8 bytes directly.
_JSON_FORMATS = ("hf-daily", "hf-paper")
_LARGE = 1 << 20


def parse_bytes(data: bytes, origin: str) -> list[Paper]:
    """Parse a papers file's bytes; ``origin`` (path or URL) names it in errors."""
    if len(data) > _LARGE:
        body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
        if body.lstrip()[:1] in (b"[", b"{"):
            # A big JSON file skips the decode to str: for 100,000 HF papers
            # that copy is 335 MB and 0.4 s. The head alone is enough to sniff.
            decode(body[:8192], origin)  # rejects binary data with a clear error
            name = _sniff_text(body[:65536].decode("utf-8", errors="ignore"))
            if name in _JSON_FORMATS:
                papers = _MODULES[name].parse(body, origin)
                log.info("%s: read %d papers as %s", origin, len(papers), name)
                return papers
    return parse_text(decode(data, origin), origin)


def load_file(path: Path) -> list[Paper]:
    """Read and parse one papers file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReaderError(f"{path} was not found. Check the path.", title="File not found") from None
    except IsADirectoryError:
        raise ReaderError(
            f"{path} is a directory. Give the path of a papers file inside it.",
            title="Not a file",
        ) from None
    except PermissionError:
        raise ReaderError(
            f"{path} cannot be read: permission denied. Check the file's permissions.",
            title="Permission denied",
        ) from None
    except OSError as error:
        raise ReaderError(f"{path} cannot be read: {error.strerror}.", title="Read failed") from None
    return parse_bytes(data, str(path))


def bundled_sample_files() -> list[Path]:
    """Return the real sample files shipped with the package, sorted by name."""
    if not _SAMPLE_DIR.is_dir():
        return []
    return sorted(path for path in _SAMPLE_DIR.iterdir() if path.is_file() and not path.name.startswith("."))
