"""Rich styles of a widget's component classes, looked up once per style change."""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from textual import events
from textual.widget import Widget

from ..render.badges import BADGE_STYLES

#: Component classes of the status badges, shared by every widget that draws them.
BADGE_CLASSES = {f"badge--{name}": f"badge--{name}" for name in BADGE_STYLES}


class PartStyles:
    """A cache of ``{name: Style}`` for a widget's component classes.

    Call :meth:`clear` from the widget's ``notify_style_update``.
    """

    def __init__(self, widget: Widget, classes: Mapping[str, str]) -> None:
        self._widget = widget
        self._classes = dict(classes)
        self._styles: dict[str, Style] | None = None

    def get(self) -> dict[str, Style]:
        """The styles, computed on first use after a change."""
        if self._styles is None:
            lookup = self._widget.get_component_rich_style
            self._styles = {name: lookup(cls, partial=True) for name, cls in self._classes.items()}
        return self._styles

    def clear(self) -> None:
        """Forget the styles (the theme or CSS changed)."""
        self._styles = None


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
