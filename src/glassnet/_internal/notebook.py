"""Whether code runs inside a Jupyter notebook (or Colab), and text shown there in monospace.

Detection asks the running IPython shell for its class, as ipykernel and rich do: a
notebook kernel's shell is `ZMQInteractiveShell` (Colab's is `google.colab._shell.Shell`);
the terminal's IPython (`TerminalInteractiveShell`) and plain Python are not notebooks.
"""

from __future__ import annotations

import html
import sys

__all__ = ["MonospaceText", "in_notebook"]

_NOTEBOOK_SHELL = "ZMQInteractiveShell"


def in_notebook() -> bool:
    """True inside a Jupyter (or Colab) kernel; False in a terminal, IPython or a script.

    IPython is not imported here: when the program has not imported it, it is no kernel.

    >>> in_notebook()
    False
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    if shell is None:
        return False
    cls = type(shell)
    if cls.__name__ == "Shell":
        return cls.__module__.startswith("google.colab")
    return cls.__name__ == _NOTEBOOK_SHELL


class MonospaceText:
    """Text that a notebook shows in a monospace `<pre>`, line height room for underscores.

    Args:
        text: the text, shown as is (HTML-escaped).
        spans: optional HTML to show instead of the escaped text (already escaped).

    >>> MonospaceText("val_loss: 0.1")
    val_loss: 0.1
    >>> MonospaceText("a<b")._repr_html_().endswith('white-space: pre">a&lt;b</pre>')
    True
    """

    def __init__(self, text: str, spans: str | None = None) -> None:
        self.text = text
        self.spans = spans

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        body = self.spans if self.spans is not None else html.escape(self.text)
        return (
            '<pre style="font-family: monospace; line-height: 1.5; margin: 0; '
            f'white-space: pre">{body}</pre>'
        )
