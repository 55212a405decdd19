"""Demonstration registers of any size, for trying the app and for the benchmarks.

A strategic register has a dozen risks; the same tool also holds every directorate's operational
register, years of assessments and every meeting's actions. :func:`generate` fills a register
with a realistic one of that scale: risks with titles, causes and effects in the Trust's own
vocabulary, risk owners, lead committees, tiers, appetites, score histories, controls, further
actions and action-tracker items, updates, meetings and committee reviews.

The same seed and the same "today" always give the same register, so benchmark figures can be
compared between runs. Every record goes through the register's write door, in one unit of
work: people, committees and meetings through their use cases; the risks with their histories
of scores, controls, further actions and their notes, committee reviews, and the action-tracker
items with their notes, through the batch door (:func:`bct_risk.services.bulk.add_batch`:
permission, validation, the audit events), marked illustrative. Nothing here writes to a table.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

import bct_risk.domain.models  # noqa: F401  (defines the tables in SQLModel.metadata)
from bct_risk.domain.enums import (
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
from bct_risk.services.audit import id_of
from bct_risk.services.bulk import (
    ERROR,
    AssessmentIn,
    Batch,
    ControlIn,
    FurtherActionIn,
    ImportCounts,
    ReviewIn,
    RiskIn,
    TrackerIn,
    UpdateIn,
    add_batch,
)
from bct_risk.services.committees import add_committee, add_meeting
from bct_risk.services.context import Context
from bct_risk.services.people import add_person
from bct_risk.services.permissions import Change, authorize

RISK = SQLModel.metadata.tables["risk"]
PERSON = SQLModel.metadata.tables["person"]
COMMITTEE = SQLModel.metadata.tables["committee"]
MEETING = SQLModel.metadata.tables["meeting"]

CHUNK = 20_000
"""Action-tracker items per call of the batch door: few calls, memory flat at size L."""

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
RATIONALES = (
    "Controls embedding; likelihood reduced",
    "Demand rising; no change in controls",
    "Audit findings show partial assurance",
    "Reviewed at committee; score confirmed",
)


# -- generation -----------------------------------------------------------------------------

RISKS_PER_BATCH = 10_000
"""Risks per call of the batch door: keeps memory flat at size L, few statements at size M."""


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
    with ctx.unit_of_work() as work, work.transaction() as session:
        authorize(session, work, Change.IMPORT)  # a viewer may not add demonstration data
        existing = (
            session.connection().execute(sa.select(sa.func.count()).select_from(RISK)).scalar_one()
        )
        if existing and not force:
            raise ConflictError(
                f"the register already holds {existing:,} risks; demonstration data would be "
                "mixed with them (use --force to add it anyway)"
            )
        return _Generator(work, session, size, random.Random(seed), say).run()


@dataclass(frozen=True, slots=True)
class _RiskSeed:
    """What later records need to know about a generated risk."""

    reference: str
    committee_id: int


@dataclass(frozen=True, slots=True)
class _Meeting:
    committee_id: int
    committee: str
    """The committee's name, as the batch door finds it."""
    day: date


class _Generator:
    """Builds one demonstration register and writes it through the use cases and the batch door.

    People, committees and meetings go through their use cases (``add_person``,
    ``add_committee``, ``add_meeting``). Every other record goes through
    :func:`bct_risk.services.bulk.add_batch`, :data:`RISKS_PER_BATCH` risks a call: each risk
    with its history of scores, its controls, its further actions with their progress notes and
    its committee reviews; then the action-tracker items with their notes, :data:`CHUNK` a
    call. The batch door checks permission, validates, writes and records the audit events; the
    batches are marked illustrative (:attr:`bct_risk.services.bulk.Batch.illustrative`). All of
    it in the caller's one unit of work.
    """

    def __init__(
        self,
        ctx: Context,
        session: Session,
        size: DemoSize,
        rng: random.Random,
        say: Callable[[str], None],
    ) -> None:
        self.ctx = ctx
        self.session = session
        self.conn = session.connection()
        self.size = size
        self.rng = rng
        self.say = say
        self.today = ctx.today()
        self.actor = ctx.actor
        self.people_added = 0
        self.committees_added = 0
        self.counts = ImportCounts()

    def _next_id(self, table: Any) -> int:
        return int(self.conn.execute(sa.select(sa.func.max(table.c.id))).scalar_one() or 0) + 1

    def _add(self, batch: Batch) -> None:
        counts = add_batch(self.ctx, batch)
        errors = [p for p in batch.problems if p.severity == ERROR]
        if errors:  # generated records are valid: a refusal here is a fault, not bad input
            raise ValidationError(f"demonstration data refused: {errors[0].message}")
        for name in ("assessments", "controls", "further_actions", "tracker_actions"):
            setattr(self.counts, name, getattr(self.counts, name) + getattr(counts, name))
        self.counts.updates += counts.updates
        self.counts.reviews += counts.reviews

    def run(self) -> DemoReport:
        people = self._people()
        committees = self._committees()
        meetings = self._meetings(committees)
        held: dict[int, list[_Meeting]] = {}
        for meeting in meetings:
            if meeting.day <= self.today:
                held.setdefault(meeting.committee_id, []).append(meeting)
        self.say("risks")
        first = self._next_id(RISK)
        further, trackers = self._plan()
        risks: list[_RiskSeed] = []
        for start in range(0, self.size.risks, RISKS_PER_BATCH):
            end = min(self.size.risks, start + RISKS_PER_BATCH)
            risks.extend(self._risks(first, start, end, further, people, committees, held))
        self.say("action-tracker items")
        past = [m for m in meetings if m.day <= self.today] or meetings
        for start in range(0, len(trackers), CHUNK):  # a chunk at a time: memory flat at L
            self._trackers(start, trackers[start : start + CHUNK], risks, people, past)
        return DemoReport(
            people=self.people_added,
            committees=self.committees_added,
            meetings=len(meetings),
            risks=len(risks),
            assessments=self.counts.assessments,
            controls=self.counts.controls,
            actions=self.counts.further_actions + self.counts.tracker_actions,
            updates=self.counts.updates,
            reviews=self.counts.reviews,
        )

    # -- people, committees, meetings -----------------------------------------------------------

    def _people(self) -> list[str]:
        """About one risk owner per 30 risks (at least 40): heads of service, managers, leads.

        Each has a key (``demo-0001``...), by which a second run finds them again, and by which
        the batch door finds them as owners. Gives the keys.
        """
        table = PERSON
        wanted = max(40, min(3_000, self.size.risks // 30))
        keys = [f"demo-{n:04d}" for n in range(wanted)]
        have = {
            k for (k,) in self.conn.execute(sa.select(table.c.key).where(table.c.key.in_(keys)))
        }
        for n, key in enumerate(keys):
            first = FIRST_NAMES[n % len(FIRST_NAMES)]
            last = SURNAMES[(n * 7 + n // len(FIRST_NAMES)) % len(SURNAMES)]
            _code, service, _senior = DIRECTORATES[n % len(DIRECTORATES)]
            role = ROLES[(n // len(DIRECTORATES)) % len(ROLES)]
            if key not in have:
                add_person(
                    self.ctx,
                    f"{first} {last}",
                    job_title=f"{role}, {service}",
                    role=Role.RISK_OWNER,
                    key=key,
                    source=DEMO_SOURCE,
                    illustrative=True,
                )
                self.people_added += 1
        return keys

    def _committees(self) -> dict[str, tuple[int, str]]:
        """Lead committees by key, with their ids and names: existing ones (found by key or
        name) reused, others added."""
        table = COMMITTEE
        found: dict[str, tuple[int, str]] = {}
        for key, name, short, kind in COMMITTEES:
            row = self.conn.execute(
                sa.select(table.c.id, table.c.name).where(
                    sa.or_(table.c.key == key, table.c.name == name)
                )
            ).first()
            if row is None:
                body = add_committee(
                    self.ctx, name, kind=kind, key=key, short_name=short, source=DEMO_SOURCE
                )
                found[key] = (id_of(body), name)
                self.committees_added += 1
            else:
                found[key] = (int(row[0]), str(row[1]))
        return found

    def _meetings(self, committees: dict[str, tuple[int, str]]) -> list[_Meeting]:
        """Quarterly meetings of every committee over four years up to a year ahead."""
        table = MEETING
        keys = {cid: key for key, (cid, _name) in committees.items()}
        names = {cid: name for cid, name in committees.values()}
        first_year = self.today.year - 3
        wanted = [
            (cid, date(year, month, 10 + (cid % 10)))
            for cid in sorted(keys)
            for year in range(first_year, self.today.year + 2)
            for month in (3, 6, 9, 12)
        ]

        def held() -> set[tuple[int, date]]:
            return {
                (int(cid), day if isinstance(day, date) else date.fromisoformat(day))
                for cid, day in self.conn.execute(
                    sa.select(table.c.committee_id, table.c.meeting_date).where(
                        table.c.committee_id.in_(list(keys))
                    )
                )
            }

        have = held()
        for cid, day in wanted:
            if (cid, day) not in have:
                add_meeting(
                    self.ctx,
                    keys[cid],
                    day,
                    "Quarterly meeting",
                    source=DEMO_SOURCE,
                    illustrative=True,
                )
        return [_Meeting(cid, names[cid], day) for cid, day in sorted(held())]

    # -- risks ----------------------------------------------------------------------------------

    def _plan(self) -> tuple[list[int], list[int]]:
        """Which actions are further actions on which risk, and which are tracker items.

        About 70% are further actions (every risk has one at least, where there are enough);
        the rest are raised at meetings, half of them about a risk. Gives the number of further
        actions per risk, and per tracker item the index of its risk (-1 for none).
        """
        rng = self.rng
        total = self.size.risks
        further = [0] * total
        trackers: list[int] = []
        for n in range(self.size.actions):
            index = n if n < total else rng.randrange(total)
            if rng.random() < 0.3:
                trackers.append(index if rng.random() < 0.5 else -1)
            else:
                further[index] += 1
        return further, trackers

    def _risks(
        self,
        first: int,
        start: int,
        end: int,
        further: list[int],
        people: list[str],
        committees: dict[str, tuple[int, str]],
        held: dict[int, list[_Meeting]],
    ) -> list[_RiskSeed]:
        """Risks ``start`` to ``end`` with their scores, controls, further actions and reviews,
        through the batch door."""
        rng = self.rng
        categories = list(CATEGORIES)
        seeds: list[_RiskSeed] = []
        items: list[RiskIn] = []
        for n in range(start, end):
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
            owner = people[rng.randrange(len(people))]
            cause, effect = rng.choice(causes), rng.choice(effects)
            committee_id, committee_name = committees[committee_key]
            seed = _RiskSeed(f"{code}{first + n}", committee_id)
            seeds.append(seed)
            items.append(
                RiskIn(
                    row=n + 1,
                    source=DEMO_SOURCE,
                    reference=seed.reference,
                    title=rng.choice(titles).format(area=service),
                    description=f"There is a risk that {cause} in {service} means {effect}.",
                    cause=cause[:1].upper() + cause[1:] + ".",
                    effect=effect[:1].upper() + effect[1:] + ".",
                    category=category,
                    tier=tier,
                    appetite=appetite,
                    treatment=rng.choices(tuple(Treatment), (80, 15, 4, 1))[0],
                    target_date=self.today + timedelta(days=rng.randrange(30, 900)),
                    next_review_date=self.today + timedelta(days=rng.randrange(-90, 120)),
                    exempt=rng.random() < 0.03,
                    owner=owner,
                    lead_committee=committee_name,
                    status=RiskStatus.CLOSED if closed else RiskStatus.OPEN,
                    closed_reason="Target score reached and sustained" if closed else None,
                    created_on=created,
                    history=self._assessments(n, created),
                    controls=[
                        ControlIn(
                            description=rng.choice(CONTROL_TEXTS),
                            owner=owner,
                            effectiveness=rng.choice(tuple(Effectiveness)),
                            assurance_line=rng.randint(1, 3),
                        )
                        for _ in range(2)
                    ],
                    further_actions=[self._further(owner) for _ in range(further[n])],
                )
            )
        self._reviews(start, end, items, seeds, held)
        self._add(
            Batch(
                name=DEMO_SOURCE,
                unit="record",
                risks=items,
                allow_duplicates=True,
                native=True,
                illustrative=True,
            )
        )
        return seeds

    def _assessments(self, index: int, created: date) -> list[AssessmentIn]:
        """Inherent, target and a first current score when raised; then later current scores,
        the latest of them the risk's current score."""
        rng = self.rng
        extra = self.size.assessments - 3 * self.size.risks
        per_risk, remainder = divmod(extra, self.size.risks)
        il, ii = rng.randint(2, 5), rng.randint(2, 5)
        tl, ti = rng.randint(1, max(1, il - 1)), rng.randint(1, ii)
        count = per_risk + (1 if index < remainder else 0)
        span = max(1, (self.today - created).days)
        days = sorted(rng.randrange(1, span + 1) for _ in range(count))
        # Scores drift towards the target as controls take hold, sometimes back up.
        cl = max(1, min(5, il + rng.choice((-1, 0, 0, 1)) - 1))
        ci = max(1, min(5, ii + rng.choice((-1, 0, 0, 0, 1))))
        history = [
            AssessmentIn(kind, likelihood, impact, created, why, self.actor)
            for kind, likelihood, impact, why in (
                (ScoreKind.INHERENT, il, ii, "Initial assessment"),
                (ScoreKind.TARGET, tl, ti, "Target agreed"),
                (ScoreKind.CURRENT, cl, ci, "First assessment"),
            )
        ]
        for offset in days:
            cl = max(1, min(5, cl + rng.choice((-1, 0, 0, 1))))
            ci = max(1, min(5, ci + rng.choice((-1, 0, 0, 0, 1))))
            history.append(
                AssessmentIn(
                    ScoreKind.CURRENT,
                    cl,
                    ci,
                    created + timedelta(days=offset),
                    rng.choice(RATIONALES),
                    self.actor,
                )
            )
        return history

    def _further(self, owner: str) -> FurtherActionIn:
        """A further action; about one in five with a progress note."""
        rng = self.rng
        raised = self.today - timedelta(days=rng.randrange(1, 700))
        action = FurtherActionIn(
            description=rng.choice(ACTION_TEXTS).format(n=rng.randrange(5, 60)),
            owner=owner,
            raised_on=raised,
            due_date=raised + timedelta(days=rng.randrange(14, 240)),
            status=rng.choices(ACTION_STATUSES, ACTION_STATUS_WEIGHTS)[0],
        )
        if rng.random() < 0.2:
            day, text = self._note()
            action.updates.append(UpdateIn(day, text, self.actor))
        return action

    def _note(self) -> tuple[date, str]:
        """A dated progress note."""
        return self.today - timedelta(days=self.rng.randrange(1, 200)), self.rng.choice(
            UPDATE_TEXTS
        )

    def _reviews(
        self,
        start: int,
        end: int,
        items: list[RiskIn],
        seeds: list[_RiskSeed],
        held: dict[int, list[_Meeting]],
    ) -> None:
        """This batch's share of the committee reviews, each of a risk at one of its lead
        committee's past meetings (one per risk and meeting)."""
        rng = self.rng
        total, wanted = self.size.risks, self.size.reviews
        share = wanted * end // total - wanted * start // total
        done: set[tuple[int, date]] = set()
        attempts = 0
        while len(done) < share and attempts < share * 20:
            attempts += 1
            index = rng.randrange(len(items))
            meetings = held.get(seeds[index].committee_id)
            if not meetings:
                continue
            meeting = meetings[rng.randrange(len(meetings))]
            if (index, meeting.day) in done:
                continue
            done.add((index, meeting.day))
            likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
            items[index].reviews.append(
                ReviewIn(
                    committee=meeting.committee,
                    meeting_date=meeting.day,
                    outcome=rng.choices(tuple(ReviewOutcome), (60, 20, 8, 4, 4, 4))[0],
                    recorded_by=self.actor,
                    assurance=rng.choice(tuple(Assurance)),
                    comments="The committee noted the controls and the actions under way.",
                    likelihood=likelihood,
                    impact=impact,
                )
            )

    # -- action tracker -------------------------------------------------------------------------

    def _trackers(
        self,
        start: int,
        plan: list[int],
        risks: Sequence[_RiskSeed],
        people: list[str],
        past: list[_Meeting],
    ) -> None:
        """Action-tracker items ``start`` onwards, raised at past meetings, about one in five
        with a progress note, through the batch door."""
        rng = self.rng
        items: list[TrackerIn] = []
        for n, index in enumerate(plan, start):
            meeting = past[rng.randrange(len(past))]
            status = rng.choices(ACTION_STATUSES, ACTION_STATUS_WEIGHTS)[0]
            due = meeting.day + timedelta(days=rng.randrange(14, 240))
            item = TrackerIn(
                rows=[n + 1],
                source=DEMO_SOURCE,
                committee=meeting.committee,
                meeting_date=meeting.day,
                description=rng.choice(ACTION_TEXTS).format(n=rng.randrange(5, 60)),
                agenda_item="Risk register update",
                owner=people[rng.randrange(len(people))],
                due_date=due,
                status=status,
                completed_on=min(due, self.today) if status is ActionStatus.COMPLETE else None,
                risk=risks[index].reference if index >= 0 else None,
            )
            if rng.random() < 0.2:
                item.updates.append(self._note())
            items.append(item)
        self._add(
            Batch(
                name=DEMO_SOURCE,
                unit="record",
                actions=items,
                allow_duplicates=True,
                native=True,
                illustrative=True,
            )
        )
