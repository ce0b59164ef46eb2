"""Editor's notes: shown apart from the reporting, and gathered on notes/index.html."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeProject, event

from timeline.build import build

NOTE_A = '"The toll is <disputed> & unsettled [@report]."'
CALLOUT = "Text [@article].\n\n> [!NOTE]\n> The *place* is uncertain, see [[a]]."


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_the_notes_page_lists_each_note_with_its_event_in_timeline_order(
        make_project: MakeProject) -> None:
    project = make_project({
        "content/a.md": event(title='"A & <b>"', date='"2023-01-04"', note=NOTE_A),
        "content/b.md": event(title="B", date='"2022-12"', body=CALLOUT, note='"Second."'),
        "content/c.md": event(title="C", date='"2023-02-01"'),
    })
    build(project, project / "site")
    html = page(project / "site", "notes/index.html")
    main = html[html.index("<main"):html.index("</main>")]
    assert '<h1 class="intro-title">Editor\'s notes</h1>' in main
    assert "2 events have notes" in main
    b_at, a_at = main.index("../events/b/index.html"), main.index("../events/a/index.html")
    assert b_at < a_at  # December 2022 comes first
    assert '<a href="../events/a/index.html">A &amp; &lt;b&gt;</a>' in main
    assert "The toll is  &amp; unsettled" in main  # the unknown tag is sanitised away
    assert ('<a aria-label="Source 2" class="citation-link" '
            'href="../events/a/index.html#source-2" role="doc-noteref">2</a>') in main
    assert main.count('<aside class="editor-note" role="note" aria-label="Editor\'s note">') == 3
    assert main.index("The <em>place</em> is uncertain") < main.index("Second.")
    assert '<a class="xref" href="../events/a/index.html">A &amp; &lt;b&gt;</a>' in main
    assert "id=" not in main.split("<ol", 1)[1]  # ids belong to the event pages
    assert "C</a>" not in main
    nav = '<a href="../notes/index.html" aria-current="page">Notes</a>'
    assert nav in html
    assert '<a href="../../notes/index.html">Notes</a>' in page(project / "site",
                                                              "events/c/index.html")


def test_without_notes_there_is_no_notes_page_and_no_link(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event(body="Text [@article].\n\n> quoted")})
    build(project, project / "site")
    assert not (project / "site" / "notes").exists()
    assert "notes/index.html" not in page(project / "site", "index.html")


def test_a_callout_on_its_event_page_is_an_aside_labelled_as_a_note(
        make_project: MakeProject) -> None:
    project = make_project({"content/b.md": event(title="B", body=CALLOUT),
                            "content/a.md": event(title="A")})
    build(project, project / "site")
    html = page(project / "site", "events/b/index.html")
    assert ('<aside aria-label="Editor\'s note" class="editor-note" role="note">\n'
            '<p class="editor-note-label">Editor\'s note</p>') in html
