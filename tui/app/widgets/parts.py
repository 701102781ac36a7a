"""Rich styles of a widget's component classes, looked up once per style change."""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
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
