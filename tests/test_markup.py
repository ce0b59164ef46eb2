"""Rendering bodies: citation links, editor's notes, summaries, and the sanitiser."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from timeline.content.markup import Renderer


def test_citations_become_numbered_links_with_anchors() -> None:
    html = Renderer().render("A [@x, p. 3]. B [@y; @x].").html
    assert 'href="#source-1" id="cite-1-1"' in html
    assert 'href="#source-2" id="cite-2-1"' in html
    assert 'href="#source-1" id="cite-1-2"' in html
    assert 'title="p. 3"' in html


def test_a_bracket_citing_one_source_twice_makes_one_mark() -> None:
    html = Renderer().render("Toll [@x, para. 12; @y; @x, para. 13].").html
    assert html == (
        '<p>Toll <sup class="citation">[<a aria-label="Source 1, para. 12, para. 13" '
        'class="citation-link" href="#source-1" id="cite-1-1" role="doc-noteref" '
        'title="para. 12, para. 13">1</a>, <a aria-label="Source 2" class="citation-link" '
        'href="#source-2" id="cite-2-1" role="doc-noteref">2</a>]</sup>.</p>')


def test_unknown_ids_are_left_as_text() -> None:
    html = Renderer().render("A [@nope].", known=lambda i: i != "nope").html
    assert "[@nope]" in html and "citation" not in html


def test_citations_in_code_are_not_rendered() -> None:
    html = Renderer().render("`[@x]`\n").html
    assert "<code>[@x]</code>" in html


def test_note_callout_becomes_an_editors_note() -> None:
    html = Renderer().render("Report.\n\n> [!NOTE]\n> The article says Saratov.\n").html
    assert html == ('<p>Report.</p>\n<aside aria-label="Editor\'s note" class="editor-note" '
                    'role="note">\n<p class="editor-note-label">Editor\'s note</p>\n'
                    "<p>The article says Saratov.</p>\n</aside>")


def test_a_notes_copy_for_the_notes_page_has_no_ids_and_links_back_to_its_page() -> None:
    body = ("Body [@a].\n\n> [!NOTE]\n> Said [@b, p. 2] on [[b]], [up](#sources),"
            " [web](https://example.org/x) and [file](../../documents/a.txt).\n")
    rendered = Renderer(titles={"b": "B"}).render(body, page="events/a/index.html")
    assert 'id="cite-2-1"' in rendered.html
    assert rendered.notes == (
        '<div class="editor-note-text">\n<p>Said <sup class="citation">[<a aria-label="Source 2,'
        ' p. 2" class="citation-link" href="../events/a/index.html#source-2" role="doc-noteref" '
        'title="p. 2">2</a>]</sup> on <a class="xref" href="../events/b/index.html">B</a>, '
        '<a href="../events/a/index.html#sources">up</a>, <a href="https://example.org/x">web</a>'
        ' and <a href="../documents/a.txt">file</a>.</p>\n</div>',)


def test_a_whole_note_is_copied_numbered_after_the_body_and_sanitised() -> None:
    renderer = Renderer()
    body = renderer.render("Body [@a].", page="events/a/index.html")
    assert body.notes == ()
    note = renderer.render("Note [@b] <script>x()</script><b>&</b>", numbering=body.numbering,
                           page="events/a/index.html", note=True)
    assert note.notes == (
        '<div class="editor-note-text">\n<p>Note <sup class="citation">[<a aria-label="Source 2"'
        ' class="citation-link" href="../events/a/index.html#source-2" role="doc-noteref">2</a>]'
        "</sup> <b>&amp;</b></p>\n</div>",)
    assert Renderer().render("> [!NOTE]\n> n").notes == ()  # no page: nothing copied


def test_plain_quotes_stay_blockquotes() -> None:
    assert "<blockquote>" in Renderer().render("> quoted\n").html


def test_summary_is_first_paragraph_without_citation_marks() -> None:
    rendered = Renderer().render("# Heading\n\nThe *first* one [@x].\n\nSecond.\n")
    assert rendered.summary == "The first one."


def test_sanitiser_removes_scripts_handlers_and_bad_urls() -> None:
    body = ('<script>alert(1)</script><img src="x.png" onerror="alert(2)" alt="x">'
            '<a href="javascript:alert(3)">j</a> <a href="data:text/html,hi">d</a>'
            '<iframe src="https://evil.example"></iframe>[x](javascript:alert(4))')
    html = Renderer().render(body).html
    for bad in ("<script", "onerror", "javascript:", "data:", "<iframe"):
        assert bad not in html
    assert '<img src="x.png" alt="x">' in html


def test_unsafe_html_keeps_raw_html_when_opted_in() -> None:
    html = Renderer(unsafe_html=True).render("<div onclick=\"go()\">x</div>").html
    assert 'onclick="go()"' in html


def test_renders_in_parallel_threads_keep_their_own_numbering_and_summary() -> None:
    renderer = Renderer()
    bodies = [f"Event {i} [@s{i}] and [@t{i}, p. {i}].\n\nMore [@t{i}]." for i in range(64)]
    expected = [Renderer().render(body) for body in bodies]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(5):
            results = list(pool.map(renderer.render, bodies))
            assert [(r.html, r.summary, r.numbering.numbers) for r in results] == [
                (r.html, r.summary, r.numbering.numbers) for r in expected]


def test_known_ids_of_one_render_do_not_leak_into_the_next() -> None:
    renderer = Renderer()
    assert "citation" not in renderer.render("[@x]", known=lambda _id: False).html
    assert "citation" in renderer.render("[@x]").html
