"""Use cases of the Board Assurance Framework: each validates, writes and audits in one go."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from bct_risk.domain.assurance import AssuranceSource, RiskGroupMember
from bct_risk.domain.enums import Assurance, Effectiveness
from bct_risk.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from bct_risk.domain.models import AuditEvent, Person
from bct_risk.services import assurance
from bct_risk.services.actions import add_control
from bct_risk.services.baf import load_register, scenario_detail
from bct_risk.services.context import Context
from tests.helpers import fingerprint


@pytest.fixture
def control_id(seeded_ctx: Context) -> int:
    control = add_control(
        seeded_ctx, "SR9", description="Medium-term financial plan", owner="dfr",
        effectiveness=Effectiveness.EFFECTIVE, assurance_line=2,
    )  # fmt: skip
    assert control.id is not None
    return control.id


def events(ctx: Context, entity: str) -> list[AuditEvent]:
    with ctx.transaction() as session:
        return list(
            session.exec(
                select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
            )
        )


def test_a_source_of_assurance_with_a_file_keeps_its_path_and_sha256(
    seeded_ctx: Context, control_id: int, tmp_path: Path
) -> None:
    evidence = tmp_path / "audit.pdf"
    evidence.write_bytes(b"internal audit report")
    item = assurance.add_assurance_source(
        seeded_ctx, control_id, evidence="Internal audit of budget setting", line=3,
        received_on=date(2026, 10, 1), provider="Internal audit", file=evidence,
    )  # fmt: skip
    assert item.sha256 == hashlib.sha256(b"internal audit report").hexdigest()
    assert item.reference == str(evidence.resolve())
    event = events(seeded_ctx, "assurancesource")[-1]
    assert event.actor == "tester" and event.changes["line"] == 3
    state = load_register(seeded_ctx).risk("SR9")
    assert state is not None
    [source] = next(c for c in state.controls if c.id == control_id).sources
    assert source.provider == "Internal audit" and source.positive


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"line": 4}, "line of assurance must be 1"),
        ({"received_on": date(2026, 11, 24)}, "is in the future"),
        ({"evidence": "  "}, "description of the evidence is required"),
    ],
)
def test_a_bad_source_of_assurance_is_refused_and_nothing_is_written(
    seeded_ctx: Context, control_id: int, kwargs: dict[str, object], message: str
) -> None:
    given: dict[str, object] = {
        "evidence": "Dashboard",
        "line": 1,
        "received_on": date(2026, 11, 1),
        **kwargs,
    }
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match=message):
        assurance.add_assurance_source(seeded_ctx, control_id, **given)  # type: ignore[arg-type]
    assert fingerprint(seeded_ctx) == before


def test_a_missing_evidence_file_or_control_is_refused(
    seeded_ctx: Context, control_id: int, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="cannot read the evidence file"):
        assurance.add_assurance_source(
            seeded_ctx, control_id, evidence="x", line=1, received_on=date(2026, 1, 1),
            file=tmp_path / "missing.pdf",
        )  # fmt: skip
    with pytest.raises(NotFoundError, match="no control has the number 9999"):
        assurance.add_assurance_source(
            seeded_ctx, 9999, evidence="x", line=1, received_on=date(2026, 1, 1)
        )


def test_removing_a_source_keeps_what_it_said_in_the_audit_trail(
    seeded_ctx: Context, control_id: int
) -> None:
    item = assurance.add_assurance_source(
        seeded_ctx, control_id, evidence="Budget report", line=1, received_on=date(2026, 11, 1)
    )
    assert item.id is not None
    assurance.remove_assurance_source(seeded_ctx, item.id)
    with seeded_ctx.transaction() as session:
        assert session.get(AssuranceSource, item.id) is None
    removed = events(seeded_ctx, "assurancesource")[-1]
    assert removed.action == "delete" and removed.changes["evidence"] == ["Budget report", None]


def test_the_assurance_level_of_a_control_is_recorded_old_to_new(
    seeded_ctx: Context, control_id: int
) -> None:
    assurance.set_control_assurance(seeded_ctx, control_id, level=Assurance.REASONABLE)
    assurance.set_control_assurance(
        seeded_ctx, control_id, level=Assurance.LIMITED, key_control=False
    )
    last = events(seeded_ctx, "control")[-1]
    assert last.changes == {
        "assurance_level": ["reasonable", "limited"],
        "key_control": [True, False],
    }


def test_a_viewer_may_not_record_assurance(seeded_ctx: Context, control_id: int) -> None:
    from bct_risk.domain.enums import Role
    from bct_risk.services.people import add_person

    add_person(seeded_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    add_person(seeded_ctx.acting_as("ada"), "Val Viewer", login="val", role=Role.VIEWER)
    with pytest.raises(PermissionDeniedError, match="may not record assurance on controls"):
        assurance.set_control_assurance(
            seeded_ctx.acting_as("val"), control_id, level=Assurance.NONE
        )


def test_a_risk_is_linked_to_an_objective_once(seeded_ctx: Context) -> None:
    with seeded_ctx.transaction() as session:
        assert len(list(session.exec(select(AuditEvent)))) > 0
    register = load_register(seeded_ctx)
    assert register.objectives, "the seed register has the plan's objectives"
    key = register.objectives[0].key
    unlinked = next(r for r in register.risks if key not in r.objectives)
    assurance.link_objective(seeded_ctx, unlinked.reference, key)
    with pytest.raises(ValidationError, match="already linked"):
        assurance.link_objective(seeded_ctx, unlinked.reference, key)
    assert unlinked.reference in load_register(seeded_ctx).objectives[0].risks
    assurance.link_objective(seeded_ctx, unlinked.reference, key, unlink=True)
    assert unlinked.reference not in load_register(seeded_ctx).objectives[0].risks
    with pytest.raises(NotFoundError, match="no objective is called 'nothing'"):
        assurance.link_objective(seeded_ctx, "SR1", "nothing")


def test_a_scenario_shows_shared_controls_and_single_points_of_failure(
    seeded_ctx: Context,
) -> None:
    for ref in ("SR3", "SR7"):
        add_control(
            seeded_ctx, ref, description="Weekly demand and sufficiency panel", owner="dcss"
        )
    assurance.create_scenario(
        seeded_ctx, "Winter pressure", narrative="Demand and placements at once",
        likelihood=3, impact=5, members=["SR3", "sr7"],
    )  # fmt: skip
    register = load_register(seeded_ctx)
    [group] = [s for s in register.scenarios if s.name == "Winter pressure"]
    detail = scenario_detail(register, group)
    assert [r.reference for r in detail.members] == ["SR3", "SR7"]
    assert any(
        s.what == "control"
        and s.name == "Weekly demand and sufficiency panel"
        and s.risks == ["SR3", "SR7"]
        for s in detail.single_points_of_failure
    )
    assert any(s.what == "control owner" for s in detail.single_points_of_failure)


def test_a_bad_scenario_writes_nothing(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="SR3 is given twice"):
        assurance.create_scenario(seeded_ctx, "Twice", members=["SR3", "sr3"])
    with pytest.raises(ValidationError, match="likelihood must be a whole number"):
        assurance.create_scenario(seeded_ctx, "Odd", likelihood=6, members=["SR3"])
    with pytest.raises(NotFoundError, match="no risk has the reference 'SR99'"):
        assurance.create_scenario(seeded_ctx, "Missing", members=["SR3", "SR99"])
    assert fingerprint(seeded_ctx) == before


def test_scenario_members_and_judgement_are_edited_with_an_audit(seeded_ctx: Context) -> None:
    assurance.create_scenario(seeded_ctx, "Pair", members=["SR1"])
    assurance.set_scenario_member(seeded_ctx, "pair", "SR8")
    with pytest.raises(ValidationError, match="already in the scenario"):
        assurance.set_scenario_member(seeded_ctx, "Pair", "SR8")
    group = assurance.edit_scenario(seeded_ctx, "Pair", likelihood=2, impact=4)
    assert (group.likelihood, group.impact, group.version) == (2, 4, 3)
    assurance.set_scenario_member(seeded_ctx, "Pair", "SR1", remove=True)
    with seeded_ctx.transaction() as session:
        members = list(
            session.exec(select(RiskGroupMember).where(RiskGroupMember.group_id == group.id))
        )
    assert len(members) == 1
    assert [e.action for e in events(seeded_ctx, "scenario")][-4:] == [
        "create",
        "update",
        "update",
        "update",
    ]


def test_a_person_who_left_is_recorded_and_a_future_date_refused(seeded_ctx: Context) -> None:
    assurance.mark_left(seeded_ctx, "dfr", date(2026, 10, 31))
    with seeded_ctx.transaction() as session:
        person = session.exec(select(Person).where(Person.key == "dfr")).one()
    assert person.left_on == date(2026, 10, 31)
    assert events(seeded_ctx, "person")[-1].changes == {"left_on": [None, "2026-10-31"]}
    with pytest.raises(ValidationError, match="in the future"):
        assurance.mark_left(seeded_ctx, "dfr", date(2027, 1, 1))


def test_the_seed_register_has_the_plans_objectives_scenario_and_some_assurance(
    seeded_ctx: Context,
) -> None:
    register = load_register(seeded_ctx)
    assert len(register.objectives) == 12
    assert register.objectives[0].title.startswith("Meeting children's needs")
    assert register.objectives[0].source == "002 L213 (L159)"
    [scenario] = register.scenarios
    assert scenario.members == ["SR2", "SR3", "SR7", "SR9"] and scenario.illustrative
    sr9 = register.risk("SR9")
    assert sr9 is not None and sr9.objectives == ["foster_carers", "recruitment"]
    assert sum(len(c.sources) for r in register.risks for c in r.controls) == 5


def test_seeding_twice_adds_nothing(seeded_ctx: Context) -> None:
    from bct_risk.services.seed import load_seeds

    before = fingerprint(seeded_ctx)
    load_seeds(seeded_ctx)
    assert fingerprint(seeded_ctx) == before


def test_a_bad_assurance_seed_names_the_file_and_record(ctx: Context, tmp_path: Path) -> None:
    from bct_risk.services.seed import load_seeds
    from bct_risk.storage.paths import SEEDS_DIR

    for path in SEEDS_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text("utf-8"), "utf-8")
    (tmp_path / "61_more.yaml").write_text(
        "scenarios:\n  - name: Bad\n    members: [SR1, SR42]\n", "utf-8"
    )
    before = fingerprint(ctx)
    with pytest.raises(ValidationError, match=r"61_more.yaml: scenarios\[0\] \(Bad\): no risk"):
        load_seeds(ctx, tmp_path)
    assert fingerprint(ctx) == before
