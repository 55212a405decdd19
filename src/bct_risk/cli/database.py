"""Commands that set up the database: create or upgrade the schema, load the seed register."""

from __future__ import annotations

from typing import Annotated

import typer

from bct_risk.cli.app import app, done, register_unseeded
from bct_risk.services.seed import load_seeds
from bct_risk.storage import migrate


@app.command("init")
def init_command(
    ctx: typer.Context,
    seed: Annotated[
        bool, typer.Option("--seed/--no-seed", help="Load the seed register too.")
    ] = True,
) -> None:
    """Create the database (or bring it to the newest schema) and load the seed register."""
    reg = register_unseeded(ctx)
    message = f"Database ready at revision {migrate.current_revision(reg.engine)}"
    if seed:
        message += f"; seed register: {load_seeds(reg)}"
    done(message)


@app.command("upgrade")
def upgrade_command(ctx: typer.Context) -> None:
    """Bring the database to the newest schema (Alembic migrations)."""
    reg = register_unseeded(ctx)
    done(f"Database at revision {migrate.current_revision(reg.engine)}")


@app.command("seed")
def seed_command(ctx: typer.Context) -> None:
    """Load the seed register from seeds/ (records already present are left alone)."""
    report = load_seeds(register_unseeded(ctx))
    done(f"Seed register: {report}")
