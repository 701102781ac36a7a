"""The ``/`` filter's search in message texts, keystroke by keystroke (SPEC §8), headless under Pilot.

The app opens the file (watched, nobody writes it), ``/`` opens the filter
box, then each of :data:`WORDS` is typed a character at a time. A
keystroke's latency runs from sending its key to the first frame drawn
after the search for the new text finished (the tree then shows the
sessions whose request, response, error or messages hold it). The next key
is sent a typist's pause (:data:`TYPE_GAP`) after that frame, so that every
keystroke's search runs to its end (a faster typist cancels searches and
waits less). Between words the filter is cleared and ``/`` pressed again.
The words: found in most sessions' messages, in none, and through JSON
escapes (Go writes ``<Component> &`` as ``\\u003cComponent\\u003e \\u0026``); then,
reported apart, a word with no ASCII (:data:`OTHER_WORDS`).

Runs in a child process (see :mod:`tui.bench.child`).
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path
from typing import Any

from textual import events
from textual.keys import _character_to_key

from tui.app.app import SessionApp

from .app import SIZE, Frames, _first_rows, _idle, _wait, clock
from .timing import median, percentile

#: Typed one character at a time, in this order: the target's keystrokes.
WORDS = ("lock taken twice", "no such words here", "<Component> & docs")
#: Typed after them, reported apart: a needle with no ASCII to look for in the bytes
#: (every session is decoded; see tui.session.text_search).
OTHER_WORDS = ("Готово",)
#: Pause after a keystroke's result is drawn, before the next key: a quick typist.
TYPE_GAP = (0.08, 0.2)


def _send(app: SessionApp, key: str, character: str | None) -> None:
    event = events.Key(key, character)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def _typing(path: Path, size: tuple[int, int]) -> dict[str, Any]:
    app = SessionApp(path, watch=True)
    frames = Frames(app)
    ready = frames.when(*_first_rows(app))
    latencies: list[float] = []
    per_word: dict[str, list[float]] = {}
    found: dict[str, int] = {}
    rng = random.Random(6)
    async with app.run_test(size=size):
        await _wait(ready, "the first rows")
        await _idle(app, 0.3)
        for word in (*WORDS, *OTHER_WORDS):
            _send(app, "slash", "/")
            await _idle(app, 0.5)  # a person's pause before typing
            typed = ""
            times = per_word[word] = []
            for character in word:
                before = typed.strip()
                typed += character
                text = typed.strip()
                if text == before:  # a space: the filter's text is the same (no new search)
                    _send(app, _character_to_key(character), character)
                    await _idle(app, 0.05)
                    continue

                def searched(text: str = text) -> bool:
                    return app.tree.model.filter.text == text and app._found_complete

                shown = frames.when(searched)
                start = clock()
                _send(app, _character_to_key(character), character)
                at = await _wait(shown, f"the search for {text!r}")
                times.append(at - start)
                await asyncio.sleep(rng.uniform(*TYPE_GAP))
            if word in WORDS:
                latencies.extend(times)
            found[word] = len(app.tree.model.filter.found)
            _send(app, "escape", None)
            await _idle(app, 0.2)
        await _idle(app, 0.05)
    return {
        # The machine's load while typing (1, 5, 15 min): the search shares the cores with it.
        "load_average": list(os.getloadavg()),
        "samples": len(latencies),
        "p50": median(latencies),
        "p95": percentile(latencies, 95),
        "max": max(latencies, default=float("nan")),
        "found": found,
        "per_word_max": {word: max(times) for word, times in per_word.items()},
        "other_max": max((max(per_word[word]) for word in OTHER_WORDS), default=float("nan")),
        "latencies": latencies,
    }


def typing(path: str, width: int = SIZE[0], height: int = SIZE[1]) -> dict[str, Any]:
    """Keystroke in the ``/`` filter → the search's result drawn, for each character of :data:`WORDS`."""
    return asyncio.run(_typing(Path(path), (width, height)))
