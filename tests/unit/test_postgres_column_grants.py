"""On PostgreSQL the groups' rights on the person and risk tables are given column by column:
every column a later migration adds is granted to the groups whose commands write it."""

from __future__ import annotations

import sqlalchemy as sa

from tests.unit import test_postgres_security as security
from tests.unit.test_postgres_security import LOGINS, PASSWORDS, bct, url_as

pytestmark = security.pytestmark
register = security.shared_register
"""The README's one-time set-up, with Ada (administrator) and Vic (viewer)."""

GROUP_COLUMNS = (
    # (group, table, the columns it may not update: every other column it may; the secretariat
    # and administrators hold the right on the whole risk table)
    ("risk_owner", "risk", {"id", "owner_id"}),
    ("secretariat", "risk", set()),
    ("administrator", "risk", set()),
    ("administrator", "person", {"id", "role"}),
)


def test_each_group_may_update_every_column_its_commands_write(register: str) -> None:
    engine = sa.create_engine(register, poolclass=sa.NullPool)
    try:
        with engine.connect() as c:
            prefix = c.exec_driver_sql("SELECT bct_role_prefix()").scalar_one()
            for group, table, withheld in GROUP_COLUMNS:
                rows = c.execute(
                    sa.text(
                        "SELECT column_name, has_column_privilege(:g, :t, column_name, 'UPDATE') "
                        "FROM information_schema.columns WHERE table_schema = 'public' "
                        "AND table_name = :t ORDER BY ordinal_position"
                    ),
                    {"g": f"{prefix}_{group}", "t": table},
                ).all()
                assert len(rows) > 5
                may = {name for name, granted in rows if granted}
                # Columns added by every migration, 0008's and 0009's as well as 0005's.
                assert may == {name for name, _ in rows} - withheld, (group, table)
            viewer = c.execute(
                sa.text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "'public' AND table_name IN ('risk', 'person') "
                    "AND has_column_privilege(:g, table_name, column_name, 'UPDATE')"
                ),
                {"g": f"{prefix}_viewer"},
            ).scalars()
            assert list(viewer) == ["version"], "a viewer may only lock a risk"
    finally:
        engine.dispose()


def test_a_risk_owner_and_an_administrator_write_the_later_columns(register: str) -> None:
    url = register
    ada = url_as(url, "ada")
    code, _, err = bct(ada, "people", "access", "dfr", "--login", LOGINS["rita"],
                       "--password-stdin", stdin=PASSWORDS["rita"] + "\n")  # fmt: skip
    assert code == 0, err
    rita = url_as(url, "rita")
    # A risk owner records why their own exempt risk stays out of public papers (0008's
    # risk.exempt_reason), in the app and in SQL; the later import columns (0009) as well.
    code, _, err = bct(rita, "edit", "SR9", "--exempt")
    assert code == 0, err
    code, out, err = bct(rita, "exempt", "SR9", "--reason", "Names a provider in negotiation")
    assert code == 0, err
    engine = sa.create_engine(rita, poolclass=sa.NullPool)
    try:
        with engine.begin() as c:
            changed = c.exec_driver_sql(
                "UPDATE risk SET owner_role = owner_role, source_reference = source_reference, "
                "title_derived = title_derived, additional_fields = additional_fields "
                "WHERE reference = 'SR9'"
            )
            assert changed.rowcount == 1
    finally:
        engine.dispose()
    # A risk owner removes a source of assurance recorded in error on their own risk (0008's
    # table, created after the groups were granted their rights).
    superuser = sa.create_engine(url, poolclass=sa.NullPool)
    with superuser.connect() as c:
        control = c.exec_driver_sql(
            "SELECT c.id FROM control c JOIN risk r ON r.id = c.risk_id "
            "WHERE r.reference = 'SR9' ORDER BY c.id LIMIT 1"
        ).scalar_one()
    code, _, err = bct(rita, "assurance", "add", str(control), "--evidence", "Budget monitoring",
                       "--line", "2", "--date", "2026-11-20")  # fmt: skip
    assert code == 0, err
    with superuser.connect() as c:
        source = c.exec_driver_sql("SELECT max(id) FROM assurancesource").scalar_one()
    superuser.dispose()
    code, _, err = bct(rita, "assurance", "remove", str(source))
    assert code == 0, err
    code, out, _ = bct(ada, "show", "SR9", "--json")
    assert code == 0 and "Names a provider in negotiation" in out
    # An administrator records that someone left (0008's person.left_on).
    code, _, err = bct(ada, "people", "left", "dfr", "--on", "2026-11-20")
    assert code == 0, err
