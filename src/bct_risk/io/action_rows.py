"""Reading an action log's rows into tracker actions: one per action, however often carried."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from bct_risk.domain.enums import ActionStatus
from bct_risk.io import values
from bct_risk.io.records import DEFAULT_COMMITTEE, ERROR, NOTE, Problem
from bct_risk.io.rows import RowReader
from bct_risk.services.bulk import TrackerIn


class ActionRowReader(RowReader):
    """Reads the rows of an action log (tracker)."""

    def read_rows(self, rows: Iterable[tuple[int, list[Any]]]) -> None:
        committee_default = self.options.register or DEFAULT_COMMITTEE
        carried: date | None = None
        carried_note = False
        merged: dict[tuple[str, str, str], TrackerIn] = {}
        latest: dict[tuple[str, str, str], date] = {}
        for number, cells in rows:
            self.row, self.cells = number, cells
            if self.skip(cells):
                continue
            self.plan.rows_read += 1
            text = self.text("action")
            if not text:
                self.problem(ERROR, "no action text", "action")
                continue
            when = self.read("meeting_date", values.parse_date_cell)
            if when is None and "meeting_date" in self.by_field and carried is not None:
                when = carried
                if not carried_note:
                    self.problem(
                        NOTE,
                        "no meeting date: the date of the row above is used "
                        "(and for later rows like it)",
                        "meeting_date",
                    )
                    carried_note = True
            if isinstance(when, str):
                self.problem(ERROR, f"the meeting date '{when}' is not a date", "meeting_date")
                continue
            if not isinstance(when, date):
                if "meeting_date" not in self.by_field:
                    self.problem(
                        ERROR,
                        "no meeting date column: an action log needs the date "
                        "of the meeting each action was raised at",
                    )
                elif not any(p.severity == ERROR and p.row == number for p in self.plan.problems):
                    self.problem(ERROR, "no meeting date", "meeting_date")
                continue
            carried = when
            committee = self.text("committee") or committee_default
            names = values.owners(self.raw("owner"))
            owner = names[0] if names else None
            if len(names) > 1:
                self.problem(
                    NOTE,
                    f"several owners ({', '.join(names)}); {owner} owns the "
                    "action, the others are named in its first update",
                    "owner",
                )
            notes: list[str] = []
            due = self.date_of("due_date", notes)
            status_text = self.text("status")
            status, recognised = values.action_status(status_text)
            update_text = self.text("update")
            key = (committee.lower(), _key(text), (owner or "").lower())
            item = merged.get(key)
            if item is None:
                reference = self.text("reference")
                source = f"{self.name} {self.plan.unit} {number}" + (
                    f" (item {reference})" if reference else ""
                )
                item = TrackerIn(
                    rows=[],
                    source=source[:300],
                    committee=committee,
                    meeting_date=when,
                    description=text,
                    agenda_item=self.text("agenda_item")[:300],
                    owner=owner,
                    risk=self.text("risk").upper() or None,
                )
                merged[key] = item
                self.plan.actions.append(item)
            else:
                self.problem(
                    NOTE,
                    f"the same action as {self.plan.unit} {item.rows[0]} "
                    "(carried forward): its status here is added as an update",
                )
            item.rows.append(number)
            item.meeting_date = min(item.meeting_date, when)
            if due is not None:
                item.due_date = due
            if key not in latest or when >= latest[key]:
                latest[key] = when
                item.status = status
                if status == ActionStatus.COMPLETE and item.completed_on is None:
                    item.completed_on = when
                elif status != ActionStatus.COMPLETE:
                    item.completed_on = None
            extra = [f"Other owners: {', '.join(names[1:])}"] if len(names) > 1 else []
            said = [f"Status: {status_text}" if status_text else "", update_text, *notes, *extra]
            said = [s for s in said if s]
            if said:
                item.updates.append((when, " ".join(said)))
            if status_text and not recognised:
                self.problem(
                    NOTE,
                    f"status '{status_text[:60]}' read as {status.label.lower()}; "
                    "the words are kept as an update",
                    "status",
                )
        for item in self.plan.actions:
            item.updates.sort(key=lambda u: u[0])
            if item.due_date is not None and item.due_date < item.meeting_date:
                self.plan.problems.append(
                    Problem(
                        ERROR,
                        f"due date {item.due_date.isoformat()} is before the meeting of "
                        f"{item.meeting_date.isoformat()} that raised the action",
                        item.rows[0],
                        self.by_field["due_date"].header,
                        self.plan.unit,
                    )
                )


def _key(text: str) -> str:
    """Action text compared without case, spacing or closing punctuation."""
    return re.sub(r"[\s.]+$", "", " ".join(text.lower().split()))
