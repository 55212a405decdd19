"""A control after it is added: edited, re-graded, retired and restored, each audited."""

from __future__ import annotations

from datetime import date

import pytest

from bct_risk.domain.enums import Assurance, Effectiveness, Role
from bct_risk.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from bct_risk.services import actions, controls, people, queries
from bct_risk.services.baf import load_register
from bct_risk.services.context import Context
from bct_risk.services.register_data import register_records
from bct_risk.services.sections import risk_sections
from tests.helpers import fingerprint


def _new_control(ctx: Context, reference: str = "SR9") -> int:
    control = actions.add_control(
        ctx,
        reference,
        description="Monthly budget monitoring to the Executive",
        owner="dfr",
        effectiveness=Effectiveness.PARTIALLY_EFFECTIVE,
        assurance_line=1,
    )
    assert control.id is not None
    return control.id


def _in_gap_checks(ctx: Context, cid: int) -> bool:
    """Whether the gap rules weigh the control (domain.gaps, as the checks and papers run them)."""
    sr9 = load_register(ctx).risk("SR9")
    assert sr9 is not None
    return cid in [c.id for c in sr9.facts().controls]


def _trail(ctx: Context, reference: str) -> list[queries.AuditView]:
    return [e for e in queries.risk_detail(ctx, reference).audit if "control" in e.summary]


def test_an_edit_changes_only_what_is_given_and_audits_old_and_new(seeded_ctx: Context) -> None:
    cid = _new_control(seeded_ctx)
    edited = controls.edit_control(
        seeded_ctx,
        cid,
        description="Monthly budget monitoring to the Executive and F&R",
        assurance_line=2,
        assurance_level=Assurance.REASONABLE,
        key_control=False,
    )
    assert edited.version == 2
    shown = next(c for c in queries.risk_detail(seeded_ctx, "SR9").controls if c.id == cid)
    assert shown.description.endswith("and F&R")
    assert (shown.assurance_line, shown.assurance_level) == (2, "Reasonable")
    assert shown.key_control is False and shown.owner  # the owner was left as it was
    event = _trail(seeded_ctx, "SR9")[-1]
    assert event.summary == f"Edited control {cid} of SR9"
    assert event.changes["assurance_line"] == [1, 2]
    assert event.changes["key_control"] == [True, False]
    assert event.changes["description"][0] == "Monthly budget monitoring to the Executive"
    assert "owner" not in event.changes


def test_an_edit_clears_the_owner_and_line_when_asked(seeded_ctx: Context) -> None:
    cid = _new_control(seeded_ctx)
    controls.edit_control(seeded_ctx, cid, owner="", assurance_line=None)
    shown = next(c for c in queries.risk_detail(seeded_ctx, "SR9").controls if c.id == cid)
    assert (shown.owner, shown.assurance_line) == ("", None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": "  "}, "a description is required"),
        ({"assurance_line": 4}, "line of assurance must be 1, 2 or 3, not 4"),
        ({"owner": "Nobody Known"}, "Nobody Known"),
        ({"source": "x" * 301}, "at most 300"),
        ({}, "already reads so"),
        ({"description": "Monthly budget monitoring to the Executive"}, "already reads so"),
    ],
)
def test_a_bad_edit_writes_nothing(
    seeded_ctx: Context, change: dict[str, object], message: str
) -> None:
    cid = _new_control(seeded_ctx)
    before = fingerprint(seeded_ctx)
    with pytest.raises((ValidationError, NotFoundError), match=message):
        controls.edit_control(seeded_ctx, cid, **change)  # type: ignore[arg-type]
    assert fingerprint(seeded_ctx) == before


def test_an_unknown_control_is_not_found(seeded_ctx: Context) -> None:
    for number in (0, 999_999, 2**40):
        with pytest.raises(NotFoundError, match=f"no control has the number {number}"):
            controls.grade_control(
                seeded_ctx, number, effectiveness=Effectiveness.EFFECTIVE, note="x"
            )


def test_a_regrade_needs_a_note_and_a_change_and_keeps_the_note(seeded_ctx: Context) -> None:
    cid = _new_control(seeded_ctx)
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="a note is required"):
        controls.grade_control(seeded_ctx, cid, effectiveness=Effectiveness.EFFECTIVE, note=" ")
    with pytest.raises(ValidationError, match="already graded partially effective"):
        controls.grade_control(
            seeded_ctx, cid, effectiveness=Effectiveness.PARTIALLY_EFFECTIVE, note="Audit"
        )
    assert fingerprint(seeded_ctx) == before
    controls.grade_control(
        seeded_ctx, cid, effectiveness=Effectiveness.EFFECTIVE, note="Internal audit: substantial"
    )
    shown = next(c for c in queries.risk_detail(seeded_ctx, "SR9").controls if c.id == cid)
    assert shown.effectiveness == "Effective"
    event = _trail(seeded_ctx, "SR9")[-1]
    assert event.action == "grade"
    assert event.changes["effectiveness"] == ["partially_effective", "effective"]
    assert event.changes["note"] == "Internal audit: substantial"


def test_a_save_over_a_newer_change_is_refused(seeded_ctx: Context) -> None:
    cid = _new_control(seeded_ctx)
    controls.edit_control(seeded_ctx, cid, description="Weekly budget monitoring")
    before = fingerprint(seeded_ctx)
    with pytest.raises(ConflictError, match="version 2, yours 1"):
        controls.grade_control(
            seeded_ctx, cid, effectiveness=Effectiveness.EFFECTIVE, note="x", expected_version=1
        )
    with pytest.raises(ValidationError, match="never been at version 7"):
        controls.retire_control(seeded_ctx, cid, reason="x", expected_version=7)
    assert fingerprint(seeded_ctx) == before


def test_a_retired_control_leaves_the_lists_papers_exports_and_gaps_and_comes_back(
    seeded_ctx: Context,
) -> None:
    seeded = queries.risk_detail(seeded_ctx, "SR9").controls[0]
    cid, text = seeded.id, seeded.description
    assert _in_gap_checks(seeded_ctx, cid)
    controls.retire_control(
        seeded_ctx, cid, reason="Replaced by the new finance system", on=date(2026, 11, 20)
    )
    detail = queries.risk_detail(seeded_ctx, "SR9")
    assert cid not in [c.id for c in detail.controls]
    [retired] = [c for c in detail.retired_controls if c.id == cid]
    assert (retired.retired_on, retired.retired_reason) == (
        date(2026, 11, 20),
        "Replaced by the new finance system",
    )
    row = queries.list_risks(seeded_ctx, ids={detail.row.id})
    [section] = risk_sections(seeded_ctx, row)
    assert text not in [c.description for c in section.controls]
    [record] = [r for r in register_records(seeded_ctx) if r.reference == "SR9"]
    assert text not in [c.description for c in record.controls]
    assert not _in_gap_checks(seeded_ctx, cid)
    # As at a day before it was retired, the control was still in place.
    before = load_register(seeded_ctx, as_at=date(2026, 11, 19)).risk("SR9")
    assert before is not None and cid in [c.id for c in before.controls]
    event = _trail(seeded_ctx, "SR9")[-1]
    assert event.action == "retire"
    assert event.changes["retired_on"] == [None, "2026-11-20"]

    with pytest.raises(ValidationError, match="was already retired on 2026-11-20"):
        controls.retire_control(seeded_ctx, cid, reason="again")
    with pytest.raises(ValidationError, match="restore it before you re-grade it"):
        controls.grade_control(seeded_ctx, cid, effectiveness=Effectiveness.INEFFECTIVE, note="x")
    with pytest.raises(ValidationError, match="restore it before you edit it"):
        controls.edit_control(seeded_ctx, cid, description="x")

    controls.restore_control(seeded_ctx, cid, reason="Retired in error")
    detail = queries.risk_detail(seeded_ctx, "SR9")
    assert cid in [c.id for c in detail.controls] and not detail.retired_controls
    assert _trail(seeded_ctx, "SR9")[-1].changes["reason"] == "Retired in error"
    assert _in_gap_checks(seeded_ctx, cid)
    with pytest.raises(ValidationError, match="is not retired"):
        controls.restore_control(seeded_ctx, cid, reason="x")


def test_a_retirement_needs_a_reason_and_a_day_not_to_come(seeded_ctx: Context) -> None:
    cid = _new_control(seeded_ctx)
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="a reason is required"):
        controls.retire_control(seeded_ctx, cid, reason="")
    with pytest.raises(ValidationError, match="2026-11-24 is in the future"):
        controls.retire_control(seeded_ctx, cid, reason="x", on=date(2026, 11, 24))
    assert fingerprint(seeded_ctx) == before


def test_only_the_risk_owner_or_an_administrator_changes_a_control(seeded_ctx: Context) -> None:
    cid = _new_control(seeded_ctx)  # on SR9, the finance director's risk
    other = _new_control(seeded_ctx, "SR2")
    people.add_person(seeded_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    admin = seeded_ctx.acting_as("ada")
    people.set_access(admin, "dfr", login="dfr")
    people.add_person(admin, "Val Viewer", login="val", role=Role.VIEWER)
    people.add_person(admin, "Sam Secretary", login="sam", role=Role.SECRETARIAT)
    before = fingerprint(seeded_ctx)
    with pytest.raises(PermissionDeniedError, match=r"Val Viewer \(viewer\) may not"):
        controls.retire_control(seeded_ctx.acting_as("val"), cid, reason="x")
    with pytest.raises(PermissionDeniedError, match=r"Sam Secretary \(secretariat\) may not"):
        controls.edit_control(seeded_ctx.acting_as("sam"), cid, description="x")
    with pytest.raises(PermissionDeniedError, match="only on their own risks"):
        controls.grade_control(
            seeded_ctx.acting_as("dfr"), other, effectiveness=Effectiveness.EFFECTIVE, note="x"
        )
    assert fingerprint(seeded_ctx) == before
    controls.grade_control(
        seeded_ctx.acting_as("dfr"), cid, effectiveness=Effectiveness.EFFECTIVE, note="Audit"
    )
    controls.retire_control(admin, other, reason="Superseded")


def test_a_retired_control_is_not_searched(seeded_ctx: Context) -> None:
    """The register's search (the list's SQL, the SQL statement and the app's loaded texts)
    finds a risk by its controls in place, not by a retired one's text."""
    from dataclasses import replace

    from bct_risk.services.register_rows import RiskFilter
    from bct_risk.services.search_texts import risk_texts

    cid = _new_control(seeded_ctx)
    controls.edit_control(seeded_ctx, cid, description="Quarterly zebra crossing audit")
    search = replace(RiskFilter(), text="zebra crossing")
    sr9 = queries.risk_detail(seeded_ctx, "SR9").row.id

    def found() -> tuple[list[str], list[str], bool]:
        listed = [r.reference for r in queries.list_risks(seeded_ctx, search)]
        with seeded_ctx.read() as session:
            sql, params = queries.register_query(seeded_ctx, session, search)
            by_statement = [row[1] for row in session.connection().exec_driver_sql(sql, params)]
        return listed, by_statement, "zebra crossing" in risk_texts(seeded_ctx).get(sr9, "")

    assert found() == (["SR9"], ["SR9"], True)
    controls.retire_control(seeded_ctx, cid, reason="Superseded")
    assert found() == ([], [], False)
    controls.restore_control(seeded_ctx, cid, reason="Retired in error")
    assert found() == (["SR9"], ["SR9"], True)
