"""The register's health in Markdown: the data-quality checks' findings, and the short summary
(counts by check) that opens a committee pack and the BAF paper."""

from __future__ import annotations

from typing import Any

from bct_risk.domain.scoring import Matrix
from bct_risk.export.markdown import cell, fmt_date, heading, inline, table
from bct_risk.services.checks import CheckReport


def health_summary(report: CheckReport, level: int = 2) -> str:
    """A heading and one line per check: its count of findings (or that it is switched off)."""
    found = len(report.findings)
    lines = [
        heading(level, "Register health"),
        "",
        f"Data-quality checks as at {fmt_date(report.as_at)}: "
        + (f"{found} finding{'s' if found != 1 else ''}." if found else "nothing found."),
        "",
    ]
    rows = []
    for r in report.results:
        if not r.enabled:
            count = "switched off"
        elif r.note:
            count = r.note
        else:
            count = str(len(r.findings))
        rows.append([cell(r.title), count, "yes" if r.blocking else "no"])
    lines.append(table(["Check", "Findings", "Blocking"], rows))
    blocking = report.blocking_failures
    if blocking:
        names = ", ".join(inline(r.title) for r in blocking)
        lines += ["", f"**Blocking checks failed:** {names}."]
    return "\n".join(lines) + "\n"


def checks_paper(report: CheckReport) -> str:
    """Every finding, check by check, each with the risk or action it concerns and the fix."""
    parts = [heading(1, f"Register health as at {fmt_date(report.as_at)}"), ""]
    parts.append(health_summary(report).split("\n", 2)[2].rstrip("\n"))
    for r in report.results:
        if not r.findings:
            continue
        parts += ["", heading(2, f"{r.title} ({len(r.findings)})"), ""]
        parts.append(f"To fix: {inline(r.findings[0].fix)}.")
        parts.append("")
        parts.append(
            table(["Concerns", "Finding"], [[cell(f.subject), cell(f.message)] for f in r.findings])
        )
    return "\n".join(parts).rstrip("\n") + "\n"


def pack_health_section(matrix: Matrix, pack: Any) -> list[str]:
    """The committee pack's opening "Register health": counts by check on the pack's risks."""
    report = getattr(pack, "health", None)
    return [health_summary(report).rstrip("\n")] if report is not None else []
