"""Citation coverage: which paragraphs count, and the report of `check --citations`."""

from __future__ import annotations

import textwrap

import pytest
from conftest import MakeProject, event

from timeline.cli import main
from timeline.content.citations import scan_citations
from timeline.content.coverage import find_paragraphs

BODY = """\
Cited paragraph [@article, para. 1].

An uncited paragraph that goes on for more than eight words here.

## A heading is not a paragraph

- a cited item [@report]
- an uncited item

> [!NOTE]
> An editor's note, uncited, does not count.

Between the note and the quote [@article].

> A quotation without its source.

```
code [@article] is not a paragraph
```

| a | b |
|---|---|
| 1 | 2 |

![A map](https://example.org/map.png)

Last words
over two lines [@article]."""

LEAFLET = "\n  - id: leaflet\n    title: A leaflet"

REPORT = [
    'content/a.md:7: uncited paragraph: "An uncited paragraph that goes on for more…"',
    'content/a.md:12: uncited list item: "an uncited item"',
    'content/a.md:19: uncited quotation: "A quotation without its source."',
    "content/a.md: 4 of 7 paragraphs cited (57%)",
    "content/b.md: 1 of 1 paragraph cited (100%); single source: 'leaflet'",
    "content/b.md:5: no archived copy: source 'leaflet' has neither 'archive' nor 'file'",
    "content/sources.yaml:7: no archived copy: source 'report' has neither 'archive' "
    "nor 'file'",
    "citations: 5 of 8 paragraphs cited (62%) in 2 events",
]
WARNING = ("content/sources.yaml:7: warning: source 'report' has no url, archive, file, "
           "isbn, doi or archive_id: readers cannot check it (add a copy with 'file' if you can)")


def kinds(body: str) -> list[tuple[str, int, bool]]:
    """Return each paragraph of body (its first line being line 1): kind, line, cited."""
    body = textwrap.dedent(body)
    return [(p.kind, p.line, p.cited)
            for p in find_paragraphs(body, 1, scan_citations(body, 1))]


@pytest.fixture
def project(make_project: MakeProject) -> str:
    root = make_project({"content/a.md": event(title="A", body=BODY),
                         "content/b.md": event(title="B", date='"2023-01-05"',
                                               body="Only the leaflet [@leaflet].",
                                               sources=LEAFLET)})
    return str(root)


def test_the_report_lists_uncited_paragraphs_figures_and_flags(
        project: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", project, "--citations"]) == 0
    assert capsys.readouterr().out.splitlines() == [WARNING, *REPORT, "0 errors, 1 warning"]


@pytest.mark.parametrize(("share", "below"), [
    ("0.5", None), ("0.625", None), ("5/8", None), ("0", None),
    ("0.63", "63% (--min-coverage 0.63)"), ("1", "100% (--min-coverage 1)")])
def test_min_coverage_fails_below_the_share_and_passes_at_it(
        project: str, capsys: pytest.CaptureFixture[str], share: str, below: str | None) -> None:
    assert main(["check", project, "--min-coverage", share]) == (1 if below else 0)
    assert capsys.readouterr().out.splitlines() == [WARNING, *REPORT] + (
        [f"citations: coverage 62% is below the minimum of {below}"] if below else []
    ) + ["0 errors, 1 warning"]


@pytest.mark.parametrize("share", ["90", "-0.1", "1.01", "ninety", "", "1/0", "nan"])
def test_a_min_coverage_that_is_not_a_share_is_a_usage_error(
        project: str, capsys: pytest.CaptureFixture[str], share: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", project, "--min-coverage", share])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "timeline check: error: argument --min-coverage: must be a share from 0 to 1, "
        f"e.g. 0.9 for 90%, not '{share}'")


def test_plain_check_prints_no_report_and_strict_ignores_the_flags(
        project: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", project]) == 0
    assert capsys.readouterr().out.splitlines() == [WARNING, "0 errors, 1 warning"]


def test_an_event_without_paragraphs_counts_for_nothing(
        make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/a.md": event(body="## Only a heading", sources="[a]")},
                           sources="a:\n  title: A\n  file: a.txt\n")
    (project / "content" / "a.txt").write_text("the source", encoding="utf-8")
    assert main(["check", str(project), "--min-coverage", "1"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "content/a.md: no paragraphs; single source: 'a'",
        "citations: no paragraphs in 1 event", "0 errors, 0 warnings"]


def test_the_example_is_fully_cited(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--citations", "--min-coverage", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["citations: 30 of 30 paragraphs cited (100%) in 13 events",
                        "0 errors, 0 warnings"]
    assert not [line for line in out if "uncited" in line]


def test_each_list_item_counts_and_continuation_lines_belong_to_it() -> None:
    assert kinds("""\
        - one [@a]
        - two
          lazy [@a]
            - nested

        - loose
        more of it

            indented, still the item [@a]

        After.
        """) == [("list item", 1, True), ("list item", 2, True), ("list item", 4, False),
                 ("list item", 6, True), ("paragraph", 11, False)]


def test_quotes_merge_across_a_blank_line_and_a_note_swallows_what_merges_into_it() -> None:
    assert kinds("""\
        > one

        > two [@a]

        Text [@a].

        > [!note] a note

        > merged into the note

        > and this too

        Text.

        > quoted
        """) == [("quotation", 1, True), ("paragraph", 5, True), ("paragraph", 13, False),
                 ("quotation", 15, False)]


def test_headings_rules_html_definitions_tables_and_images_do_not_count() -> None:
    assert kinds("""\
        Setext heading
        ==============

        Text [@a]
        # ATX heading after text
        more

        ---
        * * *

        <div>raw [@a]</div>

        [ref]: https://example.org

        a | b
        --|--
        1 | 2

        [![logo](l.png)](https://example.org) ![x][ref]

            code
        """) == [("paragraph", 4, True), ("paragraph", 6, False)]


def test_code_is_blank_and_a_setext_underline_of_dashes_is_a_heading() -> None:
    assert kinds("""\
        ~~~
        [@a]
        ~~~
        Heading
        ---
        Under `[@a]` it.
        """) == [("paragraph", 6, False)]
