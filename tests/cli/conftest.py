"""Fixtures for the command-line tests: a private HOME, a session file, an in-process runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from clifiles import Result, every_kind
from rawfiles import write_json

from tui.cli.main import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME (so the default path is never the real one) and working directory."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return home


@pytest.fixture
def sessions_file(tmp_path: Path) -> Path:
    """``sessions.json`` holding :func:`every_kind`."""
    return write_json(tmp_path / "sessions.json", every_kind())


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``session-tui ARGS...`` in this process, through the console entry point."""

    def run(*args: object) -> Result:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


