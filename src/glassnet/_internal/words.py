"""Counted words in messages: "1 point", "2 points" (never "1 points")."""

from __future__ import annotations

__all__ = ["plural"]


def __dir__() -> list[str]:
    return sorted(__all__)


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` and `word`, the singular for 1 and `many` (`word` + "s" if not given) otherwise.

    >>> plural(1, "point"), plural(3, "point"), plural(0, "unit"), plural(1, "class", "classes")
    ('1 point', '3 points', '0 units', '1 class')
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"
