"""``tui.text.printable``: control characters never reach the terminal."""

from __future__ import annotations

import pytest

from tui.text import printable


def test_plain_text_is_returned_as_is() -> None:
    text = "hello [bold]world[/bold] <b>中文</b> 🧪 \u00a0 & done\nnext line"
    assert printable(text) is text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("\x1b]0;pwned\x07", "␛]0;pwned␇"),
        ("a\x00b", "a␀b"),
        ("bell\x07", "bell␇"),
        ("back\x08space", "back␈space"),
        ("del\x7f", "del␡"),
        ("\x9b31m", "␛[31m"),  # C1 CSI
        ("\x9d0;title\x9c", "␛]0;title␛\\"),  # C1 OSC ... ST
        ("next\x85line", "next␛Eline"),
        ("\x80", "␛@"),
        ("\x9f", "␛_"),
        ("a\tb", "a    b"),
        ("over\rwrite", "over␍write"),
        ("windows\r\nline\r\n", "windows\nline\n"),
        ("keep\nnewlines\n", "keep\nnewlines\n"),
    ],
)
def test_controls_become_visible(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_no_control_character_survives() -> None:
    every = "".join(chr(c) for c in range(0x00, 0xA0))
    out = printable(every)
    assert not [c for c in out if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)]
    assert out.count("\n") == 1


def test_every_c0_control_has_its_own_picture() -> None:
    for code in range(0x20):
        if chr(code) in "\n\t":
            continue
        assert printable(chr(code)) == chr(0x2400 + code)


def test_text_beyond_controls_is_untouched() -> None:
    text = "\u00a0nbsp \u00e9 \u05d0 hebrew \u0627 arabic \u3000 ideographic space \uffff 🧪"
    assert printable(text) == text


def test_bidi_overrides_and_isolates_are_shown_by_name() -> None:
    # "Trojan Source": these reorder the displayed text, so they must not reach the terminal.
    shown = printable("a\u202eevil\u202c b\u2066x\u2069")
    assert shown == "a\u27e8RLO\u27e9evil\u27e8PDF\u27e9 b\u27e8LRI\u27e9x\u27e8PDI\u27e9"
    assert not any("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in shown)


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u200e", "LRM"), ("\u200f", "RLM"), ("\u061c", "ALM"),
        ("\u200b", "ZWSP"), ("\u200c", "ZWNJ"), ("\u200d", "ZWJ"), ("\u2060", "WJ"), ("\ufeff", "ZWNBSP"),
        ("\u2061", "FA"), ("\u2064", "IP"), ("\u206a", "ISS"), ("\u206f", "NODS"),
        ("\u2028", "LSEP"), ("\u2029", "PSEP"),
    ],
)
def test_invisible_marks_and_separators_are_shown_by_name(char: str, name: str) -> None:
    assert printable(f"a{char}b") == f"a\u27e8{name}\u27e9b"



def test_the_json_class_is_exactly_the_named_characters() -> None:
    """``INVISIBLE`` (what JSON output escapes) and the placeholders cover the same set."""
    import re

    from tui.text.safe import INVISIBLE

    pattern = re.compile(INVISIBLE)
    matched = [chr(c) for c in range(0x110000) if pattern.fullmatch(chr(c))]
    assert len(matched) == 29  # 9 bidi controls, 3 marks, 5 zero-width, 10 other format, 2 separators
    for char in matched:
        assert printable(char).startswith("\u27e8") and printable(char).endswith("\u27e9"), hex(ord(char))
