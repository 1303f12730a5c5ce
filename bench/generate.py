"""Generate a large, realistic workspace for the benchmark, fast: bulk_create in batches.

``bulk_create`` skips ``save()``, so the derived columns are computed here: ``search_name``
(people and companies, as ``save()`` would fold them) and ``ends_at`` (interactions).
A finished generation is recorded in the ``bench_meta`` table; a database that already holds
the same sizes is re-used as is.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from stdnum import luhn

from comptoir.accounts.models import Role, User, Workspace
from comptoir.accounts.services import workspace_create
from comptoir.activities.models import Interaction, Kind, Note, Process, Stage, State
from comptoir.contacts.models import (
    Affiliation,
    Category,
    Civility,
    Company,
    ContactKind,
    ContactLabel,
    ContactPoint,
    Interest,
    JobTitle,
    LegalForm,
    Person,
    Site,
)
from comptoir.demo import data
from comptoir.lib.phone import OVERSEAS_PREFIX_REGION
from comptoir.lib.text import fold

SLUG = "bench"
OTHER_SLUG = "bench-autre"
DESK_USER_EMAIL = "claire@bench.example"
META_TABLE = "bench_meta"
# Bump when the generated data changes: databases of an older version are regenerated.
GENERATOR_VERSION = "2"
BATCH = 5000
HISTORY_DAYS = 700
FUTURE_DAYS = 30
# The other workspace gets this share of each size: every query must filter it out.
OTHER_SHARE = 0.02

M = TypeVar("M", bound=models.Model)
Log = Callable[[str], None]

TOWNS = [(p, c) for p, c, _w in data.TOWNS] + [
    ("75011", "Paris"),
    ("75015", "Paris"),
    ("69003", "Lyon"),
    ("69100", "Villeurbanne"),
    ("38000", "Grenoble"),
    ("73000", "Chambéry"),
    ("74100", "Annemasse"),
    ("74200", "Thonon-les-Bains"),
    ("01000", "Bourg-en-Bresse"),
    ("42000", "Saint-Étienne"),
    ("13001", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("44000", "Nantes"),
    ("59000", "Lille"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("34000", "Montpellier"),
    ("06000", "Nice"),
    ("21000", "Dijon"),
    ("63000", "Clermont-Ferrand"),
    ("37000", "Tours"),
    ("97400", "Saint-Denis"),
]
COMPANY_PATTERNS = [
    "Boulangerie {L}",
    "Boucherie {L}",
    "Garage {L}",
    "Garage du {P}",
    "SCI {L}",
    "SCI du {P}",
    "Restaurant Le {P}",
    "Brasserie du {P}",
    "Hôtel du {P}",
    "Plomberie {L}",
    "{L} Électricité",
    "{L} & Fils",
    "Menuiserie {L}",
    "Cabinet {L}",
    "Pharmacie du {P}",
    "Transports {L}",
    "Syndic {L} Immobilier",
    "Copropriété Le {P}",
    "Résidence Le {P}",
    "Agence {L} Immobilier",
    "Maçonnerie {L}",
    "Camping du {P}",
    "Fromagerie {L}",
    "Mairie de {T}",
    "École du {P}",
    "{L} Conseil",
    "Ateliers {L}",
    "Décolletage {L}",
]
PLACES = [
    "Lac",
    "Parc",
    "Centre",
    "Marché",
    "Château",
    "Mont-Blanc",
    "Semnoz",
    "Pâquier",
    "Fier",
    "Belvédère",
    "Chéran",
    "Moulin",
    "Clos Fleuri",
    "Port",
    "Pont",
    "Vieux Bourg",
]
SUBJECTS = {
    "appel": [
        "Appel : demande de rappel",
        "Appel : question sur la facture",
        "Appel : prise de rendez-vous",
        "Appel : client absent au RDV",
    ],
    "support": [b[0] for b in data.BREAKDOWNS] + [b[1] for b in data.BREAKDOWNS],
    "vente": [q[1] for q in data.QUOTES] + [q[3] for q in data.QUOTES] + ["Relancer le devis"],
    "email": [e[0] for e in data.EMAILS],
    "administratif": [a[0] for a in data.ADMIN_TASKS],
    "achat": [s[0] for s in data.SUPPLIER_TASKS],
    "livraison": ["Livraison matériel chantier", "Enlèvement des gravats"],
    "marketing": data.MARKETING_TASKS,
    "prive": data.PRIVATE_TASKS,
}
NOTES = (
    data.PHONE_NOTES
    + [b[2] for b in data.BREAKDOWNS]
    + [b[3] for b in data.BREAKDOWNS]
    + [c[1] for c in data.CALL_FOLLOW_UPS]
    + [m[2] for m in data.MAINTENANCE]
    + data.LOST_REASONS
)
PHONE_FORMATS = ["spaced", "spaced", "compact", "international", "dotted"]


@dataclass(frozen=True)
class Sizes:
    people: int
    companies: int
    interactions: int

    def label(self) -> str:
        return f"p{self.people}-c{self.companies}-i{self.interactions}"


@dataclass
class Generated:
    sizes: Sizes
    seconds: float
    reused: bool
    meta: dict[str, str]


# --- Bookkeeping --------------------------------------------------------------------------


def read_meta() -> dict[str, str]:
    with connection.cursor() as cursor:
        if META_TABLE not in connection.introspection.table_names(cursor):
            return {}
        cursor.execute(f"SELECT name, val FROM {META_TABLE}")
        return {name: val for name, val in cursor.fetchall()}


def write_meta(values: dict[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} "
            "(name VARCHAR(64) PRIMARY KEY, val VARCHAR(255) NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.executemany(
            f"INSERT INTO {META_TABLE} (name, val) VALUES (%s, %s)",
            sorted(values.items()),
        )


def matches(meta: dict[str, str], sizes: Sizes) -> bool:
    return (
        meta.get("done") == "1"
        and meta.get("sizes") == sizes.label()
        and meta.get("version") == GENERATOR_VERSION
    )


def chunks(items: Iterable[M], size: int = BATCH) -> Iterator[list[M]]:
    batch: list[M] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert(model: type[M], rows: Iterable[M]) -> list[int]:
    """Insert in batches, in one transaction per batch; return the new ids."""
    ids: list[int] = []
    for batch in chunks(rows):
        with transaction.atomic():
            model.objects.bulk_create(batch, batch_size=1000)  # type: ignore[attr-defined]
        ids.extend(int(obj.pk) for obj in batch)
    return ids


# --- Values -------------------------------------------------------------------------------


def siren(rng: random.Random) -> str:
    body = str(rng.randint(10_000_000, 99_999_999))
    return body + luhn.calc_check_digit(body)


def skewed(rng: random.Random, items: list[int]) -> int:
    """A few items get most of the picks (quadratic skew): the long-history customers."""
    return items[int(len(items) * rng.random() ** 2)]


class Phones:
    """Unique French numbers; each stored as typed (several formats) and in E.164."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int] = set()

    def _unique(self, low: int, high: int) -> int:
        while True:
            number = self.rng.randint(low, high)
            if number not in self.used:
                self.used.add(number)
                return number

    def mobile(self) -> tuple[str, str]:
        # 06 10 00 00 00 to 06 38 99 99 99 and 07 50… to 07 89…: mainland mobile ranges.
        if self.rng.random() < 0.75:
            number = self._unique(610_000_000, 638_999_999)
        else:
            number = self._unique(750_000_000, 789_999_999)
        return self.typed(number), f"+33{number}"

    def landline(self) -> tuple[str, str]:
        prefix = self.rng.choice([1, 2, 3, 4, 4, 4, 5])
        while True:
            number = self._unique(
                prefix * 100_000_000 + 10_000_000, prefix * 100_000_000 + 99_999_999
            )
            # 0262, 0590… are overseas numbers (Réunion, Guadeloupe…): not +33.
            if f"0{str(number)[:3]}" not in OVERSEAS_PREFIX_REGION:
                return self.typed(number), f"+33{number}"

    def typed(self, number: int) -> str:
        national = f"0{number}"
        pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
        style = self.rng.choice(PHONE_FORMATS)
        if style == "compact":
            return national
        if style == "dotted":
            return pairs.replace(" ", ".")
        if style == "international":
            return f"+33 {national[1]} " + " ".join(national[i : i + 2] for i in range(2, 10, 2))
        return pairs


def phone_as_typed(e164: str, rng: random.Random) -> str:
    """A stored E.164 French number written the way a caller id or a person would."""
    national = "0" + e164[3:]
    pairs = [national[i : i + 2] for i in range(0, 10, 2)]
    return rng.choice(
        [
            " ".join(pairs),
            national,
            ".".join(pairs),
            "-".join(pairs),
            "+33 " + national[1] + " " + " ".join(pairs[1:]),
            "0033" + national[1:],
            e164,
        ]
    )


# --- Generation ---------------------------------------------------------------------------


class Generator:
    def __init__(self, sizes: Sizes, *, seed: int, log: Log) -> None:
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.log = log
        self.now = timezone.now()
        self.phones = Phones(self.rng)
        self.password = make_password("comptoir-bench")
        self.heavy: dict[str, str] = {}

    def run(self) -> None:
        main = workspace_create(
            name="Électricité Générale du Lac",
            slug=SLUG,
            siren=siren(self.rng),
            street="4 rue Sommeiller",
            postcode="74000",
            city="Annecy",
        )
        other = workspace_create(name="Autre espace", slug=OTHER_SLUG)
        self.fill(main, self.sizes, users=30, heavy=True)
        share = Sizes(
            max(1, int(self.sizes.people * OTHER_SHARE)),
            max(1, int(self.sizes.companies * OTHER_SHARE)),
            max(1, int(self.sizes.interactions * OTHER_SHARE)),
        )
        self.fill(other, share, users=3, heavy=False)

    def step(self, label: str, started: float) -> None:
        self.log(f"#   {label} ({time.perf_counter() - started:.1f} s)")

    def fill(self, ws: Workspace, sizes: Sizes, *, users: int, heavy: bool) -> None:
        started = time.perf_counter()
        team = self.users(ws, users, heavy)
        companies, company_names = self.companies(ws, sizes.companies)
        self.step(f"{ws.slug} : {len(companies)} sociétés", started)
        people, person_names = self.people(ws, sizes.people)
        self.step(f"{ws.slug} : {len(people)} personnes", started)
        employer = self.affiliations(ws, people, companies)
        person_site, company_site = self.sites(ws, people, companies)
        self.step(f"{ws.slug} : rattachements et sites", started)
        self.contact_points(ws, people, companies, person_site)
        self.interests(ws, people)
        self.step(f"{ws.slug} : coordonnées et centres d'intérêt", started)
        # Shuffled once, then skewed: a few customers have long histories, most a handful.
        people_order = people[:]
        companies_order = companies[:]
        self.rng.shuffle(people_order)
        self.rng.shuffle(companies_order)
        count = self.interactions(
            ws,
            sizes.interactions,
            team,
            people_order,
            companies_order,
            person_names,
            company_names,
            employer,
            person_site,
            company_site,
        )
        self.step(f"{ws.slug} : {count} interactions et leurs notes", started)
        if heavy:
            self.heavy["heavy_person_id"] = str(people_order[0])
            self.heavy["heavy_company_id"] = str(companies_order[0])
            self.heavy["desk_user_email"] = DESK_USER_EMAIL

    def users(self, ws: Workspace, count: int, heavy: bool) -> list[tuple[int, str, float]]:
        """(id, role, weight): the first user has twice the average load."""
        roles = [Role.AGENT, Role.ADMIN, Role.MANAGER]
        roles += [Role.AGENT] * max(0, count // 3 - 3)
        roles += [Role.TECHNICIAN] * (count - len(roles))
        rows = []
        for index, role in enumerate(roles[:count]):
            first = (
                "Claire"
                if index == 0
                else self.rng.choice(data.FEMALE_FIRST_NAMES + data.MALE_FIRST_NAMES)
            )
            email = (
                DESK_USER_EMAIL
                if heavy and index == 0
                else f"{fold(first).replace(' ', '-')}.{index}@{ws.slug}.example"
            )
            rows.append(
                User(
                    workspace_id=ws.pk,
                    email=email,
                    first_name=first,
                    last_name=self.rng.choice(data.LAST_NAMES),
                    role=role,
                    password=self.password,
                )
            )
        ids = insert(User, rows)
        return [
            (pk, str(row.role), 2.0 if index == 0 else 1.0)
            for index, (pk, row) in enumerate(zip(ids, rows, strict=True))
        ]

    def created_at(self, days: int = 5 * 365) -> dt.datetime:
        return self.now - dt.timedelta(days=self.rng.uniform(HISTORY_DAYS, days))

    def companies(self, ws: Workspace, count: int) -> tuple[list[int], dict[int, str]]:
        forms = list(LegalForm.objects.filter(workspace=ws).values_list("pk", flat=True))
        categories = [Category.CLIENT] * 8 + [Category.PROSPECT] * 3 + [Category.SUPPLIER]
        names: list[str] = []

        def rows() -> Iterator[Company]:
            for _ in range(count):
                postcode, city = self.rng.choice(TOWNS)
                name = self.rng.choice(COMPANY_PATTERNS).format(
                    L=self.rng.choice(data.LAST_NAMES), P=self.rng.choice(PLACES), T=city
                )
                names.append(name)
                number = siren(self.rng)
                yield Company(
                    workspace_id=ws.pk,
                    name=name,
                    search_name=fold(name),
                    legal_form_id=self.rng.choice(forms),
                    siren=number,
                    siret=number + "0001" + luhn.calc_check_digit(number + "0001"),
                    category=self.rng.choice(categories),
                    street=data.street_address(self.rng),
                    postcode=postcode,
                    city=city,
                    created_at=self.created_at(),
                )

        ids = insert(Company, rows())
        return ids, dict(zip(ids, names, strict=True))

    def people(self, ws: Workspace, count: int) -> tuple[list[int], dict[int, str]]:
        labels: list[str] = []

        def rows() -> Iterator[Person]:
            for _ in range(count):
                if self.rng.random() < 0.5:
                    civility, first = Civility.MR, self.rng.choice(data.MALE_FIRST_NAMES)
                else:
                    civility, first = Civility.MRS, self.rng.choice(data.FEMALE_FIRST_NAMES)
                last = self.rng.choice(data.LAST_NAMES)
                labels.append(f"{civility} {last}")
                address: dict[str, Any] = {}
                if self.rng.random() < 0.6:
                    postcode, city = self.rng.choice(TOWNS)
                    address = {
                        "street": data.street_address(self.rng),
                        "postcode": postcode,
                        "city": city,
                    }
                yield Person(
                    workspace_id=ws.pk,
                    civility=civility,
                    first_name=first,
                    last_name=last,
                    search_name=fold(f"{last} {first} {last}"),
                    category=Category.CLIENT if self.rng.random() < 0.85 else Category.PROSPECT,
                    created_at=self.created_at(),
                    **address,
                )

        ids = insert(Person, rows())
        return ids, dict(zip(ids, labels, strict=True))

    def affiliations(
        self, ws: Workspace, people: list[int], companies: list[int]
    ) -> dict[int, int]:
        titles = list(JobTitle.objects.filter(workspace=ws).values_list("pk", flat=True))
        employer: dict[int, int] = {}
        today = self.now.date()

        def rows() -> Iterator[Affiliation]:
            for person in people:
                roll = self.rng.random()
                if roll >= 0.35:
                    continue
                company = self.rng.choice(companies)
                employer[person] = company
                start = today - dt.timedelta(days=self.rng.randint(30, 4000))
                yield Affiliation(
                    workspace_id=ws.pk,
                    person_id=person,
                    company_id=company,
                    role=self.rng.choice(["Gérant", "Responsable technique", "Comptable", ""]),
                    job_title_id=self.rng.choice(titles),
                    start=start,
                    is_primary=self.rng.random() < 0.3,
                )
                if roll < 0.08:
                    end = start - dt.timedelta(days=self.rng.randint(1, 300))
                    yield Affiliation(
                        workspace_id=ws.pk,
                        person_id=person,
                        company_id=self.rng.choice(companies),
                        role="Ancien poste",
                        start=end - dt.timedelta(days=self.rng.randint(200, 3000)),
                        end=end,
                    )

        insert(Affiliation, rows())
        return employer

    def sites(
        self, ws: Workspace, people: list[int], companies: list[int]
    ) -> tuple[dict[int, int], dict[int, int]]:
        owners: list[tuple[str, int]] = []

        def rows() -> Iterator[Site]:
            for person in people:
                if self.rng.random() < 0.5:
                    postcode, city = self.rng.choice(TOWNS)
                    owners.append(("person", person))
                    yield Site(
                        workspace_id=ws.pk,
                        person_id=person,
                        name="Domicile",
                        street=data.street_address(self.rng),
                        postcode=postcode,
                        city=city,
                        is_primary=True,
                        access_notes=(
                            data.ACCESS_NOTES[0].format(code=1234, floor=2)
                            if self.rng.random() < 0.2
                            else ""
                        ),
                    )
            for company in companies:
                for index in range(self.rng.choice([1, 1, 1, 2, 3])):
                    postcode, city = self.rng.choice(TOWNS)
                    owners.append(("company", company))
                    yield Site(
                        workspace_id=ws.pk,
                        company_id=company,
                        name="Siège" if index == 0 else f"Site {index + 1}",
                        street=data.street_address(self.rng),
                        postcode=postcode,
                        city=city,
                        is_primary=index == 0,
                        occupant_id=self.rng.choice(people) if self.rng.random() < 0.1 else None,
                    )

        ids = insert(Site, rows())
        person_site: dict[int, int] = {}
        company_site: dict[int, int] = {}
        for (kind, owner), site in zip(owners, ids, strict=True):
            target = person_site if kind == "person" else company_site
            target.setdefault(owner, site)
        return person_site, company_site

    def contact_points(
        self,
        ws: Workspace,
        people: list[int],
        companies: list[int],
        person_site: dict[int, int],
    ) -> None:
        rng = self.rng

        def point(kind: str, label: str, value: str, normalized: str, **owner: int) -> ContactPoint:
            return ContactPoint(
                workspace_id=ws.pk,
                kind=kind,
                label=label,
                value=value,
                normalized=normalized,
                is_primary=True,
                **{f"{k}_id": v for k, v in owner.items()},
            )

        def rows() -> Iterator[ContactPoint]:
            for index, person in enumerate(people):
                if rng.random() < 0.85:
                    yield point(
                        ContactKind.PHONE, ContactLabel.MOBILE, *self.phones.mobile(), person=person
                    )
                if rng.random() < 0.3:
                    yield point(
                        ContactKind.PHONE, ContactLabel.HOME, *self.phones.landline(), person=person
                    )
                if rng.random() < 0.6:
                    email = f"p{index}.{person}@{rng.choice(data.MAIL_DOMAINS)}"
                    yield point(ContactKind.EMAIL, ContactLabel.OTHER, email, email, person=person)
                site = person_site.get(person)
                if site is not None and rng.random() < 0.05:
                    yield point(
                        ContactKind.PHONE, ContactLabel.LANDLINE, *self.phones.landline(), site=site
                    )
            for company in companies:
                if rng.random() < 0.95:
                    yield point(
                        ContactKind.PHONE,
                        ContactLabel.WORK,
                        *self.phones.landline(),
                        company=company,
                    )
                if rng.random() < 0.6:
                    email = f"contact.{company}@entreprise.example"
                    yield point(ContactKind.EMAIL, ContactLabel.WORK, email, email, company=company)

        insert(ContactPoint, rows())

    def interests(self, ws: Workspace, people: list[int]) -> None:
        tags = list(Interest.objects.filter(workspace=ws).values_list("pk", flat=True))
        through = Person.interests.through
        rows = (
            through(person_id=person, interest_id=self.rng.choice(tags))
            for person in people
            if self.rng.random() < 0.1
        )
        insert(through, rows)

    def interactions(
        self,
        ws: Workspace,
        count: int,
        team: list[tuple[int, str, float]],
        people: list[int],
        companies: list[int],
        person_names: dict[int, str],
        company_names: dict[int, str],
        employer: dict[int, int],
        person_site: dict[int, int],
        company_site: dict[int, int],
    ) -> int:
        rng = self.rng
        now = self.now
        processes = {p.code: p.pk for p in Process.objects.filter(workspace=ws)}
        stages: dict[int, list[int]] = {}
        for stage in Stage.objects.filter(workspace=ws).order_by("position"):
            stages.setdefault(stage.process_id, []).append(stage.pk)
        process_mix = {
            Role.TECHNICIAN: (["support", "vente"], [75, 25]),
            Role.AGENT: (
                ["appel", "support", "vente", "email", "administratif", "achat", "livraison"],
                [30, 25, 18, 14, 8, 3, 2],
            ),
            Role.ADMIN: (
                ["vente", "administratif", "prive", "email", "marketing", "support"],
                [35, 25, 10, 15, 5, 10],
            ),
            Role.MANAGER: (
                ["vente", "administratif", "prive", "email", "marketing", "support"],
                [35, 25, 10, 15, 5, 10],
            ),
        }
        owners = [t[0] for t in team]
        roles = {t[0]: t[1] for t in team}
        weights = [t[2] for t in team]
        span = (HISTORY_DAYS + FUTURE_DAYS) * 86400
        start_of_history = now - dt.timedelta(days=HISTORY_DAYS)
        recent = now - dt.timedelta(days=30)
        pending_notes: list[tuple[Interaction, int]] = []

        def rows() -> Iterator[Interaction]:
            for _ in range(count):
                owner = rng.choices(owners, weights)[0]
                role = roles[owner]
                codes, mix = process_mix.get(role, process_mix[Role.AGENT])
                code = rng.choices(codes, mix)[0]
                moment = start_of_history + dt.timedelta(seconds=rng.randrange(span))
                if moment.weekday() >= 5:
                    moment -= dt.timedelta(days=2)
                starts_at = moment.replace(
                    hour=rng.randint(7, 16),
                    minute=rng.choice([0, 15, 30, 45]),
                    second=0,
                    microsecond=0,
                )
                appointment = (role == Role.TECHNICIAN and rng.random() < 0.9) or (
                    role != Role.TECHNICIAN and rng.random() < 0.1
                )
                if appointment:
                    duration = rng.choice([30, 60, 60, 90, 120, 240])
                    deadline = None
                    ends_at = starts_at + dt.timedelta(minutes=duration)
                else:
                    duration = None
                    deadline = starts_at + rng.choice(
                        [
                            dt.timedelta(hours=1),
                            dt.timedelta(hours=4),
                            dt.timedelta(days=1),
                            dt.timedelta(days=3),
                            dt.timedelta(days=7),
                        ]
                    )
                    ends_at = deadline
                if ends_at < recent:
                    state = State.DONE if rng.random() < 0.997 else State.OPEN
                elif ends_at < now:
                    state = rng.choices([State.DONE, State.IN_PROGRESS, State.OPEN], [95, 2, 3])[0]
                elif starts_at <= now:
                    state = rng.choice([State.IN_PROGRESS, State.OPEN])
                else:
                    state = State.OPEN if rng.random() < 0.97 else State.IN_PROGRESS
                person = company = site = None
                label = ""
                if code not in {"prive", "marketing", "administratif"} or rng.random() < 0.3:
                    if rng.random() < 0.75 and people:
                        person = skewed(rng, people)
                        company = employer.get(person)
                        label = person_names[person]
                        site = person_site.get(person) if appointment else None
                    elif companies:
                        company = skewed(rng, companies)
                        label = company_names[company]
                        site = company_site.get(company) if appointment else None
                subject = rng.choice(SUBJECTS[code])
                if label:
                    subject = f"{subject} — {label}"
                process_stages = stages.get(processes[code])
                stage = None
                if process_stages:
                    stage = process_stages[
                        -1
                        if state == State.DONE and rng.random() < 0.6
                        else rng.randrange(len(process_stages))
                    ]
                created_at = min(starts_at - dt.timedelta(hours=rng.randint(0, 240)), now)
                row = Interaction(
                    workspace_id=ws.pk,
                    kind=Kind.APPOINTMENT if appointment else Kind.TASK,
                    process_id=processes[code],
                    stage_id=stage,
                    state=state,
                    subject=subject[:200],
                    owner_id=owner,
                    company_id=company,
                    person_id=person,
                    site_id=site,
                    starts_at=starts_at,
                    deadline=deadline,
                    duration_minutes=duration,
                    ends_at=ends_at,
                    created_by_id=owner,
                    created_at=created_at,
                    completed_at=min(ends_at, now) if state == State.DONE else None,
                )
                notes = rng.choices([0, 1, 2, 3], [55, 30, 10, 5])[0]
                if notes:
                    pending_notes.append((row, notes))
                yield row

        inserted = 0
        for batch in chunks(rows()):
            with transaction.atomic():
                Interaction.objects.bulk_create(batch, batch_size=1000)
                notes = []
                for row, how_many in pending_notes:
                    latest = min(row.ends_at + dt.timedelta(days=1), now)
                    earliest = min(row.created_at, latest)
                    spread = max(1, int((latest - earliest).total_seconds()))
                    for _ in range(how_many):
                        notes.append(
                            Note(
                                workspace_id=ws.pk,
                                interaction_id=row.pk,
                                author_id=row.owner_id,
                                body=rng.choice(NOTES),
                                created_at=earliest + dt.timedelta(seconds=rng.randrange(spread)),
                            )
                        )
                Note.objects.bulk_create(notes, batch_size=1000)
                pending_notes.clear()
            inserted += len(batch)
            if inserted % 100_000 == 0:
                self.log(f"#     … {inserted} interactions")
        return inserted


def analyze() -> None:
    """Fresh planner statistics, as PostgreSQL's autovacuum would gather after a big load."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def generate(sizes: Sizes, *, log: Log, seed: int = 1) -> Generated:
    """Fill the (empty, migrated) database, or re-use it when it already holds ``sizes``."""
    meta = read_meta()
    if matches(meta, sizes):
        return Generated(sizes, float(meta["generation_s"]), True, meta)
    if Workspace.objects.filter(slug__in=[SLUG, OTHER_SLUG]).exists():
        raise RuntimeError("La base de bench contient une génération incomplète : --fresh.")
    started = time.perf_counter()
    generator = Generator(sizes, seed=seed, log=log)
    bulk_mode = connection.vendor == "sqlite" and not connection.in_atomic_block
    if bulk_mode:
        # The generation can be redone: no need to wait for the disk on every commit.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    generator.run()
    analyze()
    seconds = time.perf_counter() - started
    meta = {
        "done": "1",
        "version": GENERATOR_VERSION,
        "sizes": sizes.label(),
        "seed": str(seed),
        "generation_s": f"{seconds:.1f}",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        **generator.heavy,
    }
    write_meta(meta)
    if bulk_mode:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")
    return Generated(sizes, seconds, False, meta)
