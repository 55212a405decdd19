"""Read models for papers, by what each reads; this module names them all in one place.

- :mod:`~bct_risk.services.sections`: what a paper prints about each risk;
- :mod:`~bct_risk.services.register_paper`: the register paper, read risk by risk;
- :mod:`~bct_risk.services.changes`: what changed between two dates;
- :mod:`~bct_risk.services.pack`: a committee's pack, as at its cut-off;
- :mod:`~bct_risk.services.register_data`: the register as records (CSV and JSON);
- :mod:`~bct_risk.services.as_at`: the register as it stood at the end of any day.
"""

from __future__ import annotations

from bct_risk.services.changes import (
    ActionEvent,
    Changes,
    RiskEvent,
    ScoreChange,
    changes_between,
)
from bct_risk.services.pack import (
    CoHigh,
    CommitteePack,
    ExemptPart,
    FrontMatter,
    combined_exposure,
    committee_pack,
)
from bct_risk.services.register_data import (
    ActionRecord,
    ControlRecord,
    RiskRecord,
    register_records,
)
from bct_risk.services.register_paper import (
    RegisterPaper,
    RegisterStream,
    SectionChunk,
    Withheld,
    describe_filter,
    register_paper,
    register_stream,
)
from bct_risk.services.sections import (
    CHUNK,
    LatestUpdate,
    Lookups,
    RiskSection,
    SectionAction,
    SectionControl,
    further_action_count,
    load_sections,
    risk_sections,
)

__all__ = [
    "CHUNK",
    "ActionEvent",
    "ActionRecord",
    "Changes",
    "CoHigh",
    "CommitteePack",
    "ControlRecord",
    "ExemptPart",
    "FrontMatter",
    "LatestUpdate",
    "Lookups",
    "RegisterPaper",
    "RegisterStream",
    "RiskEvent",
    "RiskRecord",
    "RiskSection",
    "ScoreChange",
    "SectionAction",
    "SectionChunk",
    "SectionControl",
    "Withheld",
    "changes_between",
    "combined_exposure",
    "committee_pack",
    "describe_filter",
    "further_action_count",
    "load_sections",
    "register_paper",
    "register_records",
    "register_stream",
    "risk_sections",
]
