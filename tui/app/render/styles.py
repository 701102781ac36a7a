"""``Styles``: the resolved style of each named part a render function draws with.

A widget resolves its parts from the stylesheet (see
:class:`~tui.app.widgets.parts.PartStyles`) and hands them to the pure
render functions as this mapping, ``{"dim": Style(...), "badge--failed": ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style

Styles = Mapping[str, Style]
