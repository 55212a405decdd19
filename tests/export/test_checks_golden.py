"""The seed register's data-quality findings, as a golden file."""

from __future__ import annotations

from datetime import date

from syrupy.assertion import SnapshotAssertion

from bct_risk.export.health import checks_paper, health_summary
from bct_risk.services.checks import run_checks
from bct_risk.services.context import Context


def test_the_seed_registers_findings(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    assert checks_paper(run_checks(seeded_ctx, date(2026, 11, 23))) == md_snapshot


def test_the_health_summary_counts_each_check(seeded_ctx: Context) -> None:
    text = health_summary(run_checks(seeded_ctx, date(2026, 11, 23)))
    assert text.startswith("## Register health\n\nData-quality checks as at 23 Nov 2026: ")
    assert "| Review overdue | 2 | no |" in text
