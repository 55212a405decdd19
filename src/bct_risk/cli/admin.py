"""Commands for running a shared register: people and roles, backup and restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bct_risk.cli.app import app, console, done, parse_choice, print_json, register
from bct_risk.domain.enums import Role
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
        table.add_row(p.name, p.job_title, p.login or "", p.role.label)
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
) -> None:
    """Add a person to the register."""
    person = people.add_person(
        register(ctx),
        name,
        job_title=job_title,
        login=login,
        role=parse_choice(Role, role) or Role.RISK_OWNER,
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
) -> None:
    """Give a person a login or a role. Once anyone has a login, roles apply to everyone."""
    person = people.set_access(register(ctx), who, login=login, role=parse_choice(Role, role))
    done(f"{person.name}: login {person.login or '–'}, {person.role.label.lower()}")


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="New file to write the copy to.")],
) -> None:
    """Copy the SQLite register to a new file, consistently, even while the app is open."""
    target = backup.backup_register(register(ctx), path)
    done(f"Backed up to {target}")


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Backup file made by 'bct-risk backup'.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Replace the register without asking.")
    ] = False,
) -> None:
    """Replace the SQLite register with a backup (the backup is checked first)."""
    if not yes and not typer.confirm("Replace the whole register with this backup?"):
        raise typer.Exit(1)
    backup.restore_register(register(ctx), path)
    done(f"Restored the register from {path}")
