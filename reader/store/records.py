"""Conversions between papers, states and the documents stored in TinyDB files.

The paper helpers here avoid ``dataclasses.asdict``, which deep-copies every
list: ``Paper.to_record()`` took about 40 microseconds per paper on a 2-core
test machine, 4 s for 100,000 papers.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from reader.models import Paper, PaperState
from reader.text import strip_terminal_control

PAPER_FIELD_NAMES = tuple(f.name for f in fields(Paper))
"""Paper fields in declaration order, the order of stored documents."""
_STATE_DEFAULTS = PaperState().to_record()
STATE_KEY_FIELD = "key"
"""Field of a stored state document that names its paper."""

# Characters that ``strip_terminal_control`` removes, plus carriage returns:
# a search for them is the cheap test that lets clean text skip the rewrite.
_UNSAFE_IN_NOTE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_TAG = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_TAG_LINE_BREAKS = re.compile("\\s*[\t\n\r\u2028\u2029]\\s*")


def clean_note(text: str) -> str:
    """Remove terminal control from a note, keeping its line breaks and tabs.

    Escape sequences, control characters and bidi overrides go (see
    ``reader.text.strip_terminal_control``), and a CR or CRLF line end
    becomes a newline, because a bare CR moves a terminal's cursor back
    over the line.
    """
    if not _UNSAFE_IN_NOTE.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_terminal_control(text)


def clean_tag(tag: str) -> str:
    """Remove terminal control from a tag and fold its line breaks and tabs into one space."""
    if not _UNSAFE_IN_TAG.search(tag):
        return tag.strip()
    text = strip_terminal_control(tag)
    return _TAG_LINE_BREAKS.sub(" ", text).strip()


def utc_now() -> str:
    """Return the current UTC time as ISO 8601 with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def paper_document(paper: Paper) -> dict[str, Any]:
    """Return the same dict as ``Paper.to_record()``, built without deep copies.

    The lists in the result are the paper's own lists, so serialize the
    result before changing the paper.
    """
    document = {}
    for name in PAPER_FIELD_NAMES:
        value = getattr(paper, name)
        if value is None or value is False or value == []:
            continue
        document[name] = value
    return document


def paper_from_document(document: dict[str, Any]) -> Paper:
    """Build a Paper from a stored document, ignoring fields this version lacks.

    Raises TypeError or ValueError for a document that is not a paper.
    """
    if not isinstance(document, dict):
        raise TypeError(f"expected a JSON object, found {type(document).__name__}")
    try:
        paper = Paper(**document)
    except TypeError:
        paper = Paper.from_record(document)
    if not isinstance(paper.key, str) or not paper.key or not isinstance(paper.title, str):
        raise ValueError(f"invalid key or title in {document.get('key')!r}")
    return paper


def state_document(key: str, state: PaperState) -> dict[str, Any]:
    """Return the stored form of one paper's state: its key and the non-default fields.

    Leaving out defaults halves the state file, which every state change
    rewrites. ``PaperState.from_record`` fills them back in.
    """
    document: dict[str, Any] = {STATE_KEY_FIELD: key}
    for name, default in _STATE_DEFAULTS.items():
        value = getattr(state, name)
        if value == default:
            continue
        if isinstance(value, (list, dict)):
            value = value.copy()
        document[name] = value
    return document


def state_from_document(document: Any) -> tuple[str, PaperState]:
    """Split a stored state document into its key and state, with terminal control removed.

    Raises ValueError for a document that is not a paper state.
    """
    if not isinstance(document, dict):
        raise ValueError(f"expected a JSON object, found {type(document).__name__}")
    key = document.get(STATE_KEY_FIELD)
    if not isinstance(key, str) or not key:
        raise ValueError(f"state document without a paper key: {document!r:.200}")
    state = PaperState.from_record(document)
    wrong = _wrongly_typed_fields(state)
    if wrong:
        raise ValueError(f"state of {key} has fields of the wrong type: {', '.join(wrong)}")
    return key, clean_state(state)


def _wrongly_typed_fields(state: PaperState) -> list[str]:
    wrong = [name for name in ("read", "starred") if not isinstance(getattr(state, name), bool)]
    wrong += [name for name in ("read_at", "updated_at") if not isinstance(getattr(state, name), (str, type(None)))]
    if not isinstance(state.note, str):
        wrong.append("note")
    if not isinstance(state.tags, list) or not all(isinstance(tag, str) for tag in state.tags):
        wrong.append("tags")
    if not isinstance(state.changed, dict) or not all(
        isinstance(name, str) and isinstance(stamp, str) for name, stamp in state.changed.items()
    ):
        wrong.append("changed")
    return wrong


def clean_state(state: PaperState) -> PaperState:
    """Remove terminal control from the note and tags of ``state``, in place, and return it.

    Notes and tags are the only free text in a state, and the app shows them
    in a terminal. Timestamps are left as they are.
    """
    state.note = clean_note(state.note)
    if state.tags:
        state.tags = normalize_tags(state.tags)
    return state


def copy_state(state: PaperState) -> PaperState:
    """Return a copy that shares no list or dict with ``state``."""
    return PaperState(
        read=state.read,
        read_at=state.read_at,
        starred=state.starred,
        note=state.note,
        tags=list(state.tags),
        updated_at=state.updated_at,
        changed=dict(state.changed),
    )


def is_empty_state(state: PaperState) -> bool:
    """Return whether ``state`` equals a fresh ``PaperState()``, so need not be stored."""
    return state == PaperState()


def normalize_tags(tags: Any) -> list[str]:
    """Clean tags (``clean_tag``), drop empty ones and duplicates, and keep the first spelling's order."""
    if isinstance(tags, str):
        tags = [tags]
    result: list[str] = []
    for tag in tags:
        text = clean_tag(str(tag))
        if text and text not in result:
            result.append(text)
    return result


def merge_states(first: PaperState, second: PaperState, now: str) -> PaperState:
    """Combine two states of the same paper into one.

    Used when a paper known only by its title gets an arXiv id: starred or
    read if either was, the notes joined by a blank line, the tags unioned,
    and each field's change time the later of the two.
    """
    read_times = [t for t in (first.read_at, second.read_at) if t]
    notes = [n for n in (first.note, second.note) if n.strip()]
    if len(notes) == 2 and notes[0].strip() == notes[1].strip():
        notes = notes[:1]
    changed = dict(first.changed)
    for name, stamp in second.changed.items():
        if name not in changed or stamp > changed[name]:
            changed[name] = stamp
    return PaperState(
        read=first.read or second.read,
        read_at=min(read_times) if read_times else None,
        starred=first.starred or second.starred,
        note="\n\n".join(notes),
        tags=normalize_tags([*first.tags, *second.tags]),
        updated_at=now,
        changed=changed,
    )
