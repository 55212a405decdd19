"""Escalation and de-escalation of a risk between register tiers and committees."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bct_risk.domain.enums import CommitteeKind, EscalationDirection, RiskStatus, Tier
from bct_risk.domain.errors import NotFoundError, ValidationError
from bct_risk.domain.models import Committee, Escalation, Risk
from bct_risk.services import audit
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee, find_meeting, find_risk
from bct_risk.services.permissions import Change, authorize
from bct_risk.services.risks import MeetingRef, check_version
from bct_risk.services.validation import required_text

TIER_OF_COMMITTEE = {
    CommitteeKind.BOARD: Tier.BOARD,
    CommitteeKind.BOARD_COMMITTEE: Tier.COMMITTEE,
    CommitteeKind.EXECUTIVE: Tier.STRATEGIC,
}


def resolve_destination(session: Session, to: str) -> tuple[Tier, Committee | None]:
    """Where a risk is going: a tier by name, or a committee (whose tier follows from its kind)."""
    text = to.strip()
    if not text:
        raise ValidationError("say where the risk goes: a tier or a committee", field="to")
    try:
        tier = Tier(Tier.parse(text))
    except ValueError:
        tier = None
    if tier is not None:
        committee = None
        if tier == Tier.BOARD:
            try:
                committee = find_committee(session, "board")
            except NotFoundError:
                committee = None
        return tier, committee
    try:
        committee = find_committee(session, text)
    except NotFoundError as exc:
        tiers = ", ".join(t.value for t in Tier)
        raise NotFoundError(
            f"'{text}' is neither a register tier ({tiers}) nor a committee", field="to"
        ) from exc
    if committee.kind not in TIER_OF_COMMITTEE:
        raise ValidationError(
            f"the {committee.name} is outside the Trust; a risk cannot be escalated to it",
            field="to",
        )
    return TIER_OF_COMMITTEE[committee.kind], committee


def move_risk(
    ctx: Context,
    reference: str,
    *,
    to: str,
    reason: str | None,
    direction: EscalationDirection,
    decided_on: date | None = None,
    meeting: MeetingRef | None = None,
    decision: str = "agreed",
    expected_version: int | None = None,
    by: str | None = None,
    illustrative: bool = False,
) -> Escalation:
    """Escalate (up the tiers) or de-escalate (down) a risk, with a reason (``by``: who decided,
    where a document says; else the person recording it)."""
    why = required_text(reason, "reason")
    when = decided_on or ctx.today()
    if when > ctx.today():
        raise ValidationError(
            f"the decision date {when.isoformat()} is in the future: record a move once it is "
            "decided",
            field="decided_on",
        )
    with ctx.transaction() as session:
        risk = find_risk(session, reference, lock=True)
        if risk.status == RiskStatus.CLOSED:
            raise ValidationError(f"{risk.reference} is closed; reopen it before moving it")
        authorize(session, ctx, Change.MOVE, risk=risk)
        check_version(risk, expected_version, session)
        to_tier, committee = resolve_destination(session, to)
        from_tier = Tier(risk.tier)
        _check_direction(risk, from_tier, to_tier, committee, direction)
        meeting_id = None
        if meeting is not None:
            meeting_id = find_meeting(session, find_committee(session, meeting[0]), meeting[1]).id
        escalation = Escalation(
            risk_id=id_of(risk),
            direction=direction,
            from_tier=from_tier,
            to_tier=to_tier,
            from_committee_id=risk.lead_committee_id,
            to_committee_id=committee.id if committee else None,
            reason=why,
            decision=decision.strip() or "agreed",
            decided_on=when,
            decided_by=(by or "").strip() or ctx.actor,
            meeting_id=meeting_id,
            illustrative=illustrative,
            created_at=ctx.now(),
        )
        session.add(escalation)
        risk.tier = to_tier
        if committee is not None and committee.kind == CommitteeKind.BOARD_COMMITTEE:
            risk.lead_committee_id = committee.id
        risk.version += 1
        risk.updated_at = ctx.now()
        session.add(risk)
        session.flush()
        where = committee.name if committee else f"the {to_tier.value} register"
        verb = "Escalated" if direction == EscalationDirection.ESCALATE else "De-escalated"
        audit.record(
            session,
            ctx,
            entity="escalation",
            entity_id=id_of(escalation),
            risk_id=risk.id,
            action=direction.value,
            summary=f"{verb} {risk.reference} to {where}: {why}",
            changes={
                "tier": [from_tier, to_tier],
                "to_committee": committee.name if committee else None,
                "reason": why,
                "decision": escalation.decision,
            },
        )
        return escalation


def _check_direction(
    risk: Risk,
    from_tier: Tier,
    to_tier: Tier,
    committee: Committee | None,
    direction: EscalationDirection,
) -> None:
    """Escalation goes up the tiers and de-escalation down; a move within a tier is neither."""
    up = direction == EscalationDirection.ESCALATE
    if to_tier == from_tier:
        hint = (
            "; to change its lead committee, edit the risk"
            if to_tier == Tier.COMMITTEE and committee is not None
            else ""
        )
        raise ValidationError(
            f"{risk.reference} is already on the {from_tier.value} register; "
            f"{'escalation' if up else 'de-escalation'} moves it to another tier{hint}",
            field="to",
        )
    if up and to_tier.rank < from_tier.rank:
        raise ValidationError(
            f"{risk.reference} is on the {from_tier.value} register; moving it to "
            f"{to_tier.value} is a de-escalation",
            field="to",
        )
    if not up and to_tier.rank > from_tier.rank:
        raise ValidationError(
            f"{risk.reference} is on the {from_tier.value} register; moving it to "
            f"{to_tier.value} is an escalation",
            field="to",
        )
