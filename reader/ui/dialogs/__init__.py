"""Modal dialogs of the app: note and tags editors, copy menu, manual copy, yes/no, one-line prompt."""

from reader.ui.dialogs.confirm import ConfirmDialog
from reader.ui.dialogs.copy_menu import CopyMenu
from reader.ui.dialogs.note_editor import NoteEditor
from reader.ui.dialogs.prompt import PromptDialog
from reader.ui.dialogs.select_text import SelectTextDialog
from reader.ui.dialogs.tags_editor import TagsEditor, parse_tags

__all__ = [
    "ConfirmDialog",
    "CopyMenu",
    "NoteEditor",
    "PromptDialog",
    "SelectTextDialog",
    "TagsEditor",
    "parse_tags",
]
