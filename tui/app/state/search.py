"""The filter's search in message text: response, error and every message, without decoding every session.

The summaries the tree holds have no response or history; decoding each
session to look (tens of thousands, many messages each) would take seconds.
Instead the search runs over each session's JSON bytes as they are in the
file (a JSON reading's ``raw``), and only the sessions whose bytes match are
decoded, to confirm the match is in one of the searched texts (not in a key
like ``"Content"``, a time, or another field).

How far the byte match goes (it is a filter: it may let through sessions the
confirmation then drops, never drop one that matches):

- JSON may write a character escaped (Go writes ``<`` ``>`` ``&`` as
  ``\\u003c``..., every file writes newlines, quotes and backslashes as ``\\n``
  ``\\"`` ``\\\\``), so the bytes are searched for the longest run of the
  needle that JSON never escapes: ASCII letters, digits, spaces and the
  punctuation other than ``"`` ``\\`` ``<`` ``>`` ``&``. A needle with no
  such run (``项目``, ``<>``) filters nothing: every session is decoded
  (slower, still in the worker and cancelled by the next keystroke).
- The byte match ignores ASCII case only; the confirmation compares
  ``str.casefold()`` forms, as the rest of the filter does. So the needle's
  ASCII run must be in the text as such: ``STRAßE`` finds "Straße",
  ``STRASSE`` does not (though their casefolded forms are equal).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from tui.session import Reading, Session, StoreError

#: Characters JSON writers may escape (Go's encoder escapes the HTML ones too).
_ESCAPED = frozenset('"\\<>&')
#: The Go keys of the texts the search looks in (summary fields are matched by :class:`~.filters.Filter`).
SESSION_TEXTS = ("Response", "Error", "Request")
MESSAGE_TEXTS = ("Content", "Summary")
#: How often (in sessions) the search checks whether it was cancelled.
CHECK_EVERY = 256


def plain_run(needle: str) -> str:
    """The longest part of ``needle`` that is written as is in JSON bytes (ASCII, never escaped)."""
    best = ""
    current = ""
    for char in needle:
        if " " <= char <= "~" and char not in _ESCAPED:
            current += char
            if len(current) > len(best):
                best = current
        else:
            current = ""
    return best


def texts_of(item: Any) -> Iterable[str]:
    """The searched texts of one decoded session (Go's JSON object)."""
    if not isinstance(item, dict):
        return
    for key in SESSION_TEXTS:
        value = item.get(key)
        if isinstance(value, str):
            yield value
    messages = item.get("Messages")
    if isinstance(messages, list):
        for message in messages:
            if isinstance(message, dict):
                for key in MESSAGE_TEXTS:
                    value = message.get(key)
                    if isinstance(value, str):
                        yield value


def session_texts(session: Session) -> Iterable[str]:
    """The texts of a decoded session the search looks in."""
    yield from (session.request, session.response, session.error)
    for message in session.messages or ():
        yield from (message.content, message.summary)


def search_texts(
    snapshot: Reading,
    needle: str,
    *,
    only: Iterable[str] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> frozenset[str] | None:
    """Ids of the sessions whose response, error, request or a message contains
    ``needle`` (case-insensitively), among ``only`` (default: every session).
    ``None`` when ``cancelled()`` became true on the way."""
    folded = needle.casefold()
    if not folded:
        return frozenset()
    # bytes.lower() folds ASCII only, which is all the run holds. (A copy and a
    # find per session is twice as fast as an IGNORECASE regex over the bytes.)
    run = plain_run(needle).lower().encode("ascii")
    found = []
    raw_of = getattr(snapshot, "raw", None)
    if raw_of is None:  # a store without a session's bytes (SQLite): decode each
        for count, session_id in enumerate(snapshot if only is None else only):
            if count % CHECK_EVERY == 0 and cancelled():
                return None
            try:
                session = snapshot.session(session_id)
            except StoreError:
                continue
            if session is not None and any(folded in text.casefold() for text in session_texts(session)):
                found.append(session_id)
        return frozenset(found)
    for count, session_id in enumerate(snapshot if only is None else only):
        if count % CHECK_EVERY == 0 and cancelled():
            return None
        raw = raw_of(session_id)
        if raw is None or (run and bytes(raw).lower().find(run) < 0):
            continue
        try:
            item = json.loads(bytes(raw))
        except ValueError:
            continue
        if any(folded in text.casefold() for text in texts_of(item)):
            found.append(session_id)
    return frozenset(found)
