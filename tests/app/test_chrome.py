"""The app's chrome (issue 12): the footer fits, read-only hides the edits, help names ctrl+p, screenshots save."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets._footer import FooterKey

from apphelpers import Notifications, frozen_app, quiesce, ready, screen_text, settle, wait_until
from tui.app.screens.help import HelpScreen


def footer_line(pilot) -> str:  # type: ignore[no-untyped-def]
    return screen_text(pilot).splitlines()[-1]


@pytest.mark.parametrize("width", [60, 80, 100, 120, 200])
async def test_the_footer_shows_whole_keys_at_any_width(width: int, varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=(width, 30)) as pilot:
        await ready(pilot)
        line = footer_line(pilot)
        assert line.rstrip().endswith("▏^p palette"), line
        keys = [key for key in app.screen.query(FooterKey) if key.display]
        palette = next(key for key in keys if key.has_class("-command-palette"))
        for key in keys:
            if key is not palette:
                assert key.region.right <= palette.region.x, (key.description, line)
                assert f"{key.key_display} {key.description}" in line, line
        shown = {key.action for key in keys}
        assert {"quit", "mark", "filter"} <= shown, line  # the most needed keys stay
        if width >= 200:
            assert "toggle_follow" in shown  # everything fits at 200
        await quiesce(pilot)


async def test_read_only_does_not_offer_the_edits(varied_file: Path) -> None:
    data = varied_file.read_bytes()
    app = frozen_app(varied_file, read_only=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await ready(pilot)
        line = footer_line(pilot)
        for text in ("c Close", "d Delete", "x Cleanup"):
            assert text not in line, line
        assert "r Reload" in line and "q Quit" in line
        for key in ("c", "d", "x"):  # their keys do nothing
            await pilot.press(key)
            await settle(pilot)
            assert len(app.screen_stack) == 1
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        assert "Delete the marked" not in screen_text(pilot)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"Delete")
        await pilot.pause(0.5)
        assert "key: d" not in screen_text(pilot)
        await pilot.press("escape")
        await quiesce(pilot)
    assert varied_file.read_bytes() == data


async def test_help_names_the_command_palette(varied_file: Path) -> None:
    app = frozen_app(varied_file)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        help_lines = [line for line in screen_text(pilot).splitlines() if "^p" in line]
        assert help_lines and "Command palette" in help_lines[0], help_lines
        await pilot.press("escape")
        await quiesce(pilot)


async def test_the_palettes_screenshot_saves_in_the_current_folder_and_says_where(
    varied_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"  # no Downloads folder in it
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.chdir(work)
    notes = Notifications()
    app = frozen_app(varied_file)
    async with app.run_test(size=(120, 40), notifications=True, message_hook=notes.hook) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"Screenshot")
        await wait_until(pilot, lambda: "Save an SVG" in screen_text(pilot), what="Screenshot in the palette")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(notes.having("creenshot")), what="a screenshot notification")
        await quiesce(pilot)
    saved = list(work.glob("*.svg"))
    assert len(saved) == 1, (notes.texts, os.listdir(work))
    assert notes.having(f"Saved a screenshot to {saved[0]}"), notes.texts
    assert saved[0].read_text(encoding="utf-8").startswith("<svg")
    assert not (home / "Downloads").exists()
