"""Text helpers shared by the app and the command line (no UI imports)."""

from __future__ import annotations

from .safe import printable

__all__ = ["printable"]
