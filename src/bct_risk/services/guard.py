"""The last check before anything is written: values both databases store the same way.

Two hooks see every write. The use cases flush records through a SQLModel session, and one
``before_flush`` hook sees every new and changed record; the batch door (``services.bulk``)
writes many rows a statement through SQLAlchemy Core, and a ``before_execute`` hook on every
engine sees each INSERT and UPDATE statement with its values, the ORM's own included. Both
refuse text holding a NUL or another control character (PostgreSQL cannot store NUL at all,
SQLite would keep it and every paper would carry it) and whole numbers outside the 32-bit range
both databases' integer columns hold. Line breaks and tabs are text, not control characters.

The use cases check their inputs with messages of their own first; these hooks are the backstop
that makes the rule hold for every writer, with a message naming the field. SQL written as text
(``sa.text``, ``exec_driver_sql``) is not looked at: no writer passes user text that way.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.sql.elements import BindParameter

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


def check_rows(table: str, rows: Sequence[Mapping[str, Any]], columns: Container[str]) -> None:
    """Check the values a Core statement writes to a table's ``columns``, row by row.

    Other parameters (an UPDATE's WHERE, named ``risk_version`` and the like) are not values
    being stored, and are left alone. Fast for the batch door's many thousand rows: one search
    over all their text, one look at their whole numbers; only when something is wrong is the
    row and column found, to name it.
    """
    keys = [key for key in rows[0] if key in columns] if rows else []
    if len(keys) == len(rows[0]) and all(len(row) == len(keys) for row in rows):
        values = [v for row in rows for v in row.values()]
    else:
        values = [row[key] for row in rows for key in row if key in columns]
    # Exact types: an enum member is the program's own word, and True is not a number here.
    texts = [v for v in values if v.__class__ is str]
    numbers = [v for v in values if v.__class__ is int]
    bad_text = bool(texts) and CONTROL.search("\n".join(texts)) is not None
    bad_number = bool(numbers) and not (min(numbers) >= INT_MIN and max(numbers) <= INT_MAX)
    if not (bad_text or bad_number):
        return
    for row in rows:
        for key, value in row.items():
            if key not in columns:
                continue
            what = str(key).replace("_", " ")
            if isinstance(value, str):
                check_text(value, what)
            elif isinstance(value, int) and not isinstance(value, bool):
                check_whole_number(value, f"{table} {what}")


def _statement_values(statement: Insert | Update) -> dict[str, Any]:
    """Values written into the statement itself (``insert(t).values(title=...)``)."""
    given = getattr(statement, "_values", None) or {}
    values: dict[str, Any] = {}
    for column, value in given.items():
        if isinstance(value, BindParameter) and value.callable is None:
            values[str(getattr(column, "key", column))] = value.value
    return values


@event.listens_for(Engine, "before_execute")
def _before_execute(
    _connection: Connection,
    statement: Any,
    multiparams: Any,
    params: Any,
    _execution_options: Any,
) -> None:
    if not isinstance(statement, Insert | Update):
        return
    rows: list[Mapping[str, Any]] = [p for p in multiparams or () if isinstance(p, Mapping)]
    if isinstance(params, Mapping) and params:
        rows.append(params)
    inline = _statement_values(statement)
    if inline:
        rows.append(inline)
    table = statement.table
    columns = getattr(table, "c", None)
    if rows and columns is not None:
        check_rows(str(getattr(table, "name", "")), rows, set(columns.keys()))
