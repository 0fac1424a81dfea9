"""The `glassnet` command: one sub-command per module in `glassnet.cli.commands`.

User errors (bad flags, missing files, invalid values) print one line and exit 2;
a Ctrl-C exits 130. Each sub-command module defines `add_parser(subparsers)`,
which registers its parser and sets `func(args) -> int`.

>>> main(["--version"])  # doctest: +SKIP
glassnet 0.1.0
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from glassnet import __version__

# Sub-commands in the order `glassnet --help` lists them (modules of glassnet.cli.commands).
COMMANDS = [
    "demo",
    "perceptron",
    "data",
    "train",
    "evaluate",
    "predict",
    "summary",
    "explain",
    "exercise",
]


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
    """Run the command line; return the exit status."""
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return 2
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


if __name__ == "__main__":
    sys.exit(main())
