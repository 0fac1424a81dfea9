"""The `glassnet` command: one sub-command per module in `glassnet.cli.commands`.

User errors (bad flags, missing or damaged files, invalid values: `UsageError`,
`ValueError`, `TypeError` and `OSError`, the types glassnet documents) print one line and
exit 2; a Ctrl-C exits 130. Any other exception is a bug in glassnet: one line says so and
where its traceback was saved (`crash_folder()`), and the exit status is 70 (EX_SOFTWARE).
No traceback is printed, unless `GLASSNET_DEBUG=1` is set: then every error is raised.
Each sub-command module defines `add_parser(subparsers)`, which registers its parser and
sets `func(args) -> int`.

>>> main(["--version"])  # doctest: +SKIP
glassnet 0.1.0
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import os
import platform
import secrets
import sys
import tempfile
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path

from glassnet import __version__

# Sub-commands in the order `glassnet --help` lists them (modules of glassnet.cli.commands).
COMMANDS = [
    "demo",
    "perceptron",
    "data",
    "train",
    "lr_find",
    "evaluate",
    "predict",
    "export",
    "summary",
    "compare",
    "sweep",
    "explain",
    "exercise",
    "playground",
]


# Exit status of an internal error (sysexits.h's EX_SOFTWARE).
EX_SOFTWARE = 70


class UsageError(Exception):
    """A mistake of the user's, reported as one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default prints usage too
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every sub-command registered."""
    parser = _Parser(
        prog="glassnet",
        description="glassnet: neural networks you can see through.",
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"glassnet.cli.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0, 2 for a user error, 70 for a bug,
    130 for Ctrl-C)."""
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return 2
        with _warnings_as_lines():
            return int(args.func(args) or 0)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `glassnet explain ... | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except (ValueError, TypeError, OSError) as error:
        if os.environ.get("GLASSNET_DEBUG"):
            raise
        message = str(error)
        if len(message) > 1 and message[0] == message[-1] and message[0] in "'\"":
            message = message[1:-1]  # a KeyError's repr quotes; a path in quotes stays whole
        message = message or type(error).__name__
        print(f"glassnet: error: {message.splitlines()[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("glassnet: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: say so in one line, keep the traceback in a file
        if os.environ.get("GLASSNET_DEBUG"):
            raise
        saved = _save_traceback(error, sys.argv[1:] if argv is None else argv)
        message = (str(error).splitlines() or [""])[0]
        message = message if len(message) <= 160 else message[:157] + "..."
        what = f"{type(error).__name__}: {message}" if message else type(error).__name__
        where = (
            f"the traceback saved in {saved}"
            if saved
            else "the traceback (set GLASSNET_DEBUG=1 to see it)"
        )
        print(f"glassnet: internal error ({what}); please report it with {where}", file=sys.stderr)
        return EX_SOFTWARE


@contextlib.contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Each warning as one line, `glassnet: warning: ...`, not Python's display of a file,
    a line number and a line of glassnet's source (which reads like a traceback)."""
    if os.environ.get("GLASSNET_DEBUG"):
        yield
        return

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"glassnet: warning: {message}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


def crash_folder() -> Path:
    """Where tracebacks of internal errors go: `$XDG_CACHE_HOME/glassnet/crashes`
    (default `~/.cache/glassnet/crashes`)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "glassnet" / "crashes"


def _save_traceback(error: BaseException, argv: list[str]) -> Path | None:
    """Write the traceback of `error` to a new file; its path, or None if none could be."""
    import numpy

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"glassnet {__version__}, Python {platform.python_version()}, NumPy {numpy.__version__}, "
        f"{platform.platform()}\ncommand: glassnet {' '.join(argv)}\n\n"
        + "".join(traceback.format_exception(type(error), error, error.__traceback__))
    )
    for folder in (crash_folder(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"glassnet-crash-{stamp}-{os.getpid()}-{secrets.token_hex(2)}.txt"
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(text)
        except OSError:
            continue
        return path
    return None


if __name__ == "__main__":
    sys.exit(main())
