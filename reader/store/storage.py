"""A TinyDB storage that writes whole files atomically, plus the file helpers.

Each write goes to a temporary file in the same folder, is flushed and
fsynced, and replaces the old file with ``os.replace``. The folder is then
fsynced so that the rename itself survives a power cut. Before the replace,
the old file is hard-linked to ``<name>.bak``, which keeps the previous good
version at almost no cost. A reader therefore sees either the old or the new
file, never a mix, also while another process is writing.

Files are UTF-8 JSON written by orjson, which never escapes non-ASCII text.
Every file carries a ``_meta`` table with the schema version. TinyDB treats
``_meta`` as one more table, so ``tinydb.TinyDB(path)`` still opens the file.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import orjson
from tinydb.storages import Storage

from reader.errors import ReaderError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""Version of the file layout this code reads and writes."""
META_TABLE = "_meta"
"""TinyDB table holding one document with the schema version and file kind."""
BACKUP_SUFFIX = ".bak"
CORRUPT_INFIX = ".corrupt-"
_TEMP_SUFFIX = ".tmp"

T = TypeVar("T")


class CorruptFileError(Exception):
    """A store file that cannot be parsed: empty, truncated or not our layout."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class InvalidRecordsError(CorruptFileError):
    """A store file that parses but has some invalid records, and at least one valid one.

    A parser raises it with the result of parsing the valid records
    (``value``) and the tables to write in place of the file (``tables``).
    """

    def __init__(self, path: Path, reason: str, *, dropped: int, tables: dict[str, dict[str, Any]], value: Any) -> None:
        super().__init__(path, reason)
        self.dropped = dropped
        """Number of invalid records left out of ``tables`` and ``value``."""
        self.tables = tables
        self.value = value


class FileSignature(NamedTuple):
    """Identity of one version of a file that is only ever replaced whole."""

    inode: int
    mtime_ns: int
    size: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileSignature:
        return cls(stat.st_ino, stat.st_mtime_ns, stat.st_size)


def file_signature(path: Path) -> FileSignature | None:
    """Return the signature of the file at ``path``, or None if it is missing."""
    try:
        return FileSignature.of(os.stat(path))
    except FileNotFoundError:
        return None


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames, new links) to disk.

    Does nothing on Windows, where folders cannot be opened for fsync.
    """
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_or_copy(source: Path, target: Path) -> None:
    """Make ``target`` (which must not exist) a hard link to ``source``.

    Falls back to a byte copy on file systems without hard links.
    """
    try:
        os.link(source, target)
    except OSError as error:
        log.debug("Hard link %s -> %s failed (%s); copying instead", source, target, error)
        with open(source, "rb") as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())


def _temp_name(path: Path, purpose: str) -> str:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.{purpose}.", suffix=_TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    os.unlink(name)
    return name


def keep_backup(path: Path) -> None:
    """Point ``<name>.bak`` at the current file, replacing the old backup atomically."""
    if not path.exists():
        return
    temp = _temp_name(path, "bak")
    _link_or_copy(path, Path(temp))
    os.replace(temp, backup_path(path))


def atomic_write(path: Path, payload: bytes | Iterable[bytes], *, backup: bool = True) -> FileSignature:
    """Replace the file at ``path`` with ``payload`` so that a crash leaves one whole file.

    ``payload`` is the whole content, or its pieces in order, which saves
    joining a large file in memory first. Returns the signature of the new file.
    """
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            else:
                handle.writelines(payload)
            handle.flush()
            os.fsync(handle.fileno())
            signature = FileSignature.of(os.fstat(handle.fileno()))
        if backup:
            keep_backup(path)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    fsync_folder(path.parent)
    return signature


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Delete temporary files that a killed writer of ``path`` left behind.

    Call this only while holding the file's lock, because a live writer's
    temporary file looks the same.
    """
    removed = []
    for temp in path.parent.glob(f".{path.name}.*{_TEMP_SUFFIX}"):
        try:
            temp.unlink()
        except FileNotFoundError:
            continue
        removed.append(temp)
    if removed:
        log.info("Removed %d temporary files left by an interrupted write of %s", len(removed), path)
    return removed


def decode(path: Path, raw: bytes, max_schema: int = SCHEMA_VERSION) -> dict[str, dict[str, Any]]:
    """Parse the bytes of a store file and check its TinyDB layout.

    Raises CorruptFileError for anything that is not a TinyDB document, and
    ReaderError for a file written by a schema newer than ``max_schema``,
    which must not be treated as corrupt.
    """
    if not raw.strip():
        raise CorruptFileError(path, "the file is empty")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise CorruptFileError(path, f"invalid JSON: {error}") from None
    check_tables(path, data, max_schema)
    return data


def check_tables(path: Path, data: Any, max_schema: int) -> None:
    """Check that decoded JSON is a TinyDB document of a schema this version reads."""
    if not isinstance(data, dict):
        raise CorruptFileError(path, f"expected a JSON object of tables, found {type(data).__name__}")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptFileError(path, f"table {name!r} is not a JSON object")
    schema = schema_version(data)
    if schema > max_schema:
        raise ReaderError(
            f"{path} was written by a newer papers-reader (schema {schema}; this version "
            f"reads schema {max_schema}). Upgrade papers-reader to open it.",
            title="Store from a newer version",
        )


def schema_version(data: dict[str, dict[str, Any]]) -> int:
    """Return the schema version in a decoded file; files without ``_meta`` count as 1."""
    for document in data.get(META_TABLE, {}).values():
        if isinstance(document, dict) and isinstance(document.get("schema"), int):
            return document["schema"]
    return 1


class AtomicJSONStorage(Storage):
    """TinyDB storage that keeps one JSON file and replaces it atomically on write.

    Usable directly as ``TinyDB(path, storage=AtomicJSONStorage, kind="state")``.
    ``read()`` raises CorruptFileError instead of returning partial data, and
    remembers the signature of the version it read so that ``changed_on_disk()``
    can tell whether another process has replaced the file since.
    Locking is the caller's job (see ``reader.store.library``).
    """

    def __init__(self, path: str | os.PathLike[str], create_dirs: bool = False, *, kind: str = "", backup: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self.kind = kind
        """Label stored in ``_meta``, e.g. ``papers`` or ``state``."""
        self.schema = SCHEMA_VERSION
        """Schema version written to ``_meta``; files of a newer one are rejected."""
        self.backup = backup
        self.signature: FileSignature | None = None
        """Signature of the version last read or written by this object."""
        if create_dirs:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def read(self) -> dict[str, dict[str, Any]] | None:
        """Return the file's tables, or None if the file does not exist."""
        try:
            with open(self.path, "rb") as handle:
                signature = FileSignature.of(os.fstat(handle.fileno()))
                raw = handle.read()
        except FileNotFoundError:
            self.signature = None
            return None
        data = self.decode(self.path, raw)
        self.signature = signature
        return data

    def decode(self, path: Path, raw: bytes) -> dict[str, dict[str, Any]]:
        """Parse the bytes of this storage's file, or of its backup at ``path``."""
        return decode(path, raw, self.schema)

    def load(self) -> Any:
        """Read the file for the library: by default its tables, as ``read()`` returns them."""
        return self.read()

    def load_backup(self, path: Path) -> Any:
        """Read a backup of the file the way ``load()`` reads the file itself."""
        return self.decode(path, path.read_bytes())

    def encode(self, data: dict[str, dict[str, Any]]) -> bytes:
        """Return the file content for these tables plus ``_meta``."""
        tables = dict(data)
        tables[META_TABLE] = {"1": {"schema": self.schema, "kind": self.kind}}
        return orjson.dumps(tables)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Write all tables plus ``_meta``, replacing the file atomically."""
        self.signature = atomic_write(self.path, self.encode(data), backup=self.backup)

    def changed_on_disk(self) -> bool:
        """Return whether the file differs from the version this object last saw."""
        return file_signature(self.path) != self.signature

    def close(self) -> None:
        """Release nothing: the file is opened only for the length of each call."""


MISSING = "missing"
CORRUPT = "corrupt"
INVALID_RECORDS = "invalid records"


class Recovered(NamedTuple):
    """Outcome of loading a file that was missing, corrupt or had invalid records."""

    cause: str
    """MISSING (restored from the backup), CORRUPT or INVALID_RECORDS."""
    moved_to: Path | None
    """New path of the bad file, or of the unusable backup when the file was missing."""
    reason: str
    """Reason the file or the backup was unusable. It is empty for a missing file with a good backup."""
    backup_time: datetime | None
    """Modification time of the restored backup, or None if none was restored."""
    dropped: int = 0
    """Number of invalid records left out of the file or of the restored backup."""


def _aside_path(path: Path) -> Path:
    """Return an unused ``<name>.corrupt-<local time>`` path next to ``path``."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}{CORRUPT_INFIX}{stamp}")
    counter = 2
    while target.exists():
        target = path.with_name(f"{path.name}{CORRUPT_INFIX}{stamp}-{counter}")
        counter += 1
    return target


def move_aside(path: Path) -> Path:
    """Rename a bad file to ``<name>.corrupt-<local time>`` and return the new path."""
    target = _aside_path(path)
    os.replace(path, target)
    fsync_folder(path.parent)
    return target


def copy_aside(path: Path) -> Path:
    """Keep the current file also as ``<name>.corrupt-<local time>`` and return that path.

    The file itself stays in place until the caller replaces it, so a crash
    in between leaves the original under its own name.
    """
    target = _aside_path(path)
    _link_or_copy(path, target)
    fsync_folder(path.parent)
    return target


def load_or_recover(storage: AtomicJSONStorage, parse: Callable[[Any], T]) -> tuple[T, Recovered | None]:
    """Read and parse a store file, recovering from a missing or corrupt file.

    ``parse`` turns what ``storage.load()`` returns into the caller's
    objects (``parse({})`` is the empty value) and may raise
    CorruptFileError, or InvalidRecordsError when only some records are
    invalid. Then the original is kept as ``<name>.corrupt-<time>`` and
    the valid records are written in its place. A file that does not
    parse is moved aside and its backup, if usable, is restored. A missing
    file is restored from its backup too, so that the next writes do not
    replace a good backup. Without a usable backup the file stays missing.
    Call this while holding the file's lock.
    """
    path = storage.path
    try:
        data = storage.load()
        if data is None:
            return _restore_missing(storage, parse)
        return parse(data), None
    except InvalidRecordsError as error:
        return error.value, _salvage(storage, error)
    except CorruptFileError as error:
        reason = error.reason
    moved_to = move_aside(path)
    log.warning("%s is corrupt (%s); moved it to %s", path, reason, moved_to)

    restored = _restore_backup(storage, parse)
    if isinstance(restored, tuple):
        value, backup_time, dropped = restored
        return value, Recovered(CORRUPT, moved_to, reason, backup_time, dropped)
    storage.signature = None
    return parse({}), Recovered(CORRUPT, moved_to, reason, None)


def _restore_missing(storage: AtomicJSONStorage, parse: Callable[[Any], T]) -> tuple[T, Recovered | None]:
    path = storage.path
    backup = backup_path(path)
    if not backup.exists():
        storage.signature = None
        return parse({}), None
    log.warning("%s is missing but its backup %s exists", path, backup)
    restored = _restore_backup(storage, parse)
    if isinstance(restored, tuple):
        value, backup_time, dropped = restored
        return value, Recovered(MISSING, None, "", backup_time, dropped)
    storage.signature = None
    if restored is None:
        return parse({}), None
    # Keep the unusable backup, which the second write from now would replace.
    moved_to = move_aside(backup)
    log.warning("Moved the unusable backup %s to %s", backup, moved_to)
    return parse({}), Recovered(MISSING, moved_to, restored, None)


def _restore_backup(storage: AtomicJSONStorage, parse: Callable[[Any], T]) -> tuple[T, datetime, int] | str | None:
    """Put the backup in the place of the (moved or missing) file.

    Returns the parsed backup, its modification time and the number of
    invalid records left out; or why the backup is unusable; or None if
    there is no backup.
    """
    path = storage.path
    backup = backup_path(path)
    try:
        backup_time = datetime.fromtimestamp(backup.stat().st_mtime)
        value = parse(storage.load_backup(backup))
    except FileNotFoundError:
        log.warning("No backup %s to restore", backup)
        return None
    except InvalidRecordsError as error:
        # The backup stays as it is, and its valid records become the file.
        storage.signature = atomic_write(path, storage.encode(error.tables), backup=False)
        log.warning(
            "Restored %s from its backup of %s without %d invalid records (%s)",
            path, backup_time, error.dropped, error.reason,
        )
        return error.value, backup_time, error.dropped
    except CorruptFileError as error:
        log.warning("Backup %s is unusable too (%s)", backup, error.reason)
        return error.reason
    temp = _temp_name(path, "restore")
    _link_or_copy(backup, Path(temp))
    os.replace(temp, path)
    fsync_folder(path.parent)
    storage.signature = file_signature(path)
    log.warning("Restored %s from its backup of %s", path, backup_time)
    return value, backup_time, 0


def _salvage(storage: AtomicJSONStorage, error: InvalidRecordsError) -> Recovered:
    """Keep the original file aside and write only its valid records in its place.

    The backup is left alone, because the original is no good version to keep.
    """
    path = storage.path
    moved_to = copy_aside(path)
    storage.signature = atomic_write(path, storage.encode(error.tables), backup=False)
    log.warning(
        "Dropped %d invalid records from %s (%s); the original is at %s", error.dropped, path, error.reason, moved_to
    )
    return Recovered(INVALID_RECORDS, moved_to, error.reason, None, error.dropped)
