"""People named in an import: found by the register's one rule, read once per import.

An import looks its people up in :class:`bct_risk.services.lookup.People` (everyone read once)
rather than with a query per name: the statements it sends do not grow with its rows, and the
person each name means is the one :func:`~bct_risk.services.lookup.find_person` would give.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from bct_risk.domain.errors import DomainError
from bct_risk.domain.models import Control, Person, Risk
from bct_risk.io import import_file
from bct_risk.services.context import Context
from bct_risk.services.lookup import People, find_person

PERSON_QUERY = re.compile(r"^\s*SELECT\b.*\bFROM\s+person\b", re.I | re.S)


@contextmanager
def statements(ctx: Context) -> Iterator[list[str]]:
    """Every SQL statement the register's engine sends meanwhile."""
    sent: list[str] = []

    def seen(*args: Any) -> None:
        sent.append(str(args[2]))

    event.listen(ctx.engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(ctx.engine, "before_cursor_execute", seen)


def _register(path: Path, rows: int, owners: list[str]) -> Path:
    lines = ["Ref,Title,Risk owner,Likelihood,Impact,Controls,Further actions"]
    for n in range(rows):
        lines.append(
            f"R{n},Risk {n},{owners[n % len(owners)]},{1 + n % 5},{1 + n * 3 % 5},"
            '"• Weekly review\n• Monthly report","• Recruit\n• Review"'
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _add_people(ctx: Context) -> None:
    with ctx.transaction() as session:
        for name, key, job_title in (
            ("Amira Ahmed", "aa", "Director of Children's Services"),
            ("Chris Clarke", None, "CMT"),
            ("Dan Dawes", None, "Finance Manager"),
            ("Dan Dawes", None, "Head of Service"),
        ):
            session.add(Person(name=name, key=key, job_title=job_title, created_at=ctx.now()))


@pytest.mark.parametrize("rows", [60, 300])
def test_an_import_reads_its_people_once_however_many_rows(
    ctx: Context, tmp_path: Path, rows: int
) -> None:
    _add_people(ctx)
    owners = ["aa", "CMT", "amira ahmed", "Chris Clarke "] + [f"New Owner {n}" for n in range(25)]
    path = _register(tmp_path / "register.csv", rows, owners)
    with statements(ctx) as sent:
        result = import_file(ctx, path)
    assert result.written, [str(p) for p in result.plan.errors]
    assert len(result.counts.risks) == rows
    assert len(result.counts.people) == 25
    # The permission check (does anyone have a login?) and everyone, read once.
    person_queries = [s for s in sent if PERSON_QUERY.search(s)]
    assert len(person_queries) <= 2, person_queries
    # Nothing else is sent once a row: 60 rows and 300 send the same statements.
    assert len(sent) < 60, sent[:80]


def test_the_statements_of_an_import_do_not_grow_with_its_rows(
    ctx: Context, tmp_path: Path
) -> None:
    owners = [f"Owner {n}" for n in range(10)]
    counts = []
    for rows in (50, 400):
        path = _register(tmp_path / f"register-{rows}.csv", rows, owners)
        with statements(ctx) as sent:
            result = import_file(ctx, path, dry_run=True)
        assert result.ok
        counts.append(len(sent))
    assert counts[0] == counts[1]


def test_an_import_links_each_owner_as_find_person_does(ctx: Context, tmp_path: Path) -> None:
    _add_people(ctx)
    owners = ["aa", "CMT", "amira ahmed", "Chris Clarke "]
    result = import_file(ctx, _register(tmp_path / "register.csv", 4, owners))
    assert result.written
    with ctx.transaction() as session:
        amira = find_person(session, "Amira Ahmed").id
        chris = find_person(session, "Chris Clarke").id
        owner = dict(session.exec(select(Risk.reference, Risk.owner_id)).all())
        assert owner == {"R0": amira, "R1": chris, "R2": amira, "R3": chris}
        assert not session.exec(select(Control).where(Control.owner_id != None)).all()  # noqa: E711


def test_an_ambiguous_owner_stops_the_import_with_the_names(ctx: Context, tmp_path: Path) -> None:
    _add_people(ctx)
    result = import_file(ctx, _register(tmp_path / "register.csv", 2, ["Dan Dawes", "aa"]))
    assert not result.written
    assert [str(p) for p in result.plan.errors] == [
        "row 2: the risk owner 'Dan Dawes' could mean Dan Dawes, Dan Dawes; give the name"
    ]


TEXTS = ["aa", "AA ", "jo", "Jo Login", "amira ahmed", "CMT", "cmt", "Chris Clarke", "Dan Dawes",
         "Finance Manager", "nobody here", "Head of Service", "Director of Children's Services",
         "Sam"]  # fmt: skip


def test_people_finds_whom_find_person_finds(ctx: Context) -> None:
    _add_people(ctx)
    with ctx.transaction() as session:
        session.add(Person(name="Jo Login", login="jo", created_at=ctx.now()))
        session.add(Person(name="Sam", job_title="sam", created_at=ctx.now()))
        session.add(Person(name="Sam Other", key="sam", created_at=ctx.now()))
        session.flush()
        everyone = People.of(session)
        outcomes = {text: _outcome(lambda t: everyone.find(t), text) for text in TEXTS}
        ids = {p.name: p.id for p in session.exec(select(Person))}
        assert (
            outcomes["aa"]
            == outcomes["AA "]
            == outcomes["amira ahmed"]
            == outcomes["Director of Children's Services"]
            == ("found", ids["Amira Ahmed"])
        )
        assert outcomes["jo"] == outcomes["Jo Login"] == ("found", ids["Jo Login"])
        assert outcomes["CMT"] == outcomes["cmt"] == ("found", ids["Chris Clarke"])
        assert outcomes["Dan Dawes"][0] == "ValidationError"  # two of that name
        assert outcomes["nobody here"][0] == "NotFoundError"
        # find_person, one person at a time, answers as People does.
        for text in TEXTS:
            assert _outcome(lambda t: find_person(session, t), text) == outcomes[text], text
        # By key first: "sam" is Sam Other's key before it is Sam's job title.
        assert everyone.find("sam").name == "Sam Other"
        assert [p.name for p in everyone.named("dan dawes")] == ["Dan Dawes", "Dan Dawes"]
        assert everyone.named("CMT") == []  # a job title is no name


def test_a_name_with_accents_is_found_in_any_case_on_every_database(ctx: Context) -> None:
    # SQLite's lower() folds only ASCII letters; the look-up folds every letter alike.
    with ctx.transaction() as session:
        session.add(Person(name="Élodie Brun", created_at=ctx.now()))
    with ctx.transaction() as session:
        assert find_person(session, "élodie brun").name == "Élodie Brun"
        assert find_person(session, "ÉLODIE BRUN").name == "Élodie Brun"
        assert People.of(session).find("élodie BRUN").name == "Élodie Brun"


def _outcome(find: Any, text: str) -> tuple[str, object]:
    try:
        return "found", find(text).id
    except DomainError as exc:
        return type(exc).__name__, exc.message
