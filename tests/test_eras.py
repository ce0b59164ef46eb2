"""Eras: content/eras.yaml read through the gate, checked at load, and shown on entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeProject, event

from timeline.build import build
from timeline.content.eras import load_eras
from timeline.content.load import load_timeline
from timeline.dates.model import DatePoint, EventDate, Precision
from timeline.dates.parse import parse_event_date
from timeline.errors import Report
from timeline.model import Era
from timeline.site.pages import Entry, plan_of

ERAS = """\
- label: Mobilisation
  start: "2022-09-21"
  end: "2022-12"
- label: Strike week
  start: "2022-12-26~"
  end: "5 January 2023"
  colour: "#A66A00"
"""


def load(project: Path) -> tuple[tuple[Era, ...], list[str]]:
    report = Report()
    eras = load_eras(project / "content", "content", report, zone="Europe/Moscow")
    return eras, [str(d) for d in report.diagnostics]


def test_eras_are_read_in_order_with_their_dates_colour_and_line(
        make_project: MakeProject) -> None:
    eras, problems = load(make_project({"content/eras.yaml": ERAS}))
    assert problems == []
    assert eras == (
        Era("Mobilisation", EventDate(DatePoint(2022, 9, 21, precision=Precision.DAY),
                                      DatePoint(2022, 12, precision=Precision.MONTH), 180),
            None, "content/eras.yaml", 1),
        Era("Strike week", EventDate(
            DatePoint(2022, 12, 26, precision=Precision.DAY, approximate=True),
            DatePoint(2023, 1, 5, precision=Precision.DAY), 180),
            "#a66a00", "content/eras.yaml", 4),
    )


@pytest.mark.parametrize("text", [None, "", "# nothing yet\n"])
def test_no_file_or_an_empty_one_means_no_eras(make_project: MakeProject,
                                                 text: str | None) -> None:
    files = {} if text is None else {"content/eras.yaml": text}
    assert load(make_project(files)) == ((), [])


@pytest.mark.parametrize(("text", "message"), [
    ("- just a label\n", "content/eras.yaml:1: error: an era must be a mapping: label, start, "
                         "end and optionally colour"),
    ('- label: "  "\n  start: "2022"\n  end: "2023"\n',
     "content/eras.yaml:1: error: an era needs a label (the text of its band)"),
    ('- label: A\n  end: "2023"\n', "content/eras.yaml:1: error: era 'A' needs a start date"),
    ('- label: A\n  start: "2023"\n  end:\n',
     "content/eras.yaml:3: error: era 'A' needs an end date"),
    ('- label: A\n  start: "2022/2023"\n  end: "2023"\n',
     "content/eras.yaml:2: error: era 'A': invalid date '2022/2023': write e.g. 2023-01-04, "
     "2023-01-04T14:30, September 2022 or 4 January 2023"),
    ('- label: A\n  start: "2023"\n  end: "2022"\n',
     "content/eras.yaml:3: error: era 'A': end 2022 is before start 2023"),
    ('- label: A\n  start: "2023"\n  end: "2023"\n  colour: "#12345"\n',
     "content/eras.yaml:4: error: colour of era 'A' must be a hex colour such as '#a11d21' "
     "or '#a12', not '#12345'"),
    ('- label: A\n  start: "2023"\n  end: "2023"\n  colour: [1]\n',
     "content/eras.yaml:4: error: colour of era 'A' must be a hex colour in quotes, such as "
     '"#a11d21"'),
    ('- label: A\n  start: "2023"\n  end: "2023"\n  colour: #123\n',
     "content/eras.yaml:4: error: colour of era 'A' is empty: write it in quotes, "
     'colour: "#a11d21" (a bare # starts a YAML comment)'),
    ('- label: A\n  start: "2023"\n  end: "2023"\n  lable: B\n',
     "content/eras.yaml:4: error: unknown era field 'lable'. Did you mean 'label'?"),
    ("{a: 1}\n", "content/eras.yaml:1: error: eras.yaml must be a list of eras, each with a "
                 "label, a start and an end"),
])
def test_a_bad_era_is_reported_whole_at_its_line(make_project: MakeProject, text: str,
                                                 message: str) -> None:
    assert load(make_project({"content/eras.yaml": text})) == ((), [message])


def test_one_bad_era_does_not_hide_the_others(make_project: MakeProject) -> None:
    text = ERAS + '- label: Bad\n  start: "2023-13"\n  end: "2024"\n'
    eras, problems = load(make_project({"content/eras.yaml": text}))
    assert [era.label for era in eras] == ["Mobilisation", "Strike week"]
    assert problems == ["content/eras.yaml:9: error: era 'Bad': invalid date '2023-13': "
                        "month must be 1-12"]


def test_eras_may_overlap_and_an_event_wholly_in_one_or_overlapping_it_is_in_it() -> None:
    mobilisation = Era("M", parse_event_date("2022-09/2022-12"))
    strike = Era("S", parse_event_date("2022-12-26/2023-01-05"))
    assert strike.covers(parse_event_date("2023-01-05"))  # its last day
    assert not strike.covers(parse_event_date("2023-01-06"))
    assert mobilisation.covers(parse_event_date("2022-12-31"))
    assert mobilisation.covers(parse_event_date("2022-08-30/2022-09-01"))  # overlaps its start
    assert not mobilisation.covers(parse_event_date("2022-08"))
    # a point date is in an era only if all of it is: the year 2022 or December 2022
    # may be before the strike week, September 2022 is within the mobilisation
    assert not mobilisation.covers(parse_event_date("2022"))
    assert not strike.covers(parse_event_date("2022-12"))
    assert mobilisation.covers(parse_event_date("2022-09"))
    assert strike.covers(parse_event_date("2022-12-26/2023-01-20"))  # an interval overlaps
    both = parse_event_date("2022-12-28")
    assert mobilisation.covers(both) and strike.covers(both)


def test_entries_carry_the_labels_of_their_eras(make_project: MakeProject) -> None:
    project = make_project({
        "content/eras.yaml": ERAS,
        "content/a.md": event("Before", '"2022-08-01"'),
        "content/b.md": event("Both", '"2022-12-28"'),
        "content/c.md": event("After", '"2023-02-01"'),
    })
    timeline, report = load_timeline(project)
    assert not report.errors
    entries = plan_of(timeline).entries
    assert [(entries[s].title, entries[s].eras) for s in ("a", "b", "c")] == [
        ("Before", ()), ("Both", ("Mobilisation", "Strike week")), ("After", ())]
    assert Entry.of(timeline.events[1]).eras == ()  # without eras, none


def test_the_site_shows_badges_and_does_not_publish_eras_yaml(
        make_project: MakeProject) -> None:
    project = make_project({"content/eras.yaml": ERAS,
                            "content/b.md": event("Both", '"2022-12-28"')})
    build(project, project / "site")
    index = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert ('<p class="entry-eras"><span class="visually-hidden">Eras: </span>'
            '<span class="era-badge">Mobilisation</span><span class="visually-hidden">, '
            '</span><span class="era-badge">Strike week</span></p>') in index
    assert 'style="--era-colour: #a66a00"' in index
    assert not (project / "site" / "eras.yaml").exists()
