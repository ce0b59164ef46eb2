"""ISBNs and DOIs of sources: checked and kept in one form, and the links that resolve them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import icalendar
import pytest
from conftest import MakeProject, event

from timeline.build import build
from timeline.content.identifiers import IdentifierError, normalise_doi, normalise_isbn
from timeline.content.load import load_timeline
from timeline.site.urls import doi_url, isbn_url


@pytest.mark.parametrize(("written", "kept"), [
    ("978-0-306-40615-7", "9780306406157"),
    ("978 0 306 40615 7", "9780306406157"),
    ("ISBN 978-0-306-40615-7", "9780306406157"),
    ("ISBN-13: 9780306406157", "9780306406157"),
    ("979-10-90636-07-1", "9791090636071"),
    ("0-306-40615-2", "0306406152"),
    ("0-8044-2957-x", "080442957X"),
    ("isbn-10 080442957X", "080442957X"),
    ("978‐0‐306‐40615‐7", "9780306406157"),  # Unicode hyphens, as word processors write
])
def test_an_isbn_is_kept_as_its_digits(written: str, kept: str) -> None:
    assert normalise_isbn(written) == kept


@pytest.mark.parametrize(("written", "problem"), [
    ("978-0-306-40615-8", "is not a valid ISBN: the check digit of '978-0-306-40615-8' does "
                          "not match the others (a digit is mistyped, or two are swapped)"),
    ("978-0-360-40615-7", "is not a valid ISBN: the check digit of '978-0-360-40615-7' does "
                          "not match the others (a digit is mistyped, or two are swapped)"),
    ("0-306-40615-X", "is not a valid ISBN: the check digit of '0-306-40615-X' does not "
                      "match the others (a digit is mistyped, or two are swapped)"),
    ("977-0-306-40615-7", "must be an ISBN-10 or ISBN-13 (10 or 13 digits, an ISBN-13 "
                          "starting 978 or 979; hyphens and spaces are allowed), not "
                          "'977-0-306-40615-7'"),
    ("03064061X2", "must be an ISBN-10 or ISBN-13 (10 or 13 digits, an ISBN-13 starting "
                   "978 or 979; hyphens and spaces are allowed), not '03064061X2'"),
    ("٠٣٠٦٤٠٦١٥٢", "must be an ISBN-10 or ISBN-13 (10 or 13 digits, an ISBN-13 starting "
                   "978 or 979; hyphens and spaces are allowed), not '٠٣٠٦٤٠٦١٥٢'"),
])
def test_an_isbn_that_is_not_one_is_refused_saying_why(written: str, problem: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        normalise_isbn(written)
    assert str(caught.value) == problem


@pytest.mark.parametrize(("written", "kept"), [
    ("10.1000/182", "10.1000/182"),
    ("doi:10.1000/182", "10.1000/182"),
    ("DOI: 10.1000/182", "10.1000/182"),
    ("https://doi.org/10.1000/182", "10.1000/182"),
    ("http://dx.doi.org/10.1000/182", "10.1000/182"),
    ("https://doi.org/10.1002/%28SICI%291097-4571%28199806%2949:8%3C693::AID-ASI3%3E3.0.CO;2-O",
     "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-O"),
    ("10.1000.10/abc#def", "10.1000.10/abc#def"),
])
def test_a_doi_is_kept_without_its_prefix(written: str, kept: str) -> None:
    assert normalise_doi(written) == kept


@pytest.mark.parametrize("written", ["11.1000/182", "10.100/182", "10.1000", "10.1000/",
                                     "10.1000/a b", "https://example.org/10.1000/182",
                                     "10.1000/a\u202eb", "javascript:alert(1)//10.1000/1"])
def test_a_doi_that_is_not_one_is_refused(written: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        normalise_doi(written)
    assert str(caught.value) == ("must be a DOI such as 10.1000/xyz123 (with or without doi: "
                                 f"or https://doi.org/ before it), not '{written}'")


def test_the_links_resolve_at_the_doi_foundation_and_open_library() -> None:
    assert doi_url("10.1000/182") == "https://doi.org/10.1000/182"
    assert doi_url("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI3>3.0.CO;2-O") == \
        "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI3%3E3.0.CO;2-O"
    assert doi_url('10.1000/a#b?c%d"e') == "https://doi.org/10.1000/a%23b%3Fc%25d%22e"
    assert isbn_url("080442957X") == "https://openlibrary.org/isbn/080442957X"


def test_sources_keep_their_identifiers_in_one_form(make_project: MakeProject) -> None:
    sources = ("book:\n  title: A book\n  isbn: 978-0-306-40615-7\n  edition: 2nd\n"
               "  page: \"12\"\n  archive_id: MS 1234/5\n")
    inline = ("\n  - id: paper\n    title: A paper\n    doi: https://doi.org/10.1000/182\n"
              "    pages: 12-19")
    project = make_project({"content/e.md": event(body="Text [@book] [@paper].",
                                                  sources=inline)}, sources=sources)
    timeline, report = load_timeline(project)
    assert not report.diagnostics
    book, paper = timeline.events[0].sources
    assert (book.isbn, book.edition, book.page, book.pages, book.archive_id) == (
        "9780306406157", "2nd", "12", None, "MS 1234/5")
    assert (paper.doi, paper.pages, paper.isbn) == ("10.1000/182", "12-19", None)


def test_a_bad_inline_source_is_one_error_not_two(make_project: MakeProject) -> None:
    inline = "\n  - id: paper\n    title: A paper\n    doi: 10.1000"
    project = make_project({"content/e.md": event(body="Text [@paper].", sources=inline)})
    _, report = load_timeline(project)
    assert [str(d) for d in report.diagnostics] == [
        "content/e.md:7: error: doi of source 'paper' must be a DOI such as 10.1000/xyz123 "
        "(with or without doi: or https://doi.org/ before it), not '10.1000'"]


HOSTILE_SOURCES = """\
book:
  title: A book
  isbn: 0-8044-2957-X
  edition: "2nd <script>alert(1)</script>"
  page: "12 & 13"
  archive_id: "MS </script><b>1</b>"
paper:
  title: A paper
  doi: "https://doi.org/10.1000/a%23b%3C%2Fscript%3E"
  pages: 3-9
"""


@pytest.fixture
def built(make_project: MakeProject, tmp_path: Path) -> Path:
    project = make_project({
        "timeline.toml": 'base_url = "https://example.org/"\n',
        "content/e.md": event(body="Text [@book] and [@paper]."),
    }, sources=HOSTILE_SOURCES)
    result = build(project, tmp_path / "site")
    assert not result.report.errors
    return tmp_path / "site"


BOOK_LINK = ('<a class="source-isbn" href="https://openlibrary.org/isbn/080442957X">'
             'ISBN 080442957X</a>')
PAPER_LINK = ('<a class="source-doi" href="https://doi.org/10.1000/a%23b%3C/script%3E">'
              'DOI 10.1000/a#b&lt;/script&gt;</a>')


def test_pages_link_the_doi_and_isbn_and_show_the_rest_as_escaped_text(built: Path) -> None:
    page = (built / "events" / "e" / "index.html").read_text(encoding="utf-8")
    assert (' <span class="source-edition">Edition: 2nd &lt;script&gt;alert(1)&lt;/script&gt;'
            '</span>. <span class="source-pages">p. 12 &amp; 13</span>.</span>'
            f'<span class="source-extra"> {BOOK_LINK}. <span class="source-archive-id">'
            'Reference: MS &lt;/script&gt;&lt;b&gt;1&lt;/b&gt;</span>.</span>') in page
    assert ('<span class="source-pages">pp. 3-9</span>.</span><span class="source-extra"> '
            f'{PAPER_LINK}.</span>') in page
    for listing in (built / "sources" / "book" / "index.html", built / "sources" / "index.html"):
        text = listing.read_text(encoding="utf-8")
        assert BOOK_LINK in text and "Reference: MS &lt;/script&gt;" in text, listing
    assert PAPER_LINK in (built / "sources" / "paper" / "index.html").read_text(encoding="utf-8")
    assert PAPER_LINK in (built / "sources" / "index.html").read_text(encoding="utf-8")


def test_the_event_page_cites_a_book_by_isbn_and_a_paper_by_its_doi(built: Path) -> None:
    page = (built / "events" / "e" / "index.html").read_text(encoding="utf-8")
    script = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert json.loads(script)["citation"] == [
        {"@type": "Book", "name": "A book", "isbn": "080442957X",
         "bookEdition": "2nd <script>alert(1)</script>", "identifier": "MS </script><b>1</b>"},
        {"@type": "CreativeWork", "name": "A paper",
         "sameAs": "https://doi.org/10.1000/a%23b%3C/script%3E"}]


def test_the_exports_hold_the_identifiers(built: Path) -> None:
    (entry,) = json.loads((built / "events.json").read_text(encoding="utf-8"))
    book, paper = entry["sources"]
    assert {k: book[k] for k in ("isbn", "doi", "page", "pages", "edition", "archive_id")} == {
        "isbn": "080442957X", "doi": None, "page": "12 & 13", "pages": None,
        "edition": "2nd <script>alert(1)</script>", "archive_id": "MS </script><b>1</b>"}
    assert (paper["doi"], paper["pages"]) == ("10.1000/a#b</script>", "3-9")
    sources = ('<h2>Sources</h2><ol><li id="source-1">A book '
               '<a href="https://openlibrary.org/isbn/080442957X">ISBN 080442957X</a>. '
               "Edition: 2nd &lt;script&gt;alert(1)&lt;/script&gt;. p. 12 &amp; 13. "
               "Reference: MS &lt;/script&gt;&lt;b&gt;1&lt;/b&gt;</li>"
               '<li id="source-2">A paper <a href="https://doi.org/10.1000/a%23b%3C/script%3E">'
               "DOI 10.1000/a#b&lt;/script&gt;</a>. pp. 3-9</li></ol>")
    timeline_json = json.loads((built / "timeline.json").read_text(encoding="utf-8"))
    assert timeline_json["events"][0]["text"]["text"].endswith(sources)
    with (built / "events.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows[1]["Text"].endswith(sources)
    calendar = icalendar.Calendar.from_ical((built / "calendar.ics").read_bytes())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["DESCRIPTION"]).endswith(
        "Sources:\n1. A book https://openlibrary.org/isbn/080442957X\n"
        "2. A paper https://doi.org/10.1000/a%23b%3C/script%3E")
