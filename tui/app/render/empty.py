"""What the sessions pane says when there is no store to show yet."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from tui.session import SourceKind, StoreLocations
from tui.text import one_line

#: Which bot writes each store, as the empty screen says it.
JSON_WRITER = "tingly-box before July 2026"
DB_WRITER = "tingly-box since July 2026"
DEMO_HINT = ("To see the app with simulated agents, try\n", "session-tui --demo")


def shown_path(path: Path) -> str:
    """``path`` for people: under the home folder written ``~/…``, on one line."""
    try:
        text = "~/" + str(path.expanduser().absolute().relative_to(Path.home()))
    except ValueError:
        text = str(path)
    return one_line(text)


def no_store_text(kind: SourceKind, path: Path, locations: StoreLocations | None) -> Text:
    """The empty pane before any store exists.

    ``locations`` (no PATH was given) names both stores the app looked for,
    and the ``.migrated`` file the bot leaves when it moved its sessions
    into the database; otherwise the one store at ``path`` is named.
    """
    if locations is not None:
        paths = [shown_path(locations.json_path), shown_path(locations.db_path)]
        width = max(map(len, paths)) + 2
        text = Text.assemble(
            ("No session store yet\n\n", "bold"),
            "Looked for\n",
            ("  " + paths[0].ljust(width), "bold"), (f"{JSON_WRITER}\n", "dim"),
            ("  " + paths[1].ljust(width), "bold"), (f"{DB_WRITER}\n", "dim"),
        )
        if locations.migrated_path is not None:
            text.append("\nFound ")
            text.append(shown_path(locations.migrated_path), "bold")
            text.append(": the bot moved its sessions into the database.\n")
        watched = "the database" if kind == "sqlite" else "the session file"
        text.append(f"\nWatching {watched}; sessions appear when the bot writes it.\n\n")
    elif kind == "sqlite":
        text = Text.assemble(
            ("No session database yet\n\n", "bold"),
            "Looked for ",
            (shown_path(path), "bold"),
            "\nIt is watched; sessions appear when the bot creates it.\n\n",
        )
    else:
        text = Text.assemble(
            ("No session file yet\n\n", "bold"),
            "Looked for ",
            (one_line(str(path)), "bold"),
            "\nIt is watched; sessions appear when a bot writes it.\n\n",
        )
    text.append(DEMO_HINT[0], "dim")
    text.append(DEMO_HINT[1], "bold")
    return text
