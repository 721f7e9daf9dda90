"""Looking at a PDF as a person would: poppler-utils (pdfinfo, pdftotext, pdftoppm) and the page pixels.

Every helper runs the real tool on a real file; nothing here knows how the
print was made. Coordinates are in millimetres from the page's top left.
"""

from __future__ import annotations

import html
import itertools
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

MM_PER_PT = 25.4 / 72

for tool in ("pdfinfo", "pdftotext", "pdftoppm", "pdfimages"):
    assert shutil.which(tool), f"{tool} is missing: apt-get install poppler-utils (.ci/run installs it)"


def _run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Width and height (mm) of every page."""
    count = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M).group(1))  # type: ignore[union-attr]
    out = _run("pdfinfo", "-f", "1", "-l", str(count), str(pdf))
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)
    return [(float(w) * MM_PER_PT, float(h) * MM_PER_PT) for w, h in sizes]


def info(pdf: Path) -> dict[str, str]:
    """pdfinfo's fields (Title, Creator, Producer, CreationDate ...)."""
    return dict(
        (k.strip(), v.strip())
        for k, v in (line.split(":", 1) for line in _run("pdfinfo", str(pdf)).splitlines())
    )


def text(pdf: Path, page: int | None = None) -> str:
    """The text of one page (or all), laid out as on the page (`pdftotext -layout`)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", "-layout", *pages, str(pdf), "-")


def words(pdf: Path, page: int) -> list[Word]:
    """Every word on a page with its box (`pdftotext -bbox`)."""
    out = _run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out
    )
    return [
        Word(html.unescape(t), *(float(v) * MM_PER_PT for v in (x0, y0, x1, y1)))
        for x0, y0, x1, y1, t in found
    ]


def image_count(pdf: Path) -> int:
    """How many raster images the PDF shows (`pdfimages -list`; an image's alpha mask not counted)."""
    lines = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]  # after two header lines
    return sum(1 for line in lines if line.split()[2] == "image")


class PageImage:
    """One page rendered to grey pixels by pdftoppm; ``dark(x, y)`` in mm."""

    def __init__(self, pdf: Path, page: int, *, dpi: int = 100) -> None:
        stem = pdf.with_name(f"{pdf.stem}-p{page}-{dpi}")
        _run("pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-png", "-singlefile",
             str(pdf), str(stem))  # fmt: skip
        self.image = Image.open(stem.with_suffix(".png")).convert("L")
        self.px_per_mm = dpi / 25.4
        self.width_mm = self.image.width / self.px_per_mm
        self.height_mm = self.image.height / self.px_per_mm
        self.pixels = self.image.load()

    def _px(self, mm: float) -> int:
        return round(mm * self.px_per_mm)

    def ink_box(
        self, region: tuple[float, float, float, float] | None = None, *, threshold: int = 128
    ) -> tuple[float, float, float, float] | None:
        """Left, top, right, bottom (mm, on the page) of everything dark in ``region`` (default: the page)."""
        x0, y0 = (region[0], region[1]) if region else (0.0, 0.0)
        crop = self.image.crop(tuple(self._px(v) for v in region)) if region else self.image
        box = crop.point(lambda v: 255 if v < threshold else 0).getbbox()
        if box is None:
            return None
        left, top, right, bottom = (v / self.px_per_mm for v in box)
        return (x0 + left, y0 + top, x0 + right, y0 + bottom)

    def dark_fraction(self, region: tuple[float, float, float, float]) -> float:
        """The share of dark pixels in ``region`` (mm)."""
        crop = self.image.crop(tuple(self._px(v) for v in region))
        histogram = crop.histogram()
        return sum(histogram[:128]) / max(1, sum(histogram))

    def grey_rows(
        self, x0: float, x1: float, y0: float, y1: float, *, low: int = 215, high: int = 248
    ) -> int:
        """How many pixel rows in the box are mostly light grey (a shaded header)."""
        rows = 0
        for y in range(self._px(y0), self._px(y1)):
            xs = range(self._px(x0), self._px(x1))
            grey = sum(1 for x in xs if low <= self.pixels[x, y] <= high)  # type: ignore[index]
            rows += grey > 0.5 * len(xs)
        return rows

    def left_edges(self, x0: float, x1: float, y0: float, y1: float) -> list[int | None]:
        """For every pixel row of the box: the first dark pixel from the left (px from x0), or None."""
        out: list[int | None] = []
        for y in range(self._px(y0), self._px(y1)):
            hit = None
            for x in range(self._px(x0), self._px(x1)):
                if self.pixels[x, y] < 128:  # type: ignore[index]
                    hit = x - self._px(x0)
                    break
            out.append(hit)
        return out


def slanted_run(edges: list[int | None]) -> int:
    """The longest run of rows whose left edge moves steadily left (a diamond's upper-left side).

    A rectangle's side is vertical (the edge stays put); lines are vertical or
    horizontal; only a slanted outline moves the edge a little on every row.
    """
    best = run = 0
    for prev, cur in itertools.pairwise(edges):
        if prev is not None and cur is not None and 0 < prev - cur <= 4:
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best
