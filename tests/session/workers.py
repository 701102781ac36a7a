"""Entry points for the real OS processes the multi-process tests start.

Run as a script: ``python workers.py COMMAND 'JSON ARGS'``. Each command
prints one JSON object (its report) as the last line of stdout; failures go
to stderr as a traceback and a non-zero exit status. The test modules import
:func:`start` and :func:`finish` from here to run them.

Every worker works through its own ``SessionStoreJSON`` / ``Manager``, never
through anything shared with the test process but the file system.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import traceback
from collections import defaultdict
from pathlib import Path
from typing import Any

from tui.tools import processes

WORKERS = Path(__file__).resolve()

#: Upper bound on how long any worker runs, so that a bug never leaves one behind.
WALL_LIMIT = 120.0


# -- used by the tests -----------------------------------------------------------


def start(command: str, args: dict[str, Any], **popen: Any) -> subprocess.Popen[str]:
    """Start ``workers.py COMMAND ARGS`` as a new Python process."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(
        [sys.executable, str(WORKERS), command, json.dumps(args)], text=True, **popen
    )


def finish(proc: subprocess.Popen[str], timeout: float = 120.0) -> dict[str, Any]:
    """Wait for a worker and return its report; fail with its stderr if it failed."""
    out = processes.finish(proc, timeout, "worker")
    lines = out.strip().splitlines()
    if not lines:
        raise AssertionError("worker printed no report")
    report: dict[str, Any] = json.loads(lines[-1])
    return report


def read_line(proc: subprocess.Popen[str], timeout: float = 60.0) -> str:
    """One line from a worker's stdout, without ever blocking longer than ``timeout``.

    Reads the pipe's file descriptor directly (never ``proc.stdout``'s buffer),
    so use either this or :func:`finish`'s output, not both for one line.
    """
    return processes.read_line(proc, timeout, "the worker")


def wait_until(predicate: Any, timeout: float = 60.0, what: str = "condition") -> None:
    """Poll ``predicate`` until true; generous timeouts, never a timing assertion."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.01)


def temp_files(path: Path) -> list[str]:
    """Names of the library's temp files beside ``path``."""
    prefix = f".{path.name}.tmp-"
    return sorted(n for n in os.listdir(path.parent) if n.startswith(prefix))


# -- helpers for workers ------------------------------------------------------------


def _barrier(args: dict[str, Any]) -> None:
    """Say ready, then wait for the test's go, so all workers start together."""
    folder = args.get("barrier")
    if not folder:
        return
    Path(folder, f"ready-{args['name']}").touch()
    go = Path(folder, "go")
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal from the test")
        time.sleep(0.005)


def _manager(path: str) -> Any:
    from tui.session import Manager, SessionStoreJSON

    # A generous lock timeout: on a loaded 2-core machine five writers queue up.
    return Manager(store=SessionStoreJSON(path, lock_timeout=60), background=False)


def _stopped(args: dict[str, Any], started: float) -> bool:
    stop = args.get("stop")
    return bool(stop and os.path.exists(stop)) or time.monotonic() - started > WALL_LIMIT


# -- concurrency workers ------------------------------------------------------------


def cmd_writer(args: dict[str, Any]) -> dict[str, Any]:
    """A bot: creates its own sessions, appends, changes statuses and context.

    Appends and context changes go to its own sessions and to ``shared`` ones
    (which the app process closes and deletes). Status changes go to its own
    sessions only, so the test can tell which status must win. Every call's
    result is logged per session, in order.
    """
    from tui.session import Message

    rng = random.Random(args["seed"])
    name = args["name"]
    manager = _manager(args["path"])
    _barrier(args)
    started = time.monotonic()
    own: list[str] = []
    log: dict[str, list[list[Any]]] = defaultdict(list)

    def create() -> None:
        session = manager.create_with(f"chat-{name}", "agent", f"/proj/{name}/{len(own)}")
        own.append(session.id)
        log[session.id].append(["create", None, True])

    for _ in range(args["own"]):
        create()
    ops = 0
    while (ops < args["min_ops"] or not _stopped(args, started)) and ops < args["max_ops"]:
        ops += 1
        sid = rng.choice(own + args["shared"])
        roll = rng.random()
        if roll < 0.6:
            tag = f"{name}#{ops}"
            ok = manager.append_message(sid, Message(role=rng.choice(["user", "assistant"]), content=tag))
            log[sid].append(["append", tag, ok])
        elif roll < 0.8 and sid in own:
            status = rng.choice(["running", "completed", "failed"])
            if status == "running":
                ok = manager.set_running(sid)
            elif status == "completed":
                ok = manager.set_completed(sid, f"response {name}#{ops}")
            else:
                ok = manager.set_failed(sid, f"error {name}#{ops}")
            log[sid].append(["status", status, ok])
        elif roll < 0.97:
            key = f"{name}#{ops}"
            ok = manager.set_context(sid, key, ops)
            log[sid].append(["context", [key, ops], ok])
        else:
            create()
        # A short pause, as a bot between events; without it four writers
        # polling for the lock keep the app waiting for seconds (see the report).
        time.sleep(rng.uniform(0, 0.003))
    return {"name": name, "own": own, "ops": ops, "log": log}


def cmd_app(args: dict[str, Any]) -> dict[str, Any]:
    """The viewer app: waits for some traffic, then closes and deletes sessions.

    It acts on the ``close`` and ``delete`` ids it is given, then on random
    sessions it finds in the file, with the Manager calls the app uses.
    """
    from tui.session import SessionStoreJSON

    rng = random.Random(args["seed"])
    manager = _manager(args["path"])
    store: SessionStoreJSON = manager.store
    _barrier(args)
    deadline = time.monotonic() + 60
    while sum(s.message_count for s in store.summaries()) < args["wait_messages"]:
        if time.monotonic() > deadline:
            raise SystemExit("the writers never wrote enough messages")
        time.sleep(0.01)
    closed: list[str] = []
    deleted: list[str] = []
    planned = [("close", [sid]) for sid in args["close"]] + [("delete", [sid]) for sid in args["delete"]]
    reserved = set(args["close"]) | set(args["delete"]) | set(args["spare"])
    acted: set[str] = set()
    random_left = args["random_ops"]
    step = 0
    while planned or random_left > 0:
        # Alternate planned and random actions, between the writers' calls.
        step += 1
        if planned and (random_left <= 0 or step % 2):
            kind, ids = planned.pop(0)
        else:
            random_left -= 1
            candidates = sorted(s.id for s in store.summaries() if s.id not in acted | reserved)
            if not candidates:
                continue
            kind = rng.choice(["close", "delete", "close_many", "delete_many"])
            ids = rng.sample(candidates, min(len(candidates), 2 if kind.endswith("_many") else 1))
        acted.update(ids)
        _act(manager, kind, ids, closed, deleted)
        time.sleep(0.005)
    return {"closed": closed, "deleted": deleted}


def _act(manager: Any, kind: str, ids: list[str], closed: list[str], deleted: list[str]) -> None:
    if kind == "close":
        closed.extend(sid for sid in ids if manager.close(sid))
    elif kind == "delete":
        deleted.extend(sid for sid in ids if manager.delete(sid))
    elif kind == "close_many":
        closed.extend(manager.close_many(ids))
    elif kind == "delete_many":
        deleted.extend(manager.delete_many(ids))
    else:  # pragma: no cover
        raise ValueError(kind)


def cmd_appender(args: dict[str, Any]) -> dict[str, Any]:
    """Appends to ``ids`` round robin until told to stop (or every id was refused enough)."""
    from tui.session import Message

    manager = _manager(args["path"])
    started = time.monotonic()
    results: dict[str, list[list[Any]]] = {sid: [] for sid in args["ids"]}
    refusals = dict.fromkeys(args["ids"], 0)
    n = 0
    while not _stopped(args, started):
        live = [sid for sid in args["ids"] if refusals[sid] < args.get("refusals_to_stop", 10**9)]
        if not live:
            break
        for sid in live:
            n += 1
            tag = f"append#{n}"
            ok = manager.append_message(sid, Message(role="assistant", content=tag))
            results[sid].append([tag, ok])
            if not ok:
                refusals[sid] += 1
            time.sleep(args.get("pause", 0))  # lets other processes get the lock (it is not fair)
    in_memory = {sid: manager.get(sid) is not None for sid in args["ids"]}
    return {"results": results, "in_memory": in_memory}


def cmd_act(args: dict[str, Any]) -> dict[str, Any]:
    """Run a list of ``[kind, [ids]]`` Manager actions in order (close, delete, ...)."""
    manager = _manager(args["path"])
    closed: list[str] = []
    deleted: list[str] = []
    for kind, ids in args["actions"]:
        _act(manager, kind, ids, closed, deleted)
        time.sleep(args.get("pause", 0))
    return {"closed": closed, "deleted": deleted}


# -- crash workers -------------------------------------------------------------------


def crash_writer(path: str, ack_path: str, generation: int, seed: int) -> None:
    """Write forever (until SIGKILL), acking each call after it returned.

    An ack is one ``os.write`` of a whole line to an ``O_APPEND`` file: once
    that call returns the line is in the kernel and survives the process being
    killed (SIGKILL loses no page cache; only a power cut would need fsync, and
    the test does not simulate that). Acked effects, checked by the test:

    - ``append``: a message with this tag is in this keeper session;
    - ``context``: this context key of a keeper has this value;
    - ``create``: this (``made``) session exists;
    - ``close``: this (``made``) session is closed;
    - ``delete``: this (``doomed``) session is gone.

    Keepers and made sessions are never deleted, and nothing is appended to
    made sessions, so no later write can legitimately undo an acked one.
    """
    from tui.session import Message

    rng = random.Random(seed)
    manager = _manager(path)
    store = manager.store
    ack = os.open(ack_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def acked(**record: Any) -> None:
        os.write(ack, (json.dumps(record) + "\n").encode())

    keepers = sorted(s.id for s in store.summaries() if s.chat_id == "keep")
    k = 0
    while True:
        k += 1
        roll = rng.random()
        if roll < 0.45:
            sid = rng.choice(keepers)
            tag = f"g{generation}-{k}"
            pad = rng.choice([0, 0, 0, 0, 0, 0, 300, 3000])
            ok = manager.append_message(sid, Message(role="assistant", content=f"{tag}|{'x' * pad}"))
            acked(op="append" if ok else "refused", id=sid, tag=tag)
        elif roll < 0.6:
            sid = rng.choice(keepers)
            key = f"g{generation}-{k}"
            ok = manager.set_context(sid, key, k)
            acked(op="context" if ok else "refused", id=sid, key=key, value=k)
        elif roll < 0.72:
            session = manager.create_with("made", "crash", f"g{generation}")
            acked(op="create", id=session.id)
        elif roll < 0.8:
            open_made = sorted(s.id for s in store.summaries() if s.chat_id == "made" and s.status != "closed")
            if open_made:
                sid = rng.choice(open_made)
                if manager.close(sid):
                    acked(op="close", id=sid)
        elif roll < 0.92:
            session = manager.create_with("doomed", "crash", f"g{generation}")
            if manager.delete(session.id):
                acked(op="delete", id=session.id)
        else:
            leftovers = [s.id for s in store.summaries() if s.chat_id == "doomed"]
            for sid in store.delete_many(leftovers):
                acked(op="delete", id=sid)


def cmd_crash_server(args: dict[str, Any]) -> None:
    """Fork a crash writer per request and SIGKILL it after the requested delay.

    Forking from this already-initialised process makes a kill cycle cost
    milliseconds rather than a Python start-up. Requests are JSON lines on
    stdin (``{"generation", "seed", "delay"}``); each answer is a JSON line
    on stdout once the writer is dead and reaped.
    """
    import tui.session  # noqa: F401  (import before forking, once)

    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the writer
            try:
                signal.alarm(int(WALL_LIMIT))  # never outlive a broken test
                crash_writer(args["path"], args["ack"], request["generation"], request["seed"])
            except BaseException:
                traceback.print_exc()
            os._exit(3)  # only reached if the writer failed
        time.sleep(request["delay"])
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        print(json.dumps({"generation": request["generation"], "killed": killed, "status": status}), flush=True)


def cmd_big_writer(args: dict[str, Any]) -> None:
    """Rewrite the file with a large session over and over, until killed."""
    from tui.session import Message

    manager = _manager(args["path"])
    session = manager.create_with("big", "crash", "")
    n = 0
    started = time.monotonic()
    while time.monotonic() - started < WALL_LIMIT:
        n += 1
        content = f"{n % 10}" * args["size"]
        manager.update(session.id, lambda s: setattr(s, "messages", [Message(role="assistant", content=content)]))


# -- atomicity workers ---------------------------------------------------------------


def cmd_hold_lock(args: dict[str, Any]) -> None:
    """Hold ``flock(LOCK_EX)`` on a lock file until stdin closes."""
    fd = os.open(args["lock"], os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.read()
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def cmd_rewriter(args: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a big file ``count`` times (sizes vary), then add the ``marker`` session."""
    from tui.session import Message, Session

    manager = _manager(args["path"])
    store = manager.store
    deadline = time.monotonic() + 60
    while not os.path.exists(args["ready"]):
        if time.monotonic() > deadline:
            raise SystemExit("the viewer never got ready")
        time.sleep(0.005)
    ids = sorted(s.id for s in store.summaries())
    rng = random.Random(args["seed"])
    for i in range(args["count"]):
        size = rng.choice([10, 50_000, 400_000])
        sid = rng.choice(ids)
        manager.update(sid, lambda s: setattr(s, "messages", [Message(role="assistant", content=f"{i}:" + "y" * size)]))
    store.set(args["marker"], Session(id=args["marker"], chat_id="marker", status="completed"))
    return {"rewrites": args["count"]}


def cmd_viewer(args: dict[str, Any]) -> dict[str, Any]:
    """Read the file in a loop (as a watcher does) until the ``marker`` session shows up.

    Every reading must parse, with the library and with plain ``json``, and
    each ``Snapshot.changes`` must match what plain ``json`` says changed.
    """
    from tui.session import SessionStoreJSON, StoreError, read_snapshot

    path = Path(args["path"])
    store = SessionStoreJSON(path)
    previous = read_snapshot(path)
    previous_items = json.loads(path.read_bytes())["items"]
    Path(args["ready"]).touch()
    errors: list[str] = []
    change_mismatches: list[str] = []
    versions: set[str] = set()
    reads = 0
    started = time.monotonic()
    while time.monotonic() - started < WALL_LIMIT:
        reads += 1
        try:
            snap = read_snapshot(path, previous)
            json.loads(path.read_bytes())["items"]  # an independent reading
            store.snapshot()  # and a long-lived store's re-read
        except (StoreError, ValueError, KeyError, TypeError) as exc:
            errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")
            continue
        versions.add(hashlib.sha1(snap.data).hexdigest())
        items = json.loads(snap.data)["items"]
        expected = {
            "added": sorted(items.keys() - previous_items.keys()),
            "removed": sorted(previous_items.keys() - items.keys()),
            "changed": sorted(k for k in items.keys() & previous_items.keys() if items[k] != previous_items[k]),
        }
        got = {
            "added": sorted(snap.changes.added),
            "removed": sorted(snap.changes.removed),
            "changed": sorted(snap.changes.changed),
        }
        if got != expected and len(change_mismatches) < 5:
            change_mismatches.append(f"expected {expected}, got {got}")
        previous, previous_items = snap, items
        if args["marker"] in snap:
            break
    return {
        "reads": reads,
        "errors": errors[:10],
        "error_count": len(errors),
        "versions": len(versions),
        "change_mismatches": change_mismatches,
        "saw_marker": args["marker"] in previous,
    }


# -- permission workers --------------------------------------------------------------


def cmd_try(args: dict[str, Any]) -> dict[str, Any]:
    """Run library calls on ``path`` and report what each raised.

    With ``uid``/``gid`` the process first becomes that user (the library is
    imported before, so only the session file's permissions matter): root
    ignores file permissions, so that is how a test run as root checks them.
    """
    from datetime import timedelta

    from tui.session import Manager, Session, SessionStoreJSON, read_snapshot

    if args.get("uid") is not None:
        try:
            os.setgroups([])
            os.setgid(args["gid"])
            os.setuid(args["uid"])
        except PermissionError as exc:
            return {"skip": f"cannot become uid {args['uid']}: {exc}"}
    path = args["path"]
    outcomes: dict[str, Any] = {}

    def attempt(name: str, call: Any) -> Any:
        try:
            result = call()
        except Exception as exc:  # report it; the test judges
            outcomes[name] = {"type": type(exc).__name__, "mro": [c.__name__ for c in type(exc).__mro__],
                              "message": str(exc)}
            return None
        outcomes[name] = None
        return result

    attempt("read_snapshot", lambda: read_snapshot(path))
    store = attempt("store", lambda: SessionStoreJSON(path, lock_timeout=5))
    if args.get("writes") and store is not None:
        manager = Manager(store=store, background=False)
        attempt("set", lambda: store.set("new", Session(id="new")))
        attempt("force_save", store.force_save)
        attempt("delete", lambda: store.delete("a"))
        attempt("cleanup_old_sessions", lambda: store.cleanup_old_sessions(timedelta(0)))
        attempt("manager.create_with", lambda: manager.create_with("c", "a", "p"))
        attempt("manager.close", lambda: manager.close("a"))
    return outcomes


COMMANDS = {
    "writer": cmd_writer,
    "app": cmd_app,
    "appender": cmd_appender,
    "act": cmd_act,
    "crash-server": cmd_crash_server,
    "big-writer": cmd_big_writer,
    "hold-lock": cmd_hold_lock,
    "rewriter": cmd_rewriter,
    "viewer": cmd_viewer,
    "try": cmd_try,
}


def main() -> None:
    command, raw = sys.argv[1], sys.argv[2]
    report = COMMANDS[command](json.loads(raw))
    if report is not None:
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
