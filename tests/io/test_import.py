"""Importing the hand-written registers and action logs: each quirk, dry runs, duplicates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import select

from bct_risk.domain.enums import ActionKind, ActionStatus, RiskStatus, ScoreKind, Tier
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import (
    Action,
    ActionUpdate,
    Assessment,
    AuditEvent,
    Committee,
    Control,
    Meeting,
    Risk,
)
from bct_risk.io import ImportOptions, import_file
from bct_risk.services.context import Context
from tests.helpers import fingerprint
from tests.io.conftest import owner_of, risk, scores_of

INH, CUR = ScoreKind.INHERENT, ScoreKind.CURRENT


def test_council_register_with_every_quirk(ctx: Context, fixtures: Path) -> None:
    result = import_file(ctx, fixtures / "council_register.csv")
    assert result.ok and result.written
    plan = result.plan
    assert plan.description == "CSV, UTF-8 with BOM, semicolons between columns"
    assert plan.header_row == 5
    assert result.counts.risks == ["CR1", "CR2", "CR3", "CR4", "CR5"]
    # blank, divider and section-heading rows are skipped
    assert plan.rows_skipped == 3
    # two score blocks told apart by the group header row above them
    assert scores_of(ctx, "CR1") == {INH: (4, 5), CUR: (3, 4)}
    # words: Likely / Major; Possible / Major
    assert scores_of(ctx, "CR2") == {INH: (4, 4), CUR: (3, 4)}
    # Low/Medium/High is a three-point scale: High → 5, Medium → 3
    assert scores_of(ctx, "CR3") == {INH: (5, 3), CUR: (3, 3)}
    # a "3 x 4 = 12" score cell with no likelihood or impact columns filled
    assert scores_of(ctx, "CR5") == {CUR: (3, 4)}
    cr1 = risk(ctx, "CR1")
    assert cr1.cause == "Ransomware encrypts the council's systems."
    assert cr1.effect == "Services stop; data is lost."
    assert cr1.tier == Tier.OPERATIONAL
    assert cr1.source == "council_register.csv row 6"
    assert cr1.next_review_date == date(2026, 11, 23)
    assert cr1.target_date is None and "Target date as written: Q3 2024" in cr1.description
    assert "Risk owners as written: Jane Smith / Tom Brown" in cr1.description
    assert owner_of(ctx, "CR1") == "Jane Smith"
    # A job title matches nobody by name: kept as the owner's role, with a note.
    assert owner_of(ctx, "CR2") is None
    assert risk(ctx, "CR2").owner_role == "Director of Finance and Resources"
    assert any(
        p.row == 7 and "reads as a job title" in p.message for p in result.plan.problems
    ) or any("reads as a job title" in p.message for p in result.plan.problems)
    assert risk(ctx, "CR5").status == RiskStatus.CLOSED
    with ctx.transaction() as session:
        controls = session.exec(select(Control.description).where(Control.risk_id == cr1.id)).all()
        assert controls == ["Firewalls", "Staff training on phishing"]
        committee = session.get(Committee, cr1.lead_committee_id)
        assert committee is not None and committee.name == "Audit Committee"
        rationale = session.exec(
            select(Assessment.rationale).where(Assessment.risk_id == cr1.id)
        ).first()
        assert rationale is not None and rationale.startswith("Imported from council_register.csv")
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "import")).all()
        assert {e.entity for e in events} >= {"risk", "person", "committee"}


def test_problems_name_their_row_and_column(ctx: Context, fixtures: Path) -> None:
    plan = import_file(ctx, fixtures / "council_register.csv", dry_run=True).plan
    messages = {(p.row, p.column): p.message for p in plan.problems}
    assert "is not likelihood x impact" in messages[(12, "Inherent risk / Score")]
    assert messages[(6, "Target date")] == "'Q3 2024' is not a date; kept as text"
    assert "on a 1-3 scale read as 5" in messages[(11, "Inherent risk / Likelihood")]
    assert [str(p) for p in plan.warnings if p.row == 7] == [
        "row 7, column 'Residual risk / Score': the stated current score 16 is not likelihood "
        "x impact (Possible x Major, read as 3 x 4 = 12); imported as 3 x 4 = 12"
    ]


def test_a_dry_run_writes_nothing_and_counts_what_it_would_add(
    ctx: Context, fixtures: Path
) -> None:
    before = fingerprint(ctx)
    result = import_file(ctx, fixtures / "council_register.csv", dry_run=True)
    assert result.ok and not result.written
    assert len(result.counts.risks) == 5 and result.counts.assessments == 9
    assert result.counts.people == ["Jane Smith", "CMT", "Tom Brown"]
    assert fingerprint(ctx) == before


def test_a_second_import_of_the_same_file_adds_nothing(ctx: Context, fixtures: Path) -> None:
    import_file(ctx, fixtures / "council_register.csv")
    before = fingerprint(ctx)
    again = import_file(ctx, fixtures / "council_register.csv")
    assert again.ok and again.counts.risks == [] and len(again.counts.matched) == 5
    assert fingerprint(ctx) == before
    duplicated = import_file(
        ctx, fixtures / "council_register.csv", ImportOptions(allow_duplicates=True)
    )
    assert duplicated.counts.risks == [f"COUNCIL-REGISTER-CR{n}" for n in range(1, 6)]
    assert duplicated.plan.prefix == "COUNCIL-REGISTER"
    assert risk(ctx, "COUNCIL-REGISTER-CR1").source_reference == "CR1"


def test_a_register_without_references_imported_again_adds_nothing(
    seeded_ctx: Context, tmp_path: Path
) -> None:
    title = risk(seeded_ctx, "SR9").title
    path = tmp_path / "titles.csv"
    path.write_text(f"Title,Likelihood,Impact\n{title.upper()},2,2\nA new risk,1,1\n", "utf-8")
    # The same title in another register is another register's risk: it is imported.
    result = import_file(seeded_ctx, path, ImportOptions(register="strategic"))
    assert result.counts.risks == ["IMP-1", "IMP-2"] and result.counts.matched == []
    assert risk(seeded_ctx, "IMP-1").tier == Tier.STRATEGIC
    again = import_file(seeded_ctx, path, ImportOptions(register="strategic"))
    assert again.counts.risks == [] and len(again.counts.matched) == 2


def test_json_with_nested_score_groups(ctx: Context, fixtures: Path) -> None:
    result = import_file(ctx, fixtures / "register.json")
    assert result.ok and result.counts.risks == ["J1", "J2"]
    assert scores_of(ctx, "J1") == {INH: (5, 5), CUR: (3, 4)}
    assert risk(ctx, "J1").next_review_date == date(2027, 1, 15)
    assert risk(ctx, "J1").source == "register.json record 1"
    assert owner_of(ctx, "J1") == "Ann Lee"
    stated = [p for p in result.plan.warnings if p.row == 1]
    assert stated and "stated current score 15" in stated[0].message


def test_scale_of_ten_through_a_mapping_file(ctx: Context, fixtures: Path) -> None:
    result = import_file(
        ctx,
        fixtures / "scale_ten.csv",
        ImportOptions(mapping=fixtures / "scale_ten_mapping.yaml"),
    )
    assert result.ok
    by_header = {c.header: c for c in result.plan.columns}
    assert by_header["Prob (gross)"].field == "inherent_likelihood"
    assert by_header["Prob (gross)"].how.startswith("mapping file")
    assert by_header["Notes"].field == "ignore"
    assert scores_of(ctx, "P1") == {INH: (4, 5), CUR: (2, 3)}
    with ctx.transaction() as session:
        rationale = session.exec(
            select(Assessment.rationale).where(Assessment.kind == ScoreKind.INHERENT)
        ).first()
    # the original values on the 1-10 scale are kept in the assessment's rationale
    assert rationale == "Imported from scale_ten.csv row 2 (Prob (gross): 8; Sev (gross): 10)"


def test_action_log_as_tracker_actions(ctx: Context, fixtures: Path) -> None:
    result = import_file(ctx, fixtures / "action_log.yaml", ImportOptions(register="Finance"))
    assert result.ok and result.plan.kind == "actions"
    assert result.counts.tracker_actions == 3
    assert result.counts.committees == ["Finance"]
    with ctx.transaction() as session:
        actions = session.exec(select(Action).order_by(Action.id)).all()
        assert {a.kind for a in actions} == {ActionKind.TRACKER}
        assert [a.status for a in actions] == [
            ActionStatus.COMPLETE, ActionStatus.COMPLETE, ActionStatus.OPEN
        ]  # fmt: skip
        deep_dive = actions[1]
        # carried forward from June to September: raised in June, closed in September
        assert deep_dive.raised_on == date(2026, 6, 11)
        assert deep_dive.completed_on == date(2026, 9, 10)
        updates = session.exec(
            select(ActionUpdate).where(ActionUpdate.action_id == deep_dive.id)
        ).all()
        assert [u.update_date for u in updates] == [date(2026, 6, 11), date(2026, 9, 10)]
        assert "Due as written: ongoing" in updates[0].text
        assert "Presented at the September meeting." in updates[1].text
        meetings = session.exec(select(Meeting.meeting_date).order_by(Meeting.meeting_date))
        assert list(meetings) == [date(2026, 6, 11), date(2026, 9, 10)]
    again = import_file(ctx, fixtures / "action_log.yaml", ImportOptions(register="Finance"))
    assert again.counts.tracker_actions == 0 and len(again.counts.matched) == 3


def _two_row_workbook(path: Path) -> None:
    """A sheet as councils lay it out: a title, merged group headers over two score blocks."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Register"
    sheet["A1"] = "Strategic Risk Register 2026"
    sheet["C3"] = "Risk if no action"
    sheet.merge_cells("C3:E3")
    sheet["G3"] = "Current risk"
    sheet.merge_cells("G3:I3")
    headers = ["ID", "Risk", "Impact", "Likelihood", "Score", "Mitigation", "Impact",
               "Likelihood", "Score", "Lead", "Review date"]  # fmt: skip
    for column, text in enumerate(headers, start=1):
        sheet.cell(row=4, column=column, value=text)
    sheet.append(["X1", "Pension deficit", 5, 4, 20, "• Actuarial review", 3, 4, 12, "CFO",
                  date(2027, 3, 31)])  # fmt: skip
    sheet.append([None] * 11)
    sheet.append(["X2", "Storm damage", "Major", "Likely", "=C6*D6", "Insurance", 2, 2, 4,
                  "Estates", "TBC"])  # fmt: skip
    book.save(path)


def test_xlsx_with_merged_group_headers(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    _two_row_workbook(path)
    result = import_file(ctx, path, ImportOptions(register="board"))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert result.plan.header_row == 4
    assert result.plan.description == "Excel workbook, sheet 'Register'"
    # Impact comes before Likelihood here: read by header, not by position
    assert scores_of(ctx, "X1") == {INH: (4, 5), CUR: (4, 3)}
    assert scores_of(ctx, "X2") == {INH: (4, 4), CUR: (2, 2)}
    assert risk(ctx, "X1").next_review_date == date(2027, 3, 31)
    assert risk(ctx, "X1").tier == Tier.BOARD
    assert any(p.row == 7 and "'TBC' is not a date" in p.message for p in result.plan.warnings)
    shown = [c.header for c in result.plan.columns]
    assert "Risk if no action / Impact" in shown and "Current risk / Score" in shown


def test_windows_1252_text_is_read_with_a_warning(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("Ref,Title,L,I\nE1,Loss of £2m grant,3,4\n".encode("cp1252"))
    result = import_file(ctx, path)
    assert result.ok and risk(ctx, "E1").title == "Loss of £2m grant"
    assert "Windows-1252" in result.plan.warnings[0].message


def test_tab_separated_with_a_one_to_four_scale_in_the_header(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "tabs.csv"
    path.write_text("Ref\tTitle\tLikelihood (1-4)\tImpact (1-4)\nT1\tTabs\t4\t2\n", "utf-8")
    result = import_file(ctx, path)
    assert result.ok and result.plan.description.endswith("tabs between columns")
    assert scores_of(ctx, "T1") == {CUR: (5, 2)}


def test_import_of_ten_thousand_rows_is_one_transaction(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    lines = ["Ref,Title,Owner,Likelihood,Impact,Controls"]
    lines += [f"B{n},Risk number {n},Owner {n % 50},{n % 5 + 1},{n % 4 + 1},Control {n}"
              for n in range(10_000)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = import_file(ctx, path)
    assert result.ok and len(result.counts.risks) == 10_000
    with ctx.transaction() as session:
        assert len(session.exec(select(Risk.id)).all()) == 10_000
        assert len(session.exec(select(Control.id)).all()) == 10_000


def test_group_headers_above_their_l_i_total_columns(ctx: Context, fixtures: Path) -> None:
    """Gross Risk / Net Risk over L, I, Total in the row below, as many councils lay it out."""
    result = import_file(ctx, fixtures / "city_register_subheaders.csv")
    assert result.ok, [str(p) for p in result.plan.errors]
    assert result.plan.header_row == 5
    fields = {c.header: c.field for c in result.plan.columns}
    assert fields["Gross Risk / L"] == "inherent_likelihood"
    assert fields["Net Risk / Total"] == "current_score"
    assert fields["Action Due Date"] == "action_due_date"
    assert fields["Direction of Travel"] is None
    assert scores_of(ctx, "SCC01") == {INH: (5, 5), CUR: (4, 4)}
    assert scores_of(ctx, "SCC02") == {INH: (4, 5), CUR: (3, 5)}
    budget = risk(ctx, "SCC01")
    assert budget.title == "Failure to deliver a balanced budget"
    assert budget.cause == "Rising demand for adult social care"
    assert budget.effect == "Section 114 notice"
    with ctx.transaction() as session:
        action = session.exec(select(Action).where(Action.risk_id == budget.id)).one()
        assessed = session.exec(select(Assessment).where(Assessment.risk_id == budget.id)).first()
    assert action.description == "Savings programme"
    assert action.due_date == date(2026, 3, 31) and action.raised_on == date(2025, 2, 12)
    assert assessed is not None and assessed.assessed_on == date(2025, 2, 12)
    assert owner_of(ctx, "SCC02") is None
    assert risk(ctx, "SCC02").owner_role == "Director of Digital & Customer Services"


def test_yaml_register_keyed_by_reference(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "register.yml"
    path.write_text(
        "Y1:\n  title: Winter pressures\n  likelihood: Likely\n  impact: Moderate\n"
        "  owner: Director of Operations\n  status: open\n  appetite: Cautious\n"
        "Y2:\n  title: Only a title\n",
        "utf-8",
    )
    result = import_file(ctx, path)
    assert result.ok and result.counts.risks == ["Y1", "Y2"]
    assert scores_of(ctx, "Y1") == {CUR: (4, 3)}
    assert scores_of(ctx, "Y2") == {}
    assert result.plan.description == "YAML, UTF-8, 2 records"


def test_action_log_links_risks_and_names_committees_per_row(
    seeded_ctx: Context, tmp_path: Path
) -> None:
    path = tmp_path / "actions.csv"
    path.write_text(
        "Committee,Date of meeting,Action,Owner,Risk ref,Status\n"
        "Finance and Resources Committee,11/06/2026,Review SR9 controls,"
        "Chief Executive / Director of Finance and Resources,sr9,In progress\n",
        "utf-8",
    )
    result = import_file(seeded_ctx, path)
    assert result.ok and result.counts.tracker_actions == 1 and result.counts.committees == []
    with seeded_ctx.transaction() as session:
        action = session.exec(
            select(Action).where(Action.description == "Review SR9 controls")
        ).one()
        sr9 = session.exec(select(Risk).where(Risk.reference == "SR9")).one()
        meeting = session.get(Meeting, action.meeting_id)
        update = session.exec(select(ActionUpdate).where(ActionUpdate.action_id == action.id)).one()
    assert action.risk_id == sr9.id and action.status == ActionStatus.IN_PROGRESS
    assert meeting is not None and meeting.meeting_date == date(2026, 6, 11)
    assert "Other owners: Director of Finance and Resources" in update.text


def test_an_action_linked_to_an_unknown_risk_stops_the_import(
    seeded_ctx: Context, tmp_path: Path
) -> None:
    path = tmp_path / "actions.csv"
    path.write_text("Meeting date,Action,Risk\n2026-06-11,Check it,SR99\n", "utf-8")
    before = fingerprint(seeded_ctx)
    result = import_file(seeded_ctx, path)
    assert not result.ok and not result.written
    assert [str(p) for p in result.plan.errors] == ["row 2: no risk has the reference 'SR99'"]
    assert fingerprint(seeded_ctx) == before


def test_cause_and_effect_in_the_risk_column(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        'Ref,Risk,L,I\nK1,"Cause: Storms damage the depot. Effect: Bin collections stop.",2,4\n',
        "utf-8",
    )
    assert import_file(ctx, path).ok
    depot = risk(ctx, "K1")
    assert (depot.title, depot.cause, depot.effect) == (
        "Storms damage the depot",
        "Storms damage the depot.",
        "Bin collections stop.",
    )


def test_a_mapping_file_chooses_the_sheet_and_header_row(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Cover"
    cover["A1"] = "Read me first"
    log = book.create_sheet("Action log")
    log.append(["Minutes of the Audit Committee"])
    log.append(["When", "What was agreed", "Who"])
    log.append([date(2026, 3, 4), "Refresh the fraud policy", "Head of Audit"])
    workbook = tmp_path / "log.xlsx"
    book.save(workbook)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "kind: actions\nsheet: Action log\nheader_row: 2\n"
        "columns:\n  When: meeting_date\n  What was agreed: action\n  Who: owner\n",
        "utf-8",
    )
    result = import_file(ctx, workbook, ImportOptions(mapping=mapping, register="Audit"))
    assert result.ok and result.counts.tracker_actions == 1
    assert result.plan.description == "Excel workbook, sheet 'Action log'"
    mapping.write_text("sheet: Actions\n", "utf-8")
    with pytest.raises(
        ValidationError, match="has no sheet 'Actions'; its sheets are: 'Cover', 'Action log'"
    ):
        import_file(ctx, workbook, ImportOptions(mapping=mapping))
