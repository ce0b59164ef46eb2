"""`timeline serve`: request handling with an injected builder, then the real command.

The first half drives `Preview` directly (no network, no watching), MkDocs
style: a builder function writes a few files and the responses are checked.
The second half starts `timeline serve --port 0` as a real process on a copy
of the example project and talks to it over HTTP, as an author's browser would.
"""

from __future__ import annotations

import asyncio
import html
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import pytest
import tornado.httpclient
import tornado.websocket
import yaml
from conftest import REPO
from markupsafe import escape

from timeline.build import build
from timeline.errors import BuildError, ContentError, Diagnostic, TimelineError, UsageError
from timeline.serve.preview import (
    MemoryBytecodeCache,
    Preview,
    inject,
    reload_snippet,
    site_builder,
    site_path,
)
from timeline.serve.server import Hosts, PreviewServer, ServeError, exposure_warning, listen
from timeline.serve.watcher import Debouncer, Watcher, is_editor_file
from timeline.site.theme import default_theme_dir
from timeline.site.writer import MANIFEST, write_site

RELOAD_TAG = b'<script src="/livereload.js"></script>'
TRAVERSALS = [
    "/../../secret.txt",
    "/../../../../../../etc/passwd",
    "/events/../../../secret.txt",
    "/..%2f..%2fsecret.txt",
    "/%2e%2e/%2e%2e/secret.txt",
    "/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/%2E%2E/%2E%2E/secret.txt",
    "/.%2e/.%2e/secret.txt",
    "/events/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    "/%252e%252e/%252e%252e/secret.txt",
    "/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt",
    "/..\\..\\secret.txt",
    "/..%5c..%5csecret.txt",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/etc/passwd",
    "/index.html%00.css",
    "http://example.org/../../secret.txt",
]


# -- request handling, with an injected builder ------------------------------------------


def page(title: str, head: str = "</head>") -> bytes:
    return f"<!DOCTYPE html><html><head><title>{title}</title>{head}<body>" \
           f"<h1>{title}</h1></body></html>".encode()


class FakeSite:
    """A builder that writes given files (atomically, like build) or raises an error."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.error: Exception | None = None
        self.builds = 0

    def __call__(self, output: Path) -> str:
        self.builds += 1
        if self.error is not None:
            raise self.error
        write_site(output, self.files)
        return f"{len(self.files)} files"


@pytest.fixture
def site() -> FakeSite:
    return FakeSite({
        "index.html": page("Home"),
        "404.html": page("Site 404"),
        "events/strike/index.html": page("Strike"),
        "upper/index.html": page("Upper", head="</HEAD >"),
        "bare.html": b"<p>No head, no body</p>",
        "assets/style.css": b"body { color: red }",
        "events.json": b'{"events": []}',
    })


@pytest.fixture
def preview(tmp_path: Path, site: FakeSite) -> Preview:
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    preview = Preview(site, tmp_path / "serve" / "site")
    assert preview.rebuild().errors == ()
    return preview


def test_pages_get_the_reload_script_exactly_once(preview: Preview) -> None:
    for target in ["/", "/index.html", "/events/strike/", "/upper/", "/bare.html", "/nope"]:
        response = preview.respond(target)
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.body.count(RELOAD_TAG) == 1, target
        assert response.body.lower().count(b"livereload.js") == 1
    upper = preview.respond("/upper/").body
    assert upper.index(RELOAD_TAG) < upper.index(b"</HEAD >")
    assert preview.respond("/bare.html").body.startswith(b"<p>No head, no body</p><script")


def test_other_files_are_served_as_they_are(preview: Preview, site: FakeSite) -> None:
    for target, kind in [("/assets/style.css", "text/css; charset=utf-8"),
                         ("/events.json", "application/json; charset=utf-8")]:
        response = preview.respond(target)
        assert response.status == 200
        assert response.headers["Content-Type"] == kind
        assert response.body == site.files[target[1:]]


def test_files_on_disk_never_get_the_script(preview: Preview) -> None:
    for target in ["/", "/events/strike/", "/nope"]:
        preview.respond(target)
    for path in preview.output.rglob("*"):
        assert not path.is_file() or b"livereload" not in path.read_bytes()


def test_folders_redirect_to_their_index(preview: Preview) -> None:
    response = preview.respond("/events/strike?x=1")
    assert response.status == 302
    assert response.headers["Location"] == "/events/strike/"
    assert b"<h1>Strike</h1>" in preview.respond("/events/strike/").body
    assert preview.respond("/events/").status == 404  # a folder without an index
    assert preview.respond("/index.html/").status == 404


def test_unknown_paths_get_the_sites_404_page(preview: Preview) -> None:
    for target in ["/nope", "/events/gone/", "/" + MANIFEST, "/assets/missing.css"]:
        response = preview.respond(target)
        assert response.status == 404, target
        assert b"Site 404" in response.body


@pytest.mark.parametrize("target", TRAVERSALS)
def test_paths_outside_the_site_get_404(preview: Preview, target: str) -> None:
    response = preview.respond(target)
    assert response.status == 404
    assert b"TOP SECRET" not in response.body and b"root:" not in response.body


def test_symlinks_out_of_the_site_get_404(preview: Preview, tmp_path: Path) -> None:
    (preview.output / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (preview.output / "leakdir").symlink_to(tmp_path)
    (preview.output / "alias.html").symlink_to(preview.output / "index.html")
    for target in ["/leak.txt", "/leakdir/secret.txt", "/leakdir/"]:
        response = preview.respond(target)
        assert response.status == 404
        assert b"TOP SECRET" not in response.body
    assert preview.respond("/alias.html").status == 200  # inside the site is fine


def test_site_path_refuses_rather_than_resolves() -> None:
    assert site_path("/") == [""]
    assert site_path("/events/x/?q=1#f") == ["events", "x", ""]
    assert site_path("/caf%C3%A9/") == ["café", ""]
    for target in ["/../x", "/a/../../x", "/..%2fx", "/%2e%2e/x", "/.%2E/x", "/./x", "//x",
                   "/%2fx", "/a//b", "/..\\x", "/a%5cb", "/x%00", "/%c0%ae%c0%ae/x", "x",
                   "http://example.org/x"]:
        assert site_path(target) is None, target
    assert site_path("/%252e%252e/x") == ["%2e%2e", "x"]  # decoded once: a name, not ..


def test_a_failed_rebuild_keeps_the_last_good_site_and_shows_the_errors(
        preview: Preview, site: FakeSite) -> None:
    site.files["index.html"] = page("New home")
    site.error = BuildError([
        Diagnostic("content/strike.md", 3, "invalid date '2023-13-45'"),
        Diagnostic("content/x.md", 1, "bad <script>alert(1)</script> & more"),
    ])
    before = preview.respond("/").headers["X-Timeline-Build"]
    outcome = preview.rebuild()
    assert outcome.errors == ("content/strike.md:3: error: invalid date '2023-13-45'",
                              "content/x.md:1: error: bad <script>alert(1)</script> & more")
    for target in ["/", "/events/strike/", "/nope"]:
        response = preview.respond(target)
        assert response.headers["X-Timeline-Build"] != before
        assert b"content/strike.md:3: error: invalid date &#x27;2023-13-45&#x27;" in response.body
        assert b"bad &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in response.body
        assert b"<script>alert(1)" not in response.body
        assert response.body.count(b'id="timeline-build-error"') == 1
    assert b"<h1>Home</h1>" in preview.respond("/").body  # the last good site
    assert preview.respond("/assets/style.css").body == b"body { color: red }"

    site.error = None
    assert preview.rebuild().errors == ()
    fixed = preview.respond("/").body
    assert b"<h1>New home</h1>" in fixed and b"timeline-build-error" not in fixed


@pytest.mark.parametrize("error, message", [
    (ContentError("timeline.toml", 2, "unknown setting 'titel'"),
     "timeline.toml:2: error: unknown setting 'titel'"),
    (TimelineError("template 'event.html' not found"),
     "error: template 'event.html' not found"),
    (KeyError("oops"), "error: the build crashed (KeyError: 'oops')"),
])
def test_every_kind_of_failure_is_shown(preview: Preview, site: FakeSite,
                                        error: Exception, message: str) -> None:
    site.error = error
    assert preview.rebuild().errors[0].startswith(message)
    assert preview.respond("/").status == 200


def test_a_first_build_that_fails_serves_an_error_page(tmp_path: Path, site: FakeSite) -> None:
    site.error = BuildError([Diagnostic("content/a.md", 2, "missing 'date'")])
    preview = Preview(site, tmp_path / "site")
    preview.rebuild()
    response = preview.respond("/")
    assert response.status == 500
    assert b"content/a.md:2: error: missing &#x27;date&#x27;" in response.body
    assert b"nothing to show until it builds" in response.body
    assert response.body.count(RELOAD_TAG) == 1
    site.error = None
    preview.rebuild()
    assert preview.respond("/").status == 200


def test_requests_during_rebuilds_get_whole_pages(tmp_path: Path) -> None:
    versions = [bytes([65 + i]) * 100_000 for i in range(2)]  # AAAA... and BBBB...
    files = {f"p{n}/index.html": versions[0] for n in range(10)}
    site = FakeSite(files)
    preview = Preview(site, tmp_path / "site")
    preview.rebuild()
    stop = threading.Event()
    seen: list[tuple[int, bytes]] = []

    def hammer() -> None:
        while not stop.is_set():
            for n in range(10):
                response = preview.respond(f"/p{n}/")
                seen.append((response.status, response.body[:100_000]))

    readers = [threading.Thread(target=hammer) for _ in range(3)]
    for reader in readers:
        reader.start()
    for i in range(1, 11):
        site.files = {name: versions[i % 2] for name in files}
        preview.rebuild()
    stop.set()
    for reader in readers:
        reader.join()
    assert len(seen) > 100
    assert {body for _, body in seen} == set(versions)  # both seen, and nothing else
    assert {status for status, _ in seen} == {200}


def test_inject_and_snippet() -> None:
    snippet = reload_snippet("abc-1", [])
    assert snippet.count(b"livereload.js") == 1 and b'"abc-1"' in snippet
    assert b"timeline-build-error" not in snippet
    assert inject(b"<head></head><body></body>", b"X") == b"<head>X</head><body></body>"
    assert inject(b"<HTML><BODY>hi</BODY>", b"X") == b"<HTML><BODY>hiX</BODY>"
    assert inject(b"hi", b"X") == b"hiX"


def test_host_warning() -> None:
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    assert exposure_warning("::1") is None
    assert "other computers" in (exposure_warning("0.0.0.0") or "")
    assert "other computers" in (exposure_warning("192.168.1.5") or "")


def test_a_busy_port_is_explained() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ServeError, match=r"already in use.*--port 0"):
            listen("127.0.0.1", port)


def test_editor_files() -> None:
    for name in [".strike.md.swp", ".strike.md.swx", "strike.md~", ".#strike.md", "#strike.md#",
                 "4913", "5036", "strike.md___jb_tmp___", ".goutputstream-X1Y2"]:
        assert is_editor_file(name), name
    for name in ["strike.md", "sources.yaml", "style.css", "2023", "photo.jpg", ".nojekyll"]:
        assert not is_editor_file(name), name


# -- the live reload protocol, in-process -------------------------------------------------


@pytest.fixture
def running(preview: Preview) -> Iterator[PreviewServer]:
    server = PreviewServer(port=0)
    thread = threading.Thread(target=server.run, args=(preview,))
    thread.start()
    yield server
    server.stop()
    thread.join(10)
    assert not thread.is_alive()


def test_livereload_handshake_and_reload(running: PreviewServer) -> None:
    async def talk() -> list[dict[str, object]]:
        url = f"ws://127.0.0.1:{running.port}/livereload"
        conn = await tornado.websocket.websocket_connect(url)
        await conn.write_message(json.dumps(
            {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        hello = json.loads(await conn.read_message())
        running.reload("/")
        reload = json.loads(await conn.read_message())
        conn.close()
        return [hello, reload]

    hello, reload = asyncio.run(asyncio.wait_for(talk(), 10))
    assert hello["command"] == "hello"
    assert "http://livereload.com/protocols/official-7" in hello["protocols"]
    assert reload["command"] == "reload"


def test_livereload_js_and_head_requests(running: PreviewServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    conn.request("GET", "/livereload.js")
    response = conn.getresponse()
    assert response.status == 200 and b"LiveReload" in response.read()
    conn.request("HEAD", "/")
    response = conn.getresponse()
    assert response.status == 200 and response.read() == b""
    assert response.getheader("X-Timeline-Build")
    assert int(response.getheader("Content-Length") or 0) > 0


# -- DNS rebinding and cross-site websockets ----------------------------------------------


def refused_host(host: str, advice: bool = True) -> str:
    """Return the whole 403 body for a refused Host header."""
    name = host.rpartition(":")[0] if host.count(":") == 1 else host
    return (f"403: refused Host '{host}': timeline serve answers only to localhost, "
            "*.localhost, IP addresses and names given with --allow-host (DNS rebinding "
            "protection)" + (f"; to preview under this name, start it with --allow-host "
                             f"{name}" if advice else "") + "\n")


def refused_origin(origin: str, host: str) -> str:
    return (f"403: refused a livereload connection from Origin '{origin}': only pages of this "
            f"preview (Origin http://{host}) may connect (cross-site WebSocket protection)\n")


def get_as(port: int, host: str | None, target: str = "/") -> tuple[int, str, str]:
    """Return the status, Content-Type and text of a GET sent with exactly this Host header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return (response.status, response.getheader("Content-Type") or "",
                response.read().decode("utf-8"))
    finally:
        conn.close()


def test_hosts_accept_loopback_names_ip_addresses_and_names_allowed() -> None:
    hosts = Hosts.serving("127.0.0.1", ["MyBox.local"])
    for name in ["localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.0.0.2", "[::1]",
                 "192.168.1.5", "[fe80::1]", "mybox.local", "MYBOX.LOCAL"]:
        assert hosts.accepts(name), name
    for name in ["attacker.example", "localhost.attacker.example", "localhost.", "127.0.0.1.",
                 "127.1", "0x7f000001", "mybox", "other.local", "[localhost]", ""]:
        assert not hosts.accepts(name), name
    for header in ["localhost:8000", "127.0.0.1:1", "[::1]:8000", "localhost"]:
        assert hosts.refusal(header) is None, header
    for header in ["attacker.example:8000", "localhost:80:80", "localhost:", "[::1", "::1", None]:
        assert hosts.refusal(header) is not None, header
    assert Hosts.serving("0.0.0.0") == Hosts(frozenset())
    assert Hosts.serving("mybox.local").accepts("mybox.local")


@pytest.mark.parametrize("name", ["http://mybox.local", "mybox.local:8000", "*.local", "-x",
                                  "", "a b"])
def test_allow_host_takes_host_names_only(name: str) -> None:
    with pytest.raises(UsageError) as raised:
        Hosts.serving("127.0.0.1", [name])
    assert raised.value.format() == \
        f"error: --allow-host takes a host name such as mybox.local, not '{name}'"


def test_requests_for_other_host_names_are_refused(running: PreviewServer) -> None:
    port = running.port
    for host in [f"127.0.0.1:{port}", f"localhost:{port}", f"preview.localhost:{port}",
                 f"[::1]:{port}", f"10.0.0.7:{port}", "localhost", "localhost:9000"]:
        status, kind, body = get_as(port, host)
        assert (status, kind) == (200, "text/html; charset=utf-8"), host
        assert "<h1>Home</h1>" in body
    for host in [f"attacker.example:{port}", "attacker.example", f"localhost.evil.example:{port}",
                 f"127.0.0.1.nip.io:{port}"]:
        for target in ["/", "/livereload.js", "/assets/style.css", "/nope"]:
            assert get_as(port, host, target) == (403, "text/plain; charset=utf-8",
                                                  refused_host(host)), (host, target)
    assert get_as(port, "a_b:1")[2] == refused_host("a_b:1", advice=False)


def test_a_request_without_a_host_is_refused(running: PreviewServer) -> None:
    with socket.create_connection(("127.0.0.1", running.port), timeout=5) as conn:
        conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 403 Forbidden"
    assert body.decode() == (
        "403: refused a request without a Host header: timeline serve answers only to "
        "localhost, *.localhost, IP addresses and names given with --allow-host (DNS "
        "rebinding protection)\n")


def connect(port: int, *, host: str | None = None, origin: str | None = None
            ) -> tuple[int, str]:
    """Open livereload's websocket as a browser would; return 101 and the hello, or the 403."""
    headers = {name: value for name, value in [("Host", host), ("Origin", origin)] if value}

    async def talk() -> tuple[int, str]:
        request = tornado.httpclient.HTTPRequest(f"ws://127.0.0.1:{port}/livereload",
                                                 headers=headers)
        try:
            conn = await tornado.websocket.websocket_connect(request)
        except tornado.httpclient.HTTPClientError as error:
            assert error.response is not None
            return error.code, error.response.body.decode()
        await conn.write_message(json.dumps({"command": "hello", "protocols": []}))
        hello = await conn.read_message()
        conn.close()
        return 101, str(hello)

    return asyncio.run(asyncio.wait_for(talk(), 10))


def test_livereload_accepts_only_its_own_pages(running: PreviewServer) -> None:
    port = running.port
    own = f"127.0.0.1:{port}"
    for host, origin in [(None, None), (None, f"http://{own}"), (None, f"HTTP://{own}"),
                         (f"localhost:{port}", f"http://localhost:{port}"),
                         ("localhost:9000", "http://localhost:9000")]:  # a forwarded port
        status, hello = connect(port, host=host, origin=origin)
        assert status == 101 and '"command": "hello"' in hello, (host, origin)
    for origin in ["http://attacker.example", f"http://attacker.example:{port}", "null",
                   f"http://localhost:{port}", f"http://127.0.0.1:{port + 1}",
                   f"file://{own}", f"ws://{own}"]:
        assert connect(port, origin=origin) == (403, refused_origin(origin, own)), origin
    # DNS rebinding: the attacker's page, its name now pointing here, is the same origin
    rebound = f"attacker.example:{port}"
    assert connect(port, host=rebound, origin=f"http://{rebound}") == (403, refused_host(rebound))
    assert running.browsers.sockets == set()


# -- bursts of changes --------------------------------------------------------------------


def test_debouncer_turns_a_burst_into_at_most_two_runs() -> None:
    runs: list[set[Path]] = []

    def slow_build(changes: set[Path]) -> None:
        runs.append(changes)
        time.sleep(0.08)  # a build takes time; changes keep coming meanwhile

    debouncer = Debouncer(slow_build)
    debouncer.start()
    written = set()
    started = time.monotonic()
    for i in range(200):
        path = Path(f"content/e{i % 7}.md")
        written.add(path)
        debouncer.add({path})
        time.sleep(0.003)
    assert time.monotonic() - started < 1.5
    poll(lambda: set().union(*runs) == written if runs else False, 5)
    debouncer.stop()
    assert 1 <= len(runs) <= 2


def test_watcher_reports_sources_and_ignores_editor_files(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    seen: list[Path] = []
    output = project / "content" / "preview"  # as if TMPDIR were inside the project
    output.mkdir()
    watcher = Watcher(project, seen.extend, ignore=[output])
    watcher.start()
    try:
        (output / "index.html").write_text("x")
        (project / "content" / ".e.md.swp").write_text("x")
        (project / "content" / "e.md~").write_text("x")
        (project / "content" / "4913").write_text("x")
        (project / "site").mkdir()
        (project / "site" / "index.html").write_text("x")
        (project / "content" / "e.md").write_text("x")
        poll(lambda: any(p.name == "e.md" for p in seen), 5)
        (project / "static").mkdir()  # a source folder appearing is watched from then on
        poll(lambda: any(p.name == "static" for p in seen), 5)
        poll(lambda: touch(project / "static" / "a.css") and any(p.name == "a.css" for p in seen),
             5)
        shutil.rmtree(project / "static")  # ... and after going and coming back
        (project / "static").mkdir()
        poll(lambda: touch(project / "static" / "b.css") and any(p.name == "b.css" for p in seen),
             5)
        (project / "timeline.toml").write_text("title = 'x'\n")
        poll(lambda: any(p.name == "timeline.toml" for p in seen), 5)
    finally:
        watcher.stop()
    assert {p.name for p in seen} <= {"e.md", "static", "a.css", "b.css", "timeline.toml"}


def touch(path: Path) -> bool:
    path.write_text(str(time.time()))
    return True


def poll(condition: Callable[[], object], timeout: float, interval: float = 0.02) -> None:
    """Wait until condition() is true; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {condition}")
        time.sleep(interval)


# -- rebuilding with a template cache --------------------------------------------------


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return the names of the templates Jinja compiles from now on, in order."""
    names: list[str] = []
    compile_template = jinja2.Environment.compile

    def counting(env: jinja2.Environment, source: str, name: str | None = None,
                 *args: Any, **kwargs: Any) -> Any:
        names.append(name or "")
        return compile_template(env, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def test_a_template_edited_between_builds_sharing_a_cache_is_recompiled(
        example: Path, tmp_path: Path, compiled: list[str]) -> None:
    own = example / "templates"
    own.mkdir()
    base = (default_theme_dir() / "base.html").read_text(encoding="utf-8")
    (own / "base.html").write_text(base.replace("</body>", "<p>Before the edit</p></body>"),
                                   encoding="utf-8")
    cache, output = MemoryBytecodeCache(), tmp_path / "out"
    build(example, output, bytecode_cache=cache)
    assert "base.html" in compiled and "event.html" in compiled
    page = output / "events" / "makiivka-strike" / "index.html"
    assert "Before the edit" in page.read_text(encoding="utf-8")

    compiled.clear()
    (own / "base.html").write_text(base.replace("</body>", "<p>After the edit</p></body>"),
                                   encoding="utf-8")
    build(example, output, bytecode_cache=cache)
    assert compiled == ["base.html"]  # only the edited template; the rest came from the cache
    text = page.read_text(encoding="utf-8")
    assert "After the edit" in text and "Before the edit" not in text


def test_the_serve_builder_compiles_each_template_once(example: Path, tmp_path: Path,
                                                        compiled: list[str]) -> None:
    builder = site_builder(example)
    builder(tmp_path / "out")
    assert compiled
    compiled.clear()
    builder(tmp_path / "out")
    assert compiled == []


# -- the real command ---------------------------------------------------------------------


class Served:
    """A running `timeline serve` process and what it has printed."""

    def __init__(self, project: Path, tmp: Path, *args: str,
                 env: dict[str, str] | None = None) -> None:
        self.tmp = tmp
        tmp.mkdir(exist_ok=True)
        environ = dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(tmp),
                       PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
                       **(env or {}))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "timeline", "serve", str(project), *args],
            cwd=project, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = ""

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 10) -> re.Match[str]:
        """Return the first printed line matching pattern, waiting for it."""
        found: list[re.Match[str]] = []

        def seen() -> bool:
            found.extend(m for line in self.lines if (m := re.search(pattern, line)))
            return bool(found) or self.process.poll() is not None

        poll(seen, timeout)
        assert found, f"no line matching {pattern!r} in:\n{self.output}"
        return found[0]

    def start(self) -> Served:
        self.url = self.wait_for(r"Serving (http://\S+)").group(1)
        return self

    def get(self, target: str) -> tuple[int, str]:
        """Return the status and text of a request sent exactly as given (no normalising)."""
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            conn.putrequest("GET", target, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def wait_for_page(self, target: str, text: str, timeout: float = 10,
                      present: bool = True, regex: bool = False) -> str:
        """Poll target until text is (or is no longer) in it; return the page."""
        body: list[str] = [""]

        def ready() -> bool:
            body[0] = self.get(target)[1]
            found = re.search(text, body[0]) if regex else text in body[0]
            return bool(found) == present

        poll(ready, timeout, interval=0.01)
        return body[0]

    def rebuilds(self) -> list[str]:
        return [line for line in self.lines if re.search(r"\brebuil(t|d failed)\b", line)]

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(10)
        self._reader.join(5)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(project: Path, *args: str, env: dict[str, str] | None = None) -> Served:
        served = Served(project, tmp_path / "tmp", "--port", "0", *args, env=env)
        started.append(served)
        return served

    yield start
    for served in started:
        served.close()


def set_title(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f'title: "{title}"', text, count=1),
                    encoding="utf-8")


STRIKE = "/events/makiivka-strike/"


def break_front_matter(text: str) -> str:
    """Return an event file's text with invalid YAML in its front matter."""
    return text.replace("title: ", "title: [unclosed ", 1)


BROKEN = r"content/makiivka-strike\.md:\d+: error: invalid YAML"


def test_serve_edits_errors_and_fixes(example: Path, serve: Callable[..., Served]) -> None:
    served = serve(example).start()
    assert served.url.startswith("http://127.0.0.1:")
    strike = example / "content" / "makiivka-strike.md"
    good = strike.read_text(encoding="utf-8")
    title = str(escape(yaml.safe_load(good.split("---")[1])["title"]))
    status, body = served.get(STRIKE)
    assert status == 200 and title in body

    set_title(strike, "Edited strike title")
    served.wait_for_page(STRIKE, "Edited strike title")
    served.wait_for(r"rebuilt in \d+\.\d\d s .*content/makiivka-strike\.md")

    strike.write_text(break_front_matter(good), encoding="utf-8")
    body = served.wait_for_page(STRIKE, BROKEN, regex=True)
    assert "Edited strike title" in body  # the last good page, with the error over it
    assert 'id="timeline-build-error"' in body
    error = re.search(BROKEN + ".*", served.wait_for(BROKEN).string)
    assert error and html.escape(error.group()) in body  # as `build` prints it, in both
    served.wait_for(r"rebuild failed in .*1 error; still serving the last good site")
    status, body = served.get("/sources/")
    assert status == 200 and re.search(BROKEN, body)
    assert served.get("/events.json")[0] == 200

    strike.write_text(good, encoding="utf-8")
    body = served.wait_for_page(STRIKE, "timeline-build-error", present=False)
    assert title in body

    strike.rename(example / "content" / "strike.md")
    # a rename may reach the watcher as two batches (the old name gone, then the new
    # one): wait for the new page rather than read it after the old one went
    served.wait_for_page(STRIKE, title, present=False)
    served.wait_for_page("/events/strike/", title)
    assert served.get(STRIKE)[0] == 404
    other = next(p for p in sorted((example / "content").glob("*.md")) if p.stem != "strike")
    assert served.get(f"/events/{other.stem}/")[0] == 200
    other.unlink()
    poll(lambda: served.get(f"/events/{other.stem}/")[0] == 404, 10)

    assert served.interrupt() in (0, 130)
    assert "Traceback" not in served.output


def test_serve_refuses_paths_outside_the_site(example: Path, tmp_path: Path,
                                              serve: Callable[..., Served]) -> None:
    served = serve(example)
    (tmp_path / "tmp").mkdir(exist_ok=True)
    (tmp_path / "tmp" / "secret.txt").write_text("TOP SECRET")
    served.start()
    site = next((tmp_path / "tmp").glob("timeline-serve-*/site"))
    (site / "leak.txt").symlink_to(tmp_path / "tmp" / "secret.txt")
    (site / "leakdir").symlink_to(tmp_path / "tmp")
    for target in TRAVERSALS + ["/leak.txt", "/leakdir/secret.txt"]:
        status, body = served.get(target)  # http://example.org/... sends Host: example.org
        assert status == (403 if target.startswith("http://") else 404), target
        assert "TOP SECRET" not in body and "root:" not in body
    status, body = served.get("/nowhere/")
    assert status == 404 and "<html" in body.lower() and "livereload.js" in body
    assert served.get("/events/makiivka-strike")[0] == 302


def test_serve_injects_the_script_only_into_served_html(
        example: Path, tmp_path: Path, serve: Callable[..., Served]) -> None:
    served = serve(example).start()
    for target in ["/", STRIKE, "/nope"]:
        assert served.get(target)[1].count('<script src="/livereload.js">') == 1
    for target in ["/events.json", "/assets/style.css", "/feed.xml"]:
        status, body = served.get(target)
        assert status == 200 and "livereload" not in body
    site = next((tmp_path / "tmp").glob("timeline-serve-*/site"))
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    assert not any("livereload" in p.read_text(encoding="utf-8") for p in pages)


def test_serve_bursts_and_editor_files(example: Path, serve: Callable[..., Served]) -> None:
    served = serve(example).start()
    content = example / "content"
    events = [p for p in sorted(content.glob("*.md")) if p.name != "makiivka-strike.md"][:4]
    texts = {path: path.read_text(encoding="utf-8") for path in events}
    started = time.monotonic()
    for i in range(200):
        path = events[i % 4]
        path.write_text(re.sub(r"(?m)^title: .*$", f'title: "Burst {i}"', texts[path], count=1),
                        encoding="utf-8")
        time.sleep(0.003)
    burst = time.monotonic() - started
    served.wait_for_page(f"/events/{events[199 % 4].stem}/", "Burst 199")

    editor_files = [".makiivka-strike.md.swp", "makiivka-strike.md~", ".#makiivka-strike.md",
                    "4913", "#makiivka-strike.md#"]
    for name in editor_files:
        (content / name).write_text("scratch")
    set_title(content / "makiivka-strike.md", "After the editor files")
    served.wait_for_page(STRIKE, "After the editor files")
    served.wait_for(r"rebuilt .*content/makiivka-strike\.md")
    rebuilds = served.rebuilds()
    after = next(i for i, line in enumerate(rebuilds) if "makiivka-strike.md" in line)
    assert 1 <= after <= 2, f"{after} rebuilds for a burst of {burst:.2f} s:\n{served.output}"
    for line in rebuilds:  # editor files never count as changes
        assert not any(name in line for name in editor_files + [".swp", "~"]), line

    # A rebuild never causes another: one more change gives exactly one more rebuild.
    set_title(content / "makiivka-strike.md", "One more")
    served.wait_for_page(STRIKE, "One more")
    poll(lambda: len(served.rebuilds()) > len(rebuilds), 5)
    assert len(served.rebuilds()) == len(rebuilds) + 1
    assert served.rebuilds()[-1].endswith("changes to content/makiivka-strike.md")


def test_ctrl_c_stops_cleanly(example: Path, tmp_path: Path,
                              serve: Callable[..., Served]) -> None:
    served = serve(example).start()
    assert served.get("/")[0] == 200
    assert list((tmp_path / "tmp").glob("timeline-serve-*"))
    assert served.interrupt() in (0, 130)
    assert "Traceback" not in served.output and "warning" not in served.output
    assert list((tmp_path / "tmp").iterdir()) == []


def test_busy_port(example: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        served = Served(example, tmp_path / "tmp", "--port", str(port))
        code = served.process.wait(20)
        served._reader.join(5)
    assert code == 1
    assert f"error: port {port} is already in use" in served.output
    assert "--port 0" in served.output and "Traceback" not in served.output
    assert list((tmp_path / "tmp").iterdir()) == []


def test_host_other_than_this_computer_warns_and_open(example: Path,
                                                      serve: Callable[..., Served]) -> None:
    served = serve(example, "--host", "0.0.0.0", "--open",
                   env={"BROWSER": "echo OPENING %s"}).start()
    served.wait_for(r"warning: listening on 0\.0\.0\.0: other computers")
    served.wait_for(r"OPENING http://127\.0\.0\.1:\d+/")
    assert served.interrupt() in (0, 130)


def test_serve_answers_only_the_names_it_may(example: Path, serve: Callable[..., Served]) -> None:
    served = serve(example, "--host", "0.0.0.0", "--allow-host", "mybox.local",
                   "--allow-host", "preview.lan").start()
    port = served.wait_for(r"Serving http://0\.0\.0\.0:(\d+)/").group(1)
    for host in [f"mybox.local:{port}", f"preview.lan:{port}", f"127.0.0.1:{port}",
                 f"192.168.1.5:{port}", f"localhost:{port}"]:
        assert get_as(int(port), host)[0] == 200, host
    assert get_as(int(port), f"other.local:{port}") == (
        403, "text/plain; charset=utf-8", refused_host(f"other.local:{port}"))
    assert served.interrupt() in (0, 130)
    assert "Traceback" not in served.output


def test_serve_refuses_a_bad_allow_host(example: Path, tmp_path: Path) -> None:
    served = Served(example, tmp_path / "tmp", "--port", "0", "--allow-host", "http://x:1")
    assert served.process.wait(20) == 2
    served._reader.join(5)
    assert served.lines == ["error: --allow-host takes a host name such as mybox.local, "
                            "not 'http://x:1'"]


def test_the_refusal_shown_in_the_docs_is_the_one_given() -> None:
    docs = (REPO / "docs" / "serve.md").read_text(encoding="utf-8")
    assert refused_host("attacker.example:8000") in docs
    refusal = Hosts.serving("127.0.0.1").refusal("attacker.example:8000")
    assert f"403: {refusal}\n" == refused_host("attacker.example:8000")
