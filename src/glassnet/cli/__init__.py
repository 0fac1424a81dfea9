"""The `glassnet` command: one sub-command per module in `glassnet.cli.commands`.

User errors (bad flags, missing or damaged files, invalid values: `UsageError`,
`ValueError`, `TypeError` and `OSError`, the types glassnet documents) print one line and
exit 2; a Ctrl-C exits 130. Any other exception is a bug in glassnet: one line says so and
where its traceback was saved (`crash_folder()`), and the exit status is 70 (EX_SOFTWARE).
No traceback is printed, unless `GLASSNET_DEBUG=1` is set: then every error is raised.
The library's messages name its Python arguments (`pass encoding='utf-16'`); `cli_advice`
rewrites those hints, in errors and warnings, into the flags a shell user can type.
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


# The commands with --encoding (see add_encoding_flag).
_READ_CSV = ("train", "predict", "evaluate", "data")

# The library's hints (naming Python arguments) -> the CLI's (naming flags), tried in order:
# (commands the rewrite is for, None for all; the library's words; the CLI's words).
_CLI_HINTS: list[tuple[tuple[str, ...] | None, str, str]] = [
    (_READ_CSV, "pass encoding='utf-16'", "pass --encoding utf-16"),
    (_READ_CSV, "(encoding='utf-16')", "(--encoding utf-16)"),
    (
        _READ_CSV,
        "e.g. encoding='latin-1' or encoding='utf-16'",
        "e.g. --encoding latin-1 or utf-16",
    ),
    # the other commands read UTF-8 only: the file can be converted
    (None, "pass encoding='utf-16'", "convert it: iconv -f utf-16 -t utf-8 FILE > NEW.csv"),
    (None, "(encoding='utf-16')", "(convert it: iconv -f utf-16 -t utf-8)"),
    (
        None,
        "Pass the file's encoding, e.g. encoding='latin-1' or encoding='utf-16'",
        "Convert it to UTF-8, e.g. iconv -f latin-1 -t utf-8 FILE > NEW.csv",
    ),
    (
        ("train",),
        "or pass missing='drop', 'mean', 'median' or 'most-frequent' "
        "(glassnet train: --missing drop|mean|median|most-frequent)",
        "or pass --missing drop, mean, median or most-frequent",
    ),
    (("train",), "pass handle_unknown='ignore'", "pass --handle-unknown ignore"),
    (
        ("predict", "evaluate", "explain"),
        "pass handle_unknown='ignore' to encode",
        "a run trained with --handle-unknown ignore would encode",
    ),
    (None, "the training used missing='drop'", "the run was trained with --missing drop"),
    (None, "none is filled in: missing='error'", "none is filled in: it trained without --missing"),
    (None, "for task='regression'", "for --task regression"),
    (
        None,
        "load_csv needs class labels (integers or text)",
        "this command needs class labels (integers or text)",
    ),
    (("data",), "pass stratify=False for a regression target", "pass --no-stratify"),
    (None, "or pass path=FOLDER", "or into $GLASSNET_DATA_DIR/mnist/"),
    (
        None,
        "Without it, gn.datasets.fashion_mnist.load_sample() (glassnet train --dataset "
        "fashion-mnist-sample) gives",
        "Without it, glassnet train --dataset fashion-mnist-sample trains on",
    ),
    # `data describe`'s suggestions: glassnet train splits and scales by itself
    (
        None,
        "scale them to [0, 1] with gn.datasets.scale_images(x) (x / 255.0).",
        "glassnet train scales them to [0, 1] itself (x / 255.0).",
    ),
    (
        None,
        "split before scaling: gn.datasets.train_val_test_split(x, y, 'small') for "
        "80/10/10, 'large' for 60/20/20; fit scalers on the training part only.",
        "glassnet train splits before it scales (--split, default 0.8,0.1,0.1) and fits "
        "its scaling on the training part only.",
    ),
    (
        None,
        "standardise them with StandardScaler fitted on the training part only.",
        "glassnet train standardises them itself, fitted on the training part only.",
    ),
    (
        None,
        "scale the features (StandardScaler or MinMaxScaler, fitted on the training part only).",
        "glassnet train standardises the features itself, fitted on the training part only.",
    ),
]


def cli_advice(message: str, command: str | None = None) -> str:
    """`message` (a library error, warning or suggestion) with its hints for Python code
    rewritten as the flags and commands of the CLI (`command` is the sub-command running).

    >>> cli_advice("u16.csv is UTF-16: pass encoding='utf-16'.", "predict")
    'u16.csv is UTF-16: pass --encoding utf-16.'
    >>> cli_advice("a value unseen in training; pass handle_unknown='ignore'", "train")
    'a value unseen in training; pass --handle-unknown ignore'
    """
    for commands, api, cli in _CLI_HINTS:
        if commands is None or command in commands:
            message = message.replace(api, cli)
    return message


def add_encoding_flag(parser: argparse.ArgumentParser) -> None:
    """Add `--encoding CODEC`, the text encoding of the CSV file(s) a command reads.

    >>> p = argparse.ArgumentParser()
    >>> add_encoding_flag(p)
    >>> p.parse_args(["--encoding", "latin-1"]).encoding
    'latin-1'
    """
    parser.add_argument(
        "--encoding",
        metavar="CODEC",
        default=None,
        help="text encoding of a CSV file, e.g. latin-1, cp1252 or utf-16 (default UTF-8, "
        "with or without a BOM)",
    )


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
    command = None
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return 2
        command = args.command
        with _warnings_as_lines(command):
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
        message = cli_advice(message or type(error).__name__, command)
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
def _warnings_as_lines(command: str | None = None) -> Iterator[None]:
    """Each warning as one line, `glassnet: warning: ...`, not Python's display of a file,
    a line number and a line of glassnet's source (which reads like a traceback)."""
    if os.environ.get("GLASSNET_DEBUG"):
        yield
        return

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"glassnet: warning: {cli_advice(str(message), command)}", file=sys.stderr)

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
