"""The progress bar: on a terminal only, redrawn in place at most ten times a second."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, MakeProject, event

from timeline.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


TERMINAL = {"TERM": "xterm-256color"}  # a person's terminal, whatever runs the tests


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_stage_is_drawn_in_place_and_redrawn_at_most_ten_times_a_second() -> None:
    stream, clock = _Terminal(), _Clock()
    progress = Progress(stream, clock=clock, environ=TERMINAL)
    progress.stage("rendering pages", 4)
    first = "\rrendering pages    [........................] 0/4"
    assert stream.getvalue() == first
    progress.advance()
    clock.now = 0.05
    progress.advance()
    assert stream.getvalue() == first  # too soon
    clock.now = 0.1
    progress.advance()
    assert stream.getvalue() == first + "\rrendering pages    [##################......] 3/4"
    progress.stage("writing", 1)
    progress.close()
    assert stream.getvalue().endswith(
        "\rwriting            [........................] 0/1"
        "\rwriting            [........................] 0/1\n")


def test_a_shorter_line_blanks_what_the_longer_one_left() -> None:
    stream = _Terminal()
    progress = Progress(stream, environ=TERMINAL)
    progress.stage("reading", 100)
    progress.stage("reading", 1)
    assert stream.getvalue() == ("\rreading            [........................] 0/100"
                                 "\rreading            [........................] 0/1  ")


def test_close_ends_the_line_once_and_only_if_something_was_drawn() -> None:
    stream = _Terminal()
    progress = Progress(stream, environ=TERMINAL)
    progress.close()
    assert stream.getvalue() == ""
    progress.stage("reading", 0)
    progress.close()
    progress.close()
    assert stream.getvalue() == "\rreading            [########################] 0/0" * 2 + "\n"


def test_nothing_is_shown_when_the_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    for progress in (Progress(stream, environ=TERMINAL), Progress(None, environ=TERMINAL)):
        progress.stage("reading", 3)
        progress.advance(3)
        progress.close()
    assert stream.getvalue() == ""


def _project(make_project: MakeProject) -> Path:
    return make_project({f"content/e{i}.md": event(title=f'"Event {i}"') for i in range(5)})


def _environ(**changes: str) -> dict[str, str]:
    """Return this process's environment as a person's terminal has it, then changes."""
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "TERM")}
    return {**environ, **TERMINAL, **changes}


def _on_terminal(*args: str, environ: dict[str, str]
                 ) -> tuple[subprocess.CompletedProcess[bytes], str]:
    """Run timeline with stderr on a pseudo-terminal; return the result and what it showed."""
    controller, terminal = pty.openpty()
    result = subprocess.run([sys.executable, "-m", "timeline", *args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal,
                            cwd=REPO, env=environ, timeout=120, check=False)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return result, shown.decode()


def test_a_build_on_a_terminal_shows_the_stages_and_ends_the_line(
        make_project: MakeProject) -> None:
    project = _project(make_project)
    result, text = _on_terminal("build", str(project), environ=_environ())
    assert result.returncode == 0
    assert text.startswith("\rreading ")
    for stage in ("reading            [########################] 5/5",
                  "rendering Markdown [########################] 5/5",
                  "rendering pages    [",
                  "writing            ["):
        assert "\r" + stage in text
    assert text.endswith("\r\n")  # one newline at the end (the terminal shows it as \r\n)
    assert text.count("\n") == 1
    assert result.stdout.decode().startswith("Built 5 events")


def test_a_check_on_a_terminal_shows_its_stages(make_project: MakeProject) -> None:
    project = _project(make_project)
    result, text = _on_terminal("check", str(project), environ=_environ())
    assert result.returncode == 0
    assert "\rreading            [########################] 5/5" in text
    assert text.endswith("\r\n") and text.count("\n") == 1


@pytest.mark.parametrize("changes", [{"CI": "true"}, {"CI": "1"}, {"TERM": "dumb"}])
def test_a_terminal_in_ci_or_without_cursor_control_shows_no_progress(
        make_project: MakeProject, changes: dict[str, str]) -> None:
    project = _project(make_project)
    result, text = _on_terminal("build", str(project), environ=_environ(**changes))
    assert result.returncode == 0
    assert text == ""
    assert result.stdout.decode().startswith("Built 5 events")


def test_ci_false_is_a_person_s_terminal() -> None:
    stream = _Terminal()
    Progress(stream, environ={"CI": "false", "TERM": "xterm"}).stage("reading", 1)
    assert stream.getvalue() == "\rreading            [........................] 0/1"
    quiet = _Terminal()
    for environ in ({"CI": "true"}, {"CI": "woodpecker"}, {"TERM": "dumb"}):
        Progress(quiet, environ=environ).stage("reading", 1)
    assert quiet.getvalue() == ""


def test_a_build_into_a_pipe_prints_no_progress(make_project: MakeProject) -> None:
    project = _project(make_project)
    result = subprocess.run([sys.executable, "-m", "timeline", "build", str(project)],
                            capture_output=True, cwd=REPO, env=_environ(), timeout=120,
                            check=False)
    assert result.returncode == 0
    assert result.stderr == b""
    assert result.stdout.decode().startswith("Built 5 events")


def test_a_check_into_a_pipe_prints_only_its_report(make_project: MakeProject) -> None:
    project = _project(make_project)
    result = subprocess.run([sys.executable, "-m", "timeline", "check", str(project)],
                            capture_output=True, cwd=REPO, env=_environ(), timeout=120,
                            check=False)
    assert result.returncode == 0
    assert result.stderr == b""
    assert "\r" not in result.stdout.decode() and "reading" not in result.stdout.decode()
