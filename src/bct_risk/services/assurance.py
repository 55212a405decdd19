"""Use cases of the Board Assurance Framework: assurance on controls, objectives, scenarios.

Each public use case authorizes, validates every input, writes and records an audit event
(old → new) in one transaction. The ``*_in`` forms do the same inside a caller's session, so the
seed loader runs many of them in its own single transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bct_risk.domain.assurance import (
    AssuranceSource,
    RiskGroup,
    RiskGroupMember,
    RiskObjective,
    StrategicObjective,
)
from bct_risk.domain.enums import Assurance
from bct_risk.domain.errors import ConflictError, NotFoundError, ValidationError
from bct_risk.domain.models import Control, Person, Risk
from bct_risk.domain.scoring import check_scale
from bct_risk.services import audit
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_person, find_risk
from bct_risk.services.permissions import Change, authorize
from bct_risk.services.validation import required_text

# -- lookups ---------------------------------------------------------------------------------


def find_control(session: Session, control_id: int) -> tuple[Control, Risk]:
    """A control by its number, with its risk."""
    control = session.get(Control, control_id)
    if control is None:
        raise NotFoundError(f"no control has the number {control_id}", field="control")
    risk = session.get(Risk, control.risk_id)
    assert risk is not None
    return control, risk


def find_objective(session: Session, text: str) -> StrategicObjective:
    """An objective by its key, its title, or a unique part of its title (any case)."""
    wanted = text.strip().lower()
    if not wanted:
        raise ValidationError("an objective is required", field="objective")
    objectives = list(session.exec(select(StrategicObjective)))
    for objective in objectives:
        if wanted in (objective.key.lower(), objective.title.lower()):
            return objective
    partial = [o for o in objectives if wanted in o.title.lower()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = "; ".join(o.key for o in partial)
        raise ValidationError(f"'{text.strip()}' could mean: {names}", field="objective")
    known = ", ".join(o.key for o in objectives) or "none yet"
    raise NotFoundError(
        f"no objective is called '{text.strip()}' (objectives: {known})", field="objective"
    )


def objective_choices(ctx: Context) -> list[tuple[str, str]]:
    """Each strategic objective as (title, key), in the plan's order: for a filter's choices."""
    with ctx.read() as session:
        statement = select(StrategicObjective.title, StrategicObjective.key).order_by(
            col(StrategicObjective.position), col(StrategicObjective.id)
        )
        return [(title, key) for title, key in session.exec(statement)]


def find_scenario(session: Session, name: str) -> RiskGroup:
    """A scenario by its name (any case)."""
    wanted = name.strip().lower()
    if not wanted:
        raise ValidationError("a scenario name is required", field="scenario")
    group = session.exec(select(RiskGroup).where(func.lower(RiskGroup.name) == wanted)).first()
    if group is None:
        raise NotFoundError(f"no scenario is called '{name.strip()}'", field="scenario")
    return group


# -- assurance sources -------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceFile:
    """Evidence given as a file: where it is and its SHA-256 when recorded."""

    path: str
    sha256: str


def hash_evidence(path: Path) -> EvidenceFile:
    """Read an evidence file once to take its SHA-256; the file itself is not copied."""
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise ValidationError(
            f"cannot read the evidence file {path}: {exc.strerror}", field="file"
        ) from exc
    return EvidenceFile(str(path.resolve()), digest.hexdigest())


def check_line(line: int) -> int:
    """A line of assurance: 1, 2 or 3."""
    if isinstance(line, bool) or line not in (1, 2, 3):
        raise ValidationError(
            f"the line of assurance must be 1 (management), 2 (oversight) or 3 (independent), "
            f"not {line!r}",
            field="line",
        )
    return line


def add_assurance_source(
    ctx: Context,
    control_id: int,
    *,
    evidence: str,
    line: int,
    received_on: date,
    provider: str = "",
    positive: bool = True,
    link: str = "",
    file: Path | None = None,
) -> AssuranceSource:
    """Record a source of assurance on a control (a file is hashed, a link kept as given)."""
    attached = hash_evidence(file) if file is not None else None
    if attached is not None and link.strip():
        raise ValidationError("give the evidence as a file or a link, not both", field="link")
    with ctx.transaction() as session:
        return add_assurance_source_in(
            session, ctx, control_id, evidence=evidence, line=line, received_on=received_on,
            provider=provider, positive=positive,
            reference=attached.path if attached else link.strip(),
            sha256=attached.sha256 if attached else None,
        )  # fmt: skip


def add_assurance_source_in(
    session: Session,
    ctx: Context,
    control_id: int,
    *,
    evidence: str,
    line: int,
    received_on: date,
    provider: str = "",
    positive: bool = True,
    reference: str = "",
    sha256: str | None = None,
    source: str = "",
    illustrative: bool = False,
) -> AssuranceSource:
    """:func:`add_assurance_source` inside a caller's session."""
    text = required_text(evidence, "description of the evidence")
    check_line(line)
    if received_on > ctx.today():
        raise ValidationError(
            f"assurance received on {received_on.isoformat()} is in the future", field="date"
        )
    _, risk = find_control(session, control_id)
    authorize(session, ctx, Change.ASSURANCE, risk=risk)
    item = AssuranceSource(
        control_id=control_id, evidence=text, provider=provider.strip(), received_on=received_on,
        line=line, positive=positive, reference=reference, sha256=sha256, source=source,
        illustrative=illustrative, recorded_by=ctx.actor, created_at=ctx.now(),
    )  # fmt: skip
    session.add(item)
    session.flush()
    verdict = "positive" if positive else "negative"
    audit.record(
        session, ctx, entity="assurancesource", entity_id=id_of(item), risk_id=risk.id,
        action="create",
        summary=f"Recorded {verdict} line {line} assurance on control {control_id} of "
        f"{risk.reference}: {text}",
        changes={"control_id": control_id, "evidence": text, "provider": item.provider,
                 "received_on": received_on, "line": line, "positive": positive,
                 "reference": reference, "sha256": sha256},
    )  # fmt: skip
    return item


def remove_assurance_source(ctx: Context, source_id: int) -> AssuranceSource:
    """Remove a source of assurance recorded in error (the audit trail keeps what it said)."""
    with ctx.transaction() as session:
        item = session.get(AssuranceSource, source_id)
        if item is None:
            raise NotFoundError(f"no source of assurance has the number {source_id}")
        _, risk = find_control(session, item.control_id)
        authorize(session, ctx, Change.ASSURANCE, risk=risk)
        old = {
            "control_id": item.control_id, "evidence": item.evidence, "provider": item.provider,
            "received_on": item.received_on, "line": item.line, "positive": item.positive,
            "reference": item.reference, "sha256": item.sha256,
        }  # fmt: skip
        session.delete(item)
        session.flush()
        audit.record(
            session, ctx, entity="assurancesource", entity_id=source_id, risk_id=risk.id,
            action="delete",
            summary=f"Removed assurance {source_id} from control {item.control_id} of "
            f"{risk.reference}: {item.evidence}",
            changes={name: [audit.plain(value), None] for name, value in old.items()},
        )  # fmt: skip
        return item


def set_control_assurance(
    ctx: Context,
    control_id: int,
    *,
    level: Assurance | None = None,
    clear_level: bool = False,
    key_control: bool | None = None,
) -> Control:
    """Record the assurance level of a control (or clear it), and whether it is a key control."""
    if clear_level and level is not None:
        raise ValidationError("give an assurance level or clear it, not both", field="level")
    with ctx.transaction() as session:
        return set_control_assurance_in(
            session, ctx, control_id, level=level, clear_level=clear_level, key_control=key_control
        )


def set_control_assurance_in(
    session: Session,
    ctx: Context,
    control_id: int,
    *,
    level: Assurance | None = None,
    clear_level: bool = False,
    key_control: bool | None = None,
) -> Control:
    """:func:`set_control_assurance` inside a caller's session."""
    control, risk = find_control(session, control_id)
    authorize(session, ctx, Change.ASSURANCE, risk=risk)
    before = {"assurance_level": control.assurance_level, "key_control": control.key_control}
    if level is not None or clear_level:
        control.assurance_level = level
    if key_control is not None:
        control.key_control = key_control
    after = {"assurance_level": control.assurance_level, "key_control": control.key_control}
    changed = audit.diff(before, after)
    if not changed:
        return control
    control.version += 1
    control.updated_at = ctx.now()
    session.add(control)
    session.flush()
    words = ", ".join(f"{k} {old or '–'} → {new or '–'}" for k, (old, new) in changed.items())
    audit.record(
        session, ctx, entity="control", entity_id=control_id, risk_id=risk.id, action="update",
        summary=f"Control {control_id} of {risk.reference}: {words}", changes=changed,
    )  # fmt: skip
    return control


# -- objectives --------------------------------------------------------------------------------


def add_objective_in(
    session: Session,
    ctx: Context,
    *,
    key: str,
    title: str,
    theme: str = "",
    description: str = "",
    position: int = 0,
    source: str = "",
    illustrative: bool = False,
) -> StrategicObjective:
    """Add a strategic objective inside a caller's session (the seed loader's door)."""
    name = required_text(key, "objective key").lower()
    text = required_text(title, "objective title")
    authorize(session, ctx, Change.OBJECTIVES)
    if session.exec(select(StrategicObjective).where(StrategicObjective.key == name)).first():
        raise ValidationError(f"the objective key '{name}' is already in use", field="key")
    objective = StrategicObjective(
        key=name, title=text, theme=theme.strip(), description=description.strip(),
        position=position, source=source, illustrative=illustrative, created_at=ctx.now(),
    )  # fmt: skip
    session.add(objective)
    session.flush()
    audit.record(
        session, ctx, entity="objective", entity_id=id_of(objective), action="create",
        summary=f"Added the strategic objective {text}",
        changes={"key": name, "title": text, "theme": objective.theme, "source": source},
    )  # fmt: skip
    return objective


def link_objective(ctx: Context, reference: str, objective: str, *, unlink: bool = False) -> Risk:
    """Record that a risk threatens an objective (or, with ``unlink``, that it no longer does)."""
    with ctx.transaction() as session:
        return link_objective_in(session, ctx, reference, objective, unlink=unlink)


def link_objective_in(
    session: Session,
    ctx: Context,
    reference: str,
    objective: str,
    *,
    unlink: bool = False,
    source: str = "",
    illustrative: bool = False,
) -> Risk:
    """:func:`link_objective` inside a caller's session."""
    risk = find_risk(session, reference)
    target = find_objective(session, objective)
    authorize(session, ctx, Change.OBJECTIVES)
    link = session.exec(
        select(RiskObjective).where(
            RiskObjective.risk_id == risk.id, RiskObjective.objective_id == target.id
        )
    ).first()
    if unlink:
        if link is None:
            raise ValidationError(f"{risk.reference} is not linked to {target.key}")
        session.delete(link)
        action, summary = "unlink", f"{risk.reference} no longer linked to objective {target.key}"
    else:
        if link is not None:
            raise ValidationError(f"{risk.reference} is already linked to {target.key}")
        session.add(
            RiskObjective(
                risk_id=id_of(risk), objective_id=id_of(target), source=source,
                illustrative=illustrative, created_at=ctx.now(),
            )
        )  # fmt: skip
        action, summary = "link", f"{risk.reference} threatens objective {target.key}"
    session.flush()
    audit.record(
        session, ctx, entity="risk", entity_id=id_of(risk), action=action, summary=summary,
        changes={"objective": [None, target.key] if not unlink else [target.key, None]},
    )  # fmt: skip
    return risk


# -- scenarios ---------------------------------------------------------------------------------


def _check_judgement(likelihood: int | None, impact: int | None) -> None:
    if likelihood is not None:
        check_scale("likelihood", likelihood)
    if impact is not None:
        check_scale("impact", impact)


def create_scenario(
    ctx: Context,
    name: str,
    *,
    narrative: str = "",
    likelihood: int | None = None,
    impact: int | None = None,
    members: list[str] | None = None,
) -> RiskGroup:
    """Name a group of risks that could materialise together, with a combined judgement."""
    with ctx.transaction() as session:
        return create_scenario_in(
            session, ctx, name, narrative=narrative, likelihood=likelihood, impact=impact,
            members=members or [],
        )  # fmt: skip


def create_scenario_in(
    session: Session,
    ctx: Context,
    name: str,
    *,
    narrative: str = "",
    likelihood: int | None = None,
    impact: int | None = None,
    members: list[str],
    source: str = "",
    illustrative: bool = False,
) -> RiskGroup:
    """:func:`create_scenario` inside a caller's session."""
    text = required_text(name, "scenario name")
    _check_judgement(likelihood, impact)
    authorize(session, ctx, Change.OBJECTIVES)
    taken = session.exec(
        select(RiskGroup).where(func.lower(RiskGroup.name) == text.lower())
    ).first()
    if taken is not None:
        raise ValidationError(f"a scenario is already called '{taken.name}'", field="name")
    risks = _distinct_risks(session, members)
    now = ctx.now()
    group = RiskGroup(
        name=text, narrative=narrative.strip(), likelihood=likelihood, impact=impact,
        source=source, illustrative=illustrative, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(group)
    session.flush()
    for risk in risks:
        session.add(RiskGroupMember(group_id=id_of(group), risk_id=id_of(risk), created_at=now))
    session.flush()
    audit.record(
        session, ctx, entity="scenario", entity_id=id_of(group), action="create",
        summary=f"Added the scenario {text}",
        changes={"name": text, "narrative": group.narrative, "likelihood": likelihood,
                 "impact": impact, "members": [r.reference for r in risks]},
    )  # fmt: skip
    return group


def _distinct_risks(session: Session, references: list[str]) -> list[Risk]:
    risks: list[Risk] = []
    for reference in references:
        risk = find_risk(session, reference)
        if any(r.id == risk.id for r in risks):
            raise ValidationError(f"{risk.reference} is given twice", field="members")
        risks.append(risk)
    return risks


_UNSET: Any = object()


def edit_scenario(
    ctx: Context,
    name: str,
    *,
    new_name: str | None = None,
    narrative: str | None = None,
    likelihood: int | None = _UNSET,
    impact: int | None = _UNSET,
    expected_version: int | None = None,
) -> RiskGroup:
    """Change a scenario's name, narrative or combined judgement (None clears a judgement)."""
    with ctx.transaction() as session:
        group = find_scenario(session, name)
        authorize(session, ctx, Change.OBJECTIVES)
        if expected_version is not None and group.version != expected_version:
            raise ConflictError(
                f"the scenario {group.name} was changed after you opened it "
                f"(version {group.version}, yours {expected_version}); reload it"
            )
        before = _scenario_fields(group)
        if new_name is not None:
            text = required_text(new_name, "scenario name")
            clash = session.exec(
                select(RiskGroup).where(func.lower(RiskGroup.name) == text.lower())
            ).first()
            if clash is not None and clash.id != group.id:
                raise ValidationError(f"a scenario is already called '{clash.name}'", field="name")
            group.name = text
        if narrative is not None:
            group.narrative = narrative.strip()
        new_likelihood = group.likelihood if likelihood is _UNSET else likelihood
        new_impact = group.impact if impact is _UNSET else impact
        _check_judgement(new_likelihood, new_impact)
        group.likelihood, group.impact = new_likelihood, new_impact
        changed = audit.diff(before, _scenario_fields(group))
        if not changed:
            return group
        group.version += 1
        group.updated_at = ctx.now()
        session.add(group)
        session.flush()
        audit.record(
            session, ctx, entity="scenario", entity_id=id_of(group), action="update",
            summary=f"Changed the scenario {group.name}: {', '.join(changed)}", changes=changed,
        )  # fmt: skip
        return group


def _scenario_fields(group: RiskGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "narrative": group.narrative,
        "likelihood": group.likelihood,
        "impact": group.impact,
    }


def set_scenario_member(
    ctx: Context, name: str, reference: str, *, remove: bool = False
) -> RiskGroup:
    """Add a risk to a scenario, or remove it."""
    with ctx.transaction() as session:
        group = find_scenario(session, name)
        risk = find_risk(session, reference)
        authorize(session, ctx, Change.OBJECTIVES)
        member = session.exec(
            select(RiskGroupMember).where(
                RiskGroupMember.group_id == group.id, RiskGroupMember.risk_id == risk.id
            )
        ).first()
        if remove:
            if member is None:
                raise ValidationError(f"{risk.reference} is not in the scenario {group.name}")
            session.delete(member)
            change, summary = [risk.reference, None], f"Removed {risk.reference} from {group.name}"
        else:
            if member is not None:
                raise ValidationError(f"{risk.reference} is already in the scenario {group.name}")
            session.add(
                RiskGroupMember(group_id=id_of(group), risk_id=id_of(risk), created_at=ctx.now())
            )
            change, summary = [None, risk.reference], f"Added {risk.reference} to {group.name}"
        group.version += 1
        group.updated_at = ctx.now()
        session.add(group)
        session.flush()
        audit.record(
            session, ctx, entity="scenario", entity_id=id_of(group), risk_id=risk.id,
            action="update", summary=summary, changes={"member": change},
        )  # fmt: skip
        return group


# -- people ------------------------------------------------------------------------------------


def mark_left(ctx: Context, who: str, on: date | None) -> Person:
    """Record the day a person left the Trust (None: they have not left after all)."""
    with ctx.transaction() as session:
        authorize(session, ctx, Change.PEOPLE)
        person = find_person(session, who)
        if on is not None and on > ctx.today():
            raise ValidationError(
                f"the leaving date {on.isoformat()} is in the future; record it on the day",
                field="date",
            )
        changed = audit.diff({"left_on": person.left_on}, {"left_on": on})
        if not changed:
            return person
        person.left_on = on
        session.add(person)
        session.flush()
        summary = f"{person.name} left on {on:%d %b %Y}" if on else f"{person.name} has not left"
        audit.record(
            session, ctx, entity="person", entity_id=id_of(person), action="update",
            summary=summary, changes=changed,
        )  # fmt: skip
        return person


# -- exemptions ----------------------------------------------------------------------------------


def set_exempt_reason(ctx: Context, reference: str, reason: str) -> Risk:
    """Record why an exempt (confidential) risk is left out of public papers."""
    text = required_text(reason, "reason")
    with ctx.transaction() as session:
        risk = find_risk(session, reference)
        authorize(session, ctx, Change.EDIT_RISK, risk=risk)
        if not risk.exempt:
            raise ValidationError(
                f"{risk.reference} is not exempt; make it exempt first "
                f"(bct-risk edit {risk.reference} --exempt)",
                field="reason",
            )
        changed = audit.diff({"exempt_reason": risk.exempt_reason}, {"exempt_reason": text})
        if not changed:
            return risk
        risk.exempt_reason = text
        risk.version += 1
        risk.updated_at = ctx.now()
        session.add(risk)
        session.flush()
        audit.record(
            session, ctx, entity="risk", entity_id=id_of(risk), action="update",
            summary=f"Recorded why {risk.reference} is exempt: {text}", changes=changed,
        )  # fmt: skip
        return risk
