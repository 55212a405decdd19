"""Registers laid out as people make them, built with openpyxl: each imports as its author meant.

Register on a later or hidden sheet after a summary; banner rows; merged section rows; template
rows of formulas; stretched 1-10 scales; a workbook with its own impact key; free-text impact
beside a numeric one; FMEA headers; clashing references; job-title owners; multi-paragraph cells.
Then the register's own word scale (a words column beside a numeric one: its pairs, a word given
two numbers, a word given none, two score blocks side by side, a mapping saying which is which)
and job titles made people when the mapping file says so.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from openpyxl import Workbook
from sqlmodel import select

from bct_risk.domain.enums import ScoreKind
from bct_risk.domain.models import Action, Control, Risk
from bct_risk.io import ImportOptions, import_file
from bct_risk.io.headers import MappingFile, load_mapping, save_mapping
from bct_risk.io.values import title_from
from bct_risk.services.context import Context
from tests.io.conftest import owner_of, risk, scores_of

CUR, INH = ScoreKind.CURRENT, ScoreKind.INHERENT
HEADER = ["Ref", "Risk title", "Description", "Owner", "Likelihood", "Impact"]


def _save(book: Workbook, path: Path) -> Path:
    book.save(path)
    return path


def _summary_then_register(tmp_path: Path, *, hidden: bool) -> Path:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Risk", "Score"])
    summary.append(["Data loss", 12])
    summary.append(["Budget gap", 20])
    register = book.create_sheet("Register")
    register.append(HEADER)
    register.append(["R1", "Data loss", "Records leak.", "Ann Lee", 3, 4])
    register.append(["R2", "Budget gap", "Savings fall short.", "Bob Ray", 4, 5])
    if hidden:
        register.sheet_state = "hidden"
    return _save(book, tmp_path / "summary_first.xlsx")


def test_the_register_on_a_later_sheet_after_a_summary(ctx: Context, tmp_path: Path) -> None:
    result = import_file(ctx, _summary_then_register(tmp_path, hidden=False))
    assert result.ok and result.counts.risks == ["R1", "R2"]
    assert result.plan.sheet == "Register"
    read = [name for name, _, chosen in result.plan.sheets if chosen]
    assert read == ["Register"] and len(result.plan.sheets) == 2
    assert scores_of(ctx, "R2") == {CUR: (4, 5)}
    assert risk(ctx, "R1").description == "Records leak."


def test_a_hidden_register_is_found_and_said_to_be_hidden(ctx: Context, tmp_path: Path) -> None:
    result = import_file(ctx, _summary_then_register(tmp_path, hidden=True), dry_run=True)
    assert result.ok and len(result.counts.risks) == 2
    assert "hidden" in result.plan.description
    whats = dict((name, what) for name, what, _ in result.plan.sheets)
    assert whats["Register"].startswith("hidden; a register table")


def test_sheet_option_reads_the_sheet_named(ctx: Context, tmp_path: Path) -> None:
    path = _summary_then_register(tmp_path, hidden=False)
    result = import_file(ctx, path, ImportOptions(sheet="Summary"), dry_run=True)
    assert result.plan.sheet == "Summary"


def test_banner_rows_are_titles_and_the_header_is_found_by_content(
    ctx: Context, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Corporate Risk Register 2026/27"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Last reviewed: 12 May 2026 by the Audit Committee"
    sheet.merge_cells("A2:F2")
    sheet.append(HEADER)
    sheet.append(["B1", "Cyber attack", "Systems encrypted.", "Ann Lee", 2, 5])
    result = import_file(ctx, _save(book, tmp_path / "banner.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert result.plan.header_row == 3
    assert result.plan.titles[0] == "Corporate Risk Register 2026/27"
    assert scores_of(ctx, "B1") == {CUR: (2, 5)}


def test_merged_section_rows_become_the_category(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["Design stage"])
    sheet.merge_cells("A2:F2")
    sheet.append(["D1", "Late drawings", "Drawings arrive late.", "Ann Lee", 3, 3])
    sheet.append(["Procurement"])
    sheet.merge_cells("A4:F4")
    sheet.append(["P1", "Supplier fails", "A supplier goes bust.", "Bob Ray", 2, 4])
    result = import_file(ctx, _save(book, tmp_path / "sections.xlsx"))
    assert result.ok and result.counts.risks == ["D1", "P1"]
    assert result.plan.sections == 2
    assert risk(ctx, "D1").category == "Design stage"
    assert risk(ctx, "P1").category == "Procurement"


def test_template_rows_of_formulas_are_skipped_and_counted(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*HEADER, "Score"])
    sheet.append(["T1", "Flooding", "The depot floods.", "Ann Lee", 2, 3, "=E2*F2"])
    for row in range(3, 40):
        sheet.append([None, None, None, None, None, None, f"=E{row}*F{row}"])
    result = import_file(ctx, _save(book, tmp_path / "template.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert result.counts.risks == ["T1"] and result.plan.template_rows == 37
    assert any(
        "37 rows hold nothing but formula results" in p.message for p in result.plan.problems
    )


def test_stretched_scales_are_mapped_proportionally(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Likelihood", "Impact"])
    sheet.append(["S1", "Low one", 3.33, 2])
    sheet.append(["S2", "Middle one", 6.67, 6])
    sheet.append(["S3", "Top one", 10, 10])
    result = import_file(ctx, _save(book, tmp_path / "stretched.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    # Likelihood: a 1-3 scale stored as 3.33 / 6.67 / 10; impact: 2, 6, 10 on 1-10.
    assert scores_of(ctx, "S1") == {CUR: (1, 1)}
    assert scores_of(ctx, "S2") == {CUR: (3, 3)}
    assert scores_of(ctx, "S3") == {CUR: (5, 5)}
    scales = " ".join(result.plan.scales)
    assert "a 1-3 scale stored stretched to 1-10" in scales
    assert "'Impact': a 1-10 scale" in scales


def test_a_value_past_the_scale_is_named_plainly(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Likelihood", "Impact"])
    sheet.append(["S1", "One", 3.33, 3])
    sheet.append(["S2", "Two", 10.5, 3])
    result = import_file(ctx, _save(book, tmp_path / "past.xlsx"), dry_run=True)
    assert any(
        "likelihood '10.5' is outside the 1-10 scale" in p.message for p in result.plan.errors
    )


def test_the_workbooks_own_impact_key_orders_its_words(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Register"
    sheet.append(["Ref", "Title", "Likelihood", "Impact"])
    for ref, word in (("K1", "Minor"), ("K2", "Serious"), ("K3", "Major"), ("K4", "Critical")):
        sheet.append([ref, f"Risk {ref}", 3, word])
    key = book.create_sheet("Key")
    key.append(["Score", "Impact"])
    for number, word in enumerate(("Minor", "Moderate", "Serious", "Major", "Critical"), 1):
        key.append([number, word])
    result = import_file(ctx, _save(book, tmp_path / "key.xlsx"))
    assert result.ok
    assert [scores_of(ctx, r)[CUR][1] for r in ("K1", "K2", "K3", "K4")] == [1, 3, 4, 5]
    assert any("the workbook's own key" in line for line in result.plan.scales)


def test_impact_words_without_a_key_use_the_default_order_and_say_so(
    ctx: Context, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Likelihood", "Impact"])
    for ref, word in (("W1", "Minor"), ("W2", "Moderate"), ("W3", "Serious"), ("W4", "Major"),
                      ("W5", "Critical")):  # fmt: skip
        sheet.append([ref, f"Risk {ref}", 2, word])
    result = import_file(ctx, _save(book, tmp_path / "words.xlsx"))
    assert result.ok
    assert [scores_of(ctx, f"W{n}")[CUR][1] for n in range(1, 6)] == [1, 2, 3, 4, 5]
    assert any(p.message.startswith("guessed") for p in result.plan.warnings)


def test_free_text_impact_beside_a_numeric_one(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Likelihood", "Impact", "Impact (1-10)"])
    sheet.append(["F1", "Fire", 2, "The depot burns and services stop", 8])
    sheet.append(["F2", "Flood", 3, "Roads close for a week or more", 4])
    result = import_file(ctx, _save(book, tmp_path / "free.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert scores_of(ctx, "F1") == {CUR: (2, 4)}
    assert scores_of(ctx, "F2") == {CUR: (3, 2)}
    assert risk(ctx, "F1").effect == "The depot burns and services stop"


def test_fmea_headers(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Failure mode", "SEV", "OCC", "DET", "RPN", "Mitigating Action",
                  "Proximity"])  # fmt: skip
    sheet.append(["M1", "Pump seal leaks", 4, 3, 2, 24, "Replace seals yearly", "Q3 2027"])
    mapping = tmp_path / "fmea.yaml"
    mapping.write_text("columns:\n  B: title\n", "utf-8")
    result = import_file(ctx, _save(book, tmp_path / "fmea.xlsx"), ImportOptions(mapping=mapping))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert scores_of(ctx, "M1") == {CUR: (3, 4)}
    stored = risk(ctx, "M1")
    assert stored.title == "Pump seal leaks"
    assert stored.additional_fields == {"DET": "2", "RPN": "24", "Proximity": "Q3 2027"}
    with ctx.transaction() as session:
        actions = session.exec(select(Action.description).where(Action.risk_id == stored.id))
        assert list(actions) == ["Replace seals yearly"]


def test_baseline_and_post_mitigation_headers(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Baseline likelihood (before response)",
                  "Baseline impact (before response)", "Post-mitigation likelihood",
                  "Post-mitigation impact"])  # fmt: skip
    sheet.append(["X1", "Staff leave", 4, 4, 2, 3])
    result = import_file(ctx, _save(book, tmp_path / "baseline.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert scores_of(ctx, "X1") == {INH: (4, 4), CUR: (2, 3)}


def test_clashing_references_take_a_prefix_and_keep_their_own(ctx: Context, tmp_path: Path) -> None:
    first, second = tmp_path / "housing.csv", tmp_path / "parks.csv"
    first.write_text("Ref,Title,Likelihood,Impact\n1,Damp homes,3,3\n2,Rent arrears,2,2\n")
    second.write_text("Ref,Title,Likelihood,Impact\n1,Tree falls,2,4\n3,Vandalism,3,1\n")
    import_file(ctx, first)
    result = import_file(ctx, second, dry_run=True)
    assert result.counts.risks == ["PARKS-1", "3"] and result.plan.prefix == "PARKS"
    result = import_file(ctx, second, ImportOptions(register="Parks and open spaces"))
    assert result.counts.risks == ["PARKS-AND-OPEN-SPACES-1", "3"]
    moved = risk(ctx, "PARKS-AND-OPEN-SPACES-1")
    assert moved.title == "Tree falls" and moved.source_reference == "1"
    assert risk(ctx, "1").title == "Damp homes"
    again = import_file(ctx, second)
    assert again.counts.risks == [] and len(again.counts.matched) == 2


def test_job_title_owners_are_kept_as_the_role(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(
        "Ref,Title,Owner,Likelihood,Impact\nO1,Fraud,Head of Internal Audit,2,3\n"
        "O2,Fire,Sam Patel,1,4\n"
    )
    result = import_file(ctx, path)
    assert result.ok
    assert owner_of(ctx, "O1") is None
    assert risk(ctx, "O1").owner_role == "Head of Internal Audit"
    assert owner_of(ctx, "O2") == "Sam Patel"
    assert any("reads as a job title" in p.message and p.row == 2 for p in result.plan.problems)


def test_paragraphs_and_lists_are_kept(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Description", "Controls", "Likelihood", "Impact"])
    description = (
        "Flooding at St. Mary's depot, e.g. after a storm. Vehicles are lost.\n\n"
        "Second paragraph: services move."
    )
    sheet.append(["P1", description, "• Flood barriers\n• Sandbags in store", 2, 2])
    result = import_file(ctx, _save(book, tmp_path / "text.xlsx"))
    assert result.ok
    stored = risk(ctx, "P1")
    assert stored.title == "Flooding at St. Mary's depot, e.g. after a storm"
    assert stored.title_derived
    assert stored.description.startswith(description.split("\n")[0] + "\n\nSecond paragraph")
    with ctx.transaction() as session:
        controls = list(
            session.exec(select(Control.description).where(Control.risk_id == stored.id))
        )
    assert controls == ["Flood barriers", "Sandbags in store"]


def test_titles_stop_at_a_real_sentence_end() -> None:
    assert title_from("Fire at St. Anne's school. Pupils move.") == "Fire at St. Anne's school"
    assert title_from("Costs rise; budgets fall. More.") == "Costs rise; budgets fall"
    assert title_from("First paragraph here\n\nSecond one") == "First paragraph here"


def test_mapping_files_name_columns_by_letter_or_position(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("Code,Words,P,Q\nA1,Theft,2,3\n")
    mapping = tmp_path / "m.yaml"
    save_mapping(
        MappingFile(columns={"A": "reference", "2": "title", "C": "likelihood", "#4": "impact"}),
        mapping,
    )
    assert load_mapping(mapping).columns["#4"] == "impact"
    result = import_file(ctx, path, ImportOptions(mapping=mapping))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert risk(ctx, "A1").title == "Theft" and scores_of(ctx, "A1") == {CUR: (2, 3)}


def test_a_whole_sheet_used_range_stays_small(tmp_path: Path) -> None:
    """A header row and one cell at XFD1048576: read in bounded memory, in a subprocess."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Likelihood", "Impact"])
    sheet.append(["Z1", "Stray", 2, 2])
    sheet["XFD1048576"] = "x"
    path = _save(book, tmp_path / "huge_range.xlsx")
    assert path.stat().st_size < 10_000
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from bct_risk.domain.scoring import load_matrix
        from bct_risk.io import build_plan
        plan = build_plan(Path({str(path)!r}), load_matrix(None))
        assert len(plan.risks) == 1, plan.problems
        assert any("XFD1048576" in p.message for p in plan.problems)
        # The peak of this process's own memory (VmHWM, in kB): ru_maxrss would start from the
        # test process's size, which Linux carries over to a child through fork and exec.
        status = Path("/proc/self/status").read_text()
        print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) < 300 * 1024  # kilobytes on Linux


def test_unmapped_columns_are_kept_as_additional_fields(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("Ref,Title,Likelihood,Impact,Funding stream,Blank\nE1,Grant ends,2,2,ESF,\n")
    result = import_file(ctx, path)
    assert result.ok
    assert risk(ctx, "E1").additional_fields == {"Funding stream": "ESF"}
    with ctx.transaction() as session:
        stored = session.exec(select(Risk).where(Risk.reference == "E1")).one()
        assert stored.additional_fields["Funding stream"] == "ESF"


def test_show_prints_and_json_carries_the_additional_fields(db_path: Path, tmp_path: Path) -> None:
    import json

    from tests.io.test_cli_import import run

    path = tmp_path / "extra.csv"
    path.write_text("Ref,Title,Likelihood,Impact,Funding stream\nE1,Grant [ends],2,2,ESF [b]\n")
    code, _, _ = run(db_path, "import", str(path))
    assert code == 0
    code, out, _ = run(db_path, "show", "E1")
    assert code == 0 and "Funding stream: ESF [b]" in out
    code, out, _ = run(db_path, "show", "E1", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["additional_fields"] == {"Funding stream": "ESF [b]"}
    assert data["source_reference"] == "E1" and data["title_derived"] is False


def test_an_import_keeps_the_audit_chain_intact(ctx: Context, tmp_path: Path) -> None:
    from bct_risk.services.audit_chain import verify_register

    path = tmp_path / "chain.csv"
    path.write_text(
        "Ref,Title,Owner,Likelihood,Impact,Controls\n"
        "C1,Theft,Ann Lee,2,3,Locks\nC2,Fire,Bob Ray,1,4,Alarms\n"
    )
    assert import_file(ctx, path).written
    report = verify_register(ctx)
    assert report.intact, report.describe()
    assert report.events >= 4


def test_a_word_placed_without_a_key_is_reported_as_guessed(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "two_words.csv"
    path.write_text("Ref,Title,Likelihood,Impact\nG1,Strike,2,Serious\nG2,Storm,2,Minor\n")
    result = import_file(ctx, path)
    assert result.ok and scores_of(ctx, "G1") == {CUR: (2, 4)}
    assert any("Serious = 4" in p.message and "guessed" in p.message for p in result.plan.warnings)


def test_control_characters_are_dropped_from_imported_text(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "nul.json"
    path.write_text(
        '[{"reference": "N1", "title": "Bad\\u0000 byte", "description": "a\\u0007b",'
        ' "likelihood": 2, "impact": 2, "Funding": "x\\u0000y"}]'
    )
    result = import_file(ctx, path)
    assert result.ok, [str(p) for p in result.plan.errors]
    stored = risk(ctx, "N1")
    assert stored.title == "Bad byte" and stored.description == "ab"
    assert stored.additional_fields == {"Funding": "xy"}


# -- the register's own word scale: a numeric score column beside the words ----------------


def _words_beside_numbers(tmp_path: Path, rows: list[list[object]], name: str) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Likelihood", "Impact", "Impact (1-5)"])
    for row in rows:
        sheet.append(row)
    return _save(book, tmp_path / name)


def test_words_beside_a_numeric_column_are_read_by_its_numbers(
    ctx: Context, tmp_path: Path
) -> None:
    # The register's own order: Serious sits at 3, below Major, whatever the usual words say.
    rows: list[list[object]] = [
        ["N1", "Strike", 2, "Minor", 1],
        ["N2", "Storm", 3, "Serious", 3],
        ["N3", "Fraud", 2, "Major", 4],
        ["N4", "Fire", 1, "Critical", 5],
        ["N5", "Flood", 4, "Serious", None],
    ]
    result = import_file(ctx, _words_beside_numbers(tmp_path, rows, "own.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert result.counts.risks == ["N1", "N2", "N3", "N4", "N5"]
    assert [scores_of(ctx, f"N{n}") for n in range(1, 6)] == [
        {CUR: (2, 1)}, {CUR: (3, 3)}, {CUR: (2, 4)}, {CUR: (1, 5)}, {CUR: (4, 3)},
    ]  # fmt: skip
    words = next(c for c in result.plan.columns if c.header == "Impact")
    assert words.field is None and words.how.startswith("the words of 'Impact (1-5)'")
    assert any(
        "register's own pairs" in line and "Serious = 3" in line and "Major = 4" in line
        for line in result.plan.scales
    )
    assert not any(p.message.startswith("guessed") for p in result.plan.problems)
    filled = [p for p in result.plan.problems if p.row == 6]
    assert [(p.column, p.message) for p in filled] == [
        ("Impact (1-5)", "impact 'Serious' read as 3, the number the register gives 'Serious' "
         "on row 3"),
    ]  # fmt: skip


def test_the_sheets_own_pairs_order_words_in_another_score_column(
    ctx: Context, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Inherent likelihood", "Inherent impact", "Likelihood",
                  "Impact", "Impact score"])  # fmt: skip
    sheet.append(["Q1", "Strike", 3, "Serious", 2, "Minor", 1])
    sheet.append(["Q2", "Storm", 4, "Critical", 3, "Critical", 5])
    sheet.append(["Q3", "Fraud", 4, "Major", 2, "Serious", 3])
    sheet.append(["Q4", "Theft", 2, "Minor", 2, "Major", 4])
    result = import_file(ctx, _save(book, tmp_path / "key_for_both.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    # The inherent words have no numbers of their own: the current column's pairs are the key.
    assert [scores_of(ctx, f"Q{n}") for n in range(1, 5)] == [
        {INH: (3, 3), CUR: (2, 1)}, {INH: (4, 5), CUR: (3, 5)}, {INH: (4, 4), CUR: (2, 3)},
        {INH: (2, 1), CUR: (2, 4)},
    ]  # fmt: skip
    assert any("the workbook's own key" in line for line in result.plan.scales)


def test_a_word_paired_with_two_numbers_is_refused_by_row_and_column(
    ctx: Context, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        ["C1", "Strike", 2, "Serious", 3],
        ["C2", "Storm", 3, "Major", 4],
        ["C3", "Fraud", 2, "Serious", 4],
    ]
    result = import_file(ctx, _words_beside_numbers(tmp_path, rows, "clash.xlsx"))
    assert not result.ok and not result.written
    assert [(p.row, p.column) for p in result.plan.errors] == [(4, "Impact (1-5)")]
    message = result.plan.errors[0].message
    assert "impact 'Serious' is 4 here but 3 on row 2" in message
    assert "map 'Impact' to ignore" in message
    with ctx.transaction() as session:
        assert session.exec(select(Risk)).first() is None


def test_a_word_with_no_number_anywhere_is_named_by_row_and_column(
    ctx: Context, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        ["U1", "Strike", 2, "Minor", 1],
        ["U2", "Storm", 3, "Major", 4],
        ["U3", "Fraud", 2, "Severe", None],
    ]
    result = import_file(ctx, _words_beside_numbers(tmp_path, rows, "unknown.xlsx"))
    assert result.ok and result.counts.risks == ["U1", "U2", "U3"]
    found = [p for p in result.plan.warnings if p.row == 4 and p.column == "Impact"]
    assert found and "impact 'Severe' has no number beside it anywhere" in found[0].message
    assert scores_of(ctx, "U3") == {}


def test_short_text_beside_a_numeric_impact_is_the_effect(ctx: Context, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["T1", "Fire", 2, "Depot lost", 4],
        ["T2", "Flood", 3, "Roads close", 2],
    ]
    result = import_file(ctx, _words_beside_numbers(tmp_path, rows, "short_text.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert scores_of(ctx, "T1") == {CUR: (2, 4)} and scores_of(ctx, "T2") == {CUR: (3, 2)}
    assert risk(ctx, "T2").effect == "Roads close"


def test_a_mapping_file_tells_impact_from_impact_1_5(ctx: Context, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["M1", "Fire", 2, "Minor", 4],
        ["M2", "Flood", 3, "Minor", 2],
    ]
    path = _words_beside_numbers(tmp_path, rows, "which.xlsx")
    # Here the words are what would happen, and the numbers the score: the mapping says so.
    mapping = tmp_path / "which.yaml"
    mapping.write_text("columns:\n  Impact: effect\n  Impact (1-5): impact\n", "utf-8")
    result = import_file(ctx, path, ImportOptions(mapping=mapping))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert scores_of(ctx, "M1") == {CUR: (2, 4)} and risk(ctx, "M1").effect == "Minor"
    assert not result.plan.scales
    # And the other way round: the words are the score, the numbers left out.
    mapping.write_text("columns:\n  Impact: impact\n  Impact (1-5): ignore\n", "utf-8")
    other = tmp_path / "which_too.xlsx"
    other.write_bytes(path.read_bytes())
    result = import_file(ctx, other, ImportOptions(mapping=mapping), dry_run=True)
    assert result.ok
    by_header = {c.header: c.field for c in result.plan.columns}
    assert by_header["Impact"] == "current_impact" and by_header["Impact (1-5)"] == "ignore"


# -- job titles in the owner column, made people when the mapping file says so --------------


def _owners(tmp_path: Path) -> Path:
    path = tmp_path / "title_owners.csv"
    path.write_text(
        "Ref,Title,Owner,Likelihood,Impact\n"
        "J1,Fraud,Director of Finance,2,3\n"
        "J2,Fire,Head of Estates,1,4\n"
        "J3,Theft,director of finance,2,2\n"
        "J4,Strike,Sam Patel,3,3\n"
        "J5,Flood,Chief Operating Officer,2,2\n"
    )
    return path


def test_job_title_owners_become_people_when_the_mapping_says_so(
    ctx: Context, tmp_path: Path
) -> None:
    from bct_risk.domain.models import AuditEvent, Person

    mapping = tmp_path / "people.yaml"
    mapping.write_text("job_titles_as_people: true\n", "utf-8")
    assert load_mapping(mapping).job_titles_as_people
    options = ImportOptions(mapping=mapping)
    preview = import_file(ctx, _owners(tmp_path), options, dry_run=True)
    titles = "Director of Finance, Head of Estates, Chief Operating Officer"
    assert any(
        p.message.startswith(f"3 new people from job titles: {titles}")
        for p in preview.plan.problems
    )
    assert preview.counts.people[:3] == titles.split(", ")
    with ctx.transaction() as session:
        assert session.exec(select(Person)).first() is None
    result = import_file(ctx, _owners(tmp_path), options)
    assert result.written
    assert owner_of(ctx, "J1") == owner_of(ctx, "J3") == "Director of Finance"
    assert owner_of(ctx, "J2") == "Head of Estates" and owner_of(ctx, "J4") == "Sam Patel"
    assert not any("reads as a job title" in p.message for p in result.plan.problems)
    with ctx.transaction() as session:
        people = {p.name: p.job_title for p in session.exec(select(Person))}
        created = list(
            session.exec(
                select(AuditEvent.summary).where(
                    AuditEvent.entity == "person", AuditEvent.action == "create"
                )
            )
        )
    assert people["Director of Finance"] == "Director of Finance"
    assert people["Sam Patel"] == ""
    assert len(people) == 4 and len(created) == 3
    # Imported again (another file): the people are found, not added twice.
    again = tmp_path / "more.csv"
    again.write_text("Ref,Title,Owner,Likelihood,Impact\nK1,Leak,Head of Estates,2,2\n")
    more = import_file(ctx, again, options)
    assert more.written and more.counts.people == [] and owner_of(ctx, "K1") == "Head of Estates"


def test_job_titles_as_people_is_saved_and_must_be_true_or_false(tmp_path: Path) -> None:
    import pytest

    from bct_risk.domain.errors import ValidationError

    path = tmp_path / "saved.yaml"
    save_mapping(MappingFile(columns={"Owner": "owner"}, job_titles_as_people=True), path)
    assert "job_titles_as_people: true" in path.read_text("utf-8")
    assert load_mapping(path).job_titles_as_people
    path.write_text("job_titles_as_people: sometimes\n", "utf-8")
    with pytest.raises(ValidationError, match="job_titles_as_people must be true or false"):
        load_mapping(path)


def test_a_bad_job_titles_setting_writes_nothing_from_the_command_line(
    db_path: Path, tmp_path: Path
) -> None:
    from tests.io.test_cli_import import run

    mapping = tmp_path / "bad.yaml"
    mapping.write_text("job_titles_as_people: 1\n", "utf-8")
    code, out, err = run(db_path, "import", str(_owners(tmp_path)), "--mapping", str(mapping))
    assert code != 0
    assert "job_titles_as_people must be true or false, not 1" in out + err
    code, out, _ = run(db_path, "list", "--json")
    assert code == 0 and "J1" not in out


def test_two_score_blocks_side_by_side_are_not_read_as_words_and_numbers(
    ctx: Context, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Likelihood", "Impact", "Likelihood", "Impact"])
    sheet.append(["B1", "Strike", "Likely", "Major", 2, 3])
    sheet.append(["B2", "Storm", "Possible", "Minor", 2, 2])
    result = import_file(ctx, _save(book, tmp_path / "two_blocks.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    assert scores_of(ctx, "B1") == {INH: (4, 4), CUR: (2, 3)}
    assert not any("register's own pairs" in line for line in result.plan.scales)


def test_words_beside_a_1_10_column_take_its_scale(ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Title", "Likelihood", "Impact (1-10)", "Impact"])
    sheet.append(["S1", "Strike", 2, 2, "Low"])
    sheet.append(["S2", "Storm", 3, 8, "Very high"])
    sheet.append(["S3", "Fraud", 2, None, "Very high"])
    result = import_file(ctx, _save(book, tmp_path / "ten.xlsx"))
    assert result.ok, [str(p) for p in result.plan.errors]
    # 8 of 10 is 4 of 5: the word takes the number the sheet gives it, on the column's scale.
    assert [scores_of(ctx, f"S{n}") for n in (1, 2, 3)] == [
        {CUR: (2, 1)}, {CUR: (3, 4)}, {CUR: (2, 4)},
    ]  # fmt: skip
    assert any("Low = 2, Very high = 8" in line for line in result.plan.scales)


def test_job_titles_as_people_needs_the_right_to_add_people(ctx: Context, tmp_path: Path) -> None:
    from bct_risk.domain.enums import Role
    from bct_risk.services.people import add_person

    add_person(ctx.acting_as("admin"), "Ada Admin", login="admin", role=Role.ADMINISTRATOR)
    add_person(ctx.acting_as("admin"), "Tess Owner", login="tess", role=Role.RISK_OWNER)
    mapping = tmp_path / "people.yaml"
    mapping.write_text("job_titles_as_people: true\n", "utf-8")
    result = import_file(
        ctx.acting_as("tess"), _owners(tmp_path), ImportOptions(mapping=mapping), dry_run=True
    )
    assert not result.ok and not result.written
    error = result.plan.errors[0]
    assert (error.row, error.column) == (2, "Owner")
    assert error.message.startswith("cannot add the job title 'Director of Finance' as a person")
    with ctx.transaction() as session:
        from bct_risk.domain.models import Person

        assert len(list(session.exec(select(Person)))) == 2
