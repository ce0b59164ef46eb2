"""Building: the example site, the CLI, atomic and safe writing, reproducibility."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, MakeProject, event

from timeline.build import build
from timeline.errors import BuildError, UsageError
from timeline.site.writer import MANIFEST


def run(*args: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "timeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=120)


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("example") / "site"
    result = run("build", REPO, "-o", output)
    assert result.returncode == 0, result.stderr
    return output


def test_example_events_json_holds_the_named_events_in_order(example_site: Path) -> None:
    events = json.loads((example_site / "events.json").read_text(encoding="utf-8"))
    slugs = [e["slug"] for e in events]
    for required in ("makiivka-strike", "russian-mod-blames-mobile-phones",
                     "uk-mod-intelligence-update", "governor-hospital-visit"):
        assert required in slugs
    keys = [(e["date"]["start"], e["slug"]) for e in events]
    assert slugs.index("september-2022-mobilisation") < slugs.index("makiivka-strike") \
        < slugs.index("governor-hospital-visit") < slugs.index("uk-mod-intelligence-update")
    assert len(keys) == len(set(keys))
    for item in events:
        assert item["sources"], item["slug"]
        assert all(s["id"] == "article-2023-01-05" for s in item["sources"])
        assert (example_site / item["url"]).is_file()


def test_example_keeps_the_precision_the_article_supports(example_site: Path) -> None:
    events = {e["slug"]: e for e in json.loads((example_site / "events.json").read_text())}
    strike = events["makiivka-strike"]
    assert strike["date"]["end"] is not None and strike["approximate"] is True
    assert events["putin-no-further-mobilisation"]["date"]["start"] == "2022-12"
    assert events["putin-no-further-mobilisation"]["display"] == "December 2022"
    assert events["governor-hospital-visit"]["date"]["start"] == "2023-01-04"


def test_example_notes_the_saratov_samara_inconsistency() -> None:
    text = (REPO / "content" / "governor-hospital-visit.md").read_text(encoding="utf-8")
    assert "Samara" in text and "Saratov" in text and "note:" in text


def test_events_json_shape(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/caesar.md": event(
        "Caesar", '"-0043-03-15~"', "Stabbed [@article, p. 1].", tags="[rome]",
        location="Rome")})
    build(project, tmp_path / "out")
    (item,) = json.loads((tmp_path / "out" / "events.json").read_text())
    assert item == {
        "slug": "caesar", "title": "Caesar", "url": "events/caesar/index.html",
        "date": {"start": "-0043-03-15", "end": None}, "edtf": "-0043-03-15~", "precision": "day",
        "approximate": True, "uncertain": False, "display": "c. 15 March 44 BC",
        "tags": ["rome"], "location": "Rome", "summary": "Stabbed.",
        "sources": [{"id": "article", "title": "Example article", "publisher": "Example News",
                     "author": None, "url": "https://example.org/article",
                     "archive": "https://archive.example.org/article", "date": "2023-01-05",
                     "kind": None, "file": None, "isbn": None, "doi": None, "page": None,
                     "pages": None, "edition": None, "archive_id": None}],
        "claims": [],
        "path": "content/caesar.md",
    }


def test_cli_prints_a_summary_and_python_m_works(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    result = run("build", project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 1 event, ")
    assert (project / "site" / "events" / "e" / "index.html").is_file()
    assert (project / "site" / MANIFEST).is_file()


def test_cli_reports_all_errors_without_traceback(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event(date="soonish"),
                            "content/b.md": event(body="[@nope]")})
    result = run("build", project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("content/a.md:3: error: ")
    assert lines[1].startswith("content/b.md:5: error: unknown source '@nope'")
    assert "2 errors" in lines[2]


def test_warnings_do_not_fail_but_strict_makes_them_errors(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(tittle="x")})
    result = run("build", project)
    assert result.returncode == 0
    assert "content/e.md:4: warning: unknown field 'tittle'" in result.stderr
    strict = run("build", project, "--strict", "-o", project / "strict")
    assert strict.returncode == 1
    assert "content/e.md:4: error: unknown field 'tittle'" in strict.stderr


def test_failed_build_leaves_the_previous_site_as_it_was(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    output = project / "site"
    build(project, output)
    before = tree_digest(output)
    (project / "content" / "e.md").write_text(event(date="soonish"), encoding="utf-8")
    with pytest.raises(BuildError):
        build(project, output)
    assert tree_digest(output) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_template_error_while_rendering_leaves_the_site(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    output = project / "site"
    build(project, output)
    before = tree_digest(output)
    (project / "templates").mkdir()
    (project / "templates" / "event.html").write_text("{{ event.no_such_field }}")
    result = run("build", project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "event.html:1: error:" in result.stderr
    assert tree_digest(output) == before


def test_write_error_leaves_the_site(make_project: MakeProject,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project({"content/e.md": event()})
    output = project / "site"
    build(project, output)
    before = tree_digest(output)
    real = Path.write_bytes
    calls = []

    def failing(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    (project / "content" / "e.md").write_text(event(title="Another event"),
                                              encoding="utf-8")  # unchanged files are linked
    with pytest.raises(OSError):
        build(project, output, cache=False)
    assert tree_digest(output) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.parametrize("failure", ["content", "template", "foreign file", "sigterm",
                                     "sigkill"])
def test_every_failed_build_leaves_the_site_and_no_staging(make_project: MakeProject,
                                                           failure: str) -> None:
    files: dict[str, str | bytes] = {"content/e.md": event()}
    files.update({f"static/s{i}/f{j}.txt": b"x" * 100 for i in range(30) for j in range(100)})
    project = make_project(files)
    site = project / "site"
    assert run("build", project).returncode == 0
    subprocess.run(["git", "init", "-q"], cwd=site, check=True)
    before = tree_digest(site)
    staging = [p.name for p in project.iterdir() if p.name.startswith(".site-")]
    assert staging == []
    if failure == "content":
        (project / "content" / "e.md").write_text(event(date="soonish"), encoding="utf-8")
        assert run("build", project).returncode == 1
    elif failure == "template":
        (project / "templates").mkdir()
        (project / "templates" / "event.html").write_text("{{ event.no_such_field }}")
        assert run("build", project).returncode == 1
    elif failure == "foreign file":
        (project / "static" / "new.txt").write_text("new")
        (site / ".git" / "info" / "exclude").write_text("mine")  # dot-entries stay the user's
        (site / "s0" / "mine.txt").write_text("mine")
        before = tree_digest(site)
        assert run("build", project).returncode == 2
    else:
        # --no-cache: a build with nothing changed would otherwise do nothing at all
        proc = subprocess.Popen([sys.executable, "-m", "timeline", "build", str(project),
                                 "--no-cache"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not any(p.name.startswith(".site-new-") for p in project.iterdir()):
            assert proc.poll() is None
        proc.send_signal(signal.SIGTERM if failure == "sigterm" else signal.SIGKILL)
        proc.wait(timeout=60)
        if failure == "sigkill":  # nothing runs after SIGKILL: the next build cleans up
            (project / "content" / "e.md").write_text(event(date="x"), encoding="utf-8")
            assert run("build", project).returncode == 1
    assert tree_digest(site) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site-")] == []


@pytest.mark.parametrize("target", [".", "content", "content/out", ".."])
def test_refuses_outputs_that_would_destroy_content(make_project: MakeProject,
                                                    target: str) -> None:
    project = make_project({"content/e.md": event()})
    before = tree_digest(project)
    result = run("build", project, "-o", project / target)
    assert result.returncode == 2
    assert "refusing" in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(project) == before


def test_refuses_a_folder_with_other_files(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/e.md": event()})
    other = tmp_path / "docs"
    other.mkdir()
    (other / "thesis.pdf").write_bytes(b"precious")
    with pytest.raises(UsageError, match="not written by timeline"):
        build(project, other)
    assert (other / "thesis.pdf").read_bytes() == b"precious"


def test_replaces_an_empty_folder_and_its_own_output(make_project: MakeProject,
                                                     tmp_path: Path) -> None:
    project = make_project({"content/e.md": event()})
    empty = tmp_path / "empty"
    empty.mkdir()
    build(project, empty)
    build(project, empty)
    assert (empty / "events.json").is_file()


def test_stale_pages_are_removed(make_project: MakeProject) -> None:
    project = make_project({"content/a.md": event("A"), "content/b.md": event("B")})
    build(project)
    (project / "content" / "b.md").unlink()
    build(project)
    assert not (project / "site" / "events" / "b").exists()


def test_static_and_content_files_are_copied(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(), "content/img/map.png": b"PNG",
                            "content/.env": "SECRET=1", "content/_notes/todo.txt": "private",
                            "content/img/.map.png.swp": "x",
                            "static/CNAME": "example.org\n", "static/.nojekyll": ""})
    build(project)
    site = project / "site"
    assert (site / "img" / "map.png").read_bytes() == b"PNG"
    assert (site / "CNAME").is_file() and (site / ".nojekyll").is_file()
    assert not (site / "sources.yaml").exists() and not (site / "e.md").exists()
    for private in (".env", "_notes/todo.txt", "img/.map.png.swp"):
        assert not (site / private).exists()


def test_rebuilds_are_byte_identical_across_seeds_zones_locales_and_file_order(
        tmp_path: Path) -> None:
    digests = []
    for index, (seed, tz, lang, order) in enumerate([
            ("0", "UTC", "C", sorted), ("123", "Asia/Tokyo", "C.UTF-8", reversed),
            ("999", "America/New_York", "en_US.UTF-8", sorted)]):
        project = tmp_path / f"p{index}"
        (project / "content").mkdir(parents=True)
        shutil.copy(REPO / "timeline.toml", project)
        files = list(order(sorted(p for p in (REPO / "content").rglob("*") if p.is_file())))
        for path in files:  # creation order differs between copies
            target = project / "content" / path.relative_to(REPO / "content")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz, "LANG": lang, "LC_ALL": lang}
        result = run("build", project, env=env)
        assert result.returncode == 0, result.stderr
        digests.append({name: sha for name, sha in tree_digest(project / "site").items()
                        if name != MANIFEST})  # it records each file's mtime and inode
    assert digests[0] == digests[1] == digests[2]


def test_malformed_source_date_epoch_is_a_clear_error(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    result = run("build", project, env={**os.environ, "SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr and "Traceback" not in result.stderr


def test_a_copy_of_a_source_is_published_and_linked(make_project: MakeProject) -> None:
    project = make_project({
        "content/e.md": event(body="Says so [@letter, p. 2]."),
        "content/documents/letter.pdf": b"%PDF-1.4",
    }, sources="letter:\n  title: A letter\n  file: documents/letter.pdf\n")
    result = build(project)
    site = project / "site"
    assert (site / "documents" / "letter.pdf").read_bytes() == b"%PDF-1.4"
    page = (site / "events" / "e" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../documents/letter.pdf"' in page
    item = json.loads((site / "events.json").read_text())[0]
    assert item["sources"][0]["file"] == "documents/letter.pdf"
    assert result.timeline.events[0].notes[0].source.file == "documents/letter.pdf"


def test_the_example_ships_the_article_it_cites(example_site: Path) -> None:
    copy = (example_site / "documents" / "article-2023-01-05.txt").read_text(encoding="utf-8")
    assert copy.startswith(" date 2023-01-05 Russia has attempted to blame")
    assert "Dmitry Azarov deflected criticism" in copy
    page = (example_site / "events" / "makiivka-strike" / "index.html").read_text()
    assert 'href="../../documents/article-2023-01-05.txt"' in page


def test_a_copied_file_may_not_overwrite_a_page(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(), "static/tags/index.html": "mine",
                            "timeline.toml": "allow_active_files = true\n"})
    with pytest.raises(UsageError, match="would overwrite a page: tags/index.html"):
        build(project)


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_a_missing_project_folder_is_a_usage_error(command: str, tmp_path: Path) -> None:
    result = run(command, tmp_path / "nope")
    assert result.returncode == 2
    assert f"error: no project folder at {tmp_path / 'nope'}" in result.stderr
    assert "Traceback" not in result.stderr
