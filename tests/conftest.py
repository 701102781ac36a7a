"""Shared test fixtures: the Go oracle files in ../shared, and raw session files."""

from __future__ import annotations

from pathlib import Path

import pytest

#: ``../shared`` beside the clone (CI has it; a bare clone may not).
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
GO_FIXTURES = SHARED / "fixtures" / "go"


@pytest.fixture
def go_small() -> Path:
    """``small.json``, written by the Go implementation itself."""
    path = GO_FIXTURES / "small.json"
    if not path.exists():
        pytest.skip(f"Go fixtures not found at {GO_FIXTURES} (../shared is not beside the clone)")
    return path


@pytest.fixture
def go_small_dump(go_small: Path) -> Path:
    """``small.dump.json``: what Go reads back from ``small.json``."""
    return go_small.with_name("small.dump.json")
