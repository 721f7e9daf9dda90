"""Build hook: the gettext catalogues are compiled (.po -> .mo) whenever the package is built.

A wheel carries the compiled ``soplib/locale/<lang>/LC_MESSAGES/soplib.mo``
files; an editable install (``pip install -e .``, what ``make`` does) gets
them compiled in place beside their ``.po``. Everything else about the
package is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithCatalogues(build_py):
    """``build_py``, then every ``.po`` under soplib/locale compiled to its ``.mo``."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        target = ROOT if getattr(self, "editable_mode", False) else Path(self.build_lib)
        for po in sorted((ROOT / "soplib" / "locale").glob("*/LC_MESSAGES/soplib.po")):
            relative = po.relative_to(ROOT)
            mo = target / relative.with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalogue = read_po(source, locale=relative.parts[2], domain="soplib")
            with mo.open("wb") as out:
                write_mo(out, catalogue)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
