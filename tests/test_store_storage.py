"""The atomic TinyDB storage, the file format, UTF-8 and recovery from corrupt files."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import orjson
import pytest
import tinydb

from reader.errors import ReaderError
from reader.models import Paper
from reader.paths import Paths
from reader.store import AtomicJSONStorage, Library

NOTE = "量子 naïve café 😀"


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths(data_dir=tmp_path / "data", config_dir=tmp_path / "config")


def open_library(paths: Paths) -> tuple[Library, list]:
    library = Library(paths)
    notices = library.open()
    return library, notices


def paper(number: int) -> Paper:
    return Paper(key=f"2402.{number:05d}", title=f"Paper {number}", abstract="Text " * 50, sources=["test"])


# The storage on its own


def test_storage_works_with_tinydb_api(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    db = tinydb.TinyDB(path, storage=AtomicJSONStorage, kind="test")
    db.table("things").insert({"name": NOTE})
    db.table("things").insert({"name": "second"})
    assert [doc["name"] for doc in db.table("things").all()] == [NOTE, "second"]
    db.close()

    tables = orjson.loads(path.read_bytes())
    assert tables["_meta"] == {"1": {"schema": 1, "kind": "test"}}
    assert tables["things"]["1"] == {"name": NOTE}


def test_write_keeps_backup_of_previous(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    storage = AtomicJSONStorage(path)
    storage.write({"t": {"1": {"v": 1}}})
    assert not (tmp_path / "db.json.bak").exists()
    storage.write({"t": {"1": {"v": 2}}})
    storage.write({"t": {"1": {"v": 3}}})
    backup = orjson.loads((tmp_path / "db.json.bak").read_bytes())
    assert backup["t"]["1"]["v"] == 2
    assert storage.read()["t"]["1"]["v"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.bak"]


def test_changed_on_disk_tracks_other_writers(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    mine, theirs = AtomicJSONStorage(path), AtomicJSONStorage(path)
    mine.write({"t": {}})
    assert mine.changed_on_disk() is False
    theirs.write({"t": {"1": {"v": 1}}})
    assert mine.changed_on_disk() is True
    assert mine.read()["t"] == {"1": {"v": 1}}
    assert mine.changed_on_disk() is False


def test_newer_schema_is_not_treated_as_corrupt(paths: Paths) -> None:
    paths.data_dir.mkdir(parents=True)
    newer = orjson.dumps({"states": {}, "_meta": {"1": {"schema": 99, "kind": "state"}}})
    paths.state_file.write_bytes(newer)
    with pytest.raises(ReaderError, match="newer papers-reader"):
        Library(paths).open()
    assert paths.state_file.read_bytes() == newer
    assert not list(paths.data_dir.glob("*.corrupt-*"))


# Files on disk


def test_files_open_with_plain_tinydb(paths: Paths) -> None:
    library, _ = open_library(paths)
    library.import_papers([paper(1), paper(2)])
    library.set_note("2402.00001", NOTE)
    library.close()

    with tinydb.TinyDB(paths.papers_file, access_mode="r") as db:
        assert sorted(doc["key"] for doc in db.table("papers").all()) == ["2402.00001", "2402.00002"]
        assert "_meta" in db.tables()
    with tinydb.TinyDB(paths.state_file, access_mode="r", encoding="utf-8") as db:
        states = db.table("states").all()
        assert [(doc["key"], doc["note"]) for doc in states] == [("2402.00001", NOTE)]


def test_note_stored_as_utf8_not_escapes(paths: Paths) -> None:
    library, _ = open_library(paths)
    library.import_papers([paper(1)])
    library.set_note("2402.00001", NOTE)
    raw = paths.state_file.read_bytes()
    assert NOTE.encode("utf-8") in raw
    assert b"\\u" not in raw


def test_note_roundtrip_in_c_locale(paths: Paths) -> None:
    library, _ = open_library(paths)
    library.import_papers([paper(1)])
    library.close()
    env = {
        **os.environ,
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
        "PYTHONIOENCODING": "",
    }
    script = textwrap.dedent(
        f"""
        import locale, sys
        from pathlib import Path
        from reader.paths import Paths
        from reader.store import Library
        paths = Paths(Path({str(paths.data_dir)!r}), Path({str(paths.config_dir)!r}))
        library = Library(paths)
        library.open()
        if sys.argv[1] == "write":
            library.set_note("2402.00001", {ascii(NOTE)})
        print(locale.getpreferredencoding(False), ascii(library.state("2402.00001").note))
        """
    )
    for action in ("write", "read"):
        result = subprocess.run(
            [sys.executable, "-c", script, action], env=env, capture_output=True, text=True, encoding="ascii", check=True
        )
        encoding, note = result.stdout.strip().split(" ", 1)
        assert note == ascii(NOTE)
    assert encoding.lower().replace("-", "") in {"ansi_x3.41968", "ascii", "usascii"}
    assert NOTE.encode("utf-8") in paths.state_file.read_bytes()


# Recovery

CORRUPTIONS = {
    "empty": lambda good: b"",
    "truncated": lambda good: good[: len(good) // 2],
    "garbage": lambda good: b"\x00\xff\xfegarbage {[ not json",
    "not tables": lambda good: b"[1, 2, 3]",
}


def make_two_versions(paths: Paths, which: str) -> None:
    """Leave the store so that ``which`` has a current version and a backup of the one before."""
    library, _ = open_library(paths)
    library.import_papers([paper(1)])
    library.set_starred("2402.00001", True)
    if which == "papers":
        library.import_papers([paper(2)])
    else:
        library.set_note("2402.00001", "second version")
    library.close()


@pytest.mark.parametrize("which", ["papers", "state"])
@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_corrupt_file_restored_from_backup(paths: Paths, which: str, corruption: str) -> None:
    make_two_versions(paths, which)
    path = paths.papers_file if which == "papers" else paths.state_file
    bad = CORRUPTIONS[corruption](path.read_bytes())
    path.write_bytes(bad)

    library, notices = open_library(paths)

    moved = list(paths.data_dir.glob(f"{path.name}.corrupt-*"))
    assert len(moved) == 1
    assert moved[0].read_bytes() == bad
    assert len(notices) == 1
    assert notices[0].title == f"Recovered {path.name}"
    assert f"{path.name} was corrupt" in notices[0].message
    assert str(moved[0]) in notices[0].message
    assert "restored the backup from" in notices[0].message
    assert notices[0].message.endswith("Changes saved after that time are lost.")
    assert library.notices == notices
    # The backup is the version before the last write.
    assert library.state("2402.00001").starred is True
    if which == "papers":
        assert [p.key for p in library.papers()] == ["2402.00001"]
    else:
        assert library.state("2402.00001").note == ""
        assert len(library) == 1
    # The restored file is whole and a later write works.
    library.set_note("2402.00001", "after recovery")
    library.close()
    again, notices = open_library(paths)
    assert notices == []
    assert again.state("2402.00001").note == "after recovery"


@pytest.mark.parametrize("which", ["papers", "state"])
@pytest.mark.parametrize("corruption", ["empty", "truncated", "garbage"])
def test_corrupt_file_without_backup_starts_empty(paths: Paths, which: str, corruption: str) -> None:
    make_two_versions(paths, which)
    path = paths.papers_file if which == "papers" else paths.state_file
    bad = CORRUPTIONS[corruption](path.read_bytes())
    path.write_bytes(bad)
    path.with_name(path.name + ".bak").unlink()

    library, notices = open_library(paths)

    moved = list(paths.data_dir.glob(f"{path.name}.corrupt-*"))
    assert len(moved) == 1
    assert moved[0].read_bytes() == bad
    assert len(notices) == 1
    assert "no usable backup" in notices[0].message
    assert str(moved[0]) in notices[0].message
    assert not path.exists()
    if which == "papers":
        assert len(library) == 0
        assert library.state("2402.00001").starred is True
    else:
        assert len(library) == 1
        assert dict(library.states()) == {}


def test_corrupt_backup_too(paths: Paths) -> None:
    make_two_versions(paths, "state")
    paths.state_file.write_bytes(b"{")
    paths.state_file.with_name("state.json.bak").write_bytes(b"")
    library, notices = open_library(paths)
    assert len(notices) == 1
    assert "no usable backup" in notices[0].message
    assert dict(library.states()) == {}


@pytest.mark.parametrize("which", ["papers", "state"])
def test_missing_file_restored_from_backup(paths: Paths, which: str) -> None:
    make_two_versions(paths, which)
    path = paths.papers_file if which == "papers" else paths.state_file
    backup = path.with_name(path.name + ".bak")
    backup_bytes = backup.read_bytes()
    backup_time = datetime.fromtimestamp(backup.stat().st_mtime)
    path.unlink()

    library, notices = open_library(paths)

    assert len(notices) == 1
    assert notices[0].title == f"Recovered {path.name}"
    assert notices[0].message == (
        f"{path.name} was missing; restored the backup from {backup_time:%Y-%m-%d %H:%M:%S}. "
        "Changes saved after that time are lost."
    )
    assert path.exists()
    assert backup.read_bytes() == backup_bytes
    assert library.state("2402.00001").starred is True
    if which == "papers":
        assert [p.key for p in library.papers()] == ["2402.00001"]
        assert "Text Text" in library.get("2402.00001").abstract
    else:
        assert library.state("2402.00001").note == ""
    assert not list(paths.data_dir.glob("*.corrupt-*"))

    # Two more writes replace the backup, and nothing from it is lost.
    library.set_note("2402.00001", "third version")
    library.set_tags("2402.00001", ["kept"])
    library.close()
    again, notices = open_library(paths)
    assert notices == []
    assert again.state("2402.00001").starred is True
    assert again.state("2402.00001").tags == ["kept"]
    assert len(again) == 1


def test_missing_state_restored_while_running(paths: Paths) -> None:
    make_two_versions(paths, "state")
    library, notices = open_library(paths)
    assert notices == []
    paths.state_file.unlink()

    library.set_tags("2402.00001", ["first"])
    library.set_tags("2402.00001", ["second"])

    assert len(library.notices) == 1
    assert library.notices[0].message.startswith("state.json was missing; restored the backup from ")
    assert library.state("2402.00001").starred is True
    again, _ = open_library(paths)
    assert again.state("2402.00001").starred is True
    assert again.state("2402.00001").tags == ["second"]
    backup = orjson.loads(paths.state_file.with_name("state.json.bak").read_bytes())
    assert [doc["starred"] for doc in backup["states"].values()] == [True]


def test_missing_papers_restored_while_running(paths: Paths) -> None:
    make_two_versions(paths, "papers")
    library, _ = open_library(paths)
    paths.papers_file.unlink()

    library.import_papers([paper(3)])

    assert len(library.notices) == 1
    assert library.notices[0].message.startswith("papers.json was missing; restored the backup from ")
    assert sorted(p.key for p in library.papers()) == ["2402.00001", "2402.00003"]
    again, _ = open_library(paths)
    assert sorted(p.key for p in again.papers()) == ["2402.00001", "2402.00003"]


def test_fresh_library_is_silent(paths: Paths) -> None:
    library, notices = open_library(paths)
    assert notices == []
    library.import_papers([paper(1)])
    library.set_starred("2402.00001", True)
    library.set_starred("2402.00001", False)
    library.set_note("2402.00001", "x")
    assert library.notices == []
    assert sorted(p.name for p in paths.data_dir.glob("*.json*") if ".lock" not in p.name and "snapshot" not in p.name) == [
        "papers.json",
        "state.json",
        "state.json.bak",
    ]


def test_missing_file_and_backup_is_silent(paths: Paths) -> None:
    make_two_versions(paths, "state")
    paths.state_file.unlink()
    paths.state_file.with_name("state.json.bak").unlink()
    library, notices = open_library(paths)
    assert notices == []
    assert dict(library.states()) == {}
    assert len(library) == 1


def test_missing_file_with_bad_backup(paths: Paths) -> None:
    make_two_versions(paths, "state")
    paths.state_file.unlink()
    backup = paths.state_file.with_name("state.json.bak")
    backup.write_bytes(b'{"states": {"1": ')

    library, notices = open_library(paths)

    moved = list(paths.data_dir.glob("state.json.bak.corrupt-*"))
    assert len(moved) == 1
    assert moved[0].read_bytes() == b'{"states": {"1": '
    assert not backup.exists()
    assert len(notices) == 1
    assert notices[0].message.startswith("state.json was missing and its backup is unusable (invalid JSON")
    assert f"Moved the backup to {moved[0]}; starting with no read, star, note or tag state." in notices[0].message
    assert dict(library.states()) == {}


STATE_RECORDS = {
    "1": {"key": "2402.00001", "starred": True, "note": "oldest"},
    "2": {"key": 5},
    "3": {"key": "2402.00003", "tags": "not a list"},
    "4": {"key": "2402.00004", "read": True, "read_at": "2024-05-01T10:00:00.000000+00:00"},
    "5": 7,
    "x": {"key": "2402.00005", "starred": True},
    "6": {"key": "2402.00006", "starred": "yes"},
    "7": {"key": "2402.00007", "note": "newest change"},
}


def test_bad_state_records_dropped_others_kept(paths: Paths) -> None:
    make_two_versions(paths, "state")
    backup = paths.state_file.with_name("state.json.bak")
    backup_bytes = backup.read_bytes()
    original = orjson.dumps({"states": STATE_RECORDS})
    paths.state_file.write_bytes(original)

    library, notices = open_library(paths)

    moved = list(paths.data_dir.glob("state.json.corrupt-*"))
    assert len(moved) == 1
    assert moved[0].read_bytes() == original
    assert len(notices) == 1
    assert notices[0].title == "Recovered state.json"
    message = notices[0].message
    assert message.startswith("state.json had 5 records that could not be read (state document 2 is invalid: ")
    assert "and 4 more" in message
    assert message.endswith(f"Dropped them and kept the rest; the original file is at {moved[0]}.")
    assert set(library.states()) == {"2402.00001", "2402.00004", "2402.00007"}
    assert library.state("2402.00001").note == "oldest"
    assert library.state("2402.00004").read is True
    assert library.state("2402.00007").note == "newest change"
    # The file now holds only the valid records, and the backup is untouched.
    stored = orjson.loads(paths.state_file.read_bytes())["states"]
    assert sorted(stored) == ["1", "4", "7"]
    assert stored["7"] == {"key": "2402.00007", "note": "newest change"}
    assert backup.read_bytes() == backup_bytes
    library.close()
    again, notices = open_library(paths)
    assert notices == []
    assert set(again.states()) == {"2402.00001", "2402.00004", "2402.00007"}


def test_one_bad_state_record_named(paths: Paths) -> None:
    make_two_versions(paths, "state")
    records = {"1": {"key": "2402.00001", "note": "recent"}, "2": {"key": "2402.00002", "changed": {"note": 5}}}
    paths.state_file.write_bytes(orjson.dumps({"states": records}))

    library, notices = open_library(paths)

    assert len(notices) == 1
    assert notices[0].message.startswith(
        "state.json had 1 record that could not be read (state document 2 is invalid: "
        "state of 2402.00002 has fields of the wrong type: changed)."
    )
    assert library.state("2402.00001").note == "recent"


def test_bad_state_record_found_while_running(paths: Paths) -> None:
    make_two_versions(paths, "state")
    library, _ = open_library(paths)
    records = {"1": {"key": "2402.00001", "note": "from elsewhere"}, "2": {"key": 5}}
    paths.state_file.write_bytes(orjson.dumps({"states": records}))

    library.set_starred("2402.00001", True)

    assert len(library.notices) == 1
    assert library.notices[0].message.startswith("state.json had 1 record that could not be read")
    assert library.state("2402.00001").note == "from elsewhere"
    assert library.state("2402.00001").starred is True
    assert len(list(paths.data_dir.glob("state.json.corrupt-*"))) == 1


def test_corrupt_state_backup_records_salvaged(paths: Paths) -> None:
    make_two_versions(paths, "state")
    backup = paths.state_file.with_name("state.json.bak")
    backup_bytes = orjson.dumps({"states": {"1": {"key": "2402.00001", "starred": True}, "2": {"key": 5}}})
    backup.write_bytes(backup_bytes)
    paths.state_file.write_bytes(b"{")

    library, notices = open_library(paths)

    assert len(notices) == 1
    assert "restored the backup from" in notices[0].message
    assert notices[0].message.endswith(
        "Changes saved after that time are lost. Dropped 1 record of the backup that could not be read."
    )
    assert library.state("2402.00001").starred is True
    assert sorted(orjson.loads(paths.state_file.read_bytes())["states"]) == ["1"]
    assert backup.read_bytes() == backup_bytes


def test_all_state_records_bad_uses_backup(paths: Paths) -> None:
    make_two_versions(paths, "state")
    paths.state_file.write_bytes(orjson.dumps({"states": {"1": {"key": 5}, "2": []}}))
    library, notices = open_library(paths)
    assert len(notices) == 1
    assert "state document 1 is invalid" in notices[0].message
    assert "restored the backup from" in notices[0].message
    assert library.state("2402.00001").starred is True


def test_invalid_record_counts_as_corrupt(paths: Paths) -> None:
    make_two_versions(paths, "papers")
    paths.papers_file.write_bytes(orjson.dumps({"papers": {"1": {"key": "2402.00001"}}}))
    library, notices = open_library(paths)
    assert len(notices) == 1
    assert "paper document 1 is invalid" in notices[0].message
    assert [p.key for p in library.papers()] == ["2402.00001"]


def test_corruption_found_while_running(paths: Paths) -> None:
    make_two_versions(paths, "state")
    library, notices = open_library(paths)
    assert notices == []
    paths.state_file.write_bytes(b'{"states": {"1": ')

    state = library.set_starred("2402.00001", False)

    assert state.starred is False
    assert len(library.notices) == 1
    assert "restored the backup" in library.notices[0].message
    assert len(list(paths.data_dir.glob("state.json.corrupt-*"))) == 1
    again, _ = open_library(paths)
    assert again.state("2402.00001").starred is False


def test_stale_temp_files_removed_on_open(paths: Paths) -> None:
    make_two_versions(paths, "state")
    leftover = paths.data_dir / ".state.json.abc123.tmp"
    leftover.write_bytes(b'{"partial')
    open_library(paths)
    assert not leftover.exists()
