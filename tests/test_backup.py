"""State backup and merge-restore across two data folders, through the store and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.backup import (
    BACKUP_FORMAT,
    Backup,
    backup_json,
    merge_states,
    read_backup,
    restore_backup,
)
from reader.cli import main
from reader.errors import ReaderError
from reader.models import Paper, PaperState
from reader.paths import Paths
from reader.store import Library

T1 = "2026-01-01T10:00:00.000000+00:00"
T2 = "2026-01-02T10:00:00.000000+00:00"
T3 = "2026-01-03T10:00:00.000000+00:00"
CREATED = "2026-01-05T08:00:00.000000+00:00"

PAPERS = [
    Paper(key=f"2601.0000{i}", title=f"Paper number {i}", authors=["Ana Author"], listed="2026-01-01")
    for i in range(1, 6)
]


def backup_of(states: dict[str, PaperState]) -> Backup:
    return Backup(created=CREATED, app_version="0.1.0", states=states)


def make_library(root: Path) -> Library:
    library = Library(Paths(data_dir=root / "data", config_dir=root / "config"))
    library.open()
    library.import_papers([Paper.from_record(paper.to_record()) for paper in PAPERS])
    return library


# -- merge rules ----------------------------------------------------------------


def test_newer_field_wins_each_way() -> None:
    mine = {"k": PaperState(starred=True, read=False, changed={"starred": T3, "read": T1})}
    theirs = {"k": PaperState(starred=False, read=True, read_at=T2, changed={"starred": T1, "read": T2})}
    report = merge_states(mine, backup_of(theirs))
    merged = report.states["k"]
    assert merged.starred is True
    assert merged.read is True
    assert merged.read_at == T2
    assert merged.changed == {"starred": T3, "read": T2}
    assert report.fields_from_backup == 1
    assert report.fields_kept == 1
    assert report.papers_updated == 1


def test_field_on_one_side_is_kept() -> None:
    mine = {"k": PaperState(tags=["ml"], changed={"tags": T1})}
    theirs = {"k": PaperState(starred=True, changed={"starred": T2})}
    merged = merge_states(mine, backup_of(theirs)).states["k"]
    assert merged.tags == ["ml"]
    assert merged.starred is True
    assert merged.changed == {"tags": T1, "starred": T2}


def test_newer_tag_set_replaces_older() -> None:
    mine = {"k": PaperState(tags=["a", "b"], changed={"tags": T1})}
    theirs = {"k": PaperState(tags=["a"], changed={"tags": T2})}
    assert merge_states(mine, backup_of(theirs)).states["k"].tags == ["a"]


def test_differing_notes_keep_both_texts() -> None:
    mine = {"k": PaperState(note="My newer thoughts.", changed={"note": T3})}
    theirs = {"k": PaperState(note="Backup text.", changed={"note": T1})}
    report = merge_states(mine, backup_of(theirs))
    assert report.states["k"].note == (
        "My newer thoughts.\n\n--- merged from backup 2026-01-05 ---\nBackup text."
    )
    assert report.notes_combined == 1
    assert report.fields_kept == 1


def test_newer_backup_note_keeps_local_text() -> None:
    mine = {"k": PaperState(note="Local draft.", changed={"note": T1})}
    theirs = {"k": PaperState(note="Backup is newer.", changed={"note": T2})}
    merged = merge_states(mine, backup_of(theirs)).states["k"]
    assert merged.note == "Backup is newer.\n\n--- kept from this machine 2026-01-01 ---\nLocal draft."
    assert merged.changed["note"] == T2


def test_extended_note_is_not_duplicated() -> None:
    mine = {"k": PaperState(note="Idea.", changed={"note": T1})}
    theirs = {"k": PaperState(note="Idea. And more.", changed={"note": T2})}
    report = merge_states(mine, backup_of(theirs))
    assert report.states["k"].note == "Idea. And more."
    assert report.notes_combined == 0


def test_restore_twice_changes_nothing_more() -> None:
    mine = {"k": PaperState(note="Mine.", changed={"note": T3})}
    backup = backup_of({"k": PaperState(note="Theirs.", changed={"note": T1}, starred=True)})
    first = merge_states(mine, backup)
    second = merge_states(first.states, backup)
    assert second.states == {}
    assert second.papers_updated == 0
    assert second.summary() == (
        "Nothing changed: this library already has every change in the backup "
        "(1 newer field kept from this machine)"
    )


def test_missing_timestamps_prefer_set_values() -> None:
    mine = {"k": PaperState(read=False)}
    theirs = {"k": PaperState(read=True, starred=False)}
    assert merge_states(mine, backup_of(theirs)).states["k"].read is True


def test_new_state_counts_as_added() -> None:
    report = merge_states({}, backup_of({"9999.00001": PaperState(starred=True, changed={"starred": T1})}), {"x"})
    assert report.papers_added == 1
    assert report.not_in_library == 1
    assert report.summary() == (
        "1 paper updated (1 new), 0 fields taken from the backup, 0 fields kept from this machine; "
        "1 of the updated papers are not in the library yet (their state is kept for when they are imported)"
    )


# -- file format --------------------------------------------------------------


def test_backup_file_layout(tmp_path: Path) -> None:
    states = {"2601.00001": PaperState(starred=True, changed={"starred": T1})}
    text = backup_json(states, created=datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    document = json.loads(text)
    assert document["format"] == BACKUP_FORMAT
    assert document["version"] == 1
    assert document["app_version"] == "0.1.0"
    assert document["created"] == CREATED
    assert document["states"]["2601.00001"]["changed"] == {"starred": T1}
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    assert read_backup(path).states == states


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n", "is not a papers-reader backup: it is not JSON"),
        (b"id,title\n1,x\n", "is not a papers-reader backup: it is not JSON"),
        (b"[1, 2]", 'it has no "format": "papers-reader-backup" header'),
        (b'{"format": "papers-reader-backup", "version": "1", "states": {}}', "its version is invalid"),
        (b'{"format": "papers-reader-backup", "version": 1}', 'it has no "states" object'),
        (
            b'{"format": "papers-reader-backup", "version": 1, "states": {"k": {"starred": "yes"}}}',
            "the state of 'k' has an invalid 'starred' ('yes')",
        ),
        (
            b'{"format": "papers-reader-backup", "version": 1, "states": {"k": {"tags": [1]}}}',
            "the state of 'k' has a tag that is not a string",
        ),
        (b'{"format": "papers-reader-backup", "version": 9, "states": {}}', "written by a newer papers-reader"),
    ],
)
def test_invalid_backup_rejected(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ReaderError) as caught:
        read_backup(path)
    assert message in caught.value.message
    assert "nothing was changed" in caught.value.message


# -- two machines through the store -------------------------------------------


def test_two_machines_merge_through_library(tmp_path: Path) -> None:
    laptop = make_library(tmp_path / "laptop")
    laptop.set_starred("2601.00001", True)
    laptop.set_note("2601.00002", "Laptop note.")
    laptop.add_tags("2601.00003", ["reading"])
    backup_path = tmp_path / "laptop-backup.json"
    backup_path.write_text(backup_json(laptop.states()), encoding="utf-8")

    desktop = make_library(tmp_path / "desktop")
    desktop.set_note("2601.00002", "Desktop note, written later.")
    desktop.set_read(["2601.00004"], True)
    report = restore_backup(desktop, backup_path)

    assert desktop.state("2601.00001").starred is True
    assert desktop.state("2601.00002").note == (
        "Desktop note, written later.\n\n--- merged from backup "
        f"{read_backup(backup_path).created[:10]} ---\nLaptop note."
    )
    assert desktop.state("2601.00003").tags == ["reading"]
    assert desktop.state("2601.00004").read is True
    assert report.papers_updated == 3
    assert report.papers_added == 2
    assert report.fields_kept == 1
    assert report.notes_combined == 1

    reopened = Library(desktop.paths)
    reopened.open()
    assert reopened.state("2601.00001").starred is True
    assert reopened.state("2601.00002").note.startswith("Desktop note, written later.")


def test_restore_keeps_states_of_unknown_papers(tmp_path: Path) -> None:
    library = make_library(tmp_path / "home")
    path = tmp_path / "b.json"
    path.write_text(backup_json({"2612.99999": PaperState(starred=True, changed={"starred": T1})}), encoding="utf-8")
    report = restore_backup(library, path)
    assert report.not_in_library == 1
    assert library.states()["2612.99999"].starred is True


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    library = make_library(tmp_path / "home")
    path = tmp_path / "b.json"
    path.write_text(backup_json({"2601.00001": PaperState(starred=True, changed={"starred": T1})}), encoding="utf-8")
    report = restore_backup(library, path, dry_run=True)
    assert report.papers_updated == 1
    assert library.state("2601.00001").starred is False


# -- CLI ----------------------------------------------------------------------


def run(home: Path, *args: str):
    runner = CliRunner()
    return runner.invoke(main, list(args), env={"PAPERS_READER_HOME": str(home)}, catch_exceptions=False)


def seed_home(home: Path) -> None:
    make_library(home).close()


def test_cli_backup_then_restore_on_other_machine(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    seed_home(first)
    seed_home(second)
    assert run(first, "mark", "2601.00001", "--star", "--tag", "ml").exit_code == 0
    assert run(second, "mark", "2601.00002", "--read").exit_code == 0
    backup_file = tmp_path / "state.json"

    result = run(first, "backup", "-o", str(backup_file))
    assert result.exit_code == 0
    assert f"Backed up the state of 1 paper to {backup_file}" in result.stderr

    result = run(second, "restore", str(backup_file))
    assert result.exit_code == 0
    assert result.stdout.strip() == (
        "1 paper updated (1 new), 0 fields taken from the backup, 0 fields kept from this machine"
    )
    listed = run(second, "list", "--json")
    records = {json.loads(line)["id"]: json.loads(line) for line in listed.stdout.splitlines()}
    assert records["2601.00001"]["starred"] is True
    assert records["2601.00001"]["tags"] == ["ml"]
    assert records["2601.00002"]["read"] is True


def test_cli_restore_garbage_fails_cleanly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seed_home(home)
    assert run(home, "mark", "2601.00001", "--star").exit_code == 0
    state_file = home / "data" / "state.json"
    before = state_file.read_bytes()
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"not": "a backup"}', encoding="utf-8")

    result = run(home, "restore", str(garbage))
    assert result.exit_code == 1
    assert "is not a papers-reader backup" in result.stderr
    assert state_file.read_bytes() == before
