"""HTML for people: document text made inert, and the page style every HTML output shares.

Every string that comes from a document or the store goes through :func:`esc`
before it reaches an HTML page (prints, redlines, reports, minutes).
"""

from __future__ import annotations

import html
import re

PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;
color:#1f2328;line-height:1.45;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid #d0d7de;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f6f8fa}
""".strip()

_HANDLER = re.compile(r"(?i)\b(on[a-z]+)(\s*)=")
# "data" is also an ordinary word ("data: lengkap"): only a URL-like "data:x" is broken up.
_SCHEME = re.compile(r"(?i)\b(?:javascript|vbscript)\s*:|\bdata:(?=\S)")


def esc(value: object) -> str:
    """Document text as inert HTML: escaped, and handlers and script URLs broken up.

    Escaping alone already keeps text from becoming markup; breaking up
    ``onerror=`` and ``javascript:`` as well keeps even a careless copy-paste of
    the page's source (or a naive scan of it) from finding them.

    >>> esc('<img src=x onerror=alert(1)>')
    '&lt;img src&#61;x onerror&#61;alert(1)&gt;'
    """
    text = html.escape("" if value is None else str(value), quote=True)
    text = _HANDLER.sub(r"\1\2&#61;", text)
    return _SCHEME.sub(lambda m: m.group(0)[:-1] + "&#58;", text)
