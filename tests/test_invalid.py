"""The corpus of bad projects: each gets a precise message, the right exit status,
no traceback, and leaves an existing site byte-for-byte as it was.

Each folder under tests/invalid/ is a small project; its expected.txt gives the
exit status of `check` and of `build`, then whole lines that must appear in the output
(`PATH:LINE: error: MESSAGE`, never a prefix of one).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import MakeProject, event
from test_build import tree_digest

from timeline.build import build
from timeline.cli import main

CASES = sorted(p for p in (Path(__file__).parent / "invalid").iterdir() if p.is_dir())


def expectations(case: Path) -> tuple[int, int, list[str]]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    check_code = int(lines[0].removeprefix("check: "))
    build_code = int(lines[1].removeprefix("build: "))
    return check_code, build_code, [line for line in lines[2:] if line]


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("good")
    (root / "content").mkdir()
    (root / "content" / "sources.yaml").write_text("article:\n  title: A\n")
    (root / "content" / "e.md").write_text(event())
    build(root, root / "site")
    return root / "site"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check_code, _, expected = expectations(case)
    before = tree_digest(case)
    assert main(["check", str(case)]) == check_code
    out, err = capsys.readouterr()
    lines = out.splitlines()
    for text in expected:
        assert text in lines, (text, out)
    assert "Traceback" not in out + err
    assert lines[-1].endswith(("error", "errors", "warning", "warnings"))
    assert lines[:-1] == sorted(lines[:-1], key=_path_and_line)
    assert tree_digest(case) == before  # check writes nothing


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_build(case: Path, good_site: Path, tmp_path: Path,
               capsys: pytest.CaptureFixture[str]) -> None:
    _, build_code, expected = expectations(case)
    site = tmp_path / "site"
    shutil.copytree(good_site, site)
    before = tree_digest(site)
    assert main(["build", str(case), "-o", str(site)]) == build_code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if build_code:
        for text in expected:
            assert text in err.splitlines(), (text, err)
        assert tree_digest(site) == before
        assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left


def _path_and_line(line: str) -> tuple[str, int]:
    path, _, rest = line.partition(":")
    number = rest.split(":", 1)[0]
    return path, int(number) if number.isdigit() else 0


def test_a_file_of_only_front_matter_is_valid(make_project: MakeProject) -> None:
    project = make_project({"content/e.md": "---\ntitle: E\ndate: 2023\n---"})
    assert build(project).timeline.events[0].body_html == ""


def test_a_10_mb_body_builds(make_project: MakeProject) -> None:
    paragraph = "A plain sentence about what happened in the town that day. " * 20 + "[@article]"
    body = "\n\n".join([paragraph] * (10_000_000 // len(paragraph) + 1))
    project = make_project({"content/e.md": event(body=body)})
    result = build(project)
    page = (project / "site" / "events" / "e" / "index.html").read_bytes()
    assert len(page) > 10_000_000
    assert result.timeline.events[0].notes[0].source.id == "article"


ERRORS_DOC = Path(__file__).parent.parent / "docs" / "errors.md"
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def code_spans(text: str) -> list[str]:
    """Return the contents of the Markdown code spans in text, as Markdown reads them."""
    spans = []
    for match in _CODE_SPAN.finditer(text):
        content = match.group(2)
        if content.startswith(" ") and content.endswith(" ") and content.strip():
            content = content[1:-1]
        spans.append(content)
    return spans


def documented_cases() -> dict[str, list[str]]:
    """Return the messages of each row of the corpus table in docs/errors.md."""
    text = ERRORS_DOC.read_text(encoding="utf-8")
    section = text.split("## Content errors, one example each", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        case, message = (cell.strip() for cell in line.strip("|").split(" | ", 1))
        name = case.strip("`")
        assert name not in rows, f"two rows for {name}"
        rows[name] = code_spans(message.replace("\\|", "|"))
    return rows


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_error_is_documented(case: Path) -> None:
    _, _, expected = expectations(case)
    assert documented_cases().get(case.name) == expected


def test_every_documented_case_exists() -> None:
    assert sorted(documented_cases()) == [c.name for c in CASES]


def test_expected_lines_are_whole_diagnostics() -> None:
    whole = re.compile(r"^[^:]+(:\d+)?: (error|warning): \S.*$")
    for case in CASES:
        _, _, expected = expectations(case)
        assert expected, case.name
        for line in expected:
            assert whole.match(line), (case.name, line)
