"""Rich styles of a widget's component classes, looked up once per style change."""

from __future__ import annotations

from collections.abc import Mapping

from rich.color import Color as RichColor
from rich.color import ColorTriplet
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual import events
from textual.widget import Widget

from ..contrast import MINIMUM_CONTRAST, contrast, readable
from ..render.badges import BADGE_STYLES

#: Component classes of the status badges, shared by every widget that draws them.
BADGE_CLASSES = {f"badge--{name}": f"badge--{name}" for name in BADGE_STYLES}


class PartStyles:
    """A cache of ``{name: Style}`` for a widget's component classes, readable as drawn.

    Each style is resolved as Textual resolves a widget's own: translucent
    colours blended onto what is beneath them (``$foreground 20%`` is a grey,
    not solid white), ``auto`` text against its real background. Its text
    colour is then made readable on that background (:func:`readable`). A
    *context* is a component class that gives rows a background of their
    own (the cursor): ``get("cursor")`` resolves every part on it.

    Call :meth:`clear` from the widget's ``notify_style_update``.
    """

    def __init__(self, widget: Widget, classes: Mapping[str, str], contexts: Mapping[str, str] | None = None) -> None:
        self._widget = widget
        self._classes = dict(classes)
        self._contexts = dict(contexts or {})
        self._styles: dict[str | None, dict[str, Style]] = {}

    def get(self, context: str | None = None) -> dict[str, Style]:
        """The styles (on ``context``'s background), computed on first use after a change."""
        styles = self._styles.get(context)
        if styles is None:
            base = () if context is None else (self._contexts[context],)
            styles = {name: self._resolve(*base, cls) for name, cls in self._classes.items()}
            styles[""] = self._resolve(*base)  # the context itself: the row's fill
            self._styles[context] = styles
        return styles

    def fill(self, context: str | None = None) -> Style:
        """The background and text style of ``context`` (for the cells no part covers)."""
        return self.get(context)[""]

    def clear(self) -> None:
        """Forget the styles (the theme or CSS changed)."""
        self._styles = {}

    def _resolve(self, *classes: str) -> Style:
        widget = self._widget
        visual = widget.get_visual_style(*classes)
        style = visual.rich_style
        if visual.foreground is None or visual.foreground.a == 0:  # no colour rule: the widget's own text colour
            style += Style(color=widget.rich_style.color)
        if classes:  # the visual style keeps only some text styles (not reverse): all of the classes'
            style += Style.combine(widget.get_component_rich_style(c, partial=True) for c in classes).without_color
        color, bgcolor = style.color, style.bgcolor
        if color is None or bgcolor is None:
            return style
        return style + Style(color=readable_color(color, bgcolor, self._widget.app.ansi_theme))


#: ANSI text colours to choose from when a theme's ANSI colour is unreadable.
_ANSI_TEXT = tuple(RichColor.parse(name) for name in ("default", "black", "white", "bright_white"))


def readable_color(color: RichColor, bgcolor: RichColor, ansi_theme: TerminalTheme) -> RichColor:
    """``color``, or the nearest colour readable on ``bgcolor``.

    ANSI colours (the terminal's own palette) are judged by ``ansi_theme``,
    the palette Textual assumes, and replaced by the most readable of the
    plain ANSI text colours when they are not readable.
    """
    fg = tuple(color.get_truecolor(ansi_theme, foreground=True))
    bg = tuple(bgcolor.get_truecolor(ansi_theme, foreground=False))
    if contrast(fg, bg) >= MINIMUM_CONTRAST:  # type: ignore[arg-type]
        return color
    if color.triplet is None or bgcolor.triplet is None:
        return max(_ANSI_TEXT, key=lambda c: contrast(tuple(c.get_truecolor(ansi_theme)), bg))  # type: ignore[arg-type]
    return RichColor.from_triplet(ColorTriplet(*readable(fg, bg)))  # type: ignore[arg-type]


class ForwardKeysAfterFocusMoves:
    """Keep fast typing in order when a key moves focus (``/`` opens the filter box).

    Keys are queued on the focused widget as they arrive, and an app binding
    runs only when its key has bubbled up to the app: by then the keys typed
    right after it have been handled here, as this pane's keys. So the app's
    ``immediate_actions`` (key -> method) run here, at once, and printable keys
    that were queued before focus moved are sent on to where focus is now.
    """

    # A plain mixin, not a Widget subclass: as a base before the widget's own
    # class it would change which DEFAULT_CSS wins (overflow, for one).

    async def _on_key(self: Widget, event: events.Key) -> None:  # type: ignore[misc]
        focused = self.screen.focused if self.is_attached else None
        if focused is not None and focused is not self and event.is_printable:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        immediate = getattr(self.app, "immediate_actions", {}).get(event.key)
        if immediate is not None:
            event.stop()
            event.prevent_default()
            immediate()
            return
        await super()._on_key(event)  # type: ignore[misc]
