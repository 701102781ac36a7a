"""Fixtures shared by the library's tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from rawfiles import T0, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """A settable clock starting at ``T0``."""
    return FakeClock(T0)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where a test's session file lives (not created)."""
    return tmp_path / "bot_sessions.json"


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test started; any still running at the end are killed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
