"""Bounds on Markdown text: line length and nesting depth, checked when an event is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeProject, event

from timeline.build import build
from timeline.cli import main
from timeline.content.limits import MAX_LINE, MAX_NESTING, nesting
from timeline.content.load import load_timeline

LONG = f"line too long: {MAX_LINE + 1} characters, more than the limit of {MAX_LINE} for a " \
       "line of Markdown; break it into paragraphs"


def deep(levels: int) -> str:
    return (f"nested too deeply: {levels} levels of lists, block quotes and indentation on "
            f"one line, more than the limit of {MAX_NESTING}")


def problems(project: Path) -> list[str]:
    _, report = load_timeline(project)
    return [str(d) for d in sorted(report.diagnostics)]


@pytest.mark.parametrize(("line", "depth"), [
    ("Plain prose - with a dash.", 0),
    ("- item", 1),
    ("- - - x", 3),
    ("1. 2) + * x", 4),
    ("1.5 million", 0),
    ("-5 degrees", 0),
    ("> > > quoted", 3),
    (">>>x", 3),
    ("> - > 1. x", 4),
    ("    code", 1),
    ("\t\t- x", 3),
    ("  \t- x", 2),
    ("        - - x", 4),
    ("* * * * * * * * * *", 0),
    ("- - - - - - - - -", 0),
    ("_ _ _ _ _ _", 0),
    ("- x - y", 1),
    ("", 0),
])
def test_nesting_counts_indentation_and_leading_markers(line: str, depth: int) -> None:
    assert nesting(line) == depth


def test_a_line_at_the_limits_loads(make_project: MakeProject) -> None:
    body = ("Intro [@article].\n\n" + "a" * MAX_LINE + "\n\n" + "- " * MAX_NESTING + "x\n\n"
            + "* " * 1000 + "\n")
    project = make_project({"content/e.md": event(body=body)})
    assert problems(project) == []


def test_a_line_too_long_is_an_error_with_its_length(make_project: MakeProject) -> None:
    body = "Intro [@article].\n\n" + "a" * (MAX_LINE + 1)
    project = make_project({"content/e.md": event(body=body)})
    assert problems(project) == [f"content/e.md:7: error: {LONG}"]


@pytest.mark.parametrize("line", [
    "- " * (MAX_NESTING + 1) + "x",
    "1. " * (MAX_NESTING + 1) + "x",
    "+ " * (MAX_NESTING + 1) + "x",
    ">" * (MAX_NESTING + 1) + "x",
    "    " * MAX_NESTING + "- x",
], ids=["bullets", "numbers", "pluses", "quotes", "indentation"])
def test_a_line_nested_too_deeply_is_an_error(make_project: MakeProject, line: str) -> None:
    project = make_project({"content/e.md": event(body=f"Intro [@article].\n\n{line}")})
    assert problems(project) == [f"content/e.md:7: error: {deep(MAX_NESTING + 1)}"]


def test_the_first_line_past_each_limit_is_reported(make_project: MakeProject) -> None:
    lines = ["Intro [@article].", "- " * 60 + "x", "a" * (MAX_LINE + 1), "- " * 70 + "x",
             "b" * (MAX_LINE + 5)]
    project = make_project({"content/e.md": event(body="\n\n".join(lines))})
    assert problems(project) == [f"content/e.md:7: error: {deep(60)}",
                                 f"content/e.md:9: error: {LONG}"]


def test_the_editors_note_is_bounded_too(make_project: MakeProject) -> None:
    note = '"' + "> " * 60 + 'x"'
    project = make_project({"content/e.md": event(note=note)})
    assert problems(project) == [f"content/e.md:4: error: 'note': {deep(60)}"]


def test_a_refused_body_leaves_the_site_as_it_was(make_project: MakeProject,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    build(project, project / "site")
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    (project / "content" / "e.md").write_text(event(body="Text.\n\n" + "- " * 500 + "x"))
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"content/e.md:7: error: {deep(500)}" in err.splitlines()
    assert "Traceback" not in err
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before
