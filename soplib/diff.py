"""Differences between two versions of an SOP (the unified line diff).

Built on the standard library's :mod:`difflib`.
"""

from __future__ import annotations

import difflib


def unified(old: str, new: str, *, old_label: str, new_label: str, context: int = 3) -> str:
    """A unified line diff of two texts, as ``git diff`` would print it."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
        n=context,
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
