"""The headless store: the paper cache and the user's state on disk.

See ``reader.store.library`` for the layout and the guarantees.
"""

from reader.store.library import ImportCounts, Library, Notice
from reader.store.storage import AtomicJSONStorage, CorruptFileError

__all__ = ["AtomicJSONStorage", "CorruptFileError", "ImportCounts", "Library", "Notice"]
