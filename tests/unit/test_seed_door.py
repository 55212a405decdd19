"""The seed register goes through the use cases: their checks, their audit events, one
transaction, and seeded history recorded on its own dates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import col, select

from bct_risk.domain.enums import CommitteeKind, Role
from bct_risk.domain.errors import PermissionDeniedError, ValidationError
from bct_risk.domain.models import (
    Action,
    Assessment,
    AuditEvent,
    Committee,
    Control,
    Escalation,
    Risk,
)
from bct_risk.services import people
from bct_risk.services.as_at import stamp
from bct_risk.services.audit_chain import verify
from bct_risk.services.committees import add_committee
from bct_risk.services.context import Context
from bct_risk.services.seed import load_seeds
from bct_risk.storage.paths import SEEDS_DIR
from tests.helpers import fingerprint


def _copy_of_the_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, folder)
    return folder


def test_every_seeded_record_has_its_use_cases_audit_event(seeded_ctx: Context) -> None:
    with seeded_ctx.read() as session:
        events = list(session.exec(select(AuditEvent)))
        assert not [e for e in events if e.action == "seed"], "no loader-written events"
        assert {e.actor for e in events} == {"seed"}, "who ran the seed (tests.conftest)"
        scored = {e.entity_id: e for e in events if e.entity == "assessment"}
        for assessment in session.exec(select(Assessment)):
            event = scored[assessment.id or 0]
            assert event.action == "score"
            # Recorded on the day it took effect (never after the seed ran).
            assert stamp(event.at) == stamp(assessment.created_at)
        created = {(e.entity, e.entity_id) for e in events if e.action == "create"}
        for model, entity in ((Risk, "risk"), (Control, "control"), (Action, "action")):
            ids = session.exec(select(col(model.id))).all()  # type: ignore[attr-defined]
            assert all((entity, i) in created for i in ids), entity
        sr9 = session.exec(select(Risk).where(Risk.reference == "SR9")).one()
        opened = next(e for e in events if e.entity == "risk" and e.entity_id == sr9.id)
        assert stamp(opened.at) == stamp(sr9.created_at)
        assert verify(session).intact


def test_seeded_provenance_and_attribution_are_kept(seeded_ctx: Context) -> None:
    with seeded_ctx.read() as session:
        controls = list(session.exec(select(Control)))
        assert controls and all(c.source for c in controls)
        assert all(a.source for a in session.exec(select(Action)))
        assert {a.assessed_by for a in session.exec(select(Assessment))} - {"tester"}
        move = session.exec(select(Escalation)).one()
        assert move.decided_by == "ceo" and move.illustrative
        board = session.exec(select(Committee).where(Committee.key == "board")).one()
        assert board.kind == CommitteeKind.BOARD and board.source


def test_a_viewer_may_not_seed_and_nothing_is_written(ctx: Context) -> None:
    people.add_person(ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    people.add_person(ctx.acting_as("ada"), "Val Viewer", login="val", role=Role.VIEWER)
    before = fingerprint(ctx)
    with pytest.raises(PermissionDeniedError):
        load_seeds(ctx.acting_as("val"))
    assert fingerprint(ctx) == before
    # An administrator may: every use case the seed runs lets them through.
    report = load_seeds(ctx.acting_as("ada"))
    assert (report.risks, report.actions, report.people) == (49, 45, 17)


def test_a_bad_record_late_in_the_seed_names_its_place_and_loads_nothing(
    ctx: Context, tmp_path: Path
) -> None:
    folder = _copy_of_the_seeds(tmp_path)
    path = folder / "41_trust_actions_2026.yaml"
    path.write_text(path.read_text("utf-8").replace("owner: dfr", "owner: nobody", 1), "utf-8")
    before = fingerprint(ctx)
    with pytest.raises(ValidationError) as raised:
        load_seeds(ctx, folder)
    assert str(raised.value).startswith("41_trust_actions_2026.yaml: tracker[")
    assert "no person has the key 'nobody'" in str(raised.value)
    assert fingerprint(ctx) == before


def test_the_use_cases_rules_apply_to_the_seed(ctx: Context, tmp_path: Path) -> None:
    """An update dated after today is refused, as it is on the command line."""
    folder = _copy_of_the_seeds(tmp_path)
    path = folder / "41_trust_actions_2026.yaml"
    text = path.read_text("utf-8").replace("- date: 2026-07-31", "- date: 2099-07-31", 1)
    path.write_text(text, "utf-8")
    before = fingerprint(ctx)
    with pytest.raises(ValidationError) as raised:
        load_seeds(ctx, folder)
    message = str(raised.value)
    assert message.startswith("41_trust_actions_2026.yaml: tracker[0]")
    assert "the update date 2099-07-31 is in the future" in message
    assert fingerprint(ctx) == before


def test_adding_a_committee(ctx: Context) -> None:
    body = add_committee(
        ctx, " Audit Committee ", kind=CommitteeKind.BOARD_COMMITTEE, key="audit",
        short_name="Audit", source="Terms of reference",
    )  # fmt: skip
    assert (body.name, body.key, body.short_name) == ("Audit Committee", "audit", "Audit")
    with ctx.read() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "committee")).one()
        assert (event.action, event.entity_id, event.actor) == ("create", body.id, "tester")
    with pytest.raises(ValidationError, match="already a committee called Audit Committee"):
        add_committee(ctx, "Audit Committee", kind=CommitteeKind.BOARD_COMMITTEE)
    with pytest.raises(ValidationError, match="the key 'audit' is already"):
        add_committee(ctx, "Another", kind=CommitteeKind.BOARD_COMMITTEE, key="audit")
    with pytest.raises(ValidationError, match="name"):
        add_committee(ctx, "  ", kind=CommitteeKind.EXECUTIVE)


def test_a_viewer_may_not_add_a_committee(ctx: Context) -> None:
    people.add_person(ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    people.add_person(ctx.acting_as("ada"), "Val Viewer", login="val", role=Role.VIEWER)
    before = fingerprint(ctx)
    with pytest.raises(PermissionDeniedError):
        add_committee(ctx.acting_as("val"), "Audit Committee", kind=CommitteeKind.BOARD_COMMITTEE)
    assert fingerprint(ctx) == before
