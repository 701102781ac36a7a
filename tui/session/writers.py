"""Which writer wrote a version of a session file: one of ours, or one that took no lock.

Every session-tui writer changes a file only while it holds ``flock`` on
``<file>.lock``. While it holds it, and just before it renames its new
version into place, it records that version's identity (device, inode,
size, mtime in ns; the rename keeps all four) in a small record kept inside
the lock file itself, along with the last few identities before it. A
reading whose identity is not in the record was therefore put there by a
writer that took no lock -- the Go bot's store, which loads the file once
and rewrites it whole from memory, an editor, ``cp`` -- and is *foreign*.

What holds between session-tui processes (any number, processes or threads):

* no reading is ever taken for foreign: the identity is recorded before the
  rename, and the last :data:`KEEP` identities are kept, so a reader that
  races a rename finds whichever version it opened, old or new. The record
  also counts every commit, and a reader reads it before it opens the file
  and again after: a version missing from it after as many commits as it
  keeps went by in between (a reader descheduled on a busy machine while
  our writers commit) is not called foreign, as it may have been ours;
* every write is a read-modify-write of the latest version under the lock,
  so no session-tui process undoes another's change.

What does not hold next to a writer that takes no lock:

* its next write replaces the file with what it has in memory, undoing
  every change made meanwhile (a close, a delete, a cleanup). Nothing in
  the file format can prevent that; this module only makes it visible:
  the first reading of its version says ``foreign``, and ``foreign_at``
  keeps saying when it last wrote after we write over its version (our
  writers copy the time of any foreign version they read into the record).

The record is advisory: a torn read (a writer rewriting it at that moment)
is retried; a record that stays unreadable, is missing or empty means
"unknown" (:attr:`WriterInfo.known` is False, ``foreign`` False). That is
the case of a file no session-tui writer of this version has written yet,
e.g. a file an older session-tui wrote under the same lock: calling it
foreign would raise an alarm about our own past writes, forever if nothing
wrote again; the first write of this version starts the record, and from
then on every foreign version is recognised. A session-tui older than the
record writes without recording, so its versions read as foreign next to a
newer one. After a crash between the rename and the record reaching the
disk, the version left behind may read as foreign until the next write.
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

from .identity import FileIdentity, IdentityTuple

#: How long after a foreign writer's last write it counts as active.
FOREIGN_WINDOW = timedelta(minutes=10)

#: How many of our last committed identities the record keeps. A reader
#: finds its version unless this many commits happen between its open of
#: the file and its read of the record (microseconds apart, unless the
#: reader is descheduled); it can tell when they may have (``commits``).
KEEP = 16

_MAGIC = b"session-tui-writers"
_FORMAT = 1
_MAX_RECORD = 1 << 16
_TORN_RETRIES = 5


@dataclass(frozen=True, slots=True)
class WriterInfo:
    """Who wrote the version of the file a :class:`~tui.session.Snapshot` read.

    ``foreign``: the version was written by a writer that took no lock on
    ``<file>.lock`` (see the module's docstring for exactly what that means).
    ``foreign_at``: when a foreign writer last wrote, as far as this reading
    can tell (the foreign version's mtime, in UTC), or ``None`` if no foreign
    version has been seen; it stays set after a session-tui writer writes
    over a foreign version. ``known``: False when the file has no record yet
    (never written by this version of session-tui), so nothing can be told
    (``foreign`` is then False).
    """

    foreign: bool = False
    foreign_at: datetime | None = None
    known: bool = True

    def recent(self, now: datetime, window: timedelta = FOREIGN_WINDOW) -> bool:
        """Whether a foreign writer wrote within ``window`` before ``now`` (or after it).

        This is when an edit is likely to be undone at that writer's next write.
        """
        return self.foreign_at is not None and now - self.foreign_at <= window

    def age(self, now: datetime) -> timedelta | None:
        """How long before ``now`` the foreign writer last wrote, or ``None``."""
        return None if self.foreign_at is None else now - self.foreign_at


#: The reading of a file that has no record (or no file).
UNKNOWN_WRITER = WriterInfo(foreign=False, foreign_at=None, known=False)


@dataclass(slots=True)
class WriterRecord:
    """The record in ``<file>.lock``: our last committed identities, the last foreign write seen."""

    ours: list[IdentityTuple] = field(default_factory=list)
    #: mtime (ns since the epoch) of the newest foreign version a writer of ours read.
    foreign_ns: int | None = None
    #: Commits recorded so far (a record written by an older session-tui: 0).
    commits: int = 0

    def is_ours(self, identity: FileIdentity) -> bool:
        """Whether a session-tui writer committed this version."""
        return identity.as_tuple() in self.ours

    def saw(self, identity: FileIdentity | None) -> None:
        """Note a version read under the lock: if foreign, remember when it was written."""
        if identity is not None and not self.is_ours(identity):
            self.saw_foreign_ns(identity.mtime_ns)

    def saw_foreign_ns(self, mtime_ns: int | None) -> None:
        """Remember a foreign write at ``mtime_ns`` if it is the newest known."""
        if mtime_ns is not None and (self.foreign_ns is None or mtime_ns > self.foreign_ns):
            self.foreign_ns = mtime_ns

    def committed(self, identity: FileIdentity) -> None:
        """Add a version a session-tui writer is about to rename into place."""
        key = identity.as_tuple()
        self.ours = [k for k in self.ours if k != key][-(KEEP - 1) :] + [key]
        self.commits += 1

    def may_have_dropped(self, earlier: WriterRecord | None) -> bool:
        """Whether a version of ours in ``earlier``, or committed after it was read, may have
        been pushed out of this record by the commits since (``None``: no earlier record to
        count from, so no sign of it)."""
        return earlier is not None and self.commits - earlier.commits >= KEEP - 1

    def info(
        self, identity: FileIdentity | None, previous: WriterInfo | None = None, *, before: WriterRecord | None = None
    ) -> WriterInfo:
        """What a reading of the version ``identity`` (``None``: no file) can tell.

        ``previous`` is an earlier reading of the same file: its
        ``foreign_at`` is carried on, so a watcher does not forget a foreign
        write it saw that no writer of ours read. ``before`` is the record as
        read before the file was opened: a version not in this record is
        foreign only if too few commits went by since to have pushed it out.
        """
        foreign = identity is not None and not self.is_ours(identity) and not self.may_have_dropped(before)
        moments = [self.foreign_ns]
        if foreign:
            assert identity is not None
            moments.append(identity.mtime_ns)
        at = _latest(_from_ns(ns) for ns in moments if ns is not None)
        return WriterInfo(foreign=foreign, foreign_at=_latest([at, previous.foreign_at if previous else None]))

    def encode(self) -> bytes:
        """The record's bytes: a header with the body's length and CRC, then the body."""
        body = orjson.dumps({"ours": self.ours, "foreign_ns": self.foreign_ns, "commits": self.commits})
        header = b"%s %d %d %08x\n" % (_MAGIC, _FORMAT, len(body), zlib.crc32(body))
        return header + body + b"\n"

    @classmethod
    def decode(cls, data: bytes) -> WriterRecord | None:
        """The record in ``data``, or ``None`` if it is empty, torn or not a record."""
        head, newline, rest = data.partition(b"\n")
        parts = head.split()
        if not newline or len(parts) != 4 or parts[0] != _MAGIC or parts[1] != b"%d" % _FORMAT:
            return None
        try:
            length, crc = int(parts[2]), int(parts[3], 16)
        except ValueError:
            return None
        body = rest[:length]
        if len(body) != length or zlib.crc32(body) != crc:
            return None
        try:
            doc = orjson.loads(body)
            ours = [tuple(map(int, k)) for k in doc["ours"] if len(k) == 4]
            foreign = doc["foreign_ns"]
            foreign_ns = None if foreign is None else int(foreign)
            commits = int(doc.get("commits", 0))
        except (ValueError, TypeError, KeyError):
            return None
        return cls(ours=ours[-KEEP:], foreign_ns=foreign_ns, commits=commits)


def read_record(lock_path: Path) -> WriterRecord | None:
    """The record of the file whose lock is ``lock_path``, read without the lock.

    ``None`` when there is none, it cannot be read, or it stays torn.
    """
    try:
        fd = os.open(lock_path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        return read_record_fd(fd)
    finally:
        os.close(fd)


def read_record_fd(fd: int) -> WriterRecord | None:
    """:func:`read_record` from an open lock file."""
    for attempt in range(_TORN_RETRIES):
        try:
            data = os.pread(fd, _MAX_RECORD, 0)
        except OSError:
            return None
        if not data:
            return None
        record = WriterRecord.decode(data)
        if record is not None:
            return record
        time.sleep(0.0005 * (attempt + 1))  # a writer is rewriting it right now
    return None


def write_record_fd(fd: int, record: WriterRecord) -> None:
    """Replace the record in the open lock file (the caller holds the lock)."""
    data = record.encode()
    os.pwrite(fd, data, 0)
    os.ftruncate(fd, len(data))


def info_for(
    lock_path: Path,
    identity: FileIdentity | None,
    previous: WriterInfo | None = None,
    *,
    before: WriterRecord | None = None,
) -> WriterInfo:
    """The :class:`WriterInfo` of a reading of version ``identity`` of the file locked by ``lock_path``.

    Open the file first, read the record after: a version committed by one
    of our writers is recorded before it is renamed into place. ``before``:
    the record read before the file was opened (see :meth:`WriterRecord.info`).
    """
    record = read_record(lock_path)
    if record is None:
        if previous is not None and previous.foreign_at is not None:
            return WriterInfo(foreign=False, foreign_at=previous.foreign_at, known=False)
        return UNKNOWN_WRITER
    return record.info(identity, previous, before=before)


def _from_ns(ns: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(ns / 1e9, timezone.utc)
    except (OverflowError, OSError, ValueError):  # a time no datetime holds: not a time we wrote
        return None


def _latest(moments: Iterable[datetime | None]) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)
