"""Every slug and path rule: base_url, lengths of path components, outputs that collide."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeProject, event

from timeline.cli import main
from timeline.config import normalise_base_url
from timeline.content.load import load_timeline

URL_EXAMPLE = "https://example.org/timeline/"


def load_problems(project: Path) -> list[str]:
    """Return every diagnostic of loading a project, as printed."""
    _, report = load_timeline(project)
    return [str(d) for d in sorted(report.diagnostics)]


# --- base_url ----------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "normalised"), [
    ("https://example.org/sub", "https://example.org/sub/"),
    ("HTTPS://Example.ORG", "https://example.org/"),
    ("http://[::1]:8000/a/", "http://[::1]:8000/a/"),
    ("https://bücher.de/ü", "https://xn--bcher-kva.de/%C3%BC/"),
    ('https://x.org/a"><script>alert(1)</script>',
     "https://x.org/a%22%3E%3Cscript%3Ealert(1)%3C/script%3E/"),
    ("https://x.org/'x'", "https://x.org/%27x%27/"),
    ("https://x.org/100%/a%41", "https://x.org/100%25/a%41/"),
])
def test_base_url_is_parsed_and_written_again(written: str, normalised: str) -> None:
    assert normalise_base_url(written, "base_url") == normalised


@pytest.mark.parametrize(("written", "message"), [
    ("javascript:alert(1)//", "base_url must be an absolute http(s) URL such as "
     f"{URL_EXAMPLE}, not 'javascript:alert(1)//'"),
    ("//x.org/", f"base_url must be an absolute http(s) URL such as {URL_EXAMPLE}, "
     "not '//x.org/'"),
    ("https:///a", f"base_url must be an absolute http(s) URL such as {URL_EXAMPLE}, "
     "not 'https:///a'"),
    ("https://x.org/a b", "base_url must not contain spaces or control characters: "
     "'https://x.org/a b'"),
    ("https://x.org/\x00\n", "base_url must not contain spaces or control characters: "
     "'https://x.org/\\x00\\n'"),
    ("https://u:p@x.org/", "base_url must not hold a user name or password: "
     "'https://u:p@x.org/'"),
    ("https://x.org\\@evil.org/", "base_url must not hold a user name or password: "
     "'https://x.org\\@evil.org/'"),
    ("https://x.org/?a=1", "base_url must not have a query or a fragment ('?' or '#'): "
     "'https://x.org/?a=1'"),
    ("http://<script>/", "base_url has no valid host name: 'http://<script>/'"),
    ("https://x.org:99999/", "base_url has an invalid port: 'https://x.org:99999/'"),
])
def test_unusable_base_urls_are_refused(written: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        normalise_base_url(written, "base_url")
    assert str(caught.value) == message


def test_a_bad_base_url_option_is_a_usage_error(make_project: MakeProject,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event()})
    assert main(["build", str(project), "--base-url", "javascript:alert(1)//"]) == 2
    assert capsys.readouterr().err == (
        "error: --base-url must be an absolute http(s) URL such as "
        f"{URL_EXAMPLE}, not 'javascript:alert(1)//'\n")
    assert not (project / "site").exists()


def test_a_bad_base_url_setting_is_located_in_timeline_toml(make_project: MakeProject) -> None:
    project = make_project({"timeline.toml": 'title = "T"\nbase_url = "https://x.org/\\u0007"\n',
                            "content/e.md": event()})
    assert load_problems(project) == [
        "timeline.toml:2: error: base_url must not contain spaces or control characters: "
        "'https://x.org/\\x07'"]


# --- Lengths of the site's file names -----------------------------------------------------

def test_a_slug_too_long_for_a_file_name_is_a_located_error(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(slug="a" * 101),
                            f"content/{'b' * 120}.md": event()})
    assert load_problems(project) == [
        f"content/{'b' * 120}.md:1: error: slug '{'b' * 40}…' is too long: its page's folder "
        "name would be 120 bytes, at most 100 (in UTF-8); shorten it by renaming the file "
        "or giving a 'slug'",
        f"content/e.md:4: error: slug '{'a' * 40}…' is too long: its page's folder name "
        "would be 101 bytes, at most 100 (in UTF-8); shorten it",
    ]


def test_a_slug_of_100_characters_builds(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project({"content/e.md": event(slug="a" * 100, tags=f"[{'я' * 50}]")})
    assert main(["build", str(project), "-o", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "events" / ("a" * 100) / "index.html").is_file()
    assert (tmp_path / "site" / "tags" / ("я" * 50) / "index.html").is_file()


def test_tags_are_measured_in_bytes_of_their_file_name(make_project: MakeProject) -> None:
    # 51 Cyrillic letters are 102 bytes of UTF-8; the ASCII tag keeps only its slug's letters
    project = make_project({"content/e.md": event(
        tags=f"[ok, {'я' * 51}, '{'x ' * 50}x']")})
    assert load_problems(project) == [
        f"content/e.md:4: error: tag '{'я' * 40}…' is too long: its page's folder name would "
        "be 102 bytes, at most 100 (in UTF-8); shorten it",
        f"content/e.md:4: error: tag '{'x ' * 20}…' is too long: its page's folder name would "
        "be 101 bytes, at most 100 (in UTF-8); shorten it",
    ]


def test_a_source_id_too_long_for_a_file_name_is_a_located_error(
        make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(body="Text [@article].")},
                           sources=f"article:\n  title: A\n{'s' * 101}:\n  title: S\n")
    assert load_problems(project) == [
        f"content/sources.yaml:3: error: source id '{'s' * 40}…' is too long: its page's "
        "folder name would be 101 bytes, at most 100 (in UTF-8); shorten it",
    ]


# --- Pages that would be one file ---------------------------------------------------------

def test_source_ids_differing_only_in_case_are_refused_on_both_sides(
        make_project: MakeProject) -> None:
    project = make_project(
        {"content/e.md": event(body="[@Smith] [@smith]",
                               sources="[{id: SMITH, title: Inline}]")},
        sources="Smith:\n  title: A\nsmith:\n  title: B\n")
    where = ("sources/SMITH/index.html and sources/Smith/index.html and "
             "sources/smith/index.html are one file where names ignore case or accents "
             "(macOS, Windows); rename one of them")
    assert load_problems(project) == [
        "content/e.md:4: error: source 'SMITH' has the same page as source 'Smith' "
        f"(content/sources.yaml:1), source 'smith' (content/sources.yaml:3): {where}",
        "content/sources.yaml:1: error: source 'Smith' has the same page as source 'SMITH' "
        f"(content/e.md:4), source 'smith' (content/sources.yaml:3): {where}",
        "content/sources.yaml:3: error: source 'smith' has the same page as source 'SMITH' "
        f"(content/e.md:4), source 'Smith' (content/sources.yaml:1): {where}",
    ]


def test_a_hashed_source_id_cannot_overwrite_a_plain_ones_page(
        make_project: MakeProject) -> None:
    project = make_project({"content/e.md": event(body="[@a:b] [@a-b-dcea6d9c]")},
                           sources="a:b:\n  title: A\na-b-dcea6d9c:\n  title: B\n")
    assert load_problems(project) == [
        "content/sources.yaml:1: error: source 'a:b' has the same page as source "
        "'a-b-dcea6d9c' (content/sources.yaml:3): sources/a-b-dcea6d9c/index.html; "
        "rename one of them",
        "content/sources.yaml:3: error: source 'a-b-dcea6d9c' has the same page as source "
        "'a:b' (content/sources.yaml:1): sources/a-b-dcea6d9c/index.html; rename one of them",
    ]


def test_a_copied_file_may_not_overwrite_a_page_even_where_case_is_ignored(
        make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project({"content/e.md": event(), "static/Index.html": "<p>mine</p>",
                            "static/Events/e/index.html": "<p>mine</p>",
                            "timeline.toml": "allow_active_files = true\n"})
    assert main(["build", str(project)]) == 2
    assert capsys.readouterr().err == (
        "error: a copied file would overwrite a page: Events/e/index.html, Index.html; "
        "rename or move it in content/ or static/\n")
    assert not (project / "site").exists()
