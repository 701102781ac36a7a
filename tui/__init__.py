"""session-tui: watch and clean up coding-agent sessions kept in a JSON file.

``tui.session`` is the session library (no UI); ``tui.app`` the Textual app;
``tui.cli`` the command line.
"""

__version__ = "0.1.0"
