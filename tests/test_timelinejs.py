"""Importing TimelineJS3 timelines (JSON and the sheet template's CSV), and events.csv."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, MakeProject
from test_cli import run

from timeline.authoring.markdown_writer import escape_markdown, markdown_of_html
from timeline.authoring.slide import Slide
from timeline.authoring.timelinejs import (
    event_file,
    import_timelinejs,
    slide_date,
    slide_event,
)
from timeline.build import build, load_project
from timeline.config import Config
from timeline.content.markup import Renderer
from timeline.model import Timeline
from timeline.site.exports import events_csv, plan_exports
from timeline.site.sheet import COLUMNS, TAGS_COLUMN, guard_cell, unguard_cell

FIXTURES = REPO / "tests" / "fixtures" / "timelinejs"
JSON_FILE = FIXTURES / "rome.json"
CSV_FILE = FIXTURES / "rome.csv"
ROME_TOML = 'title = "Rome & its end"\ndescription = "From the Republic to the Empire."\n'


def front_matter(path: Path) -> dict[str, Any]:
    """Return an event file's front matter."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    data: dict[str, Any] = yaml.safe_load(text[4:text.index("\n---\n", 4)])
    return data


def built_events(project: Path) -> dict[str, dict[str, Any]]:
    """Build project and return its events.json by title."""
    build(project, project / "site")
    events = json.loads((project / "site" / "events.json").read_text(encoding="utf-8"))
    return {e["title"]: e for e in events}


@pytest.mark.parametrize(("source", "rows"), [(JSON_FILE, (4, 5, 6)), (CSV_FILE, (6, 7, 8))])
def test_import_writes_events_eras_and_title_and_reports_bad_rows(
        tmp_path: Path, source: Path, rows: tuple[int, int, int]) -> None:
    project = tmp_path / "rome"
    name = source.relative_to(REPO)  # as given: run() works in REPO
    result = run("import", "timelinejs", name, "--project", project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{name}:{rows[0]}: error: Month must be 1-12, not '13'",
        f"{name}:{rows[1]}: error: no Headline: an event needs a title",
        f"{name}:{rows[2]}: error: no Year: every TimelineJS slide but the title needs one",
    ]
    assert result.stdout == f"imported 3 events into {project / 'content'}\n"
    content = project / "content"
    assert sorted(p.name for p in content.iterdir()) == [
        "assassination-of-julius-caesar.md", "eras.yaml", "eruption-of-vesuvius.md",
        "reign-of-augustus.md"]
    assert front_matter(content / "assassination-of-julius-caesar.md") == {
        "title": "Assassination of Julius Caesar", "date": "-0043-03-15", "tags": ["Politics"],
        "media": {"src": "https://upload.wikimedia.org/caesar.jpg",
                  "alt": "Senators around Caesar's body", "caption": "The Death of Caesar",
                  "credit": "Jean-Léon Gérôme"}}
    caesar = (content / "assassination-of-julius-caesar.md").read_text(encoding="utf-8")
    assert caesar.endswith("---\nCaesar is stabbed in the **Senate** house.\n\nSee [the article]"
                           "(<https://en.wikipedia.org/wiki/Assassination_of_Julius_Caesar>).\n")
    # The display date was the label of the date made approximate: the date takes the ~.
    assert front_matter(content / "reign-of-augustus.md") == {
        "title": "Reign of Augustus", "date": "-0026~", "end": "0014", "tags": ["Politics"]}
    # A display date that is not a label of the date is kept as the editor's note.
    assert front_matter(content / "eruption-of-vesuvius.md") == {
        "title": "Eruption of Vesuvius", "date": "0079-08-24T13:00", "tags": ["Disasters"],
        "note": "TimelineJS display date: Late August, AD 79"}
    assert yaml.safe_load((content / "eras.yaml").read_text(encoding="utf-8")) == [
        {"label": "Roman Republic", "start": "-0508", "end": "-0026"}]
    assert (project / "timeline.toml").read_text(encoding="utf-8") == ROME_TOML

    checked = run("check", project)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.splitlines()[-1] == "0 errors, 3 warnings"  # no sources yet
    built = run("build", project)
    assert built.returncode == 0, built.stderr
    events = {e["title"]: e for e in json.loads(
        (project / "site" / "events.json").read_text(encoding="utf-8"))}
    assert {title: (e["display"], e["edtf"], e["tags"]) for title, e in events.items()} == {
        "Assassination of Julius Caesar": ("15 March 44 BC", "-0043-03-15", ["Politics"]),
        "Reign of Augustus": ("c. 27 BC – 14", "-0026~/0014", ["Politics"]),
        "Eruption of Vesuvius": ("24 August 79, 13:00 UTC", "0079-08-24T13:00:00Z",
                                 ["Disasters"]),
    }
    index = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Roman Republic" in index


def test_timelinejs_years_have_no_zero_and_ours_do() -> None:
    def date(year: str, **cells: str) -> str:
        return slide_date(Slide(2, {"Year": year, **cells}), "UTC")[2].label()

    assert date("-44") == "44 BC"
    assert date("-1") == "1 BC"
    assert date("1") == "1"
    assert date("-44", Month="3", Day="15") == "15 March 44 BC"
    assert date("1,500") == "1500"  # TimelineJS drops commas and spaces in numbers
    assert slide_date(Slide(2, {"Year": "-44"}), "UTC")[0] == "-0043"
    assert slide_date(Slide(2, {"Year": "-170000003"}), "UTC")[0] == "Y-170000002"


@pytest.mark.parametrize(("cells", "message"), [
    ({"Year": "0"}, "there is no year 0 in TimelineJS: -1 is 1 BCE, 1 is AD 1"),
    ({"Year": "2023", "Month": "0"}, "Month must be 1-12, not '0'"),
    ({"Year": "2023", "Month": "March"}, "Month must be 1-12, not 'March'"),
    ({"Year": "2023", "Month": "2", "Day": "30"},
     "invalid date '2023-02-30': day must be 1-28 in February 2023"),
    ({"Year": "2023", "Day": "3"}, "Day without Month"),
    ({"Year": "2023", "Time": "14:30"}, "Time needs a Day"),
    ({"Year": "2023", "Month": "1", "Day": "1", "Time": "noon"},
     "time must be written as hh:mm or hh:mm:ss, not 'noon'"),
    ({"Year": "2023", "End Year": "2022"}, "end 2022 is before start 2023"),
    ({"Year": "c. 2023"}, "year must be a whole number such as 2023 or -44 (44 BCE), "
                          "not 'c. 2023'"),
])
def test_bad_dates_are_reported_whole(tmp_path: Path, cells: dict[str, str],
                                      message: str) -> None:
    sheet = tmp_path / "sheet.csv"
    with sheet.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, ["Headline", *COLUMNS[:8]])
        writer.writeheader()
        writer.writerow({"Headline": "Good", "Year": "2020"})
        writer.writerow({"Headline": "Bad", **cells})
    result = run("import", "timelinejs", sheet, "--project", tmp_path / "p")
    assert result.returncode == 1
    assert result.stderr == f"{sheet}:3: error: {message}\n"
    assert [p.name for p in (tmp_path / "p" / "content").iterdir()] == ["good.md"]


def test_times_from_the_sheet_read_am_pm_and_seconds(tmp_path: Path) -> None:
    def time(text: str) -> str:
        return slide_date(Slide(2, {"Year": "2023", "Month": "1", "Day": "4", "Time": text}),
                          "UTC")[0]

    assert time("2:30 PM") == "2023-01-04T14:30"
    assert time("12:05 am") == "2023-01-04T00:05"
    assert time("14:30:15") == "2023-01-04T14:30:15"


def test_duplicate_headlines_get_numbers_and_no_file_is_overwritten(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/strike.md": "---\ntitle: Mine\ndate: '2020'\n---\n",
                            "content/eras.yaml": "[]\n",
                            "timeline.toml": 'title = "Mine"\n'})
    data = {"title": {"text": {"headline": "Theirs"}},
            "events": [{"start_date": {"year": 2023}, "text": {"headline": "Strike!"}},
                       {"start_date": {"year": 2024}, "text": {"headline": "strike"}}],
            "eras": [{"start_date": {"year": 2023}, "end_date": {"year": 2024},
                      "text": {"headline": "War"}}]}
    source = tmp_path / "tl.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    result = run("import", "timelinejs", source, "--project", project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{source}: warning: timeline.toml exists: the title slide is not imported, "
        "so as not to overwrite it",
        f"{source}:1: error: content/eras.yaml exists: the era is not imported, so as not "
        "to overwrite it; add it there by hand",
    ]
    content = project / "content"
    assert (content / "strike.md").read_text() == "---\ntitle: Mine\ndate: '2020'\n---\n"
    assert front_matter(content / "strike-2.md")["date"] == "2023"
    assert front_matter(content / "strike-3.md")["date"] == "2024"
    assert (content / "eras.yaml").read_text() == "[]\n"
    assert (project / "timeline.toml").read_text() == 'title = "Mine"\n'


def test_front_matter_is_yaml_whatever_the_text(tmp_path: Path) -> None:
    hostile = "x\n---\ntitle: injected\ndraft: true\n# \"'\\: {a: b}"
    text = event_file({"title": hostile, "date": "2023", "tags": ["yes", "1.10"]}, "Body\n")
    assert front_matter_of(text) == {"title": hostile, "date": "2023", "tags": ["yes", "1.10"]}
    content = tmp_path / "p" / "content"
    content.mkdir(parents=True)
    (content / "x.md").write_text(text, encoding="utf-8")
    events = built_events(tmp_path / "p")
    assert list(events) == [hostile]


def front_matter_of(text: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(text[4:text.index("\n---\n", 4)])
    return data


@pytest.mark.parametrize(("html", "markdown", "rendered"), [
    ("<p>a <b>b</b> <strong>c</strong> <i>d</i> <em>e</em></p>",
     "a **b** **c** *d* *e*\n", "<p>a <strong>b</strong> <strong>c</strong> <em>d</em> "
     "<em>e</em></p>"),
    ("one<br>two", "one  \ntwo\n", "<p>one<br>\ntwo</p>"),
    ('<a href="https://example.org/a_(b)">x</a>', "[x](<https://example.org/a_%28b%29>)\n",
     '<p><a href="https://example.org/a_%28b%29">x</a></p>'),
    ('<a href="javascript:alert(1)">js</a><script>alert(2)</script>', "js\n", "<p>js</p>"),
    ("<ul><li>a</li><li>b</li></ul><ol><li>c</li></ol>", "- a\n- b\n\n1. c\n",
     "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>c</li>\n</ol>"),
    ("<p>*not* [@cite] &lt;b&gt; &amp;lt; # 1. - x</p>",
     "\\*not\\* \\[@cite\\] &lt;b&gt; &amp;lt; \\# 1. - x\n",
     "<p>*not* [@cite] &lt;b&gt; &amp;lt; # 1. - x</p>"),
    ("<div>- item?</div><p>=</p><h2>1. heading</h2><table><tr><td>cell</td></tr></table>",
     "\\- item?\n\n&#61;\n\n1\\. heading\n\ncell\n",
     "<p>- item?</p>\n<p>=</p>\n<p>1. heading</p>\n<p>cell</p>"),
])
def test_html_of_timelinejs_becomes_markdown(html: str, markdown: str, rendered: str) -> None:
    assert markdown_of_html(html) == markdown
    assert Renderer().render(markdown).html == rendered


def test_escaped_text_renders_as_itself() -> None:
    text = "a*b_c [x](y) <i>z</i> `q` {#id} | &amp; \\ !"
    assert Renderer().render(escape_markdown(text)).html == \
        "<p>a*b_c [x](y) &lt;i&gt;z&lt;/i&gt; `q` {#id} | &amp;amp; \\ !</p>"


def test_cells_that_would_start_a_formula_are_guarded_but_years_are_not() -> None:
    assert guard_cell("Headline", "=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    for start in ("+1", "-x", "@x", "\tx"):
        assert guard_cell("Text", start) == "'" + start
        assert unguard_cell("Text", "'" + start) == start
    assert guard_cell("Year", "-44") == "-44"
    assert guard_cell("End Year", "-27") == "-27"
    assert unguard_cell("Headline", "'quoted'") == "'quoted'"


CAESAR = """\
---
title: "=HYPERLINK(\\"https://evil.example\\", \\"click\\")"
date: "-0043-03-15"
tags: [rome, "@senate", "a & b"]
media:
  src: https://example.org/caesar.jpg
  alt: "-Caesar's death"
  caption: "The <i>Death</i> of Caesar"
  credit: "+Gérôme"
---
Caesar is *stabbed* [@article-2023-01-05].
"""
TIMED = """\
---
title: "A time in Moscow"
date: "2023-01-04 14:30:15 MSK"
end: "2023-01-04 16:00 MSK"
---
Clock [@article-2023-01-05].
"""


def test_events_csv_round_trips_through_import(tmp_path: Path) -> None:
    project = tmp_path / "example"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "timeline.toml", project / "timeline.toml")
    (project / "content" / "caesar.md").write_text(CAESAR, encoding="utf-8")
    (project / "content" / "timed.md").write_text(TIMED, encoding="utf-8")
    before = built_events(project)
    sheet = (project / "site" / "events.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(sheet.decode("utf-8"), newline="")))
    assert rows[0] == [*COLUMNS, TAGS_COLUMN]
    assert rows[1][COLUMNS.index("Type")] == "title"
    caesar = dict(zip(rows[0], next(r for r in rows if "HYPERLINK" in r[9]), strict=True))
    assert caesar["Headline"].startswith("'=HYPERLINK")  # a formula, guarded
    assert (caesar["Year"], caesar["Month"], caesar["Day"]) == ("-44", "3", "15")  # data
    assert (caesar["Group"], caesar["Tags"]) == ("rome", "rome, @senate, a &amp; b")
    assert (caesar["Alt Text"], caesar["Media Credit"]) == ("'-Caesar's death", "'+Gérôme")
    assert sheet.endswith(b"\r\n") and b"\r\n" in sheet

    copy = tmp_path / "copy"
    (copy / "content").mkdir(parents=True)
    (copy / "events.csv").write_bytes(sheet)
    result = run("import", "timelinejs", copy / "events.csv", "--project", copy)
    assert (result.returncode, result.stderr) == (0, "")
    with (copy / "timeline.toml").open("rb") as file:
        assert tomllib.load(file) == {
            "title": "Makiivka strike: a sourced timeline",
            "description": tomllib.loads((REPO / "timeline.toml").read_text())["description"]}
    (copy / "timeline.toml").write_text('timezone = "Europe/Moscow"\n', encoding="utf-8")
    after = built_events(copy)

    def same(event: dict[str, Any]) -> tuple[Any, ...]:
        return (event["date"], event["edtf"], event["display"], event["tags"],
                event["precision"])

    assert {t: same(e) for t, e in after.items()} == {t: same(e) for t, e in before.items()}
    # The eras come back as they were, the approximate start through Display Date.
    eras = yaml.safe_load((copy / "content" / "eras.yaml").read_text(encoding="utf-8"))
    assert eras == [
        {"label": "First call-up of reservists", "start": "2022-09", "end": "2022-12"},
        {"label": "Makiivka strike and its aftermath", "start": "2022-12-26~",
         "end": "2023-01-05"}]
    media = front_matter(copy / "content" / "hyperlink-https-evil-example-click.md")["media"]
    assert media == {"src": "https://example.org/caesar.jpg", "alt": "-Caesar's death",
                     "caption": "The <i>Death</i> of Caesar", "credit": "+Gérôme"}
    body = (copy / "content" / "hyperlink-https-evil-example-click.md").read_text()
    assert "Caesar is *stabbed*" in body


def test_events_csv_is_made_per_event_and_cached(make_project: MakeProject) -> None:
    timeline = Timeline(Config(), ())
    assert events_csv(timeline).decode().splitlines() == [
        ",".join([*COLUMNS, TAGS_COLUMN]), ",,,,,,,,,Timeline,,,,,,,title,,,"]
    project = make_project({"content/a.md": "---\ntitle: A\ndate: '2023'\n---\nA [@article].\n"})
    build(project, project / "site")
    loaded, _ = load_project(project)
    exports = plan_exports(loaded, [], events={e.slug: "digest" for e in loaded.events})
    (csv_export,) = [e for e in exports if e.dest == "events.csv"]
    assert csv_export.keys and None not in csv_export.keys
    assert csv_export.assemble() == (project / "site" / "events.csv").read_bytes()


def test_import_help_shows_an_example() -> None:
    result = run("import", "timelinejs", "--help")
    assert result.returncode == 0
    assert "example: timeline import timelinejs sheet.csv --project my-timeline" in \
        result.stdout
    result = run("import", "--help")
    assert result.returncode == 0
    assert "example: timeline import timelinejs timeline.json --project my-timeline" in \
        result.stdout
    assert run("import").returncode == 2  # which format is a usage question


def test_a_file_that_is_not_timelinejs_is_one_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("import", "timelinejs", bad, "--project", tmp_path / "p")
    assert result.returncode == 1
    assert result.stderr == (f"{bad}:1: error: not a TimelineJS sheet: the first row must "
                             "name its columns, with Year and Headline among them\n")
    broken = tmp_path / "x.json"
    broken.write_text('{"events": [\n', encoding="utf-8")
    result = run("import", "timelinejs", broken, "--project", tmp_path / "p")
    assert result.stderr == f"{broken}:2: error: invalid JSON: Expecting value\n"


def test_a_file_the_gate_refuses_is_one_error_and_nothing_is_written(tmp_path: Path) -> None:
    fifo = tmp_path / "sheet.csv"
    os.mkfifo(fifo)  # reading it would block for ever
    result = run("import", "timelinejs", fifo, "--project", tmp_path / "p")
    assert (result.returncode, result.stderr) == (1, f"{fifo}: error: refusing a FIFO (named "
                                                     "pipe): only regular files are read or "
                                                     "published; remove it\n")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"Year,Headline\n2023,Caf\xe9\n")
    result = run("import", "timelinejs", latin, "--project", tmp_path / "p")
    assert (result.returncode, result.stderr) == (1, f"{latin}:2: error: not UTF-8: invalid "
                                                     "byte 0xe9 at byte offset 22; save the "
                                                     "file as UTF-8\n")
    assert not (tmp_path / "p" / "content").exists() or \
        not any((tmp_path / "p" / "content").iterdir())


def test_import_into_a_project_uses_its_time_zone(make_project: MakeProject) -> None:
    project = make_project({"timeline.toml": 'timezone = "Europe/Moscow"\n'})
    source = project / "t.json"
    source.write_text(json.dumps({"events": [{
        "start_date": {"year": 2023, "month": 1, "day": 4, "hour": 14, "minute": 30},
        "text": {"headline": "T"}}]}), encoding="utf-8")
    imported = import_timelinejs(source, project, "Europe/Moscow")
    assert imported.events == 1 and not imported.report.diagnostics
    assert built_events(project)["T"]["display"] == "4 January 2023, 14:30 MSK"


def test_media_without_alt_text_takes_the_caption_else_the_headline() -> None:
    base = {"Year": "2023", "Headline": "Strike", "Media": "https://example.org/a.jpg"}
    meta, _, warnings = slide_event(Slide(2, {**base, "Media Caption": "<b>Ruins</b>"}), "UTC")
    assert meta["media"] == {"src": "https://example.org/a.jpg", "alt": "Ruins",
                             "caption": "Ruins"}
    assert slide_event(Slide(2, base), "UTC")[0]["media"] == {
        "src": "https://example.org/a.jpg", "alt": "Strike"}
    meta, _, warnings = slide_event(Slide(2, {**base, "Media": "<blockquote>x</blockquote>"}),
                                    "UTC")
    assert "media" not in meta
    assert warnings == ["media left out: only an http(s) address of an image is kept, "
                        "not '<blockquote>x</blockquote>'"]
