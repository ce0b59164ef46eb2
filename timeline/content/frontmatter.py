"""Split a file into YAML front matter and body; load YAML keeping strings and lines.

The loader is deliberately stricter and plainer than YAML 1.1: every plain
scalar stays the string the author wrote (`NO`, `1.10`, `2023-01-05`, `-0043`),
only `~`/`null`/empty become None, duplicate keys are errors, and the size of
the loaded data is bounded so alias bombs fail fast. Types are checked later,
per field, where the meaning is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from timeline.errors import ContentError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_NULLS = {"", "~", "null", "Null", "NULL"}
MAX_NODES = 20_000
MAX_DEPTH = 32

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDoc:
    """Loaded YAML data and the file line of every key and item in it."""

    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    first_line: int = 1
    comments: dict[Path_, str] = field(default_factory=dict)  # plain values followed by # ...

    def line(self, *path: str | int) -> int:
        """Return the line of the value at path, or of its nearest known parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.first_line


@dataclass(frozen=True)
class Split:
    """A file cut at its front matter fences."""

    meta_text: str
    meta_line: int  # line of the first front matter line in the file
    body: str
    body_line: int  # line of the first body line in the file


def split_front_matter(text: str, path: str) -> Split:
    """Cut text into front matter and body, or raise ContentError."""
    if not text.strip():
        raise ContentError(path, 1,
                           "empty file: an event needs front matter with a title and a date")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ContentError(
            path, 1, "no front matter: the file must start with a '---' line. "
            "Did you forget the opening '---'?"
        )
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            return Split(
                meta_text="\n".join(lines[1:index]),
                meta_line=2,
                body="\n".join(lines[index + 1:]),
                body_line=index + 2,
            )
    raise ContentError(
        path, 1, "front matter is not closed: add a '---' line after the last field"
    )


def load_yaml(text: str, path: str, first_line: int = 1) -> YamlDoc:
    """Load YAML text that starts at first_line of path, or raise ContentError."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = _yaml_problem(error)
        lines = text.split("\n")
        if mark and mark.line < len(lines) and "\t" in lines[mark.line] and "tab" not in problem:
            problem += " (this line has a tab: YAML indents with spaces only)"
        raise ContentError(path, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise ContentError(path, first_line, f"invalid YAML: {error}") from None
    except RecursionError:
        raise ContentError(path, first_line, "invalid YAML: nested too deeply") from None
    if node is None:
        return YamlDoc(None, {}, first_line)
    builder = _Builder(path, first_line, text.split("\n"))
    value = builder.build(node, (), 0)
    return YamlDoc(value, builder.lines, first_line, builder.comments)


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "syntax error"
    if "\t" in problem or "tab" in problem.lower():
        return f"{problem} (YAML does not allow tabs for indentation; use spaces)"
    if error.context and error.context not in problem:
        return f"{problem} ({error.context})"
    return problem


_COMMENT = re.compile(r"^[ \t]+#(.*)$")


class _Builder:
    """Turn composed YAML nodes into plain data, recording lines and bounding size."""

    def __init__(self, path: str, first_line: int, text_lines: list[str]) -> None:
        self.path = path
        self.first_line = first_line
        self.text_lines = text_lines
        self.lines: dict[Path_, int] = {}
        self.comments: dict[Path_, str] = {}
        self.count = 0

    def build(self, node: yaml.Node, at: Path_, depth: int) -> Any:
        self.count += 1
        line = self.first_line + node.start_mark.line
        if self.count > MAX_NODES:
            raise ContentError(
                self.path, line, f"YAML too large: more than {MAX_NODES} values "
                "(an alias bomb?)"
            )
        if depth > MAX_DEPTH:
            raise ContentError(self.path, line, f"YAML nested more than {MAX_DEPTH} levels deep")
        self.lines[at] = line
        if isinstance(node, yaml.ScalarNode):
            if not node.style and node.value in _NULLS:
                return None
            if not node.style:
                self._note_comment(node, at)
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, at + (i,), depth + 1) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = self.first_line + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode):
                raise ContentError(self.path, key_line, "a key must be a plain name")
            key = key_node.value
            if key in result:
                raise ContentError(self.path, key_line, f"duplicate key '{key}'")
            result[key] = self.build(value_node, at + (key,), depth + 1)
            self.lines[at + (key,)] = key_line
        return result

    def _note_comment(self, node: yaml.ScalarNode, at: Path_) -> None:
        """Remember a comment that follows a plain value: it may be cut-off text."""
        mark = node.end_mark
        if mark.line < len(self.text_lines):
            match = _COMMENT.match(self.text_lines[mark.line][mark.column:])
            if match:
                self.comments[at] = match.group(1).strip()
