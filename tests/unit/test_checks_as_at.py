"""The checks and the BAF paper as at a cut-off read the register as recorded by then: an owner
changed, a leaving date or an exemption reason recorded after the cut-off changes nothing."""

from __future__ import annotations

from datetime import date

from bct_risk.domain.models import RiskUpdate
from bct_risk.export.baf import baf_paper
from bct_risk.services.assurance import mark_left, set_exempt_reason
from bct_risk.services.baf import load_register
from bct_risk.services.checks import CheckReport, assurance_days, register_with_checks
from bct_risk.services.context import Context
from bct_risk.services.risks import update_risk

CUT = date(2026, 11, 22)
"""The paper's cut-off: the day before the frozen clock's today, 23 Nov 2026."""


def subjects(report: CheckReport, check: str) -> list[str]:
    return [f.subject for f in report.findings if f.check == check]


def paper(ctx: Context, as_at: date | None) -> str:
    register, report = register_with_checks(ctx, as_at)
    return baf_paper(register, report, assurance_days(ctx.matrix))


def test_later_changes_leave_the_checks_and_the_paper_as_at_the_cut_off(
    seeded_ctx: Context,
) -> None:
    ctx = seeded_ctx
    then, report = register_with_checks(ctx, CUT)
    sr1 = then.risk("SR1")
    assert sr1 is not None and sr1.owner is not None
    old_owner = sr1.owner.name
    sr9 = then.risk("SR9")
    assert sr9 is not None and sr9.owner is not None
    leaver = sr9.owner.name
    assert subjects(report, "owner_missing_or_left") == []
    assert subjects(report, "exempt_without_reason") == ["OR2026-01"]
    before = paper(ctx, CUT)

    # Recorded today, after the cut-off: a new owner, a back-dated leaving date, a reason.
    update_risk(ctx, "SR1", RiskUpdate(owner="head_hr"))
    mark_left(ctx, "dfr", date(2026, 11, 1))
    set_exempt_reason(ctx, "OR2026-01", "Commercially sensitive")

    now, today = register_with_checks(ctx, None)
    now_sr1 = now.risk("SR1")
    assert now_sr1 is not None and now_sr1.owner is not None
    assert now_sr1.owner.name != old_owner
    assert "SR9" in subjects(today, "owner_missing_or_left")
    assert any(f"risk owner {leaver} left on 1 Nov 2026" == f.message for f in today.findings)
    assert any("its owner" in f.message for f in today.findings)
    assert subjects(today, "exempt_without_reason") == []
    # The same day given as a date reads the same as today's register.
    assert register_with_checks(ctx, date(2026, 11, 23))[1] == today

    again, report = register_with_checks(ctx, CUT)
    again_sr1 = again.risk("SR1")
    assert again_sr1 is not None and again_sr1.owner is not None
    assert again_sr1.owner.name == old_owner
    again_sr9 = again.risk("SR9")
    assert again_sr9 is not None and again_sr9.owner is not None
    assert again_sr9.owner.left_on is None
    assert again_sr9.exempt_reason == ""
    assert subjects(report, "owner_missing_or_left") == []
    assert not any("its owner" in f.message for f in report.findings)
    assert subjects(report, "exempt_without_reason") == ["OR2026-01"]
    assert paper(ctx, CUT) == before
    # The assurance map and a scenario as at the cut-off read the same (assurance list, scenario).
    mapped = load_register(ctx, CUT).risk("SR1")
    assert mapped is not None and mapped.owner is not None and mapped.owner.name == old_owner
    assert paper(ctx, None) != before
