"""What a search of the session texts looks in, and how a needle is looked for in stored bytes.

Every store's ``Reading.search`` (:mod:`.json_search`, :mod:`.sqlite.search`)
finds the sessions whose request, response, error or a message's content or
summary contains the needle, compared as ``str.casefold()`` forms. Stores
look in their bytes first (the file, the rows, the transcripts) and decode
only the texts where the bytes match, to confirm.

How far the byte match goes (it is a filter: it may let through texts the
confirmation then drops, never drop one that matches):

- JSON may write a character escaped (Go writes ``<`` ``>`` ``&`` as
  ``\\u003c``..., every writer writes newlines, quotes and backslashes as
  ``\\n`` ``\\"`` ``\\\\``), so the bytes are searched for the longest run of
  the needle that JSON never escapes (:func:`plain_run`): ASCII letters,
  digits, spaces and the punctuation other than ``"`` ``\\`` ``<`` ``>``
  ``&``. A needle with no such run (``项目``, ``<>``) filters nothing: every
  session is decoded (slower, still cancellable).
- The byte match ignores ASCII case only; the confirmation compares
  casefolded forms. So the needle's ASCII run must be in the text as such:
  ``STRAßE`` finds "Straße", ``STRASSE`` does not (though their casefolded
  forms are equal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .model import Session

#: Characters JSON writers may escape (Go's encoder escapes the HTML ones too).
_ESCAPED = frozenset('"\\<>&')
#: The Go keys of a session's searched texts, and of a message's.
SESSION_TEXTS = ("Request", "Response", "Error")
MESSAGE_TEXTS = ("Content", "Summary")
#: How often (in sessions or hits) a search checks whether it was cancelled.
CHECK_EVERY = 256

#: A search's ``cancelled``: true once the search is no longer wanted.
Cancelled = Callable[[], bool]


def never() -> bool:
    """The default ``cancelled``: a search that runs to the end."""
    return False


def plain_run(needle: str) -> str:
    """The longest part of ``needle`` that is written as is in JSON bytes (ASCII, never escaped)."""
    best = ""
    current = ""
    for char in needle:
        if " " <= char <= "~" and char not in _ESCAPED:
            current += char
            if len(current) > len(best):
                best = current
        else:
            current = ""
    return best


def byte_run(needle: str) -> bytes:
    """:func:`plain_run` as the bytes to look for in ASCII-lowered stored bytes (``b""``: none)."""
    return plain_run(needle).lower().encode("ascii")


#: How JSON writers write these characters inside a string (ASCII-lowered): as is, or escaped.
_WRITTEN = {
    "<": (b"<", b"\\u003c"), ">": (b">", b"\\u003e"), "&": (b"&", b"\\u0026"),
    '"': (b'\\"',), "\\": (b"\\\\",), "\n": (b"\\n",), "\t": (b"\\t",), "\r": (b"\\r",),
}
#: At most this many ways of writing a needle are searched for (else its plain run is).
MAX_FORMS = 8


def written_forms(needle: str) -> list[bytes] | None:
    """Every way JSON writers write an ASCII ``needle`` (lowered bytes: ``<`` as is or ``\\u003c``, ``"`` as ``\\"``...);
    ``None`` for a needle with other characters, or too many ways."""
    if not needle.isascii():
        return None
    forms = [b""]
    for char in needle.lower():
        written = _WRITTEN.get(char)
        if written is None:
            if not " " <= char <= "~":
                return None
            written = (char.encode("ascii"),)
        forms = [form + way for form in forms for way in written]
        if len(forms) > MAX_FORMS:
            return None
    return forms


def texts_of(item: Any) -> Iterable[str]:
    """The searched texts of one session as Go's JSON object (decoded)."""
    if not isinstance(item, dict):
        return
    for key in SESSION_TEXTS:
        value = item.get(key)
        if isinstance(value, str):
            yield value
    yield from message_texts(item.get("Messages"))


def message_texts(messages: Any) -> Iterable[str]:
    """The searched texts of a list of Go JSON messages (decoded)."""
    if isinstance(messages, list):
        for message in messages:
            if isinstance(message, dict):
                for key in MESSAGE_TEXTS:
                    value = message.get(key)
                    if isinstance(value, str):
                        yield value


def session_texts(session: Session) -> Iterable[str]:
    """The searched texts of a decoded session."""
    yield from (session.request, session.response, session.error)
    for message in session.messages or ():
        yield from (message.content, message.summary)


def any_holds(folded: str, texts: Iterable[str]) -> bool:
    """Whether one of ``texts`` contains ``folded`` (a casefolded needle), compared casefolded."""
    return any(folded in text.casefold() for text in texts)
