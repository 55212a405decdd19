"""Demonstration registers of any size, for trying the app and for the benchmarks.

A strategic register has a dozen risks; the same tool also holds every directorate's operational
register, years of assessments and every meeting's actions. :func:`generate` fills a register
with a realistic one of that scale: risks with titles, causes and effects in the Trust's own
vocabulary, risk owners, lead committees, tiers, appetites, score histories, controls, further
actions and action-tracker items, updates, meetings and committee reviews.

The same seed and the same "today" always give the same register, so benchmark figures can be
compared between runs. Rows are written with SQLAlchemy Core, many rows per ``executemany``
statement, in one transaction: 1,000,000 actions take seconds, where one ORM object per row
would take many minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

import bct_risk.domain.models  # noqa: F401  (defines the tables in SQLModel.metadata)
from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    Appetite,
    Assurance,
    CommitteeKind,
    Effectiveness,
    ReviewOutcome,
    RiskStatus,
    Role,
    ScoreKind,
    Tier,
    Treatment,
)
from bct_risk.domain.errors import ConflictError, ValidationError
from bct_risk.services import audit_chain
from bct_risk.services.context import Context
from bct_risk.services.latest import refresh_latest_scores
from bct_risk.services.permissions import Change, authorize

RISK = SQLModel.metadata.tables["risk"]
ASSESSMENT = SQLModel.metadata.tables["assessment"]
CONTROL = SQLModel.metadata.tables["control"]
ACTION = SQLModel.metadata.tables["action"]
ACTIONUPDATE = SQLModel.metadata.tables["actionupdate"]
COMMITTEEREVIEW = SQLModel.metadata.tables["committeereview"]
AUDITEVENT = SQLModel.metadata.tables["auditevent"]
PERSON = SQLModel.metadata.tables["person"]
COMMITTEE = SQLModel.metadata.tables["committee"]
MEETING = SQLModel.metadata.tables["meeting"]

CHUNK = 20_000
"""Rows per executemany: large enough to be fast, small enough to keep memory flat at size L."""

DEMO_SOURCE = "demo-data"
"""The ``source`` of every generated record, so demonstration data is never mistaken for real."""


@dataclass(frozen=True)
class DemoSize:
    """How many of each record a demonstration register holds."""

    risks: int
    actions: int
    assessments: int
    reviews: int

    def __post_init__(self) -> None:
        if self.risks < 1:
            raise ValidationError("a demonstration register needs at least one risk", field="size")
        if min(self.actions, self.reviews) < 0:
            raise ValidationError("counts of actions and reviews cannot be negative", field="size")
        if self.assessments < 3 * self.risks:
            raise ValidationError(
                "give at least three assessments per risk (inherent, current and target)",
                field="size",
            )


SIZES: dict[str, DemoSize] = {
    "S": DemoSize(risks=1_000, actions=10_000, assessments=5_000, reviews=100),
    "M": DemoSize(risks=10_000, actions=100_000, assessments=50_000, reviews=1_000),
    "L": DemoSize(risks=100_000, actions=1_000_000, assessments=500_000, reviews=10_000),
}
"""The benchmark sizes: S for CI, M for the budgets, L to show the register still opens."""


def size_named(name: str) -> DemoSize:
    """One of the named sizes (S, M or L, any case)."""
    try:
        return SIZES[name.strip().upper()]
    except KeyError:
        raise ValidationError(
            f"'{name}' is not a size; use one of: {', '.join(SIZES)}", field="size"
        ) from None


@dataclass(frozen=True)
class DemoReport:
    """What :func:`generate` wrote."""

    people: int
    committees: int
    meetings: int
    risks: int
    assessments: int
    controls: int
    actions: int
    updates: int
    reviews: int

    def __str__(self) -> str:
        return (
            f"{self.risks:,} risks, {self.assessments:,} assessments, {self.controls:,} controls, "
            f"{self.actions:,} actions with {self.updates:,} updates, {self.reviews:,} reviews "
            f"at {self.meetings:,} meetings; {self.people:,} people and {self.committees:,} "
            "committees added"
        )


# -- the vocabulary the generated register is written in ------------------------------------

DIRECTORATES: tuple[tuple[str, str, str], ...] = (
    ("HP", "Help and Protection", "Director of Help and Protection"),
    ("CP", "Corporate Parenting", "Director of Corporate Parenting"),
    ("EH", "Early Help", "Head of Early Help"),
    ("FOS", "Fostering", "Head of Fostering"),
    ("ADO", "Adoption and Permanence", "Head of Permanence"),
    ("RES", "Residential Care", "Head of Residential Services"),
    ("CWD", "Children with Disabilities", "Head of Disabled Children's Services"),
    ("YJ", "Youth Justice", "Head of Youth Justice"),
    ("FIN", "Finance", "Director of Finance and Resources"),
    ("HR", "People and Workforce", "Director of People"),
    ("ICT", "Digital and Technology", "Head of Digital and Technology"),
    ("COM", "Commissioning", "Head of Commissioning"),
    ("QA", "Quality Assurance", "Director of Practice"),
)
"""Code, name and senior role of each directorate or service holding a register."""

CATEGORIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Safeguarding": (
        (
            "Delays in completing child protection enquiries in {area}",
            "Missed escalation of neglect concerns in {area}",
            "Children at risk of exploitation not identified early in {area}",
            "Inconsistent strategy discussions with police partners in {area}",
        ),
        ("rising referral volumes", "high caseloads", "gaps in multi-agency information sharing"),
        ("a child suffers avoidable harm", "a serious case review", "criticism at inspection"),
    ),
    "Placements": (
        (
            "Insufficient local foster placements for children in care in {area}",
            "Reliance on unregistered placements in {area}",
            "Placement breakdowns for teenagers in {area}",
            "Cost of external residential placements in {area}",
        ),
        ("a shrinking pool of carers", "market shortages", "complex needs rising"),
        ("children placed far from home", "overspend on placements", "poorer outcomes"),
    ),
    "Workforce": (
        (
            "Recruitment and retention of qualified social workers in {area}",
            "Reliance on agency staff in {area}",
            "Manager vacancies in {area}",
            "Newly qualified social workers without protected caseloads in {area}",
        ),
        ("national shortage of social workers", "pay competition", "sickness absence"),
        ("unallocated cases", "overspend on agency staff", "loss of practice quality"),
    ),
    "Finance": (
        (
            "Contract sum insufficient for demand in {area}",
            "Savings plan not delivered in {area}",
            "Unfunded cost pressures in {area}",
            "Late agreement of the annual contract variation for {area}",
        ),
        ("demand growth", "inflation in provider fees", "delayed Council decisions"),
        ("an overspend against the contract sum", "reserves used", "services reduced"),
    ),
    "Quality of practice": (
        (
            "Quality of assessments below the practice standard in {area}",
            "Care plans for children in care not reviewed on time in {area}",
            "Pathway plans for care leavers out of date in {area}",
            "Audit findings not acted on in {area}",
        ),
        ("workload pressures", "turnover of staff", "weak management oversight"),
        ("drift in children's plans", "a lower Ofsted judgement", "complaints upheld"),
    ),
    "Information governance": (
        (
            "Personal data sent to the wrong recipient in {area}",
            "Subject access requests answered late in {area}",
            "Case records incomplete in {area}",
        ),
        ("manual processes", "high volumes", "training not completed"),
        ("a reportable data breach", "an ICO fine", "loss of families' trust"),
    ),
    "Technology": (
        (
            "Case management system outage affecting {area}",
            "Cyber attack disrupting {area}",
            "Delays in the replacement of the case recording system for {area}",
        ),
        ("ageing infrastructure", "phishing", "supplier capacity"),
        ("workers unable to record visits", "data loss", "services disrupted"),
    ),
    "Partnerships": (
        (
            "Health partners unable to meet statutory timescales in {area}",
            "Education partners not attending child protection conferences in {area}",
            "Council decisions delayed affecting {area}",
        ),
        ("partner capacity", "competing priorities", "unclear escalation routes"),
        ("children's needs not met", "duplicated work", "statutory duties missed"),
    ),
    "Health and safety": (
        (
            "Lone working risks for staff visiting families in {area}",
            "Fire safety compliance in children's homes in {area}",
            "Violence and aggression towards staff in {area}",
        ),
        ("out of hours visits", "building condition", "volatile situations"),
        ("injury to staff", "enforcement action", "homes closed"),
    ),
    "Legal and regulatory": (
        (
            "Court timescales missed for care proceedings in {area}",
            "Regulation 44 visit findings not addressed in {area}",
            "Judicial review of decisions in {area}",
        ),
        ("late evidence", "pressure on legal services", "changing case law"),
        ("criticism by the court", "costs awarded", "registration conditions imposed"),
    ),
}
"""Per category: title templates, causes and effects."""

FIRST_NAMES = (
    "Aisha", "Amir", "Anna", "Ben", "Bushra", "Chloe", "Daniel", "Deborah", "Emma", "Farah",
    "Gareth", "Grace", "Hannah", "Imran", "Jade", "James", "Jasvinder", "Kate", "Kwame", "Laura",
    "Mark", "Marcia", "Mohammed", "Nadia", "Natalie", "Olu", "Paul", "Priya", "Rachel", "Rizwan",
    "Sarah", "Sean", "Sophie", "Tariq", "Tom", "Usha", "Victoria", "Wayne", "Yasmin", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Ahmed", "Akhtar", "Bailey", "Begum", "Bennett", "Campbell", "Clarke", "Davies", "Edwards",
    "Evans", "Francis", "Green", "Hall", "Hussain", "Iqbal", "Jackson", "James", "Johal", "Khan",
    "Kaur", "Lewis", "Mahmood", "Mensah", "Morris", "Murphy", "Nelson", "O'Connor", "Patel",
    "Phillips", "Rahman", "Roberts", "Singh", "Smith", "Taylor", "Thompson", "Walker", "Ward",
    "Williams", "Wilson", "Wright",
)  # fmt: skip
ROLES = ("Head of Service", "Service Manager", "Team Manager", "Practice Lead", "Business Partner")

COMMITTEES: tuple[tuple[str, str, str, CommitteeKind], ...] = (
    ("board", "Trust Board", "Board", CommitteeKind.BOARD),
    ("fr", "Finance and Resources Committee", "Finance and Resources",
     CommitteeKind.BOARD_COMMITTEE),
    (
        "pqa",
        "Performance and Quality Assurance Committee",
        "Performance and Quality Assurance",
        CommitteeKind.BOARD_COMMITTEE,
    ),
    ("workforce", "Workforce Committee", "Workforce", CommitteeKind.BOARD_COMMITTEE),
    ("exec", "Trust Executive", "Executive", CommitteeKind.EXECUTIVE),
    ("demo-dmt-hp", "Help and Protection Leadership Team", "Help and Protection LT",
     CommitteeKind.EXECUTIVE),
    ("demo-dmt-cp", "Corporate Parenting Leadership Team", "Corporate Parenting LT",
     CommitteeKind.EXECUTIVE),
    ("demo-dmt-res", "Resources Leadership Team", "Resources LT", CommitteeKind.EXECUTIVE),
)  # fmt: skip
"""Lead committees: the seed register's Board committees (reused when present) and three
directorate leadership teams that hold the operational registers."""

CATEGORY_COMMITTEE = {
    "Safeguarding": "pqa",
    "Placements": "fr",
    "Workforce": "workforce",
    "Finance": "fr",
    "Quality of practice": "pqa",
    "Information governance": "exec",
    "Technology": "exec",
    "Partnerships": "board",
    "Health and safety": "workforce",
    "Legal and regulatory": "pqa",
}
"""Where a risk of each category goes when it is escalated above its directorate."""

DIRECTORATE_TEAM = {
    "HP": "demo-dmt-hp", "EH": "demo-dmt-hp", "YJ": "demo-dmt-hp", "QA": "demo-dmt-hp",
    "CP": "demo-dmt-cp", "FOS": "demo-dmt-cp", "ADO": "demo-dmt-cp", "RES": "demo-dmt-cp",
    "CWD": "demo-dmt-cp", "FIN": "demo-dmt-res", "HR": "demo-dmt-res", "ICT": "demo-dmt-res",
    "COM": "demo-dmt-res",
}  # fmt: skip
"""The leadership team that holds each directorate's operational register."""

ACTION_TEXTS = (
    "Review caseload allocation and report to the leadership team",
    "Complete a deep dive audit of {n} cases and share findings",
    "Agree a recovery plan with the service manager",
    "Recruit to vacant posts and report progress monthly",
    "Refresh the practice guidance and brief all teams",
    "Present an update on performance to the next meeting",
    "Commission additional capacity from the framework",
    "Agree escalation protocol with partner agencies",
    "Deliver refresher training to {n} staff",
    "Produce a costed options paper for the Finance and Resources Committee",
)
CONTROL_TEXTS = (
    "Weekly performance clinic chaired by the head of service",
    "Monthly audit of practice against the practice standard",
    "Scheme of delegation and budget monitoring",
    "Multi-agency escalation protocol",
    "Supervision policy with recorded management oversight",
    "Placement sufficiency strategy and commissioning framework",
    "Information governance training and data breach procedure",
    "Business continuity plan tested annually",
)
UPDATE_TEXTS = (
    "On track; first milestone met.",
    "Delayed by staff absence; revised date agreed.",
    "Paper drafted and with the director for comment.",
    "Partners have agreed the approach; implementation under way.",
    "Complete for two of three teams.",
)

# Weights for the vocabularies: most risks are operational, open, scored in the middle bands.
TIERS = (Tier.OPERATIONAL, Tier.COMMITTEE, Tier.STRATEGIC, Tier.BOARD)
TIER_WEIGHTS = (85, 9, 5, 1)
APPETITES = (None, *Appetite)
APPETITE_WEIGHTS = (10, 25, 25, 25, 10, 5)
ACTION_STATUSES = tuple(ActionStatus)
ACTION_STATUS_WEIGHTS = (30, 35, 30, 5)


# -- generation -----------------------------------------------------------------------------


def generate(
    ctx: Context,
    size: DemoSize,
    *,
    seed: int = 1,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DemoReport:
    """Fill the register with a demonstration register of ``size``, in one transaction.

    Refuses (ConflictError) a register that already holds risks unless ``force``: the
    demonstration risks would be mixed with real ones. With the same seed and the same
    ``ctx.today()`` the same register results.
    """
    say = progress or (lambda _text: None)
    with ctx.engine.begin() as conn:
        with Session(bind=conn) as session:
            authorize(session, ctx, Change.IMPORT)  # a viewer may not add demonstration data
        existing = conn.execute(sa.select(sa.func.count()).select_from(RISK)).scalar_one()
        if existing and not force:
            raise ConflictError(
                f"the register already holds {existing:,} risks; demonstration data would be "
                "mixed with them (use --force to add it anyway)"
            )
        return _Generator(conn, ctx, size, random.Random(seed), say).run()


class _Generator:
    """Builds and writes the rows of one demonstration register."""

    def __init__(
        self,
        conn: Connection,
        ctx: Context,
        size: DemoSize,
        rng: random.Random,
        say: Callable[[str], None],
    ) -> None:
        self.conn = conn
        self.size = size
        self.rng = rng
        self.say = say
        self.today = ctx.today()
        self.now = ctx.now()
        self.actor = ctx.actor
        self.people_added = 0
        self.committees_added = 0

    def _next_id(self, table: Any) -> int:
        return int(self.conn.execute(sa.select(sa.func.max(table.c.id))).scalar_one() or 0) + 1

    def _insert(self, table: Any, rows: Iterator[dict[str, Any]]) -> int:
        count = 0
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                self.conn.execute(table.insert(), chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            self.conn.execute(table.insert(), chunk)
            count += len(chunk)
        return count

    def _sync_sequence(self, table: str) -> None:
        # Ids were given explicitly (updates and actions refer to them before they exist), so
        # on PostgreSQL the table's sequence must catch up for rows added later.
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
            )

    def run(self) -> DemoReport:
        people = self._people()
        committees = self._committees()
        meetings = self._meetings(committees)
        self.say("risks")
        risks = self._risks(people, committees)
        self.say("assessments")
        assessments = self._insert(ASSESSMENT, self._assessments(risks))
        refresh_latest_scores(self.conn)
        self.say("controls")
        controls = self._insert(CONTROL, self._controls(risks))
        self.say("actions")
        first_action = self._next_id(ACTION)
        actions = self._insert(ACTION, self._actions(first_action, risks, people, meetings))
        self._sync_sequence("action")
        self.say("action updates")
        updates = self._insert(ACTIONUPDATE, self._updates(first_action, first_action + actions))
        self.say("committee reviews")
        reviews = self._insert(COMMITTEEREVIEW, self._reviews(risks, meetings))
        self._insert(AUDITEVENT, self._audit(risks))
        self._sync_sequence("auditevent")
        return DemoReport(
            people=self.people_added,
            committees=self.committees_added,
            meetings=len(meetings),
            risks=len(risks),
            assessments=assessments,
            controls=controls,
            actions=actions,
            updates=updates,
            reviews=reviews,
        )

    # -- people, committees, meetings -----------------------------------------------------------

    def _people(self) -> list[tuple[int, str]]:
        """About one risk owner per 30 risks (at least 40): heads of service, managers, leads."""
        table = PERSON
        wanted = max(40, min(3_000, self.size.risks // 30))
        keys = [f"demo-{n:04d}" for n in range(wanted)]
        have = {
            k for (k,) in self.conn.execute(sa.select(table.c.key).where(table.c.key.in_(keys)))
        }
        rows = []
        for n, key in enumerate(keys):
            first = FIRST_NAMES[n % len(FIRST_NAMES)]
            last = SURNAMES[(n * 7 + n // len(FIRST_NAMES)) % len(SURNAMES)]
            _code, service, _senior = DIRECTORATES[n % len(DIRECTORATES)]
            role = ROLES[(n // len(DIRECTORATES)) % len(ROLES)]
            if key not in have:
                rows.append(
                    {
                        "key": key,
                        "name": f"{first} {last}",
                        "job_title": f"{role}, {service}",
                        "role": Role.RISK_OWNER.value,
                        "source": DEMO_SOURCE,
                        "illustrative": True,
                        "created_at": self.now,
                    }
                )
        if rows:
            self.conn.execute(table.insert(), rows)
        self.people_added = len(rows)
        found = self.conn.execute(
            sa.select(table.c.id, table.c.key).where(table.c.key.in_(keys)).order_by(table.c.key)
        ).all()
        return [(pid, key) for pid, key in found]

    def _committees(self) -> dict[str, int]:
        """Lead committees by key: existing ones (found by key or name) reused, others added."""
        table = COMMITTEE
        ids: dict[str, int] = {}
        for key, name, short, kind in COMMITTEES:
            found = self.conn.execute(
                sa.select(table.c.id).where(sa.or_(table.c.key == key, table.c.name == name))
            ).first()
            if found is None:
                found_id = self.conn.execute(
                    table.insert().values(
                        key=key,
                        name=name,
                        short_name=short,
                        kind=kind.value,
                        source=DEMO_SOURCE,
                        created_at=self.now,
                    )
                ).inserted_primary_key
                assert found_id is not None
                ids[key] = int(found_id[0])
                self.committees_added += 1
            else:
                ids[key] = int(found[0])
        return ids

    def _meetings(self, committees: dict[str, int]) -> list[tuple[int, int, date]]:
        """Quarterly meetings of every committee over four years up to a year ahead."""
        table = MEETING
        first_year = self.today.year - 3
        wanted = [
            (cid, date(year, month, 10 + (cid % 10)))
            for cid in sorted(committees.values())
            for year in range(first_year, self.today.year + 2)
            for month in (3, 6, 9, 12)
        ]
        have = {
            (cid, day): mid
            for mid, cid, day in self.conn.execute(
                sa.select(table.c.id, table.c.committee_id, table.c.meeting_date).where(
                    table.c.committee_id.in_(list(committees.values()))
                )
            )
        }
        new = [
            {
                "committee_id": cid,
                "meeting_date": day,
                "title": "Quarterly meeting",
                "source": DEMO_SOURCE,
                "illustrative": True,
                "created_at": self.now,
            }
            for cid, day in wanted
            if (cid, day) not in have
        ]
        if new:
            self.conn.execute(table.insert(), new)
        found = self.conn.execute(
            sa.select(table.c.id, table.c.committee_id, table.c.meeting_date).where(
                table.c.committee_id.in_(list(committees.values()))
            )
        ).all()
        return sorted((mid, cid, day) for mid, cid, day in found)

    # -- risks ----------------------------------------------------------------------------------

    def _risks(self, people: list[tuple[int, str]], committees: dict[str, int]) -> list[_RiskSeed]:
        rng = self.rng
        first = self._next_id(RISK)
        categories = list(CATEGORIES)
        seeds: list[_RiskSeed] = []

        def rows() -> Iterator[dict[str, Any]]:
            for n in range(self.size.risks):
                rid = first + n
                code, service, _senior = DIRECTORATES[rng.randrange(len(DIRECTORATES))]
                category = categories[rng.randrange(len(categories))]
                titles, causes, effects = CATEGORIES[category]
                tier = rng.choices(TIERS, TIER_WEIGHTS)[0]
                committee_key = (
                    DIRECTORATE_TEAM[code]
                    if tier is Tier.OPERATIONAL
                    else ("board" if tier is Tier.BOARD else CATEGORY_COMMITTEE[category])
                )
                closed = rng.random() < 0.12
                created = self.today - timedelta(days=rng.randrange(60, 1_400))
                appetite = rng.choices(APPETITES, APPETITE_WEIGHTS)[0]
                owner_id = people[rng.randrange(len(people))][0]
                cause, effect = rng.choice(causes), rng.choice(effects)
                seeds.append(_RiskSeed(rid, owner_id, committees[committee_key], created, closed))
                yield {
                    "id": rid,
                    "reference": f"{code}{rid}",
                    "title": rng.choice(titles).format(area=service),
                    "description": f"There is a risk that {cause} in {service} means {effect}.",
                    "cause": cause[:1].upper() + cause[1:] + ".",
                    "effect": effect[:1].upper() + effect[1:] + ".",
                    "category": category,
                    "tier": tier.value,
                    "appetite": appetite.value if appetite else None,
                    "treatment": rng.choices(tuple(Treatment), (80, 15, 4, 1))[0].value,
                    "target_date": self.today + timedelta(days=rng.randrange(30, 900)),
                    "review_frequency_days": None,
                    "next_review_date": self.today + timedelta(days=rng.randrange(-90, 120)),
                    "exempt": rng.random() < 0.03,
                    "source": DEMO_SOURCE,
                    "owner_id": owner_id,
                    "lead_committee_id": committees[committee_key],
                    "status": (RiskStatus.CLOSED if closed else RiskStatus.OPEN).value,
                    "closed_reason": "Target score reached and sustained" if closed else None,
                    "closed_on": self.today - timedelta(days=rng.randrange(1, 50))
                    if closed
                    else None,
                    "illustrative": ["all"],
                    "version": 1,
                    "created_at": datetime.combine(created, self.now.timetz()),
                    "updated_at": self.now,
                }

        self._insert(RISK, rows())
        self._sync_sequence("risk")
        return seeds

    def _assessments(self, risks: Sequence[_RiskSeed]) -> Iterator[dict[str, Any]]:
        """Inherent, target and current scores for every risk; the rest are earlier currents."""
        rng = self.rng
        extra = self.size.assessments - 3 * len(risks)
        per_risk, remainder = divmod(extra, len(risks))
        for index, risk in enumerate(risks):
            il, ii = rng.randint(2, 5), rng.randint(2, 5)
            tl, ti = rng.randint(1, max(1, il - 1)), rng.randint(1, ii)
            history = per_risk + (1 if index < remainder else 0)
            span = max(1, (self.today - risk.created).days)
            days = sorted(rng.randrange(0, span) for _ in range(history + 1))
            base = {"risk_id": risk.id, "assessed_by": self.actor, "illustrative": True}
            yield self._score(base, ScoreKind.INHERENT, il, ii, risk.created, "Initial assessment")
            yield self._score(base, ScoreKind.TARGET, tl, ti, risk.created, "Target agreed")
            cl, ci = il, ii
            for step, offset in enumerate(days):
                # Scores drift towards the target as controls take hold, sometimes back up.
                cl = max(1, min(5, cl + rng.choice((-1, 0, 0, 1)) - (step == 0)))
                ci = max(1, min(5, ci + rng.choice((-1, 0, 0, 0, 1))))
                rationale = rng.choice(
                    (
                        "Controls embedding; likelihood reduced",
                        "Demand rising; no change in controls",
                        "Audit findings show partial assurance",
                        "Reviewed at committee; score confirmed",
                    )
                )
                on = risk.created + timedelta(days=offset)
                yield self._score(base, ScoreKind.CURRENT, cl, ci, on, rationale)

    def _score(
        self, base: dict[str, Any], kind: ScoreKind, lk: int, im: int, on: date, why: str
    ) -> dict[str, Any]:
        return {
            **base,
            "kind": kind.value,
            "likelihood": lk,
            "impact": im,
            "score": lk * im,
            "assessed_on": on,
            "rationale": why,
            "meeting_id": None,
            "created_at": self.now,
        }

    def _controls(self, risks: Sequence[_RiskSeed]) -> Iterator[dict[str, Any]]:
        """Two controls per risk, with their effectiveness and line of assurance."""
        rng = self.rng
        for risk in risks:
            for _ in range(2):
                yield {
                    "risk_id": risk.id,
                    "description": rng.choice(CONTROL_TEXTS),
                    "owner_id": risk.owner_id,
                    "effectiveness": rng.choice(tuple(Effectiveness)).value,
                    "assurance_line": rng.randint(1, 3),
                    "source": DEMO_SOURCE,
                    "illustrative": True,
                    "version": 1,
                    "created_at": self.now,
                    "updated_at": self.now,
                }

    def _actions(
        self,
        first: int,
        risks: Sequence[_RiskSeed],
        people: list[tuple[int, str]],
        meetings: list[tuple[int, int, date]],
    ) -> Iterator[dict[str, Any]]:
        """Further actions on risks (about 70%) and action-tracker items raised at meetings."""
        rng = self.rng
        past = [m for m in meetings if m[2] <= self.today] or meetings
        for n in range(self.size.actions):
            risk = risks[n % len(risks)] if n < len(risks) else risks[rng.randrange(len(risks))]
            tracker = rng.random() < 0.3
            meeting = past[rng.randrange(len(past))] if tracker else None
            raised = meeting[2] if meeting else self.today - timedelta(days=rng.randrange(1, 700))
            status = rng.choices(ACTION_STATUSES, ACTION_STATUS_WEIGHTS)[0]
            due = raised + timedelta(days=rng.randrange(14, 240))
            done = status is ActionStatus.COMPLETE
            text = rng.choice(ACTION_TEXTS).format(n=rng.randrange(5, 60))
            yield {
                "id": first + n,
                "kind": (ActionKind.TRACKER if tracker else ActionKind.FURTHER_ACTION).value,
                "risk_id": risk.id if not tracker or rng.random() < 0.5 else None,
                "meeting_id": meeting[0] if meeting else None,
                "agenda_item": "Risk register update" if tracker else "",
                "description": text,
                "owner_id": people[rng.randrange(len(people))][0] if tracker else risk.owner_id,
                "raised_on": raised,
                "due_date": due,
                "status": status.value,
                "completed_on": min(due, self.today) if done else None,
                "source": DEMO_SOURCE,
                "illustrative": True,
                "version": 1,
                "created_at": self.now,
                "updated_at": self.now,
            }

    def _updates(self, first: int, end: int) -> Iterator[dict[str, Any]]:
        """A dated progress note on about one action in five."""
        rng = self.rng
        for action_id in range(first, end):
            if rng.random() < 0.2:
                yield {
                    "action_id": action_id,
                    "update_date": self.today - timedelta(days=rng.randrange(1, 200)),
                    "text": rng.choice(UPDATE_TEXTS),
                    "author": self.actor,
                    "created_at": self.now,
                }

    def _reviews(
        self, risks: Sequence[_RiskSeed], meetings: list[tuple[int, int, date]]
    ) -> Iterator[dict[str, Any]]:
        """Reviews of risks at their lead committee's past meetings (one per risk and meeting)."""
        rng = self.rng
        by_committee: dict[int, list[tuple[int, date]]] = {}
        for mid, cid, day in meetings:
            if day <= self.today:
                by_committee.setdefault(cid, []).append((mid, day))
        done: set[tuple[int, int]] = set()
        attempts = 0
        while len(done) < self.size.reviews and attempts < self.size.reviews * 20:
            attempts += 1
            risk = risks[rng.randrange(len(risks))]
            held = by_committee.get(risk.committee_id)
            if not held:
                continue
            mid, _day = held[rng.randrange(len(held))]
            if (mid, risk.id) in done:
                continue
            done.add((mid, risk.id))
            lk, im = rng.randint(1, 5), rng.randint(1, 5)
            yield {
                "meeting_id": mid,
                "risk_id": risk.id,
                "outcome": rng.choices(tuple(ReviewOutcome), (60, 20, 8, 4, 4, 4))[0].value,
                "assurance": rng.choice(tuple(Assurance)).value,
                "comments": "The committee noted the controls and the actions under way.",
                "likelihood": lk,
                "impact": im,
                "score": lk * im,
                "recorded_by": self.actor,
                "illustrative": True,
                "version": 1,
                "created_at": self.now,
                "updated_at": self.now,
            }

    def _audit(self, risks: Sequence[_RiskSeed]) -> Iterator[dict[str, Any]]:
        """One creation event per risk, sealed onto the audit trail's chain in order.

        The events are sealed as :func:`bct_risk.services.audit_chain.seal` seals one: the
        chain's lock taken, the server's who and when on PostgreSQL, each event linked to the
        one before; written in bulk, so ten thousand risks need no query each.
        """
        actor, at = self.actor, self.now
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": audit_chain.CHAIN_LOCK}
            )
            stamped, server_time = self.conn.execute(
                sa.text("SELECT bct_audit_actor(), now()")
            ).one()
            if stamped is not None:
                actor, at = stamped, server_time
        last = self.conn.execute(
            sa.select(AUDITEVENT.c.id, AUDITEVENT.c.hash).order_by(AUDITEVENT.c.id.desc()).limit(1)
        ).first()
        next_id, previous = (int(last[0]) + 1, last[1] or "") if last else (1, "")
        for risk in risks:
            event: dict[str, Any] = {
                "id": next_id,
                "at": at,
                "actor": actor,
                "entity": "risk",
                "entity_id": risk.id,
                "risk_id": risk.id,
                "action": "create",
                "summary": "Created by the demonstration register generator",
                "changes": {},
                "prev_hash": previous,
            }
            event["hash"] = previous = audit_chain.seal_of(event)
            next_id += 1
            yield event


@dataclass(frozen=True, slots=True)
class _RiskSeed:
    """What later rows need to know about a generated risk."""

    id: int
    owner_id: int
    committee_id: int
    created: date
    closed: bool
