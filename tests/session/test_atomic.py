"""Atomic, durable writes: modes, temp files, symlinks, the lock (issue 3; SPEC §2).

Writes go to a temp file ``.<name>.tmp-<random hex>`` beside the real file
(created with ``O_EXCL``), are fsynced and renamed over it. A new file is
0600 whatever the umask; an existing one keeps its mode; a symlinked path
updates the link's target and locks beside it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from rawfiles import go_document, go_session, write_json
from tui.session import (
    Manager,
    Message,
    Session,
    SessionStoreJSON,
    StoreAccessError,
    StoreError,
    StoreLockTimeout,
    read_snapshot,
)
from tui.session import atomic
from workers import finish, read_line, start, temp_files

TEMP_NAME = re.compile(r"\.sessions\.json\.tmp-[0-9a-f]{8,}")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _go_file(path: Path) -> Path:
    return write_json(path, go_document(go_session("a"), go_session("b", Status="completed")))


def _writes(store: SessionStoreJSON) -> list[tuple[str, Callable[[], Any]]]:
    """One of each kind of write, through the store and through a Manager."""
    manager = Manager(store=store, background=False)
    return [
        ("set", lambda: store.set("new", Session(id="new", status="running"))),
        ("manager.create_with", lambda: manager.create_with("chat", "agent", "/p")),
        ("manager.append_message", lambda: manager.append_message("a", Message(role="user", content="hi"))),
        ("manager.close", lambda: manager.close("a")),
        ("delete", lambda: store.delete("b")),
        ("force_save", store.force_save),
        ("cleanup_old_sessions", lambda: store.cleanup_old_sessions(timedelta(0))),
    ]


# -- permissions ---------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
@pytest.mark.parametrize("how", ["set", "force_save", "manager"])
def test_a_new_file_is_0600_whatever_the_umask(tmp_path: Path, umask: int, how: str) -> None:
    path = tmp_path / "sessions.json"
    old = os.umask(umask)
    try:
        store = SessionStoreJSON(path)
        if how == "set":
            store.set("x", Session(id="x"))
        elif how == "force_save":
            store.force_save()
        else:
            Manager(store=store, background=False).create_with("chat", "agent", "/p")
    finally:
        os.umask(old)
    assert _mode(path) == 0o600


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o600])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    path = _go_file(tmp_path / "sessions.json")
    path.chmod(mode)
    store = SessionStoreJSON(path)
    for name, write in _writes(store):
        inode = os.stat(path).st_ino
        write()
        assert _mode(path) == mode, f"{name} changed the mode to {oct(_mode(path))}"
        assert os.stat(path).st_ino != inode, f"{name} wrote in place instead of replacing the file"
    assert temp_files(path) == []


# -- temp files ----------------------------------------------------------------------


def test_writes_go_through_an_exclusive_temp_file_beside_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _go_file(tmp_path / "sessions.json")
    opened: list[tuple[str, int]] = []
    replaced: list[tuple[str, str]] = []
    real_open, real_replace = os.open, os.replace

    def spy_open(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        opened.append((os.fspath(file), flags))
        return real_open(file, flags, *args, **kwargs)

    def spy_replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        replaced.append((os.fspath(src), os.fspath(dst)))
        real_replace(src, dst, *args, **kwargs)

    def spy_exchange(src: Path, dst: Path) -> bool:  # the rename that tells what it replaced
        swapped = real_exchange(src, dst)
        if swapped:
            replaced.append((os.fspath(src), os.fspath(dst)))
        return swapped

    real_exchange = atomic.rename_exchange
    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "replace", spy_replace)
    monkeypatch.setattr(atomic, "rename_exchange", spy_exchange)
    store = SessionStoreJSON(path)
    writes = _writes(store)
    for _, write in writes:
        write()
    monkeypatch.undo()

    temps = [(Path(f), flags) for f, flags in opened if Path(f).name.startswith(".sessions.json.tmp-")]
    assert len(temps) == len(writes)
    for temp, flags in temps:
        assert temp.parent == tmp_path
        assert TEMP_NAME.fullmatch(temp.name), temp.name
        assert flags & os.O_CREAT and flags & os.O_EXCL, "temp files must be created exclusively"
    assert len({t for t, _ in temps}) == len(temps), "temp names must be random"
    assert [Path(dst) for _, dst in replaced] == [path] * len(writes)
    assert [Path(src) for src, _ in replaced] == [t for t, _ in temps]
    assert temp_files(path) == []


def test_an_existing_temp_name_is_never_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _go_file(tmp_path / "sessions.json")
    store = SessionStoreJSON(path)
    store.force_save()  # the first write sweeps stale temp files; this test is about later ones
    taken = tmp_path / ".sessions.json.tmp-aaaaaaaaaaaaaaaa"
    taken.write_bytes(b"another writer's temp file")
    names = iter(["a" * 16, "b" * 16])
    monkeypatch.setattr(atomic.secrets, "token_hex", lambda n=None: next(names))
    store.set("new", Session(id="new"))
    monkeypatch.undo()
    assert taken.read_bytes() == b"another writer's temp file"
    assert "new" in read_snapshot(path)


def test_stale_temp_files_are_removed_by_the_first_write_only(tmp_path: Path) -> None:
    path = _go_file(tmp_path / "sessions.json")
    stale = [".sessions.json.tmp-0123456789abcdef", ".sessions.json.tmp-deadbeef"]
    unrelated = [".other.json.tmp-0123456789abcdef", "sessions.json.tmp-0123", ".sessions.json.bak", "notes.txt"]
    for name in stale + unrelated:
        (tmp_path / name).write_text("leftover")
    store = SessionStoreJSON(path)
    store.get("a")
    store.list()
    read_snapshot(path)
    assert temp_files(path) == sorted(stale), "reading must not touch the directory"
    store.set("new", Session(id="new"))
    assert temp_files(path) == []
    for name in unrelated:
        assert (tmp_path / name).read_text() == "leftover", f"{name} is not ours to remove"


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failed_write_leaves_the_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = _go_file(tmp_path / "sessions.json")
    store = SessionStoreJSON(path)
    store.force_save()  # from here on the file is in the library's layout
    before = path.read_bytes()

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, failing, fail)
    if failing == "replace":  # the rename is a swap where the system can: fail both
        monkeypatch.setattr(atomic, "rename_exchange", fail)
    with pytest.raises(StoreAccessError) as info:
        store.set("new", Session(id="new"))
    monkeypatch.undo()
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    assert path.read_bytes() == before
    assert temp_files(path) == []
    store.set("new", Session(id="new"))  # the store is still usable
    assert "new" in read_snapshot(path)


# -- symlinks ------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["same directory", "other directory"])
def test_a_symlinked_path_updates_the_target_and_stays_a_link(tmp_path: Path, where: str) -> None:
    target_dir = tmp_path / "real"
    target_dir.mkdir()
    target = _go_file(target_dir / "sessions.json")
    target.chmod(0o640)
    link_dir = target_dir if where == "same directory" else tmp_path / "links"
    link_dir.mkdir(exist_ok=True)
    link = link_dir / "link.json"
    link.symlink_to(os.path.relpath(target, link_dir))
    pointer = os.readlink(link)

    store = SessionStoreJSON(link)
    for name, write in _writes(store):
        write()
        assert link.is_symlink() and os.readlink(link) == pointer, f"{name} replaced the link"
    snap = read_snapshot(target)
    assert "new" in snap and "b" not in snap
    assert _mode(target) == 0o640
    assert (target_dir / "sessions.json.lock").exists(), "the lock belongs beside the real file"
    assert not (link_dir / "link.json.lock").exists()
    assert temp_files(target) == [] and not [n for n in os.listdir(link_dir) if ".tmp-" in n]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    target = tmp_path / "data" / "sessions.json"
    target.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(target)
    SessionStoreJSON(link).set("x", Session(id="x"))
    assert link.is_symlink()
    assert "x" in read_snapshot(target)
    assert _mode(target) == 0o600


def test_a_link_and_its_target_share_one_lock(tmp_path: Path, procs: list) -> None:
    target = _go_file(tmp_path / "sessions.json")
    link = tmp_path / "link.json"
    link.symlink_to(target.name)
    holder = start("hold-lock", {"lock": str(target) + ".lock"}, stdin=subprocess.PIPE)
    procs.append(holder)
    assert read_line(holder) == "locked"
    with pytest.raises(StoreLockTimeout):
        SessionStoreJSON(link, lock_timeout=0.2).set("x", Session(id="x"))
    holder.communicate(input="", timeout=60)
    SessionStoreJSON(link, lock_timeout=30).set("x", Session(id="x"))
    assert "x" in read_snapshot(target)


# -- the lock ------------------------------------------------------------------------


def test_a_lock_held_by_another_process_times_out_cleanly(tmp_path: Path, procs: list) -> None:
    path = _go_file(tmp_path / "sessions.json")
    before = path.read_bytes()
    store = SessionStoreJSON(path, lock_timeout=0.3)
    holder = start("hold-lock", {"lock": str(path) + ".lock"}, stdin=subprocess.PIPE)
    procs.append(holder)
    assert read_line(holder) == "locked"

    for name, write in _writes(store):
        with pytest.raises(StoreLockTimeout) as info:
            write()
        assert isinstance(info.value, StoreError)
        message = str(info.value)
        assert "\n" not in message and str(path) in message, f"{name}: {message!r}"
        assert path.read_bytes() == before, f"{name} wrote without the lock"
    assert temp_files(path) == []
    # Reading never waits for the lock: a viewer stays responsive.
    assert store.get("a") is not None
    assert len(read_snapshot(path)) == 2

    holder.communicate(input="", timeout=60)
    assert holder.returncode == 0
    store.set("new", Session(id="new"))
    assert "new" in read_snapshot(path)


# -- readers never see a partial file ------------------------------------------------


def test_a_viewer_never_sees_a_partial_file(tmp_path: Path, procs: list) -> None:
    path = tmp_path / "sessions.json"
    sessions = [
        go_session(f"s{i:03d}", Messages=[{"Role": "assistant", "Content": "z" * 20_000, "Summary": "",
                                            "Timestamp": "2026-11-24T05:41:58.000000001Z"}])
        for i in range(40)
    ]
    write_json(path, go_document(*sessions))
    ready = tmp_path / "viewer-ready"
    viewer = start("viewer", {"path": str(path), "ready": str(ready), "marker": "zz-done"})
    rewriter = start("rewriter", {"path": str(path), "ready": str(ready), "marker": "zz-done",
                                  "count": 40, "seed": 7})
    procs.extend([viewer, rewriter])
    assert finish(rewriter)["rewrites"] == 40
    report = finish(viewer)
    assert report["error_count"] == 0, f"the viewer saw a partial or invalid file: {report['errors']}"
    assert report["saw_marker"]
    assert report["versions"] >= 2
    assert report["change_mismatches"] == [], "Snapshot.changes disagrees with what changed"
    assert json.loads(path.read_bytes())["items"]["zz-done"]["Status"] == "completed"
