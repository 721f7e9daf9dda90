"""README.md's five-minute tour works exactly as written: its shell blocks, pasted in order into bash."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tour_script() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("## A five-minute tour"), readme.index("## Documentation")
    blocks = re.findall(r"```sh\n(.*?)```", readme[start:end], flags=re.DOTALL)
    assert len(blocks) >= 5, "the tour lost its shell blocks"
    return "\n".join(blocks)


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOP_")}
    # As after `source .venv/bin/activate`; mktemp -d makes its scratch folder under tmp_path.
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "TMPDIR": str(tmp_path),
    }
    done = subprocess.run(
        ["bash"], input=tour_script(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Traceback" not in out and "internal error" not in out and "Usage:" not in out, out
    # The one refusal the tour shows on purpose, and nothing else refused.
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "may not approve session" in errors[0], errors
    (scratch,) = tmp_path.iterdir()
    assert (scratch / "sop-01.pdf").read_bytes().startswith(b"%PDF-")
    assert zipfile.is_zipfile(scratch / "sop-04.docx") and zipfile.is_zipfile(scratch / "bukti-sop.zip")
    assert "<html" in (scratch / "laporan-sop.html").read_text(encoding="utf-8").lower()
    assert (scratch / "anchor.json").is_file() and (scratch / "kab" / "HEAD").is_file()
    for expected in (
        "approved R-", "KPU-NTB-SOP-01 v2", "KPU-NTB-SOP-02 v2", "imported KPU-NTB-SOP-04 v1",
        "5 attendees added", "verified: ",
    ):  # fmt: skip
        assert expected in done.stdout, expected
