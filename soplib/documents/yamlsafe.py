"""Front-matter YAML read safely: plain data, bounded, every key once.

PyYAML's loaders build whatever the text asks for: an alias repeated inside
aliases turns a 1 MB file into hundreds of megabytes (the "billion laughs"),
a merge key (``<<``) or a repeated key silently replaces a value, and an
integer of ten thousand digits fails deep inside Python. Front matter needs
none of that, so this reader walks PyYAML's *event stream* (libyaml's parser
when available) and builds the data itself:

- mappings, sequences and scalars only; an alias, an anchor, an explicit tag,
  a merge key or a repeated key is refused with its line;
- scalars stay text (``title: 2024`` is the title "2024"); an empty value,
  ``~`` or ``null`` is None. The schema (pydantic) turns text into numbers and
  dates where a field wants one, and range-checks it;
- the work is bounded by the text: at most :data:`MAX_EVENTS` events, nesting
  :data:`MAX_DEPTH` deep, scalars of :data:`MAX_SCALAR` characters.

    >>> read_yaml("id: KPU-01\\ntitle: 2024\\n", first_line=2)
    {'id': 'KPU-01', 'title': '2024'}
"""

from __future__ import annotations

from typing import Any

import yaml

from soplib.errors import InvalidInputError

MAX_EVENTS = 20_000
MAX_DEPTH = 16
MAX_SCALAR = 10_000
_NULLS = ("", "~", "null", "Null", "NULL")
# libyaml's event parser, ten times faster than PyYAML's own; not among ``yaml``'s
# top-level names, so looked up in ``yaml.cyaml`` (absent when built without libyaml).
_PARSER: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)


class YamlError(InvalidInputError):
    """Front matter that is not the plain YAML soplib reads; ``line`` is 1-based in the file."""

    def __init__(self, message: str, /, *, line: int, **params: object) -> None:
        self.line = line
        super().__init__(message, **params)


def _events(text: str) -> Any:
    if _PARSER is not None:
        parser = _PARSER(text)
        try:
            while True:
                event = parser.get_event()
                if event is None:
                    return
                yield event
        finally:
            parser.dispose()
    else:  # pure-Python PyYAML
        yield from yaml.parse(text, Loader=yaml.SafeLoader)


def read_yaml(text: str, *, first_line: int) -> Any:
    """The data of one YAML document; :class:`YamlError` with the file line (``first_line`` is line 1 of
    ``text``).
    """
    return read_yaml_with_lines(text, first_line=first_line)[0]


def read_yaml_with_lines(text: str, *, first_line: int) -> tuple[Any, dict[str, int], dict[str, list[int]]]:
    """:func:`read_yaml`, and the file lines of each top-level key and of each entry of a top-level list."""
    builder = _Builder(first_line)
    try:
        for count, event in enumerate(_events(text)):
            if count > MAX_EVENTS:
                raise YamlError(
                    "front matter is too big (more than {n} values)", line=first_line, n=MAX_EVENTS
                )
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + first_line if exc.problem_mark else first_line
        raise YamlError("front matter is not valid YAML: {problem}", line=line, problem=exc.problem) from None
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML does not allow
        position = getattr(exc, "position", None)
        line = text[:position].count("\n") + first_line if isinstance(position, int) else first_line
        first = (str(exc).splitlines() or ["?"])[0]
        raise YamlError("front matter is not valid YAML: {problem}", line=line, problem=first) from None
    return builder.result, builder.key_lines, builder.entry_lines


class _Builder:
    """Builds plain data from events, with the rules in the module docstring."""

    def __init__(self, first_line: int) -> None:
        self.first = first_line
        self.stack: list[tuple[Any, dict[str, int] | None]] = []  # (container, keys seen -> line)
        self.pending_key: list[str | None] = []
        self.result: Any = None
        self.documents = 0
        # Where each top-level key starts, and where each entry of a top-level list starts (file lines).
        self.key_lines: dict[str, int] = {}
        self.entry_lines: dict[str, list[int]] = {}
        self.list_key: str | None = None
        # The key each open container sits under (None for the document and list entries): dotted key paths.
        self.container_keys: list[str | None] = []

    def _line(self, event: Any) -> int:
        mark = getattr(event, "start_mark", None)
        return mark.line + self.first if mark is not None else self.first

    def feed(self, event: Any) -> None:
        line = self._line(event)
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                "YAML aliases (*{name}) are not allowed in front matter; write the value out",
                line=line,
                name=event.anchor,
            )
        if getattr(event, "anchor", None):
            raise YamlError(
                "YAML anchors (&{name}) are not allowed in front matter; write the value out",
                line=line,
                name=event.anchor,
            )
        tag = getattr(event, "tag", None)
        if tag and tag != "!" and isinstance(event, yaml.NodeEvent):
            raise YamlError("YAML tags ({tag}) are not allowed in front matter", line=line, tag=tag)
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise YamlError("front matter must be one YAML document", line=line)
        elif isinstance(event, yaml.ScalarEvent):
            if len(event.value) > MAX_SCALAR:
                raise YamlError("a front-matter value is longer than {n} characters", line=line, n=MAX_SCALAR)
            plain = event.style is None or event.style == ""
            self._add(None if plain and event.value in _NULLS else event.value, line, plain=plain)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(self.stack) >= MAX_DEPTH:
                raise YamlError("front matter is nested too deeply", line=line)
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            parent_key = self.pending_key[-1] if self.pending_key else None
            self._add(container, line, plain=False)
            self.stack.append((container, {} if isinstance(container, dict) else None))
            self.pending_key.append(None)
            self.container_keys.append(parent_key)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.stack.pop()
            self.pending_key.pop()
            self.container_keys.pop()

    def _add(self, value: Any, line: int, *, plain: bool) -> None:
        if not self.stack:
            self.result = value
            return
        container, keys = self.stack[-1]
        if isinstance(container, list):
            container.append(value)
            if len(self.stack) == 2 and self.list_key is not None:
                self.entry_lines.setdefault(self.list_key, []).append(line)
            return
        assert keys is not None
        key = self.pending_key[-1]
        if key is None:  # this value is a key
            if not isinstance(value, str):
                raise YamlError("front-matter keys must be plain words", line=line)
            if value == "<<" and plain:
                raise YamlError(
                    "YAML merge keys (<<) are not allowed in front matter; write the keys out", line=line
                )
            if value in keys:
                raise YamlError(
                    "key {key} appears twice in the front matter (first on line {first})",
                    line=line,
                    key=repr(value),
                    first=keys[value],
                )
            keys[value] = line
            path = ".".join([*(k for k in self.container_keys[1:] if k is not None), value])
            self.key_lines.setdefault(path, line)
            self.pending_key[-1] = value
            return
        container[key] = value
        if len(self.stack) == 1:
            self.list_key = key if isinstance(value, list) else None
        self.pending_key[-1] = None
