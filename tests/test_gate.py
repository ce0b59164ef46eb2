"""The gate: every file the build reads or copies is inside the project, a regular file,
readable, UTF-8 where text is expected, and not too large; folders that cannot be
listed and names that cannot be printed are errors, never silently skipped.

Permission tests run the command in a subprocess as an unprivileged user when the
tests run as root (root reads files whatever their mode), and as the current user
otherwise. FIFO tests run in a subprocess with a timeout, so a regression fails
instead of hanging the suite.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, SOURCES, MakeProject, event, write_files

from timeline.build import build
from timeline.cli import main
from timeline.content import gate
from timeline.content.load import load_timeline
from timeline.errors import ContentError, Report

NOBODY = 65534
OUTSIDE = "error: refusing a symlink that points outside the project"
DENIED = "error: cannot read: permission denied; make it readable by the user running timeline"


def check_lines(project: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Run `timeline check` in this process; return its output lines (exit status 1)."""
    assert main(["check", str(project)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out.splitlines() + err.splitlines()


def build_lines(project: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Run `timeline build` in this process; return its error lines (exit status 1)."""
    assert main(["build", str(project)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert not (project / "site").exists()
    return err.splitlines()


def outside_file(tmp_path: Path, text: str = "SECRET=1\n") -> Path:
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(text)
    return secret


# The interpreter may live where nobody can read it (/root/.pyenv), so the child
# first checks the project as root, silently, to import every module it needs
# (the standard library imports some lazily), then drops to nobody and runs.
UNPRIVILEGED = f"""
import contextlib, io, os, sys
import jinja2.debug  # Jinja imports it only when a template fails, after the drop
from timeline.cli import main
if os.geteuid() == 0:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["check", sys.argv[2]])
    os.setgroups([])
    os.setgid({NOBODY})
    os.setuid({NOBODY})
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """Return a temporary folder that nobody can reach (pytest's own is private to us)."""
    folder = Path(tempfile.mkdtemp(prefix="timeline-gate-"))
    folder.chmod(0o777)
    yield folder
    for path in (folder, *folder.rglob("*")):
        if not path.is_symlink():
            path.chmod(0o700)
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def readable_package() -> Iterator[Path]:
    """Return a copy of the package and its theme that the user nobody can read.

    The checkout may lie in a folder only its owner can enter (a CI clone in a
    private temporary folder), and timeline reads its own theme and source files.
    """
    folder = Path(tempfile.mkdtemp(prefix="timeline-package-"))
    folder.chmod(0o755)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "timeline", folder / "timeline", ignore=ignore)
    shutil.copytree(REPO / "templates", folder / "templates", ignore=ignore)
    yield folder
    shutil.rmtree(folder)


def run_unprivileged(package: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run timeline from package as a user that file modes apply to: nobody when we are root."""
    environ = {**os.environ, "PYTHONPATH": str(package)}
    return subprocess.run([sys.executable, "-c", UNPRIVILEGED, *map(str, args)], cwd="/",
                          capture_output=True, text=True, timeout=120, env=environ)


# Symlinks


def test_a_symlink_to_the_environment_is_refused_not_published(
        make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    (project / "content" / "env.txt").symlink_to("/proc/self/environ")
    assert f"content/env.txt: {OUTSIDE}" in build_lines(project, capsys)
    assert f"content/env.txt: {OUTSIDE}" in check_lines(project, capsys)


def test_a_symlinked_event_outside_is_refused(make_project: MakeProject, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    (project / "content" / "leak.md").symlink_to(outside_file(tmp_path, event("Secret")))
    assert f"content/leak.md: {OUTSIDE}" in build_lines(project, capsys)


def test_a_symlinked_media_file_is_refused_where_it_is_named(
        make_project: MakeProject, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(media="\n  src: map.png\n  alt: A map")})
    (project / "content" / "map.png").symlink_to(outside_file(tmp_path))
    lines = check_lines(project, capsys)
    assert ("content/e.md:5: error: media file content/map.png: refusing a symlink that "
            "points outside the project") in lines
    assert f"content/map.png: {OUTSIDE}" in lines


def test_a_symlinked_source_file_is_refused(make_project: MakeProject, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(body="Text [@letter].")},
                           sources="letter:\n  title: A letter\n  file: letter.pdf\n")
    (project / "content" / "letter.pdf").symlink_to(outside_file(tmp_path))
    assert ("content/sources.yaml:3: error: source 'letter': file content/letter.pdf: "
            "refusing a symlink that points outside the project") in check_lines(project, capsys)


def test_a_symlinked_static_file_is_refused(make_project: MakeProject, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(), "static/CNAME": "example.org\n"})
    (project / "static" / "robots.txt").symlink_to(outside_file(tmp_path))
    assert f"static/robots.txt: {OUTSIDE}" in build_lines(project, capsys)


def test_content_that_is_a_symlink_outside_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = outside_file(tmp_path).parent
    (elsewhere / "e.md").write_text(event())
    project = tmp_path / "project"
    project.mkdir()
    (project / "content").symlink_to(elsewhere, target_is_directory=True)
    assert check_lines(project, capsys)[0] == f"content: {OUTSIDE}"


@pytest.mark.parametrize("link", ["templates", "templates/base.html", "templates/assets"])
def test_templates_that_point_outside_are_refused(
        link: str, make_project: MakeProject, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(), "templates/page.txt": "mine"})
    target = outside_file(tmp_path)
    if link != "templates/base.html":
        target = target.parent
        (target / "base.html").write_text("{{ secret }}")
    target_path = project / link
    if target_path.exists():
        target_path.rename(tmp_path / "moved")
    target_path.symlink_to(target)
    assert f"{link}: {OUTSIDE}" in build_lines(project, capsys)
    assert f"{link}: {OUTSIDE}" in check_lines(project, capsys)


def test_a_symlinked_folder_outside_is_refused(make_project: MakeProject, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = outside_file(tmp_path).parent
    (elsewhere / "e.md").write_text(event("Secret"))
    project = make_project({"content/e.md": event()})
    (project / "content" / "more").symlink_to(elsewhere, target_is_directory=True)
    assert check_lines(project, capsys)[0] == f"content/more: {OUTSIDE}"


def test_a_symlinked_folder_inside_the_project_is_followed(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(), "shared/f.md": event("F"),
                            "shared/f.txt": "F"})
    (project / "content" / "more").symlink_to(project / "shared", target_is_directory=True)
    result = build(project)
    assert [e.path for e in result.timeline.events] == ["content/e.md", "content/more/f.md"]
    assert (project / "site" / "more" / "f.txt").read_text() == "F"


def test_symlink_loops_are_errors_not_hangs(make_project: MakeProject,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(), "content/x/a.txt": "a",
                            "content/z/b.txt": "b"})
    content = project / "content"
    (content / "a.md").symlink_to(content / "b.md")
    (content / "b.md").symlink_to(content / "a.md")
    (content / "loop").symlink_to(content, target_is_directory=True)
    (content / "x" / "y").symlink_to(content / "z", target_is_directory=True)
    (content / "z" / "w").symlink_to(content / "x", target_is_directory=True)
    loop = "error: cannot read: a symlink loop (it points to a folder that contains it)"
    assert [line for line in check_lines(project, capsys) if ": error: " in line] == [
        "content/a.md: error: cannot read: a symlink loop",
        "content/b.md: error: cannot read: a symlink loop",
        f"content/loop: {loop}",
        f"content/x/y/w: {loop}",
        f"content/z/w/y: {loop}",
    ]


def test_a_broken_symlink_is_an_error(make_project: MakeProject,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    (project / "content" / "gone.md").symlink_to(project / "content" / "nowhere.md")
    assert "content/gone.md: error: cannot read: a broken symlink" in build_lines(project, capsys)


def test_the_default_theme_lives_outside_the_project_and_is_read(
        make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    build(project)
    assert (project / "site" / "assets" / "style.css").is_file()
    assert (project / "site" / "index.html").is_file()


# Special files


def _run_with_fifo(project: Path, rel: str) -> subprocess.CompletedProcess[str]:
    os.mkfifo(project / rel)
    return subprocess.run([sys.executable, "-m", "timeline", "build", str(project)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("rel", ["content/pipe.md", "content/pipe.txt", "static/pipe",
                                 "content/sources.yaml", "timeline.toml"])
def test_a_fifo_is_refused_not_waited_on(rel: str, make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(), "static/CNAME": "x"}, sources=None)
    result = _run_with_fifo(project, rel)
    assert result.returncode == 1, result.stderr
    assert (f"{rel}: error: refusing a FIFO (named pipe): only regular files are read or "
            "published; remove it") in result.stderr.splitlines()


def test_check_does_not_wait_on_a_fifo(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    os.mkfifo(project / "content" / "pipe.md")
    result = subprocess.run([sys.executable, "-m", "timeline", "check", str(project)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert ("content/pipe.md: error: refusing a FIFO (named pipe): only regular files are "
            "read or published; remove it") in result.stdout.splitlines()


def test_a_socket_is_refused(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    monkeypatch.chdir(project / "content")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("sock.txt")
        assert ("content/sock.txt: error: refusing a socket: only regular files are read or "
                "published; remove it") in build_lines(project, capsys)


def test_a_device_is_refused() -> None:
    with pytest.raises(ContentError) as caught:
        gate._check_regular("content/null", os.stat("/dev/null"), gate.COPY_LIMIT)
    assert str(caught.value) == ("content/null: error: refusing a character device: only "
                                 "regular files are read or published; remove it")


def test_a_folder_named_like_a_file_is_an_error(make_project: MakeProject,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(), "timeline.toml/x": "x"})
    assert "timeline.toml: error: expected a file, found a folder" in check_lines(
        project, capsys)


# Permissions


@pytest.mark.parametrize("rel", ["content/sources.yaml", "timeline.toml", "content/a.pdf",
                                 "content/e.md", "static/robots.txt", "templates/base.html",
                                 "templates/locale/en.toml"])
def test_an_unreadable_file_is_a_clear_error(rel: str, open_tmp: Path,
                                             readable_package: Path) -> None:
    project = open_tmp / "project"
    write_files(project, {
        "content/e.md": event(), "content/sources.yaml": SOURCES, "content/a.pdf": b"%PDF",
        "static/robots.txt": "",
        "timeline.toml": 'title = "T"\n', "templates/locale/en.toml": '"Sources" = "S"\n',
        "templates/base.html": (REPO / "templates" / "base.html").read_text()})
    (project / rel).chmod(0)
    output = open_tmp / "site"
    for command in (["check", project], ["build", project, "-o", output]):
        result = run_unprivileged(readable_package, *command)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert f"{rel}: {DENIED}" in (result.stdout + result.stderr).splitlines()
    assert not (output / "site").exists()


def test_an_unreadable_folder_is_an_error_not_skipped(open_tmp: Path,
                                                      readable_package: Path) -> None:
    project = open_tmp / "project"
    write_files(project, {"content/e.md": event(), "content/sources.yaml": SOURCES,
                          "content/2023/f.md": event("F")})
    (project / "content" / "2023").chmod(0)
    result = run_unprivileged(readable_package, "check", project)
    assert result.returncode == 1
    assert ("content/2023: error: cannot list the folder: permission denied; make it "
            "readable by the user running timeline") in result.stdout.splitlines()


# Encodings and sizes


@pytest.mark.parametrize(("rel", "data", "expected"), [
    ("timeline.toml", 'title = "Caf\xe9"\n'.encode("latin-1"),
     "timeline.toml:1: error: not UTF-8: invalid byte 0xe9 at byte offset 12; save the file "
     "as UTF-8"),
    ("timeline.toml", 'title = "T"\n'.encode("utf-16"),
     "timeline.toml:1: error: not UTF-8: it starts with a UTF-16 byte-order mark; save the "
     "file as UTF-8"),
    ("content/sources.yaml", "a:\n  title: Caf\xe9\n".encode("latin-1"),
     "content/sources.yaml:2: error: not UTF-8: invalid byte 0xe9 at byte offset 15; save "
     "the file as UTF-8"),
    ("content/sources.yaml", "a:\n  title: A\n".encode("utf-16"),
     "content/sources.yaml:1: error: not UTF-8: it starts with a UTF-16 byte-order mark; "
     "save the file as UTF-8"),
    ("templates/locale/en.toml", '"Sources" = "Qu\xe9"\n'.encode("latin-1"),
     "templates/locale/en.toml:1: error: not UTF-8: invalid byte 0xe9 at byte offset 15; "
     "save the file as UTF-8"),
])
def test_text_in_another_encoding_is_located(rel: str, data: bytes, expected: str,
                                             make_project: MakeProject,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(), rel: data})
    assert expected in check_lines(project, capsys)
    assert expected in build_lines(project, capsys)


def test_read_text_allows_a_bom_and_makes_line_ends_lf(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"\xef\xbb\xbfone\r\ntwo\rthree\n")
    assert gate.read_text(tmp_path, "a.md") == gate.Text("a.md", "one\ntwo\nthree\n")


def test_a_text_file_over_the_limit_is_refused(make_project: MakeProject,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    with open(project / "timeline.toml", "wb") as file:
        file.truncate(gate.TEXT_LIMIT + 1)  # sparse: no disk used, nothing read
    assert ("timeline.toml: error: too large: 50000001 bytes, more than the limit of 50 MB"
            in check_lines(project, capsys))


def test_a_copied_file_over_the_limit_is_refused(make_project: MakeProject,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    with open(project / "content" / "disk.img", "wb") as file:
        file.truncate(gate.COPY_LIMIT + 1)
    assert ("content/disk.img: error: too large: 1000000001 bytes, more than the limit of "
            "1000 MB") in build_lines(project, capsys)


# Names and paths


@pytest.mark.parametrize("name", [b"\xff.md", b"\xff.txt", b"caf\xe9"])
def test_a_file_name_that_is_not_utf8_is_an_error(name: bytes, make_project: MakeProject,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    path = os.fsencode(project / "content") + b"/" + name
    with open(path, "wb") as file:
        file.write(event().encode())
    shown = name.decode("utf-8", "backslashreplace")
    expected = f"content/{shown}: error: the file name is not UTF-8: rename it"
    assert expected in check_lines(project, capsys)
    assert build_lines(project, capsys) == [expected, "1 error; the site was not changed"]


def test_a_file_name_with_a_newline_is_an_error(make_project: MakeProject,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(), "content/a\nb.md": event("B")})
    assert ("content/a\\nb.md: error: the file name has a control character: rename it"
            in check_lines(project, capsys))


def test_content_nested_deeper_than_path_max_is_an_error(
        make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    name = "d" * 200
    fd = os.open(project / "content", os.O_RDONLY)
    rel, first_too_long = "content", None
    try:
        for _ in range(25):  # 25 levels of 201 bytes pass PATH_MAX (4096 on Linux)
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
            rel = f"{rel}/{name}"
            if first_too_long is None:
                try:
                    os.stat(project / rel)
                except OSError as error:
                    assert error.errno == errno.ENAMETOOLONG
                    first_too_long = rel
        os.close(os.open("e.md", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    finally:
        os.close(fd)
    assert first_too_long is not None
    assert check_lines(project, capsys)[:1] == [
        f"{first_too_long}: error: cannot list the folder: path too long for the operating "
        "system; use shorter names or fewer folders"]


# Settings that name files


@pytest.mark.parametrize(("value", "shown"), [
    ("../../content/notes", "../../content/notes"), ("en\\u0007", "en\\x07"),
    ("english", "english"), ("en_GB", "en_GB")])
def test_language_must_be_a_language_tag(value: str, shown: str, make_project: MakeProject,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(),
                            "timeline.toml": f'title = "T"\nlanguage = "{value}"\n'})
    assert (f"timeline.toml:2: error: language must be a language tag such as \"en\", \"de\" "
            f"or \"pt-BR\" (BCP 47), not '{shown}'") in check_lines(project, capsys)


@pytest.mark.parametrize("language", ["en", "de", "pt-BR", "zh-Hant-TW", "gsw"])
def test_language_tags_are_accepted(language: str, make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(),
                            "timeline.toml": f'language = "{language}"\n'})
    assert build(project).timeline.config.language == language


def test_a_catalogue_value_that_is_not_text_is_located(
        make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(), "timeline.toml": 'language = "de"\n',
                            "templates/locale/de.toml": '"Sources" = "Quellen"\n"Tags" = 3\n'})
    assert ("templates/locale/de.toml:2: error: the translation of 'Tags' must be a string, "
            "or a table of plural forms (one, few, many, other...)"
            in check_lines(project, capsys))


# Active content


@pytest.mark.parametrize("rel", ["content/x.svg", "content/docs/page.HTML", "static/app.js",
                                 "static/feed.xsl", "content/a.xhtml"])
def test_active_files_need_the_setting(rel: str, make_project: MakeProject,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(), rel: "<script>alert(1)</script>",
                            "static/robots.txt": "", "static/CNAME": "x", "static/.nojekyll": ""})
    suffix = os.path.splitext(rel)[1].lower()
    assert build_lines(project, capsys)[0] == (
        f"{rel}: error: refusing to publish a '{suffix}' file: a browser runs its scripts as "
        "the site itself; remove it, or set allow_active_files = true in timeline.toml if you "
        "trust it")
    (project / "timeline.toml").write_text("allow_active_files = true\n")
    build(project)
    dest = rel.removeprefix("content/").removeprefix("static/")
    assert (project / "site" / dest).read_text() == "<script>alert(1)</script>"
    assert (project / "site" / "CNAME").is_file() and (project / "site" / ".nojekyll").is_file()


def test_the_project_theme_assets_are_not_active_content(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(), "templates/assets/extra.js": "x()"})
    build(project)
    assert (project / "site" / "assets" / "extra.js").read_text() == "x()"


# Loading does not ask the theme


def test_loading_takes_the_note_label_from_its_caller(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(body="Text [@article].\n\n> [!NOTE]\n> Hm.")})
    timeline, report = load_timeline(project, note_label="Anmerkung der Redaktion")
    assert not report.errors
    assert '<p class="editor-note-label">Anmerkung der Redaktion</p>' in \
        timeline.events[0].body_html


def test_the_build_asks_the_theme_for_the_note_label(make_project: MakeProject) -> None:
    project = make_project({
        "content/e.md": event(body="Text [@article].\n\n> [!NOTE]\n> Hm."),
        "timeline.toml": 'language = "de"\n',
        "templates/locale/de.toml": "\"Editor's note\" = \"Anmerkung\"\n"})
    result = build(project)
    assert '<p class="editor-note-label">Anmerkung</p>' in result.timeline.events[0].body_html


def test_walk_lists_files_sorted_and_reports_into_the_report(tmp_path: Path) -> None:
    (tmp_path / "c" / "b").mkdir(parents=True)
    for name in ("c/z.md", "c/b/a.md", "c/_draft.md", "c/.env"):
        (tmp_path / name).write_text("x")
    report = Report()
    assert gate.walk(tmp_path, "c", report) == ["c/b/a.md", "c/z.md"]
    assert gate.walk(tmp_path, "c", report, hide_dirs=(".",), hide_files=()) == [
        "c/.env", "c/_draft.md", "c/b/a.md", "c/z.md"]
    assert gate.walk(tmp_path, "missing", report) == [] and not report.diagnostics
