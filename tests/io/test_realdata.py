"""The real registers in ../shared/realdata: a council's corporate register taken from a PDF,
and a board's outstanding-action log. Counts, scores and owners as each SOURCE.md shows them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlmodel import select

from bct_risk.domain.enums import ActionKind, ActionStatus, ScoreKind
from bct_risk.domain.models import Action, ActionUpdate, Committee, Control, Meeting, Person, Risk
from bct_risk.io import ImportOptions, import_file
from bct_risk.services.context import Context
from tests.conftest import SHARED
from tests.helpers import fingerprint
from tests.io.conftest import owner_of, risk, scores_of

REALDATA = SHARED / "realdata"
FENLAND = REALDATA / "fenland-dc-corporate-2019"
ASF = REALDATA / "asf-board-action-items"

pytestmark = pytest.mark.skipif(
    not REALDATA.is_dir(), reason=f"the real registers are not here ({REALDATA} is absent)"
)

# Reference → (inherent impact, inherent likelihood, current impact, current likelihood), as the
# register prints them: Impact before Likelihood in both blocks.
FENLAND_SCORES = {
    "9": (5, 4, 4, 4), "4": (5, 5, 4, 3), "6": (5, 5, 4, 3), "17": (5, 4, 3, 4),
    "3": (4, 4, 3, 4), "10": (4, 4, 4, 3), "16": (4, 5, 3, 4), "1": (5, 5, 2, 5),
    "2": (5, 5, 2, 3), "8": (5, 5, 3, 3), "11": (5, 4, 3, 3), "13": (4, 5, 3, 3),
    "14": (4, 5, 3, 3), "18": (5, 4, 3, 3), "19": (4, 5, 3, 3), "20": (5, 4, 3, 3),
    "12": (5, 4, 2, 4), "5": (4, 5, 2, 3), "7": (5, 5, 2, 3), "15": (4, 5, 3, 2),
}  # fmt: skip

# The first named risk owner of each risk; four risks name two officers.
FENLAND_OWNERS = {
    "CMT": {"9", "3", "10", "14", "20", "5", "15"},
    "Peter Catchpole": {"6", "16", "2", "8", "11", "18", "12", "7"},
    "Carol Pilson": {"4", "1", "13", "19"},
    "Paul Medd": {"17"},
}
FENLAND_JOINT = {"4", "2", "11", "13"}


@pytest.mark.parametrize("name", ["fenland_corporate_risk_register_2019.csv",
                                  "fenland_corporate_risk_register_2019.json"])  # fmt: skip
def test_fenland_register_imports_with_its_scores_and_owners(ctx: Context, name: str) -> None:
    result = import_file(ctx, FENLAND / name)
    assert result.ok and result.written, [str(p) for p in result.plan.errors]
    assert sorted(result.counts.risks, key=int) == [str(n) for n in range(1, 21)]
    assert result.counts.assessments == 40
    # The source's stated scores all equal impact x likelihood: no warnings about them.
    assert not [p for p in result.plan.warnings if "stated" in p.message]
    for reference, (ii, il, ci, cl) in FENLAND_SCORES.items():
        assert scores_of(ctx, reference) == {
            ScoreKind.INHERENT: (il, ii),
            ScoreKind.CURRENT: (cl, ci),
        }, reference
    for owner, references in FENLAND_OWNERS.items():
        for reference in references:
            assert owner_of(ctx, reference) == owner, reference
    for reference in FENLAND_JOINT:
        description = risk(ctx, reference).description
        assert "Risk owners as written: " in description
        assert {"Carol Pilson", "Peter Catchpole"} <= set(
            description.split("Risk owners as written: ")[1].split("\n")[0].split(" / ")
        )
    with ctx.transaction() as session:
        people = set(session.exec(select(Person.name)))
        assert people == {"CMT", "Peter Catchpole", "Carol Pilson", "Paul Medd"}
        controls = list(session.exec(select(Control.description)))
        further = list(session.exec(select(Action).where(Action.kind == ActionKind.FURTHER_ACTION)))
        assert controls and further
        # PDF bullets (U+F0B7) are gone: each bullet is its own control, its lines joined.
        assert not [c for c in controls if "\uf0b7" in c]
        assert "Emergency plan" in controls and "Local Resilience Forum" in controls
        assert len({r.source for r in session.exec(select(Risk))}) == 20


def test_fenland_cause_and_effect_are_split(ctx: Context) -> None:
    import_file(ctx, FENLAND / "fenland_corporate_risk_register_2019.csv")
    natural_disaster = risk(ctx, "9")
    assert natural_disaster.title == "The Council’s ability to cope with a natural disaster"
    assert natural_disaster.cause == "The Council’s ability to cope with a natural disaster."
    assert natural_disaster.effect.startswith("Natural disaster; malicious or accidental incident")
    assert natural_disaster.source == "fenland_corporate_risk_register_2019.csv row 2"
    # Risk 5: more cause text straight after the risk line, before "Effects:-".
    staff = risk(ctx, "5")
    assert staff.cause.startswith("Insufficient staff to provide Council services")
    assert "leadership" in staff.cause and "Effects" not in staff.cause
    assert "Comments and progress of actions: " in natural_disaster.description


def test_fenland_twice_does_not_duplicate(ctx: Context) -> None:
    import_file(ctx, FENLAND / "fenland_corporate_risk_register_2019.csv")
    before = fingerprint(ctx)
    again = import_file(ctx, FENLAND / "fenland_corporate_risk_register_2019.json")
    assert again.ok and again.counts.risks == [] and len(again.counts.matched) == 20
    assert fingerprint(ctx) == before


def test_asf_action_log_dedupes_carried_forward_actions(ctx: Context) -> None:
    result = import_file(
        ctx,
        ASF / "asf_board_outstanding_action_items.csv",
        ImportOptions(register="ASF Board"),
    )
    assert result.ok and result.written, [str(p) for p in result.plan.errors]
    assert result.plan.kind == "actions"
    assert result.plan.rows_read == 67
    assert result.counts.tracker_actions == 46
    # 37 of the 67 rows say something after "Status:"; each is kept as a dated update.
    assert result.counts.updates == 37
    with ctx.transaction() as session:
        actions = list(session.exec(select(Action)))
        assert {a.kind for a in actions} == {ActionKind.TRACKER}
        assert all(a.due_date is None for a in actions)
        committee = session.exec(select(Committee)).one()
        assert committee.name == "ASF Board"
        meetings = sorted(session.exec(select(Meeting.meeting_date)))
        assert meetings == [date(2014, 2, 19), date(2014, 3, 19), date(2015, 1, 21),
                            date(2015, 2, 18)]  # fmt: skip
        names = {p.id: p.name for p in session.exec(select(Person))}
        owners = Counter(names[a.owner_id] for a in actions if a.owner_id)
        assert set(owners) == {"Greg", "Brett", "Chris", "Sam", "Ross", "Jim", "Rich", "Doug",
                               "Roy", "Bertrand"}  # fmt: skip
        assert sum(owners.values()) == 46
        statuses = Counter(a.status for a in actions)
        assert statuses == {
            ActionStatus.OPEN: 32,
            ActionStatus.COMPLETE: 12,
            ActionStatus.IN_PROGRESS: 1,
            ActionStatus.CANCELLED: 1,
        }
        by_text = {a.description: a for a in actions}
        # Roy's item was carried from February to March 2014, "still not done" both times.
        roy = next(a for t, a in by_text.items() if t.startswith("Update the guidance"))
        assert roy.status == ActionStatus.OPEN and roy.raised_on == date(2014, 2, 19)
        updates = session.exec(select(ActionUpdate).where(ActionUpdate.action_id == roy.id)).all()
        assert [(u.update_date, u.text) for u in updates] == [
            (date(2014, 2, 19), "Status: still not done"),
            (date(2014, 3, 19), "Status: still not done"),
        ]
        # Closure signalled in prose, reported by someone other than the owner.
        directmemory = next(a for t, a in by_text.items() if "[ DirectMemory ]" in t)
        assert names[directmemory.owner_id or 0] == "Sam"
        assert directmemory.status == ActionStatus.COMPLETE
        assert directmemory.completed_on == date(2015, 2, 18)
        assert directmemory.agenda_item == "DirectMemory"


def test_asf_without_a_register_name_goes_to_an_imported_committee(ctx: Context) -> None:
    result = import_file(ctx, ASF / "asf_board_outstanding_action_items.csv")
    assert result.counts.committees == ["Imported"]
    before = fingerprint(ctx)
    again = import_file(ctx, ASF / "asf_board_outstanding_action_items.csv")
    assert again.counts.tracker_actions == 0 and len(again.counts.matched) == 46
    assert fingerprint(ctx) == before
