"""The ``session-tui`` command line: the app, and commands for scripts and cron."""
