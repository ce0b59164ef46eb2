"""Shared pieces of the browser tests: Chromium, a quiet static server, a problem log."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright

NPM_FOLDER = Path(__file__).resolve().parent / "npm"  # package.json: TimelineJS3, axe-core
CHROMIUM = "/usr/bin/chromium"  # Debian's build: Playwright never downloads a browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT = 10_000  # ms


@contextmanager
def chromium() -> Iterator[Browser]:
    """Yield a headless Chromium."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging; a missing file gets `not_found` if it is set."""

    not_found: Path | None = None

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        if code != 404 or self.not_found is None:
            super().send_error(code, message, explain)
            return
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass
class Served:
    """A folder served over HTTP at url (which ends with '/')."""

    url: str
    handler: type[_QuietHandler]

    def set_not_found(self, page: Path | None) -> None:
        """Answer requests for missing files with page, as static hosts do with 404.html."""
        self.handler.not_found = page


@contextmanager
def serve(folder: Path) -> Iterator[Served]:
    """Serve folder on a free local port from a thread (stdlib http.server)."""
    handler: type[_QuietHandler] = type("Handler", (_QuietHandler,), {})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}/", handler)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Problems:
    """What went wrong on a page: console errors, script errors, failed or 4xx/5xx loads."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    allowed_status: set[str] = field(default_factory=set)  # URLs expected to answer 4xx

    def watch(self, page: Page) -> Page:
        """Record the problems of page from now on, and return it."""
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)
        return page

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console.append(f"{message.text} at {message.location}")

    def _on_failed(self, request: Request) -> None:
        # ERR_ABORTED is the browser cancelling a load itself, as it does the icon's when
        # a click navigates away first; a missing file answers 404 (bad_status) instead
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.url}: {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and response.url not in self.allowed_status:
            self.bad_status.append(f"{response.status} {response.url}")

    def found(self) -> dict[str, list[str]]:
        """Return the problems recorded, by kind (empty when all went well)."""
        kinds = {"console errors": self.console, "page errors": self.errors,
                 "failed requests": self.failed, "error responses": self.bad_status}
        return {kind: items for kind, items in kinds.items() if items}


def npm_package(name: str) -> Path:
    """Return node_modules/NAME, installing tests/npm's lock file first if it is not there."""
    lock = json.loads((NPM_FOLDER / "package-lock.json").read_text(encoding="utf-8"))
    wanted = lock["packages"][f"node_modules/{name}"]["version"]
    folder = NPM_FOLDER / "node_modules" / name
    installed = folder / "package.json"
    if not installed.is_file() or \
            json.loads(installed.read_text(encoding="utf-8"))["version"] != wanted:
        npm = shutil.which("npm")
        assert npm, f"npm is needed to install {name} (scripts/test installs it)"
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NPM_FOLDER,
                                check=False, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    return folder
