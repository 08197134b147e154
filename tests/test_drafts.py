"""Note drafts: file names for every key form, atomic writes, crash recovery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.drafts import (
    draft_file_name,
    draft_mtime,
    draft_path,
    pending_drafts,
    read_draft,
    remove_draft,
    write_draft,
)

KEYS = ["2406.18820", "hep-th/9901001", "math/0309136", "title:3f2a9c0d1e4b5a67"]


def test_write_read_remove_roundtrip(tmp_path):
    drafts = tmp_path / "drafts"
    note = "First line of the note.\nSecond line: Grüße, 中文, $\\alpha$.\r\nEnd"

    path = write_draft(drafts, "2406.18820", note)

    assert path == drafts / "2406.18820.txt"
    assert read_draft(drafts, "2406.18820") == note
    assert draft_mtime(drafts, "2406.18820") is not None
    remove_draft(drafts, "2406.18820")
    assert read_draft(drafts, "2406.18820") is None
    assert draft_mtime(drafts, "2406.18820") is None
    assert list(drafts.iterdir()) == []


def test_remove_missing_draft_is_quiet(tmp_path):
    remove_draft(tmp_path, "2406.18820")
    assert read_draft(tmp_path / "never-created", "2406.18820") is None


def test_overwrite_keeps_only_newest(tmp_path):
    write_draft(tmp_path, "2406.18820", "old text")
    write_draft(tmp_path, "2406.18820", "new text")

    assert read_draft(tmp_path, "2406.18820") == "new text"
    assert [p.name for p in tmp_path.iterdir()] == ["2406.18820.txt"]


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("2406.18820", "2406.18820.txt"),
        ("hep-th/9901001", "hep-th%2F9901001.txt"),
        ("title:3f2a9c0d1e4b5a67", "title%3A3f2a9c0d1e4b5a67.txt"),
        ("../../etc/passwd", "%2E.%2F..%2Fetc%2Fpasswd.txt"),
        ("..", "%2E..txt"),
        ("a\\b c", "a%5Cb%20c.txt"),
    ],
)
def test_unsafe_keys_get_flat_file_names(tmp_path, key, name):
    assert draft_file_name(key) == name
    path = write_draft(tmp_path, key, f"note for {key}")

    assert path.parent == tmp_path
    assert path.name == name
    assert read_draft(tmp_path, key) == f"note for {key}"


def test_empty_and_overlong_keys_rejected(tmp_path):
    with pytest.raises(ValueError, match="non-empty"):
        draft_path(tmp_path, "")
    with pytest.raises(ValueError, match="too long"):
        draft_path(tmp_path, "title:" + "x" * 300)


def test_pending_drafts_decodes_every_key(tmp_path):
    for key in KEYS:
        write_draft(tmp_path, key, f"draft of {key}")
    # Leftovers that are not drafts: an interrupted temporary file, a stray
    # file and a name that does not decode back to itself.
    (tmp_path / ".2406.18820.txt.abc123.tmp").write_text("partial", encoding="utf-8")
    (tmp_path / "README").write_text("not a draft", encoding="utf-8")
    (tmp_path / "hep-th%2f9901001.txt").write_text("lowercase escape", encoding="utf-8")

    drafts = pending_drafts(tmp_path)

    assert drafts == {key: f"draft of {key}" for key in KEYS}


def test_pending_drafts_missing_folder(tmp_path):
    assert pending_drafts(tmp_path / "drafts") == {}


def test_draft_survives_sigkill_of_writer(tmp_path):
    # A child process rewrites the draft in a loop with two alternating
    # texts, is killed with SIGKILL in the middle, and the draft on disk must
    # be one of the two complete texts.
    first = "A" * 50_000 + "\nend of first"
    second = "B" * 70_000 + "\nend of second"
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from reader.drafts import write_draft
        folder = Path({str(tmp_path)!r})
        texts = [{first!r}, {second!r}]
        for n in range(20):
            write_draft(folder, "hep-th/9901001", texts[n % 2])
        print("ready", flush=True)
        n = 0
        while True:
            n += 1
            write_draft(folder, "hep-th/9901001", texts[n % 2])
        """
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    child = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        # The child prints only after its first writes are on disk, and then
        # keeps writing, so the kill lands in or between writes.
        assert child.stdout.readline() == "ready\n"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
        child.stdout.close()

    assert child.returncode == -signal.SIGKILL
    assert read_draft(tmp_path, "hep-th/9901001") in (first, second)
    assert pending_drafts(tmp_path).keys() == {"hep-th/9901001"}
