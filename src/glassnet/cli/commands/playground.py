"""`glassnet playground`: start the local playground page and open it in the browser.

    glassnet playground                 # a free port, opens the browser
    glassnet playground --port 8765 --no-browser
    glassnet playground --no-token      # a plain local URL (prints a warning)

The server listens on 127.0.0.1 only; Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import sys
import webbrowser

from glassnet.cli import UsageError
from glassnet.cli.playground import PlaygroundServer

__all__ = ["add_parser", "run"]

NO_TOKEN_WARNING = (
    "warning: --no-token: any program or web page on this machine can use the playground "
    "at this address; use it only on a machine you trust."
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet playground`."""
    p = subparsers.add_parser(
        "playground",
        help="a local page to build, train and look inside a network",
        description=(
            "Start a web server on 127.0.0.1 and open the playground: presets and your own "
            "points or CSV, the lecture's perceptron, networks trained step by step."
        ),
    )
    p.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="print the address only")
    p.add_argument(
        "--no-token",
        action="store_true",
        help="serve without the per-launch token (a plain local URL; less safe)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; return the exit status."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port: expected 0 to 65535, got {args.port}")
    try:
        server = PlaygroundServer(port=args.port, token=None if args.no_token else "")
    except OSError as error:
        raise UsageError(f"--port {args.port}: cannot listen there ({error.strerror})") from None
    if args.no_token:
        print(NO_TOKEN_WARNING, file=sys.stderr)
    print(f"glassnet playground at {server.url}")
    print("(the token in the address lets only your browser in; Ctrl-C stops the server)")
    sys.stdout.flush()
    if not args.no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    finally:
        server.stop_sessions()
        server.server_close()
    return 0
