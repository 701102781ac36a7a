"""Rows of ``remote_sessions`` to ``Session`` and ``SessionSummary``, and back.

Every value is checked: a text column must hold text, a ``datetime``
column text in a layout the Go driver reads or a Unix time (NULL there
reads as "not set", as Go's ORM reads it). Anything else is a
:class:`CorruptStoreError` naming the database, the row and the column.

A :class:`StoredSession` keeps the row it came from (its ``_source``) and
reads its transcript only when ``messages`` is first used. Writing back
compares each attribute with the value decoded from that row and changes
only the columns that differ, so untouched times keep their nanoseconds
and offsets exactly as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ..codec import encode_message
from ..errors import CorruptStoreError, quoted
from ..model import Message, Session
from ..status import parse_status
from ..summary import SessionSummary
from .errors import ContextNotStoredError
from .schema import COLUMNS, TEXT_COLUMNS, TIME_COLUMNS
from .timetext import DbTime, format_db_time, parse_db_time

Row = Sequence[Any]

_INDEX = {name: i for i, name in enumerate(COLUMNS)}
_TEXT_INDEXES = tuple((_INDEX[name], name) for name, _ in TEXT_COLUMNS)
_TIME_INDEXES = tuple((_INDEX[name], name) for name, _ in TIME_COLUMNS)
_ID = _INDEX["id"]
_CLEAN = len(COLUMNS)  # the SELECT's extra column: every text column holds text

#: An expression true when every text column of a row holds text (SQLite checks in bulk).
CLEAN_EXPRESSION = " AND ".join(f"typeof({name}) = 'text'" for name, _ in TEXT_COLUMNS)

# Three times in the first layout, one per line: the common case, checked at once.
_FIRST = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?[+-]\d{2}:\d{2}"
_THREE_TIMES = re.compile(rf"{_FIRST}\n{_FIRST}\n{_FIRST}\Z")
_fromisoformat = datetime.fromisoformat


class StoredSession(Session):
    """A :class:`Session` read from the SQLite store.

    ``messages`` reads the session's transcript the first time it is used
    (a :class:`CorruptStoreError` then names a bad line). The store uses
    what was read as the baseline when the session is written back: a
    history that only grew is appended to the transcript, any other change
    rewrites it.
    """

    @property  # type: ignore[override]
    def messages(self) -> list[Message] | None:
        """The transcript's messages (read on first use)."""
        state = self.__dict__
        load = state.get("_load_messages")
        if load is not None:
            loaded = load()
            del state["_load_messages"]
            state["_messages"] = loaded
            state["_baseline"] = [encode_message(m) for m in loaded]
        return state.get("_messages")

    @messages.setter
    def messages(self, value: list[Message] | None) -> None:
        state = self.__dict__
        if state.pop("_load_messages", None) is not None:
            state["_baseline"] = None  # replaced unread: compare with the file when saving
        state["_messages"] = value


def messages_state(session: Session) -> tuple[bool, list[dict[str, Any]] | None]:
    """``(touched, baseline)``: whether the history may differ from the transcript,
    and the encoded messages it was read as (``None``: unknown, compare with the file)."""
    if not isinstance(session, StoredSession):
        return session.messages is not None, None
    state = session.__dict__
    if "_load_messages" in state:
        return False, None
    return True, state.get("_baseline")


def _where(path: Path, row: Row) -> str:
    session_id = row[_ID]
    if type(session_id) is str:
        return f"{path}: session {quoted(session_id)}"
    return f"{path}: a row whose id is {_sql_text(session_id)}"


def _sql_text(value: Any) -> str:
    if value is None:
        return "NULL"
    kind = {int: "INTEGER", float: "REAL", bytes: "BLOB"}.get(type(value), type(value).__name__)
    return f"{kind} {quoted(value)}"


def check_text(path: Path, row: Row) -> None:
    """Raise :class:`CorruptStoreError` unless every text column of ``row`` holds text."""
    if len(row) > _CLEAN and row[_CLEAN]:
        return
    for index, name in _TEXT_INDEXES:
        value = row[index]
        if type(value) is not str:
            raise CorruptStoreError(f"{_where(path, row)}: column {name} holds {_sql_text(value)}, not text")


def row_time(path: Path, row: Row, name: str) -> DbTime | None:
    """Decode one ``datetime`` column of ``row``."""
    try:
        return parse_db_time(row[_INDEX[name]])
    except ValueError as exc:
        raise CorruptStoreError(f"{_where(path, row)}: column {name}: {exc}") from None


def _datetime(path: Path, row: Row, name: str) -> datetime | None:
    parsed = row_time(path, row, name)
    return None if parsed is None else parsed.value


def row_times(path: Path, row: Row) -> tuple[datetime | None, datetime | None, datetime | None]:
    """``created_at``, ``last_activity`` and ``expires_at`` of a row.

    Opening a large store decodes 30 000 of these: the common case (three
    texts in the driver's first layout) is matched at once and parsed by
    ``fromisoformat``; anything else, the zero time included, takes the
    precise path that names what is wrong.
    """
    created, last, expires = row[9], row[10], row[11]
    try:
        if _THREE_TIMES.match(f"{created}\n{last}\n{expires}"):
            times = (_fromisoformat(created), _fromisoformat(last), _fromisoformat(expires))
            if times[0].year != 1 and times[1].year != 1 and times[2].year != 1:
                return times
    except ValueError:  # a field out of range: let the precise path say which
        pass
    return (_datetime(path, row, "created_at"), _datetime(path, row, "last_activity"), _datetime(path, row, "expires_at"))


def decode_session(path: Path, row: Row, load: Callable[[], list[Message]] | None) -> StoredSession:
    """The session of one row (``row`` in :data:`COLUMNS` order); ``load`` reads its transcript."""
    check_text(path, row)
    created, last, expires = row_times(path, row)
    session = StoredSession(
        id=row[0],
        chat_id=row[1],
        agent=row[2],
        project=row[3],
        status=parse_status(row[4]),
        request=row[5],
        response=row[6],
        error=row[7],
        permission_mode=row[8],
        created_at=created,
        last_activity=last,
        expires_at=expires,
        context=None,
        messages=None,
        _source=dict(zip(COLUMNS, row)),  # zip stops at the SELECT's extra column
    )
    if load is not None:
        session.__dict__["_load_messages"] = load
    return session


def decode_summary(path: Path, row: Row, message_count: int | None = None) -> SessionSummary:
    """The summary of one row, read without its transcript (``row`` in :data:`COLUMNS` order)."""
    check_text(path, row)
    created, last, expires = row_times(path, row)
    return SessionSummary(
        row[0],
        row[1],
        row[2],
        row[3],
        parse_status(row[4]),
        row[5],
        row[7],
        created,
        last,
        expires,
        message_count,  # type: ignore[arg-type]  # None: not counted (see SessionStoreSQLite.summaries)
        row[8],
    )


def check_context(session: Session) -> None:
    """Refuse a context the table cannot hold (it has no ``Context`` column).

    ``None``, ``{}`` and the ``{"project_path": project}`` that
    ``Manager.create_with`` gives every session pass: nothing is lost, the
    project has its own column.
    """
    context = session.context
    if not context or context == {"project_path": session.project}:
        return
    keys = ", ".join(sorted(map(str, context)))
    raise ContextNotStoredError(
        f"session {quoted(session.id)}: the SQLite store has no context column; cannot store context keys {keys}"
    )


def column_values(session: Session) -> dict[str, Any]:
    """Every column's value for ``session``, as this store writes it (times as driver text)."""
    values: dict[str, Any] = {}
    for name, attr in TEXT_COLUMNS:
        value = getattr(session, attr)
        if not isinstance(value, str):
            raise TypeError(f"{attr} must be a string, not {type(value).__name__}")
        values[name] = str.__str__(value)
    for name, attr in TIME_COLUMNS:
        value = getattr(session, attr)
        if value is not None and not isinstance(value, datetime):
            raise TypeError(f"{attr} must be a datetime or None, not {type(value).__name__}")
        values[name] = format_db_time(value)
    return values


def changed_columns(path: Path, session: Session, current: Row) -> dict[str, Any]:
    """The columns whose value in ``session`` differs from the stored ``current`` row.

    A time equal (to the microsecond, same instant and offset) to the
    stored one is not a change, so the stored text with its nanoseconds
    stays.
    """
    new = column_values(session)
    changed: dict[str, Any] = {}
    for index, name in _TEXT_INDEXES:
        if current[index] != new[name]:
            changed[name] = new[name]
    for index, name in _TIME_INDEXES:
        value = getattr(session, name)  # the time columns are named as their attributes
        try:
            stored = parse_db_time(current[index])
        except ValueError:
            stored = None
            changed[name] = new[name]
            continue
        before = None if stored is None else stored.value
        if not _same_time(before, value):
            changed[name] = new[name]
    return changed


def _same_time(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b and a.utcoffset() == b.utcoffset()


def unchanged_messages(baseline: list[dict[str, Any]], messages: Sequence[Message]) -> bool:
    """Whether ``messages`` starts with exactly the messages of ``baseline``."""
    return len(messages) >= len(baseline) and all(
        encode_message(m) == raw for m, raw in zip(messages, baseline)
    )

