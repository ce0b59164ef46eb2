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
