"""The register filter options, defined once for every command that lists or exports risks."""

from __future__ import annotations

from typing import Annotated

import typer

from bct_risk.cli.values import risk_filter as risk_filter

AllOption = Annotated[bool, typer.Option("--all", help="Closed risks too.")]
StatusOption = Annotated[
    str | None, typer.Option(help="Only open or only closed risks (overrides --all).")
]
SearchOption = Annotated[
    str, typer.Option("--search", "-s", help="Text in reference, title or owner.")
]
OwnerOption = Annotated[str, typer.Option(help="Risk owner (name or job title, partial).")]
CommitteeOption = Annotated[str, typer.Option(help="Lead committee.")]
BandOption = Annotated[
    str, typer.Option(help="Band of the current score (Low, Moderate, High, Extreme).")
]
TierOption = Annotated[
    str | None, typer.Option(help="Register tier: operational, strategic, committee, board.")
]
CategoryOption = Annotated[str, typer.Option(help="Category.")]
AboveAppetiteOption = Annotated[
    bool, typer.Option("--above-appetite", help="Only risks above appetite.")
]
OverdueOption = Annotated[
    bool, typer.Option("--overdue", help="Only risks whose review is overdue.")
]
