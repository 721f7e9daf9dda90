"""Loggers that import :mod:`logging` when they first log, not when their module is imported.

``logging`` (with the ``traceback``, ``threading`` and ``string`` it pulls in) is
a few milliseconds of start-up that ``sop show`` and ``sop list``, which log
nothing, need not pay: their whole run is a few dozen milliseconds. The first
record through a package's logger also gives that package's root logger a
:class:`logging.NullHandler`, as a library should (``sop_store``, ``soplib``), so
nothing is printed unless the application configures logging.

    >>> log = get_logger("sop_store.refs")
    >>> log.debug("read %s", "refs/heads/main")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging


class Logger:
    """The few :class:`logging.Logger` calls soplib makes, forwarded once logging is loaded."""

    __slots__ = ("_name", "_real")

    def __init__(self, name: str) -> None:
        self._name = name
        self._real: logging.Logger | None = None

    def _logger(self) -> logging.Logger:
        if self._real is None:
            import logging

            root = logging.getLogger(self._name.split(".", 1)[0])
            if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
                root.addHandler(logging.NullHandler())
            self._real = logging.getLogger(self._name)
        return self._real

    def debug(self, msg: str, *args: Any) -> None:
        self._logger().debug(msg, *args)

    def info(self, msg: str, *args: Any) -> None:
        self._logger().info(msg, *args)

    def warning(self, msg: str, *args: Any) -> None:
        self._logger().warning(msg, *args)

    def error(self, msg: str, *args: Any) -> None:
        self._logger().error(msg, *args)

    def exception(self, msg: str, *args: Any) -> None:
        self._logger().exception(msg, *args)


def get_logger(name: str) -> Logger:
    """The logger ``name`` (``__name__``), loaded on first use."""
    return Logger(name)
