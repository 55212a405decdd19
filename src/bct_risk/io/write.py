"""Writing an import plan through the register's write door for batches (``services.bulk``).

The plan's risks or tracker actions go to :func:`bct_risk.services.bulk.add_batch`, which checks
permission, applies the use cases' rules and records the audit events in the caller's
transaction; problems it meets join the plan's problems, by row.
"""

from __future__ import annotations

from bct_risk.io.headers import RISKS
from bct_risk.io.records import ImportOptions, ImportPlan, Problem
from bct_risk.services.bulk import GENERATED_PREFIX, Batch, ImportCounts, add_batch
from bct_risk.services.context import Context
from bct_risk.services.restore import restore_extras

__all__ = ["GENERATED_PREFIX", "ImportCounts", "write_plan"]


def write_plan(
    ctx: Context, plan: ImportPlan, options: ImportOptions, *, check_permission: bool = True
) -> ImportCounts:
    """Add what the plan holds; problems met are added to the plan."""
    batch = Batch(
        name=plan.path.name,
        unit=plan.unit,
        risks=plan.risks if plan.kind == RISKS else [],
        actions=plan.actions if plan.kind != RISKS else [],
        register=options.register,
        allow_duplicates=options.allow_duplicates,
        native=plan.native,
    )
    counts = add_batch(ctx, batch, check_permission=check_permission)
    if plan.extras is not None and counts.risks:
        restore_extras(ctx, plan.extras, counts.risks, counts.meetings, sources=check_permission)
    plan.prefix = batch.prefix
    plan.problems.extend(
        Problem(p.severity, p.message, p.row, p.column, plan.unit) for p in batch.problems
    )
    return counts
