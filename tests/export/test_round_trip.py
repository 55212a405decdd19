"""Round trip: the register exported as CSV or JSON and imported into an empty register exports
the same again (``bct_risk.io``, issue 5, reads what ``bct_risk.export.data`` writes).

The JSON carries the register's history, so the register it rebuilds reads the same as at any
past date: closed risks closed on their own day, every rescoring in order (the direction of
travel kept), escalations, reviews and action updates with their dates. A JSON whose history is
wrong is refused, with the risk and the field named, and nothing written.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bct_risk.domain.enums import Direction, Effectiveness, EscalationDirection, RiskStatus
from bct_risk.domain.models import RiskCreate
from bct_risk.domain.scoring import Score
from bct_risk.export.data import register_csv, register_json
from bct_risk.io.importer import import_file
from bct_risk.services import actions, assurance, controls, escalation, risks
from bct_risk.services.as_at import register_as_at
from bct_risk.services.context import Context
from bct_risk.services.papers import register_records
from bct_risk.services.queries import ActionFilter, list_actions, risk_detail
from bct_risk.services.register_rows import RiskFilter
from tests.helpers import fingerprint

EVERYTHING = RiskFilter(include_closed=True)


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_export_import_export_gives_the_same_file(
    seeded_ctx: Context, ctx: Context, tmp_path: Path, kind: str
) -> None:
    writer = register_csv if kind == "csv" else register_json
    exported = writer(register_records(seeded_ctx, EVERYTHING))
    path = tmp_path / f"register.{kind}"
    path.write_text(exported, "utf-8")
    result = import_file(ctx, path)
    assert result.ok and result.written, [str(p) for p in result.plan.errors]
    assert writer(register_records(ctx, EVERYTHING)) == exported


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_formula_like_cells_and_line_breaks_come_back_as_written(
    ctx: Context, tmp_path: Path, kind: str
) -> None:
    """A cell a spreadsheet would run is neutralised in the CSV and read back as written; line
    breaks (a lone carriage return too) survive both formats."""
    from tests.conftest import make_context

    source = make_context(tmp_path / "source.sqlite")
    texts = {
        "X1": ('=HYPERLINK("http://x")', "- first\n- second"),
        "X2": ("+44 budget", "Line one\rline two\r\nline three"),
        "X3": ("@risk", "-5% on last year\n\nA second paragraph"),
    }
    for reference, (title, description) in texts.items():
        risks.create_risk(
            source,
            RiskCreate(reference=reference, title=title, description=description, source="x"),
            current=Score(2, 3),
        )  # fmt: skip
    writer = register_csv if kind == "csv" else register_json
    exported = writer(register_records(source, EVERYTHING))
    if kind == "csv":
        assert "'=HYPERLINK" in exported and "'+44" in exported and "'@risk" in exported
        assert "\r" not in exported
    path = tmp_path / f"register.{kind}"
    path.write_text(exported, "utf-8", newline="")
    result = import_file(ctx, path)
    assert result.ok and result.written, [str(p) for p in result.plan.errors]
    back = {r.reference: (r.title, r.description) for r in register_records(ctx, EVERYTHING)}
    assert {ref: title for ref, (title, _) in back.items()} == {
        ref: title for ref, (title, _) in texts.items()
    }
    assert back["X1"][1] == "- first\n- second"
    # CSV writes every line break as a line feed; JSON keeps the text exactly as it was.
    as_written = "Line one\rline two\r\nline three"
    assert back["X2"][1] == (as_written if kind == "json" else "Line one\nline two\nline three")
    assert back["X3"][1] == "-5% on last year\n\nA second paragraph"
    assert writer(register_records(ctx, EVERYTHING)) == exported
    source.engine.dispose()


def _further_action(ctx: Context, reference: str) -> int:
    found = [a for a in list_actions(ctx, ActionFilter()) if a.risk_reference == reference]
    return next(a.id for a in found if a.kind.value == "further_action" and a.status != "complete")


def _changed_since_the_seeds(ctx: Context) -> None:
    """What a register goes through after the seeds: two rescorings of one risk (one
    back-dated), a closure on its own day, a back-dated closure later reopened, a seeded closed
    risk reopened, an escalation, action updates, a completion and a source of assurance."""
    risks.score_risk(
        ctx, "SR3", likelihood=5, impact=5, rationale="Contacts up 12%",
        assessed_on=date(2026, 11, 2),
    )  # fmt: skip
    risks.score_risk(ctx, "SR3", likelihood=4, impact=5, rationale="Surge eased")
    risks.close_risk(ctx, "SR8", reason="Oracle stabilised")
    escalation.move_risk(
        ctx, "SR6", to="board", reason="Demand exceeds funded capacity",
        direction=EscalationDirection.ESCALATE, decided_on=date(2026, 11, 19),
    )  # fmt: skip
    action = _further_action(ctx, "SR9")
    actions.add_update(ctx, action, text="Costed options drafted", update_date=date(2026, 11, 5))
    actions.add_update(ctx, action, text="Options\nto the Board\n\nin December")
    actions.complete_action(ctx, _further_action(ctx, "SR1"), note="Done")
    risks.close_risk(ctx, "SR5", reason="Inspection passed", closed_on=date(2026, 11, 19))
    risks.reopen_risk(ctx, "SR5", reason="Joint inspection announced")
    risks.reopen_risk(ctx, "KR2021-7", reason="Eclipse upgrade under way")
    control = risk_detail(ctx, "SR9").controls[0].id
    assurance.add_assurance_source(
        ctx, control, evidence="Internal audit of budget setting", line=3,
        received_on=date(2026, 10, 1), provider="Internal audit", positive=False,
        link="https://example.org/audit",
    )  # fmt: skip
    _retire_and_restore(ctx)


RETIRED = "Quarterly placement panel scrutiny"
RESTORED = "Weekly sufficiency huddle"


def _retire_and_restore(ctx: Context) -> None:
    """A control retired (back-dated, with a source of assurance and an owner) on SR2, and one
    retired and then restored on SR4."""
    gone = actions.add_control(
        ctx, "SR2", description=RETIRED, owner="dfr",
        effectiveness=Effectiveness.PARTIALLY_EFFECTIVE, assurance_line=2,
    ).id  # fmt: skip
    assert gone is not None
    assurance.add_assurance_source(
        ctx, gone, evidence="Panel minutes", line=2, received_on=date(2026, 10, 15),
        provider="Placements service",
    )  # fmt: skip
    controls.retire_control(ctx, gone, reason="Panel merged into the weekly huddle",
                            on=date(2026, 11, 20))  # fmt: skip
    back = actions.add_control(ctx, "SR4", description=RESTORED).id
    assert back is not None
    controls.retire_control(ctx, back, reason="Huddle paused")
    controls.restore_control(ctx, back, reason="Retired in error")


def _lines(ctx: Context, day: date, *, reviews: bool = True) -> list[tuple[Any, ...]]:
    # Every field of the register's lines but the database's own id and the lead committee's
    # short name (the export names committees in full; the records compare those).
    lines = [
        line._replace(id=0, lead_committee="") for line in register_as_at(ctx, day, EVERYTHING)
    ]
    if reviews:
        return lines
    return [line._replace(next_review_date=None, review_overdue=False) for line in lines]


def _statuses(ctx: Context, day: date) -> dict[str, RiskStatus]:
    return {line.reference: line.status for line in register_as_at(ctx, day, EVERYTHING)}


DAYS = (
    date(2019, 6, 30), date(2020, 3, 30), date(2020, 3, 31), date(2025, 4, 8),
    date(2026, 9, 9), date(2026, 9, 10), date(2026, 11, 2), date(2026, 11, 19),
    date(2026, 11, 20), date(2026, 11, 22), date(2026, 11, 23),
)  # fmt: skip


def _rebuilt(seeded_ctx: Context, ctx: Context, tmp_path: Path) -> str:
    exported = register_json(register_records(seeded_ctx, EVERYTHING))
    path = tmp_path / "register.json"
    path.write_text(exported, "utf-8")
    result = import_file(ctx, path)
    assert result.ok and result.written, [str(p) for p in result.plan.errors]
    return exported


def test_json_rebuilds_the_seed_register_as_at_every_date(
    seeded_ctx: Context, ctx: Context, tmp_path: Path
) -> None:
    _rebuilt(seeded_ctx, ctx, tmp_path)
    for day in DAYS:
        assert _lines(ctx, day) == _lines(seeded_ctx, day), day


def test_json_rebuilds_a_changed_register_as_at_every_date(
    seeded_ctx: Context, ctx: Context, tmp_path: Path
) -> None:
    _changed_since_the_seeds(seeded_ctx)
    exported = _rebuilt(seeded_ctx, ctx, tmp_path)
    assert register_json(register_records(ctx, EVERYTHING)) == exported
    for day in DAYS:
        # A rescoring made in the app moved SR3's next review; the audit trail keeps the date
        # it replaced, which the export does not carry: before that rescoring, the rebuilt
        # register works the next review out from the scoring as at the day.
        assert _lines(ctx, day, reviews=False) == _lines(seeded_ctx, day, reviews=False), day
    assert _lines(ctx, date(2026, 11, 23)) == _lines(seeded_ctx, date(2026, 11, 23))


def test_a_closed_risk_stays_closed_on_its_own_day(
    seeded_ctx: Context, ctx: Context, tmp_path: Path
) -> None:
    _changed_since_the_seeds(seeded_ctx)
    _rebuilt(seeded_ctx, ctx, tmp_path)
    for reference, closed_on in (("SR8", date(2026, 11, 23)), ("KR1920-1", date(2020, 3, 31))):
        detail = risk_detail(ctx, reference)
        assert detail.row.status == RiskStatus.CLOSED
        assert detail.closed_on == closed_on == risk_detail(seeded_ctx, reference).closed_on
    for context in (ctx, seeded_ctx):
        before, on = _statuses(context, date(2020, 3, 30)), _statuses(context, date(2020, 3, 31))
        assert (before["KR1920-1"], on["KR1920-1"]) == (RiskStatus.OPEN, RiskStatus.CLOSED)
        assert _statuses(context, date(2026, 11, 22))["SR8"] == RiskStatus.OPEN


def test_closures_later_reopened_and_illustrative_values_come_back(
    seeded_ctx: Context, ctx: Context, tmp_path: Path
) -> None:
    """A closure later reopened is kept (the audit trail's close and reopen, on their days),
    with which values are illustrative, sources of assurance, committees' short names and
    meetings' titles: the register rebuilt from the JSON reads the same."""
    _changed_since_the_seeds(seeded_ctx)
    exported = _rebuilt(seeded_ctx, ctx, tmp_path)
    document = json.loads(exported)
    sr5 = next(r for r in document["risks"] if r["reference"] == "SR5")
    assert [(c["action"], c["on"]) for c in sr5["closures"]] == [
        ("close", "2026-11-19"),
        ("reopen", "2026-11-23"),
    ]
    assert sr5["illustrative"] and sr5["history"][0]["illustrative"] is True
    kr = next(r for r in document["risks"] if r["reference"] == "KR2021-7")
    assert [c["action"] for c in kr["closures"]] == ["close", "reopen"]
    assert kr["closures"][-1]["closed_reason"]
    short = {c["name"]: c["short_name"] for c in document["committees"]}
    assert short["Finance and Resources Committee"] == "Finance and Resources"
    assert any(m["title"] for m in document["meetings"])
    for reference in ("SR5", "KR2021-7", "SR9"):
        rebuilt, original = risk_detail(ctx, reference), risk_detail(seeded_ctx, reference)
        assert rebuilt.row.status == original.row.status == RiskStatus.OPEN or reference == "SR9"
        assert rebuilt.row.lead_committee == original.row.lead_committee
        assert [(c.description, [replace(a, id=0) for a in c.assurance])
                for c in rebuilt.controls] == [
            (c.description, [replace(a, id=0) for a in c.assurance]) for c in original.controls
        ]  # fmt: skip
    marks = {r.reference: r for r in register_records(ctx, EVERYTHING)}
    for record in register_records(seeded_ctx, EVERYTHING):
        back = marks[record.reference]
        assert back.illustrative == record.illustrative, record.reference
        assert [c.illustrative for c in back.controls] == [c.illustrative for c in record.controls]
        assert [a.illustrative for a in back.further_actions] == [
            a.illustrative for a in record.further_actions
        ]
    for context in (ctx, seeded_ctx):
        assert _statuses(context, date(2026, 11, 22))["SR5"] == RiskStatus.OPEN
        assert _statuses(context, date(2021, 3, 31))["KR2021-7"] == RiskStatus.CLOSED
        assert _statuses(context, date(2026, 11, 23))["KR2021-7"] == RiskStatus.OPEN


def test_retired_controls_travel_apart_and_come_back_retired_on_their_days(
    seeded_ctx: Context, ctx: Context, tmp_path: Path
) -> None:
    """A retired control is in the risk's ``retired_controls``, never its ``controls`` (a reader
    of the earlier fields does not take it for one in place); imported, it is added and retired
    on its own days, so the register rebuilt reads the same as at any date."""
    _changed_since_the_seeds(seeded_ctx)
    exported = _rebuilt(seeded_ctx, ctx, tmp_path)
    assert register_json(register_records(ctx, EVERYTHING)) == exported
    document = {r["reference"]: r for r in json.loads(exported)["risks"]}
    sr2, sr4 = document["SR2"], document["SR4"]
    assert RETIRED not in [c["description"] for c in sr2["controls"]]
    [retired] = sr2["retired_controls"]
    assert retired["description"] == RETIRED
    assert (retired["retired_on"], retired["recorded_on"]) == ("2026-11-20", "2026-11-23")
    assert retired["retired_reason"] == "Panel merged into the weekly huddle"
    assert retired["retired_by"] == "tester" and retired["assurance_line"] == 2
    assert [a["evidence"] for a in retired["assurance"]] == ["Panel minutes"]
    assert RESTORED in [c["description"] for c in sr4["controls"]]
    assert sr4["retired_controls"] == []
    for context in (ctx, seeded_ctx):
        detail = risk_detail(context, "SR2")
        assert RETIRED not in [c.description for c in detail.controls]
        [view] = detail.retired_controls
        assert (view.description, view.retired_on, view.retired_reason) == (
            RETIRED, date(2026, 11, 20), "Panel merged into the weekly huddle",
        )  # fmt: skip
        [retirement] = [e for e in detail.audit if e.action == "retire"]
        assert retirement.at.date() == date(2026, 11, 23)  # recorded on its own day
        assert RESTORED in [c.description for c in risk_detail(context, "SR4").controls]


def test_two_rescorings_keep_their_order_and_the_direction_of_travel(
    seeded_ctx: Context, ctx: Context, tmp_path: Path
) -> None:
    _changed_since_the_seeds(seeded_ctx)
    _rebuilt(seeded_ctx, ctx, tmp_path)
    original, rebuilt = risk_detail(seeded_ctx, "SR3"), risk_detail(ctx, "SR3")
    scores = [(a.kind, a.score, a.assessed_on, a.rationale) for a in rebuilt.history]
    assert scores == [(a.kind, a.score, a.assessed_on, a.rationale) for a in original.history]
    rationales = [s[3] for s in scores]
    assert rationales[-1] == "Surge eased"
    assert rationales.index("Contacts up 12%") < len(rationales) - 1
    assert rebuilt.row.previous_score == original.row.previous_score is not None
    assert rebuilt.row.direction == original.row.direction != Direction.NEW
    # No risk comes back NEW that was not new.
    for line, before in zip(
        register_as_at(ctx, date(2026, 11, 23)),
        register_as_at(seeded_ctx, date(2026, 11, 23)),
        strict=True,
    ):
        assert line.direction == before.direction, line.reference


def test_action_updates_come_back_with_their_dates_and_authors(
    seeded_ctx: Context, ctx: Context, tmp_path: Path
) -> None:
    _changed_since_the_seeds(seeded_ctx)
    _rebuilt(seeded_ctx, ctx, tmp_path)

    def updates(context: Context) -> list[tuple[Any, ...]]:
        return [
            (a.description, a.status, a.completed_on, u.update_date, u.text, u.author)
            for reference in ("SR1", "SR9")
            for a in risk_detail(context, reference).further_actions
            for u in a.updates
        ]

    found = updates(ctx)
    assert found == updates(seeded_ctx)
    assert (date(2026, 11, 5), "Costed options drafted", "tester") in [f[3:] for f in found]
    assert "Options\nto the Board\n\nin December" in [f[4] for f in found]


def _exported_with(seeded_ctx: Context, tmp_path: Path, change: Any) -> Path:
    document = json.loads(register_json(register_records(seeded_ctx, EVERYTHING)))
    sr3 = next(r for r in document["risks"] if r["reference"] == "SR3")
    change(sr3)
    path = tmp_path / "register.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


def _set(path: str, value: Any) -> Any:
    def change(risk: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = risk
        for part in parents:
            name, _, index = part.partition("[")
            target = target[name][int(index[:-1])] if index else target[name]
        target[last] = value

    return change


def _swap_first_two(risk: dict[str, Any]) -> None:
    risk["history"][0], risk["history"][-1] = risk["history"][-1], risk["history"][0]


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        (_set("history[1].assessed_on", "2026-13-01"), "history[1].assessed_on", "not a date"),
        (_set("history[0].assessed_on", "12/03/2026"), "history[0].assessed_on", "not a date"),
        (_set("history[0].kind", "residual"), "history[0].kind", "unknown"),
        (_set("history[0].likelihood", 6), "history[0].likelihood", "1-5"),
        (_set("history[0].recorded_on", "2027-01-01"), "history[0].recorded_on", "after today"),
        (_swap_first_two, "history[", "oldest first"),
        (_set("history[0].rationale", ""), "history[0].rationale", "empty"),
        (_set("escalations", [{"direction": "sideways"}]), "escalations[0].direction", "unknown"),
        (
            _set(
                "reviews",
                [
                    {
                        "committee": "Trust Board",
                        "meeting_date": "2026-09-10",
                        "outcome": "noted",
                        "likelihood": 3,
                        "impact": 4,
                        "score": 11,
                    }
                ],
            ),
            "reviews[0].score",
            "likelihood x impact",
        ),
        (_set("closed_on", "yesterday"), "closed_on", "not a date"),
        (_set("current_likelihood", 1), "current_likelihood", "latest current"),
        (
            _set("further_actions[0].updates", [{"date": "2026-02-30", "note": "x"}]),
            "further_actions",
            "not a date",
        ),
        (_set("controls[0].assurance_line", 4), "controls", "1, 2 or 3"),
        (_set("closures", [{"action": "archive"}]), "closures[0].action", "close, reopen"),
        (
            _set("closures", [{"action": "close", "on": "2026-11-01", "reason": "x"}]),
            "closures[0].recorded_on",
            "date is required",
        ),
        (_set("illustrative", "scores"), "illustrative", "list"),
        (
            _set(
                "retired_controls",
                [
                    {
                        "description": "Old panel",
                        "retired_reason": "Merged",
                        "recorded_on": "2026-11-20",
                    }
                ],
            ),
            "retired_controls[0].retired_on",
            "date is required",
        ),
        (
            _set(
                "retired_controls",
                [
                    {
                        "description": "Old panel",
                        "retired_on": "2026-11-20",
                        "retired_reason": "",
                        "recorded_on": "2026-11-20",
                    }
                ],
            ),
            "retired_controls[0].retired_reason",
            "empty",
        ),
        (
            _set(
                "retired_controls",
                [
                    {
                        "description": "Old panel",
                        "retired_on": "2026-11-20",
                        "retired_reason": "Merged",
                        "recorded_on": "2026-11-19",
                    }
                ],
            ),
            "retired_controls[0].recorded_on",
            "before the day it was retired",
        ),
        (
            _set(
                "retired_controls",
                [
                    {
                        "description": "Old panel",
                        "retired_on": "2026-11-20",
                        "retired_reason": "Merged",
                        "recorded_on": "2026-11-20",
                        "effectiveness": "great",
                    }
                ],
            ),
            "retired_controls[0].effectiveness",
            "unknown",
        ),
        (_set("history[0].illustrative", "yes"), "history[0].illustrative", "true or false"),
        (
            _set("controls[0].assurance", [{"evidence": "Audit", "line": 4}]),
            "controls[0].assurance[0].line",
            "1, 2 or 3",
        ),
    ],
)
def test_bad_history_is_refused_with_where_and_nothing_written(
    seeded_ctx: Context, ctx: Context, tmp_path: Path, change: Any, column: str, words: str
) -> None:
    path = _exported_with(seeded_ctx, tmp_path, change)
    before = fingerprint(ctx)
    result = import_file(ctx, path)
    assert not result.ok and not result.written
    problems = [p for p in result.plan.errors if p.column and p.column.startswith(column)]
    assert problems, [str(p) for p in result.plan.errors]
    sr3_record = next(
        i for i, r in enumerate(json.loads(path.read_text("utf-8"))["risks"], 1)
        if r["reference"] == "SR3"
    )  # fmt: skip
    text = str(problems[0])
    assert problems[0].row == sr3_record and text.startswith(f"record {sr3_record}, column")
    assert words in text
    if column.startswith(
        (
            "history",
            "escalations",
            "reviews",
            "closed_on",
            "current",
            "closures",
            "illustrative",
            "retired",
        )
    ):
        assert "SR3: " in text
    assert fingerprint(ctx) == before


def test_a_dry_run_of_the_json_writes_nothing(
    seeded_ctx: Context, ctx: Context, tmp_path: Path
) -> None:
    """A dry run reads the closures, flags and sources too, and rolls everything back."""
    _changed_since_the_seeds(seeded_ctx)
    path = tmp_path / "register.json"
    path.write_text(register_json(register_records(seeded_ctx, EVERYTHING)), "utf-8")
    before = fingerprint(ctx)
    result = import_file(ctx, path, dry_run=True)
    assert result.ok and not result.written, [str(p) for p in result.plan.errors]
    assert len(result.counts.risks) == len(register_records(seeded_ctx, EVERYTHING))
    assert fingerprint(ctx) == before
