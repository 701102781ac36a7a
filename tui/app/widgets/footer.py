"""``FittingFooter``: the key footer, leaving out the least needed keys when they do not all fit.

Textual's footer lays its keys out in one row and lets the last ones run
under the command palette's key (at 80 columns: ``^p paletteo``). This one
hides whole keys instead, in a given order, so what is shown is whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def key_width(key: FooterKey) -> int:
    """Cells a compact footer key takes: ``key description`` and its right margin."""
    width = cell_len(key.key_display)
    if key.description:
        width += 1 + cell_len(key.description)
    return width + 1


class FittingFooter(Footer):
    """A compact footer that drops keys, ``drop_order`` first, then from the right."""

    def __init__(self, drop_order: Sequence[str]) -> None:
        super().__init__(compact=True)
        #: Actions whose keys go first when space runs out, least needed first.
        self.drop_order = tuple(drop_order)
        self._keys: list[FooterKey] = []

    def compose(self) -> ComposeResult:
        self._keys = []
        for widget in super().compose():  # lazily: Footer's compose may open containers
            if isinstance(widget, FooterKey):
                self._keys.append(widget)
            yield widget
        self._fit(self.size.width)

    def _on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        if width <= 0:
            return
        palette = [key for key in self._keys if key.has_class("-command-palette")]
        keys = [key for key in self._keys if key not in palette]
        # The palette's key is docked right, after a one-cell separator.
        room = width - sum(key_width(key) + 1 for key in palette)
        ranked = sorted(
            range(len(keys)),
            key=lambda i: (
                self.drop_order.index(keys[i].action) if keys[i].action in self.drop_order else len(self.drop_order),
                -i,
            ),
        )
        shown = set(range(len(keys)))
        for index in ranked:
            if sum(key_width(keys[i]) for i in shown) <= room:
                break
            shown.discard(index)
        for index, key in enumerate(keys):
            key.display = index in shown
