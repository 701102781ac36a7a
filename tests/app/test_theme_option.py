"""``--theme NAME``: the app starts in that theme; an unknown name is one line and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.app import App

import tui.app.run as run
import tui.cli.main as cli_main
from apphelpers import frozen_app, quiesce, ready
from tui.cli.main import main


def test_an_unknown_theme_is_one_line_naming_the_valid_ones(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui", str(tmp_path / "x.json"), "--theme", "no-such-theme"],
        cwd=tmp_path, env=dict(os.environ, PYTHONIOENCODING="utf-8"),
        capture_output=True, text=True, encoding="utf-8", timeout=60, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "'no-such-theme'" in lines[0]
    for name in App().available_themes:
        assert name in lines[0]


def test_the_theme_reaches_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_run_app(path: Path, **options: object) -> int:
        seen.update(options, path=path)
        return 0

    monkeypatch.setattr(run, "run_app", fake_run_app)
    monkeypatch.setattr(cli_main, "_no_terminal", lambda: None)  # pytest's streams are not a terminal
    assert main([str(tmp_path / "x.json"), "--theme", "catppuccin-latte"]) == 0
    assert seen["theme"] == "catppuccin-latte"
    assert main([str(tmp_path / "x.json")]) == 0
    assert seen["theme"] is None


def test_theme_names_are_the_apps() -> None:
    assert run.theme_names() == sorted(App().available_themes)


async def test_the_app_starts_in_the_theme(varied_file: Path) -> None:
    app = frozen_app(varied_file, theme="textual-light")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert app.theme == "textual-light" and not app.current_theme.dark
        # The tree is drawn on the light theme's surface, not the default dark one.
        assert app.tree.rich_style.bgcolor.triplet == (0xD8, 0xD8, 0xD8)
        await quiesce(pilot)
