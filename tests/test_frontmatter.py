"""Front matter splitting and the plain, line-keeping YAML loader."""

from __future__ import annotations

import time

import pytest

from timeline.content.frontmatter import load_yaml, split_front_matter
from timeline.errors import ContentError


def error_of(fn, *args) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ContentError) as caught:
        fn(*args)
    return str(caught.value)


def test_split_gives_body_and_its_first_line() -> None:
    split = split_front_matter("---\ntitle: A\ndate: 2023\n---\nBody\n", "e.md")
    assert split.meta_text == "title: A\ndate: 2023"
    assert split.body == "Body\n"
    assert split.body_line == 5


def test_only_front_matter_is_valid_with_empty_body() -> None:
    split = split_front_matter("---\ntitle: A\n---", "e.md")
    assert split.body == ""


@pytest.mark.parametrize("text, message", [
    ("", "e.md:1: error: empty file"),
    ("title: A\n---\n", "e.md:1: error: no front matter"),
    ("---\ntitle: A\nbody\n", "e.md:1: error: front matter is not closed"),
])
def test_split_errors(text: str, message: str) -> None:
    assert error_of(split_front_matter, text, "e.md").startswith(message)


def test_missing_opening_fence_suggests_the_fix() -> None:
    assert "Did you forget the opening '---'?" in error_of(split_front_matter, "x\n", "e.md")


def test_plain_scalars_stay_the_strings_the_author_wrote() -> None:
    doc = load_yaml("title: Yes\ntags: [NO, yes, 1.10, on]\ndate: 2023-01-05\n"
                    "year: 2023\nbc: -0043\noctal: 0755\n", "e.md")
    assert doc.value == {"title": "Yes", "tags": ["NO", "yes", "1.10", "on"],
                         "date": "2023-01-05", "year": "2023", "bc": "-0043", "octal": "0755"}


def test_null_forms_are_none_but_quoted_ones_are_text() -> None:
    doc = load_yaml('a: ~\nb:\nc: null\nd: "null"\n', "e.md")
    assert doc.value == {"a": None, "b": None, "c": None, "d": "null"}


def test_lines_are_file_lines() -> None:
    doc = load_yaml("title: A\nsources:\n  - x\n  - y\n", "e.md", first_line=2)
    assert doc.line("title") == 2
    assert doc.line("sources") == 3
    assert doc.line("sources", 1) == 5
    assert doc.line("missing") == 2


def test_invalid_yaml_reports_the_line_in_the_file() -> None:
    message = error_of(load_yaml, "title: A\ndate: [2023\nx: 1\n", "e.md", 2)
    assert message.startswith("e.md:")
    assert "invalid YAML" in message
    line = int(message.split(":")[1])
    assert 3 <= line <= 5


def test_tab_indentation_is_explained() -> None:
    message = error_of(load_yaml, "title: A\n\tdate: 2023\n", "e.md", 2)
    assert message.startswith("e.md:3: error: invalid YAML")
    assert "use spaces" in message


def test_duplicate_key_is_an_error_at_its_line() -> None:
    assert error_of(load_yaml, "title: A\ndate: 1\ntitle: B\n", "e.md", 2) == \
        "e.md:4: error: duplicate key 'title'"


def test_alias_bomb_fails_fast() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
        for i in range(8))
    started = time.perf_counter()
    message = error_of(load_yaml, bomb, "e.md", 2)
    assert message == (f"e.md:2: error: YAML too large: it expands to more than "
                       f"{20_000 + len(bomb)} values (20000 more than its {len(bomb)} "
                       "characters; an alias bomb?)")
    assert time.perf_counter() - started < 5


def test_a_large_registry_without_aliases_is_not_a_bomb() -> None:
    """A registry of 15,000 sources (30,001 values) is what a 100,000-event archive has."""
    registry = "".join(f"src-{n:05d}:\n  title: Source {n}\n" for n in range(15_000))
    doc = load_yaml(registry, "content/sources.yaml", 1)
    assert len(doc.value) == 15_000 and doc.value["src-14999"] == {"title": "Source 14999"}


def test_deep_nesting_is_refused() -> None:
    message = error_of(load_yaml, "a: " + "[" * 100 + "]" * 100 + "\n", "e.md", 2)
    assert "nested more than" in message


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_in_a_value_do_not_shift_later_lines(separator: str) -> None:
    doc = load_yaml(f'title: "a{separator}b"\ndate: x\nnote: y #z\n', "e.md", 2)
    assert (doc.line("title"), doc.line("date"), doc.line("note")) == (2, 3, 4)
    assert doc.comments == {("note",): "z"}


def test_a_control_character_is_one_diagnostic_at_its_line() -> None:
    assert error_of(load_yaml, 'title: A\ndate: "2023\x00"\n', "e.md", 2) == \
        "e.md:3: error: invalid YAML: control character U+0000 is not allowed; remove it"


def test_a_yaml_error_after_a_line_separator_is_at_its_file_line() -> None:
    assert error_of(load_yaml, 'title: "a\u2028b"\ndate: [x\n', "e.md", 2) == (
        "e.md:4: error: invalid YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence)")
