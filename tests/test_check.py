"""`timeline check`: the checks it adds to loading, from what loading kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeProject, event

from timeline.check import check
from timeline.content import gate
from timeline.content.load import load_timeline


def test_loading_keeps_the_relative_links_of_a_body_with_their_lines(
        make_project: MakeProject) -> None:
    body = ("Intro [@article].\n\n[web](https://example.org) [top](#x) [abs](/a)\n\n"
            "![map](map.png) and [other](../b/index.html \"title\").\n")
    project = make_project({"content/a.md": event(body=body)})
    timeline, report = load_timeline(project)
    assert not report.errors
    assert [(link.target, link.line) for link in timeline.events[0].links] == [
        ("map.png", 9), ("../b/index.html", 9)]


def test_check_reports_a_broken_link_without_reading_the_file_again(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project({
        "content/a.md": event(body="Text [@article].\n\nSee [b](../b/index.html) and "
                                   "[gone](../gone/index.html)."),
        "content/b.md": event(title="B"),
    })
    reads: list[str] = []
    original = gate.read_text

    def counting(root: Path, rel: str) -> gate.Text:
        reads.append(rel)
        return original(root, rel)

    monkeypatch.setattr(gate, "read_text", counting)
    report = check(project)
    assert [str(d) for d in report.errors] == [
        "content/a.md:7: error: broken link '../gone/index.html': "
        "nothing at events/gone/index.html in the site"]
    assert sorted(rel for rel in reads if rel.endswith(".md")) == ["content/a.md", "content/b.md"]


def test_a_citation_in_an_indented_code_block_is_code_not_a_citation(
        make_project: MakeProject) -> None:
    body = "Intro [@article].\n\n    print('[@nowhere]')\n\nAfter.\n"
    project = make_project({"content/a.md": event(body=body)})
    timeline, _ = load_timeline(project)
    assert "<pre><code>print('[@nowhere]')\n</code></pre>" in timeline.events[0].body_html
    assert [str(d) for d in check(project).diagnostics if d.path == "content/a.md"] == []


def test_an_indented_block_after_a_list_item_continues_it_and_is_checked(
        make_project: MakeProject) -> None:
    body = "Intro [@article].\n\n- item\n\n    more [@nowhere]\n"
    project = make_project({"content/a.md": event(body=body)})
    assert [str(d) for d in check(project).errors] == [
        "content/a.md:9: error: unknown source '@nowhere'."]


@pytest.mark.parametrize("style", [">-", "|", ">"])
def test_a_citation_in_a_block_scalar_note_is_reported_at_its_own_line(
        make_project: MakeProject, style: str) -> None:
    note = (f"{style}\n  The article says Saratov [@article],\n\n  but the report\n"
            "  disagrees [@nowhere] and [@article].")
    project = make_project({"content/a.md": event(note=note)})
    assert [str(d) for d in check(project).errors] == [
        "content/a.md:8: error: unknown source '@nowhere'."]


def test_a_citation_in_a_plain_multiline_note_is_reported_at_its_own_line(
        make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event(note="First [@article]\n  then [@nowhere].")})
    assert [str(d) for d in check(project).errors] == [
        "content/a.md:5: error: unknown source '@nowhere'."]


CHECKABLE = {"url": "https://example.org/b", "archive": "https://archive.example.org/b",
             "file": "b.txt", "isbn": "978-0-306-40615-7", "doi": "10.1000/xyz123",
             "archive_id": '"Case 1:23-cv-00001, docket 12"'}


@pytest.mark.parametrize("field", sorted(CHECKABLE))
def test_a_source_with_a_link_a_copy_or_an_identifier_is_checkable(
        make_project: MakeProject, field: str) -> None:
    sources = f"b:\n  title: Book\n  {field}: {CHECKABLE[field]}\n"
    project = make_project({"content/a.md": event(body="Text [@b]."), "content/b.txt": "B"},
                           sources=sources)
    found = [str(d) for d in check(project, strict=True).diagnostics]
    assert found == (["content/sources.yaml:1: error: source 'b' has a url but no archive: "
                      "add an archived copy so the source stays checkable"]
                     if field == "url" else [])


def test_a_source_with_only_a_page_and_an_edition_cannot_be_checked(
        make_project: MakeProject) -> None:
    sources = "b:\n  title: Book\n  page: \"12\"\n  edition: 2nd\n"
    project = make_project({"content/a.md": event(body="Text [@b].")}, sources=sources)
    assert [str(d) for d in check(project).diagnostics] == [
        "content/sources.yaml:1: warning: source 'b' has no url, archive, file, isbn, doi or "
        "archive_id: readers cannot check it (add a copy with 'file' if you can)"]
    assert [str(d) for d in check(project, strict=True).errors] == [
        "content/sources.yaml:1: error: source 'b' has no url, archive, file, isbn, doi or "
        "archive_id: readers cannot check it (add a copy with 'file' if you can)"]
