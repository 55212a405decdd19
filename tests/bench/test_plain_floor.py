"""The floor of the Markdown export writes the register paper itself, so the ratio is like for like.

The benchmark's plain-Python writer reads the same rows with ``sqlite3`` and formats them with
f-strings, without escaping; on a demonstration register (whose text needs no escaping) its
paper is the app's paper byte for byte.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bct_risk.export.register import write_register
from bct_risk.services.demo import DemoSize, generate
from bct_risk.services.papers import register_stream
from bct_risk.services.register_rows import RiskFilter
from tests.bench.runner import load_runner

pytestmark = pytest.mark.bench

SMALL = DemoSize(risks=120, actions=1200, assessments=600, reviews=30)


def test_the_plain_writer_writes_the_register_paper(db_path: Path) -> None:
    run = load_runner()
    # The runner's own way of opening a register: today's date, as the plain writer uses.
    ctx = run._open(db_path)
    try:
        generate(ctx, SMALL, seed=3)
        paper = io.StringIO()
        count = write_register(ctx.matrix, register_stream(ctx), paper)
        words = run.PlainWords.of(ctx.matrix)
        sql = run.compiled_sql(ctx, RiskFilter())
    finally:
        ctx.engine.dispose()
    plain = io.StringIO()
    assert run.plain_register_markdown(db_path, sql, words, plain) == count > 50
    assert plain.getvalue() == paper.getvalue()
    # The comparison covered the parts with most to get wrong.
    text = paper.getvalue()
    assert "(overdue)" in text and "; assurance " in text and "| Latest update |" in text
