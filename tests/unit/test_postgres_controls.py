"""On PostgreSQL, with real logins: a risk owner edits, re-grades, retires and restores the
controls of their own risk (0011's columns included); a viewer's attempt writes nothing."""

from __future__ import annotations

import json

import sqlalchemy as sa

from tests.unit import test_postgres_security as security
from tests.unit.test_postgres_security import LOGINS, PASSWORDS, bct, url_as

pytestmark = security.pytestmark
register = security.shared_register
"""The README's one-time set-up, with Ada (administrator) and Vic (viewer)."""


def _control_of_sr9(url: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as c:
            return int(
                c.exec_driver_sql(
                    "SELECT c.id FROM control c JOIN risk r ON r.id = c.risk_id "
                    "WHERE r.reference = 'SR9' ORDER BY c.id DESC LIMIT 1"
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_a_risk_owner_changes_their_controls_and_a_viewer_cannot(register: str) -> None:
    ada, vic = url_as(register, "ada"), url_as(register, "vic")
    code, _, err = bct(ada, "people", "access", "dfr", "--login", LOGINS["rita"],
                       "--password-stdin", stdin=PASSWORDS["rita"] + "\n")  # fmt: skip
    assert code == 0, err
    rita = url_as(register, "rita")
    control = str(_control_of_sr9(register))
    code, _, err = bct(vic, "control", "retire", control, "--reason", "x")
    assert code == 1 and "viewer" in err
    for args in (
        ("edit", control, "--line", "2", "--level", "limited"),
        ("grade", control, "--effectiveness", "ineffective", "--note", "Q2 overspend missed"),
        ("retire", control, "--reason", "Replaced", "--date", "2026-11-20"),
    ):
        code, _, err = bct(rita, "control", *args)
        assert code == 0, (args, err)
    code, out, _ = bct(ada, "show", "SR9", "--json")
    retired = json.loads(out)["retired_controls"]
    assert [(c["id"], c["retired_reason"]) for c in retired] == [(int(control), "Replaced")]
    code, _, err = bct(rita, "control", "restore", control, "--reason", "In error")
    assert code == 0, err
    code, out, _ = bct(ada, "history", "SR9")
    assert "Retired control" in out and "Restored control" in out
