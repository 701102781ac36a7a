"""What the app says next to a writer that takes no lock, and what it remembers (issue 9, SPEC §6).

Pure: the texts of :mod:`tui.app.render.undo` and the :class:`UndoTracker`
of :mod:`tui.app.state.undone`, on real readings of real files.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rawfiles import go_document, go_session, write_json
from rich.text import Text

from tui.app.render.undo import (
    age_text,
    bot_label,
    done_warning,
    edit_warning,
    notice_text,
    undone_label,
)
from tui.app.state.undone import UndoTracker
from tui.session import EditKind, EditLedger, Snapshot, WriterInfo, read_snapshot

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
SID = "5ff0094f-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
HOSTILE = "[bold]x[/]\x1b[31m"


def reading(tmp_path: Path, writer: WriterInfo | None = None, **statuses: str) -> Snapshot:
    """A real reading of a file holding these sessions; ``writer`` as the reading would say."""
    path = write_json(tmp_path / "s.json", go_document(*(go_session(sid, Status=st) for sid, st in statuses.items())))
    snap = read_snapshot(path)
    if writer is not None:
        snap.writer = writer
    return snap


BOT = WriterInfo(foreign=True, foreign_at=NOW - timedelta(seconds=3))


# -- texts --------------------------------------------------------------------------


def test_the_status_bar_texts_say_the_bot_writes_here_and_how_long_ago() -> None:
    assert bot_label(timedelta(seconds=3)) == "⚠ bot writes here · 3s ago"
    assert bot_label(timedelta(minutes=4, seconds=2), narrow=1) == "⚠ bot wrote 4m ago"
    assert bot_label(timedelta(hours=2), narrow=2) == "⚠ bot 2h ago"
    assert bot_label(timedelta(milliseconds=300)) == "⚠ bot writes here · just now"
    assert age_text(timedelta(seconds=-5)) == "just now"  # a version stamped a moment ahead of the clock
    assert undone_label(2) == "2 undone" and undone_label(0) == ""


def test_the_dialog_warning_says_it_will_likely_be_undone_and_how_to_make_it_stick() -> None:
    text = edit_warning(timedelta(seconds=12))
    assert isinstance(text, Text)
    assert text.plain == (
        "⚠ A writer that takes no lock (likely the bot) wrote this file 12s ago. "
        "It is likely to undo this change at its next write. "
        "To make it stick, stop the bot first, or use the SQLite store of current tingly-box."
    )
    assert "Closed 1 session." [:-1] + done_warning(1) == "Closed 1 session — the bot may undo it at its next write."
    assert done_warning(3) == " — the bot may undo that at its next write."


def test_the_notice_names_one_session_and_what_it_is_now(tmp_path: Path) -> None:
    ledger = EditLedger()
    ledger.record(EditKind.CLOSE, [SID], NOW)
    undone = ledger.check(reading(tmp_path, **{SID: "running"}))
    text = notice_text(undone, by_bot=True)
    assert text.plain == "⚠ The bot undid your close of 5ff0094f: running again.  Press u to dismiss."
    assert notice_text(undone, by_bot=False).plain.startswith("⚠ Another writer undid your close of 5ff0094f:")


def test_the_notice_of_several_counts_them_and_names_the_first_few(tmp_path: Path) -> None:
    ids = [f"{n:08x}-0000-4000-a000-000000000000" for n in range(1, 6)]
    ledger = EditLedger()
    ledger.record(EditKind.DELETE, ids[:1], NOW)
    ledger.record(EditKind.CLEANUP, ids[1:], NOW)
    undone = ledger.check(reading(tmp_path, **{sid: "completed" for sid in ids}))
    plain = notice_text(undone, by_bot=True).plain
    assert plain == (
        "⚠ The bot undid 5 of your edits: delete of 00000001 (back, completed), "
        "cleanup of 00000002 (back, completed), cleanup of 00000003 (back, completed) and 2 more."
        "  Press u to dismiss."
    )


def test_the_notice_shows_untrusted_ids_and_statuses_as_plain_text(tmp_path: Path) -> None:
    sid = HOSTILE + "-rest"
    ledger = EditLedger()
    ledger.record(EditKind.CLOSE, [sid], NOW)
    undone = ledger.check(reading(tmp_path, **{sid: HOSTILE}))
    text = notice_text(undone, by_bot=True)
    assert "\x1b" not in text.plain
    assert "[bold]x[" in text.plain  # literally, not as markup
    assert not any(span.style == "bold red" for span in text.spans)


# -- the tracker ----------------------------------------------------------------------


def test_an_undo_joins_the_notice_and_a_dismissed_one_does_not_come_back(tmp_path: Path) -> None:
    tracker = UndoTracker()
    tracker.edited("close", [SID], NOW, returned=10.0)
    assert not tracker.observe(reading(tmp_path, **{SID: "closed"}), 11.0, NOW)
    assert len(tracker) == 0
    assert tracker.observe(reading(tmp_path, BOT, **{SID: "running"}), 12.0, NOW)
    [undo] = tracker.undone
    assert (undo.undone.session_id, undo.undone.status, undo.by_bot) == (SID, "running", True)
    assert not tracker.observe(reading(tmp_path, BOT, **{SID: "running"}), 13.0, NOW)  # no news
    assert tracker.dismiss() == [SID] and len(tracker) == 0
    assert not tracker.observe(reading(tmp_path, BOT, **{SID: "running"}), 14.0, NOW)
    assert len(tracker) == 0
    # The user closes it again: a new undo raises the notice again.
    tracker.edited("close", [SID], NOW, returned=15.0)
    assert tracker.observe(reading(tmp_path, BOT, **{SID: "completed"}), 16.0, NOW)
    assert [u.undone.status for u in tracker.undone] == ["completed"]


def test_a_reading_begun_before_the_write_returned_is_no_undo(tmp_path: Path) -> None:
    tracker = UndoTracker()
    tracker.edited("delete", [SID], NOW, returned=10.0)
    assert not tracker.observe(reading(tmp_path, **{SID: "running"}), 9.5, NOW)
    assert not tracker.observe(reading(tmp_path, **{SID: "running"}), None, NOW)
    assert len(tracker) == 0
    assert tracker.observe(reading(tmp_path, **{SID: "running"}), 10.5, NOW)
    [undo] = tracker.undone
    assert undo.undone.edit.kind is EditKind.DELETE and not undo.by_bot  # our own kind of writer


def test_the_users_own_later_edit_is_not_an_undo(tmp_path: Path) -> None:
    tracker = UndoTracker()
    tracker.edited("close", [SID], NOW, returned=1.0)
    tracker.edited("delete", [SID], NOW, returned=2.0)  # then deleted it: gone is what it should be
    assert not tracker.observe(reading(tmp_path, other="running"), 3.0, NOW)
    # Edited again while in the notice: it leaves the notice (the user acted on it).
    tracker.edited("close", ["b"], NOW, returned=4.0)
    assert tracker.observe(reading(tmp_path, BOT, b="running"), 5.0, NOW)
    tracker.edited("delete", ["b"], NOW, returned=6.0)
    assert len(tracker) == 0


def test_the_foreign_age_is_told_while_recent_and_never_negative(tmp_path: Path) -> None:
    tracker = UndoTracker()
    assert tracker.foreign_age(NOW) is None  # nothing read yet
    tracker.observe(reading(tmp_path, BOT), None, NOW)
    assert tracker.foreign_age(NOW) == timedelta(seconds=3)
    assert tracker.foreign_age(NOW + timedelta(minutes=11)) is None  # ten minutes is the window
    # Carried on after one of ours wrote over the bot's version: still recent.
    tracker.observe(reading(tmp_path, replace(BOT, foreign=False)), None, NOW)
    assert tracker.foreign_age(NOW + timedelta(minutes=2)) == timedelta(minutes=2, seconds=3)
    tracker.observe(reading(tmp_path, WriterInfo(foreign=True, foreign_at=NOW + timedelta(seconds=2))), None, NOW)
    assert tracker.foreign_age(NOW) == timedelta(0)
    tracker.observe(reading(tmp_path, WriterInfo()), None, NOW)  # ours only
    assert tracker.foreign_age(NOW) is None


def test_a_store_that_cannot_tell_its_writer_still_shows_undone_edits(tmp_path: Path) -> None:
    # A SQLite reading has no writer to tell (every writer there takes the database's lock).
    from tui.session import Session, SessionStoreSQLite, SQLiteSource, Status

    db = tmp_path / "db" / "tingly.db"
    store = SessionStoreSQLite(db, clock=lambda: NOW)

    store.set(SID, Session(id=SID, chat_id="c", status=Status.CLOSED, created_at=NOW, expires_at=NOW))
    source = SQLiteSource(db)
    tracker = UndoTracker()
    tracker.edited(EditKind.CLOSE, [SID], NOW, 1.0)
    store.set(SID, Session(id=SID, chat_id="c", status=Status.RUNNING, created_at=NOW, expires_at=NOW))
    first = source.read()
    assert first.writer is None
    assert tracker.observe(first, 2.0, NOW)
    assert [u.undone.session_id for u in tracker.undone] == [SID] and tracker.foreign_age(NOW) is None
