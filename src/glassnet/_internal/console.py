"""The one way glassnet makes a rich `Console`: in a terminal as rich does, piped as plain lines.

Piped into a file, `less` or `cat`, rich would break every line at 80 columns (it cannot
know the width) and pad table rows with spaces. Like pip, pytest and Keras when piped,
glassnet then writes each line whole (`soft_wrap`), and with no trailing spaces. In a
terminal or a notebook nothing changes.
"""

from __future__ import annotations

import sys
from typing import IO, Any, cast

__all__ = ["make_console"]


def __dir__() -> list[str]:
    return sorted(__all__)


class _NoTrailingSpaces:
    """A text stream that drops the spaces (and tabs) at the end of every line.

    Spaces at the end of a write are held back until the next write shows whether the
    line goes on (they are then written) or ends (they are dropped).

    >>> import io
    >>> out = io.StringIO()
    >>> stream = _NoTrailingSpaces(out)
    >>> _ = stream.write("a table   \\nrow  ")
    >>> _ = stream.write("goes on  \\n")
    >>> out.getvalue()
    'a table\\nrow  goes on\\n'
    """

    def __init__(self, stream: IO[str] | None = None, stderr: bool = False) -> None:
        self._fixed = stream
        self._stderr = stderr
        self._held = ""

    @property
    def _stream(self) -> IO[str]:
        """The stream written to; sys.stdout or sys.stderr as they are now (as rich does)."""
        if self._fixed is not None:
            return self._fixed
        return sys.stderr if self._stderr else sys.stdout

    def write(self, text: str) -> int:
        lines = (self._held + text).split("\n")
        last = lines.pop()
        body = last.rstrip(" \t")
        self._held = last[len(body) :]
        out = "".join(line.rstrip(" \t") + "\n" for line in lines) + body
        if out:
            self._stream.write(out)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, ... of the real stream
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._stream, name)


def make_console(*, stderr: bool = False, file: IO[str] | None = None, **options: Any) -> Any:
    """A rich Console on stdout (or stderr, or `file`): as rich's own in a terminal;
    when not a terminal (piped, redirected), lines are neither wrapped nor padded.

    `options` go to `rich.console.Console`; an explicit `soft_wrap` or `width` is kept.

    >>> import io
    >>> out = io.StringIO()
    >>> console = make_console(file=out)
    >>> console.print("word " * 30)
    >>> out.getvalue() == ("word " * 29) + "word\\n"
    True
    """
    from rich.console import Console

    probe = Console(stderr=stderr, file=file, **options)
    if probe.is_terminal or probe.is_jupyter or "soft_wrap" in options or "width" in options:
        return probe
    stream = cast(IO[str], _NoTrailingSpaces(file, stderr))  # writes text, as rich needs
    return Console(file=stream, soft_wrap=True, **options)
