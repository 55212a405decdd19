"""The floor of the Markdown export writes the register paper itself, so the ratio is like for like.

The benchmark's plain-Python writer reads the same rows with ``sqlite3`` and formats them with
f-strings, without escaping; on a demonstration register (whose text needs no escaping) its
paper is the app's paper byte for byte.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bct_risk.export.register import write_register
from bct_risk.services.demo import DemoSize, generate
from bct_risk.services.papers import register_stream
from bct_risk.services.register_rows import RiskFilter

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]
SMALL = DemoSize(risks=120, actions=1200, assessments=600, reviews=30)


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def test_the_plain_writer_writes_the_register_paper(db_path: Path) -> None:
    run = _runner()
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
