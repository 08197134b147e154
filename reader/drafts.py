"""Note drafts on disk, written while the user types so a crash loses little.

Each paper's draft is one UTF-8 file, ``<encoded key>.txt``, in the drafts
folder. The key is percent-encoded so that ``hep-th/9901001`` or
``title:abc123`` becomes a single safe file name that decodes back to the key.
Every write goes to a temporary file in the same folder, is fsynced, and then
replaces the draft with ``os.replace``, so a reader sees either the previous
draft or the new one, never a torn file, even after ``kill -9``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

logger = logging.getLogger(__name__)

DRAFT_SUFFIX = ".txt"
_TEMP_PREFIX = "."
_TEMP_SUFFIX = ".tmp"
# Common file systems limit a name to 255 bytes; leave room for the suffix
# and for the temporary file's prefix and random part.
_MAX_NAME_BYTES = 200


def draft_file_name(key: str) -> str:
    """Encode a paper key as a file name that contains no path separator.

    Raises ValueError for an empty key or one too long to encode.
    """
    if not key:
        raise ValueError("A draft needs a non-empty paper key.")
    encoded = quote(key, safe="")
    # A leading dot would make the draft a hidden file that pending_drafts()
    # takes for a leftover temporary file.
    if encoded.startswith("."):
        encoded = "%2E" + encoded[1:]
    if len(encoded.encode("ascii")) > _MAX_NAME_BYTES:
        raise ValueError(f"Paper key is too long for a draft file name: {key[:60]!r}...")
    return encoded + DRAFT_SUFFIX


def draft_path(drafts_dir: Path, key: str) -> Path:
    """Return the path of the draft file for the paper ``key``."""
    return Path(drafts_dir) / draft_file_name(key)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable. Not every platform lets a folder be
    # opened for fsync (Windows does not), and then the rename is left to
    # the file system.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_draft(drafts_dir: Path, key: str, text: str) -> Path:
    """Write ``text`` as the draft of ``key`` atomically, creating the folder.

    Returns the draft's path. Raises OSError if the disk write fails.
    """
    drafts_dir = Path(drafts_dir)
    target = draft_path(drafts_dir, key)
    drafts_dir.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(
        prefix=_TEMP_PREFIX + target.name + ".", suffix=_TEMP_SUFFIX, dir=drafts_dir
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
    _fsync_dir(drafts_dir)
    return target


def read_draft(drafts_dir: Path, key: str) -> str | None:
    """Return the draft of ``key``, or None if there is none."""
    path = draft_path(drafts_dir, key)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return data.decode("utf-8", errors="replace")


def draft_mtime(drafts_dir: Path, key: str) -> float | None:
    """Return the draft's modification time (seconds since the epoch), or None."""
    try:
        return draft_path(drafts_dir, key).stat().st_mtime
    except FileNotFoundError:
        return None


def remove_draft(drafts_dir: Path, key: str) -> None:
    """Delete the draft of ``key``. A missing draft is not an error."""
    try:
        draft_path(drafts_dir, key).unlink()
    except FileNotFoundError:
        pass


def _is_encoded_key(key: str, name: str) -> bool:
    try:
        return draft_file_name(key) == name
    except ValueError:
        return False


def pending_drafts(drafts_dir: Path) -> dict[str, str]:
    """Return every draft in the folder as paper key to text.

    Used at start-up to recover notes typed before a crash. Leftover
    temporary files from an interrupted write are skipped, and so are files
    whose names are not encoded keys.
    """
    drafts_dir = Path(drafts_dir)
    drafts: dict[str, str] = {}
    try:
        entries = sorted(drafts_dir.iterdir())
    except FileNotFoundError:
        return drafts
    for path in entries:
        name = path.name
        if name.startswith(_TEMP_PREFIX) or not name.endswith(DRAFT_SUFFIX):
            continue
        key = unquote(name[: -len(DRAFT_SUFFIX)])
        if not _is_encoded_key(key, name):
            logger.warning("Skipping %s in the drafts folder: not a draft file name", path)
            continue
        try:
            drafts[key] = path.read_bytes().decode("utf-8", errors="replace")
        except OSError as error:
            logger.warning("Failed to read draft %s: %s", path, error)
    return drafts
