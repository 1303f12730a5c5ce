"""Benchmark the global search on a large generated workspace and print its figures.

Run it on a throw-away database, never on the shared one:

    DATABASE_URL=sqlite:////tmp/search-bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/search-bench.sqlite3 .venv/bin/python manage.py search_bench

The data (100 000 people, 20 000 companies, 1 000 000 interactions by default) is generated
once, in a workspace named "bench"; later runs only time the queries.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from comptoir.accounts.models import Role, User, Workspace
from comptoir.accounts.services import user_create, workspace_create
from comptoir.activities.models import Interaction, Kind, Process, State
from comptoir.contacts.models import Affiliation, Company, ContactPoint, Person, Site
from comptoir.lib.text import fold
from comptoir.search.selectors import search

LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefebvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gérard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoît",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Leclercq",
    "Guillaume",
    "Lecomte",
    "Lopez",
    "Jean",
    "Dupuy",
    "Guillot",
    "Hubert",
    "Berger",
    "Carpentier",
    "Sanchez",
    "Dupuis",
    "Moulin",
    "Louis",
    "Deschamps",
    "Huet",
    "Vasseur",
    "Perez",
    "Boucher",
    "Fleury",
    "Royer",
    "Klein",
    "Jacquet",
    "Adam",
    "Paris",
    "Poirier",
    "Marty",
    "Aubry",
    "Guyot",
    "Carré",
    "Charles",
    "Renault",
    "Charpentier",
    "Ménard",
    "Maillard",
    "Baron",
    "Bertin",
    "Bailly",
    "Hervé",
    "Schneider",
    "Fernandez",
    "Le",
    "Gall",
    "Collet",
    "Léger",
    "Bouvier",
    "Julien",
    "Prévost",
    "Millet",
    "Perrot",
    "Daniel",
]
FIRST_NAMES = [
    "Pierre",
    "Jean",
    "Marie",
    "Élodie",
    "Claire",
    "Sophie",
    "Gaëtan",
    "Karim",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Jade",
    "Louise",
    "Lucas",
    "Hugo",
    "Louis",
    "Nathan",
    "Gabriel",
    "Jules",
    "Raphaël",
    "Arthur",
    "Thomas",
    "Théo",
    "Noé",
    "Adam",
    "Paul",
    "Nicolas",
    "Julien",
    "Antoine",
    "Isabelle",
    "Nathalie",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Valérie",
    "Sandrine",
    "Céline",
    "Stéphanie",
    "Hélène",
    "Anaïs",
    "Océane",
    "Zoé",
    "Agnès",
    "Benoît",
    "Cédric",
    "Jérôme",
    "François",
    "Frédéric",
    "Grégoire",
    "Hervé",
    "Loïc",
    "Mathéo",
    "Noémie",
    "Maëlle",
    "Rémi",
    "Sébastien",
    "Thérèse",
    "Yannick",
    "Zoé",
    "Aurélie",
]
SYLLABLES = (
    "ba be bi bo bu ca ce co cu da de di do du fa fe fo ga ge go la le li lo lu "
    "ma me mi mo mu na ne ni no pa pe pi po ra re ri ro ru sa se si so ta te ti to va ve vi"
)
SYLLABLES_LIST = SYLLABLES.split()
CITIES = [
    "Lyon",
    "Villeurbanne",
    "Bron",
    "Caluire-et-Cuire",
    "Vénissieux",
    "Annecy",
    "Grenoble",
    "Saint-Étienne",
    "Chambéry",
    "Valence",
    "Vienne",
    "Bourg-en-Bresse",
    "Mâcon",
    "Roanne",
    "Villefranche-sur-Saône",
    "Écully",
    "Oullins",
    "Vaulx-en-Velin",
    "Décines-Charpieu",
    "Meyzieu",
    "Rillieux-la-Pape",
    "Tassin-la-Demi-Lune",
    "Sainte-Foy-lès-Lyon",
    "Givors",
]
SUBJECTS = (
    "Rappeler {name}",
    "Devis tableau électrique {name}",
    "Entretien chaudière {city}",
    "Fuite sous évier",
    "Relancer facture {name}",
    "Mise en conformité {city}",
    "Installation borne de recharge",
    "Dépannage urgent {name}",
    "Visite technique {city}",
    "Envoyer le contrat d'entretien",
)
QUERIES = {
    "nom (préfixe)": ["dupont", "martin", "lefe", "gar", "roux"],
    "nom + prénom": ["dupont pierre", "pierre dupont", "dup pier", "DUPONT P", "martin claire"],
    "prénom seul": ["élodie", "gaetan", "noemie"],
    "contient": ["ille", "velin"],
    "téléphone": ["06 12 34 56 78", "+33 6 00 01 02 03", "0600000042"],
    "e-mail": ["pierre.dupont", "contact@societe-12.example"],
    "SIREN/SIRET": ["732 829 320", "73282932000074"],
    "ville": ["lyon", "saint etienne", "ecully"],
    "objet d'interaction": ["chaudière", "borne de recharge", "conformite"],
    "rien": ["zzzzqx", "xylophone quantique"],
}


def _name(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(LAST_NAMES)
    return "".join(rng.choice(SYLLABLES_LIST) for _ in range(rng.randint(2, 4))).capitalize()


class Command(BaseCommand):
    help = "Generate a large workspace (once) and print p50/p95 timings of the global search."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=100_000)
        parser.add_argument("--companies", type=int, default=20_000)
        parser.add_argument("--interactions", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument(
            "--allow-dev-db", action="store_true", help="Accept to fill var/comptoir.sqlite3."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = str(settings.DATABASES["default"]["NAME"])
        if name.endswith("var/comptoir.sqlite3") and not options["allow_dev_db"]:
            raise CommandError(
                "Base de développement : lancez avec DATABASE_URL=sqlite:////tmp/bench.sqlite3."
            )
        workspace = Workspace.objects.filter(slug="bench").first()
        if workspace is None:
            workspace = self._generate(options)
        user = User.objects.filter(workspace=workspace, role=Role.AGENT).first()
        assert user is not None
        self.stdout.write(
            f"{connection.vendor}: {Person.objects.filter(workspace=workspace).count()} personnes, "
            f"{Company.objects.filter(workspace=workspace).count()} sociétés, "
            f"{Interaction.objects.filter(workspace=workspace).count()} interactions"
        )
        all_times: list[float] = []
        for label, queries in QUERIES.items():
            times: list[float] = []
            found = 0
            for query in queries:
                search(user, query)  # warm-up
                for _ in range(options["repeat"]):
                    start = time.perf_counter()
                    results = search(user, query)
                    times.append((time.perf_counter() - start) * 1000)
                found += len(results)
            all_times += times
            self.stdout.write(
                f"  {label:<22} p50 {statistics.median(times):6.1f} ms   "
                f"p95 {_p95(times):6.1f} ms   max {max(times):6.1f} ms   ({found} résultats)"
            )
        self.stdout.write(
            f"  {'TOUT':<22} p50 {statistics.median(all_times):6.1f} ms   "
            f"p95 {_p95(all_times):6.1f} ms   max {max(all_times):6.1f} ms"
        )

    def _generate(self, options: dict[str, Any]) -> Workspace:
        rng = random.Random(42)  # noqa: S311 - reproducible fake data
        started = time.perf_counter()
        workspace = workspace_create(name="Bench SARL", slug="bench")
        users = [
            user_create(
                workspace=workspace,
                email=f"bench{i}@bench.example",
                password=None,
                first_name=rng.choice(FIRST_NAMES),
                last_name=_name(rng),
                role=Role.AGENT if i == 0 else Role.TECHNICIAN,
            )
            for i in range(20)
        ]
        processes = list(Process.objects.filter(workspace=workspace))
        ws = workspace.pk
        with transaction.atomic():
            companies = []
            for i in range(options["companies"]):
                kind = rng.choice(["SCI", "SARL", "SAS", "Cabinet", "Boulangerie", "Garage"])
                company_name = f"{kind} {_name(rng)} {i}"
                companies.append(
                    Company(
                        workspace_id=ws,
                        name=company_name,
                        search_name=fold(company_name),
                        city=rng.choice(CITIES),
                        postcode=f"69{rng.randint(0, 999):03d}",
                        siren="732829320" if i == 7 else "",
                        siret="73282932000074" if i == 7 else "",
                    )
                )
            Company.objects.bulk_create(companies, batch_size=2000)
            companies = list(Company.objects.filter(workspace_id=ws).only("id", "name"))
            people = []
            for _ in range(options["people"]):
                first, last = rng.choice(FIRST_NAMES), _name(rng)
                people.append(
                    Person(
                        workspace_id=ws,
                        first_name=first,
                        last_name=last,
                        search_name=fold(f"{last} {first} {last}"),
                        city=rng.choice(CITIES),
                        postcode=f"69{rng.randint(0, 999):03d}",
                    )
                )
            Person.objects.bulk_create(people, batch_size=2000)
            people = list(Person.objects.filter(workspace_id=ws).only("id", "last_name"))
            Affiliation.objects.bulk_create(
                [
                    Affiliation(workspace_id=ws, person=p, company=rng.choice(companies))
                    for p in people[::3]
                ],
                batch_size=2000,
            )
            points = []
            for i, p in enumerate(people):
                points.append(
                    ContactPoint(
                        workspace_id=ws,
                        kind="phone",
                        label="mobile",
                        value=f"06 00 {i:08d}"[:14],
                        normalized=f"+336{i:08d}",
                        person=p,
                        is_primary=True,
                    )
                )
                if i % 2 == 0:
                    email = f"{fold(p.last_name).replace(' ', '')}.{i}@exemple.fr"
                    points.append(
                        ContactPoint(
                            workspace_id=ws,
                            kind="email",
                            value=email,
                            normalized=email,
                            person=p,
                        )
                    )
            for i, c in enumerate(companies):
                email = f"contact@societe-{i}.example"
                points.append(
                    ContactPoint(
                        workspace_id=ws, kind="email", value=email, normalized=email, company=c
                    )
                )
            ContactPoint.objects.bulk_create(points, batch_size=5000)
            Site.objects.bulk_create(
                [
                    Site(
                        workspace_id=ws,
                        company=c,
                        street="1 rue de la Gare",
                        city=rng.choice(CITIES),
                        postcode="69003",
                    )
                    for c in companies
                ],
                batch_size=2000,
            )
        now = timezone.now()
        total = options["interactions"]
        batch: list[Interaction] = []
        for i in range(total):
            person = rng.choice(people)
            starts = now - dt.timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
            subject = rng.choice(SUBJECTS).format(name=person.last_name, city=rng.choice(CITIES))
            batch.append(
                Interaction(
                    workspace_id=ws,
                    kind=Kind.TASK,
                    process=rng.choice(processes),
                    state=rng.choice([State.OPEN, State.DONE, State.DONE]),
                    subject=subject,
                    owner=rng.choice(users),
                    person=person,
                    starts_at=starts,
                    deadline=starts + dt.timedelta(hours=2),
                    ends_at=starts + dt.timedelta(hours=2),
                )
            )
            if len(batch) == 10_000 or i == total - 1:
                with transaction.atomic():
                    Interaction.objects.bulk_create(batch)
                batch = []
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"Données générées en {time.perf_counter() - started:.0f} s")
        return workspace


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]
