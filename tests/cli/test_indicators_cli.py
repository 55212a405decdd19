"""`bct-risk kpi`: list, show, record, target, link, unlink, acknowledge; the breach in `show`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import make_context
from tests.helpers import fingerprint

runner = CliRunner()


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", str(db), "--as", "tester", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_json_gives_each_indicator_its_key_and_status(seeded_database: str) -> None:
    code, out, _ = run(seeded_database, "kpi", "list", "--as-at", "2020-11-30", "--json")
    assert code == 0
    lines = {line["key"]: line for line in json.loads(out)}
    assert lines["agency-sw"]["number"] == "13"
    assert lines["agency-sw"]["status"] == "within_tolerance"
    assert lines["agency-sw"]["latest"]["value"] == 13
    assert lines["agency-sw"]["band"] == {"target": 12, "low": 10, "high": 15}
    assert lines["agency-sw"]["risks"] == ["SR2"]
    assert lines["caseload"]["latest"]["national_average"] == 17


def test_list_by_basket_and_breached(seeded_database: str) -> None:
    code, out, _ = run(seeded_database, "kpi", "list", "--basket", "Workforce", "--json")
    assert code == 0
    assert sorted(line["key"] for line in json.loads(out)) == [
        "agency-sw",
        "caseload",
        "supervision",
    ]
    code, out, _ = run(seeded_database, "kpi", "list", "--breached", "--json")
    assert [line["key"] for line in json.loads(out)] == ["children-adopted"]


def test_record_a_breach_show_it_and_acknowledge_it(seeded_database: str) -> None:
    code, out, _ = run(
        seeded_database, "kpi", "record", "agency-sw", "--period", "2026-11", "--value", "17",
        "--comment", "Two [bold]leavers[/bold]",
    )  # fmt: skip
    assert code == 0, out
    assert (
        "Indicator breach on SR2: agency-sw 17% (Nov 2026) against 12% (tolerance 10-15%)"
        in " ".join(out.split())
    )
    code, out, _ = run(seeded_database, "show", "SR2", "--json")
    detail = json.loads(out)
    [breach] = detail["indicator_breaches"]
    assert (breach["indicator"], breach["value"], breach["period"]) == ("agency-sw", 17, "Nov 2026")
    assert "agency-sw" in [line["key"] for line in detail["indicators"]]
    assert detail["row"]["reference"] == "SR2"  # the fields it had are all still there
    code, out, _ = run(seeded_database, "show", "SR2")
    assert "INDICATOR BREACH: agency-sw 17% (Nov 2026)" in out
    code, out, _ = run(seeded_database, "list", "--json")
    flagged = {r["reference"]: r["indicator_breaches"] for r in json.loads(out)}
    assert [b["indicator"] for b in flagged["SR2"]] == ["agency-sw"]
    assert flagged["SR3"] == []
    code, out, _ = run(seeded_database, "kpi", "show", "agency-sw")
    assert "[bold]" in out  # user text is never markup
    code, out, err = run(
        seeded_database, "kpi", "acknowledge", "SR2", "agency-sw", "--reason", "Campaign on"
    )
    assert code == 0, err
    code, out, _ = run(seeded_database, "show", "SR2", "--json")
    assert json.loads(out)["indicator_breaches"] == []


def test_target_link_and_unlink(seeded_database: str) -> None:
    assert run(seeded_database, "kpi", "target", "agency-sw", "--year", "2026/27", "--target",
               "8", "--low", "6", "--high", "10")[0] == 0  # fmt: skip
    assert (
        run(seeded_database, "kpi", "link", "agency-sw", "SR9", "--note", "Agency premium")[0] == 0
    )
    _, out, _ = run(seeded_database, "kpi", "show", "agency-sw", "--json")
    detail = json.loads(out)
    assert [t["year"] for t in detail["targets"]] == ["2020/21", "2026/27"]
    assert [link["reference"] for link in detail["links"]] == ["SR2", "SR9"]
    assert detail["links"][1]["illustrative"] is False
    assert run(seeded_database, "kpi", "unlink", "agency-sw", "SR9")[0] == 0


RECORD = ["record", "agency-sw", "--period"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["record", "nope", "--period", "2026-11", "--value", "1"],
         "no indicator has the key 'nope'"),
        ([*RECORD, "Nov", "--value", "1"], "the period 'Nov' is not a month"),
        ([*RECORD, "2026-11", "--value", "140"], "the value 140% is above 100%"),
        ([*RECORD, "2026-11", "--value", "1", "--kind", "weekly"], "'weekly' is not a period kind"),
        (["list", "--basket", "finance"], "'finance' is not an indicator basket"),
        (["list", "--as-at", "soon"], "as-at date 'soon' is not a date"),
        (["target", "agency-sw", "--year", "2026", "--target", "1"],
         "the year '2026' is not a fiscal year"),
        (["link", "agency-sw", "SR2"], "agency-sw is already linked to SR2"),
        (["link", "agency-sw", "SR99"], "no risk has the reference 'SR99'"),
        (["unlink", "agency-sw", "SR3"], "agency-sw is not linked to SR3"),
        (["acknowledge", "SR2", "agency-sw", "--reason", "x"],
         "SR2 has no open breach of agency-sw"),
        (["acknowledge", "SR2", "agency-sw"], "a reason is required"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_1_and_nothing_written(
    seeded_database: str, args: list[str], message: str
) -> None:
    ctx = make_context(seeded_database)
    before = fingerprint(ctx)
    code, _, err = run(seeded_database, "kpi", *args)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert fingerprint(ctx) == before
    ctx.engine.dispose()
