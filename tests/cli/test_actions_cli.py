"""`bct-risk actions`: a status changed (started, cancelled, reopened) with its reason, audited;
refusals leave the register as it was; a committee's overdue actions."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.domain.enums import ActionStatus
from bct_risk.services import queries
from tests.conftest import make_context
from tests.helpers import fingerprint
from tests.unit.test_action_status import changes_of

runner = CliRunner()

FR_ACTION = "64"


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", str(db), "--as", "tester", *args])
    return result.exit_code, result.stdout, result.stderr


def test_start_cancel_and_reopen_an_action(seeded_database: str) -> None:
    ctx = make_context(seeded_database)
    code, out, _ = run(seeded_database, "actions", "add", "SR9", "--description", "Savings plan")
    assert code == 0
    number = out.split("#")[1].split()[0]
    code, out, _ = run(seeded_database, "actions", "update", number, "--status", "in progress")
    assert (code, out.strip()) == (0, f"Updated action #{number}: in progress")
    code, out, _ = run(
        seeded_database, "actions", "update", number, "--status", "cancelled",
        "--note", "Folded into the MTFS",
    )  # fmt: skip
    assert (code, out.strip()) == (0, f"Updated action #{number}: cancelled")
    code, out, _ = run(
        seeded_database, "actions", "update", number, "--status", "reopen", "--note", "Back on"
    )
    assert (code, out.strip()) == (0, f"Updated action #{number}: reopened")
    view = queries.action_view(ctx, int(number))
    assert view.status == ActionStatus.OPEN
    assert [u.text for u in view.updates] == ["Folded into the MTFS", "Back on"]
    statuses = [c["status"] for what, c in changes_of(ctx, int(number)) if what == "update"]
    assert statuses == [
        ["open", "in_progress"],
        ["in_progress", "cancelled"],
        ["cancelled", "open"],
    ]
    ctx.engine.dispose()


def test_cancelling_or_reopening_without_a_reason_is_refused(seeded_database: str) -> None:
    ctx = make_context(seeded_database)
    unchanged = fingerprint(ctx)
    code, out, err = run(seeded_database, "actions", "update", FR_ACTION, "--status", "cancelled")
    assert (code, out) == (1, "")
    assert err == f"Error: cancelling action #{FR_ACTION} needs a reason: give it as the note\n"
    assert fingerprint(ctx) == unchanged
    assert run(seeded_database, "actions", "complete", FR_ACTION)[0] == 0
    done = fingerprint(ctx)
    code, _, err = run(seeded_database, "actions", "update", FR_ACTION, "--status", "open")
    assert (code, err) == (
        1,
        f"Error: reopening action #{FR_ACTION} needs a reason: give it as the note\n",
    )
    assert fingerprint(ctx) == done
    ctx.engine.dispose()


def test_an_unknown_status_is_refused(seeded_database: str) -> None:
    ctx = make_context(seeded_database)
    unchanged = fingerprint(ctx)
    code, _, err = run(seeded_database, "actions", "update", FR_ACTION, "--status", "finished")
    assert code == 1 and "'finished' is not" in err and "in_progress" in err
    assert fingerprint(ctx) == unchanged
    ctx.engine.dispose()


def test_list_by_status_and_a_committees_overdue_actions(seeded_database: str) -> None:
    run(seeded_database, "actions", "update", FR_ACTION, "--status", "cancelled", "--note", "x")
    code, out, _ = run(seeded_database, "actions", "list", "--status", "cancelled", "--json")
    assert code == 0 and FR_ACTION in {str(a["id"]) for a in json.loads(out)}
    assert {a["status"] for a in json.loads(out)} == {"cancelled"}
    code, out, _ = run(seeded_database, "actions", "overdue", "--committee", "fr", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows and all(a["overdue"] for a in rows)
    kinds = {a["kind"] for a in rows}
    assert kinds <= {"further_action", "tracker"}
    code, out, _ = run(seeded_database, "actions", "overdue", "--json")
    assert {a["id"] for a in rows} <= {a["id"] for a in json.loads(out)}
