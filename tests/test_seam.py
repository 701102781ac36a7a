"""The app, the CLI and the demo see stores only through the store-neutral API of ``tui.session``.

Above ``tui/session/`` no module names a JSON or SQLite detail: it imports
from ``tui.session`` itself (never a submodule), and only the names below.
A new store is then a new module in the library and nothing else.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tui.session

ROOT = Path(__file__).resolve().parent.parent / "tui"
CLIENTS = ("app", "cli", "demo")

#: What a client of the library may import from ``tui.session``.
STORE_NEUTRAL = frozenset({
    # reading, watching and editing any store
    "Source", "SourceKind", "Reading", "ChangeSet", "open_source", "default_source", "default_path",
    "store_locations", "StoreLocations", "watch_source", "Manager", "SessionStore", "BatchSessionStore",
    # the data model
    "Session", "SessionSummary", "Message", "Config", "Status", "LIVE_STATUSES", "parse_status",
    "cleanup_candidates", "count_statuses", "status_stats",
    # times and ages
    "Clock", "format_age", "parse_age", "format_time", "parse_time", "GO_ZERO_TIME",
    # a session as its store holds it, and the store's size (any store)
    "stored_object", "stored_time", "extra_fields", "store_footprint", "Footprint", "plain_json",
    # writers that take no lock, and the edits they undo (a reading's ``writer`` may say so; any store)
    "WriterInfo", "FOREIGN_WINDOW", "UNKNOWN_WRITER", "EditLedger", "EditKind", "Edit", "UndoneEdit",
    # errors any store raises
    "StoreError", "CorruptStoreError", "StoreAccessError", "StoreLockTimeout", "UnsupportedVersionError",
    "StoreConflictError",
})
#: Names of one store, for the message.
STORE_SPECIFIC = frozenset({
    "read_snapshot", "parse_snapshot", "Snapshot", "SessionStoreJSON", "SessionStoreSQLite", "JSONSource",
    "SQLiteSource", "SQLiteReading", "open_store", "DatabaseBusyError", "ContextNotStoredError",
})


def test_the_allowed_names_are_the_librarys() -> None:
    assert STORE_NEUTRAL <= set(tui.session.__all__)
    assert STORE_SPECIFIC <= set(tui.session.__all__) | {"parse_snapshot"}
    assert not STORE_NEUTRAL & STORE_SPECIFIC


def _library_imports(path: Path, text: str | None = None) -> list[tuple[int, str, list[str]]]:
    """``(line, module, names)`` of each import of the library in one client module (``text``: its source, if not the file's)."""
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[:2] == ["tui", "session"]:
                    found.append((node.lineno, alias.name, ["*"]))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            if module.split(".")[:2] == ["tui", "session"]:
                found.append((node.lineno, module, [alias.name for alias in node.names]))
    return found


def test_clients_import_only_the_store_neutral_api() -> None:
    bad = []
    for client in CLIENTS:
        for path in sorted((ROOT / client).rglob("*.py")):
            for line, module, names in _library_imports(path):
                where = f"{path.relative_to(ROOT.parent)}:{line}"
                if module != "tui.session":
                    bad.append(f"{where}: imports {module} (a library submodule)")
                for name in names:
                    if name not in STORE_NEUTRAL:
                        bad.append(f"{where}: imports {name} from tui.session (not store-neutral)")
    assert bad == []


def test_the_check_sees_what_it_must() -> None:
    # The checker itself: a relative import from the app resolves to the library, submodules are seen.
    client = ROOT / "app" / "messages.py"
    imports = _library_imports(client)
    assert imports and all(module.startswith("tui.session") for _, module, _ in imports)
    example = "from tui.session.watching import watch_file\nfrom ..session.snapshot import Snapshot\nimport tui.session.codec\n"
    seen = _library_imports(ROOT / "cli" / "example.py", example)
    assert [(module, names) for _, module, names in seen] == [
        ("tui.session.watching", ["watch_file"]), ("tui.session.snapshot", ["Snapshot"]), ("tui.session.codec", ["*"]),
    ]


def test_clients_search_texts_through_the_reading_not_a_stores_bytes() -> None:
    """The filter's text search is ``Reading.search``; no client reaches for a JSON reading's ``raw`` bytes."""
    import re

    offenders = []
    for client in CLIENTS:
        for path in sorted((ROOT / client).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if re.search(r"""getattr\([^)]*["']raw["']|\.raw\(""", text):
                offenders.append(str(path.relative_to(ROOT.parent)))
    assert not offenders, offenders
