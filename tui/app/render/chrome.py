"""The app's chrome as pure functions: the sessions pane's border, the banner, the empty pane.

Plain values in, ``str`` or ``Text`` out: each text is testable without the
app (see :class:`tui.app.chrome.Chrome`, which puts them on screen). Paths,
errors and warnings come from the store or the user: they go into ``Text``
through :func:`~tui.app.render.rows.one_line`, never into markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text

from tui.session import SourceKind, StoreLocations

from ..state.filters import Filter
from ..state.order import ORDER_LABELS
from .empty import no_store_text
from .rows import one_line


def store_noun(kind: SourceKind) -> str:
    """What the store is called in a sentence: ``the file`` or ``the database``."""
    return "the database" if kind == "sqlite" else "the file"


def filter_label(active: Filter, *, searching: bool = False) -> str | None:
    """``filter status: failed, text: abc``; ``None`` while the filter hides nothing.

    ``searching``: the message texts are still being searched for the text
    (the sessions shown may still change), said as ``… searching messages``.
    """
    if not active.active:
        return None
    parts = []
    if active.status:
        parts.append(f"status: {active.status}")
    if active.text:
        parts.append(f"text: {active.text}")
    label = "filter " + ", ".join(parts)
    return f"{label} … searching messages" if searching and active.text else label


def tree_title(order: str, filtered: str | None) -> str:
    """The sessions pane's border title: ``Sessions · by activity — filter text: abc``."""
    return f"Sessions · {ORDER_LABELS[order]}" + (f" — {filtered}" if filtered else "")


def tree_subtitle(unseen: str, marked: int) -> str:
    """The sessions pane's border subtitle: ``2 new above · 3 marked`` (empty for neither)."""
    notes = [unseen, f"{marked} marked" if marked else ""]
    return " · ".join(note for note in notes if note)


def banner_text(
    *, kind: SourceKind, shown: bool, error: str | None, paused: bool, missed_change: bool, warnings: Sequence[str]
) -> Text | None:
    """The line above the panes, or ``None`` for no banner.

    ``shown``: a reading is on screen (an error then keeps the last good one);
    ``missed_change``: the store changed while paused; ``warnings``: those of
    the reading shown (the first is named, the rest counted).
    """
    if error and shown:
        return Text(f"⚠ Showing the last good reading. {one_line(error)}")
    if paused and missed_change:
        return Text(f"❚❚ Paused: {store_noun(kind)} has changed. Press p to resume.")
    if shown and warnings:
        more = len(warnings) - 1
        return Text(f"⚠ {one_line(warnings[0])}" + (f" (and {more} more)" if more else ""))
    return None


def empty_text(
    *,
    kind: SourceKind,
    path: Path,
    locations: StoreLocations | None,
    error: str | None,
    exists: bool | None,
    sessions: int,
    rows: int,
) -> Text | None:
    """What the sessions pane says instead of rows, or ``None`` when it shows rows.

    ``exists``: whether the reading shown found a store (``None``: no reading
    yet); ``sessions``: how many it holds; ``rows``: how many rows the filter shows.
    """
    if exists is None and not error:
        return Text.assemble(("Reading ", "dim"), one_line(str(path)), ("…", "dim"))
    if exists is None:
        if kind == "sqlite":  # invalid, or busy past the wait: either may pass
            text = Text.assemble(("Cannot show this database\n\n", "bold"), one_line(error or ""))
            text.append("\n\nIt is watched: as soon as it can be read, it shows here.", "dim")
        else:
            text = Text.assemble(("Cannot show this file\n\n", "bold"), one_line(error or ""))
            text.append("\n\nIt is watched: as soon as it is valid again, it shows here.", "dim")
        return text
    if not exists:
        return no_store_text(kind, path, locations)
    if sessions == 0:
        noun = "The database " if kind == "sqlite" else "The file "
        return Text.assemble(("No sessions\n\n", "bold"), (noun, "dim"), one_line(str(path)), (" has none yet.", "dim"))
    if rows == 0:
        return Text.assemble(("Nothing matches the filter\n\n", "bold"), ("escape clears it", "dim"))
    return None
