"""Many HTML pages to PDF at once, on every CPU the machine lends us.

An evidence pack of 200 SOPs holds some 300 PDFs; WeasyPrint typesets one in
0.1-0.4 s of one CPU, in pure Python (one interpreter, one CPU at a time).
So the pack hands its pages to a small pool of worker processes, forked from
this one (WeasyPrint and its fonts already loaded), each typesetting whole
documents; the results come back in order. A PDF depends only on its HTML
and its date (:func:`soplib.outputs.pdf.render_pdf`), never on the process
that made it: the pack is byte-identical however many workers there are.

Where ``fork`` is not the safe way to start a process (anything but Linux),
or for a handful of pages, the pages are typeset here, one after the other.

    >>> pdfs = render_pdfs([(html, date(2026, 4, 1)), (other, None)])
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Sequence
from datetime import date

from sop_store.logs import get_logger
from soplib.errors import SopError
from soplib.outputs.pdf import render_pdf, warm_up

_log = get_logger(__name__)

Job = tuple[str, date | None]
MIN_PER_WORKER = 4  # fewer pages than this per worker: a pool costs more than it saves
MAX_WORKERS = 4


def default_workers(jobs: int) -> int:
    """How many worker processes ``jobs`` pages are worth on this machine (1: no pool).

    >>> default_workers(3)  # too few pages for a pool
    1
    """
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, MAX_WORKERS, jobs // MIN_PER_WORKER))


def _one(job: Job) -> bytes | str:
    try:
        return render_pdf(job[0], created=job[1])
    except Exception as exc:  # returned, not raised: an exception may not survive the trip back
        return f"{type(exc).__name__}: {exc}"


def render_pdfs(jobs: Sequence[Job], *, workers: int | None = None) -> list[bytes]:
    """Each (html, created) typeset as a PDF, in order; ``workers`` processes (default: what pays off).

    >>> [pdf[:5] for pdf in render_pdfs([(page, None), (other, date(2026, 4, 1))])]
    [b'%PDF-', b'%PDF-']
    """
    count = default_workers(len(jobs)) if workers is None else max(1, workers)
    if count == 1 or len(jobs) < 2:
        results: list[bytes | str] = [_one(job) for job in jobs]
    else:
        _log.debug("typesetting %d PDFs in %d processes", len(jobs), count)
        warm_up()  # WeasyPrint and the fonts loaded once, here: every worker forks with them ready
        # The longest pages first, so no worker is left with a long one at the end.
        order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][0]))
        with multiprocessing.get_context("fork").Pool(count) as pool:
            done = pool.map(_one, [jobs[i] for i in order], chunksize=1)
        results = [b""] * len(jobs)
        for i, result in zip(order, done, strict=True):
            results[i] = result
    out = []
    for result in results:
        if isinstance(result, str):
            raise SopError("a page could not be typeset as a PDF: {reason}", reason=result)
        out.append(result)
    return out
