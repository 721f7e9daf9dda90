"""An output path naming a device is refused, even with --force: the device stays what it is.

Run as root (CI), renaming a finished output over /dev/null replaced the device
with a plain file, and every later git and ssh process failed to open it.
"""

from __future__ import annotations

import stat
from pathlib import Path

from conftest import ACTOR, CliRun

from soplib import Store


def test_force_over_a_device_is_refused_and_the_device_is_untouched(demo_store: Store, cli: CliRun) -> None:
    before = Path("/dev/null").stat()
    assert stat.S_ISCHR(before.st_mode)
    for fmt in ("html", "md", "json", "csv"):
        result = cli("audit", "report", f"--format={fmt}", "--force", "--output=/dev/null")
        assert result.exit_code == 1, result.output
        assert "not a regular file" in result.output and "Traceback" not in result.output
        after = Path("/dev/null").stat()
        assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert cli("audit", "anchor", "--by", ACTOR, "--out=/dev/null").exit_code != 0
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
