"""`glassnet playground`: a local page to build, train and look inside a network.

The page talks to the real engine in this process: a `PlaygroundServer` on 127.0.0.1
keeps one `Session` per tab (its data, perceptron or network, training thread) and
streams each step to the page with server-sent events. See `_server` for the security
rules (token, Host and Origin checks, limits) and `LIMITS` for the caps.

>>> server = PlaygroundServer(port=0, token=None)
>>> server.url.startswith("http://127.0.0.1:")
True
>>> server.server_close()
"""

from glassnet.cli.playground._limits import LIMITS, RequestError
from glassnet.cli.playground._server import PlaygroundServer

__all__ = ["LIMITS", "PlaygroundServer", "RequestError"]
