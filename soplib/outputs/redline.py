"""Renderings of structural diffs: styled text, JSON and one self-contained HTML page.

The text rendering is a list of lines, each a list of ``(style, text)`` spans,
so the CLI can colour it on a terminal and print it plain when piped, and the
library never prints. Plain markers: ``[-deleted-]`` and ``{+inserted+}``.

The HTML page passes every string that comes from a document through
:func:`esc` (:func:`html.escape`, then text that would read as an event handler
or a script URL broken up); it has inline CSS only, no scripts and no external URLs.

    >>> print(redline_text([diff]))
    >>> Path("diff.html").write_text(redline_html([diff], title="Review R-..."))
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from soplib.documents.diff import FieldChange, ItemChange, StructuralDiff
from soplib.outputs.html import PAGE_CSS, esc

__all__ = ["Span", "esc", "redline_html", "redline_json", "redline_text", "text_lines"]

Span = tuple[str, str]
"""``(style, text)``; styles: ``""``, ``header``, ``dim``, ``kept``, ``removed``, ``added``,
``changed``, ``moved``, ``delete``, ``insert``."""

_SIGN = {"kept": " ", "removed": "-", "added": "+", "changed": "~", "moved": ">"}


def _counts_line(diff: StructuralDiff) -> str:
    c = diff.counts()
    return ", ".join(f"{n} {status}" for status, n in c.items())


def _field_value(value: Any) -> str:
    if value is None:
        return "(none)"
    return json.dumps(value, ensure_ascii=False)


def _field_lines(change: FieldChange) -> list[list[Span]]:
    if change.added or change.removed:
        out = [[("changed", f"~ {change.field}:")]]
        out += [[("removed", f"    - {v}")] for v in change.removed]
        out += [[("added", f"    + {v}")] for v in change.added]
        return out
    old, new = _field_value(change.old), _field_value(change.new)
    return [[("changed", f"~ {change.field}: "), ("delete", old), ("", " -> "), ("insert", new)]]


def _item_line(change: ItemChange) -> list[Span]:
    sign = _SIGN[change.status]
    keys = change.new_key if change.old_key == change.new_key else f"{change.old_key} -> {change.new_key}"
    if change.status == "changed":
        spans: list[Span] = [("changed", f"{sign} {keys}: ")]
        for seg in change.redline:
            if seg.op == "equal":
                spans.append(("", seg.text))
            elif seg.op == "delete":
                spans.append(("delete", f"[-{seg.text}-]"))
            else:
                spans.append(("insert", f"{{+{seg.text}+}}"))
        return spans
    if change.status == "moved":
        return [("moved", f"{sign} {keys}: {change.new_text}")]
    if change.status == "removed":
        return [("removed", f"{sign} {change.old_key}: {change.old_text}")]
    if change.status == "added":
        return [("added", f"{sign} {change.new_key}: {change.new_text}")]
    return [("kept", f"{sign} {keys}: {change.new_text}")]


def text_lines(diffs: Sequence[StructuralDiff]) -> list[list[Span]]:
    """The text rendering as lines of styled spans (for a terminal)."""
    out: list[list[Span]] = []
    for n, diff in enumerate(diffs):
        if n:
            out.append([])
        out.append([("header", f"{diff.sop_id}: {diff.title} ({diff.old_label} -> {diff.new_label})")])
        out.append([("dim", _counts_line(diff))])
        if diff.fields:
            out.append([("header", "front matter")])
            for change in diff.fields:
                out += _field_lines(change)
        out.append([("header", "items")])
        for item in diff.items:
            text = _item_line(item)
            # Multi-line items keep their line breaks, indented under the key.
            joined = "".join(t for _, t in text)
            if "\n" in joined:
                text = [(style, t.replace("\n", "\n    ")) for style, t in text]
            out.append(text)
    return out


def redline_text(diffs: Sequence[StructuralDiff]) -> str:
    """The text rendering, plain (what is printed when the output is piped)."""
    return "".join("".join(t for _, t in line) + "\n" for line in text_lines(diffs))


def redline_json(diffs: Sequence[StructuralDiff]) -> list[dict[str, Any]]:
    """The JSON rendering: one object per SOP (schema in docs/cli.md)."""
    return [d.to_json() for d in diffs]


_CSS = (
    PAGE_CSS
    + """.key{white-space:nowrap;font-family:monospace;font-size:.85rem}
ins{background:#dafbe1;text-decoration:none}del{background:#ffebe9;text-decoration:line-through}
tr.removed td{background:#fff5f5}tr.added td{background:#f3fff5}tr.moved td{background:#f5f8ff}
tr.kept td{color:#57606a}.counts{color:#57606a}.status{font-weight:600;white-space:nowrap}
.text{white-space:pre-wrap}
""".strip()
)


def _html_item(change: ItemChange) -> str:
    if change.status == "changed":
        parts = []
        for seg in change.redline:
            tag = {"equal": "", "delete": "del", "insert": "ins"}[seg.op]
            parts.append(f"<{tag}>{esc(seg.text)}</{tag}>" if tag else esc(seg.text))
        body = "".join(parts)
    elif change.status == "removed":
        body = f"<del>{esc(change.old_text)}</del>"
    elif change.status == "added":
        body = f"<ins>{esc(change.new_text)}</ins>"
    else:
        body = esc(change.new_text)
    keys = " &rarr; ".join(esc(k) for k in (change.old_key, change.new_key) if k)
    if change.status in ("kept", "changed", "moved") and change.old_key == change.new_key:
        keys = esc(change.new_key)
    return (
        f'<tr class="{change.status}"><td class="status">{change.status}</td>'
        f'<td class="key">{keys}</td><td class="text">{body}</td></tr>'
    )


def _html_field(change: FieldChange) -> str:
    if change.added or change.removed:
        body = "<br>".join(
            [
                *(f"<del>{esc(v)}</del>" for v in change.removed),
                *(f"<ins>{esc(v)}</ins>" for v in change.added),
            ]
        )
    else:
        body = f"<del>{esc(_field_value(change.old))}</del> <ins>{esc(_field_value(change.new))}</ins>"
    return f'<tr><td class="key">{esc(change.field)}</td><td class="text">{body}</td></tr>'


def _html_diff(diff: StructuralDiff) -> str:
    out = [
        f"<section><h2>{esc(diff.sop_id)}: {esc(diff.title)}</h2>",
        f'<p class="counts">{esc(diff.old_label)} &rarr; {esc(diff.new_label)}: '
        f"{esc(_counts_line(diff))}</p>",
    ]
    if diff.fields:
        out.append("<h3>Front matter</h3><table><tr><th>field</th><th>change</th></tr>")
        out += [_html_field(f) for f in diff.fields]
        out.append("</table>")
    out.append("<h3>Items</h3><table><tr><th>status</th><th>key</th><th>text</th></tr>")
    out += [_html_item(c) for c in diff.items]
    out.append("</table></section>")
    return "\n".join(out)


def redline_html(diffs: Sequence[StructuralDiff], *, title: str) -> str:
    """One self-contained HTML page with the redline of every diff (inline CSS, no scripts)."""
    sections = "\n".join(_html_diff(d) for d in diffs)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<h1>{esc(title)}</h1>\n"
        '<p class="counts">Legend: <del>removed text</del> <ins>added text</ins></p>\n'
        f"{sections}\n</body>\n</html>\n"
    )
