"""What the app says about its edits (close, delete, clean up), in words right for the store.

Pure functions of an :class:`~tui.session.EditKind` and plain values.
"""

from __future__ import annotations

from tui.session import EditKind, SourceKind
from tui.text import plural

from .chrome import store_noun
from .undo import done_warning

#: Each edit as a verb ("Nothing to clean up", "Could not close: …").
VERBS = {EditKind.CLOSE: "close", EditKind.DELETE: "delete", EditKind.CLEANUP: "clean up"}
#: Each edit done ("Closed 2 sessions.").
PAST = {EditKind.CLOSE: "closed", EditKind.DELETE: "deleted", EditKind.CLEANUP: "cleaned up"}


def verb(kind: EditKind) -> str:
    """``close``, ``delete`` or ``clean up``."""
    return VERBS[kind]


def confirm_title(kind: EditKind, count: int) -> str:
    """The confirm dialog's question: ``Close this session?``, ``Delete 3 sessions?``."""
    return f"{verb(kind).capitalize()} {'this session' if count == 1 else f'{count} sessions'}?"


def confirm_note(kind: EditKind, store: SourceKind) -> str:
    """What the confirm dialog says an edit does to the store."""
    if kind is EditKind.CLOSE:
        return f"Closed sessions stay in {store_noun(store)} with status closed."
    return f"Deleted sessions are removed from {store_noun(store)}."


def done_text(kind: EditKind, count: int, *, missing: int = 0, at_risk: bool = False, store: SourceKind = "json") -> str:
    """The notice once an edit is written: ``Closed 2 sessions.``, ``Nothing was old enough to clean up.``

    ``missing``: sessions asked for that the store no longer had; ``at_risk``: a
    writer that takes no lock is recent (it may undo the edit).
    """
    if kind is EditKind.CLEANUP and not count:
        return "Nothing was old enough to clean up."
    text = f"{PAST[kind].capitalize()} {plural(count, 'session')}."
    if count and at_risk:
        text = text[:-1] + done_warning(count)
    if missing:
        text += f" {missing} no longer in {store_noun(store)}."
    return text
