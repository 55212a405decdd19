"""The side-by-side comparisons' checks: outputs told equal or different, VisiData optional."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
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
    assert document == {
        "format": "bct-risk register",
        "version": 1,
        "risks": [],
        "committees": [],
        "meetings": [],
    }
    raw.close()


def test_the_sqlite3_floor_writes_the_json_export(seeded_db_path: Path) -> None:
    """The floor of ``export register -f json`` writes the same document as the app, every
    field compared: on the seed register with a risk closed and reopened, controls retired
    (one retired, restored and retired again by someone else; one with a source of assurance;
    one marked retired with no retirement in the audit trail) and sources of assurance."""
    side = sidebyside()
    run = load_runner()
    from bct_risk.services.register_rows import RiskFilter

    if shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 command line is not installed")
    database = seeded_db_path
    raw = sqlite3.connect(database)
    kept, twice, sourced, marked, *_ = [
        cid
        for (cid,) in raw.execute(
            "SELECT c.id FROM control c JOIN risk r ON r.id = c.risk_id "
            "WHERE r.status = 'open' AND c.retired_on IS NULL ORDER BY c.id"
        )
    ]
    raw.close()
    env = run.child_env()

    def app(*args: str, who: str = "Risk Officer") -> None:
        argv = run.bct_risk_argv("-d", str(database), "--as", who, *args)
        subprocess.run(argv, check=True, capture_output=True, env=env, timeout=120)

    app("close", "SR8", "--reason", "Merged into SR9")
    app("reopen", "SR8", "--reason", "Split again")

    def source(control: int, evidence: str, line: str, day: str, *more: str) -> None:
        app("assurance", "add", str(control), "--evidence", evidence, "--line", line, "--date", day,
            *more)  # fmt: skip

    source(kept, "Internal audit report", "3", "2026-10-01", "--link", "https://example.org/a")
    source(kept, "Spot check", "2", "2026-09-01", "--from", "Internal Audit", "--negative")
    app("control", "retire", str(twice), "--reason", "No longer run", "--date", "2026-11-20")
    app("control", "restore", str(twice), "--reason", "Back in use")
    app("control", "retire", str(twice), "--reason", "Stopped again", who="Head of HR")
    source(sourced, "Board minutes", "2", "2026-08-01")
    app("control", "retire", str(sourced), "--reason", "Superseded")
    raw = sqlite3.connect(database)
    with raw:
        raw.execute(
            "UPDATE control SET retired_on = '2026-10-10', retired_reason = 'Imported as "
            "retired' WHERE id = ?",
            (marked,),
        )
    raw.close()
    exported, floor = database.with_name("app.json"), database.with_name("sqlite.json")
    app("export", "register", "-f", "json", "-o", str(exported))
    ctx = run._open(database)
    register_sql = run.compiled_sql(ctx, RiskFilter())
    ctx.engine.dispose()
    with floor.open("wb") as out:
        subprocess.run(
            side.sqlite3_argv(database, side.export_json_sql(register_sql)),
            check=True,
            stdout=out,
            timeout=120,
        )
    said = side.same_output(exported, floor, "json")
    assert said.startswith(("byte-identical", "same parsed records")), said
    assert "not compared" not in said
    # What the comparison covered: every field the app writes, each kind present.
    document = json.loads(exported.read_text(encoding="utf-8"))
    risks = {risk["reference"]: risk for risk in document["risks"]}
    assert document["committees"] and document["meetings"]
    assert [c["action"] for c in risks["SR8"]["closures"]] == ["close", "reopen"]
    retired = [c for risk in risks.values() for c in risk["retired_controls"]]
    assert len(retired) == 3 and {c["retired_by"] for c in retired} == {
        "Head of HR",
        "Risk Officer",
        None,
    }
    assert any(c["assurance"] for c in retired)
    assert any(len(c["assurance"]) == 2 for risk in risks.values() for c in risk["controls"])


def test_first_rows_without_visidata_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    side = sidebyside()
    monkeypatch.setattr(side, "visidata", lambda: None)
    monkeypatch.setattr(side, "app_rows", lambda reg, timeout: (0.5, 80.0))
    reg = side.Register(
        "S", Path("x"), "", side.Words({}, {}, ""), "SR1", "T", "T", "", "", Path("x")
    )
    comparison = side.first_rows(reg, 2, 10)
    assert comparison.others == [] and "VisiData not installed" in comparison.note
    assert comparison.product.seconds == [0.5, 0.5]
