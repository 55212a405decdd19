"""Gaps in control and gaps in assurance: computed from a risk's facts, never typed in.

- A **gap in control**: a risk whose current score is above its target or its appetite ceiling,
  with no control judged effective for it.
- A **gap in assurance**: a key control with no positive assurance within its review period (none
  at all, all of it too old, or negative assurance since the latest positive), or, for a risk
  above appetite, a key control whose only positive assurance in the period is first-line.

Pure functions on plain facts, so the services, the checks and the papers share one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bct_risk.domain.enums import Effectiveness


def day(value: date) -> str:
    """A date as the papers print it: 1 Sep 2026."""
    return f"{value.day} {value:%b %Y}"


DEFAULT_ASSURANCE_DAYS = 365
"""How long a source of assurance counts, unless the matrix file's [checks] table says otherwise."""


@dataclass(frozen=True)
class Evidence:
    """One source of assurance on a control: its line, its verdict and its date."""

    line: int
    positive: bool
    received_on: date
    provider: str = ""


@dataclass(frozen=True)
class ControlFacts:
    """What the rules need to know about a control."""

    id: int
    description: str
    effectiveness: Effectiveness
    key: bool = True
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class RiskFacts:
    """What the rules need to know about a risk."""

    reference: str
    current: int | None
    target: int | None
    ceiling: int | None
    """The appetite ceiling of the risk's appetite level, or None where no appetite is set."""
    controls: tuple[ControlFacts, ...] = ()

    @property
    def above_target(self) -> bool:
        """The current score is above the target score."""
        return self.current is not None and self.target is not None and self.current > self.target

    @property
    def above_appetite(self) -> bool:
        """The current score is above the appetite ceiling."""
        return self.current is not None and self.ceiling is not None and self.current > self.ceiling


@dataclass(frozen=True)
class ControlGap:
    """A risk above its target or appetite that no effective control holds."""

    reference: str
    reason: str


@dataclass(frozen=True)
class AssuranceGap:
    """A key control the Board cannot be sure works."""

    reference: str
    control_id: int
    control: str
    reason: str


@dataclass(frozen=True)
class Gaps:
    """A risk's gaps in control and in assurance."""

    control: ControlGap | None = None
    assurance: list[AssuranceGap] = field(default_factory=list)

    @property
    def any(self) -> bool:
        """Whether there is any gap at all."""
        return self.control is not None or bool(self.assurance)


def gap_in_control(risk: RiskFacts) -> ControlGap | None:
    """The gap in control of a risk, if it has one."""
    if not (risk.above_target or risk.above_appetite):
        return None
    if any(c.effectiveness == Effectiveness.EFFECTIVE for c in risk.controls):
        return None
    over = []
    if risk.above_target:
        over.append(f"target {risk.target}")
    if risk.above_appetite:
        over.append(f"appetite ceiling {risk.ceiling}")
    where = f"current score {risk.current} is above its {' and '.join(over)}"
    if not risk.controls:
        return ControlGap(risk.reference, f"{where} and it has no controls")
    best = _best(risk.controls)
    return ControlGap(
        risk.reference,
        f"{where} and no control is judged effective "
        f"({len(risk.controls)} control{'s' if len(risk.controls) != 1 else ''}, "
        f"the best {best.label.lower()})",
    )


def _best(controls: tuple[ControlFacts, ...]) -> Effectiveness:
    order = list(Effectiveness)  # effective, partially, ineffective, not assessed
    return min((Effectiveness(c.effectiveness) for c in controls), key=order.index)


def current_evidence(control: ControlFacts, as_at: date, days: int) -> list[Evidence]:
    """The control's sources of assurance received in the period up to the date, oldest first."""
    start = as_at - timedelta(days=days)
    return sorted(
        (e for e in control.evidence if start <= e.received_on <= as_at),
        key=lambda e: e.received_on,
    )


def assurance_gap(
    risk: RiskFacts, control: ControlFacts, as_at: date, days: int = DEFAULT_ASSURANCE_DAYS
) -> AssuranceGap | None:
    """The gap in assurance on one control of a risk, if there is one."""
    if not control.key:
        return None

    def gap(reason: str) -> AssuranceGap:
        return AssuranceGap(risk.reference, control.id, control.description, reason)

    known = [e for e in control.evidence if e.received_on <= as_at]
    recent = current_evidence(control, as_at, days)
    positive = [e for e in recent if e.positive]
    if not known:
        return gap("no source of assurance is recorded")
    if not recent:
        latest = max(e.received_on for e in known)
        return gap(f"assurance out of date: the latest is from {day(latest)}, over {days} days")
    if not positive:
        return gap(f"only negative assurance in the last {days} days")
    last_positive = positive[-1].received_on
    negative_since = [e for e in recent if not e.positive and e.received_on >= last_positive]
    if negative_since:
        e = negative_since[-1]
        who = f" from {e.provider}" if e.provider else ""
        return gap(f"negative assurance{who} on {day(e.received_on)}")
    if risk.above_appetite and all(e.line == 1 for e in positive):
        return gap("only first-line (management) assurance for a risk above appetite")
    return None


def gaps(risk: RiskFacts, as_at: date, days: int = DEFAULT_ASSURANCE_DAYS) -> Gaps:
    """Every gap of a risk as at a date."""
    found = [assurance_gap(risk, c, as_at, days) for c in risk.controls]
    return Gaps(gap_in_control(risk), [g for g in found if g is not None])
