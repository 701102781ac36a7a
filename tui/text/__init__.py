"""Text helpers shared by the app and the command line (no UI imports)."""

from __future__ import annotations

from .human import ago, plural, since
from .safe import NEWLINE_PICTURE, RETURN_MARK, one_line, printable

__all__ = ["NEWLINE_PICTURE", "RETURN_MARK", "ago", "one_line", "plural", "printable", "since"]
