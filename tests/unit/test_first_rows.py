"""The register's first screenful read with sqlite3 alone: the same lines as the register's own
list, in the register's order, and no answer (rather than a wrong one) where it cannot read."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bct_risk.config import Settings
from bct_risk.services import queries
from bct_risk.services.demo import DemoSize, generate
from bct_risk.services.first_rows import FIRST_IDS_SQL, read_first_rows, sqlite_file
from bct_risk.services.register_rows import RiskFilter, RiskRow, reference_key
from tests.conftest import FROZEN_NOW, make_context

TODAY = FROZEN_NOW.date()


def settings_for(path: Path | str, matrix: Path | None = None) -> Settings:
    return Settings(database_url=f"sqlite:///{path}", actor="tester", matrix_path=matrix)


def the_register_list(path: Path) -> list[RiskRow]:
    ctx = make_context(path)
    try:
        rows = queries.list_risks(ctx, RiskFilter())
    finally:
        ctx.engine.dispose()
    return sorted(rows, key=lambda r: reference_key(r.reference))


@pytest.mark.parametrize("limit", [1, 3, 10, 200])
def test_the_first_rows_are_the_register_lists_first_lines(
    seeded_db_path: Path, limit: int
) -> None:
    expected = the_register_list(seeded_db_path)
    first = read_first_rows(settings_for(seeded_db_path), limit, TODAY)
    assert first is not None
    assert first.rows == expected[:limit]
    assert first.complete == (limit >= len(expected))


def test_on_a_large_register_every_line_matches_the_list(db_path: Path) -> None:
    # A demonstration register: closed risks, risks without scores, every appetite and tier,
    # overdue reviews and references with several numbers.
    ctx = make_context(db_path)
    generate(ctx, DemoSize(risks=300, actions=300, assessments=900, reviews=10), seed=3)
    ctx.engine.dispose()
    expected = the_register_list(db_path)
    first = read_first_rows(settings_for(db_path), 120, TODAY)
    assert first is not None and not first.complete
    assert first.rows == expected[:120]
    everything = read_first_rows(settings_for(db_path), 1000, TODAY)
    assert everything is not None and everything.complete
    assert everything.rows == expected


references = st.text(
    alphabet=st.sampled_from("AB-/ 0123456789é"), min_size=0, max_size=8
) | st.from_regex(r"[A-Z]{1,3}[0-9]{0,25}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(references, min_size=1, max_size=30, unique=True), st.integers(1, 31))
def test_the_sql_order_is_the_registers_order(names: list[str], limit: int) -> None:
    # Leading zeros, numbers too long for 64 bits, no number at all, digits mid-reference.
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE risk (id INTEGER PRIMARY KEY, reference TEXT, status TEXT)")
    db.executemany(
        "INSERT INTO risk (id, reference, status) VALUES (?, ?, 'open')", enumerate(names)
    )
    ids = [i for (i,) in db.execute(FIRST_IDS_SQL, {"status": "open", "limit": limit})]
    assert [names[i] for i in ids] == sorted(names, key=reference_key)[:limit]


def test_a_register_it_cannot_read_gets_no_answer(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    assert read_first_rows(settings_for(missing), 10) is None
    assert not missing.exists()  # looked at, never made

    not_a_database = tmp_path / "notes.sqlite"
    not_a_database.write_text("minutes of the meeting")
    assert read_first_rows(settings_for(not_a_database), 10) is None

    blank = tmp_path / "blank.sqlite"
    sqlite3.connect(blank).close()
    assert read_first_rows(settings_for(blank), 10) is None

    server = Settings("postgresql+psycopg://u:p@localhost/register", "tester")
    assert read_first_rows(server, 10) is None


def test_an_older_schema_or_a_bad_matrix_is_left_to_the_usual_opening(
    tmp_path: Path, db_path: Path
) -> None:
    assert read_first_rows(settings_for(db_path), 10) is not None
    bad_matrix = tmp_path / "matrix.toml"
    bad_matrix.write_text("likelihood = 5\n")
    assert read_first_rows(settings_for(db_path, bad_matrix), 10) is None

    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE alembic_version SET version_num = '0002'")
    assert read_first_rows(settings_for(db_path), 10) is None


def test_only_plain_sqlite_file_urls_are_read() -> None:
    assert sqlite_file("sqlite:////srv/db/register.sqlite") == Path("/srv/db/register.sqlite")
    assert sqlite_file("sqlite:///register.sqlite") == Path("register.sqlite")
    for url in (
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///register.sqlite?mode=ro",
        "sqlite:///my%20register.sqlite",
        "postgresql+psycopg://u:p@h/db",
    ):
        assert sqlite_file(url) is None, url


def test_reading_the_first_rows_loads_no_database_library(seeded_db_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from bct_risk.config import Settings\n"
        "from bct_risk.services.first_rows import read_first_rows\n"
        f"first = read_first_rows(Settings.from_env({str(seeded_db_path)!r}), 5)\n"
        "print(json.dumps([len(first.rows), sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'sqlmodel', 'alembic', 'pydantic', 'textual'))]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [5, []]
