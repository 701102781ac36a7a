"""JSON bytes as Go's ``encoding/json.MarshalIndent(v, "", "  ")`` writes them.

A file edited by the Go bot and by this library must converge to the same
bytes, so whatever this library re-encodes is written as Go would write it:

- in strings, ``<``, ``>``, ``&``, U+2028 and U+2029 are escaped
  (``\\u003c``, ``\\u003e``, ``\\u0026``, ``\\u2028``, ``\\u2029``);
- map keys (a ``Context``, anything nested in it) are sorted by their bytes;
  structs (a session, a message) keep their field order;
- floats are formatted like Go's ``float64`` encoder: ``100``, ``0.000015``,
  ``100000000000000000000``, ``1e+21``, ``1e-7``.

Values are never changed: an integer beyond 64 bits is written as it is
(Go would round it to a float), and so are the keys a session has that this
version does not know. orjson does the work; a value nested too deeply for
it is written by a plain loop here instead, with the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

#: What Go escapes in strings that orjson writes raw. These bytes occur only
#: inside strings in JSON text (never in its structure or numbers), so a
#: replacement on the encoded bytes is exact.
_GO_ESCAPES = (
    (b"<", b"\\u003c"),
    (b">", b"\\u003e"),
    (b"&", b"\\u0026"),
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
)

#: Nesting below a value that orjson is asked to write (it refuses beyond 255).
_ORJSON_DEPTH = 200
#: The deepest nesting of a document this library reads (orjson's limit); a
#: file it could not read back is never written.
MAX_DOCUMENT_DEPTH = 1024

_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1  # what orjson writes as an integer


def go_escape(data: bytes) -> bytes:
    """Escape, in encoded JSON, what Go escapes and orjson does not."""
    for raw, escaped in _GO_ESCAPES:
        data = data.replace(raw, escaped)
    return data


def go_float(value: float) -> str:
    """A float as Go's ``encoding/json`` writes a ``float64``.

    Raises ``ValueError`` for NaN and the infinities (JSON has no such numbers).
    """
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"cannot encode as JSON: {value!r} is not a JSON number")
    if value == 0:
        return "-0" if str(value)[0] == "-" else "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")  # the shortest digits that read back
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + int(exponent or 0)  # the decimal point's place after the first digit of ``digits``
    significant = digits.lstrip("0")
    point -= len(digits) - len(significant)
    digits = significant.rstrip("0")
    magnitude = abs(value)
    if magnitude < 1e-6 or magnitude >= 1e21:
        power = point - 1
        head = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        tail = f"e+{power:02d}" if power >= 0 else f"e-{-power}"
        return sign + head + tail
    if point <= 0:
        return sign + "0." + "0" * -point + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


class _TooDeep(Exception):
    """The value nests deeper than orjson writes: use the plain encoder."""


def _go_value(value: Any, depth: int) -> Any:
    """``value`` (a Go ``interface{}``) ready for orjson: maps sorted, numbers as Go writes them."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return value if _INT_MIN <= value <= _INT_MAX else orjson.Fragment(str(value))
    if kind is float:
        return orjson.Fragment(go_float(value))
    if kind is dict:
        if depth >= _ORJSON_DEPTH:
            raise _TooDeep
        try:
            keys = sorted(value)
        except TypeError:
            raise ValueError("cannot encode as JSON: a map has keys that are not strings") from None
        return {key: _go_value(value[key], depth + 1) for key in keys}
    if kind is list:
        if depth >= _ORJSON_DEPTH:
            raise _TooDeep
        return [_go_value(item, depth + 1) for item in value]
    return value  # a str or int subclass, a datetime...: orjson's own form (or its error)


def _go_struct(value: dict[str, Any], depth: int) -> dict[str, Any]:
    """A struct (a message): its fields in order, each value a Go ``interface{}``."""
    for item in value.values():
        if type(item) is not str:
            return {key: _go_value(item, depth + 1) for key, item in value.items()}
    return value  # only strings: nothing to convert


def _go_session(obj: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key == "Messages" and type(value) is list:
            out[key] = [_go_struct(m, 2) if type(m) is dict else _go_value(m, 2) for m in value]
        else:
            out[key] = _go_value(value, 1)
    return out


def _indented(data: bytes, depth: int) -> bytes:
    # JSON strings never hold a raw newline, so every newline is layout.
    return data.replace(b"\n", b"\n" + b"  " * depth) if depth else data


def _orjson(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError as exc:
        raise ValueError(f"cannot encode as JSON: {exc}") from None


def encode_session_bytes(obj: dict[str, Any], depth: int = 0) -> bytes:
    """A session object (a struct: keys in the order given) as Go writes it, nested ``depth`` levels.

    Raises ``ValueError`` for what JSON cannot hold (lone surrogates, NaN...)
    or what nests too deeply to be read back.
    """
    try:
        data = _orjson(_go_session(obj))
    except (_TooDeep, RecursionError):
        data = _plain(obj, "session", depth)
    return go_escape(_indented(data, depth))


def encode_value_bytes(value: Any, depth: int = 0) -> bytes:
    """A Go ``interface{}`` value (maps sorted) as Go writes it, nested ``depth`` levels."""
    try:
        data = _orjson(_go_value(value, 0))
    except (_TooDeep, RecursionError):
        data = _plain(value, "map", depth)
    return go_escape(_indented(data, depth))


def encode_key(text: str) -> bytes:
    """A string (a key, a time) as Go writes it, on one line."""
    return go_escape(orjson.dumps(text))


# -- the plain encoder, for values nested deeper than orjson writes ---------------

_END = object()
#: What the members of each kind of container are.
_MEMBER_KIND = {"session": "map", "messages": "message", "message": "map", "map": "map"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return go_float(float(value))
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError as exc:
        raise ValueError(f"cannot encode as JSON: {exc}") from None


def _plain(value: Any, kind: str, depth: int) -> bytes:
    """The bytes orjson would write for :func:`_go_value` of ``value``, by a loop, not recursion."""
    out: list[str] = []
    # Each open container: [closing bracket, members, level, keyed (an object), kind, no member yet].
    stack: list[list[Any]] = []

    def open_value(item: Any, level: int, item_kind: str) -> None:
        if type(item) is dict:
            if depth + level + 1 > MAX_DOCUMENT_DEPTH:
                raise ValueError(f"nested deeper than {MAX_DOCUMENT_DEPTH} levels, which could not be read back")
            if item_kind == "map":
                try:
                    members: Any = sorted(item.items(), key=lambda pair: pair[0])
                except TypeError:
                    raise ValueError("cannot encode as JSON: a map has keys that are not strings") from None
            else:
                members = list(item.items())
            if not members:
                out.append("{}")
                return
            out.append("{")
            stack.append(["}", iter(members), level, True, item_kind, True])
        elif type(item) is list:
            if depth + level + 1 > MAX_DOCUMENT_DEPTH:
                raise ValueError(f"nested deeper than {MAX_DOCUMENT_DEPTH} levels, which could not be read back")
            if not item:
                out.append("[]")
                return
            out.append("[")
            stack.append(["]", iter(item), level, False, "messages" if item_kind == "messages" else "map", True])
        else:
            out.append(_scalar(item))

    open_value(value, 0, kind)
    while stack:
        frame = stack[-1]
        closer, members, level, keyed, frame_kind, first = frame
        member = next(members, _END)
        if member is _END:
            stack.pop()
            out.append("\n" + "  " * level + closer)
            continue
        frame[5] = False
        out.append(("\n" if first else ",\n") + "  " * (level + 1))
        if keyed:
            key, member = member
            if not isinstance(key, str):
                raise ValueError("cannot encode as JSON: a map has keys that are not strings")
            out.append(json.dumps(str(key), ensure_ascii=False) + ": ")
            child_kind = "messages" if frame_kind == "session" and key == "Messages" else _MEMBER_KIND[frame_kind]
        else:
            child_kind = _MEMBER_KIND[frame_kind]
        open_value(member, level + 1, child_kind)
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"cannot encode as JSON: {exc.reason} in a string") from None


def plain_json(value: Any) -> str:
    """Indented JSON text of a value at any depth (maps sorted, nothing escaped), for display.

    Raises ``ValueError`` for what JSON cannot hold.
    """
    return _plain(value, "map", 0).decode("utf-8")
