"""A committee's pack for a meeting, built as at its cut-off (see :mod:`bct_risk.services.as_at`).

A committee *oversees* the risks whose lead committee it is; the Trust Board also oversees every
risk on the Board tier. Where the strategic register is routed to a committee
(``Committee.receives_register``), its pack summarises every strategic and Board-tier risk too,
its own in full. The pack is the register as recorded by the end of the cut-off day (by default
the day before the meeting): the meeting's own reviews are not in it, and a pack for a past
meeting reads the same whatever was recorded since. "Changes since the previous meeting" cover
the day of the previous meeting up to the meeting (not included), as recorded by the cut-off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    CommitteeKind,
    RiskStatus,
    Tier,
)
from bct_risk.domain.models import (
    Action,
    ActionUpdate,
    Committee,
    Meeting,
    Risk,
)
from bct_risk.services.as_at import Recorded, end_of, register_tuples, stamp
from bct_risk.services.baf import ScenarioDetail
from bct_risk.services.changes import Changes, changes_between
from bct_risk.services.checks import CheckReport, pack_extras
from bct_risk.services.context import Context
from bct_risk.services.indicator_views import NO_INDICATORS, PaperIndicators, paper_indicators
from bct_risk.services.lookup import find_committee, find_meeting
from bct_risk.services.queries import (
    ActionView,
    UpdateView,
)
from bct_risk.services.register_paper import Withheld
from bct_risk.services.register_rows import (
    RiskRow,
    RowReader,
)
from bct_risk.services.sections import (
    CHUNK,
    Lookups,
    RiskSection,
    _fetch,
    load_sections,
)

_LIVE = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})
_ACTION_STATUSES = {s.value: s for s in ActionStatus}
_ACTION_KINDS = {k.value: k for k in ActionKind}


# -- the committee pack ----------------------------------------------------------------------


@dataclass(frozen=True)
class FrontMatter:
    """What the Trust's papers carry above the report: set per meeting, else the defaults."""

    agenda_item: str
    report_of: str
    author: str
    purpose: str
    recommendations: list[str]
    """The committee's own words, one a line; empty for the asks the pack works out."""


@dataclass(frozen=True)
class CoHigh:
    """Risks high at the same time, and what they share: the combined-exposure note."""

    references: list[str]
    titles: list[str]
    owners: list[str]
    """Risk owners of more than one of them."""
    committees: list[str]
    """Lead committees of more than one of them."""
    controls: list[str]
    """Controls (by wording) that more than one of them relies on."""
    scores: list[int]


@dataclass(frozen=True)
class ExemptPart:
    """Exempt items, printed in a separate part of a paper that is not for publication."""

    risks: list[RiskRow]
    details: list[RiskSection]
    changes: Changes
    actions: list[ActionView]

    @property
    def is_empty(self) -> bool:
        """Nothing exempt is included."""
        return not (self.risks or self.actions or not self.changes.is_empty)


@dataclass(frozen=True)
class CommitteePack:
    """Everything a committee's papers for one meeting hold, as at the pack's cut-off."""

    committee: str
    """The committee's full name."""
    short_name: str
    meeting_date: date
    meeting_title: str
    previous_meeting: date | None
    today: date
    """The cut-off: the register is as recorded by the end of this day."""
    public: bool
    risks: list[RiskRow]
    """The open risks the pack covers (the committee's own and, where the strategic register
    is routed to it, every strategic and Board-tier risk), by reference; none exempt."""
    own: frozenset[int]
    """The ids of the risks the committee oversees (printed in full)."""
    details: list[RiskSection]
    above_appetite: list[RiskRow]
    changes: Changes
    reviews_due: list[RiskRow]
    """The committee's open risks whose next review falls on or before the meeting (overdue
    ones included)."""
    overdue_actions: list[ActionView]
    tracker: list[ActionView]
    """The committee's action tracker: live items, and items closed since its previous meeting."""
    withheld: Withheld
    front: FrontMatter
    combined: list[CoHigh]
    exempt: ExemptPart
    """Exempt items (empty in a public pack, whose ``withheld`` counts them)."""
    illustrative: dict[int, list[str]]
    """Each risk's illustrative values, by id."""
    health: CheckReport | None = None
    """The data-quality checks on the pack's risks as at its cut-off: its register health."""
    scenarios: list[ScenarioDetail] = field(default_factory=list)
    """Scenarios with two or more of the pack's risks: part of its combined exposure."""
    indicators: PaperIndicators = NO_INDICATORS
    """The key risk indicators of the pack's risks and their breaches, as at the cut-off."""

    @property
    def as_at(self) -> date:
        """The day the register is as at (the cut-off)."""
        return self.today


def _covers(body: Committee, tier: str, committee_id: int | None) -> tuple[bool, bool]:
    """Whether a risk is in a committee's pack, and whether the committee oversees it."""
    own = committee_id == body.id or (body.kind == CommitteeKind.BOARD and tier == Tier.BOARD)
    routed = body.receives_register and tier in (Tier.STRATEGIC, Tier.BOARD)
    return own or routed, own


def combined_exposure(
    rows: Sequence[RiskRow], details: Mapping[int, RiskSection], threshold: int = 15
) -> list[CoHigh]:
    """The risks high together (current score at or above ``threshold``: the Extreme band on
    the Trust's matrix) and what they share: owners, lead committees and controls.

    One group today: every co-high risk. Risk groups (scenarios) can add their own groups by
    calling this with their members.
    """
    high = [r for r in rows if r.current is not None and r.current.value >= threshold]
    if len(high) < 2:
        return []

    def shared(values: list[str]) -> list[str]:
        counts: dict[str, int] = {}
        for v in values:
            if v:
                counts[v] = counts.get(v, 0) + 1
        return sorted(v for v, n in counts.items() if n > 1)

    controls: list[str] = []
    for r in high:
        section = details.get(r.id)
        if section is not None:
            controls += sorted({c.description.strip() for c in section.controls})
    return [
        CoHigh(
            references=[r.reference for r in high],
            titles=[r.title for r in high],
            owners=shared([r.owner for r in high]),
            committees=shared([r.lead_committee for r in high]),
            controls=shared(controls),
            scores=[r.current.value for r in high if r.current is not None],
        )
    ]


def cut_off_day(meeting: Meeting) -> date:
    """The day a meeting's papers are as at: its own cut-off, else the day before it."""
    return meeting.cut_off or meeting.meeting_date - timedelta(days=1)


def meeting_cut_off(ctx: Context, committee: str, meeting_date: date) -> date:
    """The cut-off of a committee's meeting (see :func:`cut_off_day`); the meeting must be on
    the register."""
    with ctx.read() as session:
        return cut_off_day(find_meeting(session, find_committee(session, committee), meeting_date))


def committee_pack(
    ctx: Context,
    committee: str,
    meeting_date: date,
    *,
    public: bool = False,
    as_at: date | None = None,
) -> CommitteePack:
    """The pack for a committee's meeting (the meeting must be on the register), as at its
    cut-off (``as_at``, else the meeting's own cut-off, else the day before the meeting)."""
    with ctx.read() as session:
        body = find_committee(session, committee)
        meeting = find_meeting(session, body, meeting_date)
        day = as_at or cut_off_day(meeting)
        cut = end_of(day)
        previous = session.exec(
            select(col(Meeting.meeting_date))
            .where(col(Meeting.committee_id) == body.id, col(Meeting.meeting_date) < meeting_date)
            .order_by(col(Meeting.meeting_date).desc())
            .limit(1)
        ).first()
        name, short, title = body.name, body.short_name or body.name, meeting.title
        front = _front_matter(meeting, body)
        lookups = Lookups.read(session)
        reader = RowReader(ctx.matrix, day)
        covered: list[RiskRow] = []
        own: set[int] = set()
        every = register_tuples(session, day, cut, ctx.matrix)
        for line, raw in zip(reader.read_all([t[:19] for t in every]), every, strict=True):
            inside, mine = _covers(body, raw[5], raw[20])
            if not inside or line.status != RiskStatus.OPEN:
                continue
            covered.append(line)
            if mine:
                own.add(line.id)
        changes = changes_between(
            session,
            [t[0] for t in every if _covers(body, t[5], t[20])[0]],
            previous,
            meeting_date,
            include_exempt=not public,
            recorded_by=cut,
            committee=body,
        )
        shown = [r for r in covered if not r.exempt]
        hidden = [r for r in covered if r.exempt]
        details: list[RiskSection] = []
        for start in range(0, len(covered), CHUNK):
            chunk = [r for r in covered[start : start + CHUNK] if r.id in own or r.exempt]
            details += load_sections(session, lookups, day, chunk, cut=cut)
        by_id = {d.row.id: d for d in details}
        illustrative = _illustrative(session, [r.id for r in covered])
        exempt_of = {t[0]: bool(t[9]) for t in every}
        further = _pack_actions(
            session,
            lookups,
            day,
            cut,
            exempt_of,
            col(Action.risk_id).in_([r.id for r in covered if r.id in own or r.exempt] or [0]),
            ActionKind.FURTHER_ACTION,
            overdue_only=True,
        )
        meetings = sa.select(col(Meeting.id)).where(col(Meeting.committee_id) == body.id)
        tracker_all = [
            a
            for a in _pack_actions(
                session,
                lookups,
                day,
                cut,
                exempt_of,
                col(Action.meeting_id).in_(meetings),
                ActionKind.TRACKER,
            )
            if _on_tracker(a.view, meeting_date, previous)
        ]
        hidden_actions = sum(len(by_id[r.id].further_actions) for r in hidden if r.id in by_id)
        indicators = paper_indicators(session, [r.id for r in shown], day)
        owner_of = {t[0]: t[19] for t in every}
        health, scenarios = pack_extras(
            session,
            ctx.matrix,
            day,
            {r.id: (r, owner_of.get(r.id)) for r in (shown if public else covered)},
            cut,
        )

    late = further + [t for t in tracker_all if t.view.overdue]
    late.sort(key=lambda a: (a.view.due_date or date.min, a.view.id))
    withheld = Withheld()
    exempt = ExemptPart([], [], changes.split(exempt=True), [])
    if public:
        hidden_actions += sum(1 for t in tracker_all if t.exempt)
        withheld = Withheld(risks=len(hidden), actions=hidden_actions)
        exempt = ExemptPart([], [], changes.split(exempt=True), [])
    else:
        exempt = ExemptPart(
            risks=hidden,
            details=[by_id[r.id] for r in hidden],
            changes=changes.split(exempt=True),
            actions=[a.view for a in late + tracker_all if a.exempt],
        )
    own_shown = [r for r in shown if r.id in own]
    return CommitteePack(
        committee=name,
        short_name=short,
        meeting_date=meeting_date,
        meeting_title=title,
        previous_meeting=previous,
        today=day,
        public=public,
        risks=shown,
        own=frozenset(own),
        details=[by_id[r.id] for r in own_shown],
        above_appetite=[r for r in shown if r.above_appetite],
        changes=changes.split(exempt=False),
        reviews_due=[
            r
            for r in own_shown
            if r.next_review_date is not None and r.next_review_date <= meeting_date
        ],
        overdue_actions=[a.view for a in late if not a.exempt],
        tracker=[t.view for t in tracker_all if not t.exempt],
        withheld=withheld,
        front=front,
        combined=combined_exposure(shown, by_id),
        exempt=exempt,
        illustrative=illustrative,
        indicators=indicators,
        health=health,
        scenarios=scenarios,
    )


def _illustrative(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    from bct_risk.services.sections import flags

    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), CHUNK):
        part = list(ids[start : start + CHUNK])
        for rid, value in session.execute(
            sa.select(col(Risk.id), col(Risk.illustrative)).where(col(Risk.id).in_(part))
        ):
            found[rid] = flags(value)
    return found


def _front_matter(meeting: Meeting, body: Committee) -> FrontMatter:
    return FrontMatter(
        agenda_item=meeting.agenda_item.strip(),
        report_of=meeting.report_of.strip() or "Director of Finance and Resources",
        author=meeting.author.strip() or "Governance and risk team",
        purpose=meeting.purpose.strip(),
        recommendations=[
            line.strip() for line in meeting.recommendations.splitlines() if line.strip()
        ],
    )


class _PackAction(NamedTuple):
    view: ActionView
    exempt: bool
    """The action's risk is exempt (a public pack leaves the action out)."""


def _pack_actions(
    session: Session,
    lookups: Lookups,
    today: date,
    cut: datetime,
    exempt_of: Mapping[int, bool],
    where: Any,
    kind: ActionKind,
    *,
    overdue_only: bool = False,
) -> list[_PackAction]:
    """Actions of a kind recorded by ``cut``, as they stood then, with their updates and their
    risk's reference, oldest first.

    ``where`` picks the actions by what an index serves (their risks, or their meetings); the
    kind, and whether an action is overdue, are checked here.
    """
    days = lookups.days
    updates: dict[int, list[UpdateView]] = {}
    for action_id, day, text, author, created in _fetch(
        session,
        sa.select(
            col(ActionUpdate.action_id),
            col(ActionUpdate.update_date),
            col(ActionUpdate.text),
            col(ActionUpdate.author),
            col(ActionUpdate.created_at),
        )
        .join(Action, col(Action.id) == col(ActionUpdate.action_id))
        .where(where)
        .order_by(col(ActionUpdate.update_date), col(ActionUpdate.id)),
    ):
        when = days[day] or date.min
        if when > today or stamp(created) > cut:
            continue
        updates.setdefault(action_id, []).append(UpdateView(when, text, author))
    rows = [
        r
        for r in _fetch(
            session,
            sa.select(
                col(Action.id),
                col(Action.kind),
                col(Action.description),
                col(Action.owner_id),
                col(Action.raised_on),
                col(Action.due_date),
                col(Action.status),
                col(Action.completed_on),
                col(Action.meeting_id),
                col(Action.agenda_item),
                col(Action.version),
                col(Risk.reference),
                col(Action.risk_id),
                col(Action.illustrative),
                col(Action.created_at),
            )
            .outerjoin(Risk, col(Risk.id) == col(Action.risk_id))
            .where(where)
            .order_by(col(Action.raised_on), col(Action.id)),
        )
        if _ACTION_KINDS[r[1]] is kind and stamp(r[-1]) <= cut
    ]
    statuses = Recorded(session, cut).action_statuses([r[0] for r in rows])
    found = []
    for (aid, _, text, owner_id, raised_on, due, status, completed_on, meeting_id,
         agenda_item, version, reference, risk_id, illustrative, _) in rows:  # fmt: skip
        if aid in statuses:
            status, completed_on = statuses[aid]
        due, status = days[due], _ACTION_STATUSES[getattr(status, "value", status)]
        overdue = due is not None and due < today and status in _LIVE
        if overdue_only and not overdue:
            continue
        meeting = lookups.meetings.get(meeting_id)
        view = ActionView(
            id=aid,
            kind=kind,
            description=text,
            owner=lookups.people.get(owner_id, ""),
            raised_on=days[raised_on] or date.min,
            due_date=due,
            status=status,
            completed_on=days[completed_on],
            overdue=overdue,
            risk_reference=reference or "",
            committee=meeting[0] if meeting else "",
            meeting_date=meeting[1] if meeting else None,
            agenda_item=agenda_item,
            version=version,
            updates=updates.get(aid, []),
            illustrative=bool(illustrative),
        )
        found.append(_PackAction(view, exempt_of.get(risk_id, False)))
    return found


def _on_tracker(action: ActionView, meeting_date: date, previous: date | None) -> bool:
    """Raised before the meeting, and still live or closed since the previous meeting."""
    raised = action.meeting_date or action.raised_on
    if raised >= meeting_date:
        return False
    if action.status.is_live:
        return True
    closed_on = action.completed_on or raised
    return previous is not None and closed_on >= previous
