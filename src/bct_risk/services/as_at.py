"""The register as it stood at the end of a day, rebuilt from its history.

"As at" means *as recorded*: every event carries the day it took effect (an assessment's
``assessed_on``, an escalation's ``decided_on``, an update's ``update_date``) and when it was
recorded (``created_at``, and the audit trail's ``at``). The register as at a day holds what had
been recorded by the end of that day (UTC) and had taken effect by then; edits, closures and
reopenings recorded later are undone from the audit trail's old values. So a rescoring
back-dated after a paper went out does not change what that paper said. Seeded and imported
history is recorded on its own dates (see :mod:`bct_risk.services.seed`).

A control's retirement follows the same rule: it counts from the day it took effect
(``retired_on``) once it had been recorded (its audit event's time), and a restoring from the
day it was recorded (:meth:`Recorded.retired_controls`). A retirement back-dated after a paper
went out leaves that paper as it was.

:func:`register_as_at` gives the register's lines as at a day (the list, ``export register
--as-at`` and the app's date picker call it); :class:`Recorded` is what the papers read history
through.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from bct_risk.domain.enums import RiskStatus, ScoreKind
from bct_risk.domain.models import (
    Action,
    Assessment,
    AuditEvent,
    Committee,
    CommitteeReview,
    Control,
    Escalation,
    Meeting,
    Person,
    Risk,
)
from bct_risk.domain.scoring import Matrix
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee
from bct_risk.services.register_rows import (
    RiskFilter,
    RiskRow,
    RowReader,
    reference_key,
    search_key,
)


def end_of(day: date, offset: int = 0) -> datetime:
    """The last instant (UTC) of ``day`` moved by ``offset`` days: what had been recorded by the
    end of that day has ``created_at <= end_of(day)``."""
    start = datetime.combine(day + timedelta(days=offset + 1), time.min, tzinfo=UTC)
    return start - timedelta(microseconds=1)


def stamp(value: Any) -> datetime:
    """A stored time as an aware datetime (SQLite gives ISO text without a zone: UTC)."""
    found: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class _Event(NamedTuple):
    id: int
    at: Any
    entity_id: int
    risk_id: int | None
    action: str
    changes: Any


@dataclass
class Recorded:
    """History as recorded by ``cut``: reads the audit trail to undo what came later."""

    session: Session
    cut: datetime

    def _later_events(self, entity: str, ids: Sequence[int], by_risk: bool = False) -> list[_Event]:
        """Audit events on these records after the cut, newest first.

        Read by time (the trail's index on ``at``), not by a list of ids: a paper as at a recent
        day reads the few events since, however many risks it covers.
        """
        if not ids:
            return []
        wanted = set(ids)
        found = [
            event
            for event in map(
                _Event._make,
                self.session.execute(
                    sa.select(
                        col(AuditEvent.id),
                        col(AuditEvent.at),
                        col(AuditEvent.entity_id),
                        col(AuditEvent.risk_id),
                        col(AuditEvent.action),
                        col(AuditEvent.changes),
                    ).where(col(AuditEvent.at) > self.cut, col(AuditEvent.entity) == entity)
                ),
            )
            if (event.risk_id if by_risk else event.entity_id) in wanted
        ]
        found.sort(key=lambda e: (stamp(e.at), e.id), reverse=True)
        return found

    def undone(self, entity: str, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """For each record edited after the cut, its fields' values as at the cut (the old
        value of the earliest later change to each field)."""
        values: dict[int, dict[str, Any]] = {}
        events = self._later_events(entity, ids)
        if entity == "risk":
            # A scoring moves the next review date; the assessment's event holds the old one.
            events += [
                e._replace(entity_id=e.risk_id or 0, action="score")
                for e in self._later_events("assessment", ids, by_risk=True)
            ]
            events.sort(key=lambda e: (stamp(e.at), e.id), reverse=True)
        for event in events:
            changes = _changes(event.changes)
            if event.action == "score":
                changes = {k: v for k, v in changes.items() if k == "next_review_date"}
            old = values.setdefault(event.entity_id, {})
            if event.action == "close":
                old.update(status=RiskStatus.OPEN.value, closed_on=None, closed_reason=None)
                continue
            if event.action == "reopen":
                old.update(
                    status=RiskStatus.CLOSED.value, closed_reason=changes.get("closed_reason")
                )
                continue
            for name, pair in changes.items():
                if isinstance(pair, list) and len(pair) == 2:
                    old[name] = pair[0]
        return values

    def tiers(self, ids: Sequence[int]) -> dict[int, tuple[str, int | None]]:
        """Risks moved between tiers after the cut: their tier (and lead committee) at the cut."""
        found: dict[int, tuple[str, int | None]] = {}
        if not ids:
            return found
        for rid, from_tier, from_committee, to_committee in self.session.execute(
            sa.select(
                col(Escalation.risk_id),
                col(Escalation.from_tier),
                col(Escalation.from_committee_id),
                col(Escalation.to_committee_id),
            )
            .where(col(Escalation.risk_id).in_(list(ids)), col(Escalation.created_at) > self.cut)
            .order_by(col(Escalation.created_at).desc(), col(Escalation.id).desc())
        ):
            committee = from_committee if to_committee is not None else None
            found[rid] = (getattr(from_tier, "value", from_tier), committee)
        return found

    def status_moves(self, ids: Sequence[int]) -> list[tuple[int, date, str, str]]:
        """Closures and reopenings recorded by the cut: (risk id, day, "close" or "reopen",
        reason). A risk seeded or imported closed, with no closure in the trail, was closed on
        its closing date."""
        moves: list[tuple[int, date, str, str]] = []
        if not ids:
            return moves
        with_events: set[int] = set()
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            for rid, at, action, changes in self.session.execute(
                sa.select(
                    col(AuditEvent.entity_id),
                    col(AuditEvent.at),
                    col(AuditEvent.action),
                    col(AuditEvent.changes),
                ).where(
                    col(AuditEvent.entity) == "risk",
                    col(AuditEvent.entity_id).in_(part),
                    col(AuditEvent.action).in_(["close", "reopen"]),
                )
            ):
                with_events.add(rid)
                if stamp(at) > self.cut:
                    continue
                changes = _changes(changes)
                day = _day(changes.get("closed_on")) if action == "close" else None
                moves.append((rid, day or stamp(at).date(), action, changes.get("reason", "")))
            for rid, closed_on, reason in self.session.execute(
                sa.select(col(Risk.id), col(Risk.closed_on), col(Risk.closed_reason)).where(
                    col(Risk.id).in_(part),
                    col(Risk.status) == RiskStatus.CLOSED,
                    col(Risk.closed_on).is_not(None),
                )
            ):
                if rid not in with_events and closed_on is not None:
                    moves.append((rid, _day(closed_on) or date.min, "close", reason or ""))
        return moves

    def retired_controls(self, day: date) -> set[int]:
        """The ids of the controls retired as at ``day``, as recorded by the cut.

        A control is retired as at the day when the last of its retirements and restorings
        recorded by the cut (audit events) is a retirement taking effect by the day. A control
        retired with no retirement in the trail (stored so by other means) counts from its
        ``retired_on``."""
        last: dict[int, tuple[datetime, int, str, Any]] = {}
        with_events: set[int] = set()
        for eid, cid, at, action, changes in self.session.execute(
            sa.select(
                col(AuditEvent.id),
                col(AuditEvent.entity_id),
                col(AuditEvent.at),
                col(AuditEvent.action),
                col(AuditEvent.changes),
            ).where(
                col(AuditEvent.entity) == "control",
                col(AuditEvent.action).in_(["retire", "restore"]),
            )
        ):
            with_events.add(cid)
            when = stamp(at)
            if when > self.cut:
                continue
            if cid not in last or (when, eid) > last[cid][:2]:
                last[cid] = (when, eid, action, changes)
        retired: set[int] = set()
        for cid, (_, _, action, changes) in last.items():
            if action != "retire":
                continue
            given = _changes(changes).get("retired_on")
            on = _day(given[1] if isinstance(given, list) else given)
            if on is None or on <= day:
                retired.add(cid)
        for cid, on in self.session.execute(
            sa.select(col(Control.id), col(Control.retired_on)).where(
                col(Control.retired_on).is_not(None)
            )
        ):
            stored = _day(on)
            if cid not in with_events and stored is not None and stored <= day:
                retired.add(cid)
        return retired

    def action_statuses(self, ids: Sequence[int]) -> dict[int, tuple[str, date | None]]:
        """Actions whose status changed after the cut: their status and completion at it."""
        found: dict[int, tuple[str, date | None]] = {}
        undone = self.undone("action", list(ids))
        if not undone:
            return found
        for aid, status, completed_on in self.session.execute(
            sa.select(col(Action.id), col(Action.status), col(Action.completed_on)).where(
                col(Action.id).in_(list(undone))
            )
        ):
            old = undone[aid]
            found[aid] = (
                getattr(old.get("status", status), "value", old.get("status", status)),
                _day(old["completed_on"]) if "completed_on" in old else completed_on,
            )
        return found


def _changes(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return dict(value or {})


# -- the register's lines as at a day -------------------------------------------------------


_RISKS = sa.select(
    col(Risk.id),
    col(Risk.reference),
    col(Risk.title),
    col(Risk.owner_id),
    col(Risk.lead_committee_id),
    col(Risk.tier),
    col(Risk.status),
    col(Risk.category),
    col(Risk.appetite),
    col(Risk.exempt),
    col(Risk.next_review_date),
    col(Risk.target_date),
    col(Risk.review_frequency_days),
    col(Risk.inherent_likelihood),
    col(Risk.inherent_impact),
    col(Risk.current_likelihood),
    col(Risk.current_impact),
    col(Risk.previous_score),
    col(Risk.target_likelihood),
    col(Risk.target_impact),
)


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def scores_as_at(
    session: Session, ids: Iterable[int], day: date, cut: datetime
) -> dict[int, dict[str, Any]]:
    """For each risk with a scoring after ``day`` or recorded after ``cut`` (the others' stored
    latest scores are those as at the day), its latest inherent, current and target scores
    taking effect by the day and recorded by the cut, the current score before the latest, the
    day of the latest current scoring (``scored_on``) and ``superseded`` when a later current
    scoring exists."""
    found: dict[int, dict[str, Any]] = {}
    wanted = set(ids)
    late = sorted(
        rid
        for (rid,) in session.execute(
            sa.select(col(Assessment.risk_id))
            .where(sa.or_(col(Assessment.assessed_on) > day, col(Assessment.created_at) > cut))
            .distinct()
        )
        if rid in wanted
    )
    current = ScoreKind.CURRENT.value
    for start in range(0, len(late), 500):
        for rid, kind, likelihood, impact, score, assessed_on, created in session.execute(
            sa.select(
                col(Assessment.risk_id),
                col(Assessment.kind),
                col(Assessment.likelihood),
                col(Assessment.impact),
                col(Assessment.score),
                col(Assessment.assessed_on),
                col(Assessment.created_at),
            )
            .where(col(Assessment.risk_id).in_(late[start : start + 500]))
            .order_by(col(Assessment.assessed_on), col(Assessment.id))
        ):
            mine = found.setdefault(rid, {"recomputed": True})
            kind = _value(kind)
            if assessed_on > day or stamp(created) > cut:
                if kind == current:
                    mine["superseded"] = True
                continue
            if kind == current:
                if current in mine:
                    mine["previous"] = mine[current][2]
                mine["scored_on"] = assessed_on
            mine[kind] = (likelihood, impact, score)
    return found


def _closed_after(session: Session, recorded: Recorded, day: date) -> set[int]:
    """Risks closed after ``day`` with no closure in the audit trail (imported or seeded
    closed): open as at the day, closed on their own closing date."""
    closed = list(
        session.execute(
            sa.select(col(Risk.id)).where(
                col(Risk.status) == RiskStatus.CLOSED, col(Risk.closed_on) > day
            )
        ).scalars()
    )
    return {
        rid
        for rid, when, action, _ in recorded.status_moves(closed)
        if action == "close" and when > day
    }


def register_tuples(
    session: Session, day: date, cut: datetime | None = None, matrix: Matrix | None = None
) -> list[tuple[Any, ...]]:
    """Every risk recorded by the end of ``day`` as a row of the register's SQL (see
    :func:`~bct_risk.services.register_sql.register_sql`), with its values as at that day and
    the ids of its owner and lead committee after it; in reference order."""
    cut = cut or end_of(day)
    people = dict(session.execute(sa.select(col(Person.id), col(Person.name))).all())
    committees = {
        cid: short or name
        for cid, name, short in session.execute(
            sa.select(col(Committee.id), col(Committee.name), col(Committee.short_name))
        )
    }
    risks = [list(r) for r in session.execute(_RISKS.where(col(Risk.created_at) <= cut)).all()]
    ids = [r[0] for r in risks]
    recorded = Recorded(session, cut)
    undone = recorded.undone("risk", ids)
    closed_later = _closed_after(session, recorded, day)
    tiers = recorded.tiers(ids)
    scores = scores_as_at(session, ids, day, cut)
    reviewed: dict[int, date] = {}
    for rid, when, created in session.execute(
        sa.select(
            col(CommitteeReview.risk_id), col(Meeting.meeting_date), col(CommitteeReview.created_at)
        )
        .join(Meeting, col(Meeting.id) == col(CommitteeReview.meeting_id))
        .where(col(Meeting.meeting_date) <= day)
    ):
        if stamp(created) <= cut and when > reviewed.get(rid, date.min):
            reviewed[rid] = when
    names = ("title", "owner_id", "lead_committee_id", "tier", "status", "category", "appetite",
             "exempt", "next_review_date", "target_date", "review_frequency_days",
             "il", "ii", "cl", "ci", "previous", "tl", "ti")  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    for risk in risks:
        rid = risk[0]
        values = dict(zip(names, risk[2:], strict=True))
        if rid in tiers:
            tier, committee = tiers[rid]
            values["tier"] = tier
            if committee is not None:
                values["lead_committee_id"] = committee
        for name, old in undone.get(rid, {}).items():
            if name in values:
                values[name] = old
        if rid in closed_later:
            values["status"] = RiskStatus.OPEN
        mine = scores.get(rid)
        if mine is None:
            # No scoring after the day: the risk's stored latest scores are those as at it.
            mine = {
                ScoreKind.INHERENT.value: (values["il"], values["ii"], None),
                ScoreKind.CURRENT.value: (values["cl"], values["ci"], None),
                ScoreKind.TARGET.value: (values["tl"], values["ti"], None),
                "previous": values["previous"],
            }
        il, ii, _ = mine.get(ScoreKind.INHERENT.value, (None, None, None))
        cl, ci, score = mine.get(ScoreKind.CURRENT.value, (None, None, None))
        later = "next_review_date" not in undone.get(rid, {}) and mine.get("superseded")
        if matrix is not None and later and score is not None:
            # A scoring after the day moved the next review, and the trail holds no earlier
            # date (seeded or imported history): the review that scoring as at the day set.
            # A committee's review as at the day restarts the interval too.
            since = max(mine["scored_on"], reviewed.get(rid, date.min))
            values["next_review_date"] = matrix.next_review(
                since, score, values["review_frequency_days"]
            )
        tl, ti, _ = mine.get(ScoreKind.TARGET.value, (None, None, None))
        rows.append((
            rid, risk[1], values["title"], people.get(values["owner_id"], ""),
            committees.get(values["lead_committee_id"], ""), _value(values["tier"]),
            _value(values["status"]), values["category"], _value(values["appetite"]),
            values["exempt"], _day(values["next_review_date"]), _day(values["target_date"]),
            il, ii, cl, ci, mine.get("previous"), tl, ti,
            values["owner_id"], values["lead_committee_id"],
        ))  # fmt: skip
    rows.sort(key=lambda r: reference_key(r[1]))
    return rows


def objective_risks(session: Session, objective: str) -> set[int]:
    """The ids of the risks that threaten an objective (its key or title)."""
    from bct_risk.domain.assurance import RiskObjective
    from bct_risk.services.assurance import find_objective

    found = find_objective(session, objective)
    return set(
        session.execute(
            sa.select(col(RiskObjective.risk_id)).where(col(RiskObjective.objective_id) == found.id)
        ).scalars()
    )


def register_as_at(ctx: Context, day: date, flt: RiskFilter | None = None) -> list[RiskRow]:
    """The register's lines as they stood at the end of ``day`` (as recorded by then),
    filtered as the list filters today's register; in reference order.

    For ``bct-risk list --as-at``, the app's date picker and papers for a past date.
    """
    flt = flt or RiskFilter()
    reader = RowReader(ctx.matrix, day)
    with ctx.read() as session:
        committee_id = find_committee(session, flt.committee).id if flt.committee.strip() else None
        threatening = objective_risks(session, flt.objective) if flt.objective.strip() else None
        band = ctx.matrix.band_by_name(flt.band) if flt.band.strip() else None
        tuples = register_tuples(session, day, matrix=ctx.matrix)
        job_titles = dict(session.execute(sa.select(col(Person.id), col(Person.job_title))).all())
    lines = reader.read_all([t[:19] for t in tuples])
    owners = {t[0]: t[19] for t in tuples}
    committees = {t[0]: t[20] for t in tuples}
    chosen = []
    for line in lines:
        if flt.status is not None:
            if line.status != flt.status:
                continue
        elif not flt.include_closed and line.status != RiskStatus.OPEN:
            continue
        if not flt.include_exempt and line.exempt:
            continue
        if flt.needle and flt.needle not in search_key(line):
            continue
        if flt.owner.strip():
            who = flt.owner.strip().lower()
            title = (job_titles.get(owners[line.id]) or "").lower()
            if who not in line.owner.lower() and who not in title:
                continue
        if committee_id is not None and committees[line.id] != committee_id:
            continue
        if flt.tier is not None and line.tier != flt.tier:
            continue
        if flt.category.strip() and line.category.lower() != flt.category.strip().lower():
            continue
        if threatening is not None and line.id not in threatening:
            continue
        if band is not None and (line.current is None or line.band != band.name):
            continue
        if flt.above_appetite and not line.above_appetite:
            continue
        if flt.review_overdue and not line.review_overdue:
            continue
        chosen.append(line)
    return chosen
