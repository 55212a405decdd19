"""The read side of the Board Assurance Framework: the register as at a date, as plain records.

One query module for the assurance map, the checks, the scenarios and the BAF paper. Everything is
taken as at a cut-off date: scores assessed on or before it, assurance received on or before it,
actions as they stood then (an action completed after the date was still live on it).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from bct_risk.domain.assurance import (
    AssuranceSource,
    RiskGroup,
    RiskGroupMember,
    RiskObjective,
    StrategicObjective,
)
from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    Appetite,
    Assurance,
    Effectiveness,
    RiskStatus,
    ScoreKind,
)
from bct_risk.domain.gaps import ControlFacts, Evidence, Gaps, RiskFacts, gaps
from bct_risk.domain.models import (
    Action,
    Assessment,
    Committee,
    CommitteeReview,
    Control,
    Meeting,
    Person,
    Risk,
)
from bct_risk.domain.scoring import Matrix, Score
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskRow


@dataclass(frozen=True)
class SourceView:
    """One source of assurance on a control."""

    id: int
    evidence: str
    provider: str
    received_on: date
    line: int
    positive: bool
    reference: str
    sha256: str | None
    illustrative: bool


@dataclass(frozen=True)
class ControlState:
    """A control with its assurance, as at the date."""

    id: int
    description: str
    owner_id: int | None
    owner: str
    effectiveness: Effectiveness
    assurance_line: int | None
    assurance_level: Assurance | None
    key_control: bool
    sources: list[SourceView]

    def facts(self) -> ControlFacts:
        """The control as the gap rules see it."""
        evidence = tuple(
            Evidence(s.line, s.positive, s.received_on, s.provider) for s in self.sources
        )
        return ControlFacts(
            self.id, self.description, self.effectiveness, self.key_control, evidence
        )


@dataclass(frozen=True)
class ActionState:
    """A further action or tracker item on a risk, as it stood at the date."""

    id: int
    kind: ActionKind
    description: str
    owner_id: int | None
    owner: str
    due_date: date | None
    live: bool
    """Open or in progress at the date."""
    status: ActionStatus


@dataclass(frozen=True)
class PersonState:
    """A person, with the day they left if they have."""

    id: int
    name: str
    job_title: str
    left_on: date | None

    def gone(self, as_at: date) -> bool:
        """Whether the person had left by the date."""
        return self.left_on is not None and self.left_on <= as_at


@dataclass(frozen=True)
class RiskState:
    """A risk as at the date: its scores, controls with assurance, actions and objectives."""

    id: int
    reference: str
    title: str
    open: bool
    owner: PersonState | None
    lead_committee: str
    appetite: Appetite | None
    ceiling: int | None
    inherent: Score | None
    current: Score | None
    current_rationale: str
    target: Score | None
    target_date: date | None
    next_review_date: date | None
    exempt: bool
    exempt_reason: str
    review_scores: list[tuple[date, int]]
    """The score the committees recorded at each review, oldest first."""
    controls: list[ControlState]
    actions: list[ActionState]
    objectives: list[str] = field(default_factory=list)
    """Keys of the objectives the risk threatens."""

    def facts(self) -> RiskFacts:
        """The risk as the gap rules see it."""
        return RiskFacts(
            self.reference,
            self.current.value if self.current else None,
            self.target.value if self.target else None,
            self.ceiling,
            tuple(c.facts() for c in self.controls),
        )

    def gaps(self, as_at: date, days: int) -> Gaps:
        """The risk's gaps in control and in assurance."""
        return gaps(self.facts(), as_at, days)

    @property
    def above_appetite(self) -> bool:
        """Current score above the appetite ceiling."""
        return self.facts().above_appetite


@dataclass(frozen=True)
class ObjectiveState:
    """A strategic objective and the risks that threaten it."""

    id: int
    key: str
    title: str
    theme: str
    source: str
    illustrative: bool
    risks: list[str]
    """References, in order."""


@dataclass(frozen=True)
class ScenarioState:
    """A scenario: its members and combined judgement."""

    id: int
    name: str
    narrative: str
    likelihood: int | None
    impact: int | None
    source: str
    illustrative: bool
    version: int
    members: list[str]

    @property
    def combined(self) -> Score | None:
        """The combined judgement as a score, where both parts are given."""
        if self.likelihood is None or self.impact is None:
            return None
        return Score(self.likelihood, self.impact)


@dataclass(frozen=True)
class Register:
    """The register as at a date, for the assurance map, the checks and the BAF paper."""

    as_at: date
    matrix: Matrix
    risks: list[RiskState]
    objectives: list[ObjectiveState]
    scenarios: list[ScenarioState]
    people: dict[int, PersonState]

    def risk(self, reference: str) -> RiskState | None:
        """A risk by its reference (any case)."""
        wanted = reference.strip().upper()
        return next((r for r in self.risks if r.reference.upper() == wanted), None)


def load_register(ctx: Context, as_at: date | None = None) -> Register:
    """Read the register as it stands, or, given a date, as recorded by the end of that day
    (:func:`read_register_as_at`)."""
    with ctx.transaction() as session:
        if as_at is None:
            return read_register(session, ctx.matrix, ctx.today())
        return read_register_as_at(session, ctx.matrix, as_at)


def read_register_as_at(session: Session, matrix: Matrix, as_at: date) -> Register:
    """The register as recorded by the end of a day (a paper's cut-off), within a caller's
    session: what :func:`read_register` reads with that cut, and each risk's own fields (owner,
    status, exemption and its reason, dates, scores) and each person's leaving date as they
    stood then, undone from the audit trail. An owner changed, a leaving date recorded or an
    exemption reason given after the cut-off does not change what the paper or its checks say.
    """
    from bct_risk.services.as_at import end_of, register_tuples
    from bct_risk.services.register_rows import RowReader

    cut = end_of(as_at)
    tuples = register_tuples(session, as_at, cut, matrix)
    rows = RowReader(matrix, as_at).read_all([t[:19] for t in tuples])
    lines = {t[0]: (row, t[19]) for row, t in zip(rows, tuples, strict=True)}
    return recorded_by(session, as_recorded(read_register(session, matrix, as_at, cut), lines), cut)


def recorded_by(session: Session, register: Register, cut: datetime) -> Register:
    """The register with each person's leaving date and each risk's exemption reason as recorded
    by ``cut`` (later changes undone from the audit trail). Risk owners, read from
    ``register.people``, follow."""
    from bct_risk.services.as_at import Recorded

    recorded = Recorded(session, cut)
    left = recorded.undone("person", list(register.people))
    people = {
        pid: (
            dataclasses.replace(p, left_on=_as_date(left[pid]["left_on"]))
            if "left_on" in left.get(pid, {})
            else p
        )
        for pid, p in register.people.items()
    }
    reasons = recorded.undone("risk", [r.id for r in register.risks])
    risks = [
        dataclasses.replace(
            r,
            owner=people.get(r.owner.id) if r.owner is not None else None,
            exempt_reason=str(reasons.get(r.id, {}).get("exempt_reason", r.exempt_reason) or ""),
        )
        for r in register.risks
    ]
    return dataclasses.replace(register, risks=risks, people=people)


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def read_register(
    session: Session, matrix: Matrix, as_at: date, cut: datetime | None = None
) -> Register:
    """:func:`load_register` inside a caller's session. With ``cut``, only what had been
    recorded by then (scores, controls, assurance, actions) is read: a paper reads the same
    whatever is recorded after its cut-off."""
    people = {
        p.id: PersonState(p.id, p.name, p.job_title, p.left_on)
        for p in session.exec(select(Person))
        if p.id is not None
    }
    committees = {c.id: c.short_name or c.name for c in session.exec(select(Committee))}
    scores = _scores(session, as_at, cut)
    reviews = _reviews(session, as_at)
    controls = _controls(session, people, as_at, cut)
    actions = _actions(session, people, as_at, cut)
    links: dict[int, list[str]] = defaultdict(list)
    objectives_by_id = {
        o.id: o
        for o in session.exec(
            select(StrategicObjective).order_by(
                col(StrategicObjective.position), col(StrategicObjective.id)
            )
        )
    }
    risks_of: dict[int, list[int]] = defaultdict(list)
    for link in session.exec(select(RiskObjective).order_by(col(RiskObjective.id))):
        links[link.risk_id].append(objectives_by_id[link.objective_id].key)
        risks_of[link.objective_id].append(link.risk_id)
    risks: list[RiskState] = []
    for r in session.exec(select(Risk)):
        rid = r.id or 0
        if r.created_at.date() > as_at:
            continue  # not yet on the register at the cut-off
        closed = r.status == RiskStatus.CLOSED and (r.closed_on is None or r.closed_on <= as_at)
        latest = scores.get(rid, {})
        current = latest.get(ScoreKind.CURRENT)
        risks.append(
            RiskState(
                id=rid,
                reference=r.reference,
                title=r.title,
                open=not closed,
                owner=people.get(r.owner_id) if r.owner_id else None,
                lead_committee=committees.get(r.lead_committee_id, ""),
                appetite=Appetite(r.appetite) if r.appetite else None,
                ceiling=matrix.ceiling(Appetite(r.appetite) if r.appetite else None),
                inherent=_score(latest.get(ScoreKind.INHERENT)),
                current=_score(current),
                current_rationale=current.rationale if current else "",
                target=_score(latest.get(ScoreKind.TARGET)),
                target_date=r.target_date,
                next_review_date=r.next_review_date,
                exempt=r.exempt,
                exempt_reason=r.exempt_reason,
                review_scores=reviews.get(rid, []),
                controls=controls.get(rid, []),
                actions=actions.get(rid, []),
                objectives=links.get(rid, []),
            )
        )
    risks.sort(key=_reference_order)
    by_id = {r.id: r.reference for r in risks}
    objectives = [
        ObjectiveState(
            id=o.id or 0, key=o.key, title=o.title, theme=o.theme, source=o.source,
            illustrative=o.illustrative,
            risks=sorted(
                (by_id[i] for i in risks_of.get(o.id or 0, []) if i in by_id), key=_ref_key
            ),
        )
        for o in objectives_by_id.values()
    ]  # fmt: skip
    return Register(as_at, matrix, risks, objectives, _scenarios(session, by_id), people)


def _ref_key(reference: str) -> tuple[str, int, str]:
    head = reference.rstrip("0123456789")
    tail = reference[len(head) :]
    return (head, int(tail) if tail.isdigit() else 0, reference)


def _reference_order(risk: RiskState) -> tuple[str, int, str]:
    return _ref_key(risk.reference)


def _score(a: Assessment | None) -> Score | None:
    return Score(a.likelihood, a.impact) if a is not None else None


def _scores(
    session: Session, as_at: date, cut: datetime | None
) -> dict[int, dict[ScoreKind, Assessment]]:
    latest: dict[int, dict[ScoreKind, Assessment]] = defaultdict(dict)
    statement = (
        select(Assessment)
        .where(col(Assessment.assessed_on) <= as_at)
        .order_by(col(Assessment.assessed_on), col(Assessment.id))
    )
    if cut is not None:
        statement = statement.where(col(Assessment.created_at) <= cut)
    for a in session.exec(statement):
        latest[a.risk_id][ScoreKind(a.kind)] = a
    return latest


def _reviews(session: Session, as_at: date) -> dict[int, list[tuple[date, int]]]:
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    statement = (
        select(CommitteeReview, col(Meeting.meeting_date))
        .join(Meeting, col(Meeting.id) == CommitteeReview.meeting_id)
        .where(col(Meeting.meeting_date) <= as_at)
        .order_by(col(Meeting.meeting_date), col(CommitteeReview.id))
    )
    for review, when in session.exec(statement):
        if review.score is not None:
            found[review.risk_id].append((when, review.score))
    return found


def _controls(
    session: Session, people: dict[int, PersonState], as_at: date, cut: datetime | None
) -> dict[int, list[ControlState]]:
    sources: dict[int, list[SourceView]] = defaultdict(list)
    statement = (
        select(AssuranceSource)
        .where(col(AssuranceSource.received_on) <= as_at)
        .order_by(col(AssuranceSource.received_on), col(AssuranceSource.id))
    )
    if cut is not None:
        statement = statement.where(col(AssuranceSource.created_at) <= cut)
    for s in session.exec(statement):
        sources[s.control_id].append(
            SourceView(
                s.id or 0, s.evidence, s.provider, s.received_on, s.line, s.positive,
                s.reference, s.sha256, s.illustrative,
            )
        )  # fmt: skip
    found: dict[int, list[ControlState]] = defaultdict(list)
    recorded = select(Control).order_by(col(Control.id))
    if cut is not None:
        recorded = recorded.where(col(Control.created_at) <= cut)
    gone: set[int] | None = None
    if cut is not None:
        from bct_risk.services.as_at import Recorded

        gone = Recorded(session, cut).retired_controls(as_at)  # as recorded by the cut
    for c in session.exec(recorded):
        if gone is not None and c.id in gone:
            continue  # no longer in place (services.controls)
        if gone is None and c.retired_on is not None and c.retired_on <= as_at:
            continue
        owner = people.get(c.owner_id) if c.owner_id else None
        found[c.risk_id].append(
            ControlState(
                id=c.id or 0, description=c.description, owner_id=c.owner_id,
                owner=owner.name if owner else "", effectiveness=Effectiveness(c.effectiveness),
                assurance_line=c.assurance_line,
                assurance_level=Assurance(c.assurance_level) if c.assurance_level else None,
                key_control=c.key_control, sources=sources.get(c.id or 0, []),
            )
        )  # fmt: skip
    return found


def _actions(
    session: Session, people: dict[int, PersonState], as_at: date, cut: datetime | None
) -> dict[int, list[ActionState]]:
    found: dict[int, list[ActionState]] = defaultdict(list)
    statement = (
        select(Action)
        .where(col(Action.risk_id).is_not(None), col(Action.raised_on) <= as_at)
        .order_by(col(Action.id))
    )
    if cut is not None:
        statement = statement.where(col(Action.created_at) <= cut)
    for a in session.exec(statement):
        status = ActionStatus(a.status)
        live = status.is_live or (a.completed_on is not None and a.completed_on > as_at)
        owner = people.get(a.owner_id) if a.owner_id else None
        found[a.risk_id or 0].append(
            ActionState(
                id=a.id or 0, kind=ActionKind(a.kind), description=a.description,
                owner_id=a.owner_id, owner=owner.name if owner else "", due_date=a.due_date,
                live=live, status=status,
            )
        )  # fmt: skip
    return found


def _scenarios(session: Session, references: dict[int, str]) -> list[ScenarioState]:
    members: dict[int, list[str]] = defaultdict(list)
    for m in session.exec(select(RiskGroupMember).order_by(col(RiskGroupMember.id))):
        if m.risk_id in references:
            members[m.group_id].append(references[m.risk_id])
    return [
        ScenarioState(
            id=g.id or 0, name=g.name, narrative=g.narrative, likelihood=g.likelihood,
            impact=g.impact, source=g.source, illustrative=g.illustrative, version=g.version,
            members=sorted(members.get(g.id or 0, []), key=_ref_key),
        )
        for g in session.exec(select(RiskGroup).order_by(col(RiskGroup.name)))
    ]  # fmt: skip


# -- what a scenario's members share -----------------------------------------------------------


@dataclass(frozen=True)
class Shared:
    """Something several members of a scenario depend on."""

    what: str
    """"control", "control owner", "risk owner" or "lead committee"."""
    name: str
    risks: list[str]


@dataclass(frozen=True)
class ScenarioDetail:
    """A scenario with its members' states and what they share."""

    scenario: ScenarioState
    members: list[RiskState]
    shared: list[Shared]

    @property
    def single_points_of_failure(self) -> list[Shared]:
        """A control or a person on which several members depend."""
        return [s for s in self.shared if s.what in ("control", "control owner", "risk owner")]


def scenario_detail(register: Register, scenario: ScenarioState) -> ScenarioDetail:
    """A scenario's members and what two or more of them share."""
    members = [r for ref in scenario.members if (r := register.risk(ref)) is not None]
    buckets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for risk in members:
        for c in risk.controls:
            buckets["control", " ".join(c.description.split()).rstrip(".")].add(risk.reference)
            if c.owner:
                buckets["control owner", c.owner].add(risk.reference)
        if risk.owner is not None:
            buckets["risk owner", risk.owner.name].add(risk.reference)
        if risk.lead_committee:
            buckets["lead committee", risk.lead_committee].add(risk.reference)
    order = {"control": 0, "control owner": 1, "risk owner": 2, "lead committee": 3}
    shared = [
        Shared(what, name, sorted(refs, key=_ref_key))
        for (what, name), refs in buckets.items()
        if len(refs) > 1
    ]
    shared.sort(key=lambda s: (order[s.what], -len(s.risks), s.name.lower()))
    return ScenarioDetail(scenario, members, shared)


def find_scenario_state(register: Register, name: str) -> ScenarioState | None:
    """A scenario by name (any case)."""
    wanted = name.strip().lower()
    return next((s for s in register.scenarios if s.name.lower() == wanted), None)


# -- for a risk's detail (``show``, the detail screen) -----------------------------------------


def sources_of(session: Session, control_ids: list[int]) -> dict[int, list[SourceView]]:
    """The sources of assurance of some controls, oldest first, by control."""
    found: dict[int, list[SourceView]] = defaultdict(list)
    if not control_ids:
        return found
    statement = (
        select(AssuranceSource)
        .where(col(AssuranceSource.control_id).in_(control_ids))
        .order_by(col(AssuranceSource.received_on), col(AssuranceSource.id))
    )
    for s in session.exec(statement):
        found[s.control_id].append(
            SourceView(
                s.id or 0, s.evidence, s.provider, s.received_on, s.line, s.positive,
                s.reference, s.sha256, s.illustrative,
            )
        )  # fmt: skip
    return found


def objectives_of(session: Session, risk_id: int) -> list[str]:
    """The titles of the objectives a risk threatens, in the plan's order."""
    statement = (
        select(StrategicObjective.title)
        .join(RiskObjective, col(RiskObjective.objective_id) == StrategicObjective.id)
        .where(RiskObjective.risk_id == risk_id)
        .order_by(col(StrategicObjective.position), col(StrategicObjective.id))
    )
    return list(session.exec(statement))


def scenarios_in(
    session: Session, matrix: Matrix, as_at: date, risk_ids: set[int]
) -> list[ScenarioDetail]:
    """The scenarios with two or more members among some risks (a pack's), as at a date."""
    return scenarios_of(read_register(session, matrix, as_at), risk_ids)


def scenarios_of(register: Register, risk_ids: set[int]) -> list[ScenarioDetail]:
    """The scenarios with two or more members among some risks, each with only those members
    (a public pack leaves out exempt ones)."""
    found = []
    for scenario in register.scenarios:
        detail = scenario_detail(register, scenario)
        members = [r for r in detail.members if r.id in risk_ids]
        if len(members) < 2:
            continue
        kept = dataclasses.replace(scenario, members=[r.reference for r in members])
        found.append(scenario_detail(register, kept))
    return found


def as_recorded(register: Register, lines: Mapping[int, tuple[RiskRow, int | None]]) -> Register:
    """The register with each risk's own fields as a paper read them at its cut-off (title,
    status, owner, committee, appetite, exemption, dates, scores), given its register lines
    and owners' ids; risks without a line are left out."""
    risks = []
    for r in register.risks:
        if r.id not in lines:
            continue
        row, owner_id = lines[r.id]
        risks.append(
            dataclasses.replace(
                r, title=row.title, open=row.status == RiskStatus.OPEN,
                owner=register.people.get(owner_id) if owner_id else None,
                lead_committee=row.lead_committee, appetite=row.appetite,
                ceiling=register.matrix.ceiling(row.appetite), exempt=row.exempt,
                next_review_date=row.next_review_date, target_date=row.target_date,
                inherent=row.inherent, current=row.current, target=row.target,
            )
        )  # fmt: skip
    return dataclasses.replace(register, risks=risks)
