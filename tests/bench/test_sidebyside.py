"""The side-by-side comparisons' checks: outputs told equal or different, VisiData optional."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.bench.runner import RUNNER, load_runner

pytestmark = pytest.mark.bench


def sidebyside() -> ModuleType:
    load_runner()
    sys.path.insert(0, str(RUNNER.parent))
    import sidebyside as module

    return module


def test_outputs_are_equal_as_bytes_as_records_or_different(tmp_path: Path) -> None:
    side = sidebyside()
    app, alt = tmp_path / "app.csv", tmp_path / "alt.csv"
    app.write_text("reference,title\nSR1,Plain title\n", encoding="utf-8")
    alt.write_text("reference,title\nSR1,Plain title\n", encoding="utf-8")
    assert side.same_output(app, alt, "csv").startswith("byte-identical")
    alt.write_text('reference,title\nSR1,"Plain title"\n', encoding="utf-8")
    assert side.same_output(app, alt, "csv").startswith("same records, not byte-identical")
    alt.write_text("reference,title\nSR1,Another title\n", encoding="utf-8")
    assert side.same_output(app, alt, "csv").startswith("DIFFERENT: row 1")
    app.write_text(json.dumps([{"a": 1, "b": [1]}], indent=2), encoding="utf-8")
    alt.write_text(json.dumps([{"a": 1, "b": [2]}]), encoding="utf-8")
    assert side.same_output(app, alt, "json").startswith("DIFFERENT: record 0")
    assert side.same_output(app, alt, "json", ("b",)).startswith("same parsed records")


def test_the_sqlite3_statements_read_the_register_itself(tmp_path: Path) -> None:
    """The alternative's SQL is plain SQLite: it runs on a register with no risks."""
    side = sidebyside()
    run = load_runner()
    from bct_risk.services.register_rows import RiskFilter

    database = tmp_path / "empty.sqlite"
    ctx = run._open(database)
    register_sql = run.compiled_sql(ctx, RiskFilter())
    ctx.engine.dispose()
    words = side.words_of(database)
    assert words.ceilings and len(words.bands) == 14
    raw = sqlite3.connect(database)
    assert raw.execute(side.list_json_sql(register_sql, words)).fetchall() == [("[]",)]
    assert raw.execute(side.export_csv_sql(register_sql)).fetchall() == []
    document = json.loads(raw.execute(side.export_json_sql(register_sql)).fetchone()[0])
    assert document == {"format": "bct-risk register", "version": 1, "risks": []}
    raw.close()


def test_first_rows_without_visidata_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    side = sidebyside()
    monkeypatch.setattr(side, "visidata", lambda: None)
    monkeypatch.setattr(side, "app_rows", lambda reg, timeout: (0.5, 80.0))
    reg = side.Register("S", Path("x"), "", side.Words({}, {}, ""), "SR1", "T", "T", "", "",
                        Path("x"))  # fmt: skip
    comparison = side.first_rows(reg, 2, 10)
    assert comparison.others == [] and "VisiData not installed" in comparison.note
    assert comparison.product.seconds == [0.5, 0.5]
