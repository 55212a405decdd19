"""Importers for existing registers and action logs (CSV, XLSX, JSON, YAML).

Public entry points: :func:`import_file` (a dry run or a real import, all or nothing),
:func:`build_plan` (read a file without touching the database), and the result types.
"""

from __future__ import annotations

from bct_risk.io.headers import ACTIONS, RISKS, ColumnMap, MappingFile, load_mapping
from bct_risk.io.importer import ImportResult, import_file
from bct_risk.io.plan import build_plan
from bct_risk.io.records import ImportOptions, ImportPlan, Problem
from bct_risk.io.write import ImportCounts

__all__ = [
    "ACTIONS",
    "RISKS",
    "ColumnMap",
    "ImportCounts",
    "ImportOptions",
    "ImportPlan",
    "ImportResult",
    "MappingFile",
    "Problem",
    "build_plan",
    "import_file",
    "load_mapping",
]
