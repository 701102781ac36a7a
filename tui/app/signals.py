"""Ending the app on SIGTERM, SIGHUP and SIGINT (SPEC §9).

Closing the terminal (SIGHUP), ``kill`` or ``tmux kill-session`` (SIGTERM)
and ``kill -INT`` end the app the way ``q`` does: Textual restores the
terminal (main screen, cursor, mouse reporting off) and the caller's cleanup
runs (the demo removes its folder and stops its agents). Should that not be
done within :data:`GRACE_SECONDS` (a terminal that is gone can block the
writes that restore it), or should a second signal come, the terminal is
restored here and the process ends at once, after the same cleanup.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import termios
import threading
from collections.abc import Callable
from typing import Any

#: The signals that end the app.
EXIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
#: How long an orderly exit may take before the process is ended anyway.
GRACE_SECONDS = 0.6
#: What Textual writes when it leaves application mode: bracketed paste off,
#: line wrap on, mouse reporting off, kitty keyboard protocol off, main
#: screen, cursor shown, focus reporting off.
RESTORE_TERMINAL = (
    "\x1b[?2004l\x1b[?7h"
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"
    "\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l"
)


class ExitOnSignals:
    """Install with :meth:`install` from the app's event loop (its ``on_mount``).

    ``cleanup`` is what must happen however the process ends (it runs at
    most once, from :meth:`cleanup_once`); ``received`` is the first
    signal's number, for the exit status (128 + it).
    """

    def __init__(self, cleanup: Callable[[], None] | None = None, *, grace: float = GRACE_SECONDS) -> None:
        self.received: int | None = None
        self._cleanup = cleanup
        self._cleaned = threading.Lock()
        self._done_cleaning = False
        self._grace = grace
        self._app: Any = None
        self._watchdog: threading.Timer | None = None

    def install(self, app: Any) -> None:
        """Handle the exit signals in the running loop: each asks ``app`` to exit."""
        self._app = app
        loop = asyncio.get_running_loop()
        for number in EXIT_SIGNALS:
            loop.add_signal_handler(number, self._signalled, number)

    def cleanup_once(self) -> None:
        """Run the cleanup, unless it ran already; then stop the watchdog.

        A call while another thread cleans up waits for it to finish: the
        watchdog must not end the process halfway through.
        """
        with self._cleaned:
            if not self._done_cleaning:
                self._done_cleaning = True
                if self._cleanup is not None:
                    self._cleanup()
            if self._watchdog is not None and threading.current_thread() is not self._watchdog:
                self._watchdog.cancel()

    def end_if_signalled(self) -> None:
        """After a signal, clean up and end the process now, skipping the
        interpreter's teardown (freeing every object of a large reading one
        by one can take longer than the second a signal allows)."""
        if self.received is None:
            return
        self.cleanup_once()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        os._exit(self.exit_status or 1)

    @property
    def exit_status(self) -> int | None:
        """128 + the signal that ended the app, or ``None`` if none did."""
        return None if self.received is None else 128 + self.received

    def _signalled(self, number: int) -> None:
        if self.received is not None:
            self._force()  # a second signal: no more waiting
            return
        self.received = number
        self._watchdog = threading.Timer(self._grace, self._force)
        self._watchdog.daemon = True
        self._watchdog.start()
        self._app.exit(return_code=128 + number)

    def _force(self) -> None:
        """Restore the terminal, clean up and end the process now."""
        _restore_terminal(self._app)
        try:
            self.cleanup_once()
        finally:
            os._exit(self.exit_status or 1)


def _restore_terminal(app: Any) -> None:
    driver = getattr(app, "_driver", None)
    attrs = getattr(driver, "attrs_before", None)
    try:
        stdin = sys.__stdin__.fileno() if sys.__stdin__ is not None else 0
        if attrs is not None:
            termios.tcsetattr(stdin, termios.TCSANOW, attrs)
    except (OSError, ValueError, termios.error):
        pass
    # Textual draws on stderr.
    try:
        os.write(sys.__stderr__.fileno() if sys.__stderr__ is not None else 2, RESTORE_TERMINAL.encode())
    except (OSError, ValueError):
        pass  # the terminal is gone: nothing to restore
