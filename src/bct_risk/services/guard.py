"""The last check before anything is written: values both databases store the same way.

Every writer (the use cases, the importer, the seed and demo loaders) flushes through a
SQLModel session, so one ``before_flush`` hook sees every new and changed record. It refuses
text holding a NUL or another control character (PostgreSQL cannot store NUL at all, SQLite
would keep it and every paper would carry it) and whole numbers outside the 32-bit range both
databases' integer columns hold. Line breaks and tabs are text, not control characters.

The use cases check their inputs with messages of their own first; this hook is the backstop
that makes the rule hold for every writer, with a message naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction

from bct_risk.domain.errors import ValidationError

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
"""The range of the databases' INTEGER columns."""

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters other than tab, line feed and carriage return."""

NAMES = {0: "NUL", 0x7F: "DEL"}


def control_character(text: str) -> str | None:
    """The first control character in a text, named (``NUL``, ``U+001B``), or None."""
    found = CONTROL.search(text)
    if found is None:
        return None
    code = ord(found.group())
    return NAMES.get(code, f"U+{code:04X}")


def check_text(value: str, what: str) -> str:
    """Refuse text holding a control character, naming the field; return it unchanged."""
    bad = control_character(value)
    if bad is not None:
        raise ValidationError(
            f"{what}: the text holds a control character ({bad}); remove it", field=what
        )
    return value


def check_whole_number(value: int, what: str) -> int:
    """Refuse a whole number the databases cannot store."""
    if not INT_MIN <= value <= INT_MAX:
        raise ValidationError(f"{what}: {value} is too large to store", field=what)
    return value


def check_record(record: Any) -> None:
    """Check every column value of a record about to be written."""
    state = inspect(record)
    table = state.mapper.local_table.name
    for attribute in state.mapper.column_attrs:
        value = state.dict.get(attribute.key)
        what = attribute.key.replace("_", " ")
        if isinstance(value, str) and CONTROL.search(value):
            check_text(value, what)
        elif (
            isinstance(value, int)
            and not isinstance(value, bool)
            and not INT_MIN <= value <= INT_MAX
        ):
            check_whole_number(value, f"{table} {what}")


def _records(session: OrmSession) -> Iterable[Any]:
    yield from session.new
    yield from session.dirty


@event.listens_for(OrmSession, "before_flush")
def _before_flush(session: OrmSession, _context: UOWTransaction, _instances: Any) -> None:
    for record in _records(session):
        check_record(record)
