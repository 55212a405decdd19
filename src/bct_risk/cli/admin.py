"""Commands for running a shared register: people and roles, backup and restore."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bct_risk.cli.app import (
    app,
    cells,
    console,
    done,
    err,
    fmt_date,
    parse_choice,
    print_json,
    register,
    to_date,
)
from bct_risk.domain.enums import Role
from bct_risk.domain.errors import ValidationError
from bct_risk.services import backup, people, queries

people_app = typer.Typer(help="People of the register: list, add, give a login or a role.")
app.add_typer(people_app, name="people")


@people_app.command("list")
def people_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List people with their job titles, logins and roles."""
    rows = queries.people(register(ctx))
    if as_json:
        print_json(
            [
                {"name": p.name, "job_title": p.job_title, "login": p.login, "role": p.role.value}
                for p in rows
            ]
        )
        return
    table = Table(title="People")
    for name in ("Name", "Job title", "Login", "Role"):
        table.add_column(name, overflow="fold")
    for p in rows:
        table.add_row(*cells(p.name, p.job_title, p.login or "", p.role.label))
    console.print(table)


@people_app.command("add")
def people_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The person's name.")],
    job_title: Annotated[str, typer.Option(help="Job title.")] = "",
    login: Annotated[
        str | None, typer.Option(help="Login (or --as name) that acts as them.")
    ] = None,
    role: Annotated[
        str, typer.Option(help="viewer, risk_owner, secretariat or administrator.")
    ] = "risk_owner",
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="PostgreSQL: read the login's password from stdin."),
    ] = False,
) -> None:
    """Add a person to the register (on PostgreSQL, with a server login)."""
    person = people.add_person(
        register(ctx),
        name,
        job_title=job_title,
        login=login,
        role=parse_choice(Role, role) or Role.RISK_OWNER,
        password=_password(password_stdin),
    )
    done(f"Added {person.name} ({person.role.label.lower()})")


@people_app.command("access")
def people_access(
    ctx: typer.Context,
    who: Annotated[str, typer.Argument(help="Name, key, login or job title.")],
    login: Annotated[str | None, typer.Option(help="Login ('' removes it).")] = None,
    role: Annotated[
        str | None, typer.Option(help="viewer, risk_owner, secretariat or administrator.")
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="PostgreSQL: read the login's password from stdin."),
    ] = False,
) -> None:
    """Give a person a login or a role. Once anyone has a login, roles apply to everyone."""
    person = people.set_access(
        register(ctx),
        who,
        login=login,
        role=parse_choice(Role, role),
        password=_password(password_stdin),
    )
    done(f"{person.name}: login {person.login or '–'}, {person.role.label.lower()}")


def _password(from_stdin: bool) -> str | None:
    """The password given on standard input (its first line), or None when not asked for."""
    if not from_stdin:
        return None
    import sys

    return sys.stdin.readline().rstrip("\r\n")


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="New file to write the copy to.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the file when it exists already.")
    ] = False,
) -> None:
    """Copy the SQLite register to a new file, consistently, even while the app is open.

    The copy is written under a temporary name beside the file and given its name only when
    complete, so a backup that is stopped or runs out of disk space leaves nothing under it.
    """
    target = backup.backup_register(register(ctx), path, replace=replace)
    console.print(f"Backed up to {target}", markup=False, soft_wrap=True)


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Backup file made by 'bct-risk backup'.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Replace the register without asking.")
    ] = False,
) -> None:
    """Replace the SQLite register with a backup, once the backup has passed every check.

    A dated copy of the register it replaces is kept beside it, and the restore is recorded in
    the audit trail. Administrators only, once roles are on.
    """

    def ask() -> bool:
        return typer.confirm("The backup passed every check. Replace the whole register with it?")

    restored = backup.restore_register(register(ctx), path, confirm=None if yes else ask)
    if restored is None:
        err.print("Nothing was restored.", markup=False)
        raise typer.Exit(1)
    console.print(
        f"Kept a copy of the register it replaced at {restored.replaced_copy}",
        markup=False,
        soft_wrap=True,
    )
    migrated = (
        f" (brought up from schema revision {restored.backup_revision})"
        if restored.migrated
        else ""
    )
    console.print(
        f"Restored the register from {restored.source}{migrated}; SHA-256 {restored.sha256}",
        markup=False,
        soft_wrap=True,
    )


@people_app.command("left")
def people_left(
    ctx: typer.Context,
    who: Annotated[str, typer.Argument(help="Name, key or login.")],
    on: Annotated[
        str | None, typer.Option("--on", help="The day they left (default today).")
    ] = None,
    undo: Annotated[bool, typer.Option("--undo", help="They have not left after all.")] = False,
) -> None:
    """Record the day someone left the Trust; the checks then flag what they still own."""
    from bct_risk.services import assurance

    if undo and on:
        raise ValidationError("give --on or --undo, not both")
    reg = register(ctx)
    when: date | None = None if undo else (to_date(on, "date") or reg.today())

    person = assurance.mark_left(reg, who, when)
    done(f"{person.name} left on {fmt_date(when)}" if when else f"{person.name} has not left")
