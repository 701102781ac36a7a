"""Advice the app and the command line give in the same words."""

from __future__ import annotations

#: How to make an edit stick next to a writer that takes no lock (the Go bot's JSON store).
HOW_TO_MAKE_IT_STICK = "stop the bot first, or use the SQLite store of current tingly-box"
