"""Load the seed register's Board Assurance Framework (``objectives``, ``scenarios`` and
``assurance`` sections of ``seeds/*.yaml``), idempotently, inside the seed load's transaction.

Every record goes through the use cases of :mod:`bct_risk.services.assurance`; records already
present (an objective by key, a link, a scenario by name, a source by control, date and evidence)
are left as they are. An error names the file and the record.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bct_risk.domain.assurance import (
    AssuranceSource,
    RiskGroup,
    RiskObjective,
    StrategicObjective,
)
from bct_risk.domain.enums import Assurance
from bct_risk.domain.errors import DomainError, ValidationError
from bct_risk.domain.models import Control
from bct_risk.services.assurance import (
    add_assurance_source_in,
    add_objective_in,
    create_scenario_in,
    link_objective_in,
    set_control_assurance_in,
)
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_risk
from bct_risk.services.seed import read_seed_file

SECTIONS = ("objectives", "scenarios", "assurance")
"""The sections of a seed file this loader reads (the main loader reads the others)."""


def load_assurance_seeds(ctx: Context, session: Session, folder: Path) -> int:
    """Load the sections above from every ``*.yaml`` in the folder; the number of records added."""
    added = 0
    for path in sorted(folder.glob("*.yaml")):
        data = read_seed_file(path)
        for name, method in (
            ("objectives", _objective),
            ("scenarios", _scenario),
            ("assurance", _assurance),
        ):
            for index, record in enumerate(data.get(name) or []):
                label = record.get("key") or record.get("name") or record.get("risk") or index
                try:
                    added += method(ctx, session, record, index)
                except DomainError as exc:
                    raise ValidationError(f"{path.name}: {name}[{index}] ({label}): {exc}") from exc
                except KeyError as exc:
                    raise ValidationError(
                        f"{path.name}: {name}[{index}] ({label}): the field {exc} is missing"
                    ) from exc
                except (TypeError, ValueError) as exc:
                    raise ValidationError(f"{path.name}: {name}[{index}] ({label}): {exc}") from exc
    return added


def _objective(ctx: Context, session: Session, record: dict[str, Any], index: int) -> int:
    key = str(record["key"]).strip().lower()
    added = 0
    found = session.exec(select(StrategicObjective).where(StrategicObjective.key == key)).first()
    if found is None:
        found = add_objective_in(
            session, ctx, key=key, title=record["title"], theme=record.get("theme", ""),
            description=record.get("description", ""), position=index + 1,
            source=str(record.get("source", "")), illustrative=bool(record.get("illustrative")),
        )  # fmt: skip
        added += 1
    for reference in record.get("risks") or []:
        risk = find_risk(session, str(reference))
        linked = session.exec(
            select(RiskObjective).where(
                RiskObjective.risk_id == risk.id, RiskObjective.objective_id == found.id
            )
        ).first()
        if linked is None:
            link_objective_in(
                session, ctx, risk.reference, key, source=str(record.get("source", "")),
                illustrative=bool(record.get("links_illustrative", True)),
            )  # fmt: skip
            added += 1
    return added


def _scenario(ctx: Context, session: Session, record: dict[str, Any], index: int) -> int:
    name = str(record["name"]).strip()
    if session.exec(select(RiskGroup).where(func.lower(RiskGroup.name) == name.lower())).first():
        return 0
    create_scenario_in(
        session, ctx, name, narrative=record.get("narrative", ""),
        likelihood=record.get("likelihood"), impact=record.get("impact"),
        members=[str(m) for m in record.get("members") or []],
        source=str(record.get("source", "")), illustrative=bool(record.get("illustrative")),
    )  # fmt: skip
    return 1


def _assurance(ctx: Context, session: Session, record: dict[str, Any], index: int) -> int:
    risk = find_risk(session, str(record["risk"]))
    start = str(record["control"]).strip()
    controls = list(
        session.exec(
            select(Control)
            .where(Control.risk_id == risk.id)
            .where(func.lower(Control.description).startswith(start.lower()))
            .order_by(col(Control.id))
        )
    )
    if len(controls) != 1:
        many = "more than one control" if controls else "no control"
        raise ValidationError(f"{risk.reference} has {many} beginning '{start}'")
    control = controls[0]
    received = record["received_on"]
    if not isinstance(received, date):
        raise ValidationError(f"received_on must be a date (YYYY-MM-DD), not {received!r}")
    evidence = str(record["evidence"]).strip()
    present = session.exec(
        select(AssuranceSource).where(
            AssuranceSource.control_id == control.id,
            AssuranceSource.received_on == received,
            AssuranceSource.evidence == evidence,
        )
    ).first()
    if present is not None:
        return 0
    assert control.id is not None
    add_assurance_source_in(
        session, ctx, control.id, evidence=evidence, line=int(record["line"]),
        received_on=received, provider=str(record.get("provider", "")),
        positive=bool(record.get("positive", True)), reference=str(record.get("reference", "")),
        source=str(record.get("source", "")), illustrative=bool(record.get("illustrative")),
    )  # fmt: skip
    if record.get("level") and control.assurance_level is None:
        set_control_assurance_in(
            session, ctx, control.id, level=Assurance.parse(str(record["level"]))
        )
    return 1
