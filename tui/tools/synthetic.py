"""Synthetic session files in the Go writer's format, for benchmarks, demos and tests.

:func:`generate_document` builds a file of N sessions × M messages that
looks like what the Go bot writes: several chats (Telegram, Feishu, Slack,
DingTalk ids), all six statuses plus stale running and pending sessions
(past their ``ExpiresAt``), persistent ones (zero ``ExpiresAt``),
nanosecond timestamps in UTC and other offsets, nested ``Context`` maps,
and the untrusted text of :mod:`tui.tools.corpus`. Like Go's
``json.MarshalIndent`` it writes 2-space indentation, sessions sorted by id
(Go sorts map keys), and ``<``, ``>``, ``&``, U+2028, U+2029 as ``\\u``
escapes; readers therefore take their fast path.

A session averages about 16 KB at 30 messages (10k × 30 ≈ 160 MB, the Go
writer's large case). The output depends only on the arguments: the same
``seed`` and ``now`` give the same bytes.
"""

from __future__ import annotations

import os
import random
import secrets
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from . import corpus

GO_ZERO_TIME = "0001-01-01T00:00:00Z"
SECOND = 1_000_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

#: The Go Manager's default session timeout: ``ExpiresAt = CreatedAt + 30 min``.
TIMEOUT = 30 * MINUTE

# (kind, weight): a kind is a status, or a live status past its expiry.
_KINDS = (
    ("completed", 38),
    ("closed", 22),
    ("failed", 10),
    ("running", 8),
    ("stale-running", 6),
    ("pending", 4),
    ("stale-pending", 2),
    ("expired", 10),
)
_KIND_NAMES = [k for k, _ in _KINDS]
_KIND_WEIGHTS = [w for _, w in _KINDS]
_PERSISTENT_SHARE = 0.06

# Sessions are encoded this many at a time, wrapped as {"items": {...}} so
# that orjson puts them at the file's indentation.
_BATCH = 64
_WRAP_HEAD = b'{\n  "items": {'
_WRAP_TAIL = b"\n  }\n}"


def generate_document(
    sessions: int, messages: int, *, seed: int = 0, now: datetime | None = None
) -> bytes:
    """The bytes of a session file with ``sessions`` sessions of ``messages`` messages each.

    ``now`` (default: the current time; a naive value is taken as UTC) is
    the moment the file describes: live sessions were active minutes before
    it, stale ones hours or days before, and ``updated`` is ``now``. The
    same ``seed`` and ``now`` always give the same bytes. Raises
    ``ValueError`` for a negative count.
    """
    return b"".join(_chunks(sessions, messages, seed, now))


def write_file(
    path: str | os.PathLike[str],
    sessions: int,
    messages: int,
    *,
    seed: int = 0,
    now: datetime | None = None,
    overwrite: bool = False,
) -> int:
    """Write :func:`generate_document` to ``path`` atomically; returns its size in bytes.

    The bytes are streamed to a temporary file beside ``path`` (so memory
    stays small), fsynced, then moved into place: a reader never sees half
    a file. Raises ``FileExistsError`` if ``path`` exists and ``overwrite``
    is false, ``OSError`` if it cannot be written.
    """
    target = Path(path)
    if not overwrite and os.path.lexists(target):
        raise FileExistsError(f"{target}: already exists")
    tmp = target.with_name(f".{target.name}.gen-{secrets.token_hex(6)}")
    size = 0
    try:
        with open(tmp, "xb") as out:
            os.fchmod(out.fileno(), 0o600)  # like the library's new files
            for chunk in _chunks(sessions, messages, seed, now):
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # unlike a rename, fails if the target appeared meanwhile
            os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return size


def _chunks(sessions: int, messages: int, seed: int, now: datetime | None) -> Iterator[bytes]:
    """The document in pieces: head, sessions in batches, tail."""
    now_ns = _epoch_ns(described_moment(sessions, messages, now))
    yield b'{\n  "version": 1,\n  "items": {' if sessions else b'{\n  "version": 1,\n  "items": {},'
    for number, batch in enumerate(session_batches(sessions, messages, seed, now_ns)):
        encoded = orjson.dumps({"items": batch}, option=orjson.OPT_INDENT_2)
        yield (b"," if number else b"") + encoded[len(_WRAP_HEAD) : -len(_WRAP_TAIL)]
    if sessions:
        yield b"\n  },"
    yield b'\n  "updated": "' + _format_ns(now_ns, "Z", 0).encode() + b'"\n}'


def described_moment(sessions: int, messages: int, now: datetime | None) -> datetime:
    """The moment a generated store describes (``now``; a naive value is UTC), once the counts are checked.

    Raises ``ValueError`` for a negative count.
    """
    if sessions < 0 or messages < 0:
        raise ValueError("the numbers of sessions and messages must not be negative")
    if now is None:
        return datetime.now(timezone.utc)
    return now.replace(tzinfo=timezone.utc) if now.tzinfo is None else now


def session_batches(sessions: int, messages: int, seed: int, now_ns: int) -> Iterator[dict[str, dict[str, Any]]]:
    """The sessions of a generated store in batches (id → session, in id order), as of ``now_ns``.

    Every generator draws them this way, so the same ``seed`` and moment give
    the same sessions in any layout. Their strings are ``orjson.Fragment``
    values, encoded as Go writes them.
    """
    rng = random.Random(seed)
    ids = _session_ids(rng, sessions)
    chats = _chats(rng, max(4, min(200, sessions // 25)))
    texts = _Texts(rng)
    for first in range(0, len(ids), _BATCH):
        batch = {}
        for index in range(first, min(first + _BATCH, len(ids))):
            # The first sessions take every kind in turn, so that each status
            # appears in any file of at least len(_KINDS) sessions.
            kind = _KIND_NAMES[index] if index < len(_KIND_NAMES) else rng.choices(_KIND_NAMES, _KIND_WEIGHTS)[0]
            batch[ids[index]] = _session(rng, ids[index], kind, messages, now_ns, chats, texts)
        yield batch


class _Texts:
    """Every string a document uses, pre-encoded as Go would write it.

    Strings go into the sessions as ``orjson.Fragment`` values, encoded and
    escaped once here instead of once per use: that keeps the generator fast.
    """

    def __init__(self, rng: random.Random) -> None:
        self.requests = [_go_json(r) for r in corpus.REQUESTS]
        self.users = [_go_json(rng.choice(corpus.REQUESTS)) for _ in range(24)]
        self.assistant = [
            _go_json("\n\n".join(rng.choice(corpus.PARAGRAPHS) for _ in range(rng.choice((1, 2, 3, 4, 5, 6, 8, 10)))))
            for _ in range(96)
        ]
        self.huge = _go_json(corpus.code_listing())
        self.system = _go_json(corpus.SYSTEM_MESSAGE)
        self.summaries = [_go_json(s) for s in corpus.SUMMARIES]
        self.errors = [_go_json(e) for e in corpus.ERRORS]
        self.projects = [(p, _go_json(p)) for p in corpus.PROJECTS]
        self.names = [_go_json(n) for n in corpus.USER_NAMES]
        self.note = _go_json(corpus.NOTE)


def _session(
    rng: random.Random,
    session_id: str,
    kind: str,
    messages: int,
    now_ns: int,
    chats: list[tuple[str, str]],
    texts: _Texts,
) -> dict[str, Any]:
    """One session object with Go's keys in Go's order."""
    rand, randint, choice = rng.random, rng.randint, rng.choice
    status = kind.removeprefix("stale-")
    last = now_ns - _idle_ns(rng, kind)
    short = kind in ("running", "pending", "expired")  # born within its 30 minutes
    created = last - (randint(MINUTE, 25 * MINUTE) if short else randint(MINUTE, 3 * HOUR))
    persistent = status != "expired" and rand() < _PERSISTENT_SHARE
    suffix, offset = choice(corpus.OFFSETS)
    chat_id, platform = choice(chats)
    project, project_json = choice(texts.projects)
    request = _go_json(f"{choice(corpus.REQUESTS)} (#{randint(1, 999)})")
    return {
        "ID": session_id,
        "ChatID": chat_id,
        "Agent": choice(corpus.AGENTS),
        "Project": project_json,
        "Status": status,
        "Request": request,
        "Response": choice(texts.assistant) if status in ("completed", "closed") and rand() < 0.8 else "",
        "Error": choice(texts.errors) if status == "failed" else "",
        "CreatedAt": _format_ns(created, suffix, offset),
        "LastActivity": _format_ns(last, suffix, offset),
        "ExpiresAt": GO_ZERO_TIME if persistent else _format_ns(created + TIMEOUT, suffix, offset),
        "Context": _context(rng, project, project_json, platform, texts),
        "Messages": _messages(rng, messages, request, created, last, suffix, offset, texts),
        "PermissionMode": choice(corpus.PERMISSION_MODES),
    }


def _idle_ns(rng: random.Random, kind: str) -> int:
    """How long before ``now`` a session of this kind was last active."""
    if kind in ("running", "pending"):
        return rng.randint(SECOND, 4 * MINUTE)  # live: active within minutes
    if kind.startswith("stale-"):
        return rng.randint(2 * HOUR, 10 * DAY)  # its agent is gone
    if kind == "expired":
        return rng.randint(35 * MINUTE, 30 * DAY)
    return int(45 * DAY * rng.random() ** 2)  # ended: mostly recent, some weeks old


def _messages(
    rng: random.Random,
    count: int,
    request: orjson.Fragment,
    created: int,
    last: int,
    suffix: str,
    offset: int,
    texts: _Texts,
) -> list[dict[str, Any]] | None:
    """``count`` messages spread between ``created`` and just before ``last``."""
    if count == 0:
        return None if rng.random() < 0.5 else []  # Go writes a nil slice as null
    # The generator's hot loop: plain random() calls, no randint or choice.
    rand = rng.random
    users, assistant, summaries = texts.users, texts.assistant, texts.summaries
    step = max((last - created) // count, 2)
    stamp = created + int(rand() * SECOND) + 1
    result = []
    for index in range(count):
        summary: Any = ""
        if index == 0:
            role, content = "user", request
            stamp = min(stamp, last - 1)
        else:
            stamp = min(stamp + step // 2 + int(rand() * (step // 2)), last - 1)
            if index % 2 == 0:
                if rand() < 0.03:
                    role, content = "system", texts.system
                else:
                    role, content = "user", users[int(rand() * len(users))]
            else:
                content = texts.huge if rand() < 0.015 else assistant[int(rand() * len(assistant))]
                role = "tool" if rand() < 0.05 else "assistant"
                if role == "assistant" and rand() < 0.15:
                    summary = summaries[int(rand() * len(summaries))]
        result.append({"Role": role, "Content": content, "Summary": summary, "Timestamp": _format_ns(stamp, suffix, offset)})
    return result


def _context(
    rng: random.Random, project: str, project_json: orjson.Fragment, platform: str, texts: _Texts
) -> dict[str, Any] | None:
    """A Go ``map[string]interface{}``, keys sorted as Go writes them."""
    rand, randint = rng.random, rng.randint
    if rand() < 0.02:
        return None
    context: dict[str, Any] = {}
    odd = rand() < 0.2
    if odd:
        context.update(attachments=None, empty_list=[], empty_map={}, extra=None, reply_to=None)
    if rand() < 0.1:
        context["big_id"] = 1234567890123456800  # what Go's float64 makes of a big id
    if rand() < 0.4:
        context["claude_session_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    context["message_id"] = randint(1, 999_999)
    if rand() < 0.25:
        context["metrics"] = {"huge": 1e21, "neg": -12.5, "temperature": 0.7, "tiny": 1e-7, "tokens": [1024, 2048.5, -1]}
    if rand() < 0.2:
        context["note"] = texts.note
    context["platform"] = platform
    if project:
        context["project_path"] = project_json
    context["user"] = {
        "id": randint(10**10, 10**12),
        "is_admin": rand() < 0.1,
        "name": rng.choice(texts.names),
        "prefs": {"lang": rng.choice(corpus.LANGUAGES), "notify": None, "tz": rng.choice(corpus.TIME_ZONES)},
        "roles": list(rng.choice(corpus.USER_ROLES)),
    }
    return dict(sorted(context.items()))


def _session_ids(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct uuid4 strings, sorted."""
    ids: set[str] = set()
    while len(ids) < count:
        ids.add(str(uuid.UUID(int=rng.getrandbits(128), version=4)))
    return sorted(ids)


def _chats(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``(chat id, platform)`` pairs, each id in its platform's format."""
    chats = []
    for index in range(count):
        platform = corpus.PLATFORMS[index % len(corpus.PLATFORMS)]
        if platform == "telegram":  # a private chat, or a group's -100 id
            chat_id = str(rng.randint(10**9, 10**10)) if rng.random() < 0.5 else f"-100{rng.randint(10**9, 10**10)}"
        elif platform == "feishu":
            chat_id = f"oc_{rng.getrandbits(128):032x}"
        elif platform == "slack":
            chat_id = "C0" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=9))
        else:
            chat_id = "cid" + "".join(rng.choices("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789+/", k=21)) + "=="
        chats.append((chat_id, platform))
    return chats


def _go_json(text: str) -> orjson.Fragment:
    """``text`` as Go's encoder writes it, ready to embed in an orjson document."""
    data = orjson.dumps(text)
    for raw, escaped in _GO_ESCAPES:
        data = data.replace(raw, escaped)
    return orjson.Fragment(data)


# What Go's encoder escapes and orjson does not (these only occur inside strings).
_GO_ESCAPES = (
    (b"&", b"\\u0026"),
    (b"<", b"\\u003c"),
    (b">", b"\\u003e"),
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
)


def _epoch_ns(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * SECOND + delta.microseconds * 1000


def _format_ns(ns: int, suffix: str, offset: int) -> str:
    """Go ``RFC3339Nano``: nanoseconds with trailing zeros trimmed, in the given offset."""
    seconds, fraction = divmod(ns, SECOND)
    day, second_of_day = divmod(seconds + offset, 86400)
    hours, rest = divmod(second_of_day, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{_date(day)}T{hours:02d}:{minutes:02d}:{secs:02d}"
    if fraction:
        text += f".{fraction:09d}".rstrip("0")
    return text + suffix


@lru_cache(maxsize=4096)
def _date(day: int) -> str:
    """``YYYY-MM-DD`` of a day counted from the Unix epoch."""
    return time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
