"""Round trip: the register exported (``bct_risk.export.data``) and imported back.

``tests/export/test_round_trip.py`` checks export → import → export gives the same file; these
check the register itself: the same risks, scores, controls (retired ones retired, restored ones in
place) and further actions, and that the export imported into the register it came from adds
nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bct_risk.export.data import register_csv, register_json
from bct_risk.io import import_file
from bct_risk.services.context import Context
from bct_risk.services.papers import register_records
from bct_risk.services.queries import list_risks
from bct_risk.services.register_rows import RiskFilter
from tests.export.test_round_trip import RESTORED, RETIRED, _retire_and_restore
from tests.helpers import fingerprint

EVERYTHING = RiskFilter(include_closed=True)


def _register(ctx: Context, *, short_names: bool = True) -> list[tuple[object, ...]]:
    # The list shows the lead committee's short name, which only the JSON carries.
    return [
        (r.reference, r.title, r.owner, r.status, r.tier, r.inherent,
         r.current, r.target, r.band, r.above_appetite, r.next_review_date,
         r.lead_committee if short_names else None)
        for r in list_risks(ctx, EVERYTHING)
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_export_then_import_gives_the_same_register(
    seeded_ctx: Context, ctx: Context, tmp_path: Path, kind: str
) -> None:
    _retire_and_restore(seeded_ctx)
    records = register_records(seeded_ctx, EVERYTHING)
    assert [c.description for r in records for c in r.retired_controls] == [RETIRED]
    path = tmp_path / f"register.{kind}"
    path.write_text((register_csv if kind == "csv" else register_json)(records), "utf-8")
    result = import_file(ctx, path)
    assert result.ok and result.written, [str(p) for p in result.plan.errors]
    assert result.plan.native
    json_export = kind == "json"
    assert _register(ctx, short_names=json_export) == _register(seeded_ctx, short_names=json_export)
    back = register_records(ctx, EVERYTHING)
    if kind == "json":
        assert back == records  # the retired control retired, the restored one in place
        assert RESTORED in [c.description for r in back for c in r.controls]
    else:
        # CSV holds no controls, further actions or history; everything else comes back.
        flat: dict[str, object] = {"created_on": None, "closed_on": None}
        flat.update(review_frequency_days=None, controls=[], further_actions=[])
        flat.update(history=[], escalations=[], reviews=[], illustrative=[], closures=[])
        flat.update(retired_controls=[])
        flat.update(committees={}, meetings={})
        assert [r.__class__(**{**vars(r), **flat}) for r in back] == [
            r.__class__(**{**vars(r), **flat}) for r in records
        ]


def test_the_export_imported_into_its_own_register_adds_nothing(
    seeded_ctx: Context, tmp_path: Path
) -> None:
    path = tmp_path / "register.json"
    path.write_text(register_json(register_records(seeded_ctx, EVERYTHING)), "utf-8")
    before = fingerprint(seeded_ctx)
    result = import_file(seeded_ctx, path)
    assert result.ok and result.counts.risks == []
    assert len(result.counts.matched) == len(register_records(seeded_ctx, EVERYTHING))
    assert fingerprint(seeded_ctx) == before
