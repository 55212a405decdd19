"""Use cases on key risk indicators, and breaches that flag risks until rescored or acknowledged."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bct_risk.domain.enums import Role
from bct_risk.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from bct_risk.domain.indicators import Basket, PeriodKind, Unit
from bct_risk.domain.kpi_rules import Polarity, Status
from bct_risk.domain.models import RiskCreate
from bct_risk.domain.scoring import Score
from bct_risk.services import indicators, people, risks
from bct_risk.services.context import Context
from bct_risk.services.indicator_views import (
    indicator_detail,
    list_indicators,
    risk_breaches,
)
from bct_risk.services.indicators import IndicatorSpec, ValueInput
from bct_risk.services.queries import audit_events
from tests.helpers import fingerprint


@pytest.fixture
def kpi(ctx: Context) -> Context:
    earlier = replace(ctx, clock=lambda: datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    risks.create_risk(earlier, RiskCreate(reference="SR2", title="Workforce"), current=Score(3, 4))
    indicators.add_indicator(
        ctx,
        IndicatorSpec("agency-sw", "% agency social workers", Basket.WORKFORCE, Unit.PERCENT,
                      Polarity.LOW),
    )  # fmt: skip
    indicators.set_target(ctx, "agency-sw", year="2026/27", target=12, tolerance_low=10,
                          tolerance_high=15)  # fmt: skip
    indicators.link_risk(ctx, "agency-sw", "SR2")
    return ctx


def test_a_value_outside_tolerance_flags_the_linked_risk(kpi: Context) -> None:
    indicators.record_value(kpi, "agency-sw", ValueInput("2026-10", 14))
    assert risk_breaches(kpi, "SR2") == []
    indicators.record_value(kpi, "AGENCY-SW", ValueInput("2026-11", 17, comment="Two leavers"))
    [breach] = risk_breaches(kpi, "SR2")
    assert (breach.key, breach.value_text, breach.target) == (
        "agency-sw",
        "17%",
        "12% (tolerance 10-15%)",
    )
    assert breach.period_label == "Nov 2026"
    assert breach.reported_on == date(2026, 11, 23)
    line = list_indicators(kpi)[0]
    assert line.status is Status.OUTSIDE_TOLERANCE
    assert (line.months.met, line.months.reported, len(line.months.missing)) == (1, 2, 10)
    assert line.risks == ("SR2",)


def test_rescoring_after_the_breach_clears_it(kpi: Context) -> None:
    indicators.record_value(kpi, "agency-sw", ValueInput("2026-11", 17))
    risks.score_risk(kpi, "SR2", likelihood=4, impact=4, rationale="Agency use up")
    assert risk_breaches(kpi, "SR2") == []
    # A rescoring before a later breach does not clear it.
    indicators.record_value(kpi, "agency-sw", ValueInput("2026-11", 18))
    assert risk_breaches(kpi, "SR2") == []  # same value row, already rescored after it


def test_a_breach_as_at_an_earlier_date_is_not_seen(kpi: Context) -> None:
    indicators.record_value(kpi, "agency-sw", ValueInput("2026-11", 17))
    assert risk_breaches(kpi, "SR2", as_at=date(2026, 11, 22)) == []


def test_acknowledging_a_breach_needs_a_reason_and_clears_it(kpi: Context) -> None:
    indicators.record_value(kpi, "agency-sw", ValueInput("2026-11", 17))
    before = fingerprint(kpi)
    with pytest.raises(ValidationError, match="a reason is required"):
        indicators.acknowledge_breach(kpi, "SR2", "agency-sw", "  ")
    assert fingerprint(kpi) == before
    indicators.acknowledge_breach(kpi, "SR2", "agency-sw", "Recruitment campaign under way")
    assert risk_breaches(kpi, "SR2") == []
    with pytest.raises(ValidationError, match="no open breach of agency-sw"):
        indicators.acknowledge_breach(kpi, "SR2", "agency-sw", "again")
    last = audit_events(kpi)[0]
    assert last.action == "acknowledge"
    assert last.changes["reason"] == "Recruitment campaign under way"


def test_recording_again_changes_the_value_with_old_and_new_in_the_audit(kpi: Context) -> None:
    indicators.record_value(kpi, "agency-sw", ValueInput("2026-11", 17))
    indicators.record_value(kpi, "agency-sw", ValueInput("2026-11", 16, comment="corrected"))
    detail = indicator_detail(kpi, "agency-sw")
    assert [p.value for p in detail.values] == [16]
    event = audit_events(kpi)[0]
    assert event.action == "update"
    assert event.changes["value"] == [17, 16]
    assert event.changes["comment"] == ["", "corrected"]


def test_targets_carry_forward_until_new_ones_are_set(kpi: Context) -> None:
    indicators.set_target(kpi, "agency-sw", year="2025/26", target=10, tolerance_low=8,
                          tolerance_high=11)  # fmt: skip
    indicators.record_value(kpi, "agency-sw", ValueInput("2025-06", 12))
    indicators.record_value(kpi, "agency-sw", ValueInput("2026-06", 12))
    values = indicator_detail(kpi, "agency-sw").values
    assert [v.status for v in values] == [Status.OUTSIDE_TOLERANCE, Status.ON_TARGET]
    assert [t.year for t in indicator_detail(kpi, "agency-sw").targets] == ["2025/26", "2026/27"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: indicators.record_value(c, "nope", ValueInput("2026-11", 1)),
         "no indicator has the key 'nope'"),
        (lambda c: indicators.record_value(c, "agency-sw", ValueInput("2026-13", 1)),
         "the period '2026-13' is not a month; write it as 2026-11"),
        (lambda c: indicators.record_value(c, "agency-sw", ValueInput("2026-12", 1)),
         "the period 2026-12 has not started yet"),
        (lambda c: indicators.record_value(c, "agency-sw", ValueInput("2026-11", 101)),
         "the value 101% is above 100%"),
        (lambda c: indicators.record_value(c, "agency-sw", ValueInput("2026-11", -1)),
         "the value -1 is negative"),
        (lambda c: indicators.record_value(c, "agency-sw", ValueInput("2026-11", float("nan"))),
         "is not a number"),
        (lambda c: indicators.set_target(c, "agency-sw", year="2026/28", target=1),
         "the year '2026/28' is not a fiscal year"),
        (lambda c: indicators.set_target(c, "agency-sw", year="2026/27", target=12,
                                         tolerance_high=11),
         "agency-sw: for good = low the tolerance's upper edge 11 must not be below"),
        (lambda c: indicators.link_risk(c, "agency-sw", "SR2"),
         "agency-sw is already linked to SR2"),
        (lambda c: indicators.link_risk(c, "agency-sw", "SR99"),
         "no risk has the reference 'SR99'"),
        (lambda c: indicators.unlink_risk(c, "agency-sw", "SR3"),
         "no risk has the reference 'SR3'"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_is_written(kpi: Context, call, message: str) -> None:  # type: ignore[no-untyped-def]
    before = fingerprint(kpi)
    with pytest.raises((ValidationError, NotFoundError), match=message.replace("(", r"\(")):
        call(kpi)
    assert fingerprint(kpi) == before


def test_unlinking_stops_the_flag(kpi: Context) -> None:
    indicators.record_value(kpi, "agency-sw", ValueInput("2026-11", 17))
    indicators.unlink_risk(kpi, "agency-sw", "SR2")
    assert risk_breaches(kpi, "SR2") == []
    assert audit_events(kpi)[0].action == "unlink"


def test_who_may_record_values_and_acknowledge(kpi: Context) -> None:
    people.add_person(kpi, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    admin = kpi.acting_as("ada")
    people.add_person(admin, "Sam Sec", login="sam", role=Role.SECRETARIAT)
    people.add_person(admin, "Val Viewer", login="val", role=Role.VIEWER)
    people.add_person(admin, "Owen Owner", login="owen", role=Role.RISK_OWNER)
    indicators.record_value(kpi.acting_as("sam"), "agency-sw", ValueInput("2026-10", 14))
    with pytest.raises(PermissionDeniedError, match="may not record key risk indicator"):
        indicators.record_value(kpi.acting_as("val"), "agency-sw", ValueInput("2026-11", 17))
    with pytest.raises(PermissionDeniedError):
        indicators.record_value(kpi.acting_as("owen"), "agency-sw", ValueInput("2026-11", 17))
    indicators.record_value(kpi.acting_as("ada"), "agency-sw", ValueInput("2026-11", 17))
    with pytest.raises(PermissionDeniedError):
        indicators.acknowledge_breach(kpi.acting_as("sam"), "SR2", "agency-sw", "seen")
    assert len(risk_breaches(kpi, "SR2")) == 1
    assert [v.period_kind for v in indicator_detail(kpi, "agency-sw").values] == [
        PeriodKind.MONTH,
        PeriodKind.MONTH,
    ]
