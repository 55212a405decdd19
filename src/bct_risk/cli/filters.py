"""The register filter options, defined once for every command that lists or exports risks."""

from __future__ import annotations

from typing import Annotated

import typer

from bct_risk.cli.app import parse_choice
from bct_risk.domain.enums import RiskStatus, Tier
from bct_risk.services.register_rows import RiskFilter

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


def risk_filter(
    *,
    all_: bool,
    status: str | None,
    search: str,
    owner: str,
    committee: str,
    band: str,
    tier: str | None,
    category: str,
    above_appetite: bool,
    overdue: bool,
) -> RiskFilter:
    """The filter the options describe; a bad status or tier is a clear error."""
    return RiskFilter(
        text=search,
        include_closed=all_,
        status=parse_choice(RiskStatus, status),
        owner=owner,
        committee=committee,
        band=band,
        tier=parse_choice(Tier, tier),
        category=category,
        above_appetite=above_appetite,
        review_overdue=overdue,
    )
