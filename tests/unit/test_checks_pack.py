"""What a committee pack takes from the assurance framework: checks and scenarios of its risks."""

from __future__ import annotations

from datetime import date

from bct_risk.services.baf import load_register
from bct_risk.services.checks import pack_extras
from bct_risk.services.context import Context

AS_AT = date(2026, 11, 23)


def test_a_packs_checks_and_scenarios_cover_only_its_risks(seeded_ctx: Context) -> None:
    register = load_register(seeded_ctx, AS_AT)
    ids = {r.reference: r.id for r in register.risks}
    with seeded_ctx.transaction() as session:
        report, scenarios = pack_extras(
            session, seeded_ctx.matrix, AS_AT, {ids["SR7"], ids["SR9"], ids["SR1"]}
        )
        _, alone = pack_extras(session, seeded_ctx.matrix, AS_AT, {ids["SR9"]})
    assert {f.reference for f in report.findings} <= {"SR1", "SR7", "SR9"}
    assert report.counts()["review_overdue"] == 2  # SR1 and SR9
    assert report.counts()["exempt_without_reason"] == 0  # the exempt risk is not in the pack
    [scenario] = scenarios
    assert [r.reference for r in scenario.members] == ["SR7", "SR9"]
    assert scenario.scenario.members == ["SR7", "SR9"]
    assert alone == []  # one member alone is no combined exposure
