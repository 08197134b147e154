"""Conversions between papers, states and the documents stored in TinyDB files.

The paper helpers here avoid ``dataclasses.asdict``, which deep-copies every
list: ``Paper.to_record()`` took about 40 microseconds per paper on a 2-core
test machine, 4 s for 100,000 papers.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from reader.models import Paper, PaperState

PAPER_FIELD_NAMES = tuple(f.name for f in fields(Paper))
"""Paper fields in declaration order, the order of stored documents."""
_STATE_DEFAULTS = PaperState().to_record()
STATE_KEY_FIELD = "key"
"""Field of a stored state document that names its paper."""


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


def state_from_document(document: dict[str, Any]) -> tuple[str, PaperState]:
    """Split a stored state document into its key and state.

    Raises ValueError for a document that is not a paper state.
    """
    key = document.get(STATE_KEY_FIELD)
    if not isinstance(key, str) or not key:
        raise ValueError(f"state document without a paper key: {document!r:.200}")
    state = PaperState.from_record(document)
    if not isinstance(state.tags, list) or not isinstance(state.changed, dict) or not isinstance(state.note, str):
        raise ValueError(f"state of {key} has fields of the wrong type")
    return key, state


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
    """Strip tags, drop empty ones and duplicates, and keep the first spelling's order."""
    if isinstance(tags, str):
        tags = [tags]
    result: list[str] = []
    for tag in tags:
        text = str(tag).strip()
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
