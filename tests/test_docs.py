"""The examples in docs/format.md and docs/errors.md are run through the tool.

The convention, invisible on GitHub: an HTML comment `<!-- example: KIND -->` just
before a table or paragraph says how to run it.

- `dates`: a table with an input column (`Written`, `date:`...) and a `Label`
  column, maybe a `Precision` column. Each code span of the input cell is a date
  with that label; a span `name: value` is a front matter line and `name = value`
  a timeline.toml line, for the whole row. A trailing `(...)` in a cell is a comment.
- `date-errors`: a table of inputs and the message (`…` stands for any text); the
  message is shown after `invalid date '…': ` or alone.
- `order`: a table of dates in the order the tool sorts them, with their first instant.
- `config-errors`: a table of timeline.toml lines and the whole diagnostic line.
- `slugs`: a table of event files (or `slug:` lines) and the slug or error.
- `project`, with files in the comment (a line `PATH:` then the file indented by
  four spaces): `timeline check` runs on that project, and each message shown in the
  next block (the code spans with `error:`/`warning:`, and in a table the column
  `Message`) must be one of its output lines: the whole line, the line after
  `PATH:LINE: `, or the message after `error: `.
- `events-json` / `file: PATH`: a fenced block that equals an object of the example
  project's events.json / a file of the repository.
- `check-citations`, with files as for `project`: a fenced block of a `$ timeline check
  ...` line and its whole output, run on that project (the exit status is 1 when the
  output says the coverage is below the minimum).
- `citations`: a table of citation brackets (`Written`) and the mark shown for each
  (`Shown`) with its tooltip (`Title`), every id known.
- `invalid-corpus`: the table is checked by tests/test_invalid.py.
- `unchecked: WHY`: a block that looks like an example but shows no input.

A table or paragraph that looks like an example (a table with an input/result
header, or a code span with `error:` or `warning:`) must carry one of these.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO
from test_invalid import code_spans

from timeline.build import build, source_date_epoch
from timeline.check import check
from timeline.cli import main
from timeline.content.load import load_timeline
from timeline.content.markup import Renderer
from timeline.errors import Diagnostic, TimelineError

DOCS = [REPO / "docs" / "format.md", REPO / "docs" / "errors.md"]
EXAMPLE_HEADERS = {"written", "input", "label", "label shown", "message", "slug", "shown",
                   "first instant (utc)", "after sanitising", "why", "example", "result",
                   "example message", "`date:`", "`date`"}
_MESSAGE = re.compile(r"(^|\s)(error|warning):")


@dataclass(frozen=True)
class Block:
    """A paragraph, list item, table or fenced block of a doc, with its marker."""

    doc: str
    line: int
    lines: tuple[str, ...]
    marker: str | None

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def kind(self) -> str:
        return (self.marker or "").split("\n", 1)[0].split(":", 1)[-1].strip()

    def is_table(self) -> bool:
        return self.lines[0].startswith("|")

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Return the header cells and the rows of cells of a table."""
        rows = [_cells(line) for line in self.lines if line.startswith("|")]
        return [cell.lower() for cell in rows[0]], rows[2:]

    def looks_like_an_example(self) -> bool:
        if self.lines[0].startswith("```"):
            return False
        if self.is_table() and EXAMPLE_HEADERS & set(self.table()[0]):
            return True
        return any(_MESSAGE.search(span) for span in code_spans(" ".join(self.lines)))


def _cells(line: str) -> list[str]:
    return [cell.strip().replace("\\|", "|")
            for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def read_blocks(path: Path) -> Iterator[Block]:
    """Split a Markdown file into blocks, each with the comment just before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    marker: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        start = index
        if not line.strip():
            index += 1
            continue
        if line.startswith("<!--"):
            while "-->" not in lines[index]:
                index += 1
            marker = "\n".join(lines[start:index + 1])[4:-3].strip()
            index += 1
            continue
        if line.startswith("```"):
            index += 1
            while not lines[index].startswith("```"):
                index += 1
            index += 1
        else:
            while index < len(lines) and lines[index].strip() and not (
                    index > start and lines[index].startswith(("- ", "<!--", "```"))):
                index += 1
        yield Block(path.name, start + 1, tuple(lines[start:index]), marker)
        marker = None


BLOCKS = [block for doc in DOCS for block in read_blocks(doc)]


def examples(kind: str) -> list[Block]:
    return [block for block in BLOCKS if block.kind == kind]


def test_every_example_is_marked() -> None:
    unmarked = [block.id for block in BLOCKS
                if block.looks_like_an_example() and block.marker is None]
    assert unmarked == []


def test_every_marker_is_known() -> None:
    known = {"dates", "citations", "date-errors", "order", "config-errors", "slugs", "project",
             "events-json", "invalid-corpus", "source-date-epoch", "identifiers",
             "check-citations"}
    for block in BLOCKS:
        if block.marker is not None:
            assert block.kind in known or block.marker.startswith(("unchecked:", "file:")), \
                block.id


def test_there_are_examples() -> None:
    assert len(examples("dates")) >= 4
    assert len(examples("project")) >= 8


# --- running the tool -----------------------------------------------------------------

def _row_input(cell: str) -> tuple[list[str], list[str], list[str]]:
    """Split an input cell into dates, front matter lines and timeline.toml lines."""
    dates, front, toml = [], [], []
    for span in code_spans(_comment_free(cell)):
        if re.fullmatch(r"[a-z_]+ = .*", span):
            toml.append(span)
        elif re.fullmatch(r"[a-z_]+: .*", span):
            front.append(span)
        else:
            dates.append(span.strip('"'))
    return dates, front, toml


def _comment_free(cell: str) -> str:
    """Drop a trailing '(note)', but not a label's own offset, '14:30 CST (UTC+08:00)'."""
    return re.sub(r"\s*\((?!UTC[+-]\d\d:\d\d\)$)[^()]*(\([^()]*\)[^()]*)*\)$", "",
                  cell).strip()


def _event_file(title: str, date: str | None, front: list[str]) -> str:
    lines = [f"title: {json.dumps(title)}"]
    if date is not None:
        lines.append(f"date: {json.dumps(date)}")
    lines += front
    return "---\n" + "\n".join(lines) + "\n---\nText.\n"


def _project(root: Path, files: dict[str, str]) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name.removesuffix(" (latin-1)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("latin-1" if name.endswith("(latin-1)") else "utf-8"))
    return root


def _column(header: list[str], *names: str) -> int:
    for name in names:
        for index, cell in enumerate(header):
            if cell == name or cell.startswith(name + " "):
                return index
    raise AssertionError(f"no column {names} in {header}")


def _table_rows(kind: str) -> list[tuple[str, list[str], list[str]]]:
    return [(f"{block.id}#{n}", block.table()[0], row)
            for block in examples(kind) for n, row in enumerate(block.table()[1], 1)]


DATE_ROWS = _table_rows("dates")


@pytest.mark.parametrize("where, header, row", DATE_ROWS, ids=[r[0] for r in DATE_ROWS])
def test_date_label(where: str, header: list[str], row: list[str], tmp_path: Path) -> None:
    dates, front, toml = _row_input(row[_column(header, "written", "`date:`")])
    label = _comment_free(row[_column(header, "label", "label shown")])
    files = {f"content/e{n}.md": _event_file(f"E{n}", date, front)
             for n, date in enumerate(dates or [None])}
    files["timeline.toml"] = "\n".join(toml) + "\n"
    timeline, report = load_timeline(_project(tmp_path, files))
    assert [str(d) for d in report.errors] == []
    assert [e.date.label() for e in timeline.events] == [label] * len(dates or [None])
    if "precision" in header:
        words = row[header.index("precision")]
        for e in timeline.events:
            assert e.date.precision.name.lower() == words.split(",")[0]
            assert e.date.approximate == ("approximate" in words)
            assert e.date.uncertain == ("uncertain" in words)


CITATION_ROWS = _table_rows("citations")


@pytest.mark.parametrize("where, header, row", CITATION_ROWS, ids=[r[0] for r in CITATION_ROWS])
def test_citation_mark(where: str, header: list[str], row: list[str]) -> None:
    (written,), _, _ = _row_input(row[_column(header, "written")])
    html = Renderer().render(f"Text {written}.").html
    mark = re.search(r'<sup class="citation">(.*?)</sup>', html)
    assert mark is not None, html
    assert re.sub(r"<[^>]+>", "", mark.group(1)) == _comment_free(row[_column(header, "shown")])
    titles = re.findall(r'title="([^"]*)"', mark.group(1))
    assert titles == [t for t in [row[_column(header, "title")]] if t]


DATE_ERROR_ROWS = _table_rows("date-errors")


def _pattern(documented: str) -> str:
    return ".*".join(re.escape(part) for part in documented.split("…"))


@pytest.mark.parametrize("where, header, row", DATE_ERROR_ROWS,
                         ids=[r[0] for r in DATE_ERROR_ROWS])
def test_date_error(where: str, header: list[str], row: list[str], tmp_path: Path) -> None:
    dates, front, toml = _row_input(row[0])
    message = code_spans(row[_column(header, "message")])[0]
    for n, date in enumerate(dates):
        project = _project(tmp_path / str(n), {"content/e.md": _event_file("E", date, front),
                                               "timeline.toml": "\n".join(toml) + "\n"})
        errors = [d.message for d in check(project).errors]
        quoted = re.escape(f"invalid date '{date}': ")
        assert len(errors) == 1 and re.fullmatch(f"({quoted})?{_pattern(message)}",
                                                 errors[0]), (date, errors)


ORDER_TABLES = examples("order")


@pytest.mark.parametrize("block", ORDER_TABLES, ids=[b.id for b in ORDER_TABLES])
def test_order(block: Block, tmp_path: Path) -> None:
    header, rows = block.table()
    dates = [code_spans(row[0])[0] for row in rows]
    # Slugs run against the table's order, so that only the date can put a row first.
    last = len(dates) - 1
    files = {f"content/e{n}.md": _event_file("Same title", date, [f"slug: e{last - n}"])
             for n, date in enumerate(dates)}
    timeline, report = load_timeline(_project(tmp_path, files))
    assert report.errors == []
    assert [e.slug for e in timeline.events] == [f"e{last - n}" for n in range(len(dates))]
    instants = [datetime.fromtimestamp(e.date.sort_key()[0], UTC).strftime("%Y-%m-%d %H:%M")
                for e in timeline.events]
    assert instants == [row[_column(header, "first instant (utc)")] for row in rows]


CONFIG_ROWS = _table_rows("config-errors")


@pytest.mark.parametrize("where, header, row", CONFIG_ROWS, ids=[r[0] for r in CONFIG_ROWS])
def test_config_error(where: str, header: list[str], row: list[str], tmp_path: Path) -> None:
    setting = code_spans(row[0])[0]
    project = _project(tmp_path, {"timeline.toml": setting + "\n",
                                  "content/e.md": _event_file("E", "2023", [])})
    assert [str(d) for d in check(project).errors] == code_spans(row[1])


SLUG_ROWS = _table_rows("slugs")


@pytest.mark.parametrize("where, header, row", SLUG_ROWS, ids=[r[0] for r in SLUG_ROWS])
def test_slug(where: str, header: list[str], row: list[str], tmp_path: Path) -> None:
    given = code_spans(row[0])[0]
    name, front = (given, []) if given.startswith("content/") else ("content/e.md", [given])
    timeline, report = load_timeline(_project(tmp_path, {name: _event_file("E", "2023", front)}))
    result = _comment_free(row[1])
    if result.startswith("error:"):
        assert [d.message for d in report.errors] == code_spans(result)
    else:
        assert [e.slug for e in timeline.events] == code_spans(result)


IDENTIFIER_ROWS = _table_rows("identifiers")


@pytest.mark.parametrize("where, header, row", IDENTIFIER_ROWS,
                         ids=[r[0] for r in IDENTIFIER_ROWS])
def test_identifier(where: str, header: list[str], row: list[str], tmp_path: Path) -> None:
    field, _, written = code_spans(row[_column(header, "written")])[0].partition(": ")
    project = _project(tmp_path, {
        "content/sources.yaml": f"s:\n  title: S\n  {field}: {json.dumps(written)}\n",
        "content/e.md": _event_file("E", "2023", []).replace("Text.", "Text [@s].")})
    result = build(project, tmp_path / "site")
    assert not result.report.errors
    (kept,) = code_spans(row[_column(header, "kept")])
    assert getattr(result.timeline.sources["s"], field) == kept
    page = (tmp_path / "site" / "sources" / "s" / "index.html").read_text(encoding="utf-8")
    links = code_spans(row[_column(header, "link")])
    assert [link for link in links if f'href="{link}"' in page] == links
    assert links or f"{kept}</span>" in page


# --- whole projects -------------------------------------------------------------------

def project_files(marker: str) -> dict[str, str]:
    """Read the files written in an `example: project` comment."""
    files: dict[str, list[str]] = {}
    current: list[str] = []
    for line in marker.splitlines()[1:]:
        if line and not line.startswith(" "):
            current = files.setdefault(line.rstrip(":"), [])
        else:
            current.append(line)
    return {name: textwrap.dedent("\n".join(lines)) + "\n" for name, lines in files.items()}


def shown_messages(block: Block) -> list[str]:
    """Return the messages a block shows: spans with error:/warning:, or a Message column."""
    if block.is_table() and "message" in block.table()[0]:
        header, rows = block.table()
        return [span for row in rows for span in code_spans(row[header.index("message")])]
    text = re.sub(r"\n\s*", " ", block.text)
    return [span for span in code_spans(text) if _MESSAGE.search(span)]


def matches(shown: str, line: Diagnostic) -> bool:
    """Tell whether a message shown in the docs is this diagnostic, whole or after a prefix."""
    pattern = _pattern(shown)
    whole = str(line)
    return any(re.fullmatch(pattern, text) for text in
               (whole, whole.split(": ", 1)[-1], line.message))


PROJECTS = examples("project")


@pytest.mark.parametrize("block", PROJECTS, ids=[b.id for b in PROJECTS])
def test_project_messages(block: Block, tmp_path: Path) -> None:
    assert block.marker is not None
    project = _project(tmp_path, project_files(block.marker))
    diagnostics = check(project).diagnostics
    shown = shown_messages(block)
    assert shown
    for message in shown:
        assert any(matches(message, d) for d in diagnostics), (message,
                                                               [str(d) for d in diagnostics])


CHECK_CITATIONS = examples("check-citations")


@pytest.mark.parametrize("block", CHECK_CITATIONS, ids=[b.id for b in CHECK_CITATIONS])
def test_check_citations_output(block: Block, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert block.marker is not None
    project = _project(tmp_path, project_files(block.marker))
    command, *output = _fenced(block).splitlines()
    args = command.removeprefix("$ timeline ").split()
    status = main([*args, str(project)])
    assert capsys.readouterr().out.splitlines() == output
    assert status == (1 if any("is below the minimum" in line for line in output) else 0)


def test_there_is_a_check_citations_example() -> None:
    assert CHECK_CITATIONS


# --- fenced blocks ---------------------------------------------------------------------

def _fenced(block: Block) -> str:
    return "\n".join(block.lines[1:-1]) + "\n"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    build(REPO, site)
    return site


@pytest.mark.parametrize("block", examples("events-json"), ids=lambda b: b.id)
def test_events_json_example(block: Block, example_site: Path) -> None:
    shown = json.loads(_fenced(block))
    lines = (example_site / "events.json").read_text(encoding="utf-8")
    built = {e["slug"]: e for e in json.loads(lines)}
    assert built[shown["slug"]] == shown


FILE_BLOCKS = [b for b in BLOCKS if (b.marker or "").startswith("file:")]


@pytest.mark.parametrize("block", FILE_BLOCKS, ids=[b.id for b in FILE_BLOCKS])
def test_file_example(block: Block) -> None:
    assert block.marker is not None
    name = block.marker.split(":", 1)[1].strip()
    assert _fenced(block) == (REPO / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("block", examples("source-date-epoch"), ids=lambda b: b.id)
def test_source_date_epoch_example(block: Block) -> None:
    shown = shown_messages(block)
    value = re.findall(r"not '(.*)'", shown[0])[0]
    with pytest.raises(TimelineError) as caught:
        source_date_epoch({"SOURCE_DATE_EPOCH": value})
    assert shown == [f"error: {caught.value}"]
