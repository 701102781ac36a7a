"""The byte layout of a session file: split it into per-session spans, join it back.

The Go writer and this library both write the file indented, one session per
``items`` member. Splitting that layout needs one regular-expression scan;
each span is then parsed on its own, which validates the split: a piece
that parses as one complete JSON value, between separators checked here,
is exactly that value of the whole document. Any other layout (compact JSON,
odd indentation) makes :func:`split_items` return ``None`` and the caller
falls back to parsing the document whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import orjson

from .gojson import encode_key, encode_value_bytes

# Stands in for the items object when the rest of the document is parsed, so
# that finding it under "items" proves the split found the top-level member.
ITEMS_PLACEHOLDER = b'{"\\u0000tui-items": 0}'
_PLACEHOLDER_VALUE = {"\x00tui-items": 0}
#: The line of the top-level ``items`` member, up to its value.
ITEMS_MARKER = b'\n  "items":'
#: The line that closes the items object (an indented document's members are indented deeper).
ITEMS_CLOSER = b"\n  }"
#: JSON's whitespace.
WS = b" \t\r\n"


@dataclass(frozen=True, slots=True)
class ItemsSplit:
    """Where the ``items`` object and its members are in a document's bytes."""

    #: The document with the items object replaced by :data:`ITEMS_PLACEHOLDER`.
    head: bytes
    #: ``(session id, start, end)`` of each member's value, in file order.
    spans: list[tuple[str, int, int]]


def is_items_placeholder(value: object) -> bool:
    """True if ``value`` is what :data:`ITEMS_PLACEHOLDER` parses to."""
    return value == _PLACEHOLDER_VALUE


def split_items(data: bytes) -> ItemsSplit | None:
    """Find the top-level ``items`` members of an indented document.

    Returns ``None`` when the bytes are not in the expected layout; that says
    nothing about whether they are valid JSON.
    """
    start = items_value_at(data)
    if start < 0:
        return None
    if data.startswith(b"null", start):
        return ItemsSplit(data, [])  # the head keeps the null itself
    if data.startswith(b"{}", start):
        return ItemsSplit(data[:start] + ITEMS_PLACEHOLDER + data[start + 2 :], [])
    if data[start : start + 1] != b"{":
        return None
    try:
        found = _split_members(data, start, outer=b"  ")
    except ValueError:  # a key that is not a valid JSON string
        return None
    if found is None:
        return None
    spans, end = found
    return ItemsSplit(data[:start] + ITEMS_PLACEHOLDER + data[end:], spans)


def items_value_at(data: bytes) -> int:
    """Offset of the top-level ``items`` member's value in an indented document, or -1."""
    marker = data.find(ITEMS_MARKER)
    return -1 if marker < 0 else skip_ws(data, marker + len(ITEMS_MARKER))


def items_open(data: bytes) -> int:
    """Offset of the ``{`` that opens the top-level items object, or -1 (no such member, or not an object)."""
    start = items_value_at(data)
    return start if start >= 0 and data[start : start + 1] == b"{" else -1


def skip_ws(data: bytes, pos: int) -> int:
    size = len(data)
    while pos < size and data[pos] in WS:
        pos += 1
    return pos


def member_indent(data: bytes, start: int, outer: bytes) -> bytes | None:
    """The indentation of the members of the object whose ``{`` is at ``start`` (from its first member's line).

    ``None`` unless the first member starts a line of its own indented deeper
    than ``outer``, the indentation of the object's own line.
    """
    first = skip_ws(data, start + 1)
    line_start = data.rfind(b"\n", start, first) + 1
    indent = data[line_start:first]
    if not line_start or indent.strip(WS) or len(indent) <= len(outer):
        return None
    return indent


@lru_cache(maxsize=8)
def member_pattern(indent: bytes) -> re.Pattern[bytes]:
    # A key at exactly this indentation whose value is an object. JSON strings
    # cannot hold a raw newline, so this never matches inside a string.
    return re.compile(
        rb"\n" + re.escape(indent) + rb'"([^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*)"[ \t]*:[ \t]*\{'
    )


def _split_members(
    data: bytes, start: int, outer: bytes
) -> tuple[list[tuple[str, int, int]], int] | None:
    """Split the object whose ``{`` is at ``start``, on a line indented by ``outer``.

    Each member must start a line of its own, indented deeper than ``outer``.
    """
    indent = member_indent(data, start, outer)
    if indent is None:
        return None
    first = skip_ws(data, start + 1)
    closer = b"\n" + outer + b"}"
    close_at = data.rfind(closer)
    if close_at < first:
        return None
    spans: list[tuple[str, int, int]] = []
    expect = start + 1  # where the next member's line break may start
    value_start = -1
    key = ""
    for match in member_pattern(indent).finditer(data, start, close_at):
        at = match.start()
        if value_start < 0:
            if data[expect:at].strip(WS):
                return None
        else:
            comma = data.rfind(b",", value_start, at)
            if comma < 0 or data[comma + 1 : at].strip(WS):
                return None
            spans.append((key, value_start, comma))
        key = decode_key(match.group(1))
        value_start = match.end() - 1
    if value_start < 0:
        return None
    # The last member ends at the first closer of the items object after it;
    # if that is not the one found from the end, the layout is not ours.
    if data.find(closer, value_start) != close_at:
        return None
    # (before the closer's carriage return, in a file with Windows line endings)
    spans.append((key, value_start, close_at - 1 if data[close_at - 1] == 13 else close_at))
    return spans, close_at + len(closer)


def decode_key(raw: bytes) -> str:
    """Raises ``ValueError`` (``UnicodeDecodeError``, ``JSONDecodeError``) if invalid."""
    if b"\\" not in raw:
        return raw.decode("utf-8")
    key: str = orjson.loads(b'"' + raw + b'"')
    return key


def join_items(
    version: int,
    items: Iterable[tuple[str, bytes | memoryview]],
    updated: bytes,
    extras: dict[str, object],
    *,
    newline: bytes = b"\n",
) -> tuple[bytes, list[tuple[str, int, int]]]:
    """Join a document in the canonical layout (Go's: 2-space indent, UTF-8, see :mod:`.gojson`).

    ``items`` gives each session's id and encoded value (indented for depth 2,
    its lines ending in ``newline``) in the order to write; ``updated`` is the
    encoded time string. Returns the bytes and the ``(id, start, end)`` span
    of every session in them.
    """
    nl = newline
    head = b'{' + nl + b'  "version": %d,' % version + nl + b'  "items": {'
    pieces: list[bytes | memoryview] = [head]
    offset = len(head)
    spans: list[tuple[str, int, int]] = []
    separator = nl + b"    "
    for session_id, value in items:
        key = separator + encode_key(session_id) + b": "
        pieces.append(key)
        offset += len(key)
        pieces.append(value)
        spans.append((session_id, offset, offset + len(value)))
        offset += len(value)
        separator = b"," + nl + b"    "
    pieces.append(nl + b"  }," if spans else b"},")
    pieces.append(nl + b'  "updated": ' + updated)
    for key, value in extras.items():
        encoded = encode_value_bytes(value, 1)
        pieces.append(b"," + nl + b"  " + encode_key(key) + b": " + (encoded.replace(b"\n", nl) if nl != b"\n" else encoded))
    pieces.append(nl + b"}")
    return b"".join(pieces), spans
