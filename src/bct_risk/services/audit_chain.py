"""The audit trail as a chain: each event sealed by a hash over its content and the seal before.

An event's seal (``hash``) is the SHA-256 of its canonical content: every column but the seal
itself, the previous event's seal (``prev_hash``, by id) among them. Changing any event changes
its seal, and so breaks the link from the event after it; removing an event leaves the next one
pointing at a seal that is no longer there; an event slipped in later with a lower id points at
the wrong seal. :func:`verify` walks the chain in id order and names the first event that does
not hold.

What a chain cannot show by itself: events removed from the end leave a shorter chain that still
holds. :class:`ChainReport` gives the number of events and the newest seal, to note down and
compare with later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text
from sqlmodel import Session, col

from bct_risk.domain.models import AuditEvent
from bct_risk.services.context import Context

GENESIS = ""
"""The ``prev_hash`` of the first event."""

CHAIN_LOCK = 0x62637441
"""The PostgreSQL advisory lock appends to the chain take in turn (``bctA``)."""

FIELDS = (
    "id",
    "at",
    "actor",
    "entity",
    "entity_id",
    "risk_id",
    "action",
    "summary",
    "changes",
    "prev_hash",
)
"""The columns an event's seal covers: all but the seal."""


def _timestamp(value: datetime | str) -> str:
    if isinstance(value, str):  # a SQLite value read without the column's type
        value = datetime.fromisoformat(value)
    if value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(content: Mapping[str, Any]) -> bytes:
    """An event's content as the bytes its seal is taken over (the same on every database)."""
    changes = content.get("changes") or {}
    if isinstance(changes, str):
        changes = json.loads(changes)
    body = {
        "id": int(content["id"]),
        "at": _timestamp(content["at"]),
        "actor": content["actor"],
        "entity": content["entity"],
        "entity_id": int(content["entity_id"]),
        "risk_id": None if content.get("risk_id") is None else int(content["risk_id"]),
        "action": content["action"],
        "summary": content.get("summary") or "",
        # What the JSON column gives back: keys as text, tuples as lists.
        "changes": json.loads(json.dumps(changes, default=str)),
        "prev_hash": content.get("prev_hash") or GENESIS,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def seal_of(content: Mapping[str, Any]) -> str:
    """The seal an event with this content must carry."""
    return hashlib.sha256(canonical(content)).hexdigest()


def content_of(event: AuditEvent) -> dict[str, Any]:
    """An event's sealed columns."""
    return {name: getattr(event, name) for name in FIELDS}


@dataclass(frozen=True)
class ChainBreak:
    """The first event at which the chain does not hold."""

    event_id: int
    kind: str
    """``unsealed``, ``altered`` or ``out_of_order`` (one removed before it, or slipped in)."""
    message: str


@dataclass(frozen=True)
class ChainReport:
    """What walking the chain found."""

    events: int
    """How many events were walked."""
    head: str
    """The newest event's seal (empty for an empty trail)."""
    head_id: int | None
    broken: ChainBreak | None = None

    @property
    def intact(self) -> bool:
        """Whether every event holds."""
        return self.broken is None

    def describe(self) -> str:
        """One line for people: intact with its length and newest seal, or where it breaks."""
        if self.broken is not None:
            return f"audit trail broken at event {self.broken.event_id}: {self.broken.message}"
        if not self.events:
            return "audit trail intact: no events yet"
        return (
            f"audit trail intact: {self.events} events, the newest (event {self.head_id}) "
            f"sealed {self.head[:16]}"
        )

    def as_json(self) -> dict[str, Any]:
        """The report for ``audit verify --json``."""
        return {
            "intact": self.intact,
            "events": self.events,
            "head_id": self.head_id,
            "head": self.head,
            "broken": None
            if self.broken is None
            else {
                "event_id": self.broken.event_id,
                "kind": self.broken.kind,
                "message": self.broken.message,
            },
        }


def walk(rows: Iterable[Mapping[str, Any]]) -> ChainReport:
    """Check events (their sealed columns and ``hash``), given in id order."""
    previous, previous_id, count = GENESIS, None, 0
    for row in rows:
        event_id = int(row["id"])
        stored, link = row.get("hash"), row.get("prev_hash") or GENESIS
        if not stored:
            return _broken(count, previous, previous_id, event_id, "unsealed",
                           "it carries no seal: it was written without the app")  # fmt: skip
        if seal_of(row) != stored:
            return _broken(count, previous, previous_id, event_id, "altered",
                           "its content no longer matches its seal: it was changed after "
                           "it was written")  # fmt: skip
        if link != previous:
            before = f"event {previous_id}" if previous_id is not None else "the start"
            return _broken(count, previous, previous_id, event_id, "out_of_order",
                           f"it does not follow {before}: an event between them was removed, "
                           "or this one was inserted out of order")  # fmt: skip
        previous, previous_id, count = stored, event_id, count + 1
    return ChainReport(events=count, head=previous, head_id=previous_id)


def _broken(
    count: int, head: str, head_id: int | None, event_id: int, kind: str, message: str
) -> ChainReport:
    return ChainReport(count, head, head_id, ChainBreak(event_id, kind, message))


_COLUMNS = [getattr(AuditEvent, name) for name in (*FIELDS, "hash")]


def verify(session: Session | Connection) -> ChainReport:
    """Walk the whole audit trail in id order."""
    connection = session.connection() if isinstance(session, Session) else session
    statement = select(*_COLUMNS).order_by(col(AuditEvent.id))
    result = connection.execute(statement)
    return walk(dict(row._mapping) for row in result.yield_per(1000))


def head(session: Session) -> tuple[int | None, str]:
    """The newest event's id and seal, or (None, '') for an empty trail."""
    session.flush()
    row = (
        session.connection()
        .execute(
            select(col(AuditEvent.id), col(AuditEvent.hash))
            .order_by(col(AuditEvent.id).desc())
            .limit(1)
        )
        .first()
    )
    if row is None:
        return None, GENESIS
    return int(row[0] or 0), row[1] or GENESIS


def seal(session: Session, event: AuditEvent) -> None:
    """Give an event about to be appended its id, its link to the newest event, and its seal.

    Appends are serialized, so the chain stays a line: on PostgreSQL by an advisory lock held to
    the end of the transaction; on SQLite a write transaction holds the database's write lock.
    """
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
        # The server stamps who and when (trigger auditevent_stamp): the seal is taken over
        # the same values, so an honest append is left as it is.
        actor, at = connection.execute(text("SELECT bct_audit_actor(), now()")).one()
        if actor is not None:
            event.actor, event.at = actor, at
    last_id, last_seal = head(session)
    if postgres:
        next_id = connection.execute(
            text("SELECT nextval(pg_get_serial_sequence('auditevent', 'id'))")
        ).scalar_one()
    else:
        next_id = (last_id or 0) + 1
    event.id = int(next_id)
    event.prev_hash = last_seal
    event.hash = seal_of(content_of(event))


def seal_events(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """New audit events, given in order, sealed onto the chain: the rows to insert, ids set.

    Each row holds an event's columns but its id and seals (``at``, ``actor``, ``entity``,
    ``entity_id``, ``risk_id``, ``action``, ``summary``, ``changes``). The first is sealed by
    :func:`seal` (the chain's lock taken and, on PostgreSQL, the server's who and when, which the
    rest then carry too); the rest follow it in one pass, each linked to the one before, with
    their ids taken together: thousands of events need no query each. Insert the rows, in the
    same transaction, before anything else appends to the chain.
    """
    if not rows:
        return []
    first = AuditEvent(**rows[0])
    seal(session, first)
    count = len(rows) - 1
    connection = session.connection()
    if connection.dialect.name == "postgresql" and count:
        ids = [
            int(value)
            for value in connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('auditevent', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            ).scalars()
        ]
    else:
        start = int(first.id or 0) + 1
        ids = list(range(start, start + count))
    sealed = [{name: getattr(first, name) for name in (*FIELDS, "hash")}]
    for row, next_id in zip(rows[1:], ids, strict=True):
        content = {name: row.get(name) for name in FIELDS}
        content.update(id=next_id, actor=first.actor, at=first.at, prev_hash=sealed[-1]["hash"])
        content["hash"] = seal_of(content)
        sealed.append(content)
    return sealed


def verify_register(ctx: Context) -> ChainReport:
    """Walk the register's audit trail (``bct-risk audit verify``, the app's audit view)."""
    with ctx.read() as session:
        return verify(session)
