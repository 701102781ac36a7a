"""The session data model: ``Message``, ``Session``, ``SessionSummary`` and ``Config``.

Field defaults are Go's zero values (``""`` for strings, ``None`` for times,
maps and slices). Each ``Session`` and ``Message`` decoded from a file keeps
the JSON object it came from in ``_source`` so that saving it again keeps
whatever this version did not change or does not know: nanosecond
timestamps, their offsets, escaping-independent values and unknown keys.
A session listed from a file decodes some fields when first read (see
:class:`_Lazy`); it behaves as any other meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from .status import ENDED_STATUSES, LIVE_STATUSES, Status


@dataclass
class Message:
    """One entry of a session's history (Go ``Message``)."""

    role: str = ""
    content: str = ""
    summary: str = ""
    timestamp: datetime | None = None
    #: The JSON object this message was read from (private; keeps unknown keys).
    _source: dict[str, Any] | None = field(
        default=None, repr=False, compare=False, kw_only=True
    )


class Pending(Protocol):
    """What a session read from a file keeps, in ``_pending``, of the fields it has not decoded yet."""

    def fields(self) -> dict[str, Any]:
        """The value of every field not decoded yet, by attribute name (checked; may raise a ``StoreError``)."""


class _Lazy:
    """A field of a session read from a file, decoded when first read (a non-data descriptor).

    A store builds such a session with ``_pending`` (a :class:`Pending`) in
    its ``__dict__`` in place of the fields it left for later; the first read
    of any of them decodes them all and keeps them in the instance, which
    from then on answers every access. Assigning a field first simply sets
    it (what was decoded later does not replace it). Sessions made by
    ``Session(...)`` never use it.
    """

    def __init__(self, name: str, default: Any) -> None:
        self.name = name
        self.default = default

    def __get__(self, obj: Session | None, owner: type | None = None) -> Any:
        if obj is None:
            return self.default  # the dataclass default
        state = obj.__dict__
        try:
            pending: Pending = state["_pending"]
        except KeyError:
            raise AttributeError(f"{type(obj).__name__!r} object has no attribute {self.name!r}") from None
        # setdefault: a field assigned before is kept, and two threads reading
        # at once get the same values.
        for name, value in pending.fields().items():
            state.setdefault(name, value)
        state.pop("_pending", None)
        return state[self.name]


def _lazy_source(cls: type[Session]) -> type[Session]:
    # ``_source`` is a ``field()`` (keyword-only, not compared): its descriptor
    # is set once the dataclass has taken its default.
    cls._source = _Lazy("_source", None)  # type: ignore[assignment]
    return cls


@_lazy_source
@dataclass
class Session:
    """An agent session bound to a (chat, agent, project) (Go ``Session``)."""

    id: str = ""
    chat_id: str = ""
    agent: str = ""
    project: str = ""
    #: A :class:`Status`, or the raw string of a status this version does not know.
    status: Status | str = ""
    request: str = ""
    response: str = _Lazy("response", "")  # type: ignore[assignment]
    error: str = ""
    created_at: datetime | None = None
    last_activity: datetime | None = None
    #: ``None`` means persistent: the session never expires.
    expires_at: datetime | None = None
    #: (``response``, ``context``, ``messages``: decoded on first use when the
    #: session was listed from a file, see :class:`_Lazy`.)
    context: dict[str, Any] | None = _Lazy("context", None)  # type: ignore[assignment]
    #: A plain list.
    messages: list[Message] | None = _Lazy("messages", None)  # type: ignore[assignment]
    permission_mode: str = ""
    #: The JSON object this session was read from (private; keeps unknown keys).
    _source: dict[str, Any] | None = field(
        default=None, repr=False, compare=False, kw_only=True
    )

    @property
    def persistent(self) -> bool:
        """True when the session has no expiry time."""
        return self.expires_at is None

    def __getstate__(self) -> dict[str, Any]:
        # Pickle and copy see every field decoded, so a copy shares the history
        # list as a copy of any dataclass does.
        state = self.__dict__
        if "_pending" in state:
            self.messages  # noqa: B018 - decodes them
        return state


class SessionSummary(NamedTuple):
    """The fields of a session that lists, filters and counts need.

    Built straight from the file's JSON (every field validated); the message
    history is counted but not kept. Decode the full :class:`Session` with
    :meth:`Snapshot.session` when it is needed. (A named tuple: tens of
    thousands are built each time a large file is opened.)
    """

    id: str
    chat_id: str
    agent: str
    project: str
    status: Status | str
    request: str
    error: str
    created_at: datetime | None
    last_activity: datetime | None
    expires_at: datetime | None
    message_count: int
    permission_mode: str

    @property
    def persistent(self) -> bool:
        """True when the session never expires."""
        return self.expires_at is None

    def is_stale(self, now: datetime) -> bool:
        """A pending or running session past its expiry: its owner is likely gone."""
        return self.status in LIVE_STATUSES and self.expires_at is not None and self.expires_at < now

    def is_ended(self, now: datetime) -> bool:
        """Closed, expired, or past its expiry time."""
        return self.status in ENDED_STATUSES or (
            self.expires_at is not None and self.expires_at < now
        )

    def idle_for(self, now: datetime) -> timedelta | None:
        """Time since the last activity, or ``None`` if it was never set."""
        return None if self.last_activity is None else now - self.last_activity


@dataclass
class Config:
    """Manager settings (Go ``Config``)."""

    #: How long a new session lives before it expires.
    timeout: timedelta = timedelta(minutes=30)
    #: Ended sessions idle longer than this are dropped by the background loop.
    message_retention: timedelta = timedelta(days=7)
    #: How often the background loops run.
    cleanup_interval: timedelta = timedelta(minutes=5)


class _Timed(Protocol):
    created_at: datetime | None
    last_activity: datetime | None


def by_last_activity(item: _Timed) -> tuple[bool, datetime]:
    """Sort key: least recently active first, never-active before all."""
    return (item.last_activity is not None, item.last_activity or datetime.min)


def by_created(item: _Timed) -> tuple[bool, datetime]:
    """Sort key: oldest first, unset creation times before all."""
    return (item.created_at is not None, item.created_at or datetime.min)
