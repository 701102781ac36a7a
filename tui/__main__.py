"""``python -m tui``: the same as the ``session-tui`` command."""

from tui.cli.main import main

raise SystemExit(main())
