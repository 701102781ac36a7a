"""Readable text on any background: WCAG 2 contrast, and the nearest colour that meets it.

Themes pick the colours; a badge colour that suits a dark background (a
light orange) is unreadable on a light one. :func:`readable` keeps the hue
and moves the colour toward black or white just far enough to reach the
minimum ratio, so the stylesheet can use theme variables in every theme.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

#: WCAG 2 level AA for normal-size text.
MINIMUM_CONTRAST = 4.5

BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)


def luminance(rgb: RGB) -> float:
    """The relative luminance of an sRGB colour (0 black, 1 white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """The WCAG 2 contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(a: RGB, b: RGB, amount: float) -> RGB:
    """``a`` moved ``amount`` (0 to 1) of the way to ``b``."""
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b))  # type: ignore[return-value]


def readable(fg: RGB, bg: RGB, minimum: float = MINIMUM_CONTRAST) -> RGB:
    """``fg``, or the colour nearest to it toward black or white that has ``minimum`` contrast on ``bg``.

    Every background has at least 4.58:1 against black or white, so any
    minimum up to that is always met.
    """
    if contrast(fg, bg) >= minimum:
        return fg
    target = BLACK if contrast(BLACK, bg) >= contrast(WHITE, bg) else WHITE
    low, high = 0.0, 1.0  # the least blend toward the target that is enough
    for _ in range(12):
        middle = (low + high) / 2
        if contrast(blend(fg, target, middle), bg) >= minimum:
            high = middle
        else:
            low = middle
    return blend(fg, target, high)
