"""What a committee pack takes from the assurance framework: checks and scenarios of its risks."""

from __future__ import annotations

from datetime import date

from bct_risk.services.as_at import end_of
from bct_risk.services.baf import load_register
from bct_risk.services.checks import pack_extras
from bct_risk.services.context import Context
from bct_risk.services.queries import list_risks
from bct_risk.services.register_rows import RiskFilter, RiskRow

AS_AT = date(2026, 11, 23)


def test_a_packs_checks_and_scenarios_cover_only_its_risks(seeded_ctx: Context) -> None:
    lines = {r.reference: r for r in list_risks(seeded_ctx, RiskFilter(include_closed=True))}
    owners = {r.reference: r.owner.id if r.owner else None for r in load_register(seeded_ctx).risks}

    def chosen(*refs: str) -> dict[int, tuple[RiskRow, int | None]]:
        return {lines[ref].id: (lines[ref], owners[ref]) for ref in refs}

    with seeded_ctx.transaction() as session:
        report, scenarios = pack_extras(
            session, seeded_ctx.matrix, AS_AT, chosen("SR7", "SR9", "SR1"), end_of(AS_AT)
        )
        _, alone = pack_extras(session, seeded_ctx.matrix, AS_AT, chosen("SR9"), end_of(AS_AT))
    assert {f.reference for f in report.findings} <= {"SR1", "SR7", "SR9"}
    assert report.counts()["review_overdue"] == 2  # SR1 and SR9
    assert report.counts()["exempt_without_reason"] == 0  # the exempt risk is not in the pack
    [scenario] = scenarios
    assert [r.reference for r in scenario.members] == ["SR7", "SR9"]
    assert scenario.scenario.members == ["SR7", "SR9"]
    assert alone == []  # one member alone is no combined exposure
