"""Arguments shared by the commands: the session store's path, ages, counts, ids."""

from __future__ import annotations

import argparse
import os
from datetime import timedelta
from pathlib import Path

from tui.session import Reading, Source, StoreAccessError, default_path, open_source, parse_age, store_locations

#: tingly-box's folder. With no PATH the app and the commands use its JSON
#: session file if it exists, else its database (SPEC §7; see tui.session.default_path).
DEFAULT_BASE = "~/.tingly-box"
#: What no PATH means, as the help texts say it.
DEFAULT_PATH = f"{DEFAULT_BASE}/bot_sessions.json if it exists, else {DEFAULT_BASE}/db/tingly.db"

#: Names that say "a database" for a first argument (see :func:`looks_like_path`).
DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3")

#: The shortest id prefix the commands accept in place of a full session id.
MIN_PREFIX = 8

#: What PATH may be, for every command's help.
STORE_RULE = f"""\
PATH is a JSON session file, a SQLite database (tingly-box's db/tingly.db,
its transcripts in ../remote/transcripts) or a base directory holding
either; it defaults to {DEFAULT_PATH}."""

#: :data:`STORE_RULE`, and how ``[PATH] ID...`` tells PATH from an id.
PATH_RULE = STORE_RULE + """
The first argument is PATH when it contains a '/', starts with '~', ends
in '.json' or '.db', or names an existing file; otherwise every argument
is a session id (so a file or directory named like a session id is reached
as ./NAME)."""

ID_RULE = f"""\
An ID is a full session id or a prefix of at least {MIN_PREFIX} characters that
matches exactly one session. Every ID is checked first: if any matches no
session, or several, nothing is changed."""

#: Options whose value may start with '-' (a negative age): argparse would
#: take ``--older-than -1d`` for two options, so the value is attached.
VALUE_OPTIONS = ("--older-than", "--verify")


class UsageError(Exception):
    """The command line is wrong; the message says how.

    ``hint`` adds a pointer to the command's ``--help`` to the message.
    """

    def __init__(self, message: str, *, hint: bool = False) -> None:
        super().__init__(message)
        self.hint = hint


def add_path(parser: argparse.ArgumentParser, *, optional: bool = True) -> None:
    """Add the PATH positional (optional: defaults to :data:`DEFAULT_PATH`)."""
    if optional:
        parser.add_argument("path", nargs="?", default=None, metavar="PATH",
                            help=f"session store: a JSON file, a database or a base directory (default: {DEFAULT_PATH})")
    else:
        parser.add_argument("path", metavar="PATH", help="session store: a JSON file, a database or a base directory")


def session_path(text: str | None) -> Path:
    """The store a PATH argument names (``~`` expanded); no PATH: the default store (SPEC §7)."""
    return Path(text).expanduser() if text is not None else default_path()


def session_source(text: str | None) -> Source:
    """The :class:`~tui.session.Source` of a PATH argument (see :func:`session_path`)."""
    return open_source(session_path(text))


def looks_like_path(word: str) -> bool:
    """Whether the first argument of ``close``/``delete`` is PATH (see :data:`PATH_RULE`).

    Session ids are uuids: they have no ``/``, no ``~``, no ``.json`` and no ``.db``.
    An existing file wins over a session id of the same name (a base
    directory is named with a ``/``: ``./tingly``, ``~/.tingly-box``).
    """
    return (
        "/" in word
        or (os.sep in word)
        or word.startswith("~")
        or word.endswith((".json", *DATABASE_SUFFIXES))
        or os.path.isfile(word)
    )


def require_file(snap: Reading, source: Source | None = None) -> Reading:
    """``snap`` if its store exists; a missing one is an error for the commands (exit 2).

    With ``source`` a base directory, the error names both stores looked for.
    """
    if not snap.exists:
        if source is not None and source.path != snap.path and source.path.is_dir():
            where = store_locations(source.path)
            migrated = (f"; {where.migrated_path.name} is there: the bot moved its sessions to the database"
                        if where.migrated_path is not None else "")
            raise StoreAccessError(
                f"{source.path}: no session store here (neither {where.json_path.name} nor "
                f"{where.db_path.relative_to(source.path)}){migrated}"
            )
        raise StoreAccessError(f"{snap.path}: no such file (the bot creates it with its first session)")
    return snap


def split_path_and_ids(words: list[str]) -> tuple[Path, list[str]]:
    """Split ``[PATH] ID...`` into the session store and the ids.

    Raises :class:`UsageError` when no id is left.
    """
    if words and looks_like_path(words[0]):
        path, ids = words[0], words[1:]
    else:
        path, ids = None, words
    if not ids:
        raise UsageError(f"no session id given after PATH {path!r}", hint=True)
    return session_path(path), ids


def age(text: str) -> tuple[timedelta, str]:
    """An argparse type for ages such as ``7d`` (see :func:`tui.session.parse_age`).

    Returns the age and its text as typed, for messages.
    """
    if text.strip().startswith("-"):
        raise argparse.ArgumentTypeError(f"age {text!r}: must not be negative (it says how long ago, like 7d)")
    try:
        return parse_age(text), text.strip()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def duration(text: str) -> tuple[timedelta, str]:
    """An argparse type for how long to watch (``2s``, ``1m``): the syntax of :func:`age`."""
    try:
        return age(text)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("age ", "duration ", 1)) from None


def attach_values(words: list[str]) -> list[str]:
    """``--older-than -1d`` as ``--older-than=-1d`` (see :data:`VALUE_OPTIONS`), so its error is about the age."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in VALUE_OPTIONS and i + 1 < len(words) and words[i + 1][:1] == "-" and words[i + 1][1:2].isdigit():
            out.append(f"{word}={words[i + 1]}")
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def count(text: str) -> int:
    """An argparse type for a number of things: an integer, zero or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value
