"""Files shared between users, and symlinks re-pointed during a write (issue 14, items 4-6).

The multi-user cases run as root with ``useradd`` available (CI runs as
root): the other user's command runs in a forked child that drops to that
user with ``setuid`` (the interpreter, often under root's home, could not
be started as that user). Elsewhere they are skipped, saying why.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from rawfiles import go_document, go_session, read_items, write_json
from tui.session import Manager, SessionStoreJSON, StoreAccessError, read_snapshot
from tui.session.filelock import lock_path_for

USER = "stui-test"


def _other_user() -> pwd.struct_passwd:
    if os.geteuid() != 0:
        pytest.skip("the multi-user cases need root (to become another user)")
    if shutil.which("useradd") is None:
        pytest.skip("the multi-user cases need useradd")
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", USER], check=True,
                       capture_output=True)
        return pwd.getpwnam(USER)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory every user may write in (0777, not sticky), outside pytest's private tmp."""
    folder = Path(tempfile.mkdtemp(prefix="stui-users-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def run_as(user: pwd.struct_passwd, *argv: object) -> tuple[int, str, str]:
    """``session-tui ARGV`` as ``user``: exit status, stdout, stderr."""
    from tui.cli import cleanup, commands, edit, stats, verify  # noqa: F401 - loaded before dropping root
    from tui.cli.main import main

    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 99
        try:
            os.close(out_r)
            os.close(err_r)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            sys.stdout = open(1, "w", closefd=False)
            sys.stderr = open(2, "w", closefd=False)
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
            code = main([str(a) for a in argv])
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(out_w)
    os.close(err_w)
    with open(out_r, encoding="utf-8") as out, open(err_r, encoding="utf-8") as err:
        stdout, stderr = out.read(), err.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stdout, stderr


def _root_file(folder: Path, mode: int) -> tuple[Path, list[str]]:
    path = folder / "bot_sessions.json"
    with Manager(store=SessionStoreJSON(path), background=False) as manager:
        ids = [manager.create_with("chat", "agent", f"/p/{i}").id for i in range(2)]
    path.chmod(mode)
    return path, ids


def test_a_user_who_may_not_write_the_file_cannot_replace_it(shared_dir: Path) -> None:
    other = _other_user()
    path, ids = _root_file(shared_dir, 0o644)
    before = path.read_bytes()
    code, out, err = run_as(other, "close", path, ids[0])
    assert code == 2, err
    assert err.startswith(f"session-tui close: error: {path}: permission denied: this user may not write the file")
    assert len(err.splitlines()) == 1 and out == ""
    st = path.stat()
    assert path.read_bytes() == before and (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, 0o644)
    code, out, err = run_as(other, "stats", path)  # reading still works
    assert (code, err) == (0, "") and "2 sessions" in out


def test_the_lock_gets_the_files_permissions_so_every_writer_of_the_file_can_lock(shared_dir: Path) -> None:
    other = _other_user()
    path, ids = _root_file(shared_dir, 0o666)
    SessionStoreJSON(path).force_save()  # root takes the lock once more: it follows the file's mode
    lock = lock_path_for(path)
    assert stat.S_IMODE(lock.stat().st_mode) == 0o666
    code, out, err = run_as(other, "close", path, ids[0])
    assert (code, err) == (0, ""), err
    assert read_items(path)[ids[0]]["Status"] == "closed"
    # Its mode stays (an atomic replace cannot keep another user as owner: the file is now theirs).
    assert stat.S_IMODE(path.stat().st_mode) == 0o666
    assert read_snapshot(path).writer.foreign is False  # the other user's write is recorded too


def test_a_new_lock_for_a_shared_file_is_made_with_its_mode_whatever_the_umask(shared_dir: Path) -> None:
    other = _other_user()
    path = write_json(shared_dir / "bot_sessions.json", go_document(go_session("a")))
    path.chmod(0o666)
    old = os.umask(0o077)
    try:
        SessionStoreJSON(path).modify("a", lambda s: setattr(s, "request", "x"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(lock_path_for(path).stat().st_mode) == 0o666
    code, _, err = run_as(other, "delete", path, "a")
    assert (code, err) == (0, "")


def test_a_lock_the_user_cannot_open_is_a_clear_one_line_error(shared_dir: Path) -> None:
    other = _other_user()
    path, ids = _root_file(shared_dir, 0o666)
    lock = lock_path_for(path)
    lock.chmod(0o600)  # as an older session-tui made every lock
    code, out, err = run_as(other, "close", path, ids[0])
    assert code == 2 and len(err.splitlines()) == 1
    assert f"{lock}: cannot open the lock file for writing: Permission denied (owner uid 0, mode 0600)" in err
    assert f"chmod 0666 {lock}" in err
    assert read_items(path)[ids[0]]["Status"] == "pending"


def test_a_symlink_re_pointed_during_a_write_moves_no_sessions(tmp_path: Path) -> None:
    a = write_json(tmp_path / "a.json", go_document(go_session("from-a")))
    b = write_json(tmp_path / "b.json", go_document(go_session("from-b")))
    link = tmp_path / "current.json"
    link.symlink_to(a)
    store = SessionStoreJSON(link)

    def re_point_then_change(session: object) -> None:
        link.unlink()
        link.symlink_to(b)  # under our lock on a.json.lock, between the read and the rename
        session.request = "changed"  # type: ignore[attr-defined]

    with pytest.raises(StoreAccessError) as info:
        store.modify("from-a", re_point_then_change)
    assert "re-pointed" in str(info.value) and "\n" not in str(info.value)
    assert sorted(read_items(a)) == ["from-a"] and sorted(read_items(b)) == ["from-b"]
    assert read_items(a)["from-a"]["Request"] != "changed"
    # Writes go on through the link as it points now.
    store.modify("from-b", lambda s: setattr(s, "request", "through the link"))
    assert read_items(b)["from-b"]["Request"] == "through the link" and sorted(read_items(b)) == ["from-b"]
