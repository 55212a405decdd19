"""The core never loads Textual: domain, services, storage and the CLI's commands run without it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = [
    "bct_risk.domain.models",
    "bct_risk.domain.scoring",
    "bct_risk.services.risks",
    "bct_risk.services.actions",
    "bct_risk.services.committees",
    "bct_risk.services.escalation",
    "bct_risk.services.queries",
    "bct_risk.services.seed",
    "bct_risk.storage.engine",
    "bct_risk.storage.migrate",
    "bct_risk.cli",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import json, sys, {module}; "
        "print(json.dumps([m for m in ('textual', 'rich') if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    found = json.loads(result.stdout)
    allowed_rich = module == "bct_risk.cli"
    assert "textual" not in found
    if not allowed_rich:
        assert "rich" not in found, f"{module} imports Rich; only the CLI and TUI may"
