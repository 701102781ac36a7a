"""Fixtures for the app's tests (helpers live in apphelpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.demo.fixtures import varied_document, write


@pytest.fixture
def varied_file(tmp_path: Path) -> Path:
    """The varied fixture (every status, stale, unknown, hostile) in a fresh folder."""
    return write(tmp_path / "bot_sessions.json", varied_document())
