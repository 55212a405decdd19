"""Round trip: the register exported as CSV or JSON and imported into an empty register exports
the same again (``bct_risk.io``, issue 5, reads what ``bct_risk.export.data`` writes)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bct_risk.export.data import register_csv, register_json
from bct_risk.io.importer import import_file
from bct_risk.services.context import Context
from bct_risk.services.papers import register_records
from bct_risk.services.queries import RiskFilter
from tests.conftest import make_context

EVERYTHING = RiskFilter(include_closed=True)


@pytest.fixture
def empty_ctx(tmp_path: Path, template_dbs: dict[str, Path]) -> Iterator[Context]:
    """An empty register beside the seeded one (the ``ctx`` fixture would share its file)."""
    path = tmp_path / "imported.sqlite"
    shutil.copyfile(template_dbs["empty"], path)
    context = make_context(path)
    yield context
    context.engine.dispose()


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_export_import_export_gives_the_same_file(
    seeded_ctx: Context, empty_ctx: Context, tmp_path: Path, kind: str
) -> None:
    writer = register_csv if kind == "csv" else register_json
    exported = writer(register_records(seeded_ctx, EVERYTHING))
    path = tmp_path / f"register.{kind}"
    path.write_text(exported, "utf-8")
    result = import_file(empty_ctx, path)
    assert result.ok and result.written, [str(p) for p in result.plan.errors]
    assert writer(register_records(empty_ctx, EVERYTHING)) == exported
