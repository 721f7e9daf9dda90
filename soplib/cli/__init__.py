"""The ``sop`` command line: a thin layer over soplib's public API.

Each command opens the store, calls one library function and prints the answer.
Library errors are caught in one place (:class:`SopGroup`): one line on stderr,
exit status 1; usage errors exit 2 (click's rule). Heavy imports happen inside
commands, so ``sop --help`` stays fast.
"""

from soplib.cli.main import main

__all__ = ["main"]
