"""Key risk indicator commands: ``bct-risk kpi list / show / record / target / link / unlink /
acknowledge``, and the indicators and breaches added to ``bct-risk show``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from bct_risk.cli.app import (
    app,
    cells,
    console,
    done,
    fmt_date,
    jsonable,
    parse_choice,
    print_json,
    register,
    to_date,
)
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.indicators import Basket, PeriodKind
from bct_risk.domain.kpi_rules import Status
from bct_risk.services.context import Context

if TYPE_CHECKING:
    from bct_risk.services.indicator_views import Breach, IndicatorLine

kpi_app = typer.Typer(
    help="Key risk indicators: the contract KPIs, their targets and tolerances, and the risks "
    "they warn about.",
    no_args_is_help=True,
)
app.add_typer(kpi_app, name="kpi")

STATUS_STYLE = {
    Status.ON_TARGET: "green",
    Status.WITHIN_TOLERANCE: "yellow",
    Status.OUTSIDE_TOLERANCE: "bold red",
    Status.NO_TARGET: "dim",
}

AsAtOption = Annotated[
    str | None, typer.Option("--as-at", help="As at a date (default today), e.g. 2020-11-30.")
]


def line_json(line: IndicatorLine) -> dict[str, Any]:
    """An indicator line as JSON: its key first, the status and months spelt out."""
    data: dict[str, Any] = dict(jsonable(line))
    data["status"] = line.status.value
    data["months_on_target"] = {
        "met": line.months.met,
        "reported": line.months.reported,
        "missing": [m.isoformat()[:7] for m in line.months.missing],
    }
    del data["months"]
    return data


def _band_text(line: IndicatorLine) -> str:
    if line.band is None:
        return "–"
    suffix = {"percent": "%", "days": " days"}.get(line.unit.value, "")
    return line.band.describe(suffix)


@kpi_app.command("list")
def list_command(
    ctx: typer.Context,
    basket: Annotated[
        str | None,
        typer.Option(
            "--basket",
            help="Only one basket: front door, child protection, children in care and care "
            "leavers, workforce, youth justice.",
        ),
    ] = None,
    breached: Annotated[
        bool,
        typer.Option("--breached", help="Only indicators whose latest value is outside tolerance."),
    ] = False,
    as_at: AsAtOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the indicators with their latest value, status and months on target."""
    from bct_risk.services.indicator_views import list_indicators

    chosen = parse_choice(Basket, basket)
    when = to_date(as_at, "as-at date")
    reg = register(ctx)
    lines = list_indicators(reg, basket=chosen, as_at=when)
    if breached:
        lines = [line for line in lines if line.status is Status.OUTSIDE_TOLERANCE]
    if as_json:
        print_json([line_json(line) for line in lines])
        return
    table = Table(title=f"Key risk indicators as at {fmt_date(when or reg.today())}")
    for name in ("Key", "No.", "Indicator", "Target (tolerance)", "Latest",
                 "Period", "Status", "Months", "Risks"):  # fmt: skip
        table.add_column(name, overflow="fold")
    for line in lines:
        latest = line.latest
        table.add_row(
            *cells(
                line.key, line.number, line.name, _band_text(line),
                latest.value_text if latest else "–", latest.period_label if latest else "",
                Text(line.status.label, style=STATUS_STYLE[line.status]),
                f"{line.months.met}/{line.months.reported}" if line.months.reported else "–",
                ", ".join(line.risks),
            )
        )  # fmt: skip
    console.print(table)


@kpi_app.command("show")
def show_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The indicator's key, e.g. agency-sw.")],
    as_at: AsAtOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one indicator: its years, targets, values and the risks it warns about."""
    from bct_risk.services.indicator_views import indicator_detail

    when = to_date(as_at, "as-at date")
    detail = indicator_detail(register(ctx), key, when)
    if as_json:
        data = dict(jsonable(detail))
        data["line"] = line_json(detail.line)
        print_json(data)
        return
    line = detail.line
    console.print(Text(f"{line.key}  {line.name}", style="bold"))
    console.print(
        Text(
            f"Basket: {line.basket.label}   Unit: {line.unit.label}   "
            f"{line.polarity.words}   Kind: {line.kind.label}   Owner: {line.owner or '–'}"
        )
    )
    console.print(
        Text(f"Target now: {_band_text(line)}   Months on target (last 12): {line.months}")
    )
    if detail.notes:
        console.print(Text(f"Notes: {detail.notes}", style="italic"))
    if detail.illustrative:
        console.print(Text(f"Illustrative: {', '.join(detail.illustrative)}", style="italic"))
    if detail.source:
        console.print(Text(f"Source: {detail.source}", style="dim"))
    years = Table(title="Numbering and results by year", title_justify="left")
    for name in ("Year", "No.", "Name", "Months on target", "Source"):
        years.add_column(name, overflow="fold")
    for d in detail.definitions:
        result = d.result_note if d.months_on_target is None else f"{d.months_on_target}/12"
        years.add_row(*cells(d.year, d.number, d.name, result, d.source))
    console.print(years)
    targets = Table(title="Targets and tolerances", title_justify="left")
    for name in ("From", "Target", "Tolerance", "Source"):
        targets.add_column(name, overflow="fold")
    for t in detail.targets:
        low = "" if t.band.low is None else f"{t.band.low:g}"
        high = "" if t.band.high is None else f"{t.band.high:g}"
        tolerance = f"{low}-{high}" if low or high else "–"
        targets.add_row(*cells(t.year, f"{t.band.target:g}", tolerance, t.source))
    console.print(targets)
    values = Table(title="Values", title_justify="left")
    for name in ("Period", "Value", "Status", "National", "Stat. neighbours", "Comment", "Source"):
        values.add_column(name, overflow="fold")
    for p in detail.values:
        values.add_row(
            *cells(
                p.period_label, p.value_text, Text(p.status.label, style=STATUS_STYLE[p.status]),
                "" if p.national_average is None else f"{p.national_average:g}",
                "" if p.neighbour_average is None else f"{p.neighbour_average:g}",
                p.comment, p.source,
            )
        )  # fmt: skip
    console.print(values)
    links = Table(title="Risks it warns about", title_justify="left")
    for name in ("Risk", "Title", "Link", "Note"):
        links.add_column(name, overflow="fold")
    for link in detail.links:
        kind = "illustrative" if link.illustrative else "stated"
        links.add_row(*cells(link.reference, link.title, kind, link.note))
    console.print(links)


@kpi_app.command("record")
def record_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The indicator's key, e.g. agency-sw.")],
    period: Annotated[str, typer.Option("--period", help="The month, e.g. 2026-11.")],
    value: Annotated[float, typer.Option("--value", help="The value, e.g. 17 (for 17%).")],
    comment: Annotated[str, typer.Option("--comment", help="What lies behind the value.")] = "",
    kind: Annotated[
        str,
        typer.Option("--kind", help="month, rolling 12 months, year to date or rolling 3 years."),
    ] = "month",
    national: Annotated[float | None, typer.Option("--national", help="National average.")] = None,
    neighbours: Annotated[
        float | None, typer.Option("--neighbours", help="Statistical neighbour average.")
    ] = None,
) -> None:
    """Record an indicator's value for a month (replacing that month's value)."""
    from bct_risk.services.indicators import ValueInput, record_value_flagging

    period_kind = parse_choice(PeriodKind, kind) or PeriodKind.MONTH
    reg = register(ctx)
    row, flagged = record_value_flagging(
        reg,
        key,
        ValueInput(
            period=period,
            value=value,
            period_kind=period_kind,
            comment=comment,
            national_average=national,
            neighbour_average=neighbours,
        ),
    )
    done(f"Recorded {key.strip().lower()} for {period.strip()}: {row.value:g}")
    print_flagged(flagged)


def print_flagged(breaches: list[Breach]) -> None:
    """The risks a recording flags (read before its commit: nothing here can fail)."""
    for breach in breaches:
        console.print(
            Text(
                f"Indicator breach on {breach.reference}: {breach.note}; rescore it or "
                "acknowledge the breach "
                f"(bct-risk kpi acknowledge {breach.reference} {breach.key} --reason ...)",
                style="bold red",
            )
        )


@kpi_app.command("target")
def target_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The indicator's key, e.g. agency-sw.")],
    year: Annotated[str, typer.Option("--year", help="The fiscal year, e.g. 2026/27.")],
    target: Annotated[float, typer.Option("--target", help="The target, e.g. 12.")],
    low: Annotated[float | None, typer.Option("--low", help="Tolerance's lower edge.")] = None,
    high: Annotated[float | None, typer.Option("--high", help="Tolerance's upper edge.")] = None,
) -> None:
    """Set an indicator's target and tolerance from a year on (until a later one is set)."""
    from bct_risk.services.indicators import set_target

    set_target(register(ctx), key, year=year, target=target, tolerance_low=low,
               tolerance_high=high)  # fmt: skip
    done(f"Set the target of {key.strip().lower()} from {year.strip()}")


@kpi_app.command("link")
def link_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The indicator's key, e.g. agency-sw.")],
    reference: Annotated[str, typer.Argument(help="Risk reference, e.g. SR2.")],
    note: Annotated[str, typer.Option("--note", help="Why the indicator bears on it.")] = "",
) -> None:
    """Tie an indicator to a risk it warns about."""
    from bct_risk.services.indicators import link_risk

    link_risk(register(ctx), key, reference, note=note)
    done(f"Linked {key.strip().lower()} to {reference.strip().upper()}")


@kpi_app.command("unlink")
def unlink_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The indicator's key, e.g. agency-sw.")],
    reference: Annotated[str, typer.Argument(help="Risk reference, e.g. SR2.")],
) -> None:
    """Remove an indicator's link to a risk."""
    from bct_risk.services.indicators import unlink_risk

    unlink_risk(register(ctx), key, reference)
    done(f"Unlinked {key.strip().lower()} from {reference.strip().upper()}")


@kpi_app.command("acknowledge")
def acknowledge_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference, e.g. SR2.")],
    key: Annotated[str, typer.Argument(help="The indicator's key, e.g. agency-sw.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the score stands.")] = "",
) -> None:
    """As risk owner, acknowledge an indicator breach on a risk without rescoring it."""
    from bct_risk.services.indicators import acknowledge_breach

    if not reason.strip():
        raise ValidationError("a reason is required (--reason)")
    acknowledge_breach(register(ctx), reference, key, reason)
    done(f"Acknowledged the {key.strip().lower()} breach on {reference.strip().upper()}")


# -- additions to `bct-risk show` and `list --json` ------------------------------------------


def breach_json(breach: Breach) -> dict[str, Any]:
    """A breach as ``show --json`` and ``list --json`` give it."""
    return {
        "indicator": breach.key,
        "name": breach.name,
        "value": breach.value,
        "value_text": breach.value_text,
        "target": breach.target,
        "period": breach.period_label,
        "period_end": breach.period_end.isoformat(),
        "reported_on": breach.reported_on.isoformat(),
    }


def detail_json(reg: Context, detail: Any, as_at: date | None = None) -> dict[str, Any]:
    """``show --json``: the risk's detail with its indicators and open breaches added."""
    from bct_risk.services.indicator_views import risk_breaches, risk_indicators

    reference = detail.row.reference
    data: dict[str, Any] = dict(jsonable(detail))
    data["indicator_breaches"] = [breach_json(b) for b in risk_breaches(reg, reference, as_at)]
    data["indicators"] = [line_json(line) for line in risk_indicators(reg, reference, as_at)]
    return data


def rows_json(reg: Context, rows: list[Any]) -> list[dict[str, Any]]:
    """``list --json``: each line with its open indicator breaches added."""
    from bct_risk.services.indicator_views import breaches_for_risks

    with reg.read() as session:
        breaches = breaches_for_risks(session, [row.id for row in rows], reg.today())
    out = []
    for row in rows:
        data = dict(jsonable(row))
        data["indicator_breaches"] = [breach_json(b) for b in breaches.get(row.id, [])]
        out.append(data)
    return out


def print_risk_indicators(reg: Context, reference: str) -> None:
    """``show``: the risk's indicators and any open breach, after the rest of its detail."""
    from bct_risk.services.indicator_views import risk_breaches, risk_indicators

    lines = risk_indicators(reg, reference)
    breaches = risk_breaches(reg, reference)
    for breach in breaches:
        console.print(
            Text(
                f"INDICATOR BREACH: {breach.note}, reported {fmt_date(breach.reported_on)}",
                style="bold red",
            )
        )
    if not lines:
        return
    table = Table(title="Key risk indicators", title_justify="left")
    for name in ("Key", "Indicator", "Target (tolerance)", "Latest", "Period", "Status", "Months"):
        table.add_column(name, overflow="fold")
    for line in lines:
        latest = line.latest
        table.add_row(
            *cells(
                line.key, line.name, _band_text(line), latest.value_text if latest else "–",
                latest.period_label if latest else "",
                Text(line.status.label, style=STATUS_STYLE[line.status]),
                f"{line.months.met}/{line.months.reported}" if line.months.reported else "–",
            )
        )  # fmt: skip
    console.print(table)


# -- `bct-risk import FILE --kind indicators` ----------------------------------------------


def import_values(reg: Context, path: Path, *, dry_run: bool, sheet: str | None) -> None:
    """Import monthly indicator values, all or nothing; every problem by row and column."""
    from bct_risk.cli.app import err
    from bct_risk.io.indicator_rows import import_indicator_values

    result = import_indicator_values(reg, path, dry_run=dry_run, sheet=sheet)
    if result.shape:
        console.print(Text(f"Read {path.name} as {result.shape}."))
    if not result.ok:
        for problem in result.problems:
            err.print(Text(f"Problem: {problem}"), soft_wrap=True)
        count = len(result.problems)
        stop = f"{count} problems stop" if count != 1 else "1 problem stops"
        raise ValidationError(f"{stop} the import; nothing was written")
    keys = sorted({row.key for row in result.rows})
    verb = "Would record" if dry_run else "Recorded"
    done(f"{verb} {len(result.rows)} values of {len(keys)} indicators")
    print_flagged(result.flagged)
