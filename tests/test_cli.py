"""The command line as a user runs it: `python -m timeline ...` in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, MakeProject, event

from timeline.site.theme import default_theme_dir

DATE_HINT = "write e.g. 2023-01-04, 2023-01-04T14:30, September 2022 or 4 January 2023"
CONTROL = "the file name has a control character: rename it"
EPOCH_HINT = "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC"


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run timeline with a strict UTF-8 terminal: an unprintable character would raise."""
    environ = dict(os.environ, PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8", **(env or {}))
    return subprocess.run([sys.executable, "-m", "timeline", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, env=environ, timeout=120)


def test_file_names_that_would_split_or_reverse_a_line_are_escaped(
        make_project: MakeProject) -> None:
    project = make_project(sources=None)
    bad = event(date="soonish", body="")
    names = ["a\nb.md", "c\rd.md", "e\u202etxt.md", "f\u2066g\u2069.md", "h\u200fi.md",
             "j\x1b[31mk.md", "l\tm.md"]
    for name in names:
        (project / "content" / name).write_text(bad, encoding="utf-8")
    (project / "content").joinpath(os.fsdecode(b"n\xffo.md")).write_text(bad, encoding="utf-8")
    result = run("check", project)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        rf"content/a\nb.md: error: {CONTROL}",
        rf"content/c\rd.md: error: {CONTROL}",
        rf"content/e\u202etxt.md: error: {CONTROL}",
        rf"content/f\u2066g\u2069.md: error: {CONTROL}",
        rf"content/h\u200fi.md: error: {CONTROL}",
        rf"content/j\x1b[31mk.md: error: {CONTROL}",
        rf"content/l\tm.md: error: {CONTROL}",
        r"content/n\xffo.md: error: the file name is not UTF-8: rename it",
        "8 errors, 0 warnings",
    ]


def test_a_valid_event_in_a_file_named_in_bytes_is_refused_not_a_crash(
        make_project: MakeProject) -> None:
    project = make_project({"content/good.md": event()})
    (project / "content").joinpath(os.fsdecode(b"caf\xe9.md")).write_text(event(),
                                                                          encoding="utf-8")
    result = run("build", project)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        r"content/caf\xe9.md: error: the file name is not UTF-8: rename it",
        "1 error; the site was not changed",
    ]
    assert not (project / "site").exists()


def test_the_build_summary_counts_in_english(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    result = run("build", project)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Built 1 event, \d+ pages \(\d+ files\) in \d+\.\d\d s to "
                        + re.escape(str(project / "site")) + "\n", result.stdout)
    two = make_project({"content/a.md": event(), "content/b.md": event(title="Other")},
                       name="two")
    assert run("build", two).stdout.startswith("Built 2 events, ")


def test_one_build_error_is_one_error(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(date="soonish", tittle="x")})
    result = run("build", project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"content/e.md:3: error: invalid date 'soonish': {DATE_HINT}",
        "content/e.md:4: warning: unknown field 'tittle' is ignored. Did you mean 'title'?",
        "1 error; the site was not changed",
    ]


def test_template_errors_say_where_or_say_error(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(),
                            "templates/event.html": "{{ event.no_such_field }}"})
    result = run("build", project)
    assert result.returncode == 1
    template = project / "templates" / "event.html"
    assert result.stderr == (f"{template}:1: error: 'timeline.model.Event object' has no "
                             "attribute 'no_such_field'\n")
    project.joinpath("templates", "event.html").write_text("{% if %}", encoding="utf-8")
    result = run("build", project)
    assert result.stderr == (f"{template}:1: error: template syntax: Expected an "
                             "expression, got 'end of statement block'\n")
    project.joinpath("templates", "event.html").write_text('{% include "nope.html" %}',
                                                           encoding="utf-8")
    result = run("build", project)
    assert result.stderr == (f"error: template 'nope.html' not found; looked in: "
                             f"{project / 'templates'}, {default_theme_dir()}\n")


@pytest.mark.parametrize("value", [
    "²",  # SUPERSCRIPT TWO: str.isdigit() says yes, int() says no
    "٣",  # ARABIC-INDIC DIGIT THREE: int() would read it as 3
    "1700000000 ",
    "-1",
    "1.5",
    "yesterday",
])
def test_source_date_epoch_takes_ascii_digits_only(make_project: MakeProject,
                                                   value: str) -> None:
    project = make_project({"content/e.md": event()})
    result = run("build", project, env={"SOURCE_DATE_EPOCH": value})
    assert result.returncode == 2
    assert result.stderr == f"error: {EPOCH_HINT}, not '{value}'\n"
    assert not (project / "site").exists()


def test_source_date_epoch_with_a_newline_stays_on_one_line(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    result = run("build", project, env={"SOURCE_DATE_EPOCH": "17\n00"})
    assert result.returncode == 2
    assert result.stderr == f"error: {EPOCH_HINT}, not '17\\n00'\n"


@pytest.mark.parametrize("value", ["253402300800", "99999999999999999999", "9" * 5000])
def test_source_date_epoch_after_the_year_9999_is_refused(make_project: MakeProject,
                                                          value: str) -> None:
    project = make_project({"content/e.md": event()})
    result = run("build", project, "--base-url", "https://example.org/",
                 env={"SOURCE_DATE_EPOCH": value})
    assert result.returncode == 2
    assert result.stderr == ("error: SOURCE_DATE_EPOCH must be at most 253402300799 "
                             f"(9999-12-31 23:59:59 UTC), not '{value}'\n")


def test_source_date_epoch_at_the_end_of_9999_dates_the_feed(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    result = run("build", project, "--base-url", "https://example.org/",
                 env={"SOURCE_DATE_EPOCH": "253402300799"})
    assert result.returncode == 0, result.stderr
    feed = (project / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "<updated>9999-12-31T23:59:59Z</updated>" in feed
    zero = make_project({"content/e.md": event()}, name="zero")
    result = run("build", zero, "--base-url", "https://example.org/",
                 env={"SOURCE_DATE_EPOCH": "0000"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", [["build"], ["check"], ["serve"], ["init"], ["new"],
                                     ["import"], ["import", "timelinejs"]])
def test_every_command_s_help_shows_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    example = result.stdout.split("example:", 1)[1].split()
    assert example[0] == "timeline" and example[1] == command[0]
