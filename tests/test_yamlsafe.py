"""The fast reading of plainly written front matter gives exactly what the event reader gives, or nothing.

``read_plain`` skips YAML's event stream for ``key: value`` lines, flow lists and
block lists of simple values. For every front matter it accepts (generated from
lines an SOP uses and lines YAML reads specially), the result, the key lines and
the entry lines equal the event reader's, and it never accepts what the event
reader refuses.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soplib.documents.yamlsafe import YamlError, read_events, read_plain

COMMON = [
    "id: KPU-01",
    "title: Prosedur Uji 1",
    "title: 2024",
    "unit: Subbagian Umum",
    "legal_basis: [UU 7/2017, PKPU 8]",
    "legal_basis:",
    "- UU Nomor 7",
    "  - UU Nomor 8",
    "- 'kutip: satu'",
    '- "dua # x"',
    "review_interval_months: 12",
    "x: y z",
    "tags: ['a', \"b\"]",
    'title: "Pelayanan: Informasi Publik"',
    "title: 12:00 WITA",
    "title: http://kpu.go.id/x",
    "title: ü ñ 日本",
]
TRICKY = [
    "",
    "x: null",
    "x: ~",
    "y: Null",
    "z:",
    "title: 'it''s'",
    "title: a: b",
    "title: a #c",
    "title: a:",
    "title: [a, b",
    "tags: []",
    "tags: [ ]",
    "tags: [a,]",
    "tags: [a, , b]",
    'tags: ["a]", b]',
    "tags: [a], b]",
    "# komentar",
    "  indented: x",
    "key:value",
    "null: x",
    "title: -5",
    "title: 'x'",
    'title: "x\\ty"',
    "title: a\u2028b",
    "title: a\x85b",
    "title: \ufeffx",
    "title: a\tb",
    "title: {a: b}",
    "title: &a x",
    "title: *a",
    "title: !tag x",
    "title: a  ",
    "title:    spaced   ",
    "- ",
    "-x",
    "- - a",
    "---",
    "...",
    "title: |",
    "  block",
    "title: >",
    "list:",
    "  - a",
    "    - c",
    "title: ²x",
    "title: x'y\"z",
    "title: [x]y",
    "title: x, [y] {z}",
    "<<: x",
    "title: a\u00a0",
    "title: a\r",
    "declared:",
    "  number: 12",
    "title: %x",
    "title: @x",
    "title: `x`",
    "tags: [\u00a0a]",
    "tags: [\u00a0]",
    "tags: [a\u3000]",
    '_: ["a\'b"\u00a0]',
    "legal_basis: ['UU 7',\u00a0'PKPU']",
    "title: a\u00a0: b",
    "title: x\u2003",
    "k" * 1025 + ": x",
    "tags: [" + ",".join("a" * 10_001) + "]",
]


def _same_or_refused(text: str) -> bool:
    """True if read_plain accepted ``text``; asserts it read it as the event reader does."""
    fast = read_plain(text, 2)
    if fast is None:
        return False
    try:
        slow: object = read_events(text, 2)
    except YamlError as exc:
        slow = ("refused", str(exc))
    assert fast == slow, text
    return True


def test_generated_front_matter_reads_alike() -> None:
    rng = random.Random(20261130)
    accepted = 0
    for _ in range(40_000):
        pool = COMMON if rng.random() < 0.7 else COMMON + TRICKY
        lines = [rng.choice(pool) for _ in range(rng.randint(0, 8))]
        accepted += _same_or_refused("\n".join(lines) + ("\n" if rng.random() < 0.9 else ""))
    assert accepted > 4_000  # not vacuous (about 4,900 are accepted)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(COMMON + TRICKY), max_size=10))
def test_any_front_matter_reads_alike(lines: list[str]) -> None:
    _same_or_refused("\n".join(lines) + "\n")


def test_the_usual_front_matter_takes_the_fast_reading() -> None:
    text = "id: KPU-01\ntitle: Prosedur\nunit: Umum\nlegal_basis: [UU 7]\nreview_interval_months: 12\n"
    assert read_plain(text, 2) == (
        {
            "id": "KPU-01",
            "title": "Prosedur",
            "unit": "Umum",
            "legal_basis": ["UU 7"],
            "review_interval_months": "12",
        },
        {"id": 2, "title": 3, "unit": 4, "legal_basis": 5, "review_interval_months": 6},
        {"legal_basis": [5]},
    )
