"""Finding records by what a user types: a reference, a name, a committee, a meeting date."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from bct_risk.domain.errors import NotFoundError, ValidationError
from bct_risk.domain.models import Action, Committee, Meeting, Person, Risk


def normalise_reference(reference: str) -> str:
    """References are matched without case or surrounding spaces."""
    return reference.strip().upper()


MAX_ID = 2**31 - 1
"""The largest record number either database stores (a 32-bit integer)."""


def find_risk(session: Session, reference: str, *, lock: bool = False) -> Risk:
    """The risk with a reference, or a clear error.

    With ``lock``, the row is locked until the transaction ends (``FOR UPDATE`` on PostgreSQL;
    on SQLite the write transaction already holds the database's write lock) and read afresh, so
    a use case compares versions with what is really stored and concurrent writers queue.
    """
    ref = normalise_reference(reference)
    if not ref:
        raise ValidationError("a risk reference is required", field="reference")
    statement = select(Risk).where(func.upper(Risk.reference) == ref)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    risk = session.exec(statement).first()
    if risk is None:
        raise NotFoundError(f"no risk has the reference '{reference.strip()}'", field="reference")
    return risk


PERSON_FIELDS = ("key", "login", "name", "job_title")
"""What a person is found by, in this order: the first of these that names exactly one person
wins; one that names several is ambiguous (the name must be given)."""


def _wanted(text: str) -> str:
    wanted = text.strip().lower()
    if not wanted:
        raise ValidationError("a person's name is required", field="owner")
    return wanted


def _lowered(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def _pick_person(text: str, matching: Callable[[str], Sequence[Person]]) -> Person:
    """The person ``text`` means, given who matches it by each of :data:`PERSON_FIELDS`."""
    for field in PERSON_FIELDS:
        matches = matching(field)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(p.name for p in matches)
            raise ValidationError(f"'{text}' could mean {names}; give the name", field="owner")
    raise NotFoundError(f"no person is called '{text.strip()}'", field="owner")


def find_person(session: Session, text: str) -> Person:
    """A person by key, login, name or job title (any case), in that order.

    Matched in Python, as :class:`People` matches, so a name's case is folded the same on
    every database (SQLite's ``lower()`` folds only ASCII letters)."""
    return People.of(session).find(text)


class People:
    """Every person of the register, read once, found by the rules of :func:`find_person`.

    For work on many rows (an import): one query for all, not several for each name.
    """

    def __init__(self, people: Iterable[Person]) -> None:
        self._by: dict[str, dict[str, list[Person]]] = {field: {} for field in PERSON_FIELDS}
        for person in people:
            self.add(person)

    @classmethod
    def of(cls, session: Session) -> People:
        """Everyone on the register."""
        return cls(session.exec(select(Person).order_by(col(Person.id))))

    def add(self, person: Person) -> None:
        """Someone added since the people were read."""
        for field, index in self._by.items():
            value = _lowered(getattr(person, field))
            if value is not None:
                index.setdefault(value, []).append(person)

    def find(self, text: str) -> Person:
        """As :func:`find_person`: a person by key, login, name or job title (any case)."""
        wanted = _wanted(text)
        return _pick_person(text, lambda field: self._by[field].get(wanted, []))

    def named(self, text: str) -> list[Person]:
        """Everyone whose name, login or key is ``text`` (any case; never a job title)."""
        wanted = text.strip().lower()
        found = {
            id(p): p for field in ("name", "login", "key") for p in self._by[field].get(wanted, [])
        }
        return sorted(found.values(), key=lambda p: p.id or 0)


def find_committee(session: Session, text: str) -> Committee:
    """A committee by key, name or short name; a unique partial name will do."""
    wanted = text.strip().lower()
    if not wanted:
        raise ValidationError("a committee name is required", field="committee")
    committees = list(session.exec(select(Committee)))
    for committee in committees:
        names = {committee.key or "", committee.name.lower(), committee.short_name.lower()}
        if wanted in names:
            return committee
    partial = [c for c in committees if wanted in c.name.lower()]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        names_text = "; ".join(c.name for c in partial)
        raise ValidationError(f"'{text}' could mean: {names_text}", field="committee")
    raise NotFoundError(f"no committee is called '{text.strip()}'", field="committee")


def find_meeting(session: Session, committee: Committee, meeting_date: date) -> Meeting:
    """The meeting of a committee on a date, or a clear error naming the nearest ones."""
    meeting = session.exec(
        select(Meeting).where(
            Meeting.committee_id == committee.id, Meeting.meeting_date == meeting_date
        )
    ).first()
    if meeting is None:
        dates = session.exec(
            select(col(Meeting.meeting_date))
            .where(Meeting.committee_id == committee.id)
            .order_by(col(Meeting.meeting_date).desc())
            .limit(3)
        ).all()
        known = ", ".join(d.isoformat() for d in dates) or "none yet"
        raise NotFoundError(
            f"the {committee.name} has no meeting on {meeting_date.isoformat()} (latest: {known})",
            field="meeting",
        )
    return meeting


def find_action(session: Session, action_id: int, *, lock: bool = False) -> Action:
    """An action by its number (locked until the transaction ends, with ``lock``)."""
    if not 1 <= action_id <= MAX_ID:
        raise NotFoundError(f"no action has the number {action_id}", field="action")
    action = session.get(Action, action_id, with_for_update=lock, populate_existing=lock)
    if action is None:
        raise NotFoundError(f"no action has the number {action_id}", field="action")
    return action
