"""How long an import of 10,000 rows takes: CPU seconds of ``bct-risk import``, and peak memory.

Run: ``.venv/bin/python bench/import_rows.py [--rows N] [--runs N] [--keep DIR]``. Writes a
register of that many rows (:func:`register_rows`: reference, title, a two-paragraph
description, a risk owner among 333 people, a lead committee among five, inherent, current and
target likelihood and impact, two bulleted controls, two bulleted further actions) as CSV and as
XLSX, then imports each with the real command line (``bct-risk --database FILE import FILE``),
each run a fresh process on a copy of a new, empty register (made once), and prints the
process's CPU seconds (user + system: the machine may be shared, so not wall time) and its peak
memory, from the child's resource usage as ``/usr/bin/time -v`` reports them.

The rows are the same on every run (no randomness), so a figure taken before a change and one
taken after import the same register.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "Ref", "Risk title", "Description", "Risk owner", "Lead committee",
    "Inherent likelihood", "Inherent impact", "Current likelihood", "Current impact",
    "Target likelihood", "Target impact", "Controls", "Further actions",
]  # fmt: skip

_FIRST = ("Amira", "Ben", "Chloe", "Dev", "Ella", "Farid", "Grace", "Hamza", "Isla", "Jack",
          "Kiran", "Leah", "Mo", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
          "Uma", "Vikram", "Wendy", "Yusuf", "Zara")  # fmt: skip
_LAST = ("Ahmed", "Begum", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hussain", "Iqbal",
         "Jones", "Khan", "Lewis", "Mahmood", "Nash", "O'Brien", "Patel", "Rahman", "Singh",
         "Taylor", "Walker")  # fmt: skip
OWNERS = [f"{_FIRST[i % len(_FIRST)]} {_LAST[i // len(_FIRST)]}" for i in range(333)]
"""333 distinct risk owners (checked below)."""
assert len(set(OWNERS)) == len(OWNERS)

COMMITTEES = (
    "Audit and Risk Committee",
    "Finance and Resources Committee",
    "Quality and Performance Committee",
    "People Committee",
    "Executive Leadership Team",
)
_SERVICES = ("children in care", "care leavers", "early help", "fostering", "residential care",
             "the front door", "disabled children", "youth justice", "adoption",
             "safeguarding")  # fmt: skip


def register_rows(count: int) -> list[list[object]]:
    """The register's rows: deterministic, each risk with three scores, controls and actions."""
    rows: list[list[object]] = []
    for i in range(count):
        service = _SERVICES[i % len(_SERVICES)]
        likelihood, impact = 1 + i % 5, 1 + (i * 3) % 5
        rows.append([
            f"SR{i + 1}",
            f"Demand in {service} exceeds capacity ({i + 1})",
            f"If demand in {service} keeps rising, caseloads grow beyond what the teams can "
            f"hold.\n\nRisk {i + 1}: children may wait longer for a visit.",
            OWNERS[(i * 13) % len(OWNERS)],
            COMMITTEES[i % len(COMMITTEES)],
            min(5, likelihood + 1), min(5, impact + 1),
            likelihood, impact,
            max(1, likelihood - 1), max(1, impact - 1),
            f"• Weekly caseload review in {service}\n• Monthly performance report",
            "• Recruit two more social workers\n• Review the sufficiency strategy",
        ])  # fmt: skip
    return rows


def write_files(folder: Path, count: int) -> tuple[Path, Path]:
    """The register as CSV and as XLSX in ``folder``."""
    data = register_rows(count)
    csv_path = folder / f"register-{count}.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(data)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    xlsx_path = folder / f"register-{count}.xlsx"
    book.save(xlsx_path)
    return csv_path, xlsx_path


BCT_RISK = str(Path(sys.executable).with_name("bct-risk"))


def empty_register(folder: Path) -> Path:
    """A new, empty register, made once: each import starts from a copy of it."""
    path = folder / "empty.sqlite"
    if not path.exists():
        subprocess.run([BCT_RISK, "--database", str(path), "list"], check=True,
                       capture_output=True)  # fmt: skip
    return path


def import_once(path: Path, database: Path) -> tuple[float, float]:
    """CPU seconds (user + system) and peak memory (MB) of one ``bct-risk import``."""
    shutil.copy(empty_register(database.parent), database)
    command = [BCT_RISK, "--database", str(database), "import", str(path)]
    # A fork of its own, waited for with wait4, so the usage is this import's alone.
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execv(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        subprocess.run(command, check=True)  # shows why
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    """Write the files, import each ``--runs`` times, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the files (and registers) here")
    parser.add_argument("--write-only", action="store_true", help="write the files and stop")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bct-import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = write_files(folder, args.rows)
    if args.write_only:
        print("\n".join(str(f) for f in files))
        return
    for path in files:
        cpu, peak = [], []
        for _ in range(args.runs):
            seconds, memory = import_once(path, folder / f"{path.suffix[1:]}.sqlite")
            cpu.append(seconds)
            peak.append(memory)
        print(
            f"{path.suffix[1:]:>4}: {args.rows:,} rows; import {statistics.median(cpu):.2f} s "
            f"CPU (min {min(cpu):.2f}, max {max(cpu):.2f}, {args.runs} runs); "
            f"peak memory {max(peak):.0f} MB"
        )
    load = os.getloadavg()[0]
    print(f"load average {load:.2f}; this process {resource.getrusage(0).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
