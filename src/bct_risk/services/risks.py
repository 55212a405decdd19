"""Use cases on a risk: add, edit, score, close, reopen and link."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bct_risk.domain.enums import RiskStatus, ScoreKind
from bct_risk.domain.errors import ConflictError, ValidationError
from bct_risk.domain.models import Assessment, Risk, RiskCreate, RiskLink, RiskUpdate
from bct_risk.domain.scoring import Score, check_scale
from bct_risk.services import audit
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.latest import refresh_latest_scores
from bct_risk.services.lookup import (
    find_committee,
    find_meeting,
    find_person,
    find_risk,
    normalise_reference,
)
from bct_risk.services.permissions import Change, authorize
from bct_risk.services.validation import required_text

MeetingRef = tuple[str, date]
"""A meeting as a user names it: the committee and the date."""

EDITABLE = (
    "title",
    "description",
    "cause",
    "effect",
    "category",
    "appetite",
    "treatment",
    "target_date",
    "review_frequency_days",
    "next_review_date",
    "exempt",
    "owner_id",
    "lead_committee_id",
)


def snapshot(risk: Risk) -> dict[str, Any]:
    """The editable fields of a risk, for the audit diff."""
    return {name: getattr(risk, name) for name in EDITABLE}


VERSIONED_BY = {"risk", "assessment", "escalation"}
"""Audit entities whose changes move a risk to a new version (edits, scores, moves)."""


def check_version(risk: Risk, expected: int | None, session: Session) -> None:
    """Refuse a save made over someone else's newer change, naming who and when."""
    if expected is None or risk.version == expected:
        return
    if not 1 <= expected < risk.version:
        raise ValidationError(
            f"{risk.reference} has never been at version {expected} (it is at version "
            f"{risk.version})",
            field="version",
        )
    last = next(
        (
            e
            for e in reversed(audit.events_for_risk(session, risk.id or 0))
            if e.entity in VERSIONED_BY
        ),
        None,
    )
    who = f" by {last.actor} at {last.at:%d %b %Y %H:%M} UTC" if last else ""
    raise ConflictError(
        f"{risk.reference} was changed{who} after you opened it "
        f"(version {risk.version}, yours {expected}); reload it and make your change again"
    )


def _resolve_people(session: Session, risk: Risk, owner: str | None, committee: str | None) -> None:
    if owner is not None:
        risk.owner_id = find_person(session, owner).id if owner.strip() else None
    if committee is not None:
        risk.lead_committee_id = (
            find_committee(session, committee).id if committee.strip() else None
        )


def create_risk(
    ctx: Context,
    data: RiskCreate,
    *,
    inherent: Score | None = None,
    current: Score | None = None,
    target: Score | None = None,
    rationale: str = "Initial assessment",
    illustrative: list[str] | None = None,
) -> Risk:
    """Add a risk to the register, with its first scores if given (and their rationale).

    ``illustrative`` names the values that are illustrative rather than from the source (the
    seed register's provenance flags).
    """
    reference = normalise_reference(data.reference)
    if any(score is not None for score in (inherent, current, target)):
        rationale = required_text(rationale, "rationale")
    with ctx.transaction() as session:
        authorize(session, ctx, Change.ADD_RISK)
        taken = session.exec(select(Risk.id).where(Risk.reference == reference)).first()
        if taken is not None:
            raise ValidationError(f"the reference {reference} is already in use", field="reference")
        now = ctx.now()
        fields = data.model_dump(exclude={"reference", "owner", "lead_committee"})
        risk = Risk(reference=reference, created_at=now, updated_at=now, **fields)
        risk.illustrative = list(illustrative or [])
        _resolve_people(session, risk, data.owner, data.lead_committee)
        session.add(risk)
        try:
            session.flush()
        except IntegrityError as exc:  # added by someone else since the check above
            raise ConflictError(
                f"the reference {reference} was taken by someone else a moment ago; "
                "nothing was written",
                field="reference",
            ) from exc
        assert risk.id is not None
        audit.record(
            session,
            ctx,
            entity="risk",
            entity_id=risk.id,
            action="create",
            summary=f"Added {reference}: {risk.title}",
            changes={"reference": reference, **snapshot(risk)},
        )
        for kind, score in (
            (ScoreKind.INHERENT, inherent),
            (ScoreKind.CURRENT, current),
            (ScoreKind.TARGET, target),
        ):
            if score is not None:
                _add_assessment(session, ctx, risk, kind, score, rationale, ctx.today(), None)
        return risk


def update_risk(
    ctx: Context,
    reference: str,
    changes: RiskUpdate,
    *,
    expected_version: int | None = None,
    target: Score | None = None,
    rationale: str | None = None,
) -> Risk:
    """Change a risk's fields; only those set in ``changes`` are touched. A new ``target``
    score (with its ``rationale``) is added to the risk's history in the same transaction."""
    given = changes.model_dump(exclude_unset=True)
    why = required_text(rationale, "rationale for the target score") if target is not None else ""
    with ctx.transaction() as session:
        risk = find_risk(session, reference, lock=True)
        authorize(session, ctx, Change.EDIT_RISK, risk=risk)
        if "appetite" in given and given["appetite"] != risk.appetite:
            authorize(session, ctx, Change.CHANGE_APPETITE, risk=risk)
        if target is not None:
            _may_score(session, ctx, risk)
        check_version(risk, expected_version, session)
        before = snapshot(risk)
        for name, value in given.items():
            if name in ("owner", "lead_committee"):
                continue
            if name == "title" and not (value or "").strip():
                raise ValidationError("title: must not be blank", field="title")
            setattr(risk, name, value)
        _resolve_people(session, risk, given.get("owner"), given.get("lead_committee"))
        changed = audit.diff(before, snapshot(risk))
        if changed:
            _touch(risk, ctx)
            session.add(risk)
            session.flush()
            audit.record(
                session,
                ctx,
                entity="risk",
                entity_id=id_of(risk),
                action="update",
                summary=f"Edited {risk.reference}: {', '.join(changed)}",
                changes=changed,
            )
        if target is not None:
            _add_assessment(session, ctx, risk, ScoreKind.TARGET, target, why, ctx.today(), None)
        return risk


def score_risk(
    ctx: Context,
    reference: str,
    *,
    likelihood: int,
    impact: int,
    rationale: str | None,
    kind: ScoreKind = ScoreKind.CURRENT,
    assessed_on: date | None = None,
    meeting: MeetingRef | None = None,
    by: str | None = None,
    illustrative: bool = False,
    reschedule: bool = True,
) -> Assessment:
    """Score a risk: a new assessment is added to its history; nothing is overwritten.

    ``by`` is who made the assessment where a document says so (else the person recording it);
    ``reschedule=False`` records a past score without moving the next review date (history
    entered after the event, as the seed register's).

    A score is appended, so it never conflicts: it is not refused because someone else scored
    or edited the risk after the form was opened (the risk's row is locked while the score and
    the latest scores on the risk are written, so concurrent scores all land, in turn).
    """
    score = Score(check_scale("likelihood", likelihood), check_scale("impact", impact))
    why = required_text(rationale, "rationale")
    when = assessed_on or ctx.today()
    if when > ctx.today():
        raise ValidationError(
            f"the assessment date {when.isoformat()} is in the future", field="assessed_on"
        )
    with ctx.transaction() as session:
        risk = find_risk(session, reference, lock=True)
        _may_score(session, ctx, risk)
        meeting_id = None
        if meeting is not None:
            meeting_id = find_meeting(session, find_committee(session, meeting[0]), meeting[1]).id
        return _add_assessment(
            session, ctx, risk, kind, score, why, when, meeting_id,
            by=by, illustrative=illustrative, reschedule=reschedule,
        )  # fmt: skip


def _may_score(session: Session, ctx: Context, risk: Risk) -> None:
    """Refuse a score on a closed risk, or by someone who may not score it."""
    if risk.status == RiskStatus.CLOSED:
        raise ValidationError(f"{risk.reference} is closed; reopen it before scoring it")
    authorize(session, ctx, Change.SCORE, risk=risk)


def _add_assessment(
    session: Session,
    ctx: Context,
    risk: Risk,
    kind: ScoreKind,
    score: Score,
    rationale: str,
    when: date,
    meeting_id: int | None,
    *,
    by: str | None = None,
    illustrative: bool = False,
    reschedule: bool = True,
) -> Assessment:
    assessment = Assessment(
        risk_id=id_of(risk),
        kind=kind,
        likelihood=score.likelihood,
        impact=score.impact,
        score=score.value,
        assessed_on=when,
        rationale=rationale,
        assessed_by=(by or "").strip() or ctx.actor,
        meeting_id=meeting_id,
        illustrative=illustrative,
        created_at=ctx.now(),
    )
    session.add(assessment)
    before = risk.next_review_date
    if kind == ScoreKind.CURRENT and reschedule:
        risk.next_review_date = ctx.matrix.next_review(
            when, score.value, risk.review_frequency_days
        )
    _touch(risk, ctx)
    session.add(risk)
    session.flush()
    refresh_latest_scores(session, [risk.id])
    band = ctx.matrix.band(score.value).name
    changes: dict[str, Any] = {
        "kind": kind,
        "likelihood": score.likelihood,
        "impact": score.impact,
        "score": score.value,
        "band": band,
        "assessed_on": when,
        "rationale": rationale,
    }
    if risk.next_review_date != before:
        changes["next_review_date"] = [audit.plain(before), audit.plain(risk.next_review_date)]
    audit.record(
        session,
        ctx,
        entity="assessment",
        entity_id=id_of(assessment),
        risk_id=risk.id,
        action="score",
        summary=f"Scored {risk.reference} {kind.value} {score} ({band})",
        changes=changes,
    )
    return assessment


def close_risk(
    ctx: Context,
    reference: str,
    *,
    reason: str | None,
    closed_on: date | None = None,
    expected_version: int | None = None,
) -> Risk:
    """Close a risk with a reason; its history stays for audit."""
    why = required_text(reason, "reason for closing")
    if closed_on is not None and closed_on > ctx.today():
        raise ValidationError(
            f"the closing date {closed_on.isoformat()} is in the future", field="closed_on"
        )
    with ctx.transaction() as session:
        risk = find_risk(session, reference, lock=True)
        if risk.status == RiskStatus.CLOSED:
            raise ValidationError(f"{risk.reference} is already closed")
        authorize(session, ctx, Change.CLOSE, risk=risk)
        check_version(risk, expected_version, session)
        risk.status = RiskStatus.CLOSED
        risk.closed_reason = why
        risk.closed_on = closed_on or ctx.today()
        _touch(risk, ctx)
        session.add(risk)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="risk",
            entity_id=id_of(risk),
            action="close",
            summary=f"Closed {risk.reference}: {why}",
            changes={"status": ["open", "closed"], "reason": why, "closed_on": risk.closed_on},
        )
        return risk


def reopen_risk(
    ctx: Context, reference: str, *, reason: str | None, expected_version: int | None = None
) -> Risk:
    """Reopen a closed risk with a reason."""
    why = required_text(reason, "reason for reopening")
    with ctx.transaction() as session:
        risk = find_risk(session, reference, lock=True)
        if risk.status == RiskStatus.OPEN:
            raise ValidationError(f"{risk.reference} is already open")
        authorize(session, ctx, Change.CLOSE, risk=risk)
        check_version(risk, expected_version, session)
        previous = risk.closed_reason
        risk.status = RiskStatus.OPEN
        risk.closed_reason = None
        risk.closed_on = None
        _touch(risk, ctx)
        session.add(risk)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="risk",
            entity_id=id_of(risk),
            action="reopen",
            summary=f"Reopened {risk.reference}: {why}",
            changes={"status": ["closed", "open"], "reason": why, "closed_reason": previous},
        )
        return risk


def link_risks(ctx: Context, reference: str, other: str, note: str = "") -> RiskLink:
    """Record that two risks bear on each other."""
    with ctx.transaction() as session:
        first, second = find_risk(session, reference), find_risk(session, other)
        authorize(session, ctx, Change.EDIT_RISK, risk=first)
        if first.id == second.id:
            raise ValidationError("a risk cannot be linked to itself", field="other")
        low, high = sorted((id_of(first), id_of(second)))
        existing = session.exec(
            select(RiskLink).where(RiskLink.risk_id == low, RiskLink.linked_risk_id == high)
        ).first()
        if existing is not None:
            raise ValidationError(f"{first.reference} and {second.reference} are already linked")
        link = RiskLink(risk_id=low, linked_risk_id=high, note=note.strip(), created_at=ctx.now())
        session.add(link)
        session.flush()
        for risk, partner in ((first, second), (second, first)):
            audit.record(
                session,
                ctx,
                entity="risk_link",
                entity_id=id_of(link),
                risk_id=risk.id,
                action="link",
                summary=f"Linked {risk.reference} to {partner.reference}",
                changes={"linked": partner.reference, "note": link.note},
            )
        return link


def _touch(risk: Risk, ctx: Context) -> None:
    risk.version += 1
    risk.updated_at = ctx.now()
