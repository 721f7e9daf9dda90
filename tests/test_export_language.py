"""`sop export` writes the office's document language, as `sop print` does: Bahasa Indonesia unless told."""

from __future__ import annotations

from pathlib import Path

import docx
from conftest import ACTOR, CliRun

from soplib import Store


def _labels(path: Path) -> list[str]:
    return [cell.text for cell in docx.Document(str(path)).tables[0].rows[1].cells]


def test_export_defaults_to_indonesian_and_follows_lang_and_the_profile(
    demo_store: Store, cli: CliRun, tmp_path: Path
) -> None:
    default, english = tmp_path / "id.docx", tmp_path / "en.docx"
    assert cli("export", "KPU-NTB-SOP-04", "-o", str(default)).exit_code == 0
    assert cli("--lang", "en", "export", "KPU-NTB-SOP-04", "-o", str(english)).exit_code == 0
    assert "Tanggal Pembuatan" in _labels(default) and "Date made" in _labels(english)
    demo_store.office.set(language="en", by=ACTOR)
    profile = tmp_path / "profile.docx"
    assert cli("export", "KPU-NTB-SOP-04", "-o", str(profile)).exit_code == 0
    assert "Date made" in _labels(profile)
