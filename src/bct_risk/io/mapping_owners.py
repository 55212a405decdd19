"""Owners written as job titles, made people when the mapping file says so.

By default an owner cell that matches nobody and reads as a job title ("Director of Finance") is
kept as the risk owner's role text, never linked to whoever holds that title. A mapping file
with ``job_titles_as_people: true`` asks instead for each distinct job title to become a person
of that name, the title kept as their job title: the people are added through the register's
use case (``services.people.add_person``) in the import's own unit of work, before the batch is
written, so the batch then links each risk to its person by name.
"""

from __future__ import annotations

from sqlmodel import func, or_, select

from bct_risk.domain.errors import DomainError
from bct_risk.domain.models import Person
from bct_risk.io.headers import RISKS, MappingFile, load_mapping
from bct_risk.io.records import ERROR, NOTE, ImportOptions, ImportPlan, Problem
from bct_risk.services.bulk import looks_like_role
from bct_risk.services.context import Context
from bct_risk.services.people import add_person


def mapping_of(options: ImportOptions) -> MappingFile | None:
    """The mapping file an import was given, if any."""
    if options.mapping_file is not None:
        return options.mapping_file
    return load_mapping(options.mapping) if options.mapping else None


def job_title_owners(ctx: Context, plan: ImportPlan) -> list[tuple[str, int]]:
    """Each distinct owner that reads as a job title and names nobody: (title, first row)."""
    if plan.kind != RISKS or plan.native:
        return []
    found: dict[str, tuple[str, int]] = {}
    for item in plan.risks:
        name = (item.owner or "").strip()
        if name and looks_like_role(name) and name.lower() not in found:
            found[name.lower()] = (name, item.row)
    if not found:
        return []
    with ctx.transaction() as session:
        known: set[str] = set()
        for person in session.exec(
            select(Person).where(
                or_(
                    func.lower(Person.name).in_(list(found)),
                    func.lower(Person.login).in_(list(found)),
                    func.lower(Person.key).in_(list(found)),
                )
            )
        ):
            known.update(
                v.lower() for v in (person.name, person.login or "", person.key or "") if v
            )
    return [title for key, title in found.items() if key not in known]


def people_from_job_titles(ctx: Context, plan: ImportPlan) -> list[str]:
    """Add a person for each job-title owner; their names, with a note (or an error) on the plan.

    ``ctx`` is the import's unit of work: nothing is kept unless the whole import is.
    """
    titles = job_title_owners(ctx, plan)
    owner_column = next((c.header for c in plan.columns if c.field == "owner"), "owner")
    added: list[str] = []
    for title, row in titles:
        try:
            person = add_person(ctx, title, job_title=title)
        except DomainError as exc:
            plan.problems.append(
                Problem(
                    ERROR,
                    f"cannot add the job title '{title}' as a person: {exc.message}",
                    row,
                    owner_column,
                    plan.unit,
                )
            )
            return added
        added.append(person.name)
    if added:
        plan.problems.append(
            Problem(
                NOTE,
                f"{len(added)} new {'person' if len(added) == 1 else 'people'} from job titles: "
                f"{', '.join(added)} (the mapping file's job_titles_as_people; each title kept "
                "as the person's job title)",
            )
        )
    return added
