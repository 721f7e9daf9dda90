"""Edits of the identity part: list entries (``legal_basis/2``) and scalar fields (``title``).

A review may keep, remove or replace each entry of a list field of the front
matter, add entries, and replace a scalar field. Only the touched fields' lines
are rewritten (as plain YAML, ``field:`` then one ``- entry`` per line); every
other line of the front matter stays as it was written.

    >>> apply_identity(doc, [Replace("equipment/2", "Aplikasi SRIKANDI")], lines, nl="\\n")
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from soplib.documents.model import LIST_FIELDS, SCALAR_FIELDS, SopDocument
from soplib.documents.yamlsafe import read_yaml_with_lines
from soplib.errors import InvalidInputError


def _dump(name: str, value: Any, nl: str) -> list[str]:
    if isinstance(value, list) and not value:
        return []
    if name == "review_interval_months" and isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    text = yaml.safe_dump(
        {name: value}, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10**6
    )
    lines = text.rstrip("\n").split("\n")
    return [("  " + line if line.startswith("- ") else line) + nl for line in lines]


def _one_line(text: str, what: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise InvalidInputError("the new text of {what} is empty", what=what)
    return value


def apply_identity(doc: SopDocument, edits: Sequence[Any], lines: list[str], *, nl: str) -> list[str]:
    """``lines`` (the whole file) with the identity edits applied to the front matter's lines."""
    from soplib.documents.edit import InsertAfter, InsertAtStart, Remove, Replace

    front_end = doc.body_start - 1  # index of the closing '---' line
    _, key_lines, _ = read_yaml_with_lines("".join(lines[1:front_end]), first_line=2)
    values: dict[str, Any] = {}
    for name in LIST_FIELDS:
        values[name] = list(getattr(doc.front, name))
    touched: set[str] = set()
    removed: dict[str, set[int]] = {}
    replaced: dict[str, dict[int, str]] = {}
    after: dict[str, dict[int, list[str]]] = {}
    for edit in edits:
        if isinstance(edit, InsertAtStart):
            field = edit.section
            after.setdefault(field, {}).setdefault(0, []).append(_one_line(edit.text, field))
        else:
            field, _, number = edit.key.partition("/")
            index = int(number) if number else 0
            if isinstance(edit, Remove):
                if field in SCALAR_FIELDS:
                    if field == "title":
                        raise InvalidInputError("the title cannot be removed; replace it")
                    values[field] = None
                else:
                    removed.setdefault(field, set()).add(index)
            elif isinstance(edit, Replace):
                if field in SCALAR_FIELDS:
                    values[field] = _one_line(edit.text, field)
                else:
                    replaced.setdefault(field, {})[index] = _one_line(edit.text, edit.key)
            elif isinstance(edit, InsertAfter):
                if field in SCALAR_FIELDS:
                    raise InvalidInputError(
                        "{field} is a single value: replace it instead of adding", field=field
                    )
                after.setdefault(field, {}).setdefault(index, []).append(_one_line(edit.text, field))
        touched.add(field)
    for field in LIST_FIELDS:
        if field not in touched:
            continue
        old = values[field]
        new: list[str] = list(after.get(field, {}).get(0, []))
        for i, entry in enumerate(old, start=1):
            if i not in removed.get(field, set()):
                new.append(replaced.get(field, {}).get(i, entry))
            new += after.get(field, {}).get(i, [])
        values[field] = new
    return _rewrite(lines, key_lines, front_end, {f: values[f] for f in sorted(touched)}, nl)


def _rewrite(
    lines: list[str], key_lines: dict[str, int], front_end: int, new: dict[str, Any], nl: str
) -> list[str]:
    starts = sorted(key_lines.values())
    spans: dict[int, tuple[int, str]] = {}  # start index -> (end index exclusive, field)
    for field, line in key_lines.items():
        if field in new:
            later = [s for s in starts if s > line]
            end = (later[0] if later else front_end + 1) - 1  # 1-based line after the block
            spans[line - 1] = (end, field)
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i in spans:
            end, field = spans[i]
            value = new[field]
            if value is not None:
                out += _dump(field, value, nl)
            i = end
            continue
        if i == front_end:  # fields that were not there before go last
            for field, value in new.items():
                if field not in key_lines and value is not None:
                    out += _dump(field, value, nl)
        out.append(lines[i])
        i += 1
    return out
