"""``SessionApp``: a live view of a session store, and edits through the Manager.

The shape follows harlequin and toolong: the domain (:mod:`tui.session`,
:mod:`tui.app.state`) is plain Python; reading, watching and writing run in
thread workers that only post messages (:mod:`tui.app.messages`); the
handlers here own the UI state and update widgets in place.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.worker import get_current_worker
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Input, Static

from tui.session import (
    ChangeSet,
    EditKind,
    Manager,
    Reading,
    SessionSummary,
    Source,
    StoreError,
    StoreLocations,
    cleanup_candidates,
    open_source,
    watch_source,
)

from tui.text.markdown import session_markdown

from .messages import (
    DetailLoaded,
    EditDone,
    EditFailed,
    FileChanged,
    SnapshotFailed,
    SnapshotLoaded,
    TextSearched,
)
from .pager import pager_command, show_in_pager
from .priority import lower_this_thread, note_ui_thread
from .render.empty import no_store_text
from .render.rows import alert_text, one_line, short_id
from .render.times import zone_name
from .render.undo import done_warning, edit_warning
from .settings import FILE_NAME as SETTINGS_FILE
from .settings import Settings, load_settings, save_settings
from .screens.cleanup import CleanupScreen
from .screens.confirm import ConfirmScreen
from .screens.help import HelpScreen
from .signals import ExitOnSignals
from .state.classify import STALE, Expiries, live_expiries, shown_counts
from .state.filters import Filter, next_status_filter
from .state.order import ORDER_LABELS, next_order
from .state.search import search_texts
from .state.tree_model import ChatRow, SessionRow
from .state.undone import UndoTracker
from .widgets.detail_pane import DetailKit, DetailPane
from .widgets.footer import FittingFooter
from .widgets.message_view import HistoryKit, MessageView
from .widgets.session_tree import SessionTree
from .widgets.status_bar import StatusBar, StatusFacts
from .widgets.strip_view import StripView
from .widgets.undone_notice import UndoneNotice

Clock = Callable[[], datetime]

#: How often relative times ("3m ago"), stale badges and the status bar are redrawn.
TICK_SECONDS = 2.0
#: The detail and message panes follow the cursor once it has rested this long (seconds).
SELECTION_DELAY = 0.06
#: The confirm dialog lists at most this many sessions by name.
CONFIRM_ROWS = 8
#: Rows of a confirm dialog besides its list of sessions, with the bot's warning
#: (at 80 columns; the dialog may take 90% of the screen's height).
CONFIRM_CHROME_ROWS = 18
#: What each edit's verb records (see :class:`.state.undone.UndoTracker`).
EDIT_KINDS = {"close": EditKind.CLOSE, "delete": EditKind.DELETE, "clean up": EditKind.CLEANUP}
#: The footer's keys that give way first in a narrow terminal, least needed first
#: (each is still a key, in the help and the palette).
FOOTER_DROP_ORDER = (
    "toggle_follow",
    "toggle_expand",
    "reload",
    "toggle_utc",
    "copy_id",
    "view_in_pager",
    "cycle_order",
    "toggle_pause",
    "cleanup",
    "next_trouble",
    "cycle_status",
    "help",
)
#: The actions that change the file: not offered with ``--read-only``.
EDIT_ACTIONS = frozenset({"close_sessions", "delete_sessions", "cleanup"})
#: At most this many sessions turning failed or stale are named, one notification each.
ALERTS_SHOWN = 3
#: The command palette's key (Textual's own binding), as the help lists it.
PALETTE_BINDING = Binding("ctrl+p", "command_palette", "Palette", tooltip="Command palette: every action by name, themes, a screenshot")


def local_now() -> datetime:
    """The default clock: now, in the local time zone."""
    return datetime.now().astimezone()


class SessionApp(App[None]):
    """Watch a session store live (a JSON file or tingly-box's database); close, delete and clean up sessions."""

    CSS_PATH = "app.tcss"
    TITLE = "session-tui"

    BINDINGS = [
        Binding("slash", "filter", "Filter", tooltip="Filter by id, chat, agent, project or request"),
        Binding("escape", "clear_filter", "Clear filter", show=False, tooltip="Clear the filter, then the marks"),
        Binding("s", "cycle_status", "Status", tooltip="Cycle the status filter"),
        Binding("o", "cycle_order", "Order", tooltip="Order by activity, by chat id, or failures first"),
        Binding("n", "next_trouble", "Next failed", tooltip="Go to the next failed or stale session"),
        Binding("N", "previous_trouble", "Previous failed", show=False, tooltip="Go to the previous failed or stale session"),
        Binding("y", "copy_id", "Copy id", tooltip="Copy the selected session's id to the clipboard"),
        Binding("v", "view_in_pager", "View", tooltip="Read the selected session as Markdown in $PAGER (else less)"),
        Binding("t", "toggle_utc", "UTC", tooltip="Show times in UTC, or in the local zone again"),
        Binding("c", "close_sessions", "Close", tooltip="Close the marked sessions, or the selected one"),
        Binding("d", "delete_sessions", "Delete", tooltip="Delete the marked sessions, or the selected one"),
        Binding("x", "cleanup", "Cleanup", tooltip="Remove ended sessions older than an age"),
        Binding("r", "reload", "Reload", tooltip="Read the file now, even when paused"),
        Binding("p", "toggle_pause", "Pause", tooltip="Pause or resume live updates"),
        Binding("f", "toggle_follow", "Follow", tooltip="Follow new messages of the selected session"),
        Binding("e", "toggle_expand", "Expand", tooltip="Show long messages whole, or cut them again"),
        Binding("tab", "next_pane", "Pane", show=False, tooltip="Next pane: sessions, detail, messages"),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False, tooltip="Previous pane"),
        Binding("u", "dismiss_undone", "Dismiss", tooltip="Dismiss the notice about edits the bot undid"),
        Binding("question_mark", "help", "Help", tooltip="Keys and badges"),
        Binding("q", "quit", "Quit", tooltip="Quit"),
    ]

    def __init__(
        self,
        source: Source | Path,
        *,
        locations: StoreLocations | None = None,
        read_only: bool = False,
        clock: Clock | None = None,
        watch: bool = True,
        note: str | None = None,
        signals: ExitOnSignals | None = None,
        theme: str | None = None,
        bell: bool = False,
        config_dir: Path | None = None,
    ) -> None:
        """Open ``source`` (a path is opened with :func:`~tui.session.open_source`).
        ``locations``: where both stores were looked for when no path was given
        (the empty screen names them). ``watch=False`` and a fixed ``clock`` make the screen
        deterministic (snapshot tests); ``note`` is shown in the subtitle (demo);
        ``signals`` are installed once the app runs (from the command line);
        ``theme`` names one of :attr:`available_themes` (``InvalidThemeError`` if not);
        ``bell`` rings the terminal bell when a session turns failed or stale;
        ``config_dir`` is where the theme chosen in the palette is remembered
        (see :mod:`.settings`; ``None``: nothing is read or remembered)."""
        super().__init__()
        self.bell_on_alert = bell
        self._signals = signals
        self.config_dir = config_dir
        self._settings_problem: str | None = None
        if theme is not None:
            self.theme = theme
        elif config_dir is not None:
            self._use_remembered_theme(config_dir)
        self._remembered_theme = self.theme
        self.source: Source = source if isinstance(source, Source) else open_source(source)
        #: The path the user named (a file or a base directory).
        self.path = self.source.path
        self.locations = locations
        self.read_only = read_only
        self._base_clock: Clock = clock or local_now
        #: Times are shown in UTC (``t``); else in the clock's zone, local by default.
        self.utc = False
        self.watch = watch
        self.sub_title = note or str(self.path)
        #: The last good reading of the store (``None`` until the first load).
        self.snapshot: Reading | None = None
        self.error: str | None = None
        self.live = True
        self.reloaded: datetime | None = None
        self._loading = False
        self._load_again = False
        self._missed_change = False
        self._detail_sequence = 0
        self._stop_watching = threading.Event()
        self._manager: Manager | None = None
        self._manager_lock = threading.Lock()
        #: Bound keys that move focus, run as soon as a pane sees them (see
        #: ForwardKeysAfterFocusMoves): what is typed next lands in the box.
        self.immediate_actions = {"slash": self.action_filter}
        self._facts: tuple[Reading, dict[str, int], Expiries] | None = None
        self._selection_timer: Timer | None = None
        self._tree_border = ("", "")
        self._cursor_moved_at = 0.0
        #: The app's edits, who writes the file, and which edits were undone.
        self.undo = UndoTracker()
        #: The filter's found sessions are those of the reading shown (no search under way).
        self._found_complete = False

    def clock(self) -> datetime:
        """Now, in the zone every time on screen is shown in (see :attr:`utc`)."""
        now = self._base_clock()
        return now.astimezone(timezone.utc) if self.utc else now

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield UndoneNotice(id="undone")
        yield Static(id="banner")
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield Input(placeholder="filter: id, chat, agent, project or request", id="filter")
                yield SessionTree(self.clock, id="tree")
                yield Static(id="empty")
            with Vertical(id="right"):
                yield DetailPane(id="detail")
                yield MessageView(self.clock, id="messages")
        yield StatusBar(id="status")
        yield FittingFooter(drop_order=FOOTER_DROP_ORDER)

    @property
    def tree(self) -> SessionTree:
        return self.query_one(SessionTree)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def messages_view(self) -> MessageView:
        return self.query_one(MessageView)

    def on_mount(self) -> None:
        note_ui_thread()
        if self._signals is not None:
            self._signals.install(self)
        self.query_one("#tree").border_title = "Sessions"
        self.query_one("#empty").border_title = "Sessions"
        self.query_one("#filter", Input).border_title = "Filter"
        self.query_one("#detail").border_title = "Detail"
        self.messages_view.border_title = "Messages"
        self.messages_view.border_subtitle = "following"
        self.tree.focus()
        if self._settings_problem:
            self.notify(f"Settings ignored: {self._settings_problem}", severity="warning", timeout=10, markup=False)
        if self.config_dir is not None:
            self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._update_chrome()
        self.request_load()
        if self.watch:
            self._watch()
        self.set_interval(TICK_SECONDS, self._tick)

    def on_unmount(self) -> None:
        self._stop_watching.set()
        self.source.close()
        gc.unfreeze()  # what _snapshot_loaded froze may be collected again (tests run many apps)
        if self._selection_timer is not None:
            self._selection_timer.stop()

    # -- loading --------------------------------------------------------------

    def request_load(self) -> None:
        """Read the store again (coalesced: one read at a time, one more if asked meanwhile)."""
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        self._load([self.snapshot])

    # Every worker has a description: without one, Textual builds it from the
    # repr() of the arguments, on the UI thread (a whole reading, 100s of ms).
    @work(thread=True, exit_on_error=False, group="load", description="read the session store")
    def _load(self, box: list[Reading | None]) -> None:
        # The snapshot comes in a box that is emptied here: Textual keeps a
        # finished worker (and so its arguments) until a cyclic garbage
        # collection, and a reading pins the whole file's bytes.
        base = box.pop()
        if base is not None:  # (the first reading at the UI's priority: until it comes, nothing is on screen)
            lower_this_thread()
        started = time.monotonic()
        try:
            rows_first = getattr(self.source, "read_rows", None) if base is None else None
            # (read_rows: the rows at once; once drawn, their message counts are read from that reading)
            snapshot = rows_first() if rows_first is not None else self.source.read(base)
        except StoreError as exc:  # invalid, unreadable, a database busy: the last good view stays
            self.post_message(SnapshotFailed(str(exc)))
        except Exception as exc:  # never let a reader bug take the app down
            self.post_message(SnapshotFailed(f"{self.path}: cannot read: {exc!r}"))
        else:
            # The status bar's facts, computed here rather than on the UI thread.
            self.post_message(SnapshotLoaded(snapshot, snapshot.stats(), live_expiries(snapshot.summaries()), started))

    @work(thread=True, exit_on_error=False, group="discard", description="free an old reading")
    def _discard(self, box: list[object]) -> None:
        """Drop the last references to an old reading here, not on the UI thread:
        freeing a file's worth of bytes takes tens of milliseconds. (At normal
        priority: the sooner it is freed, the lower the app's peak memory.)"""
        box.clear()

    @work(thread=True, exit_on_error=False, group="watch", description="watch the session store")
    def _watch(self) -> None:
        watch_source(self.source, lambda: self.post_message(FileChanged()), self._stop_watching)

    @on(FileChanged)
    def _file_changed(self) -> None:
        if self.live:
            self.request_load()
        else:
            self._missed_change = True
            self._update_chrome()

    @on(SnapshotLoaded)
    def _snapshot_loaded(self, message: SnapshotLoaded) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        snapshot = message.snapshot
        first = self.snapshot is None
        retired = [self.snapshot, self._facts]
        self.snapshot, self.error, self.reloaded = snapshot, None, self.clock()
        if message.counts is not None and message.expiries is not None:
            self._facts = (snapshot, message.counts, message.expiries)
        if not first:
            self._discard(retired)
        touched: set[str] = set()
        if first or not getattr(retired[0], "counted", True):
            self.tree.load(snapshot)  # (after a reading without counts: the counts, not changes to flash)
        elif snapshot.changes:
            touched = self.tree.apply(snapshot, snapshot.changes)
        cursor = self.tree.cursor
        if (
            first
            or (isinstance(cursor, SessionRow) and cursor.session_id in snapshot.changes.changed)
            or (isinstance(cursor, ChatRow) and cursor.chat_id in touched)  # its counts changed
        ):
            self._show_selection()
        if self.undo.observe(snapshot, message.started, self.clock()):
            self._show_undone()
        self._update_chrome()
        if getattr(snapshot, "counted", True):
            self._finish_load()
        else:  # the rows are drawn first, then their counts read (the load goes on meanwhile)
            self.call_after_refresh(self._load, [snapshot])
        if self.tree.model.filter.text and not first and snapshot.changes:
            self._search_texts(snapshot.changes)  # the found sessions of the new reading
        if first:
            # What is alive after the first reading (the app's widgets, the
            # summaries, the tree) lives as long as the app: keep it out of the
            # collector's full passes, which on a large file otherwise stall the
            # UI for 50-200 ms every few seconds. (Frozen objects are still freed
            # by reference counting; only cycles among them would never be.)
            gc.freeze()

    @on(SnapshotFailed)
    def _snapshot_failed(self, message: SnapshotFailed) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        self.error = message.error
        self._update_chrome()
        self._finish_load()

    def _finish_load(self) -> None:
        self._loading = False
        if self._load_again:
            self._load_again = False
            self.request_load()

    # -- the selection --------------------------------------------------------

    @on(SessionTree.CursorMoved)
    def _cursor_moved(self, message: SessionTree.CursorMoved) -> None:
        # Show the selection once the cursor rests: decoding a session and
        # laying out its panes (in a worker, but holding the GIL) and drawing
        # them cost tens of milliseconds, which keys pressed in quick
        # succession would queue behind.
        self._cursor_moved_at = time.monotonic()
        if self._selection_timer is not None:
            self._selection_timer.stop()
        self._selection_timer = self.set_timer(SELECTION_DELAY, self._selection_rested)

    def _selection_rested(self) -> None:
        self._selection_timer = None
        if self.is_running:  # not while the app shuts down
            self._show_selection()

    def _show_selection(self) -> None:
        row = self.tree.cursor
        snapshot = self.snapshot
        self._detail_sequence += 1
        if isinstance(row, SessionRow) and snapshot is not None:
            summary = self.tree.model.summaries.get(row.session_id)
            kits = (self.detail.kit(), self.messages_view.kit())
            self._load_detail(self._detail_sequence, row.session_id, summary, [snapshot], kits)
        elif isinstance(row, ChatRow):
            model = self.tree.model
            summaries = [model.summaries[sid] for sid in model.visible_ids(row.chat_id)]
            self.detail.show_chat(row.chat_id, summaries, self.clock())
            self.messages_view.show(None, [])
        else:
            self.detail.show_note("No session selected.")
            self.messages_view.show(None, [])

    @work(thread=True, exit_on_error=False, group="detail", description="decode the selected session")
    def _load_detail(
        self,
        sequence: int,
        session_id: str,
        summary: SessionSummary | None,
        box: list[Reading],
        kits: tuple[DetailKit, HistoryKit],
    ) -> None:
        """Decode the session and lay out both panes here: on a long history
        that is tens of milliseconds the UI thread would not answer keys."""
        snapshot = box.pop()  # see _load: the finished worker must not pin the reading
        lower_this_thread()

        def moved_on() -> bool:
            # The cursor left this session: stop, rather than hold the GIL for
            # work nobody will see while the UI thread answers the next key.
            return sequence != self._detail_sequence

        try:
            session = snapshot.session(session_id)
        except StoreError as exc:
            self.post_message(DetailLoaded(sequence, session_id, None, error=str(exc)))
            return
        if moved_on():
            return
        now = self.clock()
        detail_kit, history_kit = kits
        detail = detail_kit.session(session, summary, now)
        if moved_on():
            return
        history = history_kit.history(session.messages or [], now)
        self.post_message(DetailLoaded(sequence, session_id, session, summary, detail=detail, history=history))

    @on(DetailLoaded)
    def _detail_loaded(self, message: DetailLoaded) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        if message.sequence != self._detail_sequence:
            return  # the cursor moved on meanwhile
        session = message.session
        if session is None:
            self.detail.show_note(message.error or "This session is no longer in the file.")
            self.messages_view.show(message.session_id, [])
            return
        self.detail.show_session(session, message.summary, self.clock(), message.detail)
        self.messages_view.show(message.session_id, session.messages or [], message.history)

    # -- chrome -----------------------------------------------------------------

    def _tick(self) -> None:
        # A timer runs in its own task: it can fire while the app shuts down
        # and its widgets are already gone.
        if not self.is_running:
            return
        self.tree.tick()
        self.tree.refresh()
        self._update_chrome()
        if isinstance(self.tree.cursor, SessionRow) and time.monotonic() - self._cursor_moved_at > TICK_SECONDS:
            # The detail's and history's "5s ago" move on too (laid out by a
            # worker; not while the cursor is on the move).
            self._show_selection()

    def _update_chrome(self) -> None:
        """Status bar, banner and empty state from the current facts."""
        if not self.is_running:
            return  # shutting down: the widgets are being removed
        snapshot = self.snapshot
        counts, stale = self._counts(snapshot)
        model = self.tree.model
        filtered = self._filter_label(model.filter) if model.filter.active else None
        self.query_one(StatusBar).show(
            StatusFacts(
                counts=counts,
                stale=stale,
                path=self.path,
                live=self.live,
                reloaded=None if self.reloaded is None else self.reloaded.astimezone(self.clock().tzinfo),
                zone=zone_name(self.clock()),
                error=self.error,
                read_only=self.read_only,
                filtered=filtered,
                foreign_age=self.undo.foreign_age(self.clock()),
                undone=len(self.undo),
            )
        )
        title = f"Sessions · {ORDER_LABELS[model.order]}" + (f" — {filtered}" if filtered else "")
        banner = self.query_one("#banner", Static)
        if self.error and snapshot is not None:
            banner.update(Text(f"⚠ Showing the last good reading. {one_line(self.error)}"))
            banner.display = True
        elif not self.live and self._missed_change:
            banner.update(Text("❚❚ Paused: the file has changed. Press p to resume."))
            banner.display = True
        elif snapshot is not None and snapshot.warnings:
            more = len(snapshot.warnings) - 1
            banner.update(Text(f"⚠ {one_line(snapshot.warnings[0])}" + (f" (and {more} more)" if more else "")))
            banner.display = True
        else:
            banner.display = False
        self._update_empty_state(snapshot)
        marked = len(model.marked_visible())
        notes = [self.tree.unseen_text, f"{marked} marked" if marked else ""]
        self._set_tree_border(title, " · ".join(note for note in notes if note))

    def _set_tree_border(self, title: str, subtitle: str) -> None:
        # Setting a border title repaints the whole tree, even to the same text.
        # As Text: the filter's text is the user's, never markup.
        if (title, subtitle) != self._tree_border:
            self._tree_border = (title, subtitle)
            self.tree.border_title = Text(title)
            self.tree.border_subtitle = Text(subtitle)

    def _counts(self, snapshot: Reading | None) -> tuple[dict[str, int], int]:
        """Counts per status with the stale ones taken out of running and
        pending (see :mod:`.state.classify`), and how many are stale now.

        Both come from facts computed once per reading (by the load worker,
        off the UI thread): the stale count at any moment is a bisection per
        live status into the sorted expiry times of live sessions.
        """
        if snapshot is None:
            return {}, 0
        facts = self._facts
        if facts is None or facts[0] is not snapshot:
            facts = self._facts = (snapshot, snapshot.stats(), live_expiries(snapshot.summaries()))
        counts = shown_counts(facts[1], facts[2], self.clock())
        return counts, counts.pop(STALE)

    def _update_empty_state(self, snapshot: Reading | None) -> None:
        empty = self.query_one("#empty", Static)
        tree = self.tree
        text: Text | None = None
        if snapshot is None and not self.error:
            text = Text.assemble(("Reading ", "dim"), one_line(str(self.path)), ("…", "dim"))
        elif snapshot is None and self.error:
            if self.source.kind == "sqlite":  # invalid, or busy past the wait: either may pass
                text = Text.assemble(("Cannot show this database\n\n", "bold"), one_line(self.error))
                text.append("\n\nIt is watched: as soon as it can be read, it shows here.", "dim")
            else:
                text = Text.assemble(("Cannot show this file\n\n", "bold"), one_line(self.error))
                text.append("\n\nIt is watched: as soon as it is valid again, it shows here.", "dim")
        elif snapshot is not None and not snapshot.exists:
            text = no_store_text(self.source.kind, self.path, self.locations)
        elif snapshot is not None and len(snapshot) == 0:
            noun = "The database " if self.source.kind == "sqlite" else "The file "
            text = Text.assemble(("No sessions\n\n", "bold"), (noun, "dim"), one_line(str(self.path)), (" has none yet.", "dim"))
        elif snapshot is not None and tree.model.row_count == 0:
            text = Text.assemble(("Nothing matches the filter\n\n", "bold"), ("escape clears it", "dim"))
        empty.display = text is not None
        if text is None and not tree.display:
            tree.display = True
            # Hiding the focused tree left nothing focused: give focus back
            # with the rows, or the tree's keys stay dead until tab.
            if tree.screen.focused is None:
                tree.focus()
        tree.display = text is None
        if text is not None:
            empty.update(text)

    @staticmethod
    def _filter_label(active: Filter) -> str:
        parts = []
        if active.status:
            parts.append(f"status: {active.status}")
        if active.text:
            parts.append(f"text: {active.text}")
        return "filter " + ", ".join(parts)

    # -- filtering --------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter box and type into it."""
        box = self.query_one("#filter", Input)
        box.display = True
        # Focus now, not after a refresh: keys typed right after "/" must land in the box.
        self.screen.set_focus(box)

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        # The fields the tree holds match at once; the message texts when the search worker is done.
        self._set_filter(Filter(event.value.strip(), self.tree.model.filter.status))
        self._search_texts()

    def _search_texts(self, changes: ChangeSet | None = None) -> None:
        """Search the message texts for the filter's text (the last search is
        cancelled); with ``changes``, only the sessions they name are searched again."""
        current = self.tree.model.filter
        if changes is not None and not self._found_complete:
            changes = None  # a search of every session is still to finish: start it again
        self._found_complete = False
        if current.text and self.snapshot is not None:
            touched = None if changes is None else [*changes.added, *changes.changed]
            kept = frozenset() if changes is None else current.found - changes.removed - changes.changed
            self._search(current.text, [self.snapshot], touched, kept)
        else:
            self.workers.cancel_group(self, "search")

    @work(thread=True, exclusive=True, exit_on_error=False, group="search", description="search the message texts")
    def _search(self, needle: str, box: list[Reading], only: list[str] | None, kept: frozenset[str]) -> None:
        snapshot = box.pop()  # see _load: the finished worker must not pin the reading
        lower_this_thread()
        worker = get_current_worker()
        found = search_texts(snapshot, needle, only=only, cancelled=lambda: worker.is_cancelled)
        if found is not None and not worker.is_cancelled:
            self.post_message(TextSearched(needle, snapshot, kept | found))

    @on(TextSearched)
    def _texts_searched(self, message: TextSearched) -> None:
        current = self.tree.model.filter
        if message.needle == current.text and message.snapshot is self.snapshot:
            self._found_complete = True
            if message.found != current.found:
                self._set_filter(Filter(current.text, current.status, message.found))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#filter", Input).display = False
        self.tree.focus()

    def action_clear_filter(self) -> None:
        """Clear the text and status filters (and hide the filter box)."""
        box = self.query_one("#filter", Input)
        if not self.tree.model.filter.active and not box.display:
            self.tree.clear_marks()
            self._update_chrome()
            return
        with box.prevent(Input.Changed):
            box.value = ""
        box.display = False
        self._set_filter(Filter())
        self.tree.focus()

    def action_cycle_status(self) -> None:
        """Cycle the status filter: all, running, pending, stale, failed, completed, closed, expired."""
        current = self.tree.model.filter
        self._set_filter(Filter(current.text, next_status_filter(current.status), current.found))

    def _set_filter(self, new_filter: Filter) -> None:
        before = self.tree.cursor
        highlight_changed = self.messages_view.highlight != new_filter.text
        self.messages_view.highlight = new_filter.text  # the history highlights the filter's text
        self.tree.set_filter(new_filter)
        if self.tree.cursor == before and (isinstance(before, ChatRow) or highlight_changed):
            # Still on the row (no CursorMoved): the chat's shown sessions, or the highlight, changed.
            self._show_selection()
        self._update_chrome()

    def action_cycle_order(self) -> None:
        """Order the tree by activity, by chat id, or failures first (the cursor keeps its session)."""
        self.tree.set_order(next_order(self.tree.model.order))
        self._update_chrome()

    def action_next_trouble(self) -> None:
        """Go to the next failed or stale session (wrapping; a collapsed chat opens)."""
        self._jump_to_trouble(forward=True)

    def action_previous_trouble(self) -> None:
        """Go to the previous failed or stale session."""
        self._jump_to_trouble(forward=False)

    def _jump_to_trouble(self, forward: bool) -> None:
        if not self.tree.jump_to_trouble(forward):
            self.notify("No shown session is failed or stale.", markup=False)
        self.tree.focus()

    # -- taking things out ---------------------------------------------------------

    def action_copy_id(self) -> None:
        """Copy the selected session's id to the clipboard (OSC 52: the terminal must allow it)."""
        session_id = self.tree.cursor_session
        if session_id is None:
            self.notify("Select a session to copy its id.", severity="warning", markup=False)
            return
        self.copy_to_clipboard(session_id)
        self.notify(f"Copied {one_line(session_id)} to the clipboard.", title="Copy id", markup=False)

    def action_view_in_pager(self) -> None:
        """Read the selected session as Markdown in ``$PAGER`` (else ``less``), then come back."""
        session_id = self.tree.cursor_session
        if session_id is None or self.snapshot is None:
            self.notify("Select a session to read it in the pager.", severity="warning", markup=False)
            return
        command = pager_command()
        if command is None:
            self.notify("No pager: set $PAGER, or install less.", severity="warning", markup=False)
            return
        try:
            session = self.snapshot.session(session_id)
        except StoreError as exc:
            self.notify(f"Cannot read the session: {one_line(str(exc))}", severity="error", markup=False)
            return
        text = session_markdown(session, self.tree.model.summaries.get(session_id), self.clock())
        try:
            # Headless (under Pilot) there is no terminal to hand over: the pager just runs.
            with contextlib.nullcontext() if self.is_headless else self.suspend():
                show_in_pager(text, command)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand the screen to a pager.", severity="warning", markup=False)
        except OSError as exc:
            self.notify(f"Could not run the pager {one_line(command[0])!r}: {exc.strerror or exc}", severity="error", markup=False)

    def action_toggle_utc(self) -> None:
        """Show every time in UTC, or in the local zone again (the status bar names the zone)."""
        self.utc = not self.utc
        self.tree.refresh()
        self._show_selection()
        self._update_chrome()

    # -- remembered settings -----------------------------------------------------------

    def _use_remembered_theme(self, folder: Path) -> None:
        settings, self._settings_problem = load_settings(folder)
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        elif settings.theme is not None:
            self._settings_problem = f"{folder / SETTINGS_FILE}: unknown theme {one_line(settings.theme)!r}"

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._remembered_theme and self.config_dir is not None:
            self._remembered_theme = theme.name
            self._remember(self.config_dir, Settings(theme=theme.name))

    @work(thread=True, exit_on_error=False, group="settings", description="remember the settings")
    def _remember(self, folder: Path, settings: Settings) -> None:
        try:
            save_settings(folder, settings)
        except OSError as exc:
            self.notify(f"Could not remember the theme in {folder}: {exc.strerror or exc}", severity="warning", markup=False)

    # -- panes and modes ----------------------------------------------------------

    def action_next_pane(self) -> None:
        """Move focus to the next pane: sessions, detail, messages."""
        self._cycle_focus(1)

    def action_previous_pane(self) -> None:
        """Move focus to the previous pane."""
        self._cycle_focus(-1)

    def _cycle_focus(self, step: int) -> None:
        panes = [w for w in (self.tree, self.detail, self.messages_view) if w.display]
        focused = self.focused
        index = panes.index(focused) if focused in panes else -1
        panes[(index + step) % len(panes)].focus()

    def action_toggle_pause(self) -> None:
        """Pause or resume live updates (a paused view says when the file changed)."""
        self.live = not self.live
        if self.live and self._missed_change:
            self._missed_change = False
            self.request_load()
        self._update_chrome()

    def action_reload(self) -> None:
        """Read the file now, even when paused."""
        self._missed_change = False
        self.request_load()

    def action_toggle_follow(self) -> None:
        """Follow new messages of the selected session, or stop following."""
        view = self.messages_view
        view.follow = not view.follow

    def action_toggle_expand(self) -> None:
        """Show the selected session's long messages whole, or cut them again (from any pane)."""
        self.messages_view.action_toggle_expand()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """With ``--read-only`` the edits are not offered: not in the footer, and their keys do nothing.
        Dismiss is in the footer while there is a notice to dismiss."""
        if action == "dismiss_undone":
            return bool(len(self.undo))
        return not (self.read_only and action in EDIT_ACTIONS)

    def _offered(self, bindings: Iterable[Binding]) -> list[Binding]:
        """The keys the help and the palette list (the situational ones too)."""
        return [binding for binding in bindings if not (self.read_only and binding.action in EDIT_ACTIONS)]

    def action_help(self) -> None:
        """Show every key and what the badges mean."""
        self.push_screen(
            HelpScreen(
                [
                    ("Everywhere", [*self._offered(self.BINDINGS), PALETTE_BINDING]),
                    ("Sessions", SessionTree.BINDINGS),
                    ("Detail, messages", StripView.BINDINGS),
                ]
            )
        )

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen (the palette's Screenshot) and say where.

        Textual saves to ``~/Downloads`` and says only "Failed" when it is
        missing: here it goes to ``path``, else the current folder, else the home folder.
        """
        folders = [Path(path)] if path is not None else [Path.cwd(), Path.home()]
        error: OSError | None = None
        for folder in folders:
            try:
                saved = self.save_screenshot(filename, str(folder), time_format)
            except OSError as exc:
                error = error or exc
                continue
            self.notify(f"Saved a screenshot to {saved}", title="Screenshot", markup=False)
            return saved
        self.notify(f"Could not save a screenshot: {error}", title="Screenshot", severity="error", markup=False)
        return None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every described binding, as the footer and help do."""
        yield from super().get_system_commands(screen)
        if screen.is_modal:  # (``screen`` is where the palette was opened from)
            return
        for bindings, target in (
            (self._offered(self.BINDINGS), self),
            (SessionTree.BINDINGS, self.tree),
        ):
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.action == "quit" or not binding.description:
                    continue
                key = self.get_key_display(Binding(binding.key.split(",")[0], ""))
                help_text = f"key: {key} · {binding.tooltip or binding.description}"
                yield SystemCommand(binding.description, help_text, partial(self.run_action, binding.action, target))

    # -- edits --------------------------------------------------------------------

    def action_close_sessions(self) -> None:
        """Close the marked sessions, or the one under the cursor."""
        self._confirm_edit("close")

    def action_delete_sessions(self) -> None:
        """Delete the marked sessions, or the one under the cursor."""
        self._confirm_edit("delete")

    def action_cleanup(self) -> None:
        """Remove ended sessions older than an age, after a preview."""
        if self._refuse_read_only("clean up"):
            return

        def summaries() -> list:
            return self.snapshot.summaries() if self.snapshot is not None else []

        def done(age: timedelta | None) -> None:
            if age is not None:
                self._cleanup(age)

        self.push_screen(CleanupScreen(summaries, self.clock, self._edit_warning()), done)

    def _refuse_read_only(self, verb: str) -> bool:
        if self.read_only:
            self.notify(f"Read-only: cannot {verb} (started with --read-only).", severity="warning", markup=False)
        return self.read_only

    def _confirm_edit(self, verb: str) -> None:
        if self._refuse_read_only(verb):
            return
        ids = self.tree.targets()
        if not ids:
            self.notify(f"Nothing to {verb}: select or mark sessions first.", severity="warning", markup=False)
            return
        warning = self._edit_warning()
        room = int(self.size.height * 0.9) - CONFIRM_CHROME_ROWS
        rows = CONFIRM_ROWS if warning is None else max(2, min(CONFIRM_ROWS, room))
        body = self._describe(ids, rows)
        title = f"{verb.capitalize()} {'this session' if len(ids) == 1 else f'{len(ids)} sessions'}?"
        if verb == "close":
            body.append("\nClosed sessions stay in the file with status closed.", "dim")
        else:
            body.append("\nDeleted sessions are removed from the file.", "dim")

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._edit(verb, ids)

        self.push_screen(ConfirmScreen(title, body, action_label=verb.capitalize(), warning=warning), done)

    def _edit_warning(self) -> Text | None:
        """What the dialogs say while a writer that takes no lock is recent, else ``None``."""
        age = self.undo.foreign_age(self.clock())
        return None if age is None else edit_warning(age)

    def _describe(self, ids: list[str], rows: int = CONFIRM_ROWS) -> Text:
        model = self.tree.model
        text = Text()
        for session_id in ids[:rows]:
            summary = model.summaries.get(session_id)
            text.append(f"  {short_id(session_id)}", "bold")
            if summary is not None:
                text.append(f"  chat {one_line(summary.chat_id)}")
                if summary.project:
                    text.append(f"  {one_line(summary.project)}", "dim")
            text.append("\n")
        if len(ids) > rows:
            text.append(f"  … and {len(ids) - rows} more\n")
        return text

    def _get_manager(self) -> Manager:
        """The Manager edits go through (created on first use, in a worker thread)."""
        with self._manager_lock:
            if self._manager is None:
                # The app's clock, so that a cleanup removes what its preview listed.
                reading = self.snapshot if self.snapshot is not None and self.snapshot.exists else None
                store = self.source.store(clock=self.clock, reading=reading)
                self._manager = Manager(store=store, clock=self.clock, background=False)
            return self._manager

    @work(thread=True, exit_on_error=False, group="edit", description="edit the session file")
    def _edit(self, verb: str, ids: list[str]) -> None:
        try:
            manager = self._get_manager()
            done = manager.close_many(ids) if verb == "close" else manager.delete_many(ids)
            returned = time.monotonic()
        except (StoreError, OSError, ValueError) as exc:
            self.post_message(EditFailed(verb, str(exc)))
        except Exception as exc:
            self.post_message(EditFailed(verb, f"unexpected error: {exc!r}"))
        else:
            self.post_message(EditDone(verb, ids, done, returned=returned))

    @work(thread=True, exit_on_error=False, group="edit", description="clean up old sessions")
    def _cleanup(self, age: timedelta) -> None:
        try:
            manager = self._get_manager()
            # The ids it removed, for the undo check: those it would remove from
            # the latest reading that the reading after its write no longer has.
            doomed = [s.id for s in cleanup_candidates(self.source.read().summaries(), age, self.clock())]
            removed = manager.cleanup_old_sessions(age)
            returned = time.monotonic()
            after = self.source.read()
            removed_ids = [sid for sid in doomed if sid not in after]
        except (StoreError, OSError, ValueError) as exc:
            self.post_message(EditFailed("clean up", str(exc)))
        except Exception as exc:
            self.post_message(EditFailed("clean up", f"unexpected error: {exc!r}"))
        else:
            self.post_message(EditDone("clean up", [], [], removed=removed, removed_ids=removed_ids, returned=returned))

    @on(EditDone)
    def _edit_done(self, message: EditDone) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        edited = message.removed_ids if message.verb == "clean up" else message.done
        self.undo.edited(EDIT_KINDS[message.verb], edited, self.clock(), message.returned)
        # Said as the edit lands: the bot's next write is likely to put it back.
        at_risk = self.undo.foreign_age(self.clock()) is not None
        if message.verb == "clean up":
            n = message.removed
            text = f"Cleaned up {n} session{'s' if n != 1 else ''}." if n else "Nothing was old enough to clean up."
            if n and at_risk:
                text = text[:-1] + done_warning(n)
            self.notify(text, severity="warning" if n and at_risk else "information", markup=False)
        else:
            n = len(message.done)
            past = "closed" if message.verb == "close" else "deleted"
            text = f"{past.capitalize()} {n} session{'s' if n != 1 else ''}."
            if n and at_risk:
                text = text[:-1] + done_warning(n)
            missing = len(message.requested) - n
            if missing:
                text += f" {missing} no longer in the file."
            self.notify(text, severity="warning" if missing or (n and at_risk) else "information", markup=False)
            self.tree.model.marked.difference_update(message.requested)
        self.request_load()

    @on(EditFailed)
    def _edit_failed(self, message: EditFailed) -> None:
        if not self.is_running:
            return  # a worker finished while the app shuts down
        # markup=False: the error may quote session text (an id, a value).
        self.notify(f"Could not {message.verb}: {one_line(message.error)}", severity="error", timeout=8, markup=False)

    @on(SessionTree.MarksChanged)
    @on(SessionTree.UnseenChanged)
    def _marks_changed(self) -> None:
        self._update_chrome()

    # -- edits undone -------------------------------------------------------------

    def _show_undone(self) -> None:
        self.query_one(UndoneNotice).show(self.undo.undone)
        self.refresh_bindings()  # the footer offers "u Dismiss" while there is a notice

    def action_dismiss_undone(self) -> None:
        """Dismiss the notice about undone edits (it comes back only for a new undo)."""
        if self.undo.dismiss():
            self._show_undone()
            self._update_chrome()

    @on(UndoneNotice.DismissRequested)
    def _notice_clicked(self) -> None:
        self.action_dismiss_undone()

    @on(SessionTree.NeedsLook)
    def _needs_look(self, message: SessionTree.NeedsLook) -> None:
        for alert in message.alerts[:ALERTS_SHOWN]:
            self.notify(alert_text(alert), title="Needs a look", severity="warning", timeout=10, markup=False)
        if len(message.alerts) > ALERTS_SHOWN:
            more = len(message.alerts) - ALERTS_SHOWN
            self.notify(f"… and {more} more sessions turned failed or stale.", severity="warning", markup=False)
        if self.bell_on_alert:
            self.bell()

