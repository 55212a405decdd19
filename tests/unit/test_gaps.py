"""Gaps in control and in assurance at every boundary."""

from __future__ import annotations

from datetime import date

from bct_risk.domain.enums import Effectiveness
from bct_risk.domain.gaps import (
    ControlFacts,
    Evidence,
    RiskFacts,
    assurance_gap,
    gap_in_control,
    gaps,
)

AS_AT = date(2026, 11, 23)


def control(
    effectiveness: Effectiveness = Effectiveness.EFFECTIVE, *evidence: Evidence, key: bool = True
) -> ControlFacts:
    return ControlFacts(1, "Monthly budget monitoring", effectiveness, key, tuple(evidence))


def risk(
    *controls: ControlFacts, current: int = 16, target: int = 8, ceiling: int | None = 9
) -> RiskFacts:
    return RiskFacts("SR9", current, target, ceiling, tuple(controls))


def test_no_control_on_a_risk_above_target_is_a_gap_in_control() -> None:
    gap = gap_in_control(risk())
    assert gap is not None and "has no controls" in gap.reason
    assert "above its target 8 and appetite ceiling 9" in gap.reason


def test_an_ineffective_or_partial_control_leaves_the_gap_open() -> None:
    gap = gap_in_control(
        risk(control(Effectiveness.INEFFECTIVE), control(Effectiveness.PARTIALLY_EFFECTIVE))
    )
    assert gap is not None
    assert "no control is judged effective (2 controls, the best partially effective)" in gap.reason


def test_one_effective_control_closes_the_gap_in_control() -> None:
    assert gap_in_control(risk(control(Effectiveness.INEFFECTIVE), control())) is None


def test_a_risk_at_its_target_and_within_appetite_has_no_gap_in_control() -> None:
    assert gap_in_control(risk(current=8, target=8, ceiling=9)) is None
    # above appetite alone (at target) is enough for a gap
    assert gap_in_control(risk(current=12, target=12, ceiling=9)) is not None
    # no target and no appetite: nothing to be above
    assert gap_in_control(RiskFacts("SR1", 20, None, None)) is None


def test_a_key_control_with_no_assurance_is_a_gap_in_assurance() -> None:
    gap = assurance_gap(risk(), control(), AS_AT)
    assert gap is not None and gap.reason == "no source of assurance is recorded"


def test_assurance_expires_after_its_review_period_to_the_day() -> None:
    on_the_edge = Evidence(2, True, date(2025, 11, 23))
    assert (
        assurance_gap(risk(ceiling=20), control(Effectiveness.EFFECTIVE, on_the_edge), AS_AT)
        is None
    )
    expired = Evidence(2, True, date(2025, 11, 22))
    gap = assurance_gap(risk(ceiling=20), control(Effectiveness.EFFECTIVE, expired), AS_AT)
    assert gap is not None and gap.reason.startswith(
        "assurance out of date: the latest is from 22 Nov 2025"
    )
    # a shorter period from the matrix file
    assert assurance_gap(risk(ceiling=20), control(Effectiveness.EFFECTIVE, on_the_edge), AS_AT, 90)


def test_assurance_received_after_the_as_at_date_does_not_count() -> None:
    later = Evidence(3, True, date(2026, 12, 1))
    gap = assurance_gap(risk(), control(Effectiveness.EFFECTIVE, later), AS_AT)
    assert gap is not None and gap.reason == "no source of assurance is recorded"


def test_only_first_line_assurance_is_a_gap_only_for_a_risk_above_appetite() -> None:
    first = Evidence(1, True, date(2026, 10, 1))
    gap = assurance_gap(risk(ceiling=9), control(Effectiveness.EFFECTIVE, first), AS_AT)
    assert gap is not None and "only first-line" in gap.reason
    assert assurance_gap(risk(ceiling=16), control(Effectiveness.EFFECTIVE, first), AS_AT) is None
    second = Evidence(2, True, date(2026, 9, 1))
    assert (
        assurance_gap(risk(ceiling=9), control(Effectiveness.EFFECTIVE, first, second), AS_AT)
        is None
    )


def test_negative_assurance_is_a_gap_until_positive_assurance_follows() -> None:
    negative = Evidence(3, False, date(2026, 9, 1), "Internal audit")
    gap = assurance_gap(risk(), control(Effectiveness.EFFECTIVE, negative), AS_AT)
    assert gap is not None and gap.reason == "only negative assurance in the last 365 days"
    earlier_positive = Evidence(2, True, date(2026, 6, 1))
    gap = assurance_gap(risk(), control(Effectiveness.EFFECTIVE, earlier_positive, negative), AS_AT)
    assert gap is not None and gap.reason == "negative assurance from Internal audit on 1 Sep 2026"
    later_positive = Evidence(3, True, date(2026, 10, 1))
    assert (
        assurance_gap(risk(), control(Effectiveness.EFFECTIVE, negative, later_positive), AS_AT)
        is None
    )


def test_a_control_that_is_not_key_is_not_tested_for_assurance() -> None:
    assert assurance_gap(risk(), control(key=False), AS_AT) is None


def test_gaps_gathers_both_kinds() -> None:
    found = gaps(risk(control(Effectiveness.INEFFECTIVE)), AS_AT)
    assert found.any and found.control is not None and len(found.assurance) == 1
    assert not gaps(risk(current=4), AS_AT).any
