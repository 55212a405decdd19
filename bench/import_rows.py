"""How long an import of 10,000 rows takes: CPU seconds to read the file, and to import it.

Run: ``.venv/bin/python bench/import_rows.py [rows]``. Builds a register of that many rows
(reference, title, a two-paragraph description, one of 40 owners, likelihood, impact, two
bulleted controls, an action, a note) as CSV and as XLSX in a temporary folder, and imports each
into a new SQLite register, printing process CPU seconds (not wall time: the machine may be
shared) and the peak memory.
"""

from __future__ import annotations

import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from bct_risk.config import Settings
from bct_risk.io import build_plan, import_file
from bct_risk.services.context import open_register

HEADER = ["Ref", "Risk title", "Description", "Owner", "Likelihood", "Impact", "Controls",
          "Actions", "Notes"]  # fmt: skip


def rows(count: int) -> list[list[object]]:
    """The register's rows."""
    return [
        [
            f"B{i}",
            f"Risk number {i}",
            f"Something may happen {i}.\n\nSecond paragraph.",
            f"Person {i % 40}",
            1 + i % 5,
            1 + (i * 3) % 5,
            "• Control one\n• Control two",
            "Do a thing",
            "note",
        ]
        for i in range(count)
    ]


def main() -> None:
    """Build the files, import each, print the figures."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    folder = Path(tempfile.mkdtemp(prefix="bct-import-bench-"))
    data = rows(count)
    csv_path = folder / "register.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(data)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    xlsx_path = folder / "register.xlsx"
    book.save(xlsx_path)
    for path in (csv_path, xlsx_path):
        ctx = open_register(Settings.from_env(database=str(folder / f"{path.suffix[1:]}.sqlite")))
        start = time.process_time()
        plan = build_plan(path, ctx.matrix)
        read = time.process_time() - start
        start = time.process_time()
        result = import_file(ctx, path)
        whole = time.process_time() - start
        assert result.written and len(result.counts.risks) == count, plan.errors[:3]
        print(
            f"{path.suffix[1:]:>4}: {count:,} rows; read {read:.2f} s CPU; "
            f"import (read and write) {whole:.2f} s CPU"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory {peak} MB")


if __name__ == "__main__":
    main()
