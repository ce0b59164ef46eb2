"""`timeline serve`: build into a temporary folder, serve it, rebuild and reload on every change."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import hashlib
import ipaddress
import json
import logging
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web
import tornado.websocket

from timeline.content.gate import relative
from timeline.content.load import require_project
from timeline.errors import TimelineError, UsageError, plural, printable
from timeline.serve.overlay import QuickPages
from timeline.serve.preview import BuildState, Preview, Rebuild, site_builder
from timeline.site.writer import intact_files

log = logging.getLogger(__name__)

RELOAD_SOCKET = "/livereload"  # both paths are fixed by livereload.js, which finds the
RELOAD_SCRIPT = "/livereload.js"  # server's host and port in its own script URL
HELLO = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"],
         "serverName": "timeline"}


HOST_HEADER = re.compile(r"(?P<name>\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::[0-9]{1,5})?")
HOST_NAME = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*",
                       re.IGNORECASE)


class ServeError(TimelineError):
    """The preview cannot start: a busy port, an address that is not this computer's."""


@dataclass(frozen=True)
class Hosts:
    """The names a preview answers to: localhost, *.localhost, IP addresses, and names allowed.

    A page on attacker.example whose name the attacker then points at 127.0.0.1 (DNS
    rebinding) reaches the server with `Host: attacker.example`; an IP address or a
    localhost name cannot be pointed anywhere by an attacker, so only those are safe
    without being named. The port is not checked: the attacker's page uses the right
    one anyway, and a forwarded port (`ssh -L 9000:localhost:8000`) must work.
    """

    names: frozenset[str] = frozenset()

    @classmethod
    def serving(cls, host: str, allowed: Iterable[str] = ()) -> Hosts:
        """Return the Hosts of a server bound to host, with the names given to --allow-host."""
        names = set()
        for name in allowed:
            if not HOST_NAME.fullmatch(name):
                raise UsageError(f"--allow-host takes a host name such as mybox.local, "
                                 f"not '{name}'")
            names.add(name.lower())
        if HOST_NAME.fullmatch(host) and not _is_ip(host):
            names.add(host.lower())  # --host mybox.local: the name it was given
        return cls(frozenset(names))

    def accepts(self, name: str) -> bool:
        """Tell whether a host name (as in a Host header, without its port) is answered."""
        name = name.lower()
        return (name == "localhost" or name.endswith(".localhost") or name in self.names
                or _is_ip(name[1:-1] if name.startswith("[") else name))

    def refusal(self, host: str | None) -> str | None:
        """Return why a request with this Host header is refused, or None to answer it."""
        match = HOST_HEADER.fullmatch(host) if host is not None else None
        if match and self.accepts(match["name"]):
            return None
        asked = "a request without a Host header" if host is None else f"Host '{host}'"
        advice = ""
        if match and HOST_NAME.fullmatch(match["name"]):
            advice = f"; to preview under this name, start it with --allow-host {match['name']}"
        return printable(f"refused {asked}: timeline serve answers only to localhost, "
                         "*.localhost, IP addresses and names given with --allow-host "
                         f"(DNS rebinding protection){advice}")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _refuse(handler: tornado.web.RequestHandler, reason: str) -> None:
    """Answer 403 with a one-line, plain-text reason."""
    handler.set_status(403)
    handler.clear_header("Content-Type")
    handler.set_header("Content-Type", "text/plain; charset=utf-8")
    handler.set_header("X-Content-Type-Options", "nosniff")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(f"403: {reason}\n")


class LocalHandler(tornado.web.RequestHandler):
    """A handler that answers only requests whose Host is one the preview answers to."""

    hosts: Hosts

    def prepare(self) -> None:
        reason = self.hosts.refusal(self.request.headers.get("Host"))
        if reason is not None:
            log.debug("403 %s", reason)
            _refuse(self, reason)


class SiteHandler(LocalHandler):
    """Answer GET and HEAD for the site's files through Preview.respond."""

    def initialize(self, preview: Preview, hosts: Hosts) -> None:
        self.preview = preview
        self.hosts = hosts

    def get(self) -> None:
        response = self.preview.respond(self.request.uri or "")
        self.set_status(response.status)
        for name, value in response.headers.items():
            self.set_header(name, value)
        self.finish(response.body)  # Tornado sends no body for HEAD

    head = get

    def compute_etag(self) -> None:
        return None


class LiveReloadScript(LocalHandler):
    """Serve livereload.js from the livereload package."""

    def initialize(self, hosts: Hosts) -> None:
        self.hosts = hosts

    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.finish(_livereload_js())


@functools.cache
def _livereload_js() -> bytes:
    return resources.files("livereload").joinpath("vendors", "livereload.js").read_bytes()


class Browsers:
    """The pages connected over livereload's websocket protocol (used on the server's loop)."""

    def __init__(self) -> None:
        self.sockets: set[ReloadSocket] = set()

    def reload(self, path: str) -> None:
        """Tell every page to reload (a stylesheet's path reloads only the stylesheet)."""
        message = json.dumps({"command": "reload", "path": path, "liveCSS": True,
                              "liveImg": False})
        for page in list(self.sockets):
            try:
                page.write_message(message)
            except tornado.websocket.WebSocketClosedError:
                self.sockets.discard(page)

    def close(self) -> None:
        """Close every connection."""
        for page in list(self.sockets):
            page.close()
        self.sockets.clear()


class ReloadSocket(tornado.websocket.WebSocketHandler, LocalHandler):
    """The server's side of livereload's protocol: answer hello, then send reloads.

    Only pages of the preview may connect: a browser always sends the page's Origin
    with a websocket request, and it must be the Host asked for. A request without
    an Origin comes from a program, not a page, and could open the port anyway.
    """

    def initialize(self, browsers: Browsers, hosts: Hosts) -> None:
        self.browsers = browsers
        self.hosts = hosts

    def prepare(self) -> None:
        super().prepare()
        origin = self.request.headers.get("Origin")
        if self._finished or origin is None or self.check_origin(origin):
            return
        host = self.request.headers.get("Host", "")
        _refuse(self, printable(
            f"refused a livereload connection from Origin '{origin}': only pages of this "
            f"preview (Origin http://{host}) may connect (cross-site WebSocket protection)"))

    def check_origin(self, origin: str) -> bool:
        parts = urlsplit(origin)
        host = self.request.headers.get("Host", "")
        return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()

    def on_message(self, message: str | bytes) -> None:
        with contextlib.suppress(ValueError):
            command = json.loads(message)
            if isinstance(command, dict) and command.get("command") == "hello":
                self.write_message(json.dumps(HELLO))
                self.browsers.sockets.add(self)

    def on_close(self) -> None:
        self.browsers.sockets.discard(self)


def make_app(preview: Preview, browsers: Browsers, hosts: Hosts) -> tornado.web.Application:
    """Return the Tornado application that serves a preview."""
    return tornado.web.Application([
        (re.escape(RELOAD_SOCKET), ReloadSocket, {"browsers": browsers, "hosts": hosts}),
        (re.escape(RELOAD_SCRIPT), LiveReloadScript, {"hosts": hosts}),
        (r".*", SiteHandler, {"preview": preview, "hosts": hosts}),
    ], log_function=_log_request)


def _log_request(handler: tornado.web.RequestHandler) -> None:
    request = handler.request
    log.debug("%d %s %s %.1f ms", handler.get_status(), request.method, request.uri,
              1000 * request.request_time())


class PreviewServer:
    """Listen on host:port; serve a Preview, with livereload's websocket, until stopped."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 8000,
                 allowed_hosts: Iterable[str] = ()) -> None:
        self.browsers = Browsers()
        self.hosts = Hosts.serving(host, allowed_hosts)
        self.sockets = listen(host, port)
        self.port = self.sockets[0].getsockname()[1]
        self.url = f"http://{url_host(host)}:{self.port}/"
        local = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host)  # any address
        self.browse_url = f"http://{local}:{self.port}/" if local else self.url
        self._loop: tornado.ioloop.IOLoop | None = None
        self._stop_requested = threading.Event()
        self._stopping: asyncio.Event | None = None

    def run(self, preview: Preview) -> None:
        """Serve preview until stop() is called; then close every connection."""
        try:
            asyncio.run(self._serve(preview))
        finally:
            for sock in self.sockets:
                sock.close()

    def stop(self) -> None:
        """Ask the server to stop (from any thread, or a signal handler)."""
        self._stop_requested.set()
        if self._loop is not None:
            self._loop.add_callback(self._stop_now)

    def reload(self, path: str = "/") -> None:
        """Tell the open pages to reload (from any thread)."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has just closed
                loop.add_callback(self.browsers.reload, path)

    def _stop_now(self) -> None:
        if self._stopping is not None:
            self._stopping.set()

    async def _serve(self, preview: Preview) -> None:
        self._stopping = asyncio.Event()
        self._loop = tornado.ioloop.IOLoop.current()
        if self._stop_requested.is_set():
            return
        server = tornado.httpserver.HTTPServer(make_app(preview, self.browsers, self.hosts))
        server.add_sockets(self.sockets)
        try:
            with _loop_signals(self.stop):
                await self._stopping.wait()
            server.stop()
            self.browsers.close()
            await server.close_all_connections()
        finally:
            self._loop = None


def listen(host: str, port: int) -> list[socket.socket]:
    """Return listening sockets for host:port; port 0 picks a free port."""
    try:
        return tornado.netutil.bind_sockets(port, address=host)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} is already in use on {host} (another `timeline "
                             "serve`?); stop the program using it, choose another port with "
                             "--port, or use --port 0 to pick a free one") from None
        if error.errno == errno.EACCES:
            raise ServeError(f"not allowed to listen on port {port} (ports below 1024 need "
                             "administrator rights); use --port 8000 or --port 0") from None
        raise ServeError(f"cannot listen on {host} port {port}: {error.strerror or error}; "
                         "give --host an address of this computer, such as 127.0.0.1"
                         ) from None


def url_host(host: str) -> str:
    """Return host as written in a URL ([::1] for an IPv6 address)."""
    return f"[{host}]" if ":" in host else host


def exposure_warning(host: str) -> str | None:
    """Return a warning if host makes the preview reachable from other computers."""
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if local:
        return None
    return (f"warning: listening on {host}: other computers on the network can see this "
            "preview (drafts included). Leave out --host to keep it to this computer.")


def serve(project: Path, *, host: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
          open_browser: bool = False, allowed_hosts: Iterable[str] = (), jobs: int = 1) -> None:
    """Build project into a temporary folder and serve it, rebuilding on changes, until Ctrl-C."""
    from timeline.serve.watcher import Debouncer, Watcher

    require_project(project)
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {port}")
    temp = Path(tempfile.mkdtemp(prefix="timeline-serve-"))
    try:
        server = PreviewServer(host=host, port=port, allowed_hosts=allowed_hosts)
        # Absolute links (the 404 page's, feeds) lead to the preview, as in `zola serve`.
        quick = QuickPages(project, drafts=drafts)
        builder = site_builder(project, drafts=drafts, base_url=server.browse_url, jobs=jobs,
                               quick=quick)
        preview = Preview(builder, temp / "site")
        warning = exposure_warning(host)
        if warning:
            print(warning, file=sys.stderr, flush=True)
        debouncer = Debouncer(Rebuilder(preview, server, project, quick))
        watcher = Watcher(project, debouncer.add, ignore=[temp])
        with _stop_on_signals(server.stop):
            watcher.start()
            try:
                _report(preview.rebuild(), preview.state)
                debouncer.start()
                print(f"Serving {server.url} (press Ctrl-C to stop)", flush=True)
                if open_browser:
                    threading.Thread(target=webbrowser.open, args=(server.browse_url,),
                                     daemon=True).start()
                server.run(preview)
            finally:
                watcher.stop()
                debouncer.stop()
    finally:
        shutil.rmtree(temp, ignore_errors=True)


class Rebuilder:
    """Answer each batch of changes: the edited events' pages at once where the fast path
    can render them (timeline.serve.overlay), then the full build, as `timeline build`.

    The pages rendered ahead are served over the site until the build ends; the open
    pages are told to reload then only if the build made other bytes of those pages, or
    changed another page, or failed.
    """

    def __init__(self, preview: Preview, server: PreviewServer, project: Path,
                 quick: QuickPages | None = None) -> None:
        self.preview = preview
        self.server = server
        self.project = project
        self.quick = quick

    def __call__(self, changes: set[Path]) -> None:
        """Serve what changed, as soon as it can be, then as the full build made it."""
        had_errors = bool(self.preview.state.errors)
        pages = self._ahead(changes) if not had_errors else None
        before = intact_files(self.preview.output) if pages else {}
        outcome = self.preview.rebuild()
        _report(outcome, self.preview.state, changes=_describe(changes, self.project))
        if pages and not outcome.errors and not _stale(
                pages, before, intact_files(self.preview.output)):
            return
        css_only = all(p.suffix == ".css" for p in changes)
        stylesheet = css_only and not had_errors and not outcome.errors
        self.server.reload(min(changes).name if stylesheet else "/")

    def _ahead(self, changes: set[Path]) -> dict[str, bytes] | None:
        """Serve the pages of edited events before the build, if the fast path applies."""
        if self.quick is None:
            return None
        started = time.perf_counter()
        pages = self.quick.render(changes)
        if not pages:
            return None
        self.preview.show(pages)
        self.server.reload("/")
        names = ", ".join(sorted(printable(dest) for dest in pages))
        print(f"{time.strftime('%H:%M:%S')} served {names} in "
              f"{1000 * (time.perf_counter() - started):.0f} ms, ahead of the rebuild",
              flush=True)
        return pages


def _stale(pages: Mapping[str, bytes], before: Mapping[str, str],
           after: Mapping[str, str]) -> bool:
    """Tell whether an open page may show other than the build made: a page served ahead
    of it differs from the build's, or the build changed another page."""
    if any(hashlib.sha256(body).hexdigest() != after.get(dest) for dest, body in pages.items()):
        return True
    changed = {dest for dest in before.keys() | after.keys() if before.get(dest) != after.get(dest)}
    return any(dest.endswith(".html") and dest not in pages for dest in changed)


def _report(outcome: Rebuild, state: BuildState, *, changes: str | None = None) -> None:
    """Print how a build went: its time, or its errors in the form `timeline build` uses."""
    clock = time.strftime("%H:%M:%S")
    for error in outcome.errors:
        print(error, file=sys.stderr, flush=True)
    count = len(outcome.errors)
    errors = plural(count, "error")
    serving = ("still serving the last good site" if state.has_site
               else "nothing to serve until it builds; fix and save")
    if changes is None:
        line = (f"{clock} built {outcome.summary} in {outcome.seconds:.2f} s" if not count
                else f"{clock} build failed in {outcome.seconds:.2f} s: {errors}; {serving}")
    elif not count:
        line = (f"{clock} rebuilt in {outcome.seconds:.2f} s ({outcome.summary}) after "
                f"changes to {changes}")
    else:
        line = f"{clock} rebuild failed in {outcome.seconds:.2f} s: {errors}; {serving}"
    print(line, file=sys.stderr if count else sys.stdout, flush=True)


def _describe(changes: set[Path], project: Path, limit: int = 3) -> str:
    names = sorted(relative(project.resolve(), p) for p in changes)
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return printable(", ".join(names[:limit]) + more)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _loop_signals(stop: Callable[[], None]) -> Iterator[None]:
    """While the event loop waits, let Ctrl-C and SIGTERM wake it and call stop.

    A plain signal handler runs only when the main thread runs Python, and the
    signal may land on a watcher's thread while the main one sleeps in epoll;
    the loop's own handlers wake it through a file descriptor.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    try:
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, stop)
    except NotImplementedError:  # Windows: the plain handlers will do
        yield
        return
    try:
        yield
    finally:
        for sig, old in previous.items():
            loop.remove_signal_handler(sig)
            signal.signal(sig, old)


@contextlib.contextmanager
def _stop_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """Make Ctrl-C and SIGTERM call stop; a second Ctrl-C interrupts at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = 0

    def handler(signum: int, frame: Any) -> None:
        nonlocal received
        received += 1
        if received > 1:
            raise KeyboardInterrupt
        stop()

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
