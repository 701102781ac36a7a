"""Run one benchmark function in a fresh process: ``python -m tui.bench.child MODULE FUNCTION JSON-KWARGS``.

The result is printed as one JSON line prefixed with :data:`MARKER` (anything
else the function prints is ignored).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from typing import Any

MARKER = "BENCH-RESULT "
_ALLOWED = {"app", "memory", "search", "sqlite_app"}


def run(module: str, function: str, timeout: float = 900, **kwargs: Any) -> Any:
    """Call ``tui.bench.<module>.<function>(**kwargs)`` in a child process and return its result."""
    completed = subprocess.run(
        [sys.executable, "-m", "tui.bench.child", module, function, json.dumps(kwargs)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise RuntimeError(
        f"{module}.{function} failed in the child (exit {completed.returncode}):\n{completed.stderr[-3000:]}"
    )


def main(argv: list[str]) -> None:
    module, function, kwargs = argv
    if module not in _ALLOWED:
        raise SystemExit(f"unknown module {module!r}")
    target = getattr(importlib.import_module(f"tui.bench.{module}"), function)
    result = target(**json.loads(kwargs))
    print(MARKER + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
