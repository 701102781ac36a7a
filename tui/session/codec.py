"""Lossless conversion between the Go JSON objects and ``Session``/``Message``.

Decoding checks every field's JSON type and raises :class:`FormatError`
naming the field. Encoding writes the Go keys in Go's order, each key this
version does not know where it was (before the Go key that followed it in
the source), and reuses the original JSON value of every field whose
decoded value was not changed (so a nanosecond timestamp, a ``null``
string or an exotic offset survives an edit of another field).

Nothing here recurses into a value: a ``Context`` as deep as the parser
reads is copied and compared by loops, never a ``RecursionError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from itertools import chain
from operator import itemgetter
from typing import Any

import orjson

from .gotime import STRICT_TIME_PATTERN, VALID_TIME_PATTERN, format_time, parse_time
from .jsonbytes import loads_exact, may_lose_digits
from .model import Message, Session, SessionSummary
from .status import parse_status

Json = Any


class FormatError(ValueError):
    """A JSON value does not have the shape the Go format requires."""


def json_kind(value: Json) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def decode_str(value: Json, name: str) -> str:
    """A Go string field: a JSON string, or ``null`` read as ``""``."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    raise FormatError(f"{name} must be a string, not {json_kind(value)}")


def decode_time(value: Json, name: str) -> datetime | None:
    """A Go ``time.Time`` field; the zero time and ``null`` read as ``None``."""
    if type(value) is str:
        try:
            return parse_time(value)
        except ValueError as exc:
            raise FormatError(f"{name}: {exc}") from None
    if value is None:
        return None
    raise FormatError(f"{name} must be an RFC 3339 time string, not {json_kind(value)}")


def decode_object(value: Json, name: str) -> dict[str, Json] | None:
    """A Go ``map[string]interface{}`` field: a JSON object or ``null``."""
    if value is None or type(value) is dict:
        return value
    raise FormatError(f"{name} must be an object or null, not {json_kind(value)}")


def decode_array(value: Json, name: str) -> list[Json] | None:
    """A Go slice field: a JSON array or ``null``."""
    if value is None or type(value) is list:
        return value
    raise FormatError(f"{name} must be an array or null, not {json_kind(value)}")


def require_object(value: Json, name: str) -> dict[str, Json]:
    """A Go struct value: must be a JSON object."""
    if type(value) is dict:
        return value
    raise FormatError(f"{name} must be an object, not {json_kind(value)}")


def decode_message(raw: Json, index: int) -> Message:
    """Decode one element of ``Messages``."""
    where = f"Messages[{index}]"
    raw = require_object(raw, where)
    get = raw.get
    return Message(
        role=decode_str(get("Role"), f"{where}.Role"),
        content=decode_str(get("Content"), f"{where}.Content"),
        summary=decode_str(get("Summary"), f"{where}.Summary"),
        timestamp=decode_time(get("Timestamp"), f"{where}.Timestamp"),
        _source=raw,
    )


_message_values = itemgetter("Role", "Content", "Summary", "Timestamp")
_ONLY_STR = {str}
# Every message's timestamp, one per line, each a strict RFC 3339 time.
_TIMESTAMPS = re.compile(rf"(?:{STRICT_TIME_PATTERN}\n)*{STRICT_TIME_PATTERN}\Z")
_fromisoformat = datetime.fromisoformat


def decode_messages(array: list[Json]) -> list[Message]:
    """Decode ``Messages``: in bulk when every message has its four string fields, else one by one."""
    try:
        values = list(map(_message_values, array))  # KeyError, TypeError: a message is not the usual
        if not values:
            return []
        if set(map(type, chain.from_iterable(values))) - _ONLY_STR or not _TIMESTAMPS.match(
            "\n".join([v[3] for v in values])
        ):
            raise TypeError
        stamps = [parse_time(t) if t[0] == "0" else _fromisoformat(t) for _, _, _, t in values]
    except (KeyError, TypeError, ValueError):  # ValueError: e.g. February 30th; said precisely below
        return [decode_message(m, i) for i, m in enumerate(array)]
    return [
        Message(role, content, summary, stamp, _source=raw)
        for (role, content, summary, _), stamp, raw in zip(values, stamps, array)
    ]


def decode_session(raw: Json) -> Session:
    """Decode one element of ``items`` into a :class:`Session`."""
    raw = require_object(raw, "session")
    get = raw.get
    array = decode_array(get("Messages"), "Messages")
    history = None if array is None else decode_messages(array)
    return Session(
        id=decode_str(get("ID"), "ID"),
        chat_id=decode_str(get("ChatID"), "ChatID"),
        agent=decode_str(get("Agent"), "Agent"),
        project=decode_str(get("Project"), "Project"),
        status=parse_status(decode_str(get("Status"), "Status")),
        request=decode_str(get("Request"), "Request"),
        response=decode_str(get("Response"), "Response"),
        error=decode_str(get("Error"), "Error"),
        created_at=decode_time(get("CreatedAt"), "CreatedAt"),
        last_activity=decode_time(get("LastActivity"), "LastActivity"),
        expires_at=decode_time(get("ExpiresAt"), "ExpiresAt"),
        context=copy_json(decode_object(get("Context"), "Context")),
        messages=history,
        permission_mode=decode_str(get("PermissionMode"), "PermissionMode"),
        _source=raw,
    )


# -- decoding a session read in bulk ----------------------------------------

# Every message's timestamp, one per line, each one parse_time never refuses.
_VALID_STAMPS = re.compile(rf"(?:{VALID_TIME_PATTERN}\n)*+{VALID_TIME_PATTERN}\Z")
_new = object.__new__


def may_be_inexact(value: Json) -> bool:
    """Whether a value orjson decoded may hold an integer it could not keep exact.

    orjson reads an integer beyond 64 bits as a float of magnitude 2**63 or
    more, which it writes back with an exponent (``9.223372036854776e+18``,
    as ``repr`` does from 1e16 up; tests/session/test_bulk_read.py holds it to
    that); every other float it reads is the one the exact parser reads. So
    a value written back without ``e+`` is exact.
    """
    try:
        return b"e+" in orjson.dumps(value)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes
        return True


def _unknown_values(obj: dict[str, Json], known: frozenset[str]) -> list[Json]:
    return [value for key, value in obj.items() if key not in known]


def valid_stamps(stamps: str) -> bool:
    """Whether a history's timestamps, one per line, are all times :func:`parse_time` accepts."""
    return not stamps or _VALID_STAMPS.match(stamps) is not None


def session_from_summary(
    raw: Json, summary: SessionSummary, data: bytes | memoryview, *, reread: bool = False
) -> Session | None:
    """The session of ``raw`` (``data`` parsed by orjson) given its validated summary, cheaply;
    ``None`` when anything is unusual (then :func:`decode_session` of an exact parse).

    The fields a summary holds are taken from it (they were decoded the way
    :func:`decode_session` decodes them); the rest are checked here.
    ``Context`` is the parsed object itself, not a copy (nothing else holds
    it). The messages are checked now, timestamps included, and decoded when
    ``messages`` is first read; with ``reread`` a history checked here is dropped
    and read again from ``data`` too (a list of sessions then holds no
    histories until they are used). A session that may hold an integer
    orjson could not keep exact (a float of 2**63 or more, and a long run of
    digits in ``data``) returns ``None``.
    """
    try:
        ident = raw["ID"]
        response = raw["Response"]
        context = raw["Context"]
        array = raw["Messages"]
    except (KeyError, TypeError):
        return None
    if type(ident) is not str or type(response) is not str:
        return None
    if context is not None and type(context) is not dict:
        return None
    inexact = (context is not None and may_be_inexact(context)) or (
        not raw.keys() <= _SESSION_KEYS and may_be_inexact(_unknown_values(raw, _SESSION_KEYS))
    )
    pending: Json = None
    if array is None or (type(array) is list and not array):
        pass
    elif type(array) is list:
        try:
            values = list(map(_message_values, array))
        except (KeyError, TypeError):
            return None
        if set(map(type, chain.from_iterable(values))) - _ONLY_STR:
            return None
        if not _VALID_STAMPS.match("\n".join([v[3] for v in values])):
            return None
        if not inexact and _messages_may_be_inexact(array):
            inexact = True
        if reread:
            raw["Messages"] = None
            pending = data
        else:
            pending = array
    else:
        return None
    if inexact and may_lose_digits(data):
        return None
    session = _new(Session)
    session.__dict__ = state = {
        "id": ident,
        "chat_id": summary.chat_id,
        "agent": summary.agent,
        "project": summary.project,
        "status": summary.status,
        "request": summary.request,
        "response": response,
        "error": summary.error,
        "created_at": summary.created_at,
        "last_activity": summary.last_activity,
        "expires_at": summary.expires_at,
        "context": context,
        "messages": array,
        "permission_mode": summary.permission_mode,
        "_source": raw,
    }
    if pending is not None:
        del state["messages"]
        state["_pending"] = PendingHistory(pending, raw)
    return session


def _messages_may_be_inexact(array: list[dict[str, Json]]) -> bool:
    # Each has the four keys: only a longer one has others.
    return set(map(len, array)) != {len(_MESSAGE_KEYS)} and any(
        may_be_inexact(_unknown_values(m, _MESSAGE_KEYS)) for m in array
    )


class PendingHistory:
    """A history :func:`session_from_summary` checked and left for later (a :class:`~.model.Pending`)."""

    __slots__ = ("_array", "_source")

    def __init__(self, array: Json, source: dict[str, Json]) -> None:
        self._array = array
        self._source = source

    def fields(self) -> dict[str, Any]:
        return {"messages": decode_pending_messages(self._array, self._source)}


def decode_pending_messages(pending: Json, source: dict[str, Json] | None) -> list[Message]:
    """Decode a history :func:`session_from_summary` left for later.

    ``pending`` is the checked ``Messages`` array, or the session's bytes to
    read it from (then put back into ``source``, the session's JSON object).
    """
    if type(pending) is list:
        return decode_messages(pending)
    array = orjson.loads(pending)["Messages"]
    if _messages_may_be_inexact(array) and may_lose_digits(pending):
        array = loads_exact(pending)["Messages"]
    if source is not None:
        source["Messages"] = array
    return decode_messages(array)


# -- encoding ---------------------------------------------------------------


def _encode_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return str.__str__(value)  # a plain str, also for Status members


def _encode_object(value: Any) -> Json:
    if value is not None and not isinstance(value, dict):
        raise TypeError(f"context must be a dict or None, got {type(value).__name__}")
    return value


def copy_json(value: Json) -> Json:
    """A deep copy of a decoded JSON value (objects and arrays copied, by a loop)."""
    kind = type(value)
    if kind is not dict and kind is not list:
        return value
    root = value.copy()
    pending = [root]
    while pending:
        node = pending.pop()
        for key, item in node.items() if type(node) is dict else enumerate(node):
            if type(item) is dict or type(item) is list:
                node[key] = item = item.copy()  # replaces a value: the dict's size never changes
                pending.append(item)
    return root


def same_json(a: Json, b: Json) -> bool:
    """Deep equality that tells ``1``, ``1.0`` and ``True`` apart (by a loop, at any depth).

    Walks both values in step, so it ends even if ``b`` (a caller's value) is cyclic.
    """
    pending = [(a, b)]
    while pending:
        a, b = pending.pop()
        if type(a) is not type(b):
            return False
        if type(a) is dict:
            if a.keys() != b.keys():
                return False
            pending.extend((v, b[k]) for k, v in a.items())
        elif type(a) is list:
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b))
        elif not a == b:
            return False
    return True


# (JSON key, attribute, decoder, encoder) in Go's field order.
_Field = tuple[str, str, Callable[[Json, str], Any], Callable[[Any], Json]]
_STR = (decode_str, _encode_str)
_TIME = (decode_time, format_time)
SESSION_FIELDS: tuple[_Field, ...] = (
    ("ID", "id", *_STR),
    ("ChatID", "chat_id", *_STR),
    ("Agent", "agent", *_STR),
    ("Project", "project", *_STR),
    ("Status", "status", *_STR),
    ("Request", "request", *_STR),
    ("Response", "response", *_STR),
    ("Error", "error", *_STR),
    ("CreatedAt", "created_at", *_TIME),
    ("LastActivity", "last_activity", *_TIME),
    ("ExpiresAt", "expires_at", *_TIME),
    ("Context", "context", decode_object, _encode_object),
    ("Messages", "messages", decode_array, lambda value: value),  # handled below
    ("PermissionMode", "permission_mode", *_STR),
)
MESSAGE_FIELDS: tuple[_Field, ...] = (
    ("Role", "role", *_STR),
    ("Content", "content", *_STR),
    ("Summary", "summary", *_STR),
    ("Timestamp", "timestamp", *_TIME),
)


def _unchanged(decode: Callable[[Json, str], Any], raw: Json, value: Any) -> bool:
    try:
        before = decode(raw, "")
    except FormatError:
        return False
    if isinstance(before, datetime) or isinstance(value, datetime):
        return type(before) is type(value) and before == value
    return same_json(before, value) or (isinstance(value, str) and before == value)


_SESSION_KEYS = frozenset(field[0] for field in SESSION_FIELDS)
_MESSAGE_KEYS = frozenset(field[0] for field in MESSAGE_FIELDS)


def _unknown_before(source: dict[str, Json], known: frozenset[str]) -> dict[str, list[str]]:
    """The source's unknown keys, by the known key that follows each (``""``: none follows)."""
    before: dict[str, list[str]] = {}
    pending: list[str] = []
    for key in source:
        if key not in known:
            pending.append(key)
        elif pending:
            before[key] = pending
            pending = []
    if pending:
        before[""] = pending
    return before


def _encode(obj: Session | Message, fields: tuple[_Field, ...], known: frozenset[str]) -> dict[str, Json]:
    source = obj._source or {}
    unknown = _unknown_before(source, known) if not source.keys() <= known else {}
    out: dict[str, Json] = {}
    for key, attr, decode, encode in fields:
        for extra in unknown.get(key, ()):
            out[extra] = source[extra]
        value = getattr(obj, attr)
        if key == "Messages":
            out[key] = None if value is None else [encode_message(m) for m in value]
        elif key in source and _unchanged(decode, source[key], value):
            out[key] = source[key]
        else:
            try:
                out[key] = encode(value)
            except TypeError as exc:
                raise TypeError(f"{key}: {exc}") from None
    for extra in unknown.get("", ()):
        out[extra] = source[extra]
    return out


def encode_message(message: Message) -> dict[str, Json]:
    """The Go JSON object for a message, keeping what its source had."""
    return _encode(message, MESSAGE_FIELDS, _MESSAGE_KEYS)


def encode_session(session: Session) -> dict[str, Json]:
    """The Go JSON object for a session, keeping what its source had."""
    return _encode(session, SESSION_FIELDS, _SESSION_KEYS)
