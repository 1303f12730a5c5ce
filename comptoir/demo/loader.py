"""Build the « Duret Électricité » demo workspace: customers, a year of history, the weeks ahead.

Customers go through the contacts services (validated and audited, as if Claire had typed them);
the year of interactions and notes is bulk-inserted for speed, with ``ends_at`` and states
computed here since ``bulk_create`` skips ``save()``. Everything is relative to today in
Europe/Paris and seeded, so two loads on the same day give the same workspace.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from comptoir.accounts.models import User, Workspace
from comptoir.accounts.services import user_create, workspace_create
from comptoir.activities.models import (
    Interaction,
    Kind,
    Note,
    Process,
    ProcessAccess,
    Stage,
    State,
)
from comptoir.activities.services import interaction_create
from comptoir.audit.models import AuditEntry
from comptoir.calls.models import Call, CallStatus
from comptoir.contacts import services as contacts
from comptoir.contacts.models import (
    Civility,
    Company,
    ContactKind,
    ContactLabel,
    ContactPoint,
    Domain,
    Industry,
    Interest,
    JobTitle,
    LegalForm,
    Person,
    Site,
)
from comptoir.contacts.models import Source as ContactSource
from comptoir.dedupe import services as dedupe
from comptoir.dedupe.models import ScanJob, ScanStatus
from comptoir.demo import data
from comptoir.lib.holidays import french_holidays
from comptoir.lib.text import fold
from comptoir.receivables import services as receivables
from comptoir.scheduling.models import (
    Absence,
    Channel,
    ServiceType,
    Skill,
    Technician,
    Visit,
    VisitStatus,
)
from comptoir.scheduling.services import technician_enable, visit_reference_next
from comptoir.tickets import sla
from comptoir.tickets.models import Priority, SlaPolicy, Ticket, TicketChannel, TicketCounter
from comptoir.tickets.models import Status as TicketStatus
from comptoir.tickets.services import ticket_number_next, workspace_clock

PARIS = ZoneInfo("Europe/Paris")
SEED = 74000
HISTORY_DAYS = 365
HORIZON_DAYS = 21
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
# Fixed-date public holidays (month, day): nobody works.
PUBLIC_HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
# Leave (month, day) ranges per technician, applied to the past only so the desk stays alive.
LEAVE = {
    "gaetan@duret.example": [((8, 4), (8, 22)), ((12, 24), (12, 31))],
    "karim@duret.example": [((7, 14), (8, 1)), ((2, 16), (2, 20))],
}
# A technician's day: four slots (start hour, minute options, must end by), two per half-day.
SLOTS = [
    (8, (0, 30), dt.time(10, 15)),
    (10, (15, 30), dt.time(12, 0)),
    (14, (0, 30), dt.time(16, 0)),
    (16, (0, 15), dt.time(18, 0)),
]

Log = Callable[[str], None]


def _euros(amount: int) -> str:
    return f"{amount:,}".replace(",", "\u202f") + " €"


def _hhmm(moment: dt.datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{local.hour}h{local.minute:02d}" if local.minute else f"{local.hour}h"


def _day_label(moment: dt.datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{WEEKDAYS[local.weekday()]} {local:%d/%m}"


@dataclass
class Customer:
    """Someone the demo's interactions are about: a person, or a company and its contact."""

    label: str
    person: Person | None
    company: Company | None
    sites: list[Site]
    since: dt.date
    weight: float
    kind: str
    interests: set[str] = field(default_factory=set)


@dataclass
class Draft:
    """An interaction before insertion; state and stage are decided against "now"."""

    kind: str
    process: str
    subject: str
    owner: User
    starts_at: dt.datetime
    deadline: dt.datetime | None = None
    duration: int | None = None
    customer: Customer | None = None
    site: Site | None = None
    created_at: dt.datetime | None = None
    created_by: User | None = None
    done_at: dt.datetime | None = None
    stages: list[tuple[dt.datetime, str]] = field(default_factory=list)
    notes: list[tuple[dt.datetime, User, str]] = field(default_factory=list)
    outcome: str = ""
    state: str | None = None

    @property
    def ends_at(self) -> dt.datetime:
        if self.kind == Kind.APPOINTMENT and self.duration:
            return self.starts_at + dt.timedelta(minutes=self.duration)
        return self.deadline or self.starts_at


class Planner:
    """Which technician slots are taken, day by day."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.busy: dict[tuple[int, dt.date], set[int]] = defaultdict(set)

    def works(self, tech: User, day: dt.date) -> bool:
        if day.weekday() >= 5 or (day.month, day.day) in PUBLIC_HOLIDAYS:
            return False
        if day < self.today - dt.timedelta(days=7):
            for start, end in LEAVE.get(tech.email, []):
                if start <= (day.month, day.day) <= end:
                    return False
        return True

    def first_free(
        self, tech: User, earliest: dt.date, latest: dt.date, half_day: bool, rng: random.Random
    ) -> tuple[dt.date, list[int]] | None:
        day = earliest
        while day <= latest:
            if self.works(tech, day):
                free = [s for s in range(4) if s not in self.busy[(tech.pk, day)]]
                if half_day:
                    options = [[a, a + 1] for a in (0, 2) if a in free and a + 1 in free]
                else:
                    options = [[s] for s in free]
                if options:
                    return day, rng.choice(options)
            day += dt.timedelta(days=1)
        return None

    def take(self, tech: User, day: dt.date, slots: list[int]) -> None:
        self.busy[(tech.pk, day)].update(slots)


class DemoLoader:
    """Creates the demo workspace once; see the module docstring."""

    def __init__(self, *, log: Log, now: dt.datetime | None = None, seed: int = SEED) -> None:
        self.log = log
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.now = (now or timezone.now()).astimezone(PARIS)
        self.today = self.now.date()
        self.planner = Planner(self.today)
        self.drafts: list[Draft] = []
        self.used_phones: set[str] = {"0612345678"}
        self.quote_number = 100

    # --- helpers ---------------------------------------------------------------------------

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)

    def office_time(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.randint(8 * 60 + 20, 17 * 60 + 30)
        return self.at(day, minutes // 60, minutes % 60)

    def workdays(self, start: dt.date, end: dt.date) -> list[dt.date]:
        days = []
        day = start
        while day <= end:
            if day.weekday() < 5 and (day.month, day.day) not in PUBLIC_HOLIDAYS:
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def next_workday(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while day.weekday() >= 5 or (day.month, day.day) in PUBLIC_HOLIDAYS:
            day += dt.timedelta(days=1)
        return day

    def previous_workday(self, day: dt.date) -> dt.date:
        day -= dt.timedelta(days=1)
        while day.weekday() >= 5 or (day.month, day.day) in PUBLIC_HOLIDAYS:
            day -= dt.timedelta(days=1)
        return day

    def unique_phone(self, make: Callable[[random.Random], str]) -> str:
        while True:
            value = make(self.rng)
            key = value.replace(" ", "")
            if key not in self.used_phones:
                self.used_phones.add(key)
                return value

    def past_date(self, low_days: int, high_days: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low_days, high_days))

    # --- entry point ------------------------------------------------------------------------

    def run(self) -> Workspace:
        with transaction.atomic():
            self.create_workspace()
            self.create_users()
            self.create_technicians()
            self.load_reference_lists()
            self.create_customers()
            self.plan_story_of_dupont_and_martin()
            self.plan_year()
            self.plan_weekly_meetings()
            self.plan_weeks_ahead()
            self.plan_stale_work()
            created = self.insert_interactions()
            self.create_key_interactions()
            self.create_past_visits()
            self.create_service_history()
            self.create_dupont_ticket()
            self.create_open_items()
            self.date_audit_entries()
            pairs = self.scan_duplicates()
        self.log(f"  {created} interactions et leurs notes sur un an, et les semaines à venir.")
        self.log(f"  {pairs} doublons possibles à examiner dans « Doublons ».")
        return self.workspace

    # --- workspace and users -----------------------------------------------------------------

    def create_workspace(self) -> None:
        w = data.WORKSPACE
        self.workspace = workspace_create(
            name=w["name"],
            slug=w["slug"],
            siren=data.siren_with_key(self.rng),
            street=w["street"],
            postcode=w["postcode"],
            city=w["city"],
            phone=w["phone"],
        )
        self.log(f"  Espace « {self.workspace.name} » créé (identifiant {self.workspace.slug}).")

    def create_users(self) -> None:
        hashed = make_password(data.PASSWORD)
        self.users: dict[str, User] = {}
        for email, first, last, role, color in data.USERS:
            user = user_create(
                workspace=self.workspace,
                email=email,
                password=None,
                first_name=first,
                last_name=last,
                role=role,
            )
            user.password = hashed
            user.color = color
            user.date_joined = self.now - dt.timedelta(days=HISTORY_DAYS + 30)
            user.save(update_fields=["password", "color", "date_joined"])
            self.users[first] = user
        self.claire = self.users["Claire"]
        self.gaetan = self.users["Gaëtan"]
        self.karim = self.users["Karim"]
        self.sophie = self.users["Sophie"]
        self.marc = self.users["Marc"]
        self.techs = [self.gaetan, self.karim]
        self.processes = {p.code: p for p in Process.objects.filter(workspace=self.workspace)}
        ProcessAccess.objects.bulk_create(
            ProcessAccess(workspace=self.workspace, user=self.marc, process=self.processes[code])
            for code in data.MARC_PROCESSES
        )
        self.stages = {
            (s.process_id, s.name): s for s in Stage.objects.filter(workspace=self.workspace)
        }
        names = ", ".join(u.first_name for u in self.users.values())
        self.log(f"  {len(self.users)} utilisateurs ({names}), mot de passe « {data.PASSWORD} ».")

    def create_technicians(self) -> None:
        """Gaëtan and Karim become bookable: skills, home base, zone; Karim trains next week."""
        skills = {s.code: s for s in Skill.objects.filter(workspace=self.workspace)}
        for user, codes in data.TECHNICIAN_SKILLS.items():
            lat, lon = data.TOWN_COORDS["Annecy"]
            technician = technician_enable(
                user=self.users[user],
                by=self.sophie,
                home_postcode="74000",
                home_latitude=lat,
                home_longitude=lon,
                zone_postcodes="74, 73, 01",
                color=self.users[user].color,
            )
            technician.skills.set([skills[c] for c in codes])
        karim = self.users["Karim"].technician
        monday = self.today + dt.timedelta(days=7 - self.today.weekday())
        Absence.objects.create(
            workspace=self.workspace,
            technician=karim,
            starts_at=self.at(monday + dt.timedelta(days=2), 8),
            ends_at=self.at(monday + dt.timedelta(days=2), 18),
            reason="Formation habilitation électrique",
        )

    def load_reference_lists(self) -> None:
        ws = self.workspace
        missing = {c[1] for c in data.COMPANIES} - set(data.LEGAL_FORM_NAMES)
        existing = set(LegalForm.objects.filter(workspace=ws).values_list("name", flat=True))
        for name in sorted(missing - existing):
            contacts.reference_item_save(model=LegalForm, by=self.sophie, name=name)
        self.legal_forms = {lf.name: lf for lf in LegalForm.objects.filter(workspace=ws)}
        self.industries = {i.name: i for i in Industry.objects.filter(workspace=ws)}
        self.domains = {
            (d.parent.name if d.parent else "", d.name): d
            for d in Domain.objects.filter(workspace=ws).select_related("parent")
        }
        self.job_titles = {j.name: j for j in JobTitle.objects.filter(workspace=ws)}
        self.sources = list(ContactSource.objects.filter(workspace=ws))
        self.interests = {i.name: i for i in Interest.objects.filter(workspace=ws)}

    # --- customers ------------------------------------------------------------------------------

    def coords(self, city: str) -> tuple[Decimal, Decimal]:
        lat, lon = data.TOWN_COORDS.get(city, data.TOWN_COORDS["Annecy"])
        lat += self.rng.uniform(-0.008, 0.008)
        lon += self.rng.uniform(-0.011, 0.011)
        return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")

    def access_note(self) -> str:
        template = self.rng.choice(data.ACCESS_NOTES)
        return template.format(
            code=self.rng.randint(1000, 9999),
            floor=self.rng.randint(1, 6),
            code_short=self.rng.randint(0, 9),
        )

    def add_phone(self, owner: dict[str, object], value: str, label: str, primary: bool) -> None:
        contacts.contact_point_add(
            by=self.claire,
            kind=ContactKind.PHONE,
            value=value,
            label=label,
            is_primary=primary,
            **owner,  # type: ignore[arg-type]
        )

    def add_email(self, owner: dict[str, object], value: str, primary: bool = True) -> None:
        contacts.contact_point_add(
            by=self.claire,
            kind=ContactKind.EMAIL,
            value=value,
            label=ContactLabel.OTHER,
            is_primary=primary,
            **owner,  # type: ignore[arg-type]
        )

    def new_person(
        self,
        *,
        civility: str,
        first: str,
        last: str,
        since: dt.date,
        address: bool = True,
        mobile: bool = True,
        landline: bool = False,
        email: str | None = "auto",
        **extra: object,
    ) -> Person:
        fields: dict[str, object] = {
            "civility": civility,
            "first_name": first,
            "last_name": last,
            "source": self.rng.choice(self.sources),
            "created_at": self.at(since, 9) + dt.timedelta(minutes=self.rng.randint(0, 480)),
            **extra,
        }
        if address and "street" not in fields:
            postcode, city = data.pick_town(self.rng)
            fields.update(street=data.street_address(self.rng), postcode=postcode, city=city)
        if self.rng.random() < 0.08:
            fields["notes"] = self.rng.choice(data.PERSON_REMARKS)
        person = contacts.person_create(by=self.claire, **fields)
        owner: dict[str, object] = {"person": person}
        if mobile:
            self.add_phone(owner, self.unique_phone(data.mobile_number), ContactLabel.MOBILE, True)
        if landline:
            self.add_phone(
                owner, self.unique_phone(data.landline_number), ContactLabel.HOME, not mobile
            )
        if email == "auto":
            if self.rng.random() < 0.7:
                self.add_email(owner, data.email_for(first, last, self.rng))
        elif email:
            self.add_email(owner, email)
        return person

    def home_site(self, person: Person, *, name: str = "Domicile") -> Site:
        lat, lon = self.coords(person.city)
        return contacts.site_create(
            by=self.claire,
            person=person,
            name=name,
            street=person.street,
            postcode=person.postcode,
            city=person.city,
            is_primary=True,
            access_notes=self.access_note() if self.rng.random() < 0.4 else "",
            latitude=lat,
            longitude=lon,
        )

    def random_civility(self) -> tuple[str, str]:
        if self.rng.random() < 0.5:
            return Civility.MR, self.rng.choice(data.MALE_FIRST_NAMES)
        return Civility.MRS, self.rng.choice(data.FEMALE_FIRST_NAMES)

    def create_customers(self) -> None:
        self.customers: list[Customer] = []
        self.suppliers: list[Customer] = []
        self.create_dupont_and_martin()
        self.create_individuals(125)
        self.create_couple()
        self.create_companies()
        self.create_lookalikes()
        self.people_count = Person.objects.filter(workspace=self.workspace).count()
        self.company_count = Company.objects.filter(workspace=self.workspace).count()
        sites = Site.objects.filter(workspace=self.workspace).count()
        self.log(
            f"  {self.people_count} personnes, {self.company_count} sociétés et {sites} sites "
            "autour d'Annecy."
        )

    def create_dupont_and_martin(self) -> None:
        since = self.today - dt.timedelta(days=HISTORY_DAYS + 400)
        dupont = self.new_person(
            civility=Civility.MR,
            first="Pierre",
            last="Dupont",
            since=since,
            street="12 rue de la Mairie",
            postcode="74000",
            city="Annecy",
            mobile=False,
            email="p.dupont@gmail.com",
            notes="Ancienne fiche en double (ERP et SAGE) : c'est la bonne.",
        )
        self.add_phone({"person": dupont}, "06 12 34 56 78", ContactLabel.MOBILE, True)
        dupont.interests.add(self.interests["Borne de recharge"])
        self.dupont = Customer(
            "M. Dupont", dupont, None, [self.home_site(dupont)], since, 0, "individual"
        )
        martin = self.new_person(
            civility=Civility.MRS,
            first="Sylvie",
            last="Martin",
            since=self.today - dt.timedelta(days=40),
            street="5 chemin des Grandes Vignes",
            postcode="74940",
            city="Annecy-le-Vieux",
            landline=True,
            email="sylvie.martin@orange.example",
        )
        self.martin = Customer(
            "Mme Martin",
            martin,
            None,
            [self.home_site(martin)],
            self.today - dt.timedelta(days=40),
            0,
            "individual",
        )

    # --- look-alikes: the same customers typed again in other software -----------------------

    def typed_again(
        self,
        *,
        source: str,
        ref: str,
        on: dt.date,
        phone: str = "",
        email: str = "",
        **fields: object,
    ) -> Person:
        """A person as another software had them, with what that source said about each field.

        No random draw here: the rest of the demo stays the same with or without them.
        """
        person = contacts.person_create(by=self.claire, created_at=self.at(on, 11), **fields)
        owner: dict[str, object] = {"person": person}
        if phone:
            self.used_phones.add("".join(c for c in phone if c.isdigit()))
            self.add_phone(owner, phone, ContactLabel.MOBILE, True)
        if email:
            self.add_email(owner, email)
        said: dict[str, object] = dict(fields)
        if phone:
            said["phone"] = person.contact_points.get(kind=ContactKind.PHONE).normalized
        if email:
            said["email"] = email.lower()
        dedupe.provenance_record(
            workspace=self.workspace,
            instance=person,
            values=said,
            source=source,
            source_ref=ref,
            at=self.at(on, 11),
        )
        return person

    def create_lookalikes(self) -> None:
        """The Dupont case (ERP, SAGE and Excel each have their Pierre Dupont) and a few other
        records typed twice, so the « Doublons » queue has real work on the first visit."""
        dupont = self.dupont.person
        assert dupont is not None
        dedupe.provenance_record(
            workspace=self.workspace,
            instance=dupont,
            values={
                "civility": dupont.civility,
                "first_name": "Pierre",
                "last_name": "DUPONT",
                "street": dupont.street,
                "postcode": dupont.postcode,
                "city": "ANNECY",
                "phone": "+33612345678",
                "email": "p.dupont@gmail.com",
            },
            source="ERP MDE",
            source_ref="CLI-000412",
            at=self.at(self.dupont.since, 9),
        )
        self.typed_again(
            source="SAGE",
            ref="411DUPONT",
            on=self.today - dt.timedelta(days=HISTORY_DAYS + 200),
            civility=Civility.MR,
            first_name="P.",
            last_name="DUPONT",
            postcode="74000",
            city="ANNECY",
            email="P.Dupont@gmail.com",
        )
        self.typed_again(
            source="Excel",
            ref="Clients chantiers.xlsx, ligne 57",
            on=self.today - dt.timedelta(days=HISTORY_DAYS - 60),
            first_name="Pierre",
            last_name="Dupond",
            street="12 r. de la Mairie",
            postcode="74000",
            city="Annecy",
            phone="06.12.34.56.78",
        )
        # A typo in the name, same address written another way.
        self.typed_again(
            source="ERP MDE",
            ref="CLI-000977",
            on=self.today - dt.timedelta(days=HISTORY_DAYS + 90),
            civility=Civility.MRS,
            first_name="Sandrine",
            last_name="Chevallier",
            street="8 avenue de Genève",
            postcode="74000",
            city="Annecy",
            phone="06 47 21 88 30",
        )
        self.typed_again(
            source="Excel",
            ref="Clients chantiers.xlsx, ligne 112",
            on=self.today - dt.timedelta(days=95),
            civility=Civility.MRS,
            first_name="Sandrine",
            last_name="Chevalier",
            street="8 av. de Genève",
            postcode="74000",
            city="Annecy",
            email="sandrine.chevalier@free.fr",
        )
        # The same e-mail; the name typed family name first, and a new address after a move.
        self.typed_again(
            source="SAGE",
            ref="411ROSSI",
            on=self.today - dt.timedelta(days=HISTORY_DAYS + 30),
            civility=Civility.MR,
            first_name="Jean-Marc",
            last_name="Rossi",
            street="3 impasse des Tilleuls",
            postcode="74600",
            city="Seynod",
            email="jm.rossi@wanadoo.fr",
        )
        self.typed_again(
            source="Réservation en ligne",
            ref="",
            on=self.today - dt.timedelta(days=21),
            first_name="ROSSI",
            last_name="Jean Marc",
            street="27 route de Frangy",
            postcode="74960",
            city="Cran-Gevrier",
            phone="07 81 45 12 09",
            email="JM.Rossi@wanadoo.fr",
        )
        # A company known twice: SAGE's account, in capitals, with the same SIREN.
        lac = Company.objects.get(workspace=self.workspace, name="Cabinet Lac Immobilier")
        sage = contacts.company_create(
            by=self.claire,
            name="CABINET LAC IMMOBILIER",
            siren=lac.siren,
            siret=lac.siret,
            postcode=lac.postcode,
            city=lac.city.upper(),
            created_at=self.at(self.today - dt.timedelta(days=HISTORY_DAYS + 150), 10),
        )
        dedupe.provenance_record(
            workspace=self.workspace,
            instance=sage,
            values={"name": sage.name, "siren": sage.siren, "postcode": sage.postcode},
            source="SAGE",
            source_ref="411LACIMMO",
            at=sage.created_at,
        )

    def scan_duplicates(self) -> int:
        """Look for duplicates as « Lancer une recherche de doublons » would, right away."""
        job = ScanJob.objects.create(
            workspace=self.workspace, status=ScanStatus.RUNNING, by=self.sophie
        )
        job = dedupe.scan_run(job_id=job.pk)
        return int(job.report.get("person", 0)) + int(job.report.get("company", 0))

    def create_individuals(self, count: int) -> None:
        for _ in range(count):
            civility, first = self.random_civility()
            last = self.rng.choice(data.LAST_NAMES)
            since = self.past_date(30, HISTORY_DAYS * 4)
            person = self.new_person(
                civility=civility,
                first=first,
                last=last,
                since=since,
                mobile=self.rng.random() < 0.9,
                landline=self.rng.random() < 0.35,
            )
            if self.rng.random() < 0.18:
                person.interests.add(self.rng.choice(list(self.interests.values())))
            sites = [self.home_site(person)]
            roll = self.rng.random()
            if roll < 0.08:
                # A holiday home by the lake.
                postcode, city = self.rng.choice(
                    [
                        ("74290", "Talloires-Montmin"),
                        ("74320", "Sévrier"),
                        ("74410", "Saint-Jorioz"),
                    ]
                )
                lat, lon = self.coords(city)
                sites.append(
                    contacts.site_create(
                        by=self.claire,
                        person=person,
                        name=self.rng.choice(["Chalet", "Appartement au bord du lac"]),
                        street=data.street_address(self.rng),
                        postcode=postcode,
                        city=city,
                        access_notes=f"Clé chez le voisin, M. {self.rng.choice(data.LAST_NAMES)}.",
                        latitude=lat,
                        longitude=lon,
                    )
                )
            elif roll < 0.16:
                # A flat let to a tenant: the owner pays, the tenant opens the door.
                postcode, city = data.pick_town(self.rng)
                lat, lon = self.coords(city)
                tenant_civ, _first = self.random_civility()
                sites.append(
                    contacts.site_create(
                        by=self.claire,
                        person=person,
                        name="Appartement loué",
                        street=data.street_address(self.rng),
                        street2=f"Appt {self.rng.randint(1, 40)}",
                        postcode=postcode,
                        city=city,
                        occupant_name=(
                            f"{tenant_civ} {self.rng.choice(data.LAST_NAMES)} (locataire)"
                        ),
                        access_notes="Prévenir le locataire 48 h avant (horaires décalés).",
                        latitude=lat,
                        longitude=lon,
                    )
                )
            interests = {i.name for i in person.interests.all()}
            self.customers.append(
                Customer(
                    f"{civility} {last}",
                    person,
                    None,
                    sites,
                    since,
                    1.0,
                    "individual",
                    interests,
                )
            )

    def create_couple(self) -> None:
        """M. and Mme Favre share the home landline: a call from it matches both."""
        since = self.past_date(400, 1500)
        landline = self.unique_phone(data.landline_number)
        husband, wife = (
            self.new_person(
                civility=civility,
                first=first,
                last="Favre",
                since=since,
                street="3 impasse des Mésanges",
                postcode="74600",
                city="Seynod",
            )
            for civility, first in ((Civility.MR, "Jacques"), (Civility.MRS, "Monique"))
        )
        for person in (husband, wife):
            self.add_phone({"person": person}, landline, ContactLabel.HOME, False)
        site = self.home_site(husband)
        self.customers.append(
            Customer("M. Favre", husband, None, [site], since, 1.5, "individual", set())
        )
        self.customers.append(
            Customer("Mme Favre", wife, None, [site], since, 0.5, "individual", set())
        )

    def create_companies(self) -> None:
        weights = {
            "syndic": 6.0,
            "copro": 2.5,
            "restaurant": 3.0,
            "hotel": 2.5,
            "townhall": 3.0,
            "school": 2.0,
            "workshop": 2.0,
            "sci": 1.5,
            "shop": 1.5,
            "garage": 1.5,
            "office": 1.2,
            "farm": 1.0,
            "supplier": 0.0,
        }
        for name, form, industry, (dom, sub), category, kind in data.COMPANIES:
            since = self.past_date(200, HISTORY_DAYS * 5)
            postcode, city = data.COMPANY_TOWNS.get(name) or data.pick_town(self.rng)
            siren = data.siren_with_key(self.rng)
            fields: dict[str, object] = {
                "name": name,
                "legal_form": self.legal_forms[data.LEGAL_FORM_NAMES.get(form, form)],
                "industry": self.industries[industry],
                "domain": self.domains[("", dom)],
                "subdomain": self.domains[(dom, sub)],
                "category": category,
                "siren": siren,
                "siret": data.siret_for(siren),
                "street": data.street_address(self.rng),
                "postcode": postcode,
                "city": city,
                "source": self.rng.choice(self.sources),
                "created_at": self.at(since, 10),
            }
            if form in {"SAS", "SARL", "EURL", "SELARL"}:
                fields["vat_number"] = f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
            if kind in {"syndic", "restaurant", "hotel", "office"} and self.rng.random() < 0.6:
                fields["website"] = "https://www." + data.company_email(name).split("@")[1]
            interests = []
            if kind in {"syndic", "copro", "hotel", "school", "townhall", "restaurant"}:
                interests.append(self.interests["Contrat d'entretien"])
            if kind in {"garage", "hotel", "copro"}:
                interests.append(self.interests["Borne de recharge"])
            company = contacts.company_create(by=self.claire, interests=interests, **fields)
            owner: dict[str, object] = {"company": company}
            self.add_phone(owner, self.unique_phone(data.landline_number), ContactLabel.WORK, True)
            if self.rng.random() < 0.8:
                self.add_email(owner, data.company_email(name))
            contact = self.company_people(company, kind, since)
            sites = self.company_sites(company, kind)
            customer = Customer(
                name,
                contact,
                company,
                sites,
                since,
                weights.get(kind, 1.0) if category != "prospect" else 0.3,
                kind,
                {i.name for i in interests},
            )
            if category == "supplier":
                self.suppliers.append(customer)
            else:
                self.customers.append(customer)

    def company_people(self, company: Company, kind: str, since: dt.date) -> Person:
        """One to three current contacts; some companies also have a contact who left."""
        roles = data.COMPANY_ROLES[kind]
        domain = data.company_email(company.name).split("@")[1]
        current: list[Person] = []
        for index in range(self.rng.choice([1, 1, 2, 2, 3])):
            civility, first = self.random_civility()
            last = self.rng.choice(data.LAST_NAMES)
            start = since + dt.timedelta(days=self.rng.randint(0, 60))
            person = self.new_person(
                civility=civility,
                first=first,
                last=last,
                since=since,
                address=False,
                email=f"{data.email_for(first, last, self.rng).split('@')[0]}@{domain}",
                mobile=self.rng.random() < 0.7,
            )
            role = roles[min(index, len(roles) - 1)]
            contacts.affiliation_add(
                person=person,
                company=company,
                by=self.claire,
                role=role,
                job_title=self.job_titles.get(data.ROLE_JOB_TITLES.get(role, "")),
                start=start,
                is_primary=index == 0,
            )
            current.append(person)
        if self.rng.random() < 0.3:
            civility, first = self.random_civility()
            last = self.rng.choice(data.LAST_NAMES)
            left = self.past_date(60, 700)
            person = self.new_person(
                civility=civility, first=first, last=last, since=since, address=False
            )
            contacts.affiliation_add(
                person=person,
                company=company,
                by=self.claire,
                role=roles[0],
                job_title=self.job_titles.get(data.ROLE_JOB_TITLES.get(roles[0], "")),
                start=min(since, left - dt.timedelta(days=400)),
                end=left,
            )
        return current[0]

    def company_sites(self, company: Company, kind: str) -> list[Site]:
        def site(name: str, **extra: object) -> Site:
            street = extra.pop("street", company.street)
            postcode = extra.pop("postcode", company.postcode)
            city = extra.pop("city", company.city)
            lat, lon = self.coords(str(city))
            return contacts.site_create(
                by=self.claire,
                company=company,
                name=name,
                street=street,
                postcode=postcode,
                city=city,
                latitude=lat,
                longitude=lon,
                **extra,
            )

        if kind == "syndic":
            sites = []
            for index in range(self.rng.randint(3, 5)):
                postcode, city = data.pick_town(self.rng)
                residence = self.rng.choice(
                    [
                        "Les Cèdres",
                        "Le Parmelan",
                        "Les Hauts de Vignières",
                        "Le Clos Fleuri",
                        "Les Terrasses du Fier",
                        "Le Tournette",
                        "Les Marquisats",
                        "Le Saint-Bernard",
                    ]
                )
                occupant: Person | None = None
                occupant_name = ""
                if self.rng.random() < 0.5:
                    civility, first = self.random_civility()
                    occupant = self.new_person(
                        civility=civility,
                        first=first,
                        last=self.rng.choice(data.LAST_NAMES),
                        since=self.past_date(100, 900),
                        job_title=self.job_titles["Locataire"],
                    )
                else:
                    occupant_name = f"Gardienne : Mme {self.rng.choice(data.LAST_NAMES)}"
                sites.append(
                    site(
                        f"Résidence {residence}" + (f" — appt {index + 11}" if occupant else ""),
                        street=data.street_address(self.rng),
                        postcode=postcode,
                        city=city,
                        occupant=occupant,
                        occupant_name=occupant_name,
                        access_notes=self.access_note(),
                        is_primary=index == 0,
                    )
                )
            return sites
        if kind == "townhall":
            return [
                site("Mairie", is_primary=True, access_notes="Accueil ouvert 8h30-12h."),
                site(
                    "Salle des fêtes",
                    street="Place du Chef-Lieu",
                    access_notes="Clé à prendre à l'accueil de la mairie.",
                ),
                site("Éclairage public — parking du port", street="Route du Port"),
            ]
        if kind == "school":
            return [
                site(
                    "Groupe scolaire",
                    is_primary=True,
                    access_notes="Interventions le mercredi ou pendant les vacances scolaires "
                    "uniquement. Badge à la loge.",
                )
            ]
        if kind in {"hotel", "workshop"} and self.rng.random() < 0.5:
            return [
                site("Siège", is_primary=True, access_notes=self.access_note()),
                site(
                    "Bâtiment annexe" if kind == "hotel" else "Atelier de production",
                    street=data.street_address(self.rng),
                ),
            ]
        return [
            site(
                "Siège",
                is_primary=True,
                access_notes=self.access_note() if self.rng.random() < 0.5 else "",
            )
        ]

    def pick_customer(self, since: dt.date, kinds: set[str] | None = None) -> Customer:
        pool = [
            c
            for c in self.customers
            if c.since <= since and c.weight > 0 and (kinds is None or c.kind in kinds)
        ]
        return self.rng.choices(pool, weights=[c.weight for c in pool])[0]

    # --- interactions ------------------------------------------------------------------------

    def book(
        self,
        *,
        customer: Customer,
        earliest: dt.date,
        prefer: User,
        half_day: bool = False,
        latest: dt.date | None = None,
        duration: int | None = None,
    ) -> tuple[User, dt.datetime, int] | None:
        """The first free slot of the preferred technician, or of the other one if much sooner."""
        horizon = self.today + dt.timedelta(days=HORIZON_DAYS)
        latest = min(latest or earliest + dt.timedelta(days=30), horizon)
        other = self.karim if prefer == self.gaetan else self.gaetan
        best: tuple[User, dt.date, list[int]] | None = None
        for tech in (prefer, other):
            found = self.planner.first_free(tech, earliest, latest, half_day, self.rng)
            if found and (best is None or found[0] < best[1] - dt.timedelta(days=2)):
                best = (tech, found[0], found[1])
        if best is None:
            return None
        tech, day, slots = best
        self.planner.take(tech, day, slots)
        if half_day:
            start = self.at(day, SLOTS[slots[0]][0])
            duration = 240 if slots[0] == 0 else 210
            return tech, start, duration
        start, longest = self.slot_start(day, slots[0])
        wanted = duration or self.rng.choice([60, 60, 75, 90, 90, 105])
        return tech, start, min(wanted, longest)

    def slot_start(self, day: dt.date, slot: int) -> tuple[dt.datetime, int]:
        """A start time in ``slot`` and the longest the visit may last before the next one."""
        hour, minutes, end_by = SLOTS[slot]
        start = self.at(day, hour, self.rng.choice(minutes))
        longest = int((self.at(day, end_by.hour, end_by.minute) - start).total_seconds() // 60)
        return start, longest

    def appointment(
        self,
        *,
        process: str,
        subject: str,
        customer: Customer,
        tech: User,
        start: dt.datetime,
        duration: int,
        booked_at: dt.datetime,
        report: str,
        stage: str = "",
    ) -> Draft:
        site = self.rng.choice(customer.sites) if customer.sites else None
        draft = Draft(
            kind=Kind.APPOINTMENT,
            process=process,
            subject=subject,
            owner=tech,
            starts_at=start,
            duration=duration,
            customer=customer,
            site=site,
            created_at=min(booked_at, start),
            created_by=self.claire,
            stages=[(booked_at, stage)] if stage else [],
        )
        end = draft.ends_at
        draft.notes.append((end + dt.timedelta(minutes=self.rng.randint(2, 40)), tech, report))
        if site is not None and site.access_notes and self.rng.random() < 0.3:
            draft.notes.append(
                (booked_at + dt.timedelta(minutes=3), self.claire, f"Accès : {site.access_notes}")
            )
        self.drafts.append(draft)
        return draft

    def plan_breakdown(self, day: dt.date, customer: Customer) -> None:
        subject, visit_subject, call_note, report = self.rng.choice(data.BREAKDOWNS)
        called = self.office_time(day)
        if called > self.now:
            return
        urgent = "Urgence" in visit_subject or self.rng.random() < 0.25
        earliest = day if urgent and called.hour < 15 else self.next_workday(day)
        booking = self.book(
            customer=customer,
            earliest=earliest,
            prefer=self.gaetan if self.rng.random() < 0.7 else self.karim,
        )
        task = Draft(
            kind=Kind.TASK,
            process="support",
            subject=subject,
            owner=self.claire,
            starts_at=called,
            deadline=called + dt.timedelta(days=2),
            customer=customer,
            created_at=called,
            created_by=self.claire,
            stages=[(called, "Demande reçue")],
        )
        task.notes.append((called + dt.timedelta(minutes=2), self.claire, f"Appel : {call_note}"))
        self.drafts.append(task)
        if booking is None:
            task.notes.append(
                (called + dt.timedelta(minutes=6), self.claire, "Pas de créneau : à rappeler.")
            )
            task.done_at = called + dt.timedelta(days=1)
            return
        tech, start, duration = booking
        booked = called + dt.timedelta(minutes=self.rng.randint(3, 25))
        task.notes.append(
            (
                booked,
                self.claire,
                f"RDV calé avec {tech.first_name} {_day_label(start)} à {_hhmm(start)}. "
                + self.rng.choice(["Client prévenu par SMS.", "Client OK.", "Confirmé par mail."]),
            )
        )
        task.stages.append((booked, "Intervention"))
        visit = self.appointment(
            process="support",
            subject=f"{visit_subject}",
            customer=customer,
            tech=tech,
            start=start,
            duration=duration,
            booked_at=booked,
            report=report,
            stage="Intervention",
        )
        closed = visit.ends_at + dt.timedelta(hours=self.rng.randint(2, 30))
        task.deadline = max(task.deadline or called, visit.ends_at + dt.timedelta(days=1))
        task.done_at = closed
        task.stages.append((closed, "Résolu"))
        task.notes.append((closed, self.claire, "Intervention faite, facture envoyée."))
        if "devis" in report and self.rng.random() < 0.7:
            self.plan_quote(closed.date(), customer, origin="suite à l'intervention")

    def plan_quote(self, day: dt.date, customer: Customer, origin: str = "") -> None:
        need, quote_subject, amount, visit_subject = self.rng.choice(data.QUOTES)
        amount = int(amount * self.rng.uniform(0.8, 1.3) / 10) * 10
        asked = self.office_time(day)
        if asked > self.now:
            return
        seller = self.marc if self.rng.random() < 0.65 else self.sophie
        deal = Draft(
            kind=Kind.TASK,
            process="vente",
            subject=quote_subject,
            owner=seller,
            starts_at=asked,
            deadline=asked + dt.timedelta(days=21),
            customer=customer,
            created_at=asked,
            created_by=self.claire,
            stages=[(asked, "01 Prise de contact")],
        )
        why = origin or self.rng.choice(
            ["appel entrant", "demande via le site web", "recommandé par un voisin"]
        )
        deal.notes.append(
            (asked + dt.timedelta(minutes=4), self.claire, f"Demande de devis ({why}) : {need}.")
        )
        self.drafts.append(deal)
        booking = self.book(
            customer=customer,
            earliest=self.next_workday(asked.date()),
            prefer=self.karim if self.rng.random() < 0.7 else self.gaetan,
        )
        if booking is None:
            deal.notes.append(
                (asked + dt.timedelta(hours=2), seller, "Visite technique à planifier.")
            )
            return
        tech, start, duration = booking
        booked = asked + dt.timedelta(minutes=self.rng.randint(10, 240))
        deal.stages.append((booked, "02 Besoin qualifié"))
        visit = self.appointment(
            process="vente",
            subject=visit_subject,
            customer=customer,
            tech=tech,
            start=start,
            duration=duration,
            booked_at=booked,
            report=self.rng.choice(
                [
                    "Relevé fait, photos prises. Tableau à 2 rangées, place OK.",
                    "Métrés faits. Prévoir une tranchée de 12 m, voir avec le client.",
                    "Client très intéressé, veut un devis rapidement.",
                    "Installation existante vétuste, pas de terre dans la salle de bain.",
                ]
            ),
            stage="02 Besoin qualifié",
        )
        sent = visit.ends_at + dt.timedelta(days=self.rng.randint(1, 5), hours=2)
        self.quote_number += 1
        number = f"D-{sent.year}-{self.quote_number:04d}"
        deal.stages.append((sent, "03 Devis envoyé"))
        deal.notes.append(
            (sent, seller, f"Devis n° {number} envoyé par e-mail : {_euros(amount)} TTC.")
        )
        if seller == self.marc and self.rng.random() < 0.4:
            # Marc goes and explains the bigger quotes at the customer's.
            meeting = self.at(self.next_workday(sent.date()), self.rng.choice([10, 15, 17]))
            self.drafts.append(
                Draft(
                    kind=Kind.APPOINTMENT,
                    process="vente",
                    subject="Présentation du devis",
                    owner=self.marc,
                    starts_at=meeting,
                    duration=60,
                    customer=customer,
                    site=customer.sites[0] if customer.sites else None,
                    created_at=sent,
                    created_by=self.marc,
                    stages=[(sent, "03 Devis envoyé")],
                    notes=[
                        (
                            meeting + dt.timedelta(minutes=75),
                            self.marc,
                            self.rng.choice(
                                [
                                    "Devis expliqué ligne par ligne, le client réfléchit.",
                                    "Client intéressé, demande une variante sans la VMC.",
                                    "Bon contact, signature probable la semaine prochaine.",
                                ]
                            ),
                        )
                    ],
                )
            )
        follow_up_at = self.at(self.next_workday((sent + dt.timedelta(days=7)).date()), 9)
        follow_up = Draft(
            kind=Kind.TASK,
            process="vente",
            subject="Relancer le devis",
            owner=self.claire,
            starts_at=follow_up_at,
            deadline=follow_up_at + dt.timedelta(days=1),
            customer=customer,
            created_at=sent,
            created_by=seller,
            stages=[(sent, "03 Devis envoyé")],
        )
        self.drafts.append(follow_up)
        roll = self.rng.random()
        decided = follow_up_at + dt.timedelta(days=self.rng.randint(1, 18))
        deal.deadline = max(deal.deadline or asked, decided)
        if roll < 0.08 and asked < self.now - dt.timedelta(days=45):
            roll = 0.3  # nobody thinks for six weeks: lost.
        if roll < 0.08:
            # Still thinking: the deal and the follow-up stay open.
            follow_up.notes.append(
                (
                    follow_up_at + dt.timedelta(hours=1),
                    self.claire,
                    self.rng.choice(data.PHONE_NOTES),
                )
            )
            follow_up.done_at = None
            return
        follow_up.done_at = follow_up_at + dt.timedelta(hours=self.rng.randint(1, 30))
        if roll < 0.45:
            reason = self.rng.choice(data.LOST_REASONS)
            follow_up.notes.append((follow_up.done_at, self.claire, reason))
            deal.stages.append((decided, "Perdue"))
            deal.notes.append((decided, seller, f"Classé perdu : {reason}"))
            deal.done_at = decided
            deal.outcome = reason
            return
        follow_up.notes.append(
            (follow_up.done_at, self.claire, "Client d'accord, bon pour accord à recevoir signé.")
        )
        deal.stages.append((decided, "Gagnée"))
        deal.notes.append((decided, seller, "Devis signé reçu, acompte de 30 % encaissé."))
        deal.done_at = decided
        deal.outcome = f"Gagnée : {_euros(amount)} TTC"
        if decided > self.now:
            return
        works = self.book(
            customer=customer,
            earliest=(decided + dt.timedelta(days=self.rng.randint(7, 25))).date(),
            prefer=self.karim,
            half_day=True,
        )
        if works is not None:
            tech, start, duration = works
            self.appointment(
                process="vente",
                subject=data.WORKS[need],
                customer=customer,
                tech=tech,
                start=start,
                duration=duration,
                booked_at=decided + dt.timedelta(hours=1),
                report=self.rng.choice(
                    [
                        "Travaux terminés, mise en service faite, client formé.",
                        "Posé et testé. Reste l'attestation Consuel à envoyer.",
                        "Chantier fini, nettoyé. Le client est ravi.",
                    ]
                ),
                stage="Gagnée",
            )

    def plan_maintenance(self, day: dt.date, customer: Customer, booked_at: dt.datetime) -> None:
        subject, duration, report = self.rng.choice(data.MAINTENANCE)
        booking = self.book(customer=customer, earliest=day, prefer=self.gaetan, duration=duration)
        if booking is None:
            return
        tech, start, duration = booking
        self.appointment(
            process="support",
            subject=subject,
            customer=customer,
            tech=tech,
            start=start,
            duration=duration,
            booked_at=booked_at,
            report=report,
            stage="Intervention",
        )

    def office_task(
        self,
        *,
        day: dt.date,
        owner: User,
        process: str,
        subject: str,
        note: str,
        customer: Customer | None = None,
        hours: int = 2,
        stage: str = "",
        past_only: bool = False,
    ) -> Draft:
        """A task at the office; ``past_only`` drops it when it falls after now."""
        start = self.office_time(day)
        draft = Draft(
            kind=Kind.TASK,
            process=process,
            subject=subject,
            owner=owner,
            starts_at=start,
            deadline=start + dt.timedelta(hours=hours),
            customer=customer,
            created_at=min(start, self.now - dt.timedelta(minutes=30)),
            created_by=owner,
            done_at=start + dt.timedelta(minutes=self.rng.randint(5, hours * 60)),
            stages=[(start, stage)] if stage else [],
        )
        if note:
            draft.notes.append((draft.done_at or start, owner, note))
        if not (past_only and start > self.now):
            self.drafts.append(draft)
        return draft

    def plan_year(self) -> None:
        first = self.today - dt.timedelta(days=HISTORY_DAYS)
        for day in self.workdays(first, self.today):
            for _ in range(self.rng.choice([1, 1, 2, 2, 2, 3])):
                self.plan_breakdown(day, self.pick_customer(day))
            if self.rng.random() < 0.45:
                self.plan_quote(day, self.pick_customer(day))
            if self.rng.random() < 0.3:
                customer = self.pick_customer(
                    day, {"syndic", "copro", "hotel", "school", "townhall", "restaurant"}
                )
                self.plan_maintenance(day + dt.timedelta(days=10), customer, self.office_time(day))
            for _ in range(self.rng.choice([1, 2, 2, 3])):
                subject, note = self.rng.choice(data.CALL_FOLLOW_UPS)
                customer = self.pick_customer(day)
                self.office_task(
                    day=day,
                    owner=self.claire,
                    process="appel",
                    subject=subject,
                    note=note,
                    customer=customer,
                    hours=1,
                    past_only=True,
                )
            if self.rng.random() < 0.8:
                subject, note = self.rng.choice(data.EMAILS)
                customer = self.pick_customer(day)
                self.office_task(
                    day=day,
                    owner=self.claire if self.rng.random() < 0.6 else self.marc,
                    process="email",
                    subject=subject,
                    note=note,
                    customer=customer,
                    hours=3,
                    past_only=True,
                )
            if self.rng.random() < 0.4:
                subject, note = self.rng.choice(data.ADMIN_TASKS)
                self.office_task(
                    day=day,
                    owner=self.claire if self.rng.random() < 0.7 else self.sophie,
                    process="administratif",
                    subject=subject,
                    note=note,
                    hours=24,
                )
            if self.rng.random() < 0.25 and self.suppliers:
                subject, note = self.rng.choice(data.SUPPLIER_TASKS)
                self.office_task(
                    day=day,
                    owner=self.claire,
                    process="achat",
                    subject=subject,
                    note=note.format(num=self.rng.randint(40000, 49999)),
                    customer=self.suppliers[-1]
                    if subject.startswith("Location")
                    else self.rng.choice(self.suppliers[:-1]),
                    hours=4,
                    stage="Commandé",
                )
            if self.rng.random() < 0.1:
                self.office_task(
                    day=day,
                    owner=self.sophie,
                    process="prive",
                    subject=self.rng.choice(data.PRIVATE_TASKS),
                    note="Fait.",
                    hours=2,
                )
            if self.rng.random() < 0.03:
                self.office_task(
                    day=day,
                    owner=self.marc,
                    process="vente",
                    subject=self.rng.choice(data.MARKETING_TASKS),
                    note="",
                    hours=48,
                    stage="01 Prise de contact",
                )

    def plan_weekly_meetings(self) -> None:
        """Every Monday at 8:00 the office plans the week with the technicians."""
        first = self.today - dt.timedelta(days=HISTORY_DAYS)
        for day in self.workdays(first, self.today + dt.timedelta(days=HORIZON_DAYS)):
            if day.weekday() != 0:
                continue
            start = self.at(day, 7, 45)
            self.drafts.append(
                Draft(
                    kind=Kind.APPOINTMENT,
                    process="administratif",
                    subject="Point planning de la semaine avec Sophie, Gaëtan et Karim",
                    owner=self.claire,
                    starts_at=start,
                    duration=15,
                    created_at=start - dt.timedelta(days=7),
                    created_by=self.claire,
                )
            )

    def plan_weeks_ahead(self) -> None:
        """Planned maintenance fills the technicians' coming weeks; the office plans tasks."""
        start = self.today
        for day in self.workdays(start, start + dt.timedelta(days=HORIZON_DAYS)):
            for tech in self.techs:
                if not self.planner.works(tech, day):
                    continue
                target = (
                    self.rng.choice([2, 3, 3, 4])
                    if day == self.today
                    else self.rng.choice([1, 2, 2, 3])
                )
                while len(self.planner.busy[(tech.pk, day)]) < target:
                    customer = self.pick_customer(self.today)
                    subject, duration, report = self.rng.choice(data.MAINTENANCE)
                    if customer.kind == "individual":
                        subject = self.rng.choice(
                            [
                                "Visite technique avant devis",
                                "Remplacement de prises et interrupteurs",
                                "Pose de luminaires",
                                "Diagnostic électrique",
                            ]
                        )
                    free = [s for s in range(4) if s not in self.planner.busy[(tech.pk, day)]]
                    slot = self.rng.choice(free)
                    self.planner.take(tech, day, [slot])
                    start, longest = self.slot_start(day, slot)
                    self.appointment(
                        process="support",
                        subject=subject,
                        customer=customer,
                        tech=tech,
                        start=start,
                        duration=min(duration, longest),
                        booked_at=self.now - dt.timedelta(days=self.rng.randint(1, 20)),
                        report=report,
                        stage="Intervention",
                    )
            if day > self.today and self.rng.random() < 0.5:
                subject, _note = self.rng.choice(data.ADMIN_TASKS)
                self.office_task(
                    day=day,
                    owner=self.claire,
                    process="administratif",
                    subject=subject,
                    note="",
                    hours=24,
                )
        if self.today.weekday() >= 5:
            # On call at the weekend: Gaëtan answers an emergency this morning.
            _subject, visit_subject, _call, report = self.rng.choice(data.BREAKDOWNS)
            self.planner.take(self.gaetan, self.today, [1])
            self.appointment(
                process="support",
                subject=f"Astreinte — {visit_subject}",
                customer=self.pick_customer(self.today),
                tech=self.gaetan,
                start=self.at(self.today, 10),
                duration=90,
                booked_at=self.at(self.today, 9, 20),
                report=report,
                stage="Intervention",
            )
        # Claire's desk today, whatever the day: three things to do.
        for subject, process, hours in (
            ("Confirmer les RDV de demain par SMS", "administratif", 8),
            (
                "Préparer le dossier Consuel — " + self.pick_customer(self.today).label,
                "administratif",
                6,
            ),
            (
                "Rappeler " + self.pick_customer(self.today).label + " : question sur la facture",
                "appel",
                4,
            ),
        ):
            start = self.at(self.today, 8, 30)
            self.drafts.append(
                Draft(
                    kind=Kind.TASK,
                    process=process,
                    subject=subject,
                    owner=self.claire,
                    starts_at=start,
                    deadline=start + dt.timedelta(hours=hours),
                    created_at=min(start, self.now) - dt.timedelta(days=1),
                    created_by=self.claire,
                    state=State.OPEN,
                )
            )

    def plan_stale_work(self) -> None:
        """The "vieilles casseroles": unfinished work that ended before today."""
        owners: list[tuple[User, list[tuple[str, str]], str, int]] = [
            (self.claire, data.STALE_TASKS, "administratif", 9),
            (self.gaetan, data.TECH_STALE_TASKS, "support", 2),
            (self.karim, data.TECH_STALE_TASKS, "support", 2),
            (
                self.sophie,
                [("Relancer {client} : facture de plus de 60 jours", "")],
                "administratif",
                2,
            ),
        ]
        for owner, templates, process, count in owners:
            shuffled = self.rng.sample(templates, len(templates))
            for index in range(count):
                subject, note = shuffled[index % len(shuffled)]
                day = self.past_date(3, 120)
                customer = self.pick_customer(day)
                start = self.office_time(day)
                draft = Draft(
                    kind=Kind.TASK,
                    process=process,
                    subject=subject.format(client=customer.label),
                    owner=owner,
                    starts_at=start,
                    deadline=start + dt.timedelta(days=self.rng.randint(1, 5)),
                    customer=customer,
                    created_at=start,
                    created_by=self.claire,
                    state=State.IN_PROGRESS if note else State.OPEN,
                )
                if note:
                    draft.notes.append((start + dt.timedelta(days=1, hours=1), owner, note))
                if draft.ends_at < self.at(self.today, 0):
                    self.drafts.append(draft)

    def plan_story_of_dupont_and_martin(self) -> None:
        """M. Dupont: three jobs in the past, a call today. Mme Martin: a quote to chase."""
        dupont = self.dupont
        for days_ago, subject, report, tech in (
            (
                300,
                "Dépannage : prise qui chauffe dans la cuisine",
                "Prise 32 A de la plaque remplacée. Tableau ancien (fusibles à broches "
                "sur 2 circuits) : conseillé une mise en conformité.",
                self.gaetan,
            ),
            (
                170,
                "Pose borne de recharge IRVE",
                "Borne 7 kW posée au garage, circuit dédié + différentiel type A. "
                "Attestation Consuel à envoyer.",
                self.karim,
            ),
            (
                60,
                "Entretien annuel VMC",
                "Filtres changés. Le client signale que le disjoncteur général a sauté "
                "deux fois ce mois-ci : à surveiller.",
                self.gaetan,
            ),
        ):
            day = self.today - dt.timedelta(days=days_ago)
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1)
            start = self.at(day, 14)
            self.planner.take(tech, day, [2, 3] if "borne" in subject else [2])
            self.appointment(
                process="vente" if "borne" in subject else "support",
                subject=subject,
                customer=dupont,
                tech=tech,
                start=start,
                duration=90 if "borne" not in subject else 210,
                booked_at=start - dt.timedelta(days=6),
                report=report,
                stage="Gagnée" if "borne" in subject else "Intervention",
            )
        # He calls at 9:15 and gets Gaëtan the next working day at 14h ("Ok demain 14h").
        # Loaded before the office opens, the call was the evening before: the visit is today.
        if self.now >= self.at(self.today, 9, 25):
            self.dupont_call = self.at(self.today, 9, 15)
        else:
            self.dupont_call = self.at(self.previous_workday(self.today), 17, 5)
        visit_day = self.next_workday(self.dupont_call.date())
        self.planner.take(self.gaetan, visit_day, [2])
        self.dupont_visit = self.at(visit_day, 14)

        martin = self.martin
        asked = self.at(self.today - dt.timedelta(days=26), 10, 20)
        visit_day = self.today - dt.timedelta(days=21)
        while visit_day.weekday() >= 5:
            visit_day -= dt.timedelta(days=1)
        self.planner.take(self.karim, visit_day, [1])
        visit = self.appointment(
            process="vente",
            subject="Diagnostic électrique avant devis",
            customer=martin,
            tech=self.karim,
            start=self.at(visit_day, 10, 30),
            duration=90,
            booked_at=asked + dt.timedelta(minutes=15),
            report="Tableau de 1985 sans différentiel 30 mA, pas de liaison équipotentielle "
            "dans la salle de bain. Devis mise en conformité + tableau neuf à faire.",
            stage="02 Besoin qualifié",
        )
        sent = visit.ends_at + dt.timedelta(days=2, hours=3)
        deal = Draft(
            kind=Kind.TASK,
            process="vente",
            subject="Devis mise en conformité NF C 15-100",
            owner=self.marc,
            starts_at=asked,
            deadline=self.at(self.today + dt.timedelta(days=10), 18),
            customer=martin,
            created_at=asked,
            created_by=self.claire,
            stages=[
                (asked, "01 Prise de contact"),
                (asked + dt.timedelta(minutes=15), "02 Besoin qualifié"),
                (sent, "03 Devis envoyé"),
            ],
            state=State.IN_PROGRESS,
        )
        deal.notes += [
            (
                asked + dt.timedelta(minutes=5),
                self.claire,
                "Appel de Mme Martin : vient d'acheter la maison, veut tout remettre aux "
                "normes avant d'emménager. Visite de Karim calée.",
            ),
            (
                sent,
                self.marc,
                f"Devis n° D-{sent.year}-0142 envoyé par e-mail : {_euros(3480)} TTC.",
            ),
            (
                sent + dt.timedelta(days=3),
                self.marc,
                "Mme Martin compare avec un autre devis. Proposer un échelonnement en 3 fois.",
            ),
        ]
        self.drafts.append(deal)
        self.martin_sent = sent

    # --- insertion ---------------------------------------------------------------------------

    def finish(self, draft: Draft) -> Interaction:
        now = self.now
        ends_at = draft.ends_at
        completed_at: dt.datetime | None = None
        if draft.state is not None:
            state = draft.state
        elif draft.kind == Kind.APPOINTMENT:
            if ends_at <= now:
                state = State.DONE
                completed_at = ends_at + dt.timedelta(minutes=10)
            elif draft.starts_at <= now:
                state = State.IN_PROGRESS
            else:
                state = State.OPEN
        elif draft.done_at is not None and draft.done_at <= now:
            state = State.DONE
            completed_at = draft.done_at
        elif any(t <= now for t, _user, _body in draft.notes):
            state = State.IN_PROGRESS
        else:
            state = State.OPEN
        stage_name = ""
        for moment, name in sorted(draft.stages, key=lambda s: s[0]):
            if moment <= now or not stage_name:
                stage_name = name
        process = self.processes[draft.process]
        stage = self.stages.get((process.pk, stage_name)) if stage_name else None
        customer = draft.customer
        created_at = draft.created_at or draft.starts_at
        return Interaction(
            workspace=self.workspace,
            kind=draft.kind,
            process=process,
            stage=stage,
            state=state,
            subject=draft.subject[:200],
            owner=draft.owner,
            company=customer.company if customer else None,
            person=customer.person if customer else None,
            site=draft.site,
            starts_at=draft.starts_at,
            deadline=draft.deadline if draft.kind == Kind.TASK else None,
            duration_minutes=draft.duration if draft.kind == Kind.APPOINTMENT else None,
            ends_at=ends_at,
            outcome=draft.outcome if state == State.DONE else "",
            created_by=draft.created_by or draft.owner,
            created_at=min(created_at, now),
            completed_at=completed_at,
        )

    def insert_interactions(self) -> int:
        self.drafts.sort(key=lambda d: (d.starts_at, d.subject))
        rows = [self.finish(d) for d in self.drafts]
        Interaction.objects.bulk_create(rows, batch_size=500)
        notes = []
        for draft, row in zip(self.drafts, rows, strict=True):
            for moment, author, body in sorted(draft.notes, key=lambda n: n[0]):
                if moment <= self.now:
                    notes.append(
                        Note(
                            workspace=self.workspace,
                            interaction=row,
                            author=author,
                            body=body,
                            created_at=moment,
                        )
                    )
        Note.objects.bulk_create(notes, batch_size=500)
        return len(rows)

    def create_key_interactions(self) -> None:
        """Today's call from M. Dupont and the overdue follow-up of Mme Martin's quote."""
        call_at = self.dupont_call
        dupont = self.dupont
        support = self.processes["support"]
        request = interaction_create(
            by=self.claire,
            kind=Kind.TASK,
            process=support,
            stage=self.stages[(support.pk, "Intervention")],
            state=State.IN_PROGRESS,
            subject="Problème tableau électrique : le disjoncteur général saute",
            person=dupont.person,
            site=dupont.sites[0],
            starts_at=call_at,
            deadline=self.dupont_visit + dt.timedelta(days=1),
        )
        Interaction.objects.filter(pk=request.pk).update(created_at=call_at)
        visit = interaction_create(
            by=self.claire,
            owner=self.gaetan,
            kind=Kind.APPOINTMENT,
            process=support,
            stage=self.stages[(support.pk, "Intervention")],
            subject="Dépannage : disjoncteur général qui saute",
            person=dupont.person,
            site=dupont.sites[0],
            starts_at=self.dupont_visit,
            duration_minutes=90,
        )
        Interaction.objects.filter(pk=visit.pk).update(created_at=call_at)
        self.dupont_request, self.dupont_appointment = request, visit
        Note.objects.bulk_create(
            [
                Note(
                    workspace=self.workspace,
                    interaction=request,
                    author=self.claire,
                    body="M. Dupont appelle : le disjoncteur général saute depuis hier soir, "
                    "surtout quand le chauffe-eau se met en route. Déjà signalé à l'entretien "
                    "VMC il y a deux mois.",
                    created_at=call_at + dt.timedelta(minutes=1),
                ),
                Note(
                    workspace=self.workspace,
                    interaction=request,
                    author=self.claire,
                    body=f"RDV calé avec Gaëtan {_day_label(self.dupont_visit)} à 14h. "
                    "M. Dupont sera là, code portail inchangé.",
                    created_at=call_at + dt.timedelta(minutes=4),
                ),
                Note(
                    workspace=self.workspace,
                    interaction=visit,
                    author=self.claire,
                    body="Prévoir un différentiel 40 A type A en stock, tableau de 2008.",
                    created_at=call_at + dt.timedelta(minutes=5),
                ),
            ]
        )

        vente = self.processes["vente"]
        follow_up_at = self.at(self.today - dt.timedelta(days=4), 9)
        follow_up = interaction_create(
            by=self.claire,
            kind=Kind.TASK,
            process=vente,
            stage=self.stages[(vente.pk, "03 Devis envoyé")],
            subject="Relancer le devis",
            person=self.martin.person,
            site=self.martin.sites[0],
            starts_at=follow_up_at,
            deadline=follow_up_at + dt.timedelta(hours=8),
        )
        Interaction.objects.filter(pk=follow_up.pk).update(created_at=self.martin_sent)

    def create_past_visits(self, count: int = 60, weeks: int = 12) -> None:
        """Booked visits behind some past appointments of the last weeks, with the time each
        customer waited for a confirmation: the figures of « Délai de prise de RDV »."""
        technicians = {t.user_id: t for t in Technician.objects.filter(workspace=self.workspace)}
        services = {s.code: s for s in ServiceType.objects.filter(workspace=self.workspace)}
        since = self.now - dt.timedelta(weeks=weeks)
        rows = list(
            Interaction.objects.filter(
                workspace=self.workspace,
                kind=Kind.APPOINTMENT,
                owner_id__in=list(technicians),
                created_at__gte=since,
                starts_at__lt=self.now,
            )
            .exclude(state=State.CANCELLED)
            .select_related("person", "company")
            .order_by("created_at", "pk")
        )
        # Every n-th appointment (n fractional) so the whole period is covered evenly.
        picked = [rows[int(i * len(rows) / count)] for i in range(min(count, len(rows)))]
        keywords = [
            ("vmc", "vmc"),
            ("borne", "irve"),
            ("irve", "irve"),
            ("tableau", "tableau"),
            ("chauffage", "chauffage"),
            ("radiateur", "chauffage"),
            ("conformit", "diagnostic"),
            ("diagnostic", "diagnostic"),
        ]
        # channel, weight, lead time in seconds (low, high)
        channels = [
            (Channel.PHONE, 55, (90, 280)),
            (Channel.ONLINE, 25, (45, 130)),
            (Channel.EMAIL, 12, (3600, 8 * 3600)),
            (Channel.STAFF, 5, (60, 240)),
            (Channel.API, 3, (40, 110)),
        ]
        taken: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        numbers: dict[int, int] = defaultdict(int)
        visits = []
        for row in picked:
            text = row.subject.lower()
            code = next((c for word, c in keywords if word in text), "depannage")
            service = services.get(code) or services["depannage"]
            ends_at = (row.ends_at or row.starts_at) + dt.timedelta(minutes=service.buffer_minutes)
            technician = technicians[row.owner_id]
            if any(a < ends_at and row.starts_at < b for a, b in taken[technician.pk]):
                continue
            taken[technician.pk].append((row.starts_at, ends_at))
            channel, _weight, (low, high) = self.rng.choices(
                channels, weights=[c[1] for c in channels]
            )[0]
            lead = self.rng.randint(low, high)
            if channel == Channel.PHONE and self.rng.random() < 0.1:
                lead = self.rng.randint(6 * 60, 15 * 60)  # the call that needed a call back
            confirmed_at = row.created_at
            year = confirmed_at.astimezone(PARIS).year
            numbers[year] += 1
            customer = row.person or row.company
            visits.append(
                Visit(
                    workspace=self.workspace,
                    interaction=row,
                    technician=technician,
                    service_type=service,
                    starts_at=row.starts_at,
                    ends_at=ends_at,
                    status=VisitStatus.CONFIRMED,
                    channel=channel,
                    reference=f"R-{year}-{numbers[year]:04d}",
                    requested_at=confirmed_at - dt.timedelta(seconds=lead),
                    confirmed_at=confirmed_at,
                    contact_name=str(customer) if customer is not None else "",
                    created_at=confirmed_at,
                )
            )
        Visit.objects.bulk_create(visits)
        self.log(f"  {len(visits)} rendez-vous planifiés sur {weeks} semaines (délais mesurés).")

    def create_open_items(self) -> None:
        """Unpaid invoices as the accounting (SAGE) exports them, imported by Sophie: M.
        Dupont's F-…-1188 (240,00 €, due five days ago), a few companies', and one line for
        a former customer Comptoir does not know (listed as « non rattachée »)."""
        year = self.today.year

        def day(offset: int) -> str:
            return (self.today + dt.timedelta(days=offset)).strftime("%d/%m/%Y")

        names = [
            fold(n)
            for n in Company.objects.filter(workspace=self.workspace).values_list("name", flat=True)
        ]
        companies = [
            c.company.name
            for c in self.customers
            if c.company is not None and names.count(fold(c.company.name)) == 1
        ][:3]
        rows = [
            f"411DUP;DUPONT Pierre;F-{year}-1188;{day(-35)};{day(-5)};240,00;Dépannage tableau",
            f"411C01;{companies[0]};F-{year}-1142;{day(-62)};{day(-32)};1 450,00;Mise aux normes",
            f"411C01;{companies[0]};F-{year}-1203;{day(-12)};{day(18)};680,40;Éclairage parking",
            f"411C02;{companies[1]};F-{year}-1175;{day(-45)};{day(-15)};2 312,50;Contrat annuel",
            f"411C03;{companies[2]};F-{year}-1210;{day(-6)};{day(24)};96,00;Remplacement prise",
            f"411GRA;ANCIENS ETS GRANGE;F-{year - 1}-0987;{day(-150)};{day(-120)};154,80;",
        ]
        header = "Code client;Client;N° facture;Date;Échéance;Montant dû;Libellé"
        text = "\r\n".join([header, *rows]) + "\r\n"
        batch = receivables.import_upload(
            by=self.sophie,
            file_name=f"echeances-clients-{self.today:%Y%m%d}.csv",
            data=text.encode("cp1252"),
        )
        batch = receivables.import_apply(batch=batch, by=self.sophie)
        self.log(
            f"  {batch.created_count} factures impayées importées de la comptabilité "
            f"({batch.unmatched_count} ligne non rattachée)."
        )

    def create_dupont_ticket(self) -> None:
        """M. Dupont's call of this morning is a ticket (T-…), « Planifié »: its visit with Gaëtan
        answers it, so the ticket page shows the intervention and the planning shows the ticket."""
        request, appointment = self.dupont_request, self.dupont_appointment
        if Ticket.objects.filter(interaction=request).exists():
            return
        technician = Technician.objects.get(workspace=self.workspace, user=self.gaetan)
        service = ServiceType.objects.get(workspace=self.workspace, code="depannage")
        call_at = self.dupont_call
        year = call_at.astimezone(PARIS).year
        number = ticket_number_next(self.workspace.pk, year)
        hours, zone = workspace_clock(self.workspace.pk)
        holidays = french_holidays()
        first, resolution = (
            SlaPolicy.objects.filter(workspace=self.workspace, priority=Priority.P2)
            .values_list("first_response_minutes", "resolution_minutes")
            .first()
        ) or (60, 960)
        Ticket.objects.create(
            workspace=self.workspace,
            reference=f"T-{year}-{number:04d}",
            year=year,
            number=number,
            person=self.dupont.person,
            site=self.dupont.sites[0],
            priority=Priority.P2,
            channel=TicketChannel.PHONE,
            subject="Le disjoncteur général saute",
            description="Le disjoncteur général saute depuis hier soir, surtout quand le "
            "chauffe-eau se met en route.",
            status=TicketStatus.SCHEDULED,
            assignee=self.claire,
            created_by=self.claire,
            interaction=request,
            created_at=call_at,
            first_response_at=call_at + dt.timedelta(minutes=4),
            first_response_due_at=sla.add_business_minutes(call_at, first, hours, holidays, zone),
            resolution_due_at=sla.add_business_minutes(call_at, resolution, hours, holidays, zone),
        )
        Visit.objects.get_or_create(
            interaction=appointment,
            defaults={
                "workspace": self.workspace,
                "technician": technician,
                "service_type": service,
                "request": request,
                "starts_at": appointment.starts_at,
                "ends_at": appointment.starts_at
                + dt.timedelta(minutes=90 + service.buffer_minutes),
                "channel": Channel.PHONE,
                "reference": visit_reference_next(self.workspace.pk, call_at),
                "requested_at": call_at,
                "confirmed_at": call_at + dt.timedelta(minutes=3),
                "contact_name": str(self.dupont.person),
                "created_at": call_at + dt.timedelta(minutes=3),
            },
        )

    def create_service_history(self, weeks: int = 8) -> None:
        """Requests and phone calls of the last weeks, written as they happened (through the
        models: they are in the past), so the service dashboard has figures on the first visit.
        Skipped when the workspace already has requests."""
        if Ticket.objects.filter(workspace=self.workspace).exists():
            return
        rng = random.Random(SEED + weeks)  # noqa: S311 - its own draws: the rest stays the same
        days = self.workdays(self.today - dt.timedelta(weeks=weeks), self.today)
        hours, zone = workspace_clock(self.workspace.pk)
        holidays = french_holidays()
        targets = {
            p.priority: (p.first_response_minutes, p.resolution_minutes)
            for p in SlaPolicy.objects.filter(workspace=self.workspace)
        }
        channels = [
            (TicketChannel.PHONE, 50),
            (TicketChannel.EMAIL, 25),
            (TicketChannel.PORTAL, 10),
            (TicketChannel.TECHNICIAN, 10),
            (TicketChannel.OFFICE, 5),
        ]
        priorities = [(Priority.P1, 5), (Priority.P2, 20), (Priority.P3, 55), (Priority.P4, 20)]
        subjects = [
            "Disjoncteur qui saute",
            "Plus de courant dans la cuisine",
            "Devis pour une borne de recharge",
            "Prise qui chauffe",
            "VMC bruyante",
            "Radiateur en panne",
            "Contrôle de conformité avant vente",
            "Éclairage extérieur à revoir",
            "Question sur la facture",
            "Chauffe-eau qui ne chauffe plus",
        ]

        def later(start: dt.datetime, minutes: float) -> dt.datetime:
            return sla.add_business_minutes(start, minutes, hours, holidays, zone)

        tickets = []
        numbers: dict[int, int] = defaultdict(int)
        for i in range(40):
            day = days[int(i * len(days) / 40)]
            created = self.office_time(day)
            if created >= self.now:
                created = self.now - dt.timedelta(hours=2)
            channel = rng.choices([c for c, _w in channels], [w for _c, w in channels])[0]
            priority = rng.choices([p for p, _w in priorities], [w for _p, w in priorities])[0]
            first, resolution = targets.get(priority, (600, 1800))
            first_due = later(created, first)
            resolution_due = later(created, resolution)
            late = rng.random() < 0.1
            responded: dt.datetime | None = later(
                created, first * (rng.uniform(1.1, 2.0) if late else rng.uniform(0.05, 0.8))
            )
            resolved: dt.datetime | None = later(
                created, resolution * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.2, 0.9))
            )
            status = TicketStatus.RESOLVED
            if responded is not None and responded > self.now:
                responded = resolved = None
                status = TicketStatus.NEW
            elif resolved is not None and resolved > self.now:
                resolved = None
                status = rng.choice(
                    [TicketStatus.IN_PROGRESS, TicketStatus.SCHEDULED, TicketStatus.IN_PROGRESS]
                )
            closed = None
            if resolved is not None and resolved + dt.timedelta(days=7) < self.now:
                status, closed = TicketStatus.CLOSED, resolved + dt.timedelta(days=7)
            customer = self.pick_customer(day)
            year = created.year
            numbers[year] += 1
            tickets.append(
                Ticket(
                    workspace=self.workspace,
                    reference=f"T-{year}-{numbers[year]:04d}",
                    year=year,
                    number=numbers[year],
                    person=customer.person,
                    company=customer.company,
                    site=customer.sites[0] if customer.sites else None,
                    priority=priority,
                    channel=channel,
                    subject=rng.choice(subjects),
                    status=status,
                    assignee=rng.choice([self.claire, self.claire, self.sophie]),
                    created_by=self.claire,
                    created_at=created,
                    first_response_at=responded,
                    resolved_at=resolved,
                    closed_at=closed,
                    first_response_due_at=first_due,
                    resolution_due_at=resolution_due,
                )
            )
        Ticket.objects.bulk_create(tickets)
        for year, last in numbers.items():
            TicketCounter.objects.update_or_create(
                workspace=self.workspace, year=year, defaults={"last": last}
            )
        # Calls from customers whose number is known; most answered, a few missed.
        phones = list(
            ContactPoint.objects.filter(
                workspace=self.workspace, kind=ContactKind.PHONE, person__isnull=False
            )
            .exclude(normalized="")
            .values_list("person_id", "normalized")[:200]
        )
        people = Person.objects.in_bulk([pk for pk, _n in phones])
        process = self.processes["appel"]
        agents = [self.claire, self.claire, self.claire, self.sophie]
        interactions: list[Interaction] = []
        calls: list[tuple[Call, Interaction, Interaction | None]] = []
        for i in range(60):
            day = days[int(i * len(days) / 60)]
            started = self.office_time(day)
            if started >= self.now:
                started = self.now - dt.timedelta(hours=1)
            person_id, number = rng.choice(phones)
            person = people[person_id]
            agent = rng.choice(agents)
            missed = rng.random() < 0.12
            duration = 0 if missed else rng.randint(40, 540)
            ended = started + dt.timedelta(seconds=duration or 25)
            minutes, seconds = divmod(duration, 60)
            label = "manqué" if missed else f"durée {minutes:02d}:{seconds:02d}"
            trace = Interaction(
                workspace=self.workspace,
                kind=Kind.TASK,
                process=process,
                state=State.DONE,
                subject=("Appel manqué · " if missed else "Appel entrant · ") + str(person),
                owner=agent,
                person=person,
                starts_at=started,
                deadline=ended,
                ends_at=ended,
                outcome=f"Entrant · {label} · {agent.full_name}",
                created_by=agent,
                created_at=ended,
                completed_at=ended,
            )
            interactions.append(trace)
            callback = None
            if missed:
                due = started + dt.timedelta(minutes=30)
                done = due <= self.now
                callback = Interaction(
                    workspace=self.workspace,
                    kind=Kind.TASK,
                    process=process,
                    state=State.DONE if done else State.OPEN,
                    subject=f"Rappeler {person}",
                    owner=self.claire,
                    person=person,
                    starts_at=started,
                    deadline=due,
                    ends_at=due,
                    created_by=self.claire,
                    created_at=started,
                    completed_at=due - dt.timedelta(minutes=10) if done else None,
                )
                interactions.append(callback)
            call = Call(
                workspace=self.workspace,
                call_id=f"demo-{started:%Y%m%d%H%M}-{i}",
                from_number=number,
                from_e164=number,
                agent=agent,
                status=CallStatus.MISSED if missed else CallStatus.ENDED,
                started_at=started,
                answered_at=None if missed else started + dt.timedelta(seconds=8),
                ended_at=ended,
                duration=duration,
                person=person,
                created_at=started,
            )
            calls.append((call, trace, callback))
        Interaction.objects.bulk_create(interactions)
        for call, trace, callback in calls:
            call.interaction, call.callback_task = trace, callback
        Call.objects.bulk_create([c for c, _t, _b in calls])
        missed_count = sum(1 for c, _t, _b in calls if c.status == CallStatus.MISSED)
        self.log(
            f"  {len(tickets)} demandes et {len(calls)} appels ({missed_count} manqués, rappelés) "
            f"sur {weeks} semaines."
        )

    def date_audit_entries(self) -> None:
        """Creation entries carry the date the record was created, not the load time."""
        born: dict[tuple[int, int], dt.datetime] = {}
        for model in (Person, Company):
            ct = ContentType.objects.get_for_model(model)
            for pk, created in model.objects.filter(workspace=self.workspace).values_list(
                "pk", "created_at"
            ):
                born[(ct.pk, pk)] = created
        entries = list(
            AuditEntry.objects.filter(
                workspace=self.workspace, content_type_id__in={k[0] for k in born}
            )
        )
        for entry in entries:
            origin = born.get((entry.content_type_id, entry.object_id))
            if origin is not None:
                entry.created_at = origin + dt.timedelta(seconds=entry.pk % 600)
        AuditEntry.objects.bulk_update(entries, ["created_at"], batch_size=500)


@transaction.atomic
def demo_remove(workspace: Workspace) -> None:
    """Delete the demo workspace and all its rows (references restrict only piecemeal deletes)."""
    # Requests protect their customer: they go first.
    Ticket.objects.filter(workspace=workspace).delete()
    workspace.delete()


def demo_load(*, log: Log, reset: bool = False, now: dt.datetime | None = None) -> bool:
    """Create the demo workspace if absent; return whether anything was created."""
    slug = str(data.WORKSPACE["slug"])
    existing = Workspace.objects.filter(slug=slug).first()
    if existing is not None and reset:
        demo_remove(existing)
        log(f"Espace de démonstration « {existing.name} » supprimé.")
        existing = None
    if existing is not None:
        users = User.objects.filter(workspace=existing).count()
        people = Person.objects.filter(workspace=existing).count()
        log(
            f"L'espace de démonstration « {existing.name} » existe déjà "
            f"({users} utilisateurs, {people} personnes) : rien à faire."
        )
        return False
    if User.objects.filter(email__in=[u[0] for u in data.USERS]).exists():
        log("Des comptes de démonstration existent dans un autre espace : rien à faire.")
        return False
    log("Création de l'espace de démonstration…")
    DemoLoader(log=log, now=now).run()
    log("Prêt. Connexion : claire@duret.example (mot de passe « comptoir-demo »).")
    return True
