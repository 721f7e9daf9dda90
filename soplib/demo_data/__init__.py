"""The SOPs and staff list that ship with soplib, for ``sop demo``, the tutorials and tests.

>>> from soplib.demo_data import sop_files, staff_csv
>>> store.sops.add([soplib.load(p) for p in sop_files()], by="ani")
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def folder() -> Path:
    """The folder of the demo data."""
    return Path(str(resources.files("soplib") / "demo_data"))


def sop_files() -> list[Path]:
    """The demo SOPs (Markdown), sorted by name."""
    return sorted(p for p in folder().iterdir() if p.name.endswith(".md"))


def staff_csv() -> Path:
    """The demo staff list (KPU Provinsi NTB and KPU Kabupaten Lombok Barat)."""
    return folder() / "staff.csv"


def attendance_csv() -> Path:
    """A demo attendance list (daftar hadir): the README's tour records it."""
    return folder() / "daftar-hadir.csv"
