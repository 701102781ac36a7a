"""Make untrusted text safe to put on a terminal.

Session text comes from chat users. Control characters in it must never
reach the terminal as bytes: ``ESC ]0;...`` retitles the window, CSI
sequences move the cursor or recolour the screen, ``\\r`` and ``\\b``
overwrite what was printed. Invisible and bidirectional formatting
characters are as bad in a quieter way: they reorder what is shown
("Trojan Source") or hide text in plain sight. :func:`printable` replaces
every one of them by a visible stand-in, so the text shows what it contains
and does nothing; :data:`INVISIBLE` is the same set, for output that escapes
them instead (JSON). :func:`one_line` also marks each line break, for text
shown on one line.
"""

from __future__ import annotations

import re

#: What stands for a line break in text the app shows on one line (a row, a header).
RETURN_MARK = "\u23ce"  # ⏎
#: What stands for it in what the commands print and export: the control
#: picture of a newline, beside the ``␛`` and ``␍`` :func:`printable` shows.
NEWLINE_PICTURE = "\u2424"  # ␤

#: Tabs become this many spaces (a tab's width depends on the column it lands in).
TAB = "    "

# Bidirectional embeddings, overrides, isolates and marks reorder what the
# terminal shows ("Trojan Source"); zero-width and other invisible format
# characters hide text; the Unicode line and paragraph separators break a
# line where none is seen (or not, depending on the terminal). Each is shown
# by its name instead.
_NAMED = {
    0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
    0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI",
    0x200E: "LRM", 0x200F: "RLM", 0x061C: "ALM",
    0x200B: "ZWSP", 0x200C: "ZWNJ", 0x200D: "ZWJ", 0x2060: "WJ", 0xFEFF: "ZWNBSP",
    0x2061: "FA", 0x2062: "IT", 0x2063: "IS", 0x2064: "IP",
    0x206A: "ISS", 0x206B: "ASS", 0x206C: "IAFS", 0x206D: "AAFS", 0x206E: "NADS", 0x206F: "NODS",
    0x2028: "LSEP", 0x2029: "PSEP",
}

#: A regular-expression character class of every invisible or bidirectional
#: formatting character :func:`printable` names (see ``_NAMED``).
INVISIBLE = "[\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"

# Every C0 control but newline, DEL, every C1 control, and the named characters.
_CONTROLS = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f]|{INVISIBLE}")


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)  # ␀ ␁ ... ␛ ... ␟
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        # A C1 control is the 8-bit form of ESC followed by code - 0x40
        # (0x9B CSI is ESC [, 0x9D OSC is ESC ]), so show it that way.
        table[code] = "\u241b" + chr(code - 0x40)
    for code, name in _NAMED.items():
        table[code] = f"\u27e8{name}\u27e9"  # ⟨RLO⟩
    table[ord("\t")] = TAB
    del table[ord("\n")]
    return table


_TABLE = _build_table()


def printable(text: str) -> str:
    """``text`` with every control character replaced by a visible stand-in.

    - C0 controls (U+0000 to U+001F) become their Unicode control pictures
      (U+2400 block): ESC → ``␛``, NUL → ``␀``, BEL → ``␇``, CR → ``␍``;
      DEL (U+007F) becomes ``␡``.
    - C1 controls (U+0080 to U+009F) become ``␛`` followed by their 7-bit
      equivalent: CSI U+009B → ``␛[``, OSC U+009D → ``␛]``, NEL U+0085 → ``␛E``.
    - Bidirectional embeddings, overrides and isolates (U+202A to U+202E,
      U+2066 to U+2069) and marks (LRM U+200E, RLM U+200F, ALM U+061C),
      which reorder what a terminal shows, become their names: RLO →
      ``⟨RLO⟩``, RLM → ``⟨RLM⟩``.
    - Invisible characters become their names too: the zero-width space,
      non-joiner and joiner (U+200B to U+200D: ``⟨ZWSP⟩``, ``⟨ZWNJ⟩``,
      ``⟨ZWJ⟩``), the word joiner U+2060 ``⟨WJ⟩``, U+FEFF ``⟨ZWNBSP⟩``, the
      invisible operators U+2061 to U+2064 and the deprecated format
      characters U+206A to U+206F; and so do the line and paragraph
      separators U+2028 ``⟨LSEP⟩`` and U+2029 ``⟨PSEP⟩``.
    - A tab becomes four spaces; a newline is kept, and so is the newline of a
      Windows ``\\r\\n`` line ending (its ``\\r`` is dropped). A lone ``\\r``
      shows as ``␍``.

    Everything else, markup-like text such as ``[bold]`` or ``<b>``
    included, is returned unchanged: keeping it inert is the job of whoever
    renders it (``rich.text.Text``, never a markup string).
    """
    if _CONTROLS.search(text) is None:
        return text
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return text.translate(_TABLE)


def one_line(text: str, mark: str = RETURN_MARK) -> str:
    """``text`` made :func:`printable` and kept on one line: each line break becomes ``mark``."""
    return printable(text).replace("\n", mark)
