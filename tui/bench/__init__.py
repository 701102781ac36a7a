"""The benchmark of SPEC §4: ``python -m tui.bench`` (``--quick`` for CI, ``--json`` for machines).

Every time is reported as a ratio to a baseline measured in the same run,
interleaved with it (the bare ``orjson.loads`` of the same bytes, or that plus
a durable rewrite), because absolute times on a shared machine mean little.
Nothing here asserts anything about time: the report says which targets are
met. Families of measurements live in their own modules:

- :mod:`.library` — open, list, close, append (in this process);
- :mod:`.app` — first screen, external write → visible, keystroke latency
  (the real app under Textual's Pilot, in a child process, with another
  process writing the file through the library: :mod:`.writer`);
- :mod:`.memory` — peak memory per file size (a fresh child per operation);
- :mod:`.report` — the Markdown table, the machine line and the JSON.
"""
