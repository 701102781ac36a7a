"""Synthetic tingly-box SQLite stores: the sessions of :mod:`tui.tools.synthetic`, laid out as the bot of July 2026 keeps them.

``write_sqlite(base, N, M)`` writes ``base/db/tingly.db`` (Go's DDL, WAL,
times as the Go driver's text in UTC and other offsets, nanoseconds) and
one JSONL transcript per session with messages under
``base/remote/transcripts`` (Go's escaping), with the same sessions, for
the same ``seed`` and ``now``, as the JSON generator's file, less their
``Context`` (the table has no column for it). Files are 0600, new
directories 0700.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from tui.session.sqlite.schema import COLUMNS, TABLE, create_schema
from tui.session.sqlite.transcripts import FILE_MODE, ensure_directory, transcript_key

from .synthetic import _GO_ESCAPES, _epoch_ns, described_moment, session_batches

DB_RELATIVE = Path("db") / "tingly.db"
TRANSCRIPTS_RELATIVE = Path("remote") / "transcripts"


def write_sqlite(
    base: str | os.PathLike[str],
    sessions: int,
    messages: int,
    *,
    seed: int = 0,
    now: datetime | None = None,
    overwrite: bool = False,
) -> int:
    """Write a synthetic store under ``base``; returns the bytes written (database and transcripts).

    Raises ``FileExistsError`` if ``base/db/tingly.db`` exists and
    ``overwrite`` is false (with it, the database and every transcript
    there are replaced), ``ValueError`` for negative counts.
    """
    moment = described_moment(sessions, messages, now)
    root = Path(base)
    db, transcripts = root / DB_RELATIVE, root / TRANSCRIPTS_RELATIVE
    if os.path.lexists(db):
        if not overwrite:
            raise FileExistsError(f"{db}: already exists")
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{db}{suffix}")
            except FileNotFoundError:
                pass
        shutil.rmtree(transcripts, ignore_errors=True)
    ensure_directory(db.parent)
    ensure_directory(transcripts)
    os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    size = 0
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN IMMEDIATE")
        create_schema(conn)
        insert = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        for batch in _batches(sessions, messages, seed, moment):
            conn.executemany(insert, [_row(s) for s in batch])
            for session in batch:
                size += _write_transcript(transcripts, session)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return size + os.path.getsize(db)


def _batches(sessions: int, messages: int, seed: int, now: datetime) -> Iterator[list[dict[str, Any]]]:
    """The JSON generator's sessions, as plain decoded objects."""
    for batch in session_batches(sessions, messages, seed, _epoch_ns(now)):
        # The generator's strings are pre-encoded fragments: a round trip makes them plain values.
        yield orjson.loads(orjson.dumps(list(batch.values())))


def _driver_time(rfc3339: str) -> str:
    """Go's RFC 3339 text as the Go SQLite driver stores the same time."""
    if rfc3339 == "0001-01-01T00:00:00Z":
        return "0001-01-01 00:00:00+00:00"
    text = rfc3339.replace("T", " ", 1)
    return text[:-1] + "+00:00" if text.endswith("Z") else text


def _row(session: dict[str, Any]) -> tuple[str, ...]:
    return (
        session["ID"], session["ChatID"], session["Agent"], session["Project"], session["Status"],
        session["Request"], session["Response"], session["Error"], session["PermissionMode"],
        _driver_time(session["CreatedAt"]), _driver_time(session["LastActivity"]), _driver_time(session["ExpiresAt"]),
    )


def _write_transcript(directory: Path, session: dict[str, Any]) -> int:
    history = session["Messages"]
    if not history:
        return 0
    data = b"".join(orjson.dumps(message) + b"\n" for message in history)
    for raw, escaped in _GO_ESCAPES:
        data = data.replace(raw, escaped)
    path = directory / (transcript_key(session["ID"]) + ".jsonl")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return len(data)
