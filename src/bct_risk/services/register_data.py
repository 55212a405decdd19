"""The register as data (CSV and JSON): records the importer reads back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from sqlmodel import col

from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    Appetite,
    Effectiveness,
    RiskStatus,
    Tier,
    Treatment,
)
from bct_risk.domain.models import (
    Action,
    Committee,
    Risk,
)
from bct_risk.domain.scoring import Score
from bct_risk.services.context import Context
from bct_risk.services.queries import (
    list_risks,
)
from bct_risk.services.register_rows import (
    RiskFilter,
)
from bct_risk.services.sections import (
    _ACTION_STATUSES,
    _CONTROLS,
    _TREATMENTS,
    Lookups,
    _chunks,
    _fetch,
    _of_ids,
)

# -- the register as data (CSV and JSON) -----------------------------------------------------


@dataclass(frozen=True)
class ControlRecord:
    """A control as the importer reads it."""

    description: str
    owner: str
    effectiveness: Effectiveness


@dataclass(frozen=True)
class ActionRecord:
    """A further action as the importer reads it."""

    description: str
    owner: str
    raised_on: date
    due_date: date | None
    status: ActionStatus


@dataclass(frozen=True)
class RiskRecord:
    """One risk with the values the importer reads back: names, not ids; latest scores."""

    reference: str
    title: str
    description: str
    cause: str
    effect: str
    category: str
    tier: Tier
    status: RiskStatus
    owner: str
    lead_committee: str
    appetite: Appetite | None
    treatment: Treatment
    inherent: Score | None
    current: Score | None
    target: Score | None
    target_date: date | None
    next_review_date: date | None
    exempt: bool
    closed_reason: str
    source: str
    controls: list[ControlRecord]
    further_actions: list[ActionRecord]


_RECORD_RISKS = sa.select(
    col(Risk.id),
    col(Risk.description),
    col(Risk.cause),
    col(Risk.effect),
    col(Risk.lead_committee_id),
    col(Risk.treatment),
    col(Risk.closed_reason),
    col(Risk.source),
).where(_of_ids(col(Risk.id)))
_RECORD_ACTIONS = (
    sa.select(
        col(Action.kind),
        col(Action.risk_id),
        col(Action.description),
        col(Action.owner_id),
        col(Action.raised_on),
        col(Action.due_date),
        col(Action.status),
    )
    .where(_of_ids(col(Action.risk_id)))
    .order_by(col(Action.raised_on), col(Action.id))
)


def register_records(
    ctx: Context, flt: RiskFilter | None = None, *, public: bool = False
) -> list[RiskRecord]:
    """The register as records, by reference; a public export leaves exempt risks out.

    Read a chunk of risks at a time, as the papers are (no parameter limit on large registers).
    """
    flt = flt or RiskFilter()
    if public:
        flt = replace(flt, include_exempt=False)
    rows = list_risks(ctx, flt)
    records: list[RiskRecord] = []
    with ctx.read() as session:
        lookups = Lookups.read(session)
        people, days = lookups.people, lookups.days
        bodies = dict(_fetch(session, sa.select(col(Committee.id), col(Committee.name))))
        further = ActionKind.FURTHER_ACTION.value
        for chunk in _chunks(rows):
            ids = {"ids": [r.id for r in chunk]}
            risks = {rid: rest for rid, *rest in _fetch(session, _RECORD_RISKS, ids)}
            controls: dict[int, list[ControlRecord]] = {}
            for rid, text, owner_id, effectiveness, _ in _fetch(session, _CONTROLS, ids):
                controls.setdefault(rid, []).append(
                    ControlRecord(text, people.get(owner_id, ""), Effectiveness(effectiveness))
                )
            actions: dict[int, list[ActionRecord]] = {}
            for kind, rid, text, owner_id, raised_on, due, status in _fetch(
                session, _RECORD_ACTIONS, ids
            ):
                if kind == further:
                    actions.setdefault(rid, []).append(
                        ActionRecord(
                            text,
                            people.get(owner_id, ""),
                            days[raised_on] or date.min,
                            days[due],
                            _ACTION_STATUSES[status],
                        )
                    )
            for row in chunk:
                description, cause, effect, committee_id, treatment, closed, source = risks[row.id]
                records.append(
                    RiskRecord(
                        reference=row.reference,
                        title=row.title,
                        description=description,
                        cause=cause,
                        effect=effect,
                        category=row.category,
                        tier=row.tier,
                        status=row.status,
                        owner=row.owner,
                        lead_committee=bodies.get(committee_id, ""),
                        appetite=row.appetite,
                        treatment=_TREATMENTS[treatment],
                        inherent=row.inherent,
                        current=row.current,
                        target=row.target,
                        target_date=row.target_date,
                        next_review_date=row.next_review_date,
                        exempt=row.exempt,
                        closed_reason=closed or "",
                        source=source,
                        controls=controls.get(row.id, []),
                        further_actions=actions.get(row.id, []),
                    )
                )
    return records
