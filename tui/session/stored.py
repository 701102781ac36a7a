"""A session as its store holds it: the stored text of its times, keys this version does not know, the whole record.

For viewers that show more than the decoded :class:`~tui.session.Session`
(the detail pane's raw times, ``show --json``) without naming a store:

- a JSON session file holds each session as an object with Go's field
  names (``"CreatedAt"``...), possibly with keys this version does not
  know;
- tingly-box's database holds a row of ``remote_sessions`` (columns
  ``created_at``...: every column is known) and a JSONL transcript whose
  lines are messages with Go's field names.
"""

from __future__ import annotations

from typing import Any

from .codec import SESSION_FIELDS, encode_message
from .jsonbytes import loads_exact
from .model import Session
from .reading import Reading
from .snapshot import Snapshot
from .sqlite.rows import StoredSession

#: The Go field name of each ``Session`` attribute (a JSON file's keys).
_GO_NAMES = {attr: key for key, attr, *_ in SESSION_FIELDS}
_GO_KEYS = frozenset(_GO_NAMES.values())


def stored_time(session: Session, attr: str) -> str | None:
    """The text the store holds for the time attribute ``attr`` (``"created_at"``...), or ``None``.

    It keeps what a ``datetime`` loses: nanoseconds, the offset as written,
    the layout of the writer.
    """
    source = session._source or {}
    value = source.get(attr if isinstance(session, StoredSession) else _GO_NAMES.get(attr, attr))
    return value if isinstance(value, str) else None


def extra_fields(session: Session) -> dict[str, Any]:
    """What the store holds for the session beyond the fields this version knows (JSON: unknown keys)."""
    if isinstance(session, StoredSession):
        return {}  # only the table's known columns are read
    return {k: v for k, v in (session._source or {}).items() if k not in _GO_KEYS}


def stored_object(reading: Reading, session_id: str) -> dict[str, Any] | None:
    """One session as stored, as a JSON value; ``None`` if ``reading`` does not hold it.

    - a JSON file: the session's object exactly as in the file (Go field
      names, times as written, unknown keys kept, integers exact);
    - a SQLite store: the row's columns by their names, as stored, then
      ``"messages"``: the transcript's messages, each with Go's field
      names as on its line.

    Raises a :class:`~tui.session.StoreError` subclass for a session that
    cannot be decoded.
    """
    if isinstance(reading, Snapshot):
        raw = reading.raw(session_id)
        return None if raw is None else loads_exact(raw)
    session = reading.session(session_id)
    if session is None:
        return None
    if isinstance(session, StoredSession):
        return {**(session._source or {}), "messages": [encode_message(m) for m in session.messages or ()]}
    from .codec import encode_session

    return encode_session(session)
