"""The closed vocabularies of the register, stored as their lower-case values."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A vocabulary whose values read as words once underscores become spaces."""

    @property
    def label(self) -> str:
        """The value as a user reads it: ``deep_dive_requested`` → ``Deep dive requested``."""
        text = self.value.replace("_", " ")
        return text[:1].upper() + text[1:]

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read a value typed by a user: any case, spaces, hyphens or underscores."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        for member in cls:
            if member.value == key:
                return member
        allowed = ", ".join(m.value for m in cls)
        name = cls.__doc__ or cls.__name__
        article = "an" if name[:1].lower() in "aeiou" else "a"
        raise ValueError(f"'{text}' is not {article} {name}; use one of: {allowed}")


class Tier(Labelled):
    """register tier"""

    OPERATIONAL = "operational"
    STRATEGIC = "strategic"
    COMMITTEE = "committee"
    BOARD = "board"

    @property
    def rank(self) -> int:
        """Height in the escalation route: operational 0 … board 3."""
        return list(Tier).index(self)


class RiskStatus(Labelled):
    """risk status"""

    OPEN = "open"
    CLOSED = "closed"


class Appetite(Labelled):
    """risk appetite (Orange Book scale)"""

    AVERSE = "averse"
    MINIMAL = "minimal"
    CAUTIOUS = "cautious"
    OPEN = "open"
    EAGER = "eager"


class Treatment(Labelled):
    """treatment"""

    TREAT = "treat"
    TOLERATE = "tolerate"
    TRANSFER = "transfer"
    TERMINATE = "terminate"


class ScoreKind(Labelled):
    """score kind"""

    INHERENT = "inherent"
    CURRENT = "current"
    TARGET = "target"


class Effectiveness(Labelled):
    """control effectiveness"""

    EFFECTIVE = "effective"
    PARTIALLY_EFFECTIVE = "partially_effective"
    INEFFECTIVE = "ineffective"
    NOT_ASSESSED = "not_assessed"


class ActionKind(Labelled):
    """action kind"""

    FURTHER_ACTION = "further_action"
    TRACKER = "tracker"


class ActionStatus(Labelled):
    """action status"""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    CANCELLED = "cancelled"

    @property
    def is_live(self) -> bool:
        """Still to be done: open or in progress."""
        return self in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ReviewOutcome(Labelled):
    """review outcome"""

    NOTED = "noted"
    CHALLENGED = "challenged"
    DEEP_DIVE_REQUESTED = "deep_dive_requested"
    ESCALATED_TO_BOARD = "escalated_to_board"
    DE_ESCALATED = "de_escalated"
    CLOSURE_AGREED = "closure_agreed"


class Assurance(Labelled):
    """assurance level"""

    SUBSTANTIAL = "substantial"
    REASONABLE = "reasonable"
    LIMITED = "limited"
    NONE = "none"


class CommitteeKind(Labelled):
    """committee kind"""

    BOARD = "board"
    BOARD_COMMITTEE = "board_committee"
    EXECUTIVE = "executive"
    COUNCIL = "council"


class EscalationDirection(Labelled):
    """escalation direction"""

    ESCALATE = "escalate"
    DE_ESCALATE = "de_escalate"


class Role(Labelled):
    """role"""

    VIEWER = "viewer"
    RISK_OWNER = "risk_owner"
    SECRETARIAT = "secretariat"
    ADMINISTRATOR = "administrator"


class Direction(StrEnum):
    """Direction of travel of the current score against the previous assessment."""

    WORSE = "▲"
    BETTER = "▼"
    UNCHANGED = "►"
    NEW = "NEW"

    @property
    def label(self) -> str:
        """The word a paper prints beside the arrow."""
        return {"▲": "worse", "▼": "better", "►": "unchanged", "NEW": "new"}[self.value]
