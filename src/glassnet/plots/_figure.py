"""The figures' common ground: a backend that works without a display, and saving.

`pyplot()` gives matplotlib.pyplot with the Agg backend when there is no display to draw
on; `save_figure(fig, path)` writes a figure atomically, in the format of the path's suffix;
`finish(fig, path)`, the last step of every plot function, saves it and lets pyplot go of it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from glassnet._internal.files import atomic_write

__all__ = ["finish", "pyplot", "release", "save_figure", "subplots"]

# Backends that need a window system; with no display they are swapped for Agg.
_GUI_BACKENDS = {
    "gtk3agg",
    "gtk3cairo",
    "gtk4agg",
    "gtk4cairo",
    "macosx",
    "qt5agg",
    "qt5cairo",
    "qtagg",
    "qtcairo",
    "tkagg",
    "tkcairo",
    "wx",
    "wxagg",
    "wxcairo",
}


# Backends that draw in a notebook's page themselves and keep the figure live there.
_LIVE_NOTEBOOK_BACKENDS = ("ipympl", "widget", "nbagg", "webagg")


def _has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def pyplot() -> Any:
    """matplotlib.pyplot, with the Agg backend when there is no display to draw on.

    A backend chosen explicitly (a notebook's inline one, say) is kept unless it needs
    a window system that isn't there. Close a figure you saved with
    `pyplot().close(fig)`.

    >>> pyplot().__name__
    'matplotlib.pyplot'
    """
    import matplotlib

    if not _has_display():
        # Read the raw setting: rcParams["backend"] would resolve (and import) a GUI one.
        backend = dict.__getitem__(matplotlib.rcParams, "backend")
        if not isinstance(backend, str) or backend.lower() in _GUI_BACKENDS:
            matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def subplots(**kwargs: Any) -> Any:
    """A new figure and its axes; `kwargs` go to `plt.subplots` (nrows, ncols, figsize, ...)."""
    plt = pyplot()
    kwargs.setdefault("layout", "constrained")
    return plt.subplots(**kwargs)


def save_figure(fig: Any, path: str | os.PathLike | None) -> Any:
    """Save `fig` to `path` if given, and return it.

    The format follows the suffix (.png, .svg, .pdf; PNG without one), at 120 dpi; the
    file is written atomically (a temporary file, then a rename) and its folder created.

    >>> import tempfile
    >>> fig, ax = subplots()
    >>> path = Path(tempfile.mkdtemp()) / "empty.png"
    >>> save_figure(fig, path) is fig, path.read_bytes()[1:4]
    (True, b'PNG')
    """
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path) as handle:  # the format comes from the suffix, as savefig's
            fig.savefig(handle, format=path.suffix[1:].lower() or None, dpi=120)
    return fig


def release(fig: Any) -> Any:
    """Take `fig` out of pyplot's list of open figures, unless a window will show it.

    That is what makes a plot function show its figure once in a notebook: the inline
    backend shows every figure pyplot still holds at the end of a cell, and Jupyter shows
    the returned Figure too. Closed, only the returned one shows, as with matplotlib's
    object API (`matplotlib.figure.Figure`). The figure stays whole: `fig.savefig` and
    displaying it still work. Under a window backend (TkAgg, QtAgg, macosx) in a script,
    the figure stays open, so `plt.show()` shows it.

    >>> fig, ax = subplots()
    >>> release(fig) is fig, fig.number in pyplot().get_fignums()
    (True, False)
    """
    import matplotlib

    backend = matplotlib.get_backend().lower()  # resolved already: the figure exists
    if backend in _GUI_BACKENDS or any(name in backend for name in _LIVE_NOTEBOOK_BACKENDS):
        return fig
    pyplot().close(fig)
    return fig


def finish(fig: Any, path: str | os.PathLike | None) -> Any:
    """The last step of a plot function: save `fig` to `path` if given, `release` it, return it."""
    return release(save_figure(fig, path))
