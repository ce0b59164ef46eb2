"""`timeline check --links`: sources' URLs requested from a local server, never the internet."""

from __future__ import annotations

import socket
import ssl
import threading
import time
import urllib.error
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import MakeProject
from test_cli import run

from timeline import __version__
from timeline.content.linkrot import (
    USER_AGENT,
    Link,
    Outcome,
    check_links,
    outcome_of_failure,
    request,
)
from timeline.errors import Severity

SLOW = 1.5  # seconds the slow path waits; the tests give --timeout 0.5
GIVEN_UP = 0.4  # the client stops waiting for the slow path at 0.5 s: count it, with a
# margin for the time its request took to arrive, as in flight until then only


@dataclass
class Seen:
    """What the server was asked, counted under a lock by its handler threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    agents: set[str] = field(default_factory=set)
    in_flight: int = 0
    most: int = 0


@dataclass
class Server:
    base: str
    port: int
    seen: Seen


def _handler(seen: Seen) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer()

        def do_GET(self) -> None:
            self._answer()

        def _answer(self) -> None:
            with seen.lock:
                seen.requests[(self.command, self.path)] += 1
                seen.agents.add(self.headers.get("User-Agent", ""))
                seen.in_flight += 1
                seen.most = max(seen.most, seen.in_flight)
            counted = True
            try:
                if self.path == "/slow":
                    # in flight for the client only until its timeout: it then moves on,
                    # while this handler sleeps on
                    time.sleep(GIVEN_UP)
                    with seen.lock:
                        seen.in_flight -= 1
                    counted = False
                    time.sleep(SLOW - GIVEN_UP)
                self._respond()
            finally:
                if counted:
                    with seen.lock:
                        seen.in_flight -= 1

        def _respond(self) -> None:
            path = self.path
            if path == "/nohead" and self.command == "HEAD":
                return self._send(405)
            redirects = {"/moved": "/target", "/loop": "/loop", "/to-ftp": "ftp://example.org/x"}
            if path in redirects:
                return self._send(301, redirects[path])
            codes = {"/missing": 404, "/gone": 410, "/busy": 429, "/broken": 503}
            self._send(codes.get(path, 200))

        def _send(self, code: int, location: str | None = None) -> None:
            self.send_response(code)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    seen = Seen()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(seen))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    try:
        yield Server(f"http://127.0.0.1:{port}", port, seen)
    finally:
        httpd.shutdown()
        httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


ADD = "add an archived copy with 'archive' so readers can still check it"
NO_ARCHIVE = "has a url but no archive: add an archived copy so the source stays checkable"


def _source(source_id: str, url: str, archive: bool = True) -> str:
    text = f"{source_id}:\n  title: {source_id}\n  url: {url}\n"
    return text + (f"  archive: https://archive.example.org/{source_id}\n" if archive else "")


def _project(make_project: MakeProject, base: str, closed: int) -> Path:
    https = base.replace("http://", "https://")
    sources = "".join([
        _source("ok", f"{base}/ok"),  # line 1
        _source("moved", f"{base}/moved"),  # 5
        _source("missing", f"{base}/missing"),  # 9
        _source("gone", f"{base}/gone", archive=False),  # 13
        _source("slow", f"{base}/slow"),  # 16
        _source("nohead", f"{base}/nohead"),  # 20
        _source("busy", f"{base}/busy"),  # 24
        _source("tls", f"{https}/ok"),  # 28
        _source("refused", f"http://127.0.0.1:{closed}/"),  # 32
        _source("ok-again", f"{base}/ok"),  # 36: the same URL as 'ok'
    ])
    ids = "ok, moved, missing, gone, slow, nohead, busy, tls, refused, ok-again"
    event = ("---\ntitle: An event\ndate: 2023-01-04\n"
             f"sources: [{ids}, {{id: own, title: Own, url: \"{base}/missing\"}}]\n---\nText.\n")
    return make_project({"content/e.md": event}, sources=sources)


def _tls_reason(base: str) -> str:
    """Return how this machine's OpenSSL names the failure of a TLS handshake with a plain
    HTTP server (WRONG_VERSION_NUMBER, with the OpenSSL of Debian 12)."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as plain:
        try:
            ssl.create_default_context().wrap_socket(plain, server_hostname=host)
        except ssl.SSLError as error:
            return str(error.reason)
    raise AssertionError("a plain HTTP server finished a TLS handshake")


def test_check_links_reports_dead_sources_where_they_are_declared(
        make_project: MakeProject, server: Server) -> None:
    closed = _closed_port()
    project = _project(make_project, server.base, closed)
    base, https = server.base, server.base.replace("http://", "https://")
    archive = "readers can use its archive copy https://archive.example.org/"
    result = run("check", project, "--links", "--timeout", "0.5")
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"content/e.md:4: warning: source 'own' {NO_ARCHIVE}",
        f"content/e.md:4: error: source 'own': {base}/missing answers 404 Not Found; {ADD}",
        f"content/sources.yaml:9: error: source 'missing': {base}/missing answers 404 Not "
        f"Found; {archive}missing",
        f"content/sources.yaml:13: warning: source 'gone' {NO_ARCHIVE}",
        f"content/sources.yaml:13: error: source 'gone': {base}/gone answers 410 Gone; {ADD}",
        f"content/sources.yaml:16: warning: source 'slow': {base}/slow did not answer within "
        f"0.5 s; {archive}slow",
        f"content/sources.yaml:24: warning: source 'busy': {base}/busy answers 429 Too Many "
        f"Requests; {archive}busy",
        f"content/sources.yaml:28: error: source 'tls': {https}/ok cannot be reached: TLS "
        f"error ({_tls_reason(server.base)}); {archive}tls",
        f"content/sources.yaml:32: error: source 'refused': http://127.0.0.1:{closed}/ cannot "
        f"be reached: the connection is refused; {archive}refused",
        "5 errors, 4 warnings",
    ]
    assert result.returncode == 1
    seen = server.seen
    assert seen.agents == {USER_AGENT}
    assert USER_AGENT.startswith(f"timeline/{__version__} (link check")
    assert seen.requests == Counter({
        ("HEAD", "/ok"): 1,  # shared by 'ok' and 'ok-again': requested once
        ("HEAD", "/moved"): 1, ("HEAD", "/target"): 1,
        ("HEAD", "/missing"): 1,  # shared by 'missing' and the event's own 'own'
        ("HEAD", "/gone"): 1, ("HEAD", "/slow"): 1,
        ("HEAD", "/nohead"): 1, ("GET", "/nohead"): 1,  # HEAD refused: asked again with GET
        ("HEAD", "/busy"): 1,
    })
    assert seen.most <= 2  # one host: at most two requests at once


def test_without_links_nothing_is_requested(make_project: MakeProject, server: Server) -> None:
    project = _project(make_project, server.base, _closed_port())
    result = run("check", project)
    assert result.stdout.splitlines()[-1] == "0 errors, 2 warnings"
    assert result.returncode == 0
    assert server.seen.requests == Counter()


def test_a_slow_or_busy_link_fails_check_only_with_strict(make_project: MakeProject,
                                                          server: Server) -> None:
    sources = _source("slow", f"{server.base}/slow") + _source("busy", f"{server.base}/broken")
    event = "---\ntitle: An event\ndate: 2023-01-04\nsources: [slow, busy]\n---\nText.\n"
    project = make_project({"content/e.md": event}, sources=sources)
    archive = "readers can use its archive copy https://archive.example.org/"
    lines = [f"content/sources.yaml:1: warning: source 'slow': {server.base}/slow did not "
             f"answer within 0.5 s; {archive}slow",
             f"content/sources.yaml:5: warning: source 'busy': {server.base}/broken answers "
             f"503 Service Unavailable; {archive}busy"]
    result = run("check", project, "--links", "--timeout", "0.5")
    assert result.stdout.splitlines() == [*lines, "0 errors, 2 warnings"]
    assert result.returncode == 0
    result = run("check", project, "--links", "--timeout", "0.5", "--strict")
    assert result.stdout.splitlines() == [line.replace(": warning: ", ": error: ")
                                          for line in lines] + ["2 errors, 0 warnings"]
    assert result.returncode == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--links", "--timeout", "0"], "argument --timeout: must be more than 0 and at most 300 "
                                    "seconds, not 0"),
    (["--links", "--timeout", "soon"], "argument --timeout: must be a number of seconds, "
                                       "not 'soon'"),
    (["--links", "--timeout", "nan"], "argument --timeout: must be more than 0 and at most "
                                      "300 seconds, not nan"),
    (["--timeout", "5"], None),
])
def test_a_bad_timeout_is_a_usage_error(make_project: MakeProject, args: list[str],
                                        message: str | None) -> None:
    project = make_project()
    result = run("check", project, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    if message is None:
        assert result.stderr == "error: --timeout is for --links: give both, or neither\n"
    else:
        assert result.stderr.splitlines()[-1] == f"timeline check: error: {message}"


def test_redirects_are_followed_five_times_at_most_and_only_to_http(server: Server) -> None:
    assert request(f"{server.base}/moved", timeout=5) == Outcome()
    assert request(f"{server.base}/loop", timeout=5) == Outcome(
        Severity.ERROR, "redirects more than 5 times")
    assert server.seen.requests[("HEAD", "/loop")] == 6
    assert request(f"{server.base}/to-ftp", timeout=5) == Outcome(
        Severity.ERROR, "redirects to ftp://example.org/x, which is not an http(s) address")


def test_an_unknown_host_is_an_error() -> None:
    failure = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    assert outcome_of_failure(failure, 10) == Outcome(
        Severity.ERROR, "cannot be reached: its host name is not known (DNS)")


def test_other_schemes_are_skipped_and_shared_urls_fetched_once() -> None:
    asked: list[str] = []

    def fetch(url: str) -> Outcome:
        asked.append(url)
        return Outcome(Severity.ERROR, "answers 404 Not Found")

    links = [Link("s.yaml", 1, "a", "ftp://example.org/a"),
             Link("s.yaml", 2, "b", "https://example.org/b"),
             Link("e.md", 3, "c", "https://example.org/b", "https://archive.example.org/b")]
    assert [str(d) for d in check_links(links, fetch)] == [
        f"s.yaml:2: error: source 'b': https://example.org/b answers 404 Not Found; {ADD}",
        "e.md:3: error: source 'c': https://example.org/b answers 404 Not Found; readers can "
        "use its archive copy https://archive.example.org/b",
    ]
    assert asked == ["https://example.org/b"]


@pytest.mark.parametrize(("hosts", "bound"), [(20, 8), (1, 2)])
def test_requests_in_flight_never_exceed_the_bounds(hosts: int, bound: int) -> None:
    lock = threading.Lock()
    counts = {"now": 0, "most": 0}

    def fetch(url: str) -> Outcome:
        with lock:
            counts["now"] += 1
            counts["most"] = max(counts["most"], counts["now"])
        time.sleep(0.2)  # long enough for every free worker to start one
        with lock:
            counts["now"] -= 1
        return Outcome()

    links = [Link("s.yaml", n, f"s{n}", f"https://host{n % hosts}.example.org/{n}")
             for n in range(24)]
    assert check_links(links, fetch) == []
    assert counts["most"] == bound
