"""The audit trail: every change appends an event (who, when, what); nothing edits one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, col, select

from bct_risk.domain.models import AuditEvent
from bct_risk.services import audit_chain
from bct_risk.services.context import Context


def plain(value: Any) -> Any:
    """A value as JSON can hold it: dates as ISO text, vocabularies as their values."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def record(
    session: Session,
    ctx: Context,
    *,
    entity: str,
    entity_id: int | None,
    action: str,
    summary: str,
    changes: Mapping[str, Any] | None = None,
    risk_id: int | None = None,
) -> AuditEvent:
    """Append an audit event to the session's unit of work, sealed onto the chain.

    On PostgreSQL the actor and time are the server's (the person whose login the session has,
    and the transaction's time) unless the session is the DBA's.
    """
    if entity_id is None:
        raise RuntimeError(f"audit of an unsaved {entity}: flush the session first")
    event = AuditEvent(
        at=ctx.now(),
        actor=ctx.actor,
        entity=entity,
        entity_id=entity_id,
        risk_id=risk_id if risk_id is not None else (entity_id if entity == "risk" else None),
        action=action,
        summary=summary,
        changes={k: plain(v) for k, v in (changes or {}).items()},
    )
    audit_chain.seal(session, event)
    session.add(event)
    session.flush()
    return event


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field → [old, new] for every field whose value changed."""
    return {
        name: [plain(before.get(name)), plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def events_for_risk(session: Session, risk_id: int) -> list[AuditEvent]:
    """Every event that bears on a risk, oldest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.risk_id == risk_id)
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    )
    return list(session.exec(statement))


def id_of(record: Any) -> int:
    """The id of a flushed record."""
    identifier = record.id
    if identifier is None:
        raise RuntimeError("record has no id; flush the session first")
    return int(identifier)
