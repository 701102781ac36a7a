"""JSON bytes in and out: orjson for speed, the standard library for exactness.

orjson reads integers beyond 64 bits as floats and refuses to write them, so
whenever a value may hold such an integer the standard ``json`` module does
the work instead; values stay exact either way.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# Integers orjson may not keep exact have 20 or more digits, or 19 after a "-"
# (orjson holds -2**63 .. 2**64-1 exactly). They are found by mapping every
# digit to "0" and searching for 19 zeros: two passes at memcpy speed, where a
# regular expression for a run of digits is tried at every byte (a hundred
# times slower on a session full of timestamps).
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_RUN = b"0" * 19


def may_lose_digits(data: bytes | memoryview) -> bool:
    """Whether ``data`` may hold an integer orjson reads inexactly: 20 or more digits, or 19 after a ``-``.

    Runs inside strings count too (a false alarm only costs an exact parse).
    """
    masked = bytes(data).translate(_DIGITS_AS_ZERO)
    at = masked.find(_RUN)
    while at >= 0:  # the leftmost run: nothing before ``at`` is a digit
        end = at + len(_RUN)
        if masked[end : end + 1] == b"0" or (at and masked[at - 1] == 0x2D):  # a 20th digit, or "-"
            return True
        at = masked.find(_RUN, end)
    return False


def loads_exact(data: bytes | memoryview) -> Any:
    """Parse JSON, keeping every integer exact. Raises ``ValueError`` if invalid."""
    value = orjson.loads(data)
    if may_lose_digits(data):
        try:
            value = json.loads(bytes(data))
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
    return value


def dumps_indented(value: Any, depth: int = 0) -> bytes:
    """Encode ``value`` with 2-space indentation, as if nested ``depth`` levels deep.

    Raises ``ValueError`` for what JSON cannot hold (lone surrogates, NaN...).
    """
    try:
        data = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError as exc:
        if "64-bit" not in str(exc) and "Recursion" not in str(exc):
            raise ValueError(f"cannot encode as JSON: {exc}") from None
        try:
            data = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).encode()
        except (TypeError, ValueError, UnicodeEncodeError, RecursionError) as exc2:
            raise ValueError(f"cannot encode as JSON: {exc2}") from None
    if depth:
        # JSON strings never hold a raw newline, so every newline is layout.
        data = data.replace(b"\n", b"\n" + b"  " * depth)
    return data


def dumps_compact(value: Any) -> bytes:
    """Encode a small scalar (a key or a string) compactly."""
    return orjson.dumps(value)
