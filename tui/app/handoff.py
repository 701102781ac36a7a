"""``Handoff``: a value given to a thread worker that the worker takes out.

Textual keeps a finished worker, and so its arguments, until a cyclic
garbage collection; a reading pins the whole store's bytes. A worker given
a ``Handoff`` takes the value out, and the finished worker pins nothing.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Handoff(Generic[T]):
    """Holds one value until :meth:`take` (once)."""

    __slots__ = ("_value", "_taken")

    def __init__(self, value: T) -> None:
        self._value: T | None = value
        self._taken = False

    def take(self) -> T:
        """The value, which this no longer holds (a second take is a bug: ``RuntimeError``)."""
        if self._taken:
            raise RuntimeError("the value was taken already")
        value, self._value, self._taken = self._value, None, True
        return value  # type: ignore[return-value]  # (T itself may be Optional)

    def __repr__(self) -> str:
        # Textual describes workers from their arguments: never the repr of a whole reading.
        return f"Handoff({'taken' if self._taken else 'held'})"
