"""Incremental builds: which pages each kind of edit renders again, and that the site is
then byte-identical to a clean build."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_validation import write_split_project

from timeline.build import BuildResult, build
from timeline.site.writer import MANIFEST

SOURCES = "a:\n  title: Source A\nb:\n  title: Source B\n"
ERAS = '- label: Quiet years\n  start: "2010"\n  end: "2011"\n'  # no event falls in it
OLD = time.time() - 3600  # older than the cache's racy window


def event(title: str, date: str, tags: str = "x", body: str = "Text [@a].") -> str:
    return f'---\ntitle: "{title}"\ndate: "{date}"\ntags: [{tags}]\n---\n{body}\n'


def make(root: Path) -> Path:
    """Write a project of six events over three years, all files aged."""
    content = root / "content"
    content.mkdir(parents=True)
    (content / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (content / "eras.yaml").write_text(ERAS, encoding="utf-8")
    for index, (year, tags) in enumerate([(2001, "x"), (2001, "y"), (2002, "x"),
                                          (2002, "y"), (2003, "x"), (2003, "z")]):
        (content / f"e{index}.md").write_text(event(f"Event {index}", f"{year}-0{index + 1}-01",
                                                    tags), encoding="utf-8")
    age(root)
    return root


def age(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        if ".timeline-cache" not in path.parts and "site" not in path.parts:
            os.utime(path, (OLD, OLD), follow_symlinks=False)


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}


def clean(project: Path, tmp_path: Path) -> dict[str, str]:
    """Return the digest of a clean build of a copy of project, without the cache."""
    copy = tmp_path / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".timeline-cache", "site"))
    build(copy, copy / "site", cache=False)
    return digest(copy / "site")


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


# Listings (index, year, tag and source pages, the source list, an event's neighbours)
# show an event's entry: title, date, summary, tags, location and the ids of its sources
# (for the filter); a filter's source menu shows the titles of the sources cited there.
ENTRY_OF_E2 = {"events/e1/index.html", "events/e2/index.html", "events/e3/index.html",
               "years/2002/index.html", "tags/x/index.html", "sources/a/index.html",
               "sources/index.html", "index.html"}
EDITS: dict[str, tuple[Callable[[Path], None], set[str]]] = {
    "body": (lambda c: edit(c / "e2.md", "Text", "New text"), ENTRY_OF_E2),
    "body, not the summary": (
        lambda c: edit(c / "e2.md", "Text [@a].", "Text [@a].\n\nA second paragraph."),
        {"events/e2/index.html"}),
    "title": (lambda c: edit(c / "e2.md", "Event 2", "Event two"), ENTRY_OF_E2),
    "date to another year": (  # e2 moves between e5 and the end; e4 keeps its neighbours
        lambda c: edit(c / "e2.md", "2002-03-01", "2003-12-01"),
        ENTRY_OF_E2 | {"events/e5/index.html", "years/2003/index.html"}),
    "tag added": (lambda c: edit(c / "e2.md", "tags: [x]", "tags: [x, y]"),
                  ENTRY_OF_E2 | {"tags/y/index.html", "tags/index.html"}),
    "source edited": (lambda c: edit(c / "sources.yaml", "Source B", "Source Bee"),
                      {"sources/b/index.html", "sources/index.html"}),
    "identifier of a source added": (
        lambda c: edit(c / "sources.yaml", "Source B", "Source B\n  isbn: 9780306406157"),
        {"sources/b/index.html", "sources/index.html"}),
    # the source notes of the events citing it show it; listings show only titles (the
    # edit keeps b on its line: a source's line is among its page's inputs)
    "identifier of a cited source edited": (
        lambda c: edit(c / "sources.yaml", "a:\n  title: Source A\n",
                       "a: {title: Source A,\n  doi: 'doi:10.1000/182'}\n"),
        {"sources/a/index.html", "sources/index.html",
         *(f"events/e{n}/index.html" for n in range(6))}),
    "cited source replaced by another": (  # as many sources as before, not the same
        lambda c: edit(c / "e2.md", "Text [@a].", "Text [@b]."),
        ENTRY_OF_E2 | {"sources/b/index.html"}),
    "title of a cited source edited": (
        lambda c: edit(c / "sources.yaml", "Source A", "Source Aye"),
        {"sources/a/index.html", "sources/index.html", "index.html",
         *(f"years/{year}/index.html" for year in (2001, 2002, 2003)),
         *(f"tags/{tag}/index.html" for tag in "xyz"),
         *(f"events/e{n}/index.html" for n in range(6))}),
    # the index shows every era; an era's badge shows on the entries of e2 and e3
    "era renamed": (lambda c: edit(c / "eras.yaml", "Quiet years", "Calm years"),
                    {"index.html"}),
    "era moved onto events": (
        lambda c: edit(c / "eras.yaml", 'start: "2010"\n  end: "2011"',
                       'start: "2002-03"\n  end: "2002-04"'),
        {"index.html", "years/2002/index.html", "tags/x/index.html", "tags/y/index.html",
         "sources/a/index.html", "sources/index.html", "events/e1/index.html",
         "events/e2/index.html", "events/e3/index.html", "events/e4/index.html"}),
}


def rendered(result: BuildResult) -> set[str]:
    return set(result.rendered)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_renders_only_the_pages_that_depend_on_it(tmp_path: Path, name: str) -> None:
    project = make(tmp_path / "p")
    build(project)
    change, expected = EDITS[name]
    change(project / "content")
    result = build(project)
    assert result.rendered, "the edit must render something"
    assert rendered(result) == expected
    # the events citing an edited source are read again (its title is in their pages)
    assert result.parsed == {"source edited": 0, "title of a cited source edited": 6,
                             "identifier of a source added": 0,
                             "identifier of a cited source edited": 6}.get(
        name, 0 if name.startswith("era") else 1)
    assert digest(project / "site") == clean(project, tmp_path)


def test_an_edited_note_renders_the_notes_page_and_an_unrelated_body_does_not(
        tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    content = project / "content"
    build(project)
    edit(content / "e1.md", "tags: [y]", "tags: [y]\nnote: The date is doubtful.")
    every = set(build(project).rendered)  # the first note: every page links to the notes page
    assert "notes/index.html" in every and "tags/index.html" in every
    edit(content / "e1.md", "doubtful", "uncertain")
    assert rendered(build(project)) == {"events/e1/index.html", "notes/index.html"}
    edit(content / "e3.md", "Text [@a].", "Text [@a].\n\n> [!NOTE]\n> A callout.")
    assert rendered(build(project)) == {"events/e3/index.html", "notes/index.html"}
    edit(content / "e4.md", "Text [@a].", "Text [@a].\n\nA second paragraph.")
    assert rendered(build(project)) == {"events/e4/index.html"}
    assert digest(project / "site") == clean(project, tmp_path)
    assert b"A callout." in (project / "site" / "notes" / "index.html").read_bytes()


def test_nothing_changed_does_nothing_and_keeps_every_file(tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    first = build(project)
    assert not first.unchanged and first.parsed == 6
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns)
              for p in (project / "site").rglob("*") if p.is_file() and p.name != MANIFEST}
    again = build(project)
    assert again.unchanged and again.rendered == () and again.parsed == 0
    assert len(again.timeline.events) == 6  # loaded when asked for
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns)
             for p in (project / "site").rglob("*") if p.is_file() and p.name != MANIFEST}
    assert after == before


def test_nothing_changed_right_after_an_edit_is_still_nothing(tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    build(project)
    edit(project / "content" / "e0.md", "Text", "Fresh text")  # a racy file: just written
    assert not build(project).unchanged
    again = build(project)  # its stat cannot be trusted yet, but its content is the same
    assert again.unchanged and again.rendered == () and again.parsed == 0


def test_a_racy_file_changed_without_a_new_stat_is_still_seen(tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    build(project)
    path = project / "content" / "e0.md"
    edit(path, "Text", "Fresh text")
    build(project)
    before = path.stat()
    edit(path, "Fresh text", "Other text")  # the same size, put back to the same stat
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    result = build(project)
    assert not result.unchanged and "events/e0/index.html" in rendered(result)
    assert b"Other text" in (project / "site" / "events" / "e0" / "index.html").read_bytes()


def test_unchanged_pages_keep_their_inode_and_mtime_and_a_changed_page_is_new(
        tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    build(project)
    site = project / "site"
    kept, changed = site / "events" / "e5" / "index.html", site / "events" / "e0" / "index.html"
    old_kept, old_changed = kept.stat(), changed.read_bytes()
    edit(project / "content" / "e0.md", "Text", "Brand new text")
    result = build(project)
    assert "events/e5/index.html" not in rendered(result)
    assert (kept.stat().st_ino, kept.stat().st_mtime_ns) == (old_kept.st_ino,
                                                             old_kept.st_mtime_ns)
    assert changed.read_bytes() != old_changed and b"Brand new text" in changed.read_bytes()


def test_deleting_renaming_and_editing_templates_match_a_clean_build(tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    build(project)
    (project / "content" / "e3.md").unlink()
    result = build(project)
    assert "events/e3/index.html" not in result.rendered and result.parsed == 0
    assert digest(project / "site") == clean(project, tmp_path)
    assert not (project / "site" / "events" / "e3").exists()
    (project / "content" / "e4.md").rename(project / "content" / "renamed.md")
    result = build(project)
    assert result.parsed == 1
    assert digest(project / "site") == clean(project, tmp_path)
    (project / "templates").mkdir()
    shutil.copy(Path(__file__).parent.parent / "templates" / "tag.html",
                project / "templates" / "tag.html")
    edit(project / "templates" / "tag.html", "{% block main %}", "{% block main %}<p>T</p>")
    result = build(project)
    assert result.rendered and all(d.startswith("tags/") and d != "tags/index.html"
                                   for d in result.rendered), result.rendered
    assert digest(project / "site") == clean(project, tmp_path)


def make_static(root: Path) -> Path:
    """Write the project of make() with 40 static files, which edits of events leave as
    they are, so that the site is patched in place."""
    project = make(root)
    (project / "static").mkdir()
    for index in range(40):
        (project / "static" / f"s{index}.txt").write_text(f"static {index}")
    age(project)
    return project


def test_a_deleted_event_takes_its_folder_away_in_place(tmp_path: Path) -> None:
    project = make_static(tmp_path / "p")
    build(project)
    site = project / "site"
    root, kept = site.stat().st_ino, (site / "s0.txt").stat()
    (project / "content" / "e3.md").unlink()
    build(project)
    assert site.stat().st_ino == root  # patched in place
    assert (site / "s0.txt").stat().st_ino == kept.st_ino
    assert (site / "s0.txt").stat().st_mtime_ns == kept.st_mtime_ns
    assert not (site / "events" / "e3").exists()
    assert digest(site) == clean(project, tmp_path)


def test_a_renamed_tag_takes_its_folder_away(tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    build(project)
    edit(project / "content" / "e5.md", "tags: [z]", "tags: [w]")
    build(project)
    assert not (project / "site" / "tags" / "z").exists()
    assert digest(project / "site") == clean(project, tmp_path)


class Killed(BaseException):
    """The build was killed here: nothing of it runs any more."""


def test_a_build_killed_while_patching_the_site_is_repaired_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_static(tmp_path / "p")
    build(project)
    edit(project / "content" / "e2.md", "Text", "New text")
    (project / "content" / "e3.md").unlink()
    (project / "content" / "e6.md").write_text(event("Event 6", "2003-12-01", "x"),
                                               encoding="utf-8")
    real_replace = os.replace
    renamed = []

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(src).parent.name.startswith(".site-new-") and Path(src).name != "manifest":
            if len(renamed) == 3:
                raise Killed
            renamed.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr("timeline.site.writer._discard", lambda guard, staging: None)
    with pytest.raises(Killed):
        build(project)
    monkeypatch.undo()
    assert len(renamed) == 3
    assert any(p.name.startswith(".site-new-") for p in project.iterdir())
    result = build(project)
    assert not any(p.name.startswith(".site-new-") for p in project.iterdir())
    assert digest(project / "site") == clean(project, tmp_path)
    assert not (project / "site" / "events" / "e3").exists()
    assert "events/e0/index.html" not in result.rendered  # untouched, still trusted


def test_deleting_the_cache_or_no_cache_gives_the_same_site(tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    build(project)
    shutil.rmtree(project / ".timeline-cache")
    edit(project / "content" / "e1.md", "Text", "Other text")
    result = build(project)
    assert result.parsed == 6
    assert digest(project / "site") == clean(project, tmp_path)
    assert not build(project, cache=False).unchanged


def test_options_invalidate(tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    build(project)
    result = build(project, base_url="https://example.org/")
    assert not result.unchanged and len(result.rendered) > 10
    assert (project / "site" / "feed.xml").is_file()
    result = build(project, environ={"SOURCE_DATE_EPOCH": "1000"})
    assert not result.unchanged and not (project / "site" / "feed.xml").exists()


def _big(root: Path, count: int) -> Path:
    """Write a project of count events, large enough that a build takes a while."""
    content = root / "content"
    content.mkdir(parents=True)
    (content / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    body = "A paragraph of reporting about what happened [@a].\n\n" * 20
    for index in range(count):
        (content / f"e{index:04d}.md").write_text(
            event(f"Event {index}", f"{2000 + index % 20}-01-01", f"t{index % 7}", body),
            encoding="utf-8")
    age(root)
    return root


def _timeline(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "timeline", *map(str, args)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _writing(project: Path) -> bool:
    return any(p.name.startswith(".site-new-") for p in project.iterdir())


@pytest.mark.parametrize("when", ["loading", "writing"])
def test_a_build_killed_midway_leaves_a_cache_the_next_build_can_trust(
        tmp_path: Path, when: str) -> None:
    project = _big(tmp_path / "p", 600)
    assert build(project, project / "site").files > 600
    for index in range(600):  # edit every event, so that the next build has work to do
        edit(project / "content" / f"e{index:04d}.md", "Text", "Changed")
        edit(project / "content" / f"e{index:04d}.md", "reporting", "changed reporting")
    age(project)
    process = _timeline("build", project, "--jobs", "1")
    deadline = time.monotonic() + 60
    if when == "loading":
        time.sleep(0.8)  # started, the cache open, events being parsed
    else:
        while not _writing(project) and time.monotonic() < deadline:
            time.sleep(0.005)
    assert process.poll() is None, "the build ended before it could be killed"
    process.kill()
    process.wait(30)
    assert process.returncode == -signal.SIGKILL
    build(project, project / "site")
    assert digest(project / "site") == clean(project, tmp_path)


def test_two_builds_at_once_both_finish_and_the_site_is_right(tmp_path: Path) -> None:
    project = _big(tmp_path / "p", 300)
    build(project, project / "site")
    edit(project / "content" / "e0000.md", "Event 0", "Event zero")
    age(project)
    first, second = _timeline("build", project), _timeline("build", project)
    for process in (first, second):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    assert digest(project / "site") == clean(project, tmp_path)
    assert "Event zero" in (project / "site" / "events" / "e0000" / "index.html").read_text(
        encoding="utf-8")


def test_in_a_site_cut_into_pages_an_edit_renders_only_the_pages_showing_the_event(
        tmp_path: Path) -> None:
    project = write_split_project(tmp_path / "p")
    age(project)
    build(project)
    edit(project / "content" / "e100.md", "Text", "New text")  # 2020-05-21, in its summary
    result = build(project)
    slugs = [e.slug for e in result.timeline.events]
    at = slugs.index("e100")
    neighbours = {f"events/{slugs[at - 1]}/index.html", f"events/{slugs[at + 1]}/index.html"}
    assert rendered(result) == neighbours | {
        "events/e100/index.html", "years/2020/05/index.html", "tags/all/2020/index.html",
        "sources/common/2020/index.html", "sources/s100/index.html"}
    assert digest(project / "site") == clean(project, tmp_path)


EXPORTS = ("events.json", "timeline.json", "events.csv", "feed.xml", "sitemap.xml",
           "calendar.ics")


def make_with_feed(root: Path) -> Path:
    """Write the six events with a base_url (so a feed and a sitemap), one citing source b,
    one cross-referencing e2 and one BC (its feed entry takes the feed's updated)."""
    make(root)
    (root / "timeline.toml").write_text('base_url = "https://example.org/"\n', encoding="utf-8")
    edit(root / "content" / "e5.md", "[@a]", "[@b]")
    edit(root / "content" / "e4.md", "Text", "After [[e2]], text")
    (root / "content" / "bc.md").write_text(event("Ides", "-0043-03-15"), encoding="utf-8")
    age(root)
    return root


def exports(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in EXPORTS}


# edit, build options, how many entries of the exports it makes again (None: not counted):
# events.json, timeline.json, events.csv, feed.xml and calendar.ics make one each (the BC
# event has no VEVENT: a calendar cannot place it); the search index counts apart
EXPORT_EDITS: dict[str, tuple[Callable[[Path], None], dict[str, object], int | None]] = {
    "body": (lambda p: edit(p / "content" / "e2.md", "Text", "New text"), {}, 5),
    # e4 shows e2's title where it cross-references it
    "title": (lambda p: edit(p / "content" / "e2.md", "Event 2", "Event two"), {}, 10),
    # the newest date moves, and with it the feed's updated, which the BC entry shows
    "date": (lambda p: edit(p / "content" / "e2.md", "2002-03-01", "2004-12-01"), {}, 5 + 1 + 1),
    "tags": (lambda p: edit(p / "content" / "e2.md", "tags: [x]", "tags: [x, y]"), {}, 5),
    "deletion": (lambda p: (p / "content" / "e3.md").unlink(), {}, 0),
    # the same text under another name: another slug, and one more page in the sitemap
    "copy": (lambda p: shutil.copy(p / "content" / "e2.md", p / "content" / "e2b.md"), {}, 5 + 1),
    "source edited": (lambda p: edit(p / "content" / "sources.yaml", "Source B", "Source Bee"),
                      {}, 5),
    "identifier of a source edited": (
        lambda p: edit(p / "content" / "sources.yaml", "Source B",
                       "Source B\n  isbn: 0-8044-2957-X\n  archive_id: MS 1"), {}, 5),
    "base_url changed": (lambda p: None, {"base_url": "https://example.com/x/"}, None),
    "SOURCE_DATE_EPOCH changed": (lambda p: None,
                                  {"environ": {"SOURCE_DATE_EPOCH": "1700000000"}}, None),
}


@pytest.mark.parametrize("name", sorted(EXPORT_EDITS))
def test_exports_from_cached_entries_are_those_of_a_build_without_cache(
        tmp_path: Path, name: str) -> None:
    project = make_with_feed(tmp_path / "p")
    build(project, environ={})
    change, options, expected = EXPORT_EDITS[name]
    change(project)
    result = build(project, **options)  # type: ignore[arg-type]
    copy = tmp_path / "clean"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".timeline-cache", "site"))
    build(copy, copy / "site", cache=False, **options)  # type: ignore[arg-type]
    assert exports(project / "site") == exports(copy / "site")
    if expected is not None:
        assert result.serialised == expected
    else:
        assert result.serialised > 0


def test_an_edit_makes_one_entry_per_export_and_keeps_the_sitemap(tmp_path: Path) -> None:
    project = make_with_feed(tmp_path / "p")
    first = build(project)
    # the sitemap lists all but 404; calendar.ics all but the BC event
    assert first.serialised == 4 * 7 + 6 + len(first.rendered) - 1
    sitemap = project / "site" / "sitemap.xml"
    before = sitemap.stat()
    edit(project / "content" / "e0.md", "Text", "Edited text")
    result = build(project)
    assert result.serialised == 5
    assert (sitemap.stat().st_ino, sitemap.stat().st_mtime_ns) == (before.st_ino,
                                                                   before.st_mtime_ns)
    assert b"Edited text" in (project / "site" / "feed.xml").read_bytes()
    # the kept sitemap's entries stay cached: a new page makes only its own
    (project / "content" / "new.md").write_text(event("New", "2003-05-15"), encoding="utf-8")
    assert build(project).serialised == 5 + 1


def test_a_template_edit_keeps_every_export_file(tmp_path: Path) -> None:
    project = make_with_feed(tmp_path / "p")
    build(project)
    site = project / "site"
    before = {name: (site / name).stat() for name in EXPORTS}
    (project / "templates").mkdir()
    shutil.copy(Path(__file__).parent.parent / "templates" / "tag.html",
                project / "templates" / "tag.html")
    edit(project / "templates" / "tag.html", "{% block main %}", "{% block main %}<p>T</p>")
    result = build(project)
    assert result.rendered and result.serialised == 0
    after = {name: (site / name).stat() for name in EXPORTS}
    assert {n: (s.st_ino, s.st_mtime_ns) for n, s in after.items()} == \
        {n: (s.st_ino, s.st_mtime_ns) for n, s in before.items()}


def test_a_deleted_cache_or_missing_entries_make_the_entries_again(tmp_path: Path) -> None:
    project = make_with_feed(tmp_path / "p")
    first = build(project)
    shutil.rmtree(project / ".timeline-cache")
    edit(project / "content" / "e1.md", "Text", "Other text")
    result = build(project)
    assert result.serialised == first.serialised
    copy = tmp_path / "clean"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".timeline-cache", "site"))
    build(copy, copy / "site", cache=False)
    assert exports(project / "site") == exports(copy / "site")
    with sqlite3.connect(project / ".timeline-cache" / "cache.sqlite") as db:
        db.execute("DELETE FROM fragments")  # the events are still cached
    db.close()
    edit(project / "content" / "e1.md", "Other text", "Text")
    result = build(project)
    assert result.parsed == 1 and result.serialised == 4 * 7 + 6  # the sitemap is kept
    build(copy, copy / "site", cache=False)
    edit(copy / "content" / "e1.md", "Other text", "Text")
    build(copy, copy / "site", cache=False)
    assert exports(project / "site") == exports(copy / "site")


def test_an_index_with_nothing_to_filter_still_renders_an_edited_title(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    for n in range(2):  # one year, no tags, no sources: the index offers no filter
        (project / "content" / f"e{n}.md").write_text(
            f'---\ntitle: "Event {n}"\ndate: "2001-0{n + 1}-01"\n---\nText.\n', encoding="utf-8")
    age(project)
    build(project)
    assert "data-filter" not in (project / "site" / "index.html").read_text(encoding="utf-8")
    edit(project / "content" / "e1.md", "Event 1", "Event one")
    assert "index.html" in rendered(build(project))
    assert digest(project / "site") == clean(project, tmp_path)


CLAIM = ("claims:\n  - label: Killed\n    accounts:\n"
         "      - {value: \"63\", by: A, source: \"a, p. 1\", as_of: \"2002-03-02\"}\n"
         "      - {value: \"89\", by: A, source: \"b, p. 2\", as_of: \"2002-03-05\"}\n")


def make_with_claims(root: Path) -> Path:
    """Write the six-event project with a claim on e2, citing sources a and b."""
    make(root)
    edit(root / "content" / "e2.md", "tags: [x]\n", f"tags: [x]\n{CLAIM}")
    age(root)
    return root


# e2's claim cites b, so e2 is in b's listing; the claims page and each source page show
# the accounts citing it (an account's edit leaves the other source's page as it was)
CLAIM_PAGES = {"events/e2/index.html", "claims/index.html", "sources/a/index.html",
               "sources/b/index.html"}
CLAIM_EDITS: dict[str, tuple[Callable[[Path], None], set[str]]] = {
    "claim value": (lambda c: edit(c / "e2.md", '"89"', '"90"'),
                    CLAIM_PAGES - {"sources/a/index.html"}),
    "claim value, no longer disputed": (lambda c: edit(c / "e2.md", '"89"', '"63"'),
                                        CLAIM_PAGES),
    "claim as_of": (lambda c: edit(c / "e2.md", "2002-03-05", "2002-03-01"),
                    CLAIM_PAGES - {"sources/a/index.html"}),
    "claim label": (lambda c: edit(c / "e2.md", "Killed", "Dead"), CLAIM_PAGES),
    "title of the claim's event": (lambda c: edit(c / "e2.md", "Event 2", "Event two"),
                                   ENTRY_OF_E2 | CLAIM_PAGES),
    "body of the claim's event, not its claims": (
        lambda c: edit(c / "e2.md", "Text [@a].", "Text [@a].\n\nA second paragraph."),
        {"events/e2/index.html"}),
    "body of another event": (lambda c: edit(c / "e4.md", "Text", "New text"),
                              {"events/e3/index.html", "events/e4/index.html",
                               "events/e5/index.html", "years/2003/index.html",
                               "tags/x/index.html", "sources/a/index.html",
                               "sources/index.html", "index.html"}),
}


@pytest.mark.parametrize("name", sorted(CLAIM_EDITS))
def test_a_claim_edit_renders_its_event_the_claims_page_and_its_sources(
        tmp_path: Path, name: str) -> None:
    project = make_with_claims(tmp_path / "p")
    build(project)
    change, expected = CLAIM_EDITS[name]
    change(project / "content")
    result = build(project)
    assert rendered(result) == expected
    assert digest(project / "site") == clean(project, tmp_path)


def test_the_first_claim_adds_the_claims_page_and_its_link_to_every_page(
        tmp_path: Path) -> None:
    project = make(tmp_path / "p")
    first = build(project)
    edit(project / "content" / "e2.md", "tags: [x]\n", f"tags: [x]\n{CLAIM}")
    result = build(project)
    assert rendered(result) == set(first.rendered) | {"claims/index.html"}
    assert digest(project / "site") == clean(project, tmp_path)
    edit(project / "content" / "e2.md", CLAIM, "")
    result = build(project)
    assert rendered(result) == set(first.rendered)
    assert not (project / "site" / "claims").exists()
    assert digest(project / "site") == clean(project, tmp_path)


def test_a_claim_edit_makes_the_event_s_export_entries_again(tmp_path: Path) -> None:
    project = make_with_claims(tmp_path / "p")
    build(project, environ={})
    edit(project / "content" / "e2.md", '"89"', '"90"')
    result = build(project, environ={})
    assert result.serialised == 4  # events.json, timeline.json, events.csv, calendar.ics
    data = (project / "site" / "events.json").read_text(encoding="utf-8")
    assert '"value": "90"' in data and '"value": "89"' not in data
    assert "<td>90</td>" in (project / "site" / "timeline.json").read_text(encoding="utf-8")
