"""Building a :class:`~tui.session.model.SessionSummary` from a session's JSON, and choosing sessions to clean up."""

from __future__ import annotations

import re
from itertools import chain
from operator import itemgetter
from datetime import datetime, timedelta
from typing import Any

from .codec import decode_session
from .durations import age_cutoff
from .gotime import STRICT_TIME_PATTERN, parse_time
from .model import Session, SessionSummary
from .status import Status, parse_status

fromisoformat = datetime.fromisoformat

# A session's three times, one per line, each a valid RFC 3339 time with fields
# in range (a day past the month's end is caught by fromisoformat after).
_SESSION_TIMES = re.compile(rf"{STRICT_TIME_PATTERN}\n{STRICT_TIME_PATTERN}\n{STRICT_TIME_PATTERN}\Z")


def summarize(raw: Any, session_id: str) -> SessionSummary:
    """Validate one session's JSON object and summarize it.

    Raises :class:`~tui.session.codec.FormatError` naming the bad field.
    This runs once per session when a file is opened, so the common case
    (every field present with its proper type) is checked in bulk; anything
    unusual takes the precise path of :func:`decode_session`.
    """
    summary = usual_summary(raw, session_id)
    return summary if summary is not None else _summary_of(decode_session(raw), session_id)


def usual_summary(raw: Any, session_id: str, stamps: dict[str, str] | None = None) -> SessionSummary | None:
    """:func:`summarize` of a session whose every field has its usual JSON type, else ``None``.

    Usual: every key present, strings and times strings, ``Context`` an object
    or null, ``Messages`` an array (or null) of objects whose four fields
    are strings. ``stamps``, if given, receives the messages' timestamps, one
    per line, under ``session_id`` (see :func:`~tui.session.codec.valid_stamps`).
    """
    fields = _fast_fields(raw)
    if fields is None:
        return None
    chat_id, agent, project, status, request, error, permission_mode, created, last, expires, count, times = fields
    try:
        summary = SessionSummary(
            session_id,
            chat_id,
            agent,
            project,
            parse_status(status),
            request,
            error,
            _time(created),
            _time(last),
            _time(expires),
            count,
            permission_mode,
        )
    except ValueError:  # e.g. February 30th: let the precise path say so
        return None
    if stamps is not None:
        stamps[session_id] = times
    return summary


def _time(value: str) -> datetime | None:
    if value[0] == "0":  # years 0001-0999, among them every spelling of the zero time
        return parse_time(value)
    return fromisoformat(value)


_StrFields = tuple[str, str, str, str, str, str, str, str, str, str, int, str]
_session_strings = itemgetter("ChatID", "Agent", "Project", "Status", "Request", "Error", "PermissionMode", "ID", "Response")
_session_times = itemgetter("CreatedAt", "LastActivity", "ExpiresAt")
_message_texts = itemgetter("Role", "Content", "Summary")
_message_stamp = itemgetter("Timestamp")
_ONLY_STR = {str}


def _fast_fields(raw: Any) -> _StrFields | None:
    """The summary's raw field values if every check passes in bulk, else ``None``.

    Missing keys, nulls and wrong types all return ``None``; the precise path
    then accepts what Go accepts and names what it does not. Message
    timestamps are checked to be strings here and parsed only when the
    session is decoded: on a large file they are most of the work of opening
    it, and an edit always decodes (so validates) the session it writes.
    """
    try:
        strings = _session_strings(raw)
        stamps = _session_times(raw)
        context = raw["Context"]
        messages = raw["Messages"]
        if context is not None and type(context) is not dict:
            return None
        times = ""
        if messages is not None:
            if type(messages) is not list:
                return None
            # (a Timestamp that is not a string fails the join: TypeError)
            times = "\n".join(map(_message_stamp, messages))
            if set(map(type, chain.from_iterable(map(_message_texts, messages)))) - _ONLY_STR:
                return None
        if set(map(type, strings)) - _ONLY_STR:
            return None
        if not _SESSION_TIMES.match("\n".join(stamps)):
            return None
    except (KeyError, TypeError):  # a missing key, a non-object, a null time
        return None
    return (*strings[:7], *stamps, len(messages or ()), times)  # type: ignore[return-value]


def _summary_of(session: Session, session_id: str) -> SessionSummary:
    return SessionSummary(
        session_id,
        session.chat_id,
        session.agent,
        session.project,
        session.status,
        session.request,
        session.error,
        session.created_at,
        session.last_activity,
        session.expires_at,
        len(session.messages or ()),
        session.permission_mode,
    )


#: Statuses ``cleanup_old_sessions`` may remove (Go: "only closed, completed or
#: failed sessions, not running ones"; expired ones are as done). Unknown
#: statuses are kept: they may be a newer writer's live state.
CLEANABLE_STATUSES = frozenset({Status.CLOSED, Status.COMPLETED, Status.FAILED, Status.EXPIRED})


def is_cleanable(status: Status | str, last_activity: datetime | None, persistent: bool, cutoff: datetime) -> bool:
    """Whether cleanup with this ``cutoff`` removes a session with these fields.

    Never a running, pending or unknown-status session, never a persistent
    one; a session never active counts as old.
    """
    return (
        status in CLEANABLE_STATUSES
        and not persistent
        and (last_activity is None or last_activity < cutoff)
    )


def cleanup_candidates(summaries: Any, older_than: timedelta, now: datetime) -> list[SessionSummary]:
    """The sessions ``cleanup_old_sessions(older_than)`` would remove, oldest first."""
    cutoff = age_cutoff(now, older_than)
    found = [s for s in summaries if is_cleanable(s.status, s.last_activity, s.persistent, cutoff)]
    found.sort(key=lambda s: (s.last_activity is not None, s.last_activity or cutoff))
    return found
