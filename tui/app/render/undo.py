"""What the app says about a writer that takes no lock (the Go bot) and the edits it undid.

Pure functions of plain values, so each text is testable without the app.
Session ids and statuses come from the file: they go into ``Text`` through
:func:`~tui.text.one_line`, never into markup.

The bot's store loads the file once and rewrites it whole from memory,
taking no lock (SPEC §6): its next write undoes a close, a delete or a
cleanup made meanwhile. The app says so before an edit (status bar, the
confirm dialogs), after it (the success notice) and when a later reading
shows it undone (the notice that stays until dismissed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from rich.text import Text

from tui.session import EditKind, UndoneEdit

from tui.text import one_line, since
from tui.text.advice import HOW_TO_MAKE_IT_STICK

from .rows import short_id

#: The key that dismisses the notice, as the notice names it.
DISMISS_KEY = "u"
#: The notice names this many sessions, then says how many more.
NOTICE_NAMED = 3


def age_text(age: timedelta) -> str:
    """``3s ago``; ``just now`` under a second (or a moment ahead of the clock)."""
    return since(max(age, timedelta(0)))


#: The status bar's warning, from the widest to the narrowest (``{age}``: ``3s ago``).
BOT_LABELS = ("⚠ bot writes here · {age}", "⚠ bot wrote {age}", "⚠ bot {age}")


def bot_label(age: timedelta, *, narrow: int = 0) -> str:
    """The status bar's warning: ``⚠ bot writes here · 3s ago``; ``narrow`` 1 or 2 for shorter ones."""
    return BOT_LABELS[min(narrow, len(BOT_LABELS) - 1)].format(age=age_text(age))


def undone_label(count: int) -> str:
    """The status bar's count of undone edits: ``2 undone`` (empty for none)."""
    return f"{count} undone" if count else ""


def edit_warning(age: timedelta) -> Text:
    """What a confirm dialog says while a writer that takes no lock is recent."""
    return Text(
        f"⚠ A writer that takes no lock (likely the bot) wrote this file {age_text(age)}. "
        "It is likely to undo this change at its next write. "
        f"To make it stick, {HOW_TO_MAKE_IT_STICK}."
    )


def done_warning(count: int) -> str:
    """What the success notice adds while such a writer is recent (``count`` sessions changed)."""
    return f" — the bot may undo {'it' if count == 1 else 'that'} at its next write."


def _state(undone: UndoneEdit) -> str:
    """``running again`` (a close undone) or ``back, completed`` (a delete or cleanup undone)."""
    status = one_line(str(undone.status))
    return f"{status} again" if undone.edit.kind is EditKind.CLOSE else f"back, {status}"


def notice_text(undone: Sequence[UndoneEdit], *, by_bot: bool) -> Text:
    """The notice that stays until dismissed, naming each session undone and what it is now.

    One: ``⚠ The bot undid your close of 5ff0094f: running again.`` Several:
    a count, then the first :data:`NOTICE_NAMED`. ``by_bot``: a writer that
    takes no lock wrote the reading that showed it (else "Another writer").
    """
    who = "The bot" if by_bot else "Another writer"
    text = Text(end="")
    if len(undone) == 1:
        only = undone[0]
        text.append(f"⚠ {who} undid your {only.edit.kind} of ")
        text.append(short_id(only.session_id), "bold")
        text.append(f": {_state(only)}.")
    else:
        text.append(f"⚠ {who} undid {len(undone)} of your edits: ")
        for n, item in enumerate(undone[:NOTICE_NAMED]):
            if n:
                text.append(", ")
            text.append(f"{item.edit.kind} of ")
            text.append(short_id(item.session_id), "bold")
            text.append(f" ({_state(item)})")
        more = len(undone) - NOTICE_NAMED
        text.append(f" and {more} more." if more > 0 else ".")
    text.append(f"  Press {DISMISS_KEY} to dismiss.", "dim")
    return text
