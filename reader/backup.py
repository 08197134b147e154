"""A backup of the user's state that another machine can merge.

The backup is a JSON object::

    {"format": "papers-reader-backup", "version": 1, "app_version": "0.1.0",
     "created": "2026-12-04T21:00:00.000000+00:00",
     "states": {"2406.18820": {"read": true, "read_at": ..., "starred": false,
                               "note": "...", "tags": [...], "updated_at": ...,
                               "changed": {"read": "2026-...", ...}}}}

Restoring merges instead of replacing. For each paper and each field
(``read``, ``starred``, ``note``, ``tags``), the side whose ``changed[field]``
timestamp is newer wins. A side without a timestamp loses to one with it. If
neither has one, a set value (read, starred, a note, tags) wins over an
unset one. Nothing is lost silently:

* a state or field present on only one side is kept;
* ``tags`` are one field: the newer tag set replaces the older one as a
  whole, because a tag removed on purpose must stay removed;
* when two notes differ, the newer note wins and the other note's text is
  appended below a ``--- merged from backup <date> ---`` line (or
  ``--- kept from this machine <date> ---`` when this machine's note is the
  older), unless the newer note already contains it. A note that was
  shortened or deleted on one machine therefore comes back once, below
  that line, for the user to remove.

States of papers that are not in the library are restored too: the papers
may be imported later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader import __version__
from reader.errors import ReaderError
from reader.models import PaperState

log = logging.getLogger(__name__)

BACKUP_FORMAT = "papers-reader-backup"
BACKUP_VERSION = 1
"""Version of the backup layout; a reader rejects files with a newer one."""

MERGED_FIELDS = ("read", "starred", "note", "tags")
"""State fields merged one by one, each with its own ``changed`` timestamp."""


@dataclass
class Backup:
    """A parsed backup file."""

    created: str
    app_version: str
    states: dict[str, PaperState]


@dataclass
class RestoreReport:
    """Counts of a restore's changes, for the message shown to the user, and the merged states."""

    papers_updated: int = 0
    """Papers whose stored state changed, new ones included."""
    papers_added: int = 0
    """Papers that had no state on this machine."""
    fields_from_backup: int = 0
    """Fields whose differing value was taken from the backup."""
    fields_kept: int = 0
    """Fields whose differing value on this machine was newer and kept."""
    notes_combined: int = 0
    """Notes that now contain both versions."""
    not_in_library: int = 0
    """Updated states whose papers are not in the library yet."""
    states: dict[str, PaperState] = field(default_factory=dict)
    """The merged states that differ from this machine's, by paper key."""

    def summary(self) -> str:
        """Return a one-line description, e.g. ``12 papers updated, 3 fields kept from this machine``."""
        if not self.states:
            text = "Nothing changed: this library already has every change in the backup"
            if self.fields_kept:
                noun = _plural(self.fields_kept, "field")
                text += f" ({self.fields_kept} newer {noun} kept from this machine)"
            return text
        parts = [
            f"{self.papers_updated} {_plural(self.papers_updated, 'paper')} updated"
            + (f" ({self.papers_added} new)" if self.papers_added else ""),
            f"{self.fields_from_backup} {_plural(self.fields_from_backup, 'field')} taken from the backup",
            f"{self.fields_kept} {_plural(self.fields_kept, 'field')} kept from this machine",
        ]
        if self.notes_combined:
            parts.append(f"{self.notes_combined} {_plural(self.notes_combined, 'note')} combined")
        text = ", ".join(parts)
        if self.not_in_library:
            text += (
                f"; {self.not_in_library} of the updated papers are not in the library yet "
                "(their state is kept for when they are imported)"
            )
        return text


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


# ---------------------------------------------------------------------------
# Writing and reading
# ---------------------------------------------------------------------------


def backup_json(states: Mapping[str, PaperState], *, created: datetime | None = None) -> str:
    """Return the backup file's text for these states, keys sorted."""
    created = created or datetime.now(UTC)
    document = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "app_version": __version__,
        "created": created.isoformat(timespec="microseconds"),
        "states": {key: states[key].to_record() for key in sorted(states)},
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _not_a_backup(path: Path, reason: str) -> ReaderError:
    return ReaderError(
        f"{path} is not a papers-reader backup: {reason}. "
        "Pass a file written by `papers backup`; nothing was changed.",
        title="Not a backup",
    )


def _check_state(path: Path, key: str, record: Any) -> PaperState:
    where = f"the state of {key!r}"
    if not isinstance(record, dict):
        raise _not_a_backup(path, f"{where} is not an object")
    expected = {
        "read": bool,
        "starred": bool,
        "note": str,
        "tags": list,
        "changed": dict,
        "read_at": (str, type(None)),
        "updated_at": (str, type(None)),
    }
    for name, kind in expected.items():
        if name in record and not isinstance(record[name], kind):
            raise _not_a_backup(path, f"{where} has an invalid {name!r} ({record[name]!r})")
    if not all(isinstance(tag, str) for tag in record.get("tags", [])):
        raise _not_a_backup(path, f"{where} has a tag that is not a string")
    changed = record.get("changed", {})
    if not all(isinstance(name, str) and isinstance(stamp, str) for name, stamp in changed.items()):
        raise _not_a_backup(path, f"{where} has an invalid 'changed' timestamp")
    return PaperState.from_record(record)


def read_backup(path: Path) -> Backup:
    """Read and validate a backup file; raise ReaderError for anything else."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReaderError(
            f"Could not read {path}: {error.strerror or error}. Check the file name.",
            title="Backup not readable",
        ) from error
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _not_a_backup(path, f"it is not JSON ({error})") from error
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT:
        raise _not_a_backup(path, f'it has no "format": "{BACKUP_FORMAT}" header')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _not_a_backup(path, f"its version is invalid ({version!r})")
    if version > BACKUP_VERSION:
        raise ReaderError(
            f"{path} was written by a newer papers-reader (backup version {version}; this one "
            f"reads up to {BACKUP_VERSION}). Update papers-reader to restore it; nothing was changed.",
            title="Backup too new",
        )
    records = document.get("states")
    if not isinstance(records, dict):
        raise _not_a_backup(path, 'it has no "states" object')
    states = {}
    for key, record in records.items():
        if not key.strip():
            raise _not_a_backup(path, "it contains a state with an empty paper id")
        states[key] = _check_state(path, key, record)
    return Backup(
        created=str(document.get("created", "")),
        app_version=str(document.get("app_version", "")),
        states=states,
    )


# ---------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------


def _when(stamp: str | None) -> datetime | None:
    """Parse an ISO timestamp; a naive one is taken as UTC, an invalid one as missing."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        log.warning("Ignoring an invalid state timestamp %r", stamp)
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _value(state: PaperState, name: str) -> Any:
    return getattr(state, name)


def _is_set(value: Any) -> bool:
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _backup_wins(name: str, mine: PaperState, theirs: PaperState) -> bool:
    """Decide which side's differing value of field ``name`` is kept."""
    my_time = _when(mine.changed.get(name))
    their_time = _when(theirs.changed.get(name))
    if my_time and their_time and my_time != their_time:
        return their_time > my_time
    if their_time and not my_time:
        return True
    if my_time and not their_time:
        return False
    my_value, their_value = _value(mine, name), _value(theirs, name)
    if name == "note" and my_value and their_value:
        # Equal or missing times: the note that already contains the other is the later edit.
        return _squash(my_value) in _squash(their_value)
    return _is_set(their_value) and not _is_set(my_value)


def _later(first: str | None, second: str | None) -> str | None:
    if not first or not second:
        return first or second
    first_time, second_time = _when(first), _when(second)
    if first_time is None or second_time is None:
        return first if first_time is not None else second
    return second if second_time > first_time else first


def _combine_notes(winner: str, loser: str, heading: str) -> str | None:
    """Return the winning note with the losing text appended, or None if nothing would be lost."""
    if not loser.strip() or _squash(loser) in _squash(winner):
        return None
    if not winner.strip():
        return None if not loser.strip() else f"{heading}\n{loser.strip()}"
    return f"{winner.rstrip()}\n\n{heading}\n{loser.strip()}"


def _day(stamp: str | None) -> str:
    moment = _when(stamp)
    return moment.date().isoformat() if moment else "unknown date"


def merge_state(
    mine: PaperState | None, theirs: PaperState, backup_created: str, report: RestoreReport
) -> PaperState:
    """Merge the backup's state of one paper into this machine's; count what happened."""
    if mine is None:
        return PaperState.from_record(theirs.to_record())
    merged = PaperState.from_record(mine.to_record())
    merged.changed = dict(mine.changed)
    for name, stamp in theirs.changed.items():
        if name not in MERGED_FIELDS:
            merged.changed[name] = _later(merged.changed.get(name), stamp) or stamp

    for name in MERGED_FIELDS:
        my_value, their_value = _value(mine, name), _value(theirs, name)
        my_stamp, their_stamp = mine.changed.get(name), theirs.changed.get(name)
        newest = _later(my_stamp, their_stamp)
        if my_value == their_value:
            if newest:
                merged.changed[name] = newest
            continue
        if _backup_wins(name, mine, theirs):
            report.fields_from_backup += 1
            if name == "read":
                merged.read, merged.read_at = theirs.read, theirs.read_at
            else:
                setattr(merged, name, list(their_value) if name == "tags" else their_value)
            if their_stamp:
                merged.changed[name] = their_stamp
            if name == "note":
                heading = f"--- kept from this machine {_day(my_stamp)} ---"
                combined = _combine_notes(their_value, my_value, heading)
                if combined is not None:
                    merged.note = combined
                    report.notes_combined += 1
                    merged.changed["note"] = newest or merged.changed.get("note", "")
        else:
            report.fields_kept += 1
            if name == "note":
                heading = f"--- merged from backup {_day(backup_created)} ---"
                combined = _combine_notes(my_value, their_value, heading)
                if combined is not None:
                    merged.note = combined
                    report.notes_combined += 1
                    if newest:
                        merged.changed["note"] = newest
    merged.updated_at = _later(mine.updated_at, theirs.updated_at)
    return merged


def _values_differ(first: PaperState, second: PaperState) -> bool:
    return any(_value(first, name) != _value(second, name) for name in MERGED_FIELDS)


def merge_states(
    mine: Mapping[str, PaperState], backup: Backup, known_keys: set[str] | frozenset[str] | None = None
) -> RestoreReport:
    """Merge a backup into this machine's states; the report lists what would change.

    ``known_keys`` are the library's paper keys, to count states of papers
    that are not in the library; None skips that count.
    """
    report = RestoreReport()
    for key in sorted(backup.states):
        theirs = backup.states[key]
        current = mine.get(key)
        merged = merge_state(current, theirs, backup.created, report)
        if merged == (current or PaperState()):
            continue
        # Written even when only timestamps moved, so the next merge compares
        # against them; counted only when a value the user sees changed.
        report.states[key] = merged
        if current is not None and not _values_differ(current, merged):
            continue
        report.papers_updated += 1
        if current is None:
            report.papers_added += 1
        if known_keys is not None and key not in known_keys:
            report.not_in_library += 1
    return report


def restore_backup(library: Any, path: Path, *, dry_run: bool = False) -> RestoreReport:
    """Merge the backup at ``path`` into an open Library with one atomic write.

    A file that is not a valid backup raises ReaderError before anything is
    written. With ``dry_run`` the report is computed and nothing is written.
    """
    backup = read_backup(path)
    known = {paper.key for paper in library.papers()}
    report = merge_states(library.states(), backup, known)
    if report.states and not dry_run:
        library.apply_states(report.states)
    log.info("Restored %s%s: %s", path, " (dry run)" if dry_run else "", report.summary())
    return report
