"""The output folder: owned through a manifest, swapped atomically, never losing a user's file."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import REPO, MakeProject, event

from timeline.build import build
from timeline.errors import UsageError
from timeline.site import patch, writer
from timeline.site.writer import (
    LEGACY_MARKER,
    MANIFEST,
    Content,
    Interrupted,
    Kept,
    StaleSite,
    write_site,
)

SITE = {"index.html": b"<h1>Home</h1>", "events/a/index.html": b"A", "events.json": b"[]"}


def digest(folder: Path) -> dict[str, str]:
    """Return a digest of every file and link under folder, dot-entries included."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel] = "dir"
    return found


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if "-new-" in p.name or "-old-" in p.name)


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "timeline", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore


# -- the manifest ---------------------------------------------------------------------------


def test_the_manifest_lists_every_file_written(tmp_path: Path) -> None:
    write_site(tmp_path / "site", SITE)
    manifest = json.loads((tmp_path / "site" / MANIFEST).read_text(encoding="utf-8"))
    stats = manifest.pop("stat")
    hashes = manifest.pop("sha256")
    assert manifest == {"generator": "timeline", "format": 1, "files": sorted(SITE)}
    assert sorted(hashes) == sorted(stats) == sorted(SITE)
    for dest, sha in hashes.items():
        written = tmp_path / "site" / dest
        assert hashlib.sha256(written.read_bytes()).hexdigest() == sha
        st = written.stat()
        assert stats[dest] == [st.st_size, st.st_mtime_ns, st.st_ino]
    assert not (tmp_path / "site" / LEGACY_MARKER).exists()


def test_files_the_build_wrote_are_replaced_and_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {**SITE, "events/b/index.html": b"B", ".nojekyll": b""})
    write_site(out, SITE)
    assert digest(out).keys() == {MANIFEST, "index.html", "events", "events/a",
                                  "events/a/index.html", "events.json"}


def test_a_file_the_user_added_is_named_and_the_build_refuses(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, SITE)
    (out / "notes.txt").write_text("mine")
    (out / "events" / "a" / "draft.md").write_text("mine too")
    (out / "empty").mkdir()
    before = digest(out)
    with pytest.raises(UsageError) as caught:
        write_site(out, SITE)
    assert str(caught.value) == (
        f"refusing to replace {out}: it holds files not written by timeline: empty/, "
        "events/a/draft.md, notes.txt; move them out or choose another folder with -o")
    assert digest(out) == before and leftovers(tmp_path) == []


def test_a_long_list_of_foreign_files_is_cut_short(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, SITE)
    for index in range(13):
        (out / f"mine{index:02}.txt").write_text("x")
    with pytest.raises(UsageError) as caught:
        write_site(out, SITE)
    shown = ", ".join(f"mine{index:02}.txt" for index in range(10))
    assert str(caught.value) == (
        f"refusing to replace {out}: it holds files not written by timeline: {shown} and 3 "
        "more; move them out or choose another folder with -o")


def test_the_cli_refuses_with_exit_2_before_building(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    assert run("build", project).returncode == 0
    (project / "site" / "thesis.pdf").write_bytes(b"precious")
    result = run("build", project)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: refusing to replace {project / 'site'}: it holds files not written by "
        "timeline: thesis.pdf; move them out or choose another folder with -o\n")
    assert (project / "site" / "thesis.pdf").read_bytes() == b"precious"


def test_an_unreadable_manifest_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, SITE)
    (out / MANIFEST).write_text("{not json")
    with pytest.raises(UsageError) as caught:
        write_site(out, SITE)
    assert str(caught.value) == (
        f"refusing to replace {out}: its {MANIFEST} cannot be read; delete the folder "
        "yourself or choose another with -o")


def test_a_site_of_an_older_version_is_taken_over(tmp_path: Path) -> None:
    """The old marker meant: everything here but the dot-entries was written by timeline."""
    out = tmp_path / "site"
    for name, text in {LEGACY_MARKER: "old", "index.html": "old", "events/x/index.html": "x",
                       ".git/HEAD": "ref: refs/heads/gh-pages\n"}.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    write_site(out, SITE)
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert not (out / LEGACY_MARKER).exists() and not (out / "events" / "x").exists()
    assert (out / "index.html").read_bytes() == SITE["index.html"]


# -- dot-entries at the root are the user's ---------------------------------------------------


def test_a_git_worktree_in_the_site_survives_many_builds(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    site = project / "site"
    build(project)
    git("init", "-q", "-b", "gh-pages", cwd=site)
    git("add", "-A", cwd=site)
    git("commit", "-q", "-m", "publish", cwd=site)
    (site / ".well-known").mkdir()
    (site / ".well-known" / "security.txt").write_text("Contact: mailto:me@example.org\n")
    kept = {k: v for k, v in digest(site).items() if k.startswith((".git", ".well-known"))}
    for index in range(4):
        (project / "content" / f"e{index}.md").write_text(event(f"Event {index}"))
        build(project)
        assert {k: v for k, v in digest(site).items()
                if k.startswith((".git", ".well-known"))} == kept
        assert (site / "events" / f"e{index}" / "index.html").is_file()
    assert "events/e3/index.html" in git("status", "--porcelain", "-uall", cwd=site)
    assert leftovers(project) == []


def test_a_fresh_worktree_holding_only_git_is_accepted(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / ".git").write_text("gitdir: /elsewhere/.git/worktrees/site\n")
    write_site(out, SITE)
    assert (out / ".git").read_text() == "gitdir: /elsewhere/.git/worktrees/site\n"
    assert (out / "index.html").is_file()


def test_a_dot_file_the_build_writes_takes_over_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / ".nojekyll").write_bytes(b"")
    write_site(out, {**SITE, ".nojekyll": b""})
    assert MANIFEST in digest(out) and ".nojekyll" in json.loads(
        (out / MANIFEST).read_text())["files"]


def test_a_dot_entry_the_build_writes_differently_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, SITE)
    (out / ".well-known").mkdir()
    (out / ".well-known" / "security.txt").write_text("mine")
    before = digest(out)
    with pytest.raises(UsageError) as caught:
        write_site(out, {**SITE, ".well-known/security.txt": b"static's"})
    assert str(caught.value) == (
        f"refusing to replace {out}: it holds files not written by timeline: "
        ".well-known/security.txt; move them out or choose another folder with -o")
    assert digest(out) == before


def site_with_git(tmp_path: Path) -> Path:
    """Write a site, and a user's .git folder in it, as a gh-pages worktree has."""
    out = tmp_path / "site"
    write_site(out, SITE)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return out


def test_a_failed_swap_puts_the_carried_entries_back(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = site_with_git(tmp_path)
    before = digest(out)
    real_rename = os.rename

    def failing_rename(src: str | Path, dst: str | Path) -> None:
        if Path(src).name.startswith(".site-new-") and Path(dst) == out:
            raise OSError(5, "Input/output error")
        real_rename(src, dst)

    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(OSError, match="Input/output error"):
        write_site(out, {"index.html": b"new"})
    monkeypatch.undo()
    assert digest(out) == before and leftovers(tmp_path) == []


def test_a_failed_exchange_puts_the_carried_entries_back(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = site_with_git(tmp_path)
    before = digest(out)

    def broken(a: Path, b: Path) -> bool:
        raise OSError(16, "Device or resource busy")

    monkeypatch.setattr(writer, "_exchange", broken)
    with pytest.raises(OSError, match="busy"):
        write_site(out, {"index.html": b"new"})
    assert digest(out) == before and leftovers(tmp_path) == []


def test_the_fallback_rename_pair_carries_git_over(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = site_with_git(tmp_path)
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    write_site(out, {"index.html": b"new"})
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert (out / "index.html").read_bytes() == b"new" and leftovers(tmp_path) == []


# -- patching in place -----------------------------------------------------------------------


BIG = {"index.html": b"<h1>Home</h1>", "events.json": b"[]", "tags/x": b"a file for now",
       **{f"events/e{i}/index.html": f"E{i}".encode() for i in range(10)}}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def incremental(old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, Content]:
    """Return new as an incremental build gives it: each file old has as it is is Kept."""
    return {dest: Kept(sha(data)) if old.get(dest) == data else data
            for dest, data in new.items()}


def clean_digest(tmp_path: Path, files: dict[str, bytes]) -> dict[str, str]:
    """Return the digest of files written as a new site, without its manifest."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    write_site(clean, files)
    return without_manifest(digest(clean))


def without_manifest(found: dict[str, str]) -> dict[str, str]:
    return {rel: value for rel, value in found.items() if rel != MANIFEST}


def identities(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.lstat().st_ino, p.lstat().st_mtime_ns)
            for p in folder.rglob("*") if p.name != MANIFEST}


def assert_manifest_vouches_for(out: Path, files: dict[str, bytes]) -> None:
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["files"] == sorted(files)
    assert manifest["sha256"] == {dest: sha(data) for dest, data in files.items()}
    for dest in files:
        st = (out / dest).lstat()
        assert manifest["stat"][dest] == [st.st_size, st.st_mtime_ns, st.st_ino]


def test_an_incremental_build_writes_only_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, BIG)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    root, before = out.stat().st_ino, identities(out)
    new = {**BIG, "events/e1/index.html": b"E1 edited", "events/e10/index.html": b"E10"}
    del new["events/e2/index.html"]
    write_site(out, incremental(BIG, new))
    after = identities(out)
    assert out.stat().st_ino == root  # patched in place, not swapped
    untouched = set(BIG) - {"events/e1/index.html", "events/e2/index.html"}
    assert {rel: after[rel] for rel in untouched} == {rel: before[rel] for rel in untouched}
    assert after[".git/HEAD"] == before[".git/HEAD"] and after[".git"] == before[".git"]
    assert after["events/e1/index.html"] != before["events/e1/index.html"]
    assert not (out / "events" / "e2").exists()
    assert without_manifest(digest(out)) == {
        **clean_digest(tmp_path, new), ".git": "dir",
        ".git/HEAD": sha(b"ref: refs/heads/gh-pages\n")}
    assert_manifest_vouches_for(out, new)
    assert leftovers(tmp_path) == []


def test_a_file_becomes_a_folder_and_a_folder_a_file(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, BIG)
    as_folder = {**BIG, "tags/x/index.html": b"a folder now"}
    del as_folder["tags/x"]
    as_file = {**BIG, "events/e3": b"a file now"}
    del as_file["events/e3/index.html"]
    for old, new in [(BIG, as_folder), (as_folder, BIG), (BIG, as_file), (as_file, BIG)]:
        root = out.stat().st_ino
        write_site(out, incremental(old, new))
        assert out.stat().st_ino == root
        assert without_manifest(digest(out)) == clean_digest(tmp_path, new)
        assert_manifest_vouches_for(out, new)
        assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("removed", "patched"), [(0, True), (1, False)])
def test_a_build_that_changes_most_files_swaps_the_site_in(tmp_path: Path, removed: int,
                                                            patched: bool) -> None:
    """PATCH_SHARE: of BIG's 13 files, six changed are at most half; six changed and one
    removed, of the 12 left, are more."""
    out = tmp_path / "site"
    write_site(out, BIG)
    root = out.stat().st_ino
    new = {dest: data + b"!" if i < 6 else data for i, (dest, data) in
           enumerate(sorted(BIG.items()))}
    for dest in sorted(new)[len(new) - removed:]:
        del new[dest]
    write_site(out, incremental(BIG, new))
    assert (out.stat().st_ino == root) is patched
    assert without_manifest(digest(out)) == clean_digest(tmp_path, new)
    assert_manifest_vouches_for(out, new)


def test_a_build_that_keeps_nothing_swaps_the_site_in(tmp_path: Path) -> None:
    """As with --no-cache: the unchanged files are linked into a new site, mtime and all."""
    out = tmp_path / "site"
    write_site(out, BIG)
    root, before = out.stat().st_ino, identities(out)
    write_site(out, {**BIG, "index.html": b"new"})
    assert out.stat().st_ino != root
    assert identities(out)["events/e0/index.html"] == before["events/e0/index.html"]


def test_a_manifest_naming_a_file_outside_is_not_trusted_to_remove_it(
        tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, BIG)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"].append("../precious.txt")
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "precious.txt").write_text("mine")
    root = out.stat().st_ino
    write_site(out, incremental(BIG, {**BIG, "index.html": b"new"}))
    assert (tmp_path / "precious.txt").read_text() == "mine"
    assert out.stat().st_ino != root  # replaced, not patched
    assert without_manifest(digest(out)) == clean_digest(tmp_path, {**BIG, "index.html": b"new"})


def test_a_kept_file_changed_since_the_build_began_is_stale(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, BIG)
    (out / "events" / "e0" / "index.html").write_bytes(b"changed meanwhile")
    before = digest(out)
    with pytest.raises(StaleSite) as caught:
        write_site(out, incremental(BIG, {**BIG, "index.html": b"new"}))
    assert str(caught.value) == f"events/e0/index.html changed in {out} since the build began"
    assert digest(out) == before and leftovers(tmp_path) == []


def test_a_foreign_file_is_refused_in_an_incremental_build(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, BIG)
    (out / "events" / "e0" / "notes.txt").write_text("mine")
    before = digest(out)
    with pytest.raises(UsageError) as caught:
        write_site(out, incremental(BIG, {**BIG, "index.html": b"new"}))
    assert str(caught.value) == (
        f"refusing to replace {out}: it holds files not written by timeline: "
        "events/e0/notes.txt; move them out or choose another folder with -o")
    assert digest(out) == before


def test_a_failure_while_staging_leaves_the_site_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, BIG)
    before = digest(out)
    files = incremental(BIG, {**BIG, "index.html": b"new"})
    files["events/e1/index.html"] = tmp_path / "vanished.txt"  # hashed, gone when copied
    (tmp_path / "vanished.txt").write_bytes(b"copied")
    real_stage = patch.stage

    def stage(staging: Path, *args: object) -> dict[str, Path]:
        (tmp_path / "vanished.txt").unlink()
        return real_stage(staging, *args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(patch, "stage", stage)
        with pytest.raises(FileNotFoundError):
            write_site(out, files)
    assert digest(out) == before and leftovers(tmp_path) == []


def test_a_failed_journal_leaves_the_site_as_it_was(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    write_site(out, BIG)
    before = digest(out)

    def full(src: str | Path, dst: str | Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space"):
        write_site(out, incremental(BIG, {**BIG, "index.html": b"new"}))
    monkeypatch.undo()
    assert digest(out) == before and leftovers(tmp_path) == []


def test_a_signal_while_staging_a_patch_keeps_the_site(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    write_site(out, BIG)
    before = digest(out)
    real_stage = patch.stage

    def stage(*args: object) -> dict[str, Path]:
        staged = real_stage(*args)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGTERM)
        return staged

    monkeypatch.setattr(patch, "stage", stage)
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        with pytest.raises(Interrupted):
            write_site(out, incremental(BIG, {**BIG, "index.html": b"new"}))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert digest(out) == before and leftovers(tmp_path) == []


class Killed(BaseException):
    """The build was killed here: nothing of it runs any more."""


def next_build(out: Path, new: dict[str, bytes]) -> dict[str, Content]:
    """Return new as build() gives it: Kept where the site's file is intact as it is."""
    intact = writer.intact_files(out)
    return {dest: Kept(sha(data)) if intact.get(dest) == sha(data) else data
            for dest, data in new.items()}


def killed_at(out: Path, files: dict[str, Content], kill_at: int) -> bool:
    """Write files at out as a build killed before its step kill_at (renaming, removing)
    in out would be: its staging left; return whether it got that far."""
    real = {name: getattr(os, name) for name in ("replace", "unlink", "rmdir")}
    done = 0

    def step(name: str, path: str | Path, *args: str | Path, **kw: int) -> None:
        nonlocal done
        if not kw and (Path(path).is_relative_to(out)
                       or Path(path).parent.name.startswith(f".{out.name}-new-")):
            if done == kill_at:
                raise Killed
            done += 1
        real[name](path, *args, **kw)

    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in real:
            monkeypatch.setattr(os, name, lambda *a, name=name, **kw: step(name, *a, **kw))
        monkeypatch.setattr(writer, "_discard", lambda guard, staging: None)
        try:
            write_site(out, files)
        except Killed:
            return True
    return False


def test_a_build_killed_between_renames_is_repaired_by_the_next(tmp_path: Path) -> None:
    """Killed before each step of a patch in turn (the journal, each removal, each rename,
    the final manifest): the next build owns all it finds and writes the right site."""
    new = {**BIG, "events/e1/index.html": b"E1 edited", "events/e10/index.html": b"E10",
           "tags/x/index.html": b"a folder now", "index.html": b"new home"}
    del new["events/e2/index.html"], new["tags/x"]
    kills = 0
    while True:
        out = tmp_path / f"site{kills}"
        write_site(out, BIG)
        if not killed_at(out, incremental(BIG, new), kills):
            break
        kills += 1
        assert leftovers(tmp_path) != []  # as a killed build leaves it
        writer.check_output(out, tmp_path / "project")  # no refusal; the staging goes
        assert leftovers(tmp_path) == []
        write_site(out, next_build(out, new))
        assert without_manifest(digest(out)) == clean_digest(tmp_path, new)
        assert_manifest_vouches_for(out, new)
        assert leftovers(tmp_path) == []
    assert without_manifest(digest(out)) == clean_digest(tmp_path, new)
    # the journal, two unlinks, three rmdirs (events/ is not empty), four renames, the manifest
    assert kills == 1 + 2 + 3 + 4 + 1


# -- a symlinked output -------------------------------------------------------------------------


def test_a_symlinked_output_is_followed_and_stays_a_link(make_project: MakeProject,
                                                         tmp_path: Path) -> None:
    project = make_project({"content/e.md": event()})
    deploy = tmp_path / "deploy" / "www"
    deploy.mkdir(parents=True)
    (deploy / ".git").write_text("gitdir: elsewhere\n")
    (project / "site").symlink_to(deploy, target_is_directory=True)
    for _ in range(2):
        result = run("build", project)
        assert result.returncode == 0, result.stderr
    assert (project / "site").is_symlink() and os.readlink(project / "site") == str(deploy)
    assert (deploy / "events" / "e" / "index.html").is_file()
    assert (deploy / ".git").read_text() == "gitdir: elsewhere\n"
    assert leftovers(project) == [] and leftovers(deploy.parent) == []


def test_a_dangling_symlinked_output_is_created_where_it_points(tmp_path: Path) -> None:
    link = tmp_path / "site"
    link.symlink_to(tmp_path / "later" / "www")
    write_site(link, SITE)
    assert link.is_symlink() and (tmp_path / "later" / "www" / "index.html").is_file()


# -- what killed builds leave, and builds running side by side ------------------------------


def stale_staging(parent: Path, name: str, files: dict[str, str]) -> Path:
    stale = parent / name
    for rel, text in files.items():
        (stale / rel).parent.mkdir(parents=True, exist_ok=True)
        (stale / rel).write_text(text)
    return stale


def test_stale_staging_folders_are_removed_by_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, SITE)
    stale_staging(tmp_path, ".site-new-k1ll3d", {"index.html": "half"})
    stale_staging(tmp_path, ".site-old-k1ll3d", {"site/index.html": "old"})
    stale_staging(tmp_path, ".other-new-k1ll3d", {"index.html": "not ours"})
    write_site(out, SITE)
    assert leftovers(tmp_path) == [".other-new-k1ll3d"]


def test_a_git_folder_a_killed_build_had_carried_is_put_back(tmp_path: Path) -> None:
    """Killed after moving .git into staging and before the swap."""
    out = tmp_path / "site"
    write_site(out, SITE)
    manifest = json.dumps({"generator": "timeline", "format": 1, "files": ["index.html"]})
    stale_staging(tmp_path, ".site-new-k1ll3d", {MANIFEST: manifest, "index.html": "new",
                                                 ".git/HEAD": "ref: refs/heads/main\n"})
    write_site(out, SITE)
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert leftovers(tmp_path) == []


def test_a_site_a_killed_build_had_moved_aside_is_put_back(tmp_path: Path) -> None:
    """Killed between the two renames of the fallback swap: the old site aside, no site,
    and the user's .git in the new staging folder."""
    manifest = json.dumps({"generator": "timeline", "format": 1, "files": ["index.html"]})
    stale_staging(tmp_path, ".site-old-k1ll3d", {"site/index.html": "old",
                                                 "site/" + MANIFEST: manifest})
    stale_staging(tmp_path, ".site-new-k1ll3d", {MANIFEST: manifest, "index.html": "new",
                                                 ".git/HEAD": "ref: refs/heads/main\n"})
    write_site(tmp_path / "site", SITE)
    assert (tmp_path / "site" / "index.html").read_bytes() == SITE["index.html"]
    assert (tmp_path / "site" / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert leftovers(tmp_path) == []


@contextmanager
def build_lock(parent: Path) -> Iterator[None]:
    """Hold the lock a running build holds on the folder it writes in."""
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def test_a_running_builds_staging_is_left_alone(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event()})
    live = stale_staging(project, ".site-new-l1ve", {"index.html": "being written"})
    with build_lock(project):
        proc = subprocess.Popen([sys.executable, "-m", "timeline", "build", str(project)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        assert ready, "the build did not say it waits"
        assert proc.stderr.readline() == (
            f"WARNING: waiting for another timeline build writing in {project}\n")
        assert (live / "index.html").read_text() == "being written"
        assert proc.poll() is None
    assert proc.wait(timeout=60) == 0
    assert leftovers(project) == []  # its owner is gone now: a killed build's
    assert (project / "site" / "events" / "e" / "index.html").is_file()


# -- signals ----------------------------------------------------------------------------


def large_project(root: Path) -> Path:
    """Write a project whose site takes a good part of a second to write."""
    (root / "content").mkdir(parents=True)
    (root / "content" / "sources.yaml").write_text(
        "article:\n  title: A\n  url: https://example.org/a\n"
        "  archive: https://archive.example.org/a\n")
    for index in range(300):
        (root / "content" / f"e{index}.md").write_text(event(f"Event {index}"))
    for folder in range(30):
        (root / "static" / f"d{folder}").mkdir(parents=True)
        for index in range(100):
            (root / "static" / f"d{folder}" / f"f{index}.txt").write_bytes(b"x" * 100)
    return root


def build_until_staging(project: Path) -> subprocess.Popen[str]:
    """Start a build that swaps the whole site (no cache: nothing is kept, so nothing is
    patched in place) and return once its staging folder exists."""
    proc = subprocess.Popen([sys.executable, "-m", "timeline", "build", "--no-cache",
                             str(project)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not leftovers(project):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.001)
    return proc


@pytest.fixture
def built_large(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A large project built once, with a git worktree in its site, then edited."""
    project = large_project(tmp_path / "big")
    assert run("build", project).returncode == 0
    git("init", "-q", cwd=project / "site")
    (project / "content" / "new.md").write_text(event("New"))
    return project, digest(project / "site")


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, -signal.SIGTERM),
                                                (signal.SIGINT, 130)])
def test_a_signal_while_writing_removes_staging_and_keeps_the_site(
        built_large: tuple[Path, dict[str, str]], signum: int, status: int) -> None:
    project, before = built_large
    proc = build_until_staging(project)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert "Traceback" not in err
    assert leftovers(project) == []
    assert digest(project / "site") == before


def test_a_killed_builds_staging_goes_with_the_next_build_even_a_failing_one(
        built_large: tuple[Path, dict[str, str]]) -> None:
    project, before = built_large
    proc = build_until_staging(project)
    proc.kill()
    assert proc.wait(timeout=60) == -signal.SIGKILL
    assert leftovers(project) != [] and digest(project / "site") == before
    (project / "content" / "bad.md").write_text(event(date="soonish"))
    assert run("build", project).returncode == 1
    assert leftovers(project) == [] and digest(project / "site") == before


class SignalOnRead(dict[str, bytes]):
    """Site files that send this process SIGTERM when the second one is written."""

    def __getitem__(self, key: str) -> bytes:
        if key == sorted(self)[1]:
            os.kill(os.getpid(), signal.SIGTERM)
        return super().__getitem__(key)


def test_a_signal_whose_handler_returns_stops_the_build(tmp_path: Path) -> None:
    """As under `serve`, whose handler only asks the server to stop."""
    out = tmp_path / "site"
    write_site(out, SITE)
    before = digest(out)
    seen: list[int] = []

    def handler(signum: int, frame: object) -> None:
        seen.append(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with pytest.raises(Interrupted) as caught:
            write_site(out, SignalOnRead({"a.html": b"a", "b.html": b"b", "c.html": b"c"}))
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert str(caught.value) == "the build was interrupted by SIGTERM"
    assert caught.value.exit_code == 143 and seen == [signal.SIGTERM]
    assert digest(out) == before and leftovers(tmp_path) == []


# -- permissions ----------------------------------------------------------------------------


AS_NOBODY = """
import os, sys
import timeline.build, timeline.cli  # loaded while the interpreter's files can be read
if os.getuid() == 0:  # root would ignore the permissions under test
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
sys.exit(timeline.cli.main(sys.argv[1:]))
"""


def test_an_output_parent_that_cannot_be_written_is_a_usage_error() -> None:
    root = Path(tempfile.mkdtemp())
    try:
        os.chmod(root, 0o755)
        (root / "project" / "content").mkdir(parents=True)
        (root / "project" / "content" / "e.md").write_text(event(body="No sources."))
        locked = root / "locked"
        locked.mkdir()
        os.chmod(locked, 0o555)
        result = subprocess.run(
            [sys.executable, "-c", AS_NOBODY, "build", "project", "-o", "locked/site"],
            cwd=root, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        assert result.returncode == 2, result.stderr
        assert result.stderr == (f"error: cannot write the site to locked/site: {locked} "
                                 "is not writable\n")
        assert list(locked.iterdir()) == []
    finally:
        os.chmod(root / "locked", 0o755)
        shutil.rmtree(root)


def test_pages_are_spooled_beside_the_output_and_the_spool_goes_after_the_build(
        make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    real = writer.write_site

    def spying(output: Path, files: dict[str, writer.Content]) -> dict[str, str]:
        seen.append(sorted(p.name for p in output.parent.iterdir()))
        assert all(isinstance(files[d], writer.Spooled) for d in files if d.endswith(".html"))
        return real(output, files)

    monkeypatch.setattr("timeline.build.write_site", spying)
    out = tmp_path / "out" / "site"
    build(make_project({"content/e.md": event()}), out)
    assert len(seen) == 1 and [n for n in seen[0] if n.startswith(".site-spool-")]
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]


def test_the_spool_of_a_killed_build_is_removed_and_a_running_builds_is_not(
        make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/e.md": event()})
    out = tmp_path / "site"
    build(project, out)
    killed = tmp_path / ".site-spool-killed"
    killed.mkdir()
    (killed / "0").write_bytes(b"a page")
    (killed / writer.SPOOL_LOCK).touch()
    running = tmp_path / ".site-spool-running"
    running.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time; "
         f"fd = os.open({str(running / writer.SPOOL_LOCK)!r}, os.O_CREAT | os.O_RDWR); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        build(project, out, cache=False)
        names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site-"))
        assert names == [".site-spool-running"]
    finally:
        holder.kill()
        holder.wait()
    build(project, out, cache=False)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]
