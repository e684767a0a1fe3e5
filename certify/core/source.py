"""YAML that remembers where each value came from, for `file:line: message` reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a source file: an error stops it, a skip leaves one item out, a warning is a note."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" stops the file, "skip" leaves one item out, "warning" stops nothing
    item: str = ""  # the item it concerns (an id, or the title or number it was known by), when it is one
    category: str = ""  # a "skip" for want of a competency: the category that has none yet

    def __str__(self) -> str:
        prefix = {"error": "", "skip": "skipped: "}.get(self.severity, "warning: ")
        return f"{self.file}:{self.line}: {prefix}{self.message}"


class Located(dict[str, Any]):
    """A mapping from YAML with the line of the mapping and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list[Any]):
    line: int = 0
    item_lines: list[int]


# libyaml's C parser when available; its events carry the same marks, so line
# numbers are identical either way. Values are built straight from the events,
# which is several times faster than PyYAML's generic constructor on large banks.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


# Bounds that no real bank, course or rubric file comes near, so that a hostile
# file is refused at once instead of tying up (or crashing) a worker.
MAX_YAML_CHARS = 32 * 1024 * 1024
MAX_YAML_DEPTH = 64
NO_ALIASES = (
    "anchors, aliases and merge keys (&name, *name, <<) are not allowed in Certify files; write each value out in full"
)
_MERGE = "tag:yaml.org,2002:merge"


def _refuse(message: str, mark: Any) -> yaml.MarkedYAMLError:
    return yaml.constructor.ConstructorError(None, None, message, mark)


class _Builder:
    """Builds Located values straight from the parser's events, with an explicit stack.

    Working from events rather than composed nodes means an alias is refused where
    it is written, before anything expands ("billion laughs" documents), and deep
    nesting is refused without recursion (libyaml's composer recurses in C and can
    overflow the stack).
    """

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        # (container, pending key or None, line of the pending key)
        self.stack: list[tuple[Any, Any, int]] = []
        self.root: Any = None

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value
        if tag == _MERGE:
            raise _refuse(NO_ALIASES, event.start_mark)
        start: Any = event.start_mark  # the C parser's marks have the same fields
        end: Any = event.end_mark
        node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
        return self.loader.construct_object(node, deep=True)

    def attach(self, value: Any, line: int, mark: Any) -> None:
        if not self.stack:
            self.root = value
            return
        container, key, key_line = self.stack[-1]
        if isinstance(container, LocatedList):
            container.append(value)
            container.item_lines.append(line)
        elif key is None:
            key = value if isinstance(value, str) else str(value)
            if key in container:
                raise _refuse(f"duplicate key {key!r}", mark)
            self.stack[-1] = (container, key, line)
        else:
            container[key] = value
            container.key_lines[key] = key_line
            self.stack[-1] = (container, None, 0)

    def open(self, container: Any, event: Any) -> None:
        if len(self.stack) >= MAX_YAML_DEPTH:
            raise _refuse(f"nested more than {MAX_YAML_DEPTH} levels deep", event.start_mark)
        container.line = event.start_mark.line + 1
        self.stack.append((container, None, 0))

    def document(self) -> Any:
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # document start
        while not loader.check_event(yaml.DocumentEndEvent):
            event = loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.ScalarEvent):
                self.attach(self.scalar(event), line, event.start_mark)
            elif isinstance(event, yaml.MappingStartEvent):
                mapping = Located()
                mapping.key_lines = {}
                self.open(mapping, event)
            elif isinstance(event, yaml.SequenceStartEvent):
                items = LocatedList()
                items.item_lines = []
                self.open(items, event)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container, _key, _line = self.stack.pop()
                self.attach(container, container.line, event.start_mark)
            else:  # an alias
                raise _refuse(NO_ALIASES, event.start_mark)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                None,
                "but found another document",
                loader.peek_event().start_mark,
            )
        return self.root


def _load(text: str) -> Any:
    loader = _Loader(text)
    try:
        return _Builder(loader).document()
    finally:
        loader.dispose()


def load_yaml(text: str, filename: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; on a syntax error return (None, [problem at its line]).

    Anchors and aliases, nesting deeper than MAX_YAML_DEPTH and text longer than
    MAX_YAML_CHARS are refused as problems too.
    """
    if len(text) > MAX_YAML_CHARS:
        return None, [Problem(filename, 1, f"file too large: more than {MAX_YAML_CHARS // 1024**2} MB of text")]
    try:
        return _load(text), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [Problem(filename, line, f"YAML syntax: {exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return None, [Problem(filename, 1, f"YAML syntax: {exc}")]


def line_of(value: Any, default: int) -> int:
    return int(getattr(value, "line", default) or default)
