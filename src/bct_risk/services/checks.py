"""Data-quality checks on the register, as at a date: what a careful internal auditor would find.

The catalogue (names, titles, thresholds) is :mod:`bct_risk.domain.checks`; the matrix file's
``[checks]`` table switches a check off, retunes it or marks it blocking. Each finding names the
risk or action it concerns and how to fix it. :func:`run_checks` reads the register once
(:mod:`bct_risk.services.baf`) and runs every check on it.

The check of a score left unchanged while its indicators moved asks an :class:`IndicatorMoves`
which linked indicators moved over a period; :func:`indicator_moves` reads the key risk
indicators' values (``domain.indicators``).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlmodel import Session, col, select

from bct_risk.domain.checks import BY_NAME, CATALOGUE, CheckInfo, CheckSetting
from bct_risk.domain.gaps import current_evidence, day
from bct_risk.domain.scoring import Matrix
from bct_risk.services.baf import (
    ActionState,
    Register,
    RiskState,
    ScenarioDetail,
    as_recorded,
    read_register,
    read_register_as_at,
    recorded_by,
    scenarios_of,
)
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskRow


@dataclass(frozen=True)
class Finding:
    """One thing a check found."""

    check: str
    subject: str
    """What it concerns: a risk's reference, or "SR3 action 12", "SR9 control 27"."""
    reference: str
    """The risk's reference."""
    message: str
    fix: str


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome."""

    name: str
    title: str
    enabled: bool
    blocking: bool
    findings: list[Finding]
    note: str = ""
    """Why the check could not run fully, where it could not."""

    @property
    def failed(self) -> bool:
        """Whether the check found anything."""
        return self.enabled and bool(self.findings)


@dataclass(frozen=True)
class CheckReport:
    """Every check's outcome as at a date."""

    as_at: date
    results: list[CheckResult]

    @property
    def findings(self) -> list[Finding]:
        """Every finding, check by check."""
        return [f for r in self.results for f in r.findings]

    @property
    def blocking_failures(self) -> list[CheckResult]:
        """Blocking checks that found something."""
        return [r for r in self.results if r.blocking and r.failed]

    def counts(self) -> dict[str, int]:
        """Findings by check (enabled checks only)."""
        return {r.name: len(r.findings) for r in self.results if r.enabled}


class IndicatorMoves(Protocol):
    """Which indicators linked to a risk moved between two dates (their names)."""

    def __call__(self, risk_id: int, start: date, end: date) -> list[str]: ...


@dataclass
class Checker:
    """The checks' shared inputs: the register as at the date and the matrix's settings."""

    register: Register
    matrix: Matrix
    moves: IndicatorMoves | None = None
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def as_at(self) -> date:
        """The cut-off."""
        return self.register.as_at

    def setting(self, name: str) -> CheckSetting:
        """How the matrix file sets a check."""
        return self.matrix.checks.get(name, CheckSetting())

    def threshold(self, name: str, key: str) -> int:
        """A check's threshold, as set or by default."""
        return self.setting(name).threshold(BY_NAME[name], key)

    def open_risks(self) -> Iterator[RiskState]:
        """Open risks at the date."""
        return (r for r in self.register.risks if r.open)


CheckFn = Callable[[Checker, CheckInfo], Iterator[Finding]]


def _finding(info: CheckInfo, risk: RiskState, message: str, subject: str = "") -> Finding:
    return Finding(info.name, subject or risk.reference, risk.reference, message, info.fix)


def _current_worse(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    shortest = ck.threshold(info.name, "min_reason_chars")
    for r in ck.open_risks():
        worse = r.current and r.inherent and r.current.value > r.inherent.value
        if worse and r.current and r.inherent and len(r.current_rationale.strip()) < shortest:
            yield _finding(
                info, r,
                f"current score {r.current.value} is worse than inherent "
                f"{r.inherent.value}, and the rationale gives no reason "
                f"({r.current_rationale.strip() or 'none'!r})",
            )  # fmt: skip


def _target_worse(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    for r in ck.open_risks():
        if r.current and r.target and r.target.value > r.current.value:
            yield _finding(
                info, r, f"target score {r.target.value} is worse than current {r.current.value}"
            )


def _target_date_passed(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    grace = timedelta(days=ck.threshold(info.name, "grace_days"))
    for r in ck.open_risks():
        if (
            r.target_date is not None
            and r.target_date + grace < ck.as_at
            and r.current
            and r.target
            and r.current.value > r.target.value
        ):
            yield _finding(
                info, r,
                f"target date {day(r.target_date)} has passed and the current score "
                f"{r.current.value} is still above the target {r.target.value}",
            )  # fmt: skip


def _above_appetite_no_action(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    for r in ck.open_risks():
        if r.above_appetite and not any(a.live for a in r.actions):
            yield _finding(
                info, r,
                f"current score {r.current.value if r.current else '–'} is above its appetite "
                f"ceiling {r.ceiling} and no further action is open",
            )  # fmt: skip


def _review_overdue(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    grace = timedelta(days=ck.threshold(info.name, "grace_days"))
    for r in ck.open_risks():
        if r.next_review_date is not None and r.next_review_date + grace < ck.as_at:
            days = (ck.as_at - r.next_review_date).days
            yield _finding(
                info, r, f"review was due on {day(r.next_review_date)} ({days} days ago)"
            )


def _score_unchanged(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    wanted = ck.threshold(info.name, "reviews")
    if ck.moves is None:
        ck.notes[info.name] = "not run: no indicator values are available to this register"
        return
    for r in ck.open_risks():
        recent = r.review_scores[-wanted:] if wanted else []
        if wanted < 2 or len(recent) < wanted or len({score for _, score in recent}) != 1:
            continue
        moved = ck.moves(r.id, recent[0][0], ck.as_at)
        if moved:
            yield _finding(
                info, r,
                f"score {recent[-1][1]} unchanged over the last {wanted} reviews (since "
                f"{day(recent[0][0])}) while its indicators moved: {', '.join(moved)}",
            )  # fmt: skip


def _owner(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    for r in ck.open_risks():
        if r.owner is None:
            yield _finding(info, r, "has no risk owner")
        elif r.owner.gone(ck.as_at):
            left = r.owner.left_on
            assert left is not None
            yield _finding(info, r, f"risk owner {r.owner.name} left on {day(left)}")


def _control_assurance(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    days = ck.threshold(info.name, "days")
    for r in ck.open_risks():
        for c in r.controls:
            if not c.key_control:
                continue
            subject = f"{r.reference} control {c.id}"
            if not c.sources:
                yield _finding(info, r, f"key control has no assurance: {c.description}", subject)
            elif not current_evidence(c.facts(), ck.as_at, days):
                latest = max(s.received_on for s in c.sources)
                yield _finding(
                    info, r,
                    f"assurance out of date (latest {day(latest)}, over {days} days): "
                    f"{c.description}",
                    subject,
                )  # fmt: skip


def _action(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    grace = timedelta(days=ck.threshold(info.name, "grace_days"))
    for r in ck.open_risks():
        for a in r.actions:
            if not a.live:
                continue
            problems = _action_problems(ck, a, grace)
            if problems:
                yield _finding(
                    info,
                    r,
                    f"{' and '.join(problems)}: {a.description}",
                    f"{r.reference} action {a.id}",
                )


def _action_problems(ck: Checker, action: ActionState, grace: timedelta) -> list[str]:
    problems = []
    if action.due_date is not None and action.due_date + grace < ck.as_at:
        problems.append(f"overdue since {day(action.due_date)}")
    owner = ck.register.people.get(action.owner_id) if action.owner_id else None
    if owner is None:
        problems.append("no owner")
    elif owner.gone(ck.as_at):
        problems.append(f"its owner {owner.name} has left")
    return problems


def _closed_open_actions(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    for r in ck.register.risks:
        if r.open:
            continue
        live = [a for a in r.actions if a.live]
        if live:
            numbers = ", ".join(str(a.id) for a in live)
            yield _finding(
                info, r, f"is closed but {len(live)} action(s) are still open: {numbers}"
            )


def _exempt(ck: Checker, info: CheckInfo) -> Iterator[Finding]:
    for r in ck.open_risks():
        if r.exempt and not r.exempt_reason.strip():
            yield _finding(info, r, "is exempt from public papers with no reason recorded")


RULES: dict[str, CheckFn] = {
    "current_worse_than_inherent": _current_worse,
    "target_worse_than_current": _target_worse,
    "target_date_passed": _target_date_passed,
    "above_appetite_without_action": _above_appetite_no_action,
    "review_overdue": _review_overdue,
    "score_unchanged_while_indicators_moved": _score_unchanged,
    "owner_missing_or_left": _owner,
    "control_assurance_missing_or_old": _control_assurance,
    "action_overdue_or_unowned": _action,
    "closed_with_open_actions": _closed_open_actions,
    "exempt_without_reason": _exempt,
}


def check_register(
    register: Register, matrix: Matrix, moves: IndicatorMoves | None = None
) -> CheckReport:
    """Run every check on a register read as at a date."""
    checker = Checker(register, matrix, moves)
    results = []
    for info in CATALOGUE:
        setting = checker.setting(info.name)
        findings = list(RULES[info.name](checker, info)) if setting.enabled else []
        results.append(
            CheckResult(
                info.name, info.title, setting.enabled, setting.blocking, findings,
                checker.notes.get(info.name, "" if setting.enabled else "switched off"),
            )
        )  # fmt: skip
    return CheckReport(register.as_at, results)


def run_checks(ctx: Context, as_at: date | None = None) -> CheckReport:
    """Read the register as at a date (today by default) and run every check."""
    return register_with_checks(ctx, as_at)[1]


def register_with_checks(ctx: Context, as_at: date | None = None) -> tuple[Register, CheckReport]:
    """The register as at a date and its checks, read together (for the BAF paper and the app).

    Given a date, the register as recorded by the end of it (:func:`read_register_as_at`): the
    owners, leaving dates and exemptions of the day, not today's. Without one, as it stands.
    """
    when = as_at or ctx.today()
    with ctx.transaction() as session:
        if as_at is None:
            register = read_register(session, ctx.matrix, when)
        else:
            register = read_register_as_at(session, ctx.matrix, when)
        return register, check_register(register, ctx.matrix, indicator_moves(session, when))


def assurance_days(matrix: Matrix) -> int:
    """How long a source of assurance counts: the assurance check's threshold."""
    name = "control_assurance_missing_or_old"
    return matrix.checks.get(name, CheckSetting()).threshold(BY_NAME[name], "days")


def indicator_moves(session: Session, as_at: date) -> IndicatorMoves | None:
    """Which linked key risk indicators took more than one value over a period, known by the
    cut-off; None where the register has no indicators."""
    try:
        from bct_risk.domain.indicators import Indicator, IndicatorRisk, IndicatorValue
    except ImportError:  # a register without key risk indicators
        return None
    names = {i.id: i.name for i in session.exec(select(Indicator))}
    if not names:
        return None
    linked: dict[int, list[int]] = defaultdict(list)
    for link in session.exec(select(IndicatorRisk)):
        linked[link.risk_id].append(link.indicator_id)
    values: dict[int, list[tuple[date, float]]] = defaultdict(list)
    statement = (
        select(IndicatorValue)
        .where(col(IndicatorValue.reported_on) <= as_at)
        .order_by(col(IndicatorValue.period_end), col(IndicatorValue.id))
    )
    for v in session.exec(statement):
        values[v.indicator_id].append((v.period_end, v.value))

    def moves(risk_id: int, start: date, end: date) -> list[str]:
        moved = []
        for indicator_id in linked.get(risk_id, []):
            series = values.get(indicator_id, [])
            before = [v for when, v in series if when < start][-1:]
            during = [v for when, v in series if start <= when <= end]
            if len(set(before + during)) > 1 and during:
                moved.append(names[indicator_id])
        return sorted(moved)

    return moves


def checks_of_risks(
    session: Session, matrix: Matrix, as_at: date, risk_ids: set[int]
) -> CheckReport:
    """The checks on some of the register's risks (a committee pack's), inside its session."""
    register = read_register(session, matrix, as_at)
    kept = dataclasses.replace(register, risks=[r for r in register.risks if r.id in risk_ids])
    return check_register(kept, matrix, indicator_moves(session, as_at))


def pack_extras(
    session: Session,
    matrix: Matrix,
    as_at: date,
    lines: Mapping[int, tuple[RiskRow, int | None]],
    cut: datetime,
) -> tuple[CheckReport, list[ScenarioDetail]]:
    """What a committee pack adds from the assurance framework, read once and as recorded by
    its cut-off: the checks on its risks (the register health it opens with) and the scenarios
    with two or more of its risks (its combined exposure). ``lines`` are the pack's register
    lines as at the cut-off, with each risk owner's id."""
    register = recorded_by(
        session, as_recorded(read_register(session, matrix, as_at, cut), lines), cut
    )
    report = check_register(register, matrix, indicator_moves(session, as_at))
    return report, scenarios_of(register, set(lines))
