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

import re
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
    plain = read_plain(text, first_line)
    return plain if plain is not None else read_events(text, first_line)


def read_events(text: str, first_line: int) -> tuple[Any, dict[str, int], dict[str, list[int]]]:
    """:func:`read_yaml_with_lines` by walking the YAML event stream (any front matter)."""
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


# -- the plain case, without the event stream -------------------------------------------

# A front matter of ``key: value`` lines, ``key: [a, b]`` lists and ``key:`` then ``- entry``
# lines, every value one line of plain words (or simply quoted), reads the same with or
# without YAML's machinery; a third of the time parsing an SOP went to walking the events.
# Anything else (nesting, comments, a character YAML treats specially, a repeated key ...)
# returns None and the event reader decides. tests/test_yamlsafe.py compares the two.
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +(.*?))? *")
_ENTRY_LINE = re.compile(r"( *)- +(.*?) *")
# Characters libyaml accepts, minus the ones YAML 1.1 reads as line breaks (NEL, LS, PS) and the BOM.
_ODD = re.compile(
    "[^\\x0a\\x20-\\x7e\\xa0-\\u2027\\u202a-\\ud7ff\\ue000-\\ufefe\\uff00-\\ufffd\\U00010000-\\U0010ffff]"
)
_FLOW = re.compile(r"\[(.*)\]")


def _scalar(text: str, *, flow: bool = False) -> tuple[str | None, bool] | None:
    """(value, plain) of one simply written scalar; None if it is not that simple."""
    if len(text) > MAX_SCALAR:
        return None
    if text[:1] in ("'", '"'):
        quote = text[0]
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != quote or quote in inner or "\\" in inner:
            return None
        return inner, False
    if not text:
        return None if flow else ("", True)
    if not text[0].isalnum() or ": " in text or " #" in text or text.endswith(":"):
        return None
    if flow and any(c in text for c in ",[]{}:#"):
        return None
    return text, True


def _plain_value(text: str, *, flow: bool = False) -> tuple[Any] | None:
    scalar = _scalar(text, flow=flow)
    if scalar is None:
        return None
    value, plain = scalar
    return (None if plain and value in _NULLS else value,)


def read_plain(text: str, first_line: int) -> tuple[Any, dict[str, int], dict[str, list[int]]] | None:
    """:func:`read_yaml_with_lines` for a plainly written front matter, else None."""
    if _ODD.search(text):
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    # At most a few events a line: far below MAX_EVENTS, except for a long list on one line (below).
    if not lines or len(lines) > 1000 or text.count(",") > MAX_EVENTS // 2:
        return None
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    entry_lines: dict[str, list[int]] = {}
    i = 0
    while i < len(lines):
        m = _KEY_LINE.fullmatch(lines[i])
        if m is None or m.group(1) in data or m.group(1) in _NULLS:
            return None
        key, rest = m.group(1), m.group(2) or ""
        key_lines[key] = i + first_line
        if len(key) > 1024:
            return None  # libyaml's limit for a key on one line
        flow = _FLOW.fullmatch(rest)
        if flow is not None:
            # YAML's white space is the space and the tab (refused above), not str.strip()'s.
            entries = [] if not flow.group(1).strip(" ") else flow.group(1).split(",")
            values = []
            for entry in entries:
                value = _plain_value(entry.strip(" "), flow=True)
                if value is None:
                    return None
                values.append(value[0])
            data[key] = values
            if values:
                entry_lines[key] = [i + first_line] * len(values)
        elif rest:
            value = _plain_value(rest)
            if value is None:
                return None
            data[key] = value[0]
        else:  # "key:" alone: None, or the block list on the lines below
            block: list[Any] = []
            indent = None
            while i + 1 < len(lines):
                entry = _ENTRY_LINE.fullmatch(lines[i + 1])
                if entry is None or (indent is not None and len(entry.group(1)) != indent):
                    break
                indent = len(entry.group(1))
                value = _plain_value(entry.group(2))
                if value is None:
                    return None
                block.append(value[0])
                entry_lines.setdefault(key, []).append(i + 1 + first_line)
                i += 1
            data[key] = block if indent is not None else None
        i += 1
    return data, key_lines, entry_lines
