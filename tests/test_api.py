"""The public API: a sorted ``__all__`` that matches what soplib exports, and docs/api.md runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from importlib.metadata import version
from pathlib import Path

import soplib

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_all_is_sorted_and_unique() -> None:
    assert soplib.__all__ == sorted(soplib.__all__, key=_isort_key)
    assert len(set(soplib.__all__)) == len(soplib.__all__)


def test_all_matches_what_is_exported() -> None:
    for name in soplib.__all__:
        assert getattr(soplib, name) is not None, name
    eager = {
        n for n, v in vars(soplib).items() if not n.startswith("_") and not isinstance(v, types.ModuleType)
    }
    lazy = set(soplib._EXPORTS)
    assert set(soplib.__all__) == eager | lazy | {"__version__"}
    assert soplib.__version__ == version("soplib")


def test_lazy_names_come_from_the_module_that_defines_them() -> None:
    for name, module in soplib._EXPORTS.items():
        assert getattr(sys.modules.get(module) or __import__(module, fromlist=[name]), name) is getattr(
            soplib, name
        )


def test_importing_every_module_leaves_every_exported_name_what_it_is() -> None:
    # Importing a submodule sets it as an attribute of its package: an exported name
    # that were also a submodule's name would turn into that module once it is imported.
    code = (
        "import importlib, pkgutil, types, soplib\n"
        "subs = [m.name for m in pkgutil.walk_packages(soplib.__path__, 'soplib.')]\n"
        "for name in subs: importlib.import_module(name)\n"
        "clash = sorted(set(soplib.__all__) & {n.split('.')[1] for n in subs})\n"
        "modules = [n for n in soplib.__all__ if isinstance(getattr(soplib, n), types.ModuleType)]\n"
        "print(len(subs), clash, modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, rest = out.stdout.strip().split(" ", 1)
    assert int(count) > 40 and rest == "[] []"


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        soplib.NoSuchThing
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("soplib.NoSuchThing did not raise")


def test_importing_the_cli_does_not_import_the_heavy_libraries() -> None:
    heavy = "('git', 'pydantic', 'markdown_it', 'yaml')"
    code = f"import sys, soplib.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_script_in_docs_api_md_runs(tmp_path: Path) -> None:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    block = re.search(r"## A runnable script\n.*?```python\n(.*?)```", text, flags=re.DOTALL)
    assert block, "docs/api.md has no runnable script"
    script = tmp_path / "api_example.py"
    script.write_text(block.group(1), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, env={**os.environ}
    )
    assert out.returncode == 0, out.stderr
    assert "KPU-NTB-SOP-04" in out.stdout and "Traceback" not in out.stderr
    # The script builds its store in a new temporary folder: nothing is written where it runs.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api_example.py"]
