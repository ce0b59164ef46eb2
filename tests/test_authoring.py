"""`timeline init` and `timeline new`, run as a user runs them."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import REPO, MakeProject
from test_cli import run
from test_docs import read_blocks

from timeline import __version__
from timeline.authoring.project import (
    file_name,
    front_matter,
    new_event,
    starter_files,
    starter_text,
)
from timeline.content.load import load_timeline
from timeline.dates.parse import parse_event_date

STARTER_NAMES = [".github/workflows/pages.yml", ".gitignore",
                 "content/2024-01-15-council-approves-the-bridge.md",
                 "content/2024-03-building-work-begins.md", "content/sources.yaml",
                 "requirements.txt", "timeline.toml"]


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a project written by `timeline init`."""
    result = run("init", tmp_path / "project")
    assert result.returncode == 0, result.stderr
    return tmp_path / "project"


def test_init_writes_a_project_that_builds_and_passes_check_strict(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    result = run("init", folder)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"wrote a new timeline in {folder}: build it with " \
                            f"'timeline build {folder}'\n"
    assert files_under(folder) == STARTER_NAMES
    built = run("build", folder)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 2 events, ")
    page = (folder / "site" / "events" / "2024-03-building-work-begins" / "index.html")
    assert "March 2024" in page.read_text(encoding="utf-8")
    checked = run("check", "--strict", folder)
    assert (checked.returncode, checked.stdout) == (0, "0 errors, 0 warnings\n")


def test_init_without_a_folder_writes_into_the_current_one(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "timeline", "init"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert files_under(tmp_path) == STARTER_NAMES


def test_init_keeps_a_git_repository_and_a_readme(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "README.md").write_text("# Mine\n")
    result = run("init", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "README.md").read_text() == "# Mine\n"
    assert files_under(tmp_path) == sorted([".git/HEAD", "README.md", *STARTER_NAMES])


@pytest.mark.parametrize("existing", ["timeline.toml", "content/"])
def test_init_refuses_an_existing_project_and_writes_nothing(tmp_path: Path,
                                                             existing: str) -> None:
    if existing.endswith("/"):
        (tmp_path / existing).mkdir()
    else:
        (tmp_path / existing).write_text('title = "Mine"\n')
    before = files_under(tmp_path)
    result = run("init", tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"error: {tmp_path} is a timeline project already (it has "
                             f"{existing}): init writes only into a new folder\n")
    assert files_under(tmp_path) == before


def test_init_refuses_to_overwrite_any_file_it_would_write(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc\n")
    (tmp_path / "requirements.txt").write_text("requests\n")
    result = run("init", tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"error: {tmp_path} has .gitignore, requirements.txt already: "
                             "init would overwrite it; move it away or choose another folder\n")
    assert files_under(tmp_path) == [".gitignore", "requirements.txt"]
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\n"


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("")
    result = run("init", tmp_path / "notes")
    assert (result.returncode, result.stderr) == (1, f"error: {tmp_path / 'notes'} is not a "
                                                     "folder\n")


def test_the_workflow_installs_the_pinned_version(project: Path) -> None:
    assert (project / "requirements.txt").read_text().splitlines()[-1] == \
        f"timeline-site=={__version__}"
    workflow = yaml.safe_load((project / ".github/workflows/pages.yml").read_text())
    steps = [step.get("run") for step in workflow["jobs"]["build"]["steps"]]
    assert "python -m pip install -r requirements.txt" in steps
    assert not any("install timeline" in (step or "") for step in steps)
    assert (project / ".gitignore").read_text().splitlines()[1:] == ["site/", ".timeline-cache/"]


def test_the_deploy_docs_show_the_workflow_init_writes() -> None:
    blocks = [b for b in read_blocks(REPO / "docs" / "deploy.md")
              if (b.marker or "").startswith("file:")]
    shown = {b.marker.split(":", 1)[1].strip(): "\n".join(b.lines[1:-1]) + "\n"
             for b in blocks if b.marker}
    written = {name: starter_text(name, path) for name, path in starter_files()}
    assert set(shown) == {".github/workflows/pages.yml", ".gitignore"}
    for name, text in shown.items():
        assert text == written[name], name


def test_help_shows_an_example() -> None:
    for command, example in [("init", "  timeline init my-timeline && timeline build my-timeline"),
                             ("new", '  timeline new "Strike on the depot" --date 2023-01-01 '
                                     "--tags strike,military --source article")]:
        result = run(command, "--help")
        assert result.returncode == 0
        assert result.stdout.splitlines()[-2:] == ["example:", example]


def test_usage_errors_exit_2() -> None:
    assert run("new").returncode == 2
    assert run("init", "a", "b").returncode == 2


@pytest.mark.parametrize(("date", "name", "label"), [
    ("2023-01-04", "2023-01-04-the-event.md", "4 January 2023"),
    ("2022-09", "2022-09-the-event.md", "September 2022"),
    ("2022", "2022-the-event.md", "2022"),
    ("2022-12-26/2023-01-01", "2022-12-26-the-event.md", "26 December 2022 – 1 January 2023"),
    ("2023~", "2023-the-event.md", "c. 2023"),
    ("-0043-03-15", "minus-0043-03-15-the-event.md", "15 March 44 BC"),
    ("2023-01-04T14:30", "2023-01-04-the-event.md", "4 January 2023, 14:30 UTC"),
])
def test_new_writes_an_event_that_loads_with_its_date(project: Path, date: str, name: str,
                                                      label: str) -> None:
    result = run("new", "The event", f"--date={date}", "--source", "example-report",
                 "--project", project)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"{project / 'content' / name}\n"
    timeline, report = load_timeline(project)
    assert report.diagnostics == []
    (event,) = [e for e in timeline.events if e.path == f"content/{name}"]
    assert (event.title, event.date.label()) == ("The event", label)
    assert run("check", "--strict", project).returncode == 0


def test_new_writes_any_title_and_tags_as_yaml_text(project: Path) -> None:
    title = "Caesar's \"end\": #1 — 'Ides' [of] March\\ {x}"
    result = run("new", title, "--date", "2023-01-04", "--tags", "rome, a: b,#c,,",
                 "--source", "example-report", "--project", project)
    assert result.returncode == 0, result.stderr
    path = project / "content" / "2023-01-04-caesar-s-end-1-ides-of-march-x.md"
    assert result.stdout == f"{path}\n"
    text = path.read_text(encoding="utf-8")
    assert yaml.safe_load(text.split("---")[1]) == {
        "title": title, "date": "2023-01-04", "tags": ["rome", "a: b", "#c"],
        "sources": ["example-report"]}
    timeline, report = load_timeline(project)
    assert report.diagnostics == []
    event = next(e for e in timeline.events if e.path.endswith(path.name))
    assert (event.title, event.tags) == (title, ("rome", "a: b", "#c"))


def test_new_without_a_date_is_today_in_the_project_zone(project: Path) -> None:
    toml = project / "timeline.toml"
    toml.write_text(toml.read_text().replace('"UTC"', '"Pacific/Kiritimati"'))
    before = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    result = run("new", "Today", "--source", "example-report", "--project", project)
    after = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert result.returncode == 0, result.stderr
    assert result.stdout in {f"{project / 'content' / f'{day:%Y-%m-%d}-today.md'}\n"
                             for day in (before, after)}


def test_new_takes_today_in_the_project_zone_not_in_utc(project: Path) -> None:
    toml = project / "timeline.toml"
    toml.write_text(toml.read_text().replace('"UTC"', '"Pacific/Kiritimati"'))  # UTC+14
    path = new_event(project, "Late", now=datetime(2023, 1, 4, 20, 0, tzinfo=UTC))
    assert path == project / "content" / "2023-01-05-late.md"


def test_new_without_a_source_is_allowed_and_check_says_so(project: Path) -> None:
    result = run("new", "Unsourced", "--date", "2023-01-04", "--project", project)
    assert result.returncode == 0
    checked = run("check", project)
    assert checked.stdout.splitlines() == [
        "content/2023-01-04-unsourced.md:1: warning: no source: cite one with [@id] or "
        "list it in 'sources'", "0 errors, 1 warning"]


def test_new_refuses_an_invalid_date(project: Path) -> None:
    result = run("new", "X", "--date", "2023-13-45", "--project", project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "error: invalid date '2023-13-45': month must be 1-12\n"
    assert files_under(project / "content") == sorted(
        n.removeprefix("content/") for n in STARTER_NAMES if n.startswith("content/"))


def test_new_refuses_an_unknown_source(project: Path) -> None:
    result = run("new", "X", "--date", "2023-01-04", "--source", "example-reprot",
                 "--project", project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("error: unknown source 'example-reprot': it is not in "
                             "content/sources.yaml. Did you mean 'example-report'?\n")
    assert not (project / "content" / "2023-01-04-x.md").exists()


def test_new_reports_a_broken_registry_where_it_is(make_project: MakeProject) -> None:
    project = make_project(sources="a: [\n")
    result = run("new", "X", "--date", "2023-01-04", "--source", "a", "--project", project)
    assert result.returncode == 1
    assert result.stderr.startswith("content/sources.yaml:2: error: invalid YAML")


def test_new_refuses_to_overwrite(project: Path) -> None:
    path = project / "content" / "2024-03-building-work-begins.md"
    before = path.read_text()
    result = run("new", "Building work begins", "--date", "2024-03", "--project", project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"error: {path} exists already: choose another title or date, "
                             "or edit that file\n")
    assert path.read_text() == before


def test_new_refuses_a_folder_without_content(tmp_path: Path) -> None:
    result = run("new", "X", "--project", tmp_path)
    assert (result.returncode, result.stderr) == (
        1, f"error: no content/ folder in {tmp_path}: start a project with 'timeline init'\n")


def test_new_refuses_an_empty_title(project: Path) -> None:
    result = run("new", "  ", "--project", project)
    assert (result.returncode, result.stderr) == (1, "error: the title must not be empty\n")


@pytest.mark.parametrize(("date", "title", "name"), [
    ("Y-170000002", "Deep", "y-minus-170000002-deep.md"),
    ("201X", "Decade", "201x-decade.md"),
    ("../1985-04-12", "Open", "1985-04-12-open.md"),
    ("2023-01-04", "Удар", "2023-01-04.md"),
    ("2023-01-04", "word " * 40, "2023-01-04-" + "-".join(["word"] * 12) + ".md"),
    ("2023-01-04", "x" * 70, "2023-01-04-" + "x" * 60 + ".md"),
])
def test_file_name(date: str, title: str, name: str) -> None:
    assert file_name(parse_event_date(date), title) == name


def test_front_matter_quotes_text() -> None:
    assert front_matter([("title", "a: b"), ("date", "2023"), ("tags", ["x y", "z"])]) == (
        '---\ntitle: "a: b"\ndate: "2023"\ntags: [x y, z]\n---\n')


def test_the_format_docs_example_is_what_new_writes(project: Path) -> None:
    text = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    command, printed = re.search(r"\$ (timeline new .*)\n(.*)\n", text).groups()  # type: ignore[union-attr]
    shown = re.search(r"writes:\n\n```markdown\n(.*?)```", text, re.S)[1]  # type: ignore[index]
    result = run(*shlex.split(command)[1:], "--project", project)
    assert result.stdout == f"{project / printed}\n"
    assert (project / printed).read_text(encoding="utf-8") == shown
    assert run("check", "--strict", project).returncode == 0


def test_the_readme_start_works(tmp_path: Path) -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = re.search(r"```sh\n(timeline init .*?)```", text, re.S)[1]  # type: ignore[index]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(["sh", "-ec", start], cwd=tmp_path, capture_output=True, text=True,
                            env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 errors, 0 warnings"
    assert (tmp_path / "my-timeline" / "content" / "2023-01-01-strike-on-the-depot.md").is_file()
