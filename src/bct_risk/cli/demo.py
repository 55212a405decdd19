"""``bct-risk demo-data``: fill a database with a demonstration register of a benchmark size."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from bct_risk.cli.app import app, done, err, register_unseeded
from bct_risk.services.demo import generate, size_named


@app.command("demo-data")
def demo_data_command(
    ctx: typer.Context,
    size: Annotated[
        str,
        typer.Option(
            "--size",
            help="S (1,000 risks), M (10,000 risks, 100,000 actions) or L (100,000 risks).",
        ),
    ] = "S",
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Add to a database that already holds risks.")
    ] = False,
) -> None:
    """Fill the database with a realistic demonstration register (for trying the app, and bench)."""
    chosen = size_named(size)
    started = time.perf_counter()
    reg = register_unseeded(ctx)
    report = generate(
        reg, chosen, seed=seed, force=force, progress=lambda step: err.print(f"Writing {step}…")
    )
    done(f"Demonstration register written in {time.perf_counter() - started:.1f} s: {report}")
