"""JSON bytes in and out: orjson for speed, the standard library for exactness.

orjson reads integers beyond 64 bits as floats and refuses to write them, so
whenever a value may hold such an integer the standard ``json`` module does
the work instead; values stay exact either way.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# Integers orjson may not keep exact: 20 or more digits, or a negative with 19
# (orjson holds -2**63 .. 2**64-1 exactly).
_LONG_DIGITS = re.compile(rb"-\d{19}|\d{20}")


def loads_exact(data: bytes | memoryview) -> Any:
    """Parse JSON, keeping every integer exact. Raises ``ValueError`` if invalid."""
    value = orjson.loads(data)
    if _LONG_DIGITS.search(data):
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
