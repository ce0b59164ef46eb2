"""The site being previewed: how it is rebuilt, and what a request gets back (path safety,
injection, error overlay); no network."""

from __future__ import annotations

import html
import logging
import mimetypes
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import jinja2
from jinja2.bccache import Bucket

from timeline.errors import BuildError, TimelineError, plural, printable
from timeline.site.writer import MANIFEST

if TYPE_CHECKING:
    from timeline.serve.overlay import QuickPages

log = logging.getLogger(__name__)

Builder = Callable[[Path], str]
"""Build the site into a folder and return a short summary; raise TimelineError on a mistake."""

BUILD_HEADER = "X-Timeline-Build"  # also named in RELOAD_HTML's script
INDEX = "index.html"
NOT_FOUND = "404.html"
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class BuildState:
    """What is being served: the build's number, its errors, whether a good site exists,
    and pages rendered ahead of the build that is under way (by site path)."""

    generation: int = 0
    errors: tuple[str, ...] = ()
    has_site: bool = False
    overlay: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Rebuild:
    """How one build went, for the terminal."""

    seconds: float
    summary: str = ""
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Response:
    """An HTTP response, decided without any network (so it can be tested on its own)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Preview:
    """A site being previewed: rebuild it, and answer requests for its files."""

    def __init__(self, builder: Builder, output: Path) -> None:
        self.builder = builder
        self.output = output
        self.state = BuildState()
        self._root = os.path.realpath(output)
        self._session = secrets.token_hex(4)  # a page from an earlier `serve` is out of date

    def rebuild(self) -> Rebuild:
        """Build the site again; on a mistake keep the last good one and remember the errors."""
        started = time.perf_counter()
        summary, errors = "", tuple[str, ...]()
        try:
            summary = self.builder(self.output)
        except BuildError as error:
            errors = tuple(str(d) for d in error.diagnostics)
        except TimelineError as error:
            errors = (error.format(),)
        except Exception as error:  # a bug in timeline: say so, but keep serving
            log.exception("the build crashed")
            errors = (printable(f"error: the build crashed ({type(error).__name__}: {error}); "
                                "this is a bug in timeline, please report it"),)
        old = self.state
        self.state = BuildState(old.generation + 1, errors, old.has_site or not errors)
        return Rebuild(time.perf_counter() - started, summary, errors)

    def show(self, pages: Mapping[str, bytes]) -> None:
        """Serve pages (by site path) over the site's files until the next rebuild ends."""
        old = self.state
        self.state = BuildState(old.generation + 1, old.errors, old.has_site,
                                {**old.overlay, **pages})

    def token(self, state: BuildState) -> str:
        """Return the name of a build, sent with every response and embedded in pages."""
        return f"{self._session}-{state.generation}"

    def respond(self, target: str) -> Response:
        """Return the response to a GET of target, the request target exactly as sent."""
        state = self.state  # read before any file: a page is never older than its token
        if not state.has_site:
            return self._page(500, b"<!DOCTYPE html><title>Build failed</title>", state)
        parts = site_path(target)
        found = self._read(parts, state) if parts is not None else None
        if isinstance(found, str):
            return Response(302, {"Location": found, **self._headers(state)})
        if found is None:
            page = self._read([NOT_FOUND])
            body = page[1] if isinstance(page, tuple) else b"<!DOCTYPE html><h1>Not found</h1>"
            return self._page(404, body, state)
        path, body = found
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if kind == "text/html":
            return self._page(200, body, state)
        if kind.startswith("text/") or kind in ("application/json", "application/xml"):
            kind += "; charset=utf-8"
        return Response(200, {"Content-Type": kind, **self._headers(state)}, body)

    def _page(self, status: int, body: bytes, state: BuildState) -> Response:
        snippet = reload_snippet(self.token(state), state.errors, has_site=state.has_site)
        return Response(status, {"Content-Type": "text/html; charset=utf-8",
                                 **self._headers(state)}, inject(body, snippet))

    def _headers(self, state: BuildState) -> dict[str, str]:
        return {"Cache-Control": "no-store", BUILD_HEADER: self.token(state)}

    def _read(self, parts: list[str], state: BuildState | None = None
              ) -> tuple[str, bytes] | str | None:
        """Return (path, content) of a site file (state's overlay first), a redirect, or
        None if there is none."""
        if state is not None and state.overlay:
            dest = "/".join(parts[:-1] + [INDEX] if parts[-1] == "" else parts)
            if dest in state.overlay:
                return dest.rpartition("/")[2], state.overlay[dest]
        for _ in range(3):  # a rebuild may swap the site in between finding and reading
            found = self._find(parts)
            if not isinstance(found, Path):
                return found
            try:
                return found.name, found.read_bytes()
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError:
                return None
        return None

    def _find(self, parts: list[str]) -> Path | str | None:
        """Return the file for parts, a redirect to the folder's URL, or None."""
        if parts == [MANIFEST]:
            return None
        path = os.path.join(self._root, *parts)
        if os.path.isdir(path):
            if parts[-1] != "":
                return "/" + quote("/".join(parts)) + "/"
            path = os.path.join(path, INDEX)
        elif parts[-1] == "":
            return None
        real = os.path.realpath(path)
        if not real.startswith(self._root + os.sep):
            return None  # a symlink out of the site
        return Path(real) if os.path.isfile(real) else None


def site_builder(project: Path, *, drafts: bool = False, base_url: str | None = None,
                 jobs: int = 1, quick: QuickPages | None = None) -> Builder:
    """Return a Builder that runs `timeline build` on project, compiling each template once;
    quick is given the timeline of each build that succeeds."""
    from timeline.build import build

    # as long-lived as the builder: one per `serve`
    templates = quick.bytecode_cache if quick is not None else MemoryBytecodeCache()

    def build_site(output: Path) -> str:
        result = build(project, output, drafts=drafts, base_url=base_url,
                       bytecode_cache=templates, jobs=jobs)
        if quick is not None and not result.unchanged:  # unchanged: quick has it already
            quick.update(result.timeline)
        for warning in result.report.warnings:
            print(warning, file=sys.stderr, flush=True)
        # result.events, not result.timeline: with nothing changed that loads the project
        return f"{plural(result.events, 'event')}, {plural(result.pages, 'page')}"

    return build_site


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Keep compiled templates in memory between builds.

    Jinja stores each template's source checksum with its code and compiles the
    template again when the source differs, so an edited template is never stale.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


def site_path(target: str) -> list[str] | None:
    """Return the parts of a request's path in the site ('' last for a folder), or None.

    The path is percent-decoded once, then `.`, `..`, empty parts (`//`, a
    decoded `%2f`), NUL and backslashes are refused, not resolved: they only
    come from requests that try to get out of the site.
    """
    path = target.partition("?")[0].partition("#")[0]
    if not path.startswith("/"):
        return None
    try:
        path = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    parts = path[1:].split("/")
    if "" in parts[:-1] or any(p in (".", "..") or "\0" in p or "\\" in p for p in parts):
        return None
    return parts


def inject(page: bytes, snippet: bytes) -> bytes:
    """Return page with snippet once, before its </head>, else its </body>, else at the end."""
    for pattern in (HEAD_END, BODY_END):
        match = pattern.search(page)
        if match:
            return page[:match.start()] + snippet + page[match.start():]
    return page + snippet


def reload_snippet(token: str, errors: Sequence[str], *, has_site: bool = True) -> bytes:
    """Return the HTML put into served pages: livereload.js, and the build's errors if any."""
    snippet = RELOAD_HTML.replace("{token}", token)
    if errors:
        lead = ("Still showing the last good build." if has_site
                else "There is nothing to show until it builds.")
        lines = "\n".join(html.escape(e) for e in errors)
        count = plural(len(errors), "error")
        snippet += (ERROR_HTML.replace("{count}", count).replace("{lead}", lead)
                    .replace("{errors}", lines))
    return snippet.encode("utf-8")


RELOAD_HTML = """<script src="/livereload.js"></script><script>
(function () { // a rebuild that ended before the socket opened would go unseen: ask
  var build = "{token}";
  if (window.LiveReload) LiveReload.on("connect", function () {
    fetch(location.href, {method: "HEAD", cache: "no-store"}).then(function (r) {
      if (r.headers.get("X-Timeline-Build") !== build) location.reload();
    }, function () {});
  });
})();
</script>"""

ERROR_HTML = """<template id="timeline-build-error"><style>
div { position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 70vh;
  overflow: auto; padding: 1em 1.5em; background: #fff4f4; color: #300;
  border-bottom: 4px solid #c00; font: 15px/1.5 system-ui, sans-serif; }
h2 { margin: 0 0 .3em; font-size: 1.2em; color: #a00; }
pre { white-space: pre-wrap; font: 14px/1.5 ui-monospace, monospace; margin: .5em 0; }
button { float: right; }
</style><div role="alert"><button type="button">Hide</button>
<h2>timeline: the site could not be built ({count})</h2>
<p>{lead} Fix the file and save: this page reloads by itself.</p>
<pre>{errors}</pre></div></template><script>
document.addEventListener("DOMContentLoaded", function () {
  var host = document.createElement("timeline-build-error");
  var root = host.attachShadow({mode: "open"});
  root.appendChild(document.getElementById("timeline-build-error").content.cloneNode(true));
  root.querySelector("button").onclick = function () { host.remove(); };
  document.body.appendChild(host);
});
</script>"""
