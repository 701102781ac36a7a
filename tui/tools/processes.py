"""Child processes the tests and the benchmark start: a line of their output, and their end, never hanging.

A line is read from the pipe's file descriptor itself, never through
``proc.stdout``'s buffer, so :func:`select.select` sees every byte not read
yet and a line that arrived with the one before it is not stranded in the
buffer; :func:`finish` then reads the rest through ``communicate``.
"""

from __future__ import annotations

import os
import select
import subprocess
import time


def read_line(proc: subprocess.Popen[str], timeout: float = 60.0, what: str = "the worker") -> str:
    """One line of ``proc``'s stdout (without its newline), waiting at most ``timeout`` seconds.

    Raises ``AssertionError`` naming ``what`` if none comes in time or the
    process closes its output first.
    """
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise AssertionError(f"no line from {what} within {timeout}s (so far: {b''.join(chunks)!r})")
        byte = os.read(fd, 1)
        if not byte:
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"{what} closed its output (exit status {proc.wait()}); stderr:\n{err}")
        if byte == b"\n":
            return b"".join(chunks).decode()
        chunks.append(byte)


def finish(proc: subprocess.Popen[str], timeout: float = 120.0, what: str = "the worker") -> str:
    """Wait for ``proc`` to exit and return the rest of its stdout.

    Raises ``AssertionError`` with its stderr if it does not exit within
    ``timeout`` seconds (it is killed) or exits with a non-zero status.
    """
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"{what} did not finish within {timeout}s; stderr:\n{err}") from None
    if proc.returncode != 0:
        raise AssertionError(f"{what} failed with status {proc.returncode}; stderr:\n{err}")
    return out
