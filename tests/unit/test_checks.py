"""Data-quality checks: each fires on a crafted register and stays quiet on a clean one."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest

from bct_risk.domain.checks import CATALOGUE, CheckSetting
from bct_risk.domain.enums import ActionKind, ActionStatus, Appetite, Effectiveness
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.scoring import Matrix, Score, default_matrix, parse_matrix
from bct_risk.services.baf import (
    ActionState,
    ControlState,
    PersonState,
    Register,
    RiskState,
    SourceView,
)
from bct_risk.services.checks import check_register, run_checks
from bct_risk.services.context import Context

AS_AT = date(2026, 11, 23)
OWNER = PersonState(1, "Director of Finance", "", None)
LEFT = PersonState(2, "Former Director", "", date(2026, 9, 30))


def source(received: date = date(2026, 10, 1), line: int = 2) -> SourceView:
    return SourceView(1, "Budget report", "Finance", received, line, True, "", None, False)


def control(**changes: object) -> ControlState:
    base = ControlState(
        id=7, description="Budget monitoring", owner_id=1, owner=OWNER.name,
        effectiveness=Effectiveness.EFFECTIVE, assurance_line=2, assurance_level=None,
        key_control=True, sources=[source()],
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def action(**changes: object) -> ActionState:
    base = ActionState(
        id=3, kind=ActionKind.FURTHER_ACTION, description="Savings plan", owner_id=1,
        owner=OWNER.name, due_date=date(2027, 3, 31), live=True, status=ActionStatus.OPEN,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def clean_risk(**changes: object) -> RiskState:
    base = RiskState(
        id=1, reference="SR9", title="Financial pressure", open=True, owner=OWNER,
        lead_committee="Finance and Resources", appetite=Appetite.CAUTIOUS, ceiling=9,
        inherent=Score(5, 5), current=Score(4, 4), current_rationale="Savings behind plan",
        target=Score(3, 3), target_date=date(2027, 3, 31), next_review_date=date(2026, 12, 10),
        exempt=False, exempt_reason="", review_scores=[], controls=[control()],
        actions=[action()],
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def run(
    risk: RiskState, matrix: Matrix | None = None, moves: object = None
) -> dict[str, list[str]]:
    register = Register(AS_AT, default_matrix(), [risk], [], [], {1: OWNER, 2: LEFT})
    report = check_register(register, matrix or default_matrix(), moves)  # type: ignore[arg-type]
    return {r.name: [f.message for f in r.findings] for r in report.results if r.findings}


def test_a_clean_register_gives_no_findings() -> None:
    assert run(clean_risk(), moves=lambda rid, start, end: ["Contacts"]) == {}


CASES = {
    "current_worse_than_inherent": (
        {"inherent": Score(3, 4), "current": Score(4, 4), "current_rationale": "Worse"},
        "current score 16 is worse than inherent 12",
    ),
    "target_worse_than_current": (
        {"target": Score(5, 4)},
        "target score 20 is worse than current 16",
    ),
    "target_date_passed": (
        {"target_date": date(2026, 11, 22)},
        "target date 22 Nov 2026 has passed",
    ),
    "above_appetite_without_action": (
        {"actions": [action(live=False, status=ActionStatus.COMPLETE)]},
        "above its appetite ceiling 9 and no further action is open",
    ),
    "review_overdue": ({"next_review_date": date(2026, 11, 22)}, "review was due on 22 Nov 2026"),
    "score_unchanged_while_indicators_moved": (
        {"review_scores": [(date(2026, m, 1), 16) for m in (3, 6, 9, 11)]},
        "score 16 unchanged over the last 4 reviews (since 1 Mar 2026) while its indicators "
        "moved: Contacts",
    ),
    "owner_missing_or_left": ({"owner": LEFT}, "risk owner Former Director left on 30 Sep 2026"),
    "control_assurance_missing_or_old": (
        {"controls": [control(sources=[source(date(2025, 11, 1))])]},
        "assurance out of date (latest 1 Nov 2025, over 365 days)",
    ),
    "action_overdue_or_unowned": (
        {"actions": [action(due_date=date(2026, 11, 1), owner_id=None)]},
        "overdue since 1 Nov 2026 and no owner: Savings plan",
    ),
    "closed_with_open_actions": ({"open": False}, "is closed but 1 action(s) are still open: 3"),
    "exempt_without_reason": ({"exempt": True}, "is exempt from public papers with no reason"),
}


def test_every_check_of_the_catalogue_has_a_crafted_case() -> None:
    assert set(CASES) == {c.name for c in CATALOGUE}


@pytest.mark.parametrize("name", list(CASES))
def test_each_check_fires_on_its_crafted_register(name: str) -> None:
    changes, expected = CASES[name]
    found = run(clean_risk(**changes), moves=lambda rid, start, end: ["Contacts"])
    assert name in found, found
    assert any(expected in message for message in found[name]), found[name]


def test_the_same_facts_within_their_thresholds_stay_quiet() -> None:
    assert run(clean_risk(current_rationale="Contacts up 12% on last year, two homes closed")) == {}
    at_the_limit = clean_risk(controls=[control(sources=[source(date(2025, 11, 23))])])
    assert run(at_the_limit) == {}
    three_reviews = clean_risk(review_scores=[(date(2026, m, 1), 16) for m in (6, 9, 11)])
    assert run(three_reviews, moves=lambda rid, start, end: ["Contacts"]) == {}
    nothing_moved = clean_risk(review_scores=[(date(2026, m, 1), 16) for m in (3, 6, 9, 11)])
    assert run(nothing_moved, moves=lambda rid, start, end: []) == {}
    not_key = clean_risk(controls=[control(sources=[], key_control=False)])
    assert run(not_key) == {}
    exempt_with_reason = clean_risk(exempt=True, exempt_reason="Commercially sensitive")
    assert run(exempt_with_reason) == {}


MATRIX_TEXT = (Path(__file__).parents[2] / "src/bct_risk/domain/default_matrix.toml").read_text()


def test_the_matrix_file_switches_a_check_off_changes_a_threshold_or_blocks() -> None:
    matrix = parse_matrix(
        MATRIX_TEXT
        + "\n[checks.review_overdue]\ngrace_days = 7\nblocking = true\n"
        + "[checks.exempt_without_reason]\nenabled = false\n"
    )
    assert matrix.checks["review_overdue"] == CheckSetting(True, True, {"grace_days": 7})
    late = clean_risk(next_review_date=date(2026, 11, 16), exempt=True)
    assert run(late, matrix) == {}
    later = clean_risk(next_review_date=date(2026, 11, 15))
    register = Register(AS_AT, matrix, [later], [], [], {1: OWNER})
    report = check_register(register, matrix)
    assert [r.name for r in report.blocking_failures] == ["review_overdue"]
    off = next(r for r in report.results if r.name == "exempt_without_reason")
    assert not off.enabled and off.note == "switched off"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[checks.no_such]\nblocking = true\n", "checks.no_such: not a check"),
        ("[checks.review_overdue]\nblocking = 1\n", "checks.review_overdue.blocking: give true"),
        ("[checks.review_overdue]\ngrace_days = -1\n", "grace_days: give a whole number"),
        ("[checks.review_overdue]\ndays = 3\n", "checks.review_overdue.days: not a setting"),
    ],
)
def test_a_wrong_checks_table_is_refused_naming_the_value(table: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace(".", r"\.")):
        parse_matrix(MATRIX_TEXT + "\n" + table, "matrix.toml")


def test_without_indicators_the_unchanged_score_check_says_it_did_not_run() -> None:
    register = Register(AS_AT, default_matrix(), [clean_risk()], [], [], {1: OWNER})
    report = check_register(register, default_matrix(), None)
    result = next(r for r in report.results if r.name == "score_unchanged_while_indicators_moved")
    assert result.note.startswith("not run")


def test_checks_run_as_at_an_earlier_cut_off(seeded_ctx: Context) -> None:
    earlier = run_checks(seeded_ctx, date(2026, 6, 1))
    now = run_checks(seeded_ctx, AS_AT)
    assert earlier.as_at == date(2026, 6, 1)
    assert len(earlier.counts()) == len(now.counts())
    overdue_then = {f.subject for f in earlier.findings if f.check == "action_overdue_or_unowned"}
    overdue_now = {f.subject for f in now.findings if f.check == "action_overdue_or_unowned"}
    assert overdue_then < overdue_now
    json.dumps(earlier.counts())
