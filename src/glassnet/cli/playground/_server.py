"""The playground's web server: 127.0.0.1 only, a per-launch token, Host and Origin
checks, bounded work, and the page's assets from a fixed list inside the package.

Requests pass, in order: the Host check (403 unless `127.0.0.1:PORT`, `localhost:PORT`
or `[::1]:PORT`, which stops DNS rebinding), the token (403 without the launch's
cookie; `GET /?token=...` sets it and redirects to `/`), the Origin check on POST and
the event stream (403 unless same origin), the body size (413 over 10 MB). A bad
value gets a 400 whose JSON `error` names the argument and the limit. No path from a
request ever reaches the file system: assets are looked up by name in `STATIC`.

>>> server = PlaygroundServer(port=0)
>>> server.server_address[0]
'127.0.0.1'
>>> server.server_close()
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from glassnet.cli.playground import _exports
from glassnet.cli.playground._data import PRESETS
from glassnet.cli.playground._limits import LIMITS, RequestError
from glassnet.cli.playground._session import Session, Trainings

__all__ = ["SECURITY_HEADERS", "STATIC", "PlaygroundServer"]

# URL path -> (file in the package's static folder, content type). Nothing else is served.
STATIC: dict[str, tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/playground.js": ("playground.js", "text/javascript; charset=utf-8"),
    "/playground.css": ("playground.css", "text/css; charset=utf-8"),
}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

# GET /api/download/<kind>: (what makes it, file name, content type). The file names are fixed.
DOWNLOADS = {
    "csv": (_exports.data_csv, "playground-data.csv", "text/csv; charset=utf-8"),
    "python": (_exports.python_code, "playground_run.py", "text/x-python; charset=utf-8"),
    "model": (_exports.model_file, "playground-model.glassnet", "application/octet-stream"),
}

# POST /api/<action>: the Session method each calls (with the JSON body, or without).
ACTIONS = {
    "load": ("load", True),
    "split": ("set_split", True),
    "add-point": ("add_point", True),
    "remove-point": ("remove_point", True),
    "mode": ("set_mode", True),
    "perceptron": ("set_perceptron", True),
    "network": ("set_network", True),
    "start": ("start", False),
    "pause": ("stop", False),
    "step": ("step", False),
    "reset": ("reset", False),
}


class PlaygroundServer(ThreadingHTTPServer):
    """The server: `token=None` turns the token off (`--no-token`).

    Attributes:
        token: the launch's token, or None.
        url: the address to open (with the token once).
    """

    daemon_threads = True

    def __init__(self, port: int = 0, token: str | None = "") -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.port = self.server_address[1]
        self.token = secrets.token_urlsafe(32) if token == "" else token
        self.cookie = f"glassnet_playground_{self.port}"
        self.hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}", f"[::1]:{self.port}"}
        self.origins = {f"http://{host}" for host in self.hosts}
        self.sessions: dict[str, Session] = {}
        self.sessions_lock = threading.Lock()
        self.trainings = Trainings(LIMITS["max_trainings"])
        self.closing = threading.Event()
        self._assets: dict[str, bytes] = {}

    @property
    def url(self) -> str:
        base = f"http://127.0.0.1:{self.port}/"
        return base if self.token is None else f"{base}?token={self.token}"

    def asset(self, name: str) -> bytes:
        if name not in self._assets:
            self._assets[name] = resources.files(__package__).joinpath("static", name).read_bytes()
        return self._assets[name]

    def new_session(self) -> Session:
        with self.sessions_lock:
            if len(self.sessions) >= LIMITS["max_sessions"]:
                idle = [s for s in self.sessions.values() if not s.running]
                if not idle:
                    raise RequestError(
                        f"at most {LIMITS['max_sessions']} pages at once; close one", status=429
                    )
                oldest = min(idle, key=lambda s: s.last_used)
                del self.sessions[oldest.name]
            session = Session(secrets.token_hex(16), self.trainings)
            self.sessions[session.name] = session
            return session

    def session(self, name) -> Session:
        with self.sessions_lock:
            session = self.sessions.get(name) if isinstance(name, str) else None
        if session is None:
            raise RequestError("session: unknown or expired session; reload the page", status=404)
        return session

    def stop_sessions(self) -> None:
        """Stop every training and end the event streams."""
        self.closing.set()
        for session in list(self.sessions.values()):
            session.stop()
            with session.changed:
                session.changed.notify_all()

    def shutdown(self) -> None:
        self.stop_sessions()
        super().shutdown()


class _Handler(BaseHTTPRequestHandler):
    server: PlaygroundServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # the terminal stays quiet
        pass

    # -- answers ---------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None):
        self.send_response(status)
        for name, value in {**SECURITY_HEADERS, **(extra or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value) -> None:
        self._send(status, json.dumps(value).encode(), "application/json; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    # -- checks ----------------------------------------------------------------

    def _allowed(self, needs_origin: bool) -> bool:
        """Host, token and Origin checks; on failure the 403 is already sent."""
        if self.headers.get("Host", "") not in self.server.hosts:
            self.close_connection = True
            self._error(403, "forbidden: the Host header must be this machine's playground address")
            return False
        if self.server.token is not None and not self._has_token():
            self._error(
                403, "forbidden: open the address glassnet playground printed (with its token)"
            )
            return False
        origin = self.headers.get("Origin")
        site = self.headers.get("Sec-Fetch-Site")
        if origin is not None and origin not in self.server.origins:
            self._error(403, "forbidden: cross-origin request")
            return False
        if needs_origin and origin is None:
            self._error(
                403, "forbidden: a state-changing request needs a same-origin Origin header"
            )
            return False
        if site is not None and site not in ("same-origin", "none"):
            self._error(403, "forbidden: cross-site request")
            return False
        return True

    def _has_token(self) -> bool:
        try:
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            return False
        morsel = cookie.get(self.server.cookie)
        return morsel is not None and secrets.compare_digest(
            morsel.value.encode(), self.server.token.encode()
        )

    # -- GET -------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/" and "token" in query and self.server.token is not None:
            if self.headers.get("Host", "") not in self.server.hosts:
                self._error(
                    403, "forbidden: the Host header must be this machine's playground address"
                )
            elif secrets.compare_digest(query["token"][0].encode(), self.server.token.encode()):
                cookie = (
                    f"{self.server.cookie}={self.server.token}; HttpOnly; SameSite=Strict; Path=/"
                )
                self._send(303, b"", "text/plain", {"Location": "/", "Set-Cookie": cookie})
            else:
                self._error(403, "forbidden: wrong token")
            return
        if parts.path == "/api/events":
            if self._allowed(needs_origin=False):
                self._events(query.get("session", [None])[0])
            return
        if not self._allowed(needs_origin=False):
            return
        if parts.path in STATIC:
            name, content_type = STATIC[parts.path]
            self._send(200, self.server.asset(name), content_type)
        elif parts.path == "/api/state":
            self._answer(lambda: self.server.session(query.get("session", [None])[0]).snapshot())
        elif parts.path.startswith("/api/download/") and parts.path[14:] in DOWNLOADS:
            self._download(parts.path[14:], query.get("session", [None])[0])
        elif parts.path == "/api/limits":
            self._json(200, {"limits": LIMITS, "presets": PRESETS})
        else:
            self._error(404, "not found")

    def _download(self, kind: str, name) -> None:
        make, filename, content_type = DOWNLOADS[kind]
        try:
            content = make(self.server.session(name))
        except RequestError as error:
            self._error(error.status, str(error))
            return
        body = content.encode() if isinstance(content, str) else content
        disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
        self._send(200, body, content_type, disposition)

    def _events(self, name) -> None:
        try:
            session = self.server.session(name)
        except RequestError as error:
            self._error(error.status, str(error))
            return
        self.send_response(200)
        for key, value in SECURITY_HEADERS.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not self.server.closing.is_set():
                with session.changed:
                    if session.version == seen:
                        session.changed.wait(timeout=10)
                    changed = session.version != seen
                if changed:
                    state = session.snapshot()
                    seen = state["version"]
                    self.wfile.write(b"data: " + json.dumps(state).encode() + b"\n\n")
                else:
                    self.wfile.write(b": alive\n\n")
                self.wfile.flush()
                time.sleep(0.05)  # at most 20 frames a second
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    # -- POST ------------------------------------------------------------------

    def do_POST(self) -> None:
        if not self._allowed(needs_origin=True):
            return
        body = self._body()
        if body is None:
            return
        path = urlsplit(self.path).path
        if path == "/api/session":
            self._answer(lambda: {"session": self.server.new_session().name})
            return
        action = ACTIONS.get(path.removeprefix("/api/")) if path.startswith("/api/") else None
        if path == "/api/explain":
            self._answer(lambda: self.server.session(body.get("session")).explain(body))
            return
        if action is None:
            self._error(404, "not found")
            return
        method, takes_body = action

        def run():
            session = self.server.session(body.get("session"))
            getattr(session, method)(*([body] if takes_body else []))
            return session.snapshot()

        self._answer(run)

    def _body(self) -> dict | None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self._error(411, "a POST needs a Content-Length")
            return None
        if int(length) > LIMITS["max_body_bytes"]:
            self.close_connection = True
            self._error(
                413, f"request body over the limit of {LIMITS['max_body_bytes']} bytes (10 MB)"
            )
            return None
        raw = self.rfile.read(int(length))
        try:
            body = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError, RecursionError):
            self._error(400, "expected a JSON object as the request body")
            return None
        if not isinstance(body, dict):
            self._error(
                400, f"expected a JSON object as the request body, got {type(body).__name__}"
            )
            return None
        return body

    def _answer(self, work) -> None:
        try:
            self._json(200, work())
        except RequestError as error:
            self._error(error.status, str(error))
        except (ValueError, TypeError) as error:  # the engine's own checks, same rules
            self._error(400, str(error)[:500])
