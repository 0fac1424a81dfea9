"""Explanations as text, HTML and data: the base class and how vectors and factors print."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._internal import html
from glassnet._internal.numbers import precise

# A weighted sum with more terms than this is summarised by its largest terms.
MAX_TERMS = 8
# A layer with more units than this shows only the units with the largest outputs (a
# 10-class output layer shows every class).
MAX_UNITS = 10
# The finite-difference step (float64 central differences).
EPSILON = 1e-6


def paren(value: float) -> str:
    """A number as a factor: negative ones in parentheses, so 0.5*(-0.2) reads clearly."""
    text = precise(value)
    return f"({text})" if text.startswith("-") else text


def vector(values: Any, limit: int = 10) -> str:
    """A short vector: [0.1, -2, 3] (the first `limit` values, then '... (n values)')."""
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    shown = ", ".join(precise(v) for v in flat[:limit])
    return f"[{shown}]" if flat.size <= limit else f"[{shown}, ...] ({flat.size} values)"


def indexed(symbol: str, size: int, *indices: int) -> str:
    """`w1` when the array holds one number, else `w1[2,0]`.

    >>> indexed("w1", 1, 0, 0), indexed("w1", 6, 2, 0)
    ('w1', 'w1[2,0]')
    """
    return symbol if size == 1 else f"{symbol}[{','.join(str(i) for i in indices)}]"


class Explanation:
    """Base class: a title and sections of lines, as text, HTML and data.

    Subclasses implement `sections()` (heading, lines) and `to_dict()`.
    """

    title = ""

    def sections(self) -> list[tuple[str, list[str]]]:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The numbers, as plain Python values (JSON-ready)."""
        raise NotImplementedError

    def __str__(self) -> str:
        parts = [self.title]
        for heading, lines in self.sections():
            parts.append("")
            if heading:
                parts.append(heading)
            parts.extend(lines)
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        parts = []
        for heading, lines in self.sections():
            if heading:
                parts.append(f"<div style='margin-top:6px'><b>{html.escape(heading)}</b></div>")
            parts.append(html.pre("\n".join(lines)))
        return html.card(self.title, *parts, kind="explain")

    def __repr__(self) -> str:
        return str(self)
