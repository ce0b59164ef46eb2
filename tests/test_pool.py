"""The process pool: the same site, problems and errors as one process, and Ctrl-C."""

from __future__ import annotations

import hashlib
import logging
import os
import pty
import re
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, MakeProject, event

from timeline import pool
from timeline.build import TemplateError, build, load_project
from timeline.cli import main
from timeline.errors import BuildError, ContentError
from timeline.pool import default_jobs, map_slices, slices
from timeline.site.writer import MANIFEST


def _events(count: int) -> dict[str, str | bytes]:
    """Return count events over several years, tags and sources, with cross-references."""
    return {f"content/event-{i:03d}.md": event(
        title=f'"Event {i}"', date=f'"{2000 + i % 7}-{1 + i % 12:02d}-{1 + i % 28:02d}"',
        tags=f"[tag{i % 3}, shared]",
        body=f"Body of *event* {i} [@article, p. {i}]. See [[event-{(i + 1) % count:03d}]]."
             f"\n\n> [!NOTE]\n> A note [@report].")
        for i in range(count)}


def _digest(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under folder, by relative path, but the manifest
    (which records each file's inode and mtime, different in two folders)."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != MANIFEST}


@pytest.fixture
def always_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the pool at any size."""
    monkeypatch.setattr(pool, "THRESHOLD", 0)


def _worker_pids(caplog: pytest.LogCaptureFixture) -> set[int]:
    """Return the processes that did slices, as the pool logged them."""
    pids: set[int] = set()
    for record in caplog.records:
        found = re.search(r"in processes ([\d ]+) \(", record.getMessage())
        if record.name == "timeline.pool" and found:
            pids.update(int(pid) for pid in found.group(1).split())
    return pids


def test_slices_cover_the_range_in_order() -> None:
    assert slices(0, 2) == []
    assert slices(5, 1) == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    parts = slices(1000, 2)
    assert parts[0] == (0, 63) and parts[-1] == (945, 1000) and len(parts) == 16
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:], strict=False))


def test_default_jobs_is_the_cpus_this_process_may_use() -> None:
    assert default_jobs() == len(os.sched_getaffinity(0))


def _prepare(offset: int) -> int:
    return offset


def _square(offset: int, start: int, stop: int) -> list[tuple[int, int]]:
    return [(offset + i * i, os.getpid()) for i in range(start, stop)]


def test_map_slices_returns_results_in_order_from_worker_processes() -> None:
    done: list[int] = []
    results = map_slices(_prepare, _square, 1, 100, jobs=2, threshold=0, done=done.append)
    values = [value for part in results for value, _ in part]
    assert values == [1 + i * i for i in range(100)]
    assert os.getpid() not in {pid for part in results for _, pid in part}
    assert sum(done) == 100


def test_below_the_threshold_everything_runs_here() -> None:
    results = map_slices(_prepare, _square, 0, 50, jobs=2, threshold=200)
    assert {pid for part in results for _, pid in part} == {os.getpid()}


def _fail_at(limit: int, start: int, stop: int) -> int:
    for i in range(start, stop):
        if i >= limit:
            raise ContentError(f"content/{i}.md", i, f"item {i} failed")
    return stop - start


def test_the_error_of_the_first_failing_slice_comes_back_whole() -> None:
    with pytest.raises(ContentError) as raised:
        map_slices(_prepare, _fail_at, 30, 100, jobs=2, threshold=0)
    assert raised.value.format() == "content/30.md:30: error: item 30 failed"


def test_a_pooled_build_is_byte_identical(make_project: MakeProject, tmp_path: Path,
                                          always_pool: None,
                                          caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(_events(40))
    one = build(project, tmp_path / "one", jobs=1, cache=False, base_url="https://example.org/",
                environ={"SOURCE_DATE_EPOCH": "1700000000"})
    assert _worker_pids(caplog) == set()
    with caplog.at_level(logging.DEBUG, logger="timeline.pool"):
        two = build(project, tmp_path / "two", jobs=2, cache=False, base_url="https://example.org/",
                    environ={"SOURCE_DATE_EPOCH": "1700000000"})
    workers = _worker_pids(caplog)
    assert workers and os.getpid() not in workers  # events and pages were done elsewhere
    assert len([r for r in caplog.records if "in processes" in r.getMessage()]) == 2
    assert (one.pages, one.files) == (two.pages, two.files)
    assert len(_digest(tmp_path / "one")) == one.files
    assert _digest(tmp_path / "one") == _digest(tmp_path / "two")


def test_pooled_diagnostics_are_the_same_in_the_same_order(
        make_project: MakeProject, always_pool: None) -> None:
    files = _events(30)
    files["content/event-003.md"] = event(date='"2023-13-45"')
    files["content/event-011.md"] = event(body="Cites [@nowhere].", colour="red")
    files["content/event-012.md"] = "no front matter\n"
    files["content/event-027.md"] = event(title='"Dup"', slug="event-000")
    project = make_project(files)
    _, alone = load_project(project, jobs=1)
    _, pooled = load_project(project, jobs=2)
    assert [str(d) for d in pooled.diagnostics] == [str(d) for d in alone.diagnostics] == [
        "content/event-012.md:1: error: no front matter: the file must start with a '---' "
        "line. Did you forget the opening '---'?",
        "content/event-003.md:3: error: invalid date '2023-13-45': month must be 1-12",
        "content/event-011.md:4: warning: unknown field 'colour' is ignored.",
        "content/event-011.md:6: error: unknown source '@nowhere'.",
        "content/event-026.md:6: error: unknown event '[[event-027]]'. Did you mean "
        "'event-029'?",
        "content/event-027.md:4: error: duplicate slug 'event-000': content/event-000.md has "
        "it too; give one of them a different 'slug'"]
    with pytest.raises(BuildError) as single:
        build(project, jobs=1, cache=False)
    with pytest.raises(BuildError) as several:
        build(project, jobs=2, cache=False)
    assert several.value.format() == single.value.format()


@pytest.mark.parametrize(("template", "message"), [
    ("<p>\n\n{{ event.nothing.deeper }}</p>",
     "{project}/templates/event.html:3: error: 'timeline.model.Event object' has no "
     "attribute 'nothing'"),
    ("<p>\n{% if %}</p>",
     "{project}/templates/event.html:2: error: template syntax: Expected an expression, got "
     "'end of statement block'"),
    ("{% include 'missing.html' %}",
     "error: template 'missing.html' not found; looked in: {project}/templates, "
     "{repo}/templates"),
])
def test_a_template_error_in_a_worker_reads_as_in_one_process(
        make_project: MakeProject, always_pool: None, template: str, message: str) -> None:
    project = make_project({**_events(20), "templates/event.html": template})
    expected = message.format(project=project, repo=REPO)
    with pytest.raises(TemplateError) as single:
        build(project, jobs=1, cache=False)
    with pytest.raises(TemplateError) as several:
        build(project, jobs=2, cache=False)
    assert single.value.format() == expected
    assert several.value.format() == expected


def _group_alive(group: int) -> list[int]:
    """Return the processes still in a process group."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[2]) == group:
                alive.append(int(entry.name))
    return alive


def test_ctrl_c_stops_the_workers_without_a_traceback(make_project: MakeProject,
                                                      tmp_path: Path) -> None:
    project = make_project(_events(900))
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "timeline", "build", str(project), "--jobs", "2"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal, cwd=REPO,
        start_new_session=True,  # progress is off in CI or on a dumb terminal: not here
        env={k: v for k, v in os.environ.items() if k not in ("CI", "TERM")})
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 60
    while b"rendering Markdown" not in seen and time.monotonic() < deadline:
        if select.select([controller], [], [], 1)[0]:
            seen += os.read(controller, 4096)
    assert b"rendering Markdown" in seen
    os.killpg(process.pid, signal.SIGINT)  # as the terminal does: to the whole group
    process.wait(30)
    while select.select([controller], [], [], 0.5)[0]:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    assert process.returncode == 130
    assert b"Traceback" not in seen
    assert seen.endswith(b"\r\n")  # the bar's line is ended (the terminal adds the \r)
    assert process.stdout is not None and process.stdout.read() == b""
    deadline = time.monotonic() + 10
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group_alive(process.pid) == []
    assert not (project / "site").exists()
    # no staging folder: only the content and the build cache (safe to keep, or delete)
    assert sorted(p.name for p in project.iterdir()) == [".timeline-cache", "content"]


@pytest.mark.parametrize("jobs", ["0", "-1", "x", "1.5"])
def test_jobs_must_be_a_whole_number_of_at_least_one(capsys: pytest.CaptureFixture[str],
                                                     jobs: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["build", "--jobs", jobs])
    assert exited.value.code == 2
    expected = (f"must be at least 1, not {jobs}" if jobs.lstrip("-").isdigit()
                else f"must be a whole number, not '{jobs}'")
    assert capsys.readouterr().err.splitlines()[-1] == \
        f"timeline build: error: argument -j/--jobs: {expected}"


@pytest.mark.parametrize(("command", "jobs", "pooled"), [
    ("build", "2", True), ("build", "1", False), ("check", "2", True), ("check", "1", False)])
def test_the_command_line_passes_jobs_on(make_project: MakeProject, always_pool: None,
                                         caplog: pytest.LogCaptureFixture, command: str,
                                         jobs: str, pooled: bool) -> None:
    project = make_project(_events(20))
    with caplog.at_level(logging.DEBUG, logger="timeline.pool"):
        assert main([command, str(project), "--jobs", jobs]) == 0
    assert bool(_worker_pids(caplog)) is pooled


def test_spawned_workers_build_the_same_site(make_project: MakeProject, tmp_path: Path,
                                             always_pool: None,
                                             monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    """Where fork is not safe (serve's threads, macOS, Windows) the input is pickled."""
    from timeline.serve.preview import MemoryBytecodeCache

    project = make_project(_events(20))
    build(project, tmp_path / "one", jobs=1, cache=False)
    monkeypatch.setattr(pool, "start_method", lambda: "spawn")
    with caplog.at_level(logging.DEBUG, logger="timeline.pool"):
        build(project, tmp_path / "two", jobs=2, cache=False, bytecode_cache=MemoryBytecodeCache())
    assert "(spawn)" in caplog.text and _worker_pids(caplog)
    assert _digest(tmp_path / "one") == _digest(tmp_path / "two")


def test_fork_is_used_only_without_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert pool.start_method() == "fork"
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # serve's server and watcher
    assert pool.start_method() == "spawn"
