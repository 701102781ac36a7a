"""Every text the app draws is readable in every built-in theme (WCAG contrast ≥ 4.5:1).

The app runs for real under Pilot in each theme, on the varied fixture, with
a cursor, a mark, a changed (flashing) session and a chat row on screen; the
contrast is computed from the colours of the segments the screen's
compositor sends to the terminal (what a user sees), per kind of row, with
the WCAG 2 relative luminance formula written out here (not the app's own).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.terminal_theme import TerminalTheme
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot

import tui.app.widgets.session_tree as session_tree
from tui.app.app import SessionApp
from tui.app.state.tree_model import ChatRow, SessionRow
from tui.app.widgets.strip_view import StripView
from tui.demo.fixtures import session_id

from apphelpers import external_write, frozen_app, quiesce, ready, settle

#: WCAG AA for normal text.
MINIMUM = 4.5
THEMES = sorted(App().available_themes)

RGB = tuple[int, int, int]


def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class Resolver:
    """Turns a segment's colours into the RGB a terminal shows.

    Truecolor themes reach the terminal as RGB (Textual converts ANSI colours
    with its ``ansi_theme``); ANSI themes leave colours to the terminal, and
    are judged by the same palette Textual assumes for them.
    """

    def __init__(self, app: App) -> None:
        self.palette: TerminalTheme = app.ansi_theme
        if app.current_theme.foreground.startswith("ansi") if app.current_theme.foreground else False:
            self.background: RGB = tuple(self.palette.background_color)  # type: ignore[assignment]
            self.foreground: RGB = tuple(self.palette.foreground_color)  # type: ignore[assignment]
        else:
            variables = app.theme_variables
            self.background = _hex(variables["background"])
            self.foreground = _hex(variables["foreground"])

    def rgb(self, color: RichColor | None, default: RGB) -> RGB:
        if color is None or color.is_default:
            return default
        if color.triplet is not None:
            return tuple(color.triplet)  # type: ignore[return-value]
        return tuple(color.get_truecolor(self.palette))  # type: ignore[return-value]

    def cell(self, segment: Segment) -> tuple[RGB, RGB]:
        """(text colour, background colour) of a segment as shown."""
        style = segment.style
        fg = self.rgb(style.color if style else None, self.foreground)
        bg = self.rgb(style.bgcolor if style else None, self.background)
        if style is not None and style.reverse:
            fg, bg = bg, fg
        if style is not None and style.dim:  # terminals draw dim text halfway to the background
            fg = tuple((f + b) // 2 for f, b in zip(fg, bg))  # type: ignore[assignment]
        return fg, bg


def _hex(value: str) -> RGB:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def region_lines(pilot: Pilot, region: Region) -> list[list[Segment]]:
    """The segments on screen inside ``region``, one list per terminal row."""
    strips = pilot.app.screen._compositor.render_strips()
    return [list(strips[y].crop(region.x, region.right)) for y in range(region.y, region.bottom)]


class Worst:
    """The lowest contrast seen per kind of text, with what it was."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.ratios: dict[str, tuple[float, str]] = {}

    def add(self, kind: str, segments: Iterable[Segment]) -> None:
        for segment in segments:
            if not segment.text.strip() or segment.control:
                continue
            fg, bg = self.resolver.cell(segment)
            ratio = contrast(fg, bg)
            if kind not in self.ratios or ratio < self.ratios[kind][0]:
                what = f"{segment.text.strip()[:16]!r} #{bytes(fg).hex()} on #{bytes(bg).hex()}"
                self.ratios[kind] = (ratio, what)

    def below(self, minimum: float) -> dict[str, str]:
        return {kind: f"{r:.2f} {what}" for kind, (r, what) in self.ratios.items() if r < minimum}


def tree_kinds(app: SessionApp, flashing: set[str]) -> dict[int, str]:
    """The kind of each tree row on screen, by screen line."""
    tree = app.tree
    kinds = {}
    top = tree.scroll_offset.y
    for line in range(tree.scrollable_content_region.height):
        row = tree.model.row_at(top + line)
        if row is None:
            continue
        if row == tree.cursor:
            kind = "cursor" if tree.has_focus else "cursor-blurred"
        elif isinstance(row, ChatRow):
            kind = "chat"
        elif isinstance(row, SessionRow) and row.session_id in flashing:
            kind = "flash"
        elif isinstance(row, SessionRow) and row.session_id in tree.model.marked:
            kind = "marked"
        else:
            kind = "normal"
        kinds[line] = kind
    return kinds


def measure_tree(pilot: Pilot, worst: Worst, flashing: set[str]) -> None:
    app = pilot.app
    assert isinstance(app, SessionApp)
    region = app.tree.scrollable_content_region
    lines = region_lines(pilot, region)
    for line, kind in tree_kinds(app, flashing).items():
        worst.add(kind, lines[line])


async def measure_pane(pilot: Pilot, view: StripView, worst: Worst, kind: str) -> None:
    """Every line of a pane's content, a page at a time."""
    view.scroll_home(animate=False, immediate=True)
    while True:
        await pilot.pause()
        for line in region_lines(pilot, view.scrollable_content_region):
            worst.add(kind, line)
        if view.is_vertical_scroll_end or view.max_scroll_y == 0:
            break
        view.scroll_to(y=view.scroll_offset.y + view.scrollable_content_region.height, animate=False, immediate=True)


async def measure_theme(theme: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> Worst:
    """Run the app, switch it to ``theme`` and measure every kind of text."""
    monkeypatch.setattr(session_tree, "FLASH_SECONDS", 600.0)  # the flash outlasts the test
    app = frozen_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.theme = theme  # as the palette's "Change theme" does
        await settle(pilot)
        worst = Worst(Resolver(app))
        changed = session_id(10)
        external_write(path, "status", changed, "failed")  # a change: its row flashes
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("down", "down", "space", "down")  # a mark, the cursor below it
        await settle(pilot)
        tree = app.tree
        assert tree.model.marked and isinstance(tree.cursor, SessionRow)
        measure_tree(pilot, worst, {changed})
        assert {"cursor", "chat", "marked", "flash", "normal"} <= set(worst.ratios), worst.ratios
        worst.add("status bar", region_lines(pilot, app.query_one("#status").content_region)[0])
        await pilot.press("tab")  # focus leaves the tree: the blurred cursor
        await settle(pilot)
        assert not tree.has_focus
        measure_tree(pilot, worst, {changed})
        assert "cursor-blurred" in worst.ratios
        tree.focus()
        for keys in (("home",), ("down",)):  # a chat, then a failed session (its error)
            await pilot.press(*keys)
            await settle(pilot)
            await measure_pane(pilot, app.detail, worst, "detail")
            await measure_pane(pilot, app.messages_view, worst, "messages")
        await quiesce(pilot)
    return worst


@pytest.mark.parametrize("theme", THEMES)
async def test_every_text_is_readable(theme: str, varied_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    worst = await measure_theme(theme, varied_file, monkeypatch)
    assert not worst.below(MINIMUM), worst.below(MINIMUM)


def test_contrast_formula() -> None:
    """The formula gives WCAG's known values."""
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert contrast((0x77, 0x77, 0x77), (0x77, 0x77, 0x77)) == pytest.approx(1.0)


def test_readable_changes_only_what_is_unreadable_and_only_as_much_as_needed() -> None:
    from tui.app.contrast import readable

    light_grey, dark_grey = (0xE0, 0xE0, 0xE0), (0x1E, 0x1E, 0x1E)
    assert readable(light_grey, dark_grey) == light_grey
    orange, light = (0xFE, 0xA6, 0x2B), (0xD8, 0xD8, 0xD8)
    fixed = readable(orange, light)
    assert MINIMUM <= contrast(fixed, light) < MINIMUM + 0.1  # just enough
    assert fixed[0] > fixed[1] > fixed[2]  # still an orange, darker
    for level in range(0, 256, 5):  # even text the colour of its background
        grey = (level, level, level)
        assert contrast(readable(grey, grey), grey) >= MINIMUM
