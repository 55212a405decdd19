"""The catalogue of data-quality checks and how a matrix file's ``[checks]`` table tunes them.

Each check has a name (used in the matrix file and in ``bct-risk check --json``), a title, what a
user does to fix a finding, and its thresholds with their defaults. A matrix file may switch a
check off, change a threshold or mark it blocking (``bct-risk check`` then exits non-zero when it
finds anything); none blocks by default::

    [checks.review_overdue]
    grace_days = 14
    blocking = true

    [checks.exempt_without_reason]
    enabled = false
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CheckInfo:
    """One check of the catalogue."""

    name: str
    title: str
    fix: str
    """What to do about a finding, in general (each finding adds its own specifics)."""
    thresholds: Mapping[str, int] = field(default_factory=dict)
    """Threshold name → default."""


CATALOGUE: tuple[CheckInfo, ...] = (
    CheckInfo(
        "current_worse_than_inherent",
        "Current score worse than inherent without a reason",
        "explain in the rescoring rationale why the controls leave the risk worse than "
        "untreated, or correct the inherent score",
        {"min_reason_chars": 20},
    ),
    CheckInfo(
        "target_worse_than_current",
        "Target score worse than current",
        "set a target at or below the current score (bct-risk score --target-…)",
    ),
    CheckInfo(
        "target_date_passed",
        "Target date passed with the gap still open",
        "rescore the risk, or set a new target date with the further actions to reach it",
        {"grace_days": 0},
    ),
    CheckInfo(
        "above_appetite_without_action",
        "Above appetite with no open further action",
        "add a further action that brings the risk within appetite, or record the decision "
        "to tolerate it",
    ),
    CheckInfo(
        "review_overdue",
        "Review overdue",
        "review and rescore the risk, which sets its next review date",
        {"grace_days": 0},
    ),
    CheckInfo(
        "score_unchanged_while_indicators_moved",
        "Score unchanged over several reviews while its indicators moved",
        "look again at the score in the light of its indicators, or record why it stands",
        {"reviews": 4},
    ),
    CheckInfo(
        "owner_missing_or_left",
        "No risk owner, or an owner who has left",
        "give the risk a current risk owner (bct-risk edit REF --owner …)",
    ),
    CheckInfo(
        "control_assurance_missing_or_old",
        "Key control with no assurance, or assurance out of date",
        "record a source of assurance on the control (bct-risk assurance add CONTROL …)",
        {"days": 365},
    ),
    CheckInfo(
        "action_overdue_or_unowned",
        "Further action overdue or with no owner",
        "update the action with a new due date or complete it; give it an owner",
        {"grace_days": 0},
    ),
    CheckInfo(
        "closed_with_open_actions",
        "Closed risk with open actions",
        "complete or cancel the actions, or reopen the risk",
    ),
    CheckInfo(
        "exempt_without_reason",
        "Exempt risk with no reason recorded",
        "record why the risk is left out of public papers (bct-risk exempt REF --reason …)",
    ),
)
"""Every check, in the order reports list them."""

BY_NAME = {c.name: c for c in CATALOGUE}


@dataclass(frozen=True)
class CheckSetting:
    """How the matrix file sets one check: on or off, blocking, and its thresholds."""

    enabled: bool = True
    blocking: bool = False
    thresholds: Mapping[str, int] = field(default_factory=dict)

    def threshold(self, info: CheckInfo, name: str) -> int:
        """A threshold as set, else its default."""
        return self.thresholds.get(name, info.thresholds[name])


def parse_checks(value: object, problems: list[str]) -> dict[str, CheckSetting]:
    """The ``[checks]`` table of a matrix file; each wrong value is added to ``problems``."""
    if value is None:
        return {}
    names = ", ".join(BY_NAME)
    if not isinstance(value, dict):
        problems.append(f"checks: give [checks.NAME] tables, one for each of: {names}")
        return {}
    settings: dict[str, CheckSetting] = {}
    for name, table in value.items():
        where = f"checks.{name}"
        info = BY_NAME.get(name)
        if info is None:
            problems.append(f"{where}: not a check; use one of: {names}")
            continue
        if not isinstance(table, dict):
            problems.append(f"{where}: give a table ([{where}]), not {table!r}")
            continue
        flags: dict[str, bool] = {}
        thresholds: dict[str, int] = {}
        for key, given in table.items():
            if key in ("enabled", "blocking"):
                if isinstance(given, bool):
                    flags[key] = given
                else:
                    problems.append(f"{where}.{key}: give true or false, not {given!r}")
            elif key in info.thresholds:
                if isinstance(given, int) and not isinstance(given, bool) and given >= 0:
                    thresholds[key] = given
                else:
                    problems.append(
                        f"{where}.{key}: give a whole number of 0 or more, not {given!r}"
                    )
            else:
                known = ", ".join(["enabled", "blocking", *info.thresholds])
                problems.append(f"{where}.{key}: not a setting of this check; use {known}")
        settings[name] = CheckSetting(
            flags.get("enabled", True), flags.get("blocking", False), thresholds
        )
    return settings
