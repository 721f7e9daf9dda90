"""The seven evaluation criteria of an SOP (the Ya/Tidak evaluation worksheet).

A module of its own, with no imports, because the ``sop review evaluate``
options are built from it when the command line starts.
"""

from __future__ import annotations

CRITERIA: dict[str, str] = {
    "drives_performance": "mampu mendorong peningkatan kinerja",
    "easy_to_understand": "mudah dipahami",
    "easy_to_carry_out": "mudah dilaksanakan",
    "roles_clear": "semua orang dapat menjalankan perannya masing-masing",
    "solves_problems": "mampu mengatasi permasalahan yang berkaitan dengan proses",
    "meets_needs": "mampu menjawab kebutuhan peningkatan kinerja organisasi",
    "fits_other_sops": "sinergi satu dengan lainnya",
}
"""The seven evaluation criteria (answered Ya/Tidak): English name -> the worksheet's wording."""
