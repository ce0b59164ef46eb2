"""Shared fixtures: tiny projects written to a temporary folder."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import TIMEOUT, Problems, npm_package, serve
from playwright.sync_api import Browser, Page

from timeline.build import build

REPO = Path(__file__).resolve().parent.parent

SOURCES = """\
article:
  title: Example article
  publisher: Example News
  date: "2023-01-05"
  url: https://example.org/article
  archive: https://archive.example.org/article
report:
  title: Example report
  publisher: Example Institute
"""

MakeProject = Callable[..., Path]


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write files (dedented text, or bytes as they are) under root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")


def example_in(language: str, root: Path) -> Path:
    """Return a copy of the example project in root, its timeline.toml set to language."""
    shutil.copytree(REPO / "content", root / "content")
    toml = re.sub(r"(?m)^language = .*$", f'language = "{language}"',
                  (REPO / "timeline.toml").read_text(encoding="utf-8"))
    assert f'language = "{language}"' in toml
    (root / "timeline.toml").write_text(toml, encoding="utf-8")
    return root


def serve_example_in(language: str, root: Path) -> Iterator[str]:
    """Build the example in a language in root and yield its URL while it is served."""
    folder = example_in(language, root)
    build(folder, folder / "site", cache=False, environ={})
    with serve(folder / "site") as served:
        yield served.url


def event(title: str = "An event", date: str = '"2023-01-04"', body: str = "Text [@article].",
          **fields: str) -> str:
    """Return the text of an event file."""
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """Return a copy of the example project (the default theme is found by itself)."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy(REPO / "timeline.toml", project / "timeline.toml")
    return project


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Return a function that writes a small project and returns its folder."""

    def make(files: dict[str, str | bytes] | None = None, *, sources: str | None = SOURCES,
             name: str = "project") -> Path:
        root = tmp_path / name
        (root / "content").mkdir(parents=True, exist_ok=True)
        if sources is not None:
            write_files(root, {"content/sources.yaml": sources})
        write_files(root, files or {})
        return root

    return make


# The browser tests' page: a module gives `browser` (its own Chromium), these give a
# 1024 x 768 page in it whose console errors, script errors and failed loads are recorded.
@pytest.fixture(scope="session")
def axe_script() -> Path:
    """Return axe.min.js, installed from tests/npm/package-lock.json."""
    script = npm_package("axe-core") / "axe.min.js"
    assert script.is_file()
    return script


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
def page(browser: Browser, problems: Problems) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    context.set_default_timeout(TIMEOUT)
    yield problems.watch(context.new_page())
    context.close()
