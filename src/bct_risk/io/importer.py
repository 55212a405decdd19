"""The importer's entry points: preview a file (dry run) or import it, all or nothing.

Used by ``bct-risk import`` and, later, by the TUI's import screen: call :func:`import_file`
with ``dry_run=True`` to show the report, then again with ``dry_run=False`` once confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bct_risk.io.mapping_owners import mapping_of, people_from_job_titles
from bct_risk.io.plan import build_plan
from bct_risk.io.records import ImportOptions, ImportPlan, Progress
from bct_risk.io.write import ImportCounts, write_plan
from bct_risk.services.context import Context


class _RollBackError(Exception):
    """Raised inside the transaction to undo a dry run or a failed import."""


@dataclass
class ImportResult:
    """An import or dry run: how the file was read, and what was (or would be) added."""

    plan: ImportPlan
    counts: ImportCounts
    dry_run: bool
    written: bool
    """Whether anything was committed: never in a dry run, never when there is an error."""

    @property
    def ok(self) -> bool:
        """No errors: a real import would be (or was) written."""
        return not self.plan.errors


def import_file(
    ctx: Context,
    path: Path,
    options: ImportOptions | None = None,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Read a register or action log and add it to the register in one transaction.

    A dry run goes through exactly the same steps inside a transaction that is then rolled
    back, so its counts and problems are what a real import would give. A real import with any
    error writes nothing. Raises ValidationError only for a file that cannot be read at all.
    """
    options = options or ImportOptions()
    plan = build_plan(path, ctx.matrix, options, ctx.today(), progress=progress)
    counts = ImportCounts()
    if plan.errors and not dry_run:
        return ImportResult(plan, counts, dry_run, written=False)
    try:
        with ctx.unit_of_work() as work:
            mapping = mapping_of(options)
            made = (
                people_from_job_titles(work, plan)
                if mapping and mapping.job_titles_as_people
                else []
            )
            counts = write_plan(work, plan, options, check_permission=not dry_run)
            counts.people[:0] = made
            if dry_run or plan.errors:
                raise _RollBackError
    except _RollBackError:
        return ImportResult(plan, counts, dry_run, written=False)
    return ImportResult(plan, counts, dry_run, written=True)
