"""`timeline serve`'s fast path: an edited event's page is served before the full build ends.

A real server, watcher and debouncer run in this process on a copy of the example
project, with the real builder wrapped so that the test decides when a full build
may go on; requests go over HTTP.
"""

from __future__ import annotations

import dataclasses
import http.client
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO

from timeline.build import build, load_project
from timeline.model import Event, Timeline
from timeline.serve.overlay import QuickPages
from timeline.serve.preview import Preview, inject, reload_snippet, site_builder
from timeline.serve.server import PreviewServer, Rebuilder
from timeline.serve.watcher import Debouncer, Watcher
from timeline.site.pages import plan_event_page, plan_pages

STRIKE = "makiivka-strike"
STRIKE_PAGE = f"events/{STRIKE}/index.html"
BROKEN = re.compile(r"content/makiivka-strike\.md:\d+: error: invalid YAML")


def poll(condition: Callable[[], object], timeout: float = 20) -> None:
    """Wait until condition() is true; fail after timeout seconds."""
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError(f"timed out after {timeout} s waiting for {condition}")


class Live:
    """A running preview whose full builds wait until the test lets them go on."""

    def __init__(self, project: Path, tmp: Path) -> None:
        self.project = project
        self.tmp = tmp
        self.server = PreviewServer(port=0)
        self.quick = QuickPages(project)
        real = site_builder(project, base_url=self.server.browse_url, quick=self.quick)
        self.go_on = threading.Event()
        self.go_on.set()
        self.builds = 0  # full builds finished
        self.handled = 0  # batches of changes fully handled (build and reload decided)
        self.shown: list[dict[str, bytes]] = []
        self.reloads: list[str] = []

        def slow_build(output: Path) -> str:
            assert self.go_on.wait(30), "the test never let the full build go on"
            try:
                return real(output)
            finally:
                self.builds += 1

        self.preview = Preview(slow_build, tmp / "serve" / "site")
        show, reload = self.preview.show, self.server.reload
        self.preview.show = lambda pages: (self.shown.append(dict(pages)), show(pages))[1]
        self.server.reload = lambda path="/": (self.reloads.append(path), reload(path))[1]
        rebuilder = Rebuilder(self.preview, self.server, project, self.quick)

        def handle(changes: set[Path]) -> None:
            rebuilder(changes)
            self.handled += 1

        self.debouncer = Debouncer(handle)
        self.watcher = Watcher(project, self.debouncer.add, ignore=[tmp / "serve"])
        self.thread = threading.Thread(target=self.server.run, args=(self.preview,))

    def start(self) -> Live:
        assert self.preview.rebuild().errors == ()
        self.watcher.start()
        self.debouncer.start()
        self.thread.start()
        return self

    def stop(self) -> None:
        self.go_on.set()
        self.server.stop()
        self.thread.join(10)
        self.watcher.stop()
        self.debouncer.stop()

    def get(self, target: str) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request("GET", target)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def text(self, target: str) -> str:
        return self.get(target)[2].decode("utf-8")

    def clean_build(self, name: str) -> Path:
        """Build a copy of the project as it is now, without any cache; return the site."""
        copy = self.tmp / name
        shutil.copytree(self.project, copy, ignore=shutil.ignore_patterns(".timeline-cache"))
        build(copy, copy / "site", base_url=self.server.browse_url, cache=False)
        return copy / "site"


@pytest.fixture
def live(example: Path, tmp_path: Path) -> Iterator[Live]:
    running = Live(example, tmp_path).start()
    yield running
    running.stop()


def edit_body(path: Path, word: str) -> None:
    """Change the first word of an event's body (not of its front matter)."""
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    first = re.search(r"\w+", body)
    assert first
    path.write_text(f"{head}\n---\n{body[:first.start()]}{word}{body[first.end():]}",
                    encoding="utf-8")


def test_an_edited_event_is_served_before_the_full_build_ends(live: Live) -> None:
    strike = live.project / "content" / f"{STRIKE}.md"
    live.go_on.clear()  # the full build waits until this test has seen the new page
    edit_body(strike, "Fastpathword")

    poll(lambda: "Fastpathword" in live.text(f"/events/{STRIKE}/"))
    assert live.builds == 1  # the first build only: the full rebuild is still held
    assert list(live.preview.state.overlay) == [STRIKE_PAGE]
    assert live.reloads == ["/"]  # the browser was told at once
    served, headers = live.get(f"/events/{STRIKE}/")[2], live.get(f"/events/{STRIKE}/")[1]
    assert served.count(b'<script src="/livereload.js"></script>') == 1
    assert live.text("/").count("Fastpathword") == 0  # only the edited event's page is ahead
    overlay = live.shown[0][STRIKE_PAGE]

    live.go_on.set()
    poll(lambda: live.handled == 1)
    assert live.builds == 2
    assert live.preview.state.overlay == {}  # the folder is right now: served from it
    clean = (live.clean_build("clean") / STRIKE_PAGE).read_bytes()
    assert (live.preview.output / STRIKE_PAGE).read_bytes() == clean
    assert overlay == clean  # so the page shown ahead was already the final one ...
    assert live.reloads == ["/"]  # ... and was not reloaded again
    status, headers, body = live.get(f"/events/{STRIKE}/")
    token = headers["X-Timeline-Build"]
    assert status == 200 and body == inject(clean, reload_snippet(token, ()))


def test_a_new_title_reloads_again_after_the_build_as_other_pages_changed(live: Live) -> None:
    strike = live.project / "content" / f"{STRIKE}.md"
    text = strike.read_text(encoding="utf-8")
    strike.write_text(re.sub(r"(?m)^title: .*$", 'title: "Retitled strike"', text, count=1),
                      encoding="utf-8")
    poll(lambda: live.handled == 1)
    assert [list(pages) for pages in live.shown] == [[STRIKE_PAGE]]
    assert live.reloads == ["/", "/"]  # the index lists the new title: it changed too
    assert "Retitled strike" in live.text("/")
    site = live.clean_build("clean")
    for page in [STRIKE_PAGE, "index.html"]:
        assert (live.preview.output / page).read_bytes() == (site / page).read_bytes()


def test_a_date_moving_an_event_renders_its_new_neighbours(live: Live) -> None:
    strike = live.project / "content" / f"{STRIKE}.md"
    text = strike.read_text(encoding="utf-8")
    moved = re.sub(r"(?m)^date: .*$", "date: 1990-01-01", text, count=1)
    assert moved != text
    live.go_on.clear()
    strike.write_text(moved, encoding="utf-8")
    poll(lambda: bool(live.shown))
    live.go_on.set()
    poll(lambda: live.handled == 1)
    clean = (live.clean_build("clean") / STRIKE_PAGE).read_bytes()
    assert live.shown[0][STRIKE_PAGE] == clean  # previous/next as the full build has them


def test_a_parse_error_goes_through_the_full_build_and_shows_as_before(live: Live) -> None:
    strike = live.project / "content" / f"{STRIKE}.md"
    good = strike.read_text(encoding="utf-8")
    strike.write_text(good.replace("title: ", "title: [unclosed ", 1), encoding="utf-8")
    poll(lambda: live.handled == 1)
    assert live.shown == [] and live.builds == 2
    body = live.text(f"/events/{STRIKE}/")
    assert 'id="timeline-build-error"' in body and BROKEN.search(body)
    assert live.reloads == ["/"]

    # with errors shown, even a good edit waits for the full build, which clears them
    strike.write_text(good, encoding="utf-8")
    edit_body(strike, "Fixedword")
    poll(lambda: live.handled == 2)
    assert live.shown == []
    body = live.text(f"/events/{STRIKE}/")
    assert "Fixedword" in body and "timeline-build-error" not in body


def test_a_template_edit_goes_through_the_full_build(live: Live) -> None:
    base = (REPO / "templates" / "event.html").read_text(encoding="utf-8")
    own = live.project / "templates"
    own.mkdir()
    (own / "event.html").write_text(base.replace("</h1>", " Templatemark</h1>", 1),
                                    encoding="utf-8")
    poll(lambda: live.handled >= 1 and "Templatemark" in live.text(f"/events/{STRIKE}/"))
    assert live.shown == []
    site = live.clean_build("clean")
    assert (live.preview.output / STRIKE_PAGE).read_bytes() == (site / STRIKE_PAGE).read_bytes()


@pytest.fixture
def quick(example: Path) -> QuickPages:
    timeline, report = load_project(example)
    assert not report.errors
    pages = QuickPages(example)
    pages.update(timeline)
    return pages


def test_the_fast_path_leaves_to_the_build_what_it_cannot_settle(example: Path,
                                                                  quick: QuickPages) -> None:
    content = example / "content"
    strike = content / f"{STRIKE}.md"
    good = strike.read_text(encoding="utf-8")
    assert quick.render({strike}) is not None  # unchanged: renders

    new = content / "new-event.md"
    new.write_text(good, encoding="utf-8")
    assert quick.render({new}) is None  # a new file (here also a duplicate slug)
    new.unlink()
    assert quick.render({new}) is None  # a deleted file
    assert quick.render({strike, new}) is None  # one of several that cannot be rendered
    for other in [content / "sources.yaml", example / "timeline.toml",
                  example / "templates" / "event.html", example / "static" / "a.css"]:
        assert quick.render({other}) is None, other
    cases = {
        "an invalid file": good.replace("title: ", "title: [unclosed ", 1),
        "an error in the event": good.replace("\n---\n", "\n---\n[@nosuchsource] ", 1),
        "another slug": good.replace("\n---\n", "\nslug: other-slug\n---\n", 1),
        "a draft": good.replace("\n---\n", "\ndraft: true\n---\n", 1),
        "a link to an event that is not published": good.replace(
            "\n---\n", "\n---\n[[no-such-event]] ", 1),
    }
    for case, text in cases.items():
        strike.write_text(text, encoding="utf-8")
        assert quick.render({strike}) is None, case
    strike.write_text(good, encoding="utf-8")
    temporary = content / f"{STRIKE}.md.tmp1234"  # written, then renamed to the event file
    assert quick.render({strike, temporary}) is not None
    temporary.write_text(good, encoding="utf-8")  # still there: not the save's own
    assert quick.render({strike, temporary}) is None
    temporary.unlink()
    assert quick.render({strike, content / "other.md.tmp1234"}) is None  # another's
    quick.forget()
    assert quick.render({strike}) is None  # nothing built yet


@pytest.mark.parametrize("copies", [1, 30])  # 13 events: one index; 390: year pages
def test_plan_event_page_is_the_page_plan_pages_plans(example: Path, copies: int) -> None:
    loaded, _ = load_project(example)
    events = sorted((dataclasses.replace(e, slug=f"{e.slug}-{i}") if i else e
                     for e in loaded.events for i in range(copies)), key=Event.sort_key)
    timeline = Timeline(loaded.config, tuple(events), loaded.sources)
    planned = {page.dest: page for page in plan_pages(timeline)}
    for event in timeline.events:
        page = plan_event_page(timeline, event.slug)
        assert page == planned[page.dest]
    assert planned[page.dest].context["overview"] == (copies > 1)
