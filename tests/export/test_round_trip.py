"""Round trip: the register exported as CSV or JSON and imported into an empty register exports
the same again (``bct_risk.io``, issue 5, reads what ``bct_risk.export.data`` writes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bct_risk.export.data import register_csv, register_json
from bct_risk.io.importer import import_file
from bct_risk.services.context import Context
from bct_risk.services.papers import register_records
from bct_risk.services.register_rows import RiskFilter

EVERYTHING = RiskFilter(include_closed=True)


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_export_import_export_gives_the_same_file(
    seeded_ctx: Context, ctx: Context, tmp_path: Path, kind: str
) -> None:
    writer = register_csv if kind == "csv" else register_json
    exported = writer(register_records(seeded_ctx, EVERYTHING))
    path = tmp_path / f"register.{kind}"
    path.write_text(exported, "utf-8")
    result = import_file(ctx, path)
    assert result.ok and result.written, [str(p) for p in result.plan.errors]
    assert writer(register_records(ctx, EVERYTHING)) == exported
