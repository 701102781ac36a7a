"""``SessionApp``: a live view of a session store, and edits through the Manager.

The shape follows harlequin and toolong: the domain (:mod:`tui.session`,
:mod:`tui.app.state`) is plain Python; reading, watching and writing run in
thread workers that only post messages (:mod:`tui.app.messages`); handlers
own the UI state and update widgets in place. Each concern is a class of
its own, and this one wires them: :class:`~.loading.Loading` (read and
watch the store), :class:`~.selection.Selection` (the panes follow the
cursor), :class:`~.editing.Editing` (close, delete, clean up),
:class:`~.chrome.Chrome` (status bar, banner, border, empty pane; its texts
are the pure functions of :mod:`.render.chrome`), :class:`~.notices.Notices`
(undone edits, alerts), :class:`~.export.Export` (copy id, pager),
:class:`~.commands.Commands` (help, palette) and
:class:`~.remembered.RememberedTheme`. The filter and the panes' keys are here.
"""

from __future__ import annotations

import gc
import threading
import time
from datetime import datetime
from pathlib import Path

from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from tui.session import ChangeSet, Clock, Reading, Source, StoreLocations, open_source

from .chrome import Chrome
from .commands import Commands
from .editing import Editing
from .handoff import Handoff
from .export import Export
from .loading import Loading
from .messages import TextSearched
from .notices import Notices
from .priority import note_ui_thread
from .remembered import RememberedTheme
from .selection import Selection
from .signals import ExitOnSignals
from .state.filters import Filter, next_status_filter
from .state.order import next_order
from .state.search import narrows, search_texts
from .state.tree_model import ChatRow, SessionRow
from .state.undone import UndoTracker
from .widgets.detail_pane import DetailPane
from .widgets.footer import FittingFooter
from .widgets.message_view import MessageView
from .widgets.session_tree import SessionTree
from .widgets.status_bar import StatusBar
from .widgets.undone_notice import UndoneNotice

#: How often relative times ("3m ago"), stale badges and the status bar are redrawn.
TICK_SECONDS = 2.0
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

def local_now() -> datetime:
    """The default clock: now, in the local time zone."""
    return datetime.now().astimezone()


class SessionApp(Loading, Selection, Editing, Chrome, Notices, Export, Commands, RememberedTheme):
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
        Binding("r", "reload", "Reload", tooltip="Read the sessions again now, even when paused"),
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
        self._settings_problem = None
        if theme is not None:
            self.theme = theme
        elif config_dir is not None:
            self._use_remembered_theme(config_dir)
        self._remembered_theme = self.theme
        self.source = source if isinstance(source, Source) else open_source(source)
        self.path = self.source.path
        self.locations = locations
        self.read_only = read_only
        self._base_clock = clock or local_now
        self.utc = False
        #: The store is watched for changes (else read only at start and on ``r``).
        self.watch_store = watch
        self.sub_title = note or str(self.path)
        self.snapshot = None
        self.error = None
        self.paused = False
        self.reloaded = None
        self._loading = False
        self._load_again = False
        self._missed_change = False
        self._detail_sequence = 0
        self._stop_watching = threading.Event()
        self._manager = None
        self._manager_lock = threading.Lock()
        #: Bound keys that move focus, run as soon as a pane sees them (see
        #: ForwardKeysAfterFocusMoves): what is typed next lands in the box.
        self.immediate_actions = {"slash": self.action_filter}
        self._reading_counts = None
        self._selection_timer = None
        self._tree_border = ("", "")
        self._cursor_moved_at = 0.0
        self.undo = UndoTracker()
        #: The filter's found sessions are those of the reading shown (no search under way).
        self._found_complete = False

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
        if self.watch_store:
            self._watch()
        self.set_interval(TICK_SECONDS, self._tick)

    def on_unmount(self) -> None:
        self._stop_watching.set()
        self.source.close()
        gc.unfreeze()  # what _snapshot_loaded froze may be collected again (tests run many apps)
        if self._selection_timer is not None:
            self._selection_timer.stop()

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

    # -- filtering --------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter box and type into it."""
        filter_input = self.query_one("#filter", Input)
        filter_input.display = True
        # Focus now, not after a refresh: keys typed right after "/" must land in the input.
        self.screen.set_focus(filter_input)
        if self.snapshot is not None:
            self._prepare_search(Handoff(self.snapshot))

    @work(thread=True, exclusive=True, exit_on_error=False, group="search-prepare", description="prepare the search")
    def _prepare_search(self, reading: Handoff[Reading]) -> None:
        reading.take().prepare_search()  # (taken: the finished worker must not pin the reading)

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        # The fields the tree holds match at once; the message texts when the search worker is done.
        before = self.tree.filter
        text = event.value.strip()
        if text == before.text:
            return  # a space typed at the end: the same filter
        # A character added: only the sessions found so far can still hold the text (they stay shown until then).
        narrowed = self._found_complete and narrows(text, before.text)
        self._set_filter(Filter(text, before.status, before.found if narrowed else frozenset()))
        self._search_texts(within=before.found if narrowed else None)

    def _search_texts(self, changes: ChangeSet | None = None, within: frozenset[str] | None = None) -> None:
        """Search the message texts for the filter's text (the last search is
        cancelled); with ``changes``, only the sessions they name are searched again;
        with ``within``, only those sessions."""
        current = self.tree.filter
        if changes is not None and not self._found_complete:
            changes = None  # a search of every session is still to finish: start it again
        self._found_complete = False
        if current.text and self.snapshot is not None:
            touched = None if changes is None else [*changes.added, *changes.changed]
            kept = frozenset() if changes is None else current.found - changes.removed - changes.changed
            self._search(current.text, Handoff(self.snapshot), touched if within is None else list(within), kept)
            self._update_chrome()  # "… searching messages" until it is done
        else:
            self.workers.cancel_group(self, "search")

    @work(thread=True, exclusive=True, exit_on_error=False, group="search", description="search the message texts")
    def _search(self, needle: str, reading: Handoff[Reading], only: list[str] | None, kept: frozenset[str]) -> None:
        snapshot = reading.take()  # see _load: the finished worker must not pin the reading
        # (At the UI's priority, unlike the other workers: the user waits for this one.)
        worker = get_current_worker()
        found = search_texts(snapshot, needle, only=only, cancelled=lambda: worker.is_cancelled)
        if found is not None and not worker.is_cancelled:
            self.post_message(TextSearched(needle, snapshot, kept | found))

    @on(TextSearched)
    def _texts_searched(self, message: TextSearched) -> None:
        current = self.tree.filter
        if message.needle == current.text and message.snapshot is self.snapshot:
            self._found_complete = True
            if message.found != current.found:
                self._set_filter(Filter(current.text, current.status, message.found))
            else:
                self._update_chrome()  # the same sessions: only "searching" goes

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#filter", Input).display = False
        self.tree.focus()

    def action_clear_filter(self) -> None:
        """Clear the text and status filters (and hide the filter box)."""
        filter_input = self.query_one("#filter", Input)
        if not self.tree.filter.active and not filter_input.display:
            self.tree.clear_marks()
            self._update_chrome()
            return
        with filter_input.prevent(Input.Changed):
            filter_input.value = ""
        filter_input.display = False
        self._set_filter(Filter())
        self.tree.focus()

    def action_cycle_status(self) -> None:
        """Cycle the status filter: all, running, pending, stale, failed, completed, closed, expired."""
        current = self.tree.filter
        self._set_filter(Filter(current.text, next_status_filter(current.status), current.found))

    def _set_filter(self, new_filter: Filter) -> None:
        before = self.tree.cursor
        highlight_changed = self.messages_view.highlight != new_filter.text
        # The history and the detail's searched fields highlight the filter's text.
        self.messages_view.highlight = self.detail.highlight = new_filter.text
        self.tree.set_filter(new_filter)
        if self.tree.cursor == before and (isinstance(before, ChatRow) or highlight_changed):
            # Still on the row (no CursorMoved): the chat's shown sessions, or the highlight, changed.
            self._show_selection()
        self._update_chrome()

    def action_cycle_order(self) -> None:
        """Order the tree by activity, by chat id, or failures first (the cursor keeps its session)."""
        self.tree.set_order(next_order(self.tree.order))
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

    def action_toggle_follow(self) -> None:
        """Follow new messages of the selected session, or stop following."""
        view = self.messages_view
        view.follow = not view.follow

    def action_toggle_expand(self) -> None:
        """Show the selected session's long messages whole, or cut them again (from any pane)."""
        self.messages_view.action_toggle_expand()

    def action_toggle_utc(self) -> None:
        """Show every time in UTC, or in the local zone again (the status bar names the zone)."""
        self.utc = not self.utc
        self.tree.refresh()
        self._show_selection()
        self._update_chrome()
