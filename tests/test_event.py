"""Reading events: fields, sources, citations, ordering, and every content error."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest
from conftest import MakeProject, event

from timeline.build import build
from timeline.content.load import load_timeline


def problems(project: Path, **options: bool) -> list[str]:
    _, report = load_timeline(project, **options)
    return [str(d) for d in sorted(report.diagnostics)]


def events_of(project: Path, **options: bool):  # type: ignore[no-untyped-def]
    timeline, report = load_timeline(project, **options)
    assert report.errors == [], report.errors
    return timeline.events


def test_a_valid_event(make_project: MakeProject) -> None:
    project = make_project({"content/strike.md": event(
        "Strike", '"2023-01-04"', "First para [@article, para. 3].\n\nMore [@article].",
        tags="[a, b]", location="Makiivka", sources="[report]")})
    (strike,) = events_of(project)
    assert strike.slug == "strike"
    assert strike.title == "Strike"
    assert strike.tags == ("a", "b")
    assert strike.location == "Makiivka"
    assert strike.summary == "First para."
    assert strike.path == "content/strike.md"
    assert [(n.number, n.source.id, n.anchors, n.places) for n in strike.notes] == [
        (1, "article", ("cite-1-1", "cite-1-2"), ("para. 3", "")),
        (2, "report", (), ()),
    ]


def test_unquoted_dates_keep_their_precision(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event("A", "2023-01-05"),
                            "content/b.md": event("B", "2023"),
                            "content/c.md": event("C", "-0043-03-15")})
    labels = {e.title: (e.date.start.iso(), e.date.label()) for e in events_of(project)}
    assert labels == {"A": ("2023-01-05", "5 January 2023"), "B": ("2023", "2023"),
                      "C": ("-0043-03-15", "15 March 44 BC")}


def test_order_by_earliest_instant_in_utc_then_precision_title_slug(
        make_project: MakeProject) -> None:
    project = make_project({
        "content/late-utc.md": event("Late UTC", '"2022-12-31T22:30Z"'),
        "content/moscow.md": event("Moscow", '"2023-01-01T00:01+03:00"'),
        "content/day.md": event("Day", '"2023-01-01"'),
        "content/month.md": event("Month", '"2023-01"'),
        "content/year.md": event("Year", '"2023"'),
        "content/b.md": event("Same", '"2024"'),
        "content/a.md": event("Same", '"2024"'),
        "content/bc.md": event("Caesar", '"-0043-03-15"'),
    })
    assert [e.slug for e in events_of(project)] == [
        "bc", "moscow", "late-utc", "year", "month", "day", "a", "b"]


def test_site_timezone_applies_to_dates_without_offset(make_project: MakeProject) -> None:
    project = make_project({
        "timeline.toml": 'timezone = "Europe/Moscow"\n',
        "content/local.md": event("Local", '"2023-01-01 00:30"'),
        "content/utc.md": event("UTC", '"2022-12-31T22:00Z"'),
    })
    (first, second) = events_of(project)
    assert first.slug == "local"
    assert first.date.start.iso() == "2023-01-01T00:30+03:00"


def test_event_timezone_field_overrides_site(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event("E", '"2023-01-04 14:30"',
                                                  timezone="Asia/Tokyo")})
    (e,) = events_of(project)
    assert e.date.start.iso() == "2023-01-04T14:30+09:00"


def test_listed_but_uncited_sources_come_last(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(
        "E", '"2023"', "Cites [@report] then [@article].", sources="[article, report]")})
    (e,) = events_of(project)
    assert [n.source.id for n in e.notes] == ["report", "article"]


def test_inline_sources(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": (
        "---\ntitle: E\ndate: 2023\nsources:\n  - id: tweet\n    title: A post\n"
        "    url: https://example.org/p\n    kind: social\n---\nSays so [@tweet].\n")})
    (e,) = events_of(project)
    assert e.notes[0].source.title == "A post"
    assert e.notes[0].source.kind == "social"


def test_drafts_are_left_out_unless_asked(make_project: MakeProject) -> None:
    project = make_project({"content/d.md": event("D", draft="true"),
                            "content/e.md": event("E")})
    assert [e.slug for e in events_of(project)] == ["e"]
    assert [e.slug for e in events_of(project, drafts=True)] == ["d", "e"]


def test_events_in_subfolders_and_slug_field(make_project: MakeProject) -> None:
    project = make_project({"content/2023/January/Strike Day.md": event("S"),
                            "content/x.md": event("X", slug="custom-slug")})
    assert sorted(e.slug for e in events_of(project)) == ["custom-slug", "strike-day"]


def test_editor_note_field_is_rendered(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event("E", note='"The *article* errs."')})
    (e,) = events_of(project)
    assert e.editor_note is not None and "<em>article</em>" in e.editor_note


def test_title_with_hash_is_kept_whole(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event('"Strike #1 on base"')})
    assert events_of(project)[0].title == "Strike #1 on base"


def test_crlf_and_bom_are_accepted(make_project: MakeProject) -> None:
    text = "\ufeff" + event("E", body="Body [@article].").replace("\n", "\r\n")
    project = make_project({"content/e.md": text.encode("utf-8")})
    assert events_of(project)[0].title == "E"


@pytest.mark.parametrize("files, expected", [
    ({"content/e.md": "---\ndate: 2023\n---\n"},
     ["content/e.md:2: error: missing required field 'title'"]),
    ({"content/e.md": "---\ntitle: E\n---\n"},
     ["content/e.md:2: error: missing required field 'date'"]),
    ({"content/e.md": event(date="soonish")},
     ["content/e.md:3: error: "]),
    ({"content/e.md": event(date='"2023-13-45"')},
     ["content/e.md:3: error: "]),
    ({"content/e.md": event(date='"Monday"')},
     ["content/e.md:3: error: "]),
    ({"content/e.md": event(date='"04/01/2023"')},
     ["content/e.md:3: error: ambiguous date"]),
    ({"content/e.md": event(date='"2023-01-05"', end='"2023-01-04"')},
     ["content/e.md:4: error: end 2023-01-04 is before start 2023-01-05"]),
    ({"content/e.md": event(date='"2023-01-05/2023-01-04"')},
     ["content/e.md:3: error: end 2023-01-04 is before start 2023-01-05"]),
    ({"content/e.md": event(date='"2023-01-04 14:30 XYZT"')},
     ["content/e.md:3: error: "]),
    ({"content/e.md": event(timezone="Mars/Olympus")},
     ["content/e.md:4: error: unknown time zone 'Mars/Olympus'"]),
    ({"content/e.md": event(body="Line one.\n\nSee [@artcle].")},
     ["content/e.md:7: error: unknown source '@artcle'. Did you mean 'article'?"]),
    ({"content/e.md": event(sources="[reprt]")},
     ["content/e.md:4: error: unknown source 'reprt'. Did you mean 'report'?"]),
    ({"content/e.md": event(slug='"Bad Slug"')},
     ["content/e.md:4: error: invalid slug 'Bad Slug'"]),
    ({"content/e.md": event(tags="5")},
     ["content/e.md:4: error: 'tags' must be a list"]),
    ({"content/e.md": event("[a, b]")},
     ["content/e.md:2: error: 'title' must be text, not a list"]),
    ({"content/e.md": event(draft="yes")},
     ["content/e.md:4: error: 'draft' must be true or false"]),
    ({"content/e.md": event(media="{src: a.png}")},
     ["content/e.md:4: error: media needs 'alt' text"]),
    ({"content/e.md": event(media="{src: 'a#1.png', alt: A}"), "content/a#1.png": b"x"},
     ["content/e.md:4: error: media src 'a#1.png' has '#' or '?'"]),
    ({"content/e.md": event(tittle="x")},
     ["content/e.md:4: warning: unknown field 'tittle' is ignored. Did you mean 'title'?"]),
    ({"content/e.md": "---\n- a\n- b\n---\n"},
     ["content/e.md:2: error: front matter must be a mapping"]),
    ({"content/e.md": b"---\ntitle: caf\xe9\n---\n"},
     ["content/e.md:2: error: not UTF-8: invalid byte 0xe9 at byte offset 14"]),
    ({"content/a.md": event("A", slug="same"), "content/b.md": event("B", slug="same")},
     ["content/b.md:4: error: duplicate slug 'same': content/a.md has it too"]),
    ({"content/a.md": event("A"), "content/A.md": event("B")},
     ["content/a.md:1: error: duplicate slug 'a'"]),
    ({"content/e.md": "---\ntitle: E\ndate: 2023\n---\n",
      "content/sources.yaml": "x: {publisher: y}"},
     ["content/sources.yaml:1: error: source 'x' has no title"]),
    ({"content/e.md": "---\ntitle: E\ndate: 2023\n---\n",
      "content/sources.yaml": "x:\n  title: X\n  url: javascript:alert(1)\n"},
     ["content/sources.yaml:3: error: url of source 'x' must be an http(s) URL"]),
])
def test_content_errors_name_file_and_line(make_project: MakeProject,
                                            files: dict[str, str | bytes],
                                            expected: list[str]) -> None:
    found = problems(make_project(files))
    assert len(found) == len(expected), found
    for message, prefix in zip(found, expected, strict=True):
        assert message.startswith(prefix), (message, prefix)


def test_all_errors_of_a_build_are_reported_together(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event(date="soonish"),
                            "content/b.md": event(body="[@nope]"),
                            "content/c.md": "no front matter\n"})
    assert [p.split(": error")[0] for p in problems(project)] == [
        "content/a.md:3", "content/b.md:5", "content/c.md:1"]


def test_citations_in_the_editors_note_continue_the_body_numbering(
        make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(
        "E", '"2023"', "Body cites [@report].", note='"The note cites [@article] and [@report]."')})
    (e,) = events_of(project)
    assert [n.source.id for n in e.notes] == ["report", "article"]
    assert 'href="#source-2" id="cite-2-1"' in e.editor_note
    assert 'href="#source-1" id="cite-1-2"' in e.editor_note


def test_unknown_citation_in_the_editors_note_is_an_error(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(note='"Cites [@zzz]."')})
    assert problems(project) == ["content/e.md:4: error: unknown source '@zzz'."]


def test_summary_leaves_out_footnote_marks(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(
        body="Text[^1] [@article].\n\n[^1]: A footnote.")})
    assert events_of(project)[0].summary == "Text."


def test_cross_reference_links_to_another_event(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event("Alpha", body="See [[b]] [@article]."),
                            "content/b.md": event("Beta", body="See [[a|the first]].")})
    a, b = events_of(project)
    assert '<a class="xref" href="../../events/b/index.html">Beta</a>' in a.body_html
    assert '<a class="xref" href="../../events/a/index.html">the first</a>' in b.body_html


def test_cross_reference_to_a_draft_is_an_error_without_drafts(
        make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event("A", body="See [[dr]] [@article]."),
                            "content/dr.md": event("D", draft="true")})
    assert problems(project) == [
        "content/a.md:5: error: '[[dr]]' is a draft: it is not published without --drafts, "
        "so the link would lead nowhere"]
    assert problems(project, drafts=True) == []


def test_inline_source_may_not_shadow_a_registry_source(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": (
        "---\ntitle: E\ndate: 2023\nsources:\n  - id: article\n    title: Other\n---\nX.\n")})
    assert problems(project)[0].startswith(
        "content/e.md:5: error: inline source 'article' has the id of a source in the registry")


@pytest.mark.parametrize("zone", ["+03:00", "msk", "Europe/Moscow", "Z"])
def test_site_timezone_forms_all_build(make_project: MakeProject, zone: str,
                                       tmp_path: Path) -> None:
    from timeline.build import build

    project = make_project({"timeline.toml": f'timezone = "{zone}"\n',
                            "content/e.md": event(date='"2023-01-04 14:30"')})
    build(project, tmp_path / "out")
    assert (tmp_path / "out" / "timeline.json").is_file()


def _png(width: int, height: int) -> bytes:
    """Return the start of a PNG file: its signature and header chunk."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + b"IHDR" + header
            + struct.pack(">I", zlib.crc32(b"IHDR" + header)))


@pytest.mark.parametrize("name, data, size", [
    ("photo.png", _png(640, 427), (640, 427)),
    ("photo.gif", b"GIF89a" + struct.pack("<HH", 300, 200) + b"\x00" * 8, (300, 200)),
    ("photo.png", _png(640, 427)[:20], (None, None)),  # cut short: no size, no error
    ("scan.pdf", b"%PDF-1.7\n", (None, None)),  # not an image
])
def test_media_gets_the_width_and_height_of_its_file(make_project: MakeProject, name: str,
                                                     data: bytes,
                                                     size: tuple[int | None, int | None]
                                                     ) -> None:
    project = make_project({"content/e.md": event(media=f"{{src: {name}, alt: A photo}}"),
                            f"content/{name}": data})
    (found,) = events_of(project)
    assert found.media is not None
    assert (found.media.width, found.media.height) == size


def test_media_from_the_web_has_no_size_and_the_page_reserves_room_for_a_file(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({
        "content/a.md": event("A", media="{src: 'https://example.org/a.png', alt: A}"),
        "content/b.md": event("B", media="{src: b.png, alt: B}"),
        "content/b.png": _png(1200, 800)})
    build(project, tmp_path / "site")
    page_a = (tmp_path / "site/events/a/index.html").read_text(encoding="utf-8")
    page_b = (tmp_path / "site/events/b/index.html").read_text(encoding="utf-8")
    assert '<img src="https://example.org/a.png" alt="A">' in page_a
    assert '<img src="../../b.png" alt="B" width="1200" height="800">' in page_b


def test_images_in_a_body_get_the_width_and_height_of_their_files(
        make_project: MakeProject) -> None:
    body = ("![A map](../../maps/m.png) ![Drawn](../../maps/d.gif)"
            " ![Far](https://example.org/x.png) ![Gone](../../maps/none.png)"
            ' ![Sized](../../maps/m.png){: width="10" height="5"} [@article].')
    project = make_project({
        "content/e.md": event(body=body), "content/maps/m.png": _png(640, 427),
        "content/maps/d.gif": b"GIF89a" + struct.pack("<HH", 300, 200) + b"\x00" * 8})
    build(project)
    page = (project / "site/events/e/index.html").read_text(encoding="utf-8")
    images = sorted(re.findall(r"<img [^>]*>", page))
    assert images == [
        '<img alt="A map" height="427" src="../../maps/m.png" width="640">',
        '<img alt="Drawn" height="200" src="../../maps/d.gif" width="300">',
        '<img alt="Far" src="https://example.org/x.png">',  # the web: no size to read
        '<img alt="Gone" src="../../maps/none.png">',  # missing: check reports the link
        '<img alt="Sized" height="5" src="../../maps/m.png" width="10">',  # as written
    ]
    # A new file of another size is read again, though the event's file is the same.
    (project / "content/maps/m.png").write_bytes(_png(800, 600))
    assert build(project).parsed == 1
    page = (project / "site/events/e/index.html").read_text(encoding="utf-8")
    assert '<img alt="A map" height="600" src="../../maps/m.png" width="800">' in page
