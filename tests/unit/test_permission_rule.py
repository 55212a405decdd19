"""The one rule of who may change what (permissions.refusal): pure, and the one authorize uses."""

from __future__ import annotations

import pytest

from bct_risk.domain.enums import ActionKind, Role, Tier
from bct_risk.domain.errors import PermissionDeniedError
from bct_risk.services import people, queries, risks
from bct_risk.services.context import Context
from bct_risk.services.indicators import ValueInput, record_value
from bct_risk.services.permissions import (
    Acting,
    ActionFacts,
    Change,
    RiskFacts,
    acting,
    indicator_refusal,
    refusal,
)

ADA = Acting("Ada Admin", Role.ADMINISTRATOR)
SAM = Acting("Sam Secretary", Role.SECRETARIAT)
VIC = Acting("Vic Viewer", Role.VIEWER)
RITA = Acting("Rita Owner", Role.RISK_OWNER, own_risks=frozenset({"SR9"}))
MINE = RiskFacts("SR9", owned=True, owner="Rita Owner", tier=Tier.STRATEGIC)
THEIRS = RiskFacts("SR2", owned=False, owner="James", tier=Tier.STRATEGIC)


@pytest.mark.parametrize("change", list(Change))
def test_an_administrator_may_make_every_change(change: Change) -> None:
    assert refusal(ADA, change, risk=THEIRS) is None
    assert refusal(Acting("postgres", None, dba=True), change) is None


@pytest.mark.parametrize("change", list(Change))
def test_a_viewer_may_make_none(change: Change) -> None:
    assert refusal(VIC, change, risk=THEIRS) == f"Vic Viewer (viewer) may not {change.value}"


def test_a_risk_owner_changes_only_their_own_risks() -> None:
    assert refusal(RITA, Change.SCORE, risk=MINE) is None
    assert refusal(RITA, Change.SCORE, risk=THEIRS) == (
        "Rita Owner (risk owner) may score risks only on their own risks; SR2 belongs to James"
    )
    assert refusal(RITA, Change.SCORE) == "Rita Owner (risk owner) may not score risks"
    assert refusal(RITA, Change.ADD_RISK, risk=MINE) == (
        "Rita Owner (risk owner) may not add risks"
    )
    unknown = RiskFacts("SR2", owned=False, owner=None)
    assert refusal(RITA, Change.MOVE, risk=unknown) == (
        "Rita Owner (risk owner) may escalate or de-escalate risks only on their own risks; "
        "SR2 is someone else's"
    )


def test_a_risk_owner_closes_only_their_own_operational_risks() -> None:
    operational = RiskFacts("OR1", owned=True, owner="Rita Owner", tier=Tier.OPERATIONAL)
    assert refusal(RITA, Change.CLOSE, risk=operational) is None
    assert refusal(RITA, Change.CLOSE, risk=MINE) == (
        "Rita Owner (risk owner) may close only operational risks; SR9 is on the strategic "
        "register, which an administrator closes"
    )


def test_actions_a_risk_owner_or_the_secretariat_may_update() -> None:
    tracker = ActionFacts(ActionKind.TRACKER, owned=False)
    theirs = ActionFacts(ActionKind.FURTHER_ACTION, owned=True)
    assert refusal(SAM, Change.UPDATE_ACTION, action=tracker) is None
    assert refusal(SAM, Change.UPDATE_ACTION, action=theirs) == (
        "Sam Secretary (secretariat) may not update actions"
    )
    assert refusal(RITA, Change.UPDATE_ACTION, action=theirs) is None
    assert refusal(RITA, Change.UPDATE_ACTION, action=tracker, risk=MINE) is None
    assert refusal(RITA, Change.UPDATE_ACTION, action=tracker, risk=THEIRS) is not None


def test_someone_who_is_not_a_person_may_only_read() -> None:
    assert refusal(Acting("mallory", None), Change.SCORE) == (
        "'mallory' is not a person of this register, so may only read it; "
        "ask an administrator to add you (bct-risk people add)"
    )


def test_authorize_refuses_with_the_rule_s_words(seeded_ctx: Context) -> None:
    people.add_person(seeded_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    people.set_access(seeded_ctx.acting_as("ada"), "dfr", login="dfr")
    owner = seeded_ctx.acting_as("dfr")
    who = acting(owner)
    assert who is not None and who.role == Role.RISK_OWNER
    assert "SR9" in who.own_risks and "SR2" not in who.own_risks
    sr2 = queries.risk_detail(seeded_ctx, "SR2").row
    theirs = RiskFacts("SR2", owned=False, owner=sr2.owner, tier=sr2.tier)
    with pytest.raises(PermissionDeniedError) as refused:
        risks.score_risk(owner, "SR2", likelihood=2, impact=2, rationale="x")
    assert str(refused.value) == refusal(who, Change.SCORE, risk=theirs)
    stranger = acting(seeded_ctx.acting_as("mallory"))
    assert stranger == Acting("mallory", None)


def test_no_one_is_acting_while_roles_are_off(seeded_ctx: Context) -> None:
    assert acting(seeded_ctx) is None


def test_an_indicator_s_owner_records_its_values_whatever_their_role(seeded_ctx: Context) -> None:
    people.add_person(seeded_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    people.set_access(seeded_ctx.acting_as("ada"), "head_hr", login="hr", role=Role.VIEWER)
    hr = seeded_ctx.acting_as("hr")
    who = acting(hr)
    assert who is not None and who.role == Role.VIEWER and "agency-sw" in who.own_indicators
    assert indicator_refusal(who, owned=True) is None
    record_value(hr, "agency-sw", ValueInput("2026-10", 14.0))  # theirs: recorded
    assert "re-referrals" not in who.own_indicators
    expected = indicator_refusal(who, owned=False)
    assert expected == (
        f"{who.name} (viewer) may not record key risk indicator values, targets and links"
    )
    with pytest.raises(PermissionDeniedError) as refused:
        record_value(hr, "re-referrals", ValueInput("2026-10", 1.0))
    assert str(refused.value) == expected
