"""Generated French customers with duplicates whose truth is known.

Each person may have copies as another source would type them: typos, first and last
names swapped, "DUPONT P." for "Pierre Dupont", phones written "06.12.34.56.78",
"+33 6 12 34 56 78" or "0612345678", "Bd"/"Boulevard", "St"/"Saint", missing fields.
"""

from __future__ import annotations

import random
from typing import Any

FIRST = [
    "Pierre",
    "Marie",
    "Jean",
    "Michel",
    "Philippe",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Alain",
    "Patrick",
    "Nicolas",
    "Christophe",
    "Stéphane",
    "Sandrine",
    "Valérie",
    "Christine",
    "Laurent",
    "Éric",
    "Frédéric",
    "Sébastien",
    "Céline",
    "Julien",
    "Aurélie",
    "David",
    "Thomas",
    "Camille",
    "Léa",
    "Chloé",
    "Manon",
    "Hugo",
    "Lucas",
    "Louis",
    "Gabriel",
    "Emma",
    "Jade",
    "Louise",
    "Alice",
    "Inès",
    "Raphaël",
    "Arthur",
    "Jules",
    "Maël",
    "Noé",
    "Élodie",
    "Gaëlle",
    "Hélène",
    "Jérôme",
    "Thierry",
    "Bernard",
    "Yves",
    "Gérard",
    "Monique",
    "Odile",
    "Benoît",
    "Agnès",
    "Josiane",
    "Rémi",
    "Joël",
    "Loïc",
    "Anaïs",
    "Océane",
    "Mathéo",
    "Timothée",
    "Clémence",
    "Mélanie",
    "Cédric",
    "Grégory",
    "Ludovic",
    "Maxime",
    "Romain",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Jean",
    "Pérez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Marie",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Pierre",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
    "Bourgeois",
    "Renaud",
    "Lemoine",
    "Picard",
    "Gaillard",
    "Philippe",
    "Leclercq",
    "Lacroix",
    "Fabre",
    "Dupuis",
    "Olivier",
    "Rodriguez",
    "Da-Silva",
    "Hubert",
    "Louis",
    "Charles",
    "Guillot",
    "Rivière",
    "Le-Gall",
    "Guillaume",
    "Adam",
    "Rey",
    "Moulin",
    "Gonzalez",
    "Berger",
    "Lecomte",
    "Menard",
    "Fleury",
    "Deschamps",
    "Carpentier",
    "Julien",
    "Benoît",
    "Paris",
    "Maillard",
    "Marchal",
    "Aubry",
    "Vasseur",
    "Le-Roux",
    "Renault",
    "Jacquet",
    "Collet",
    "Prévost",
    "Poirier",
    "Charpentier",
    "Royer",
    "Huet",
    "Baron",
    "Dupuy",
    "Pons",
    "Paul",
    "Laine",
    "Carré",
    "Breton",
    "Rémy",
    "Schneider",
    "Perrot",
    "Guyot",
    "Barre",
    "Marty",
    "Cousin",
    "Dupond",
    "Kerjean",
    "Le-Bihan",
    "Quéré",
    "Ollivier",
    "Tessier",
    "Lebrun",
    "Hamon",
    "Cordier",
    "Bertin",
    "Barbe",
    "Guillou",
    "Riviere",
    "Labbé",
    "Besnard",
    "Pasquier",
]
STREETS = [
    ("Rue", "R."),
    ("Boulevard", "Bd"),
    ("Avenue", "Av."),
    ("Place", "Pl."),
    ("Chemin", "Ch."),
    ("Impasse", "Imp."),
    ("Allée", "All."),
    ("Route", "Rte"),
]
STREET_NAMES = [
    "de la République",
    "Victor Hugo",
    "Jean Jaurès",
    "de la Gare",
    "Pasteur",
    "Gambetta",
    "du Moulin",
    "des Écoles",
    "de l'Église",
    "Saint-Martin",
    "des Lilas",
    "Émile Zola",
    "de Verdun",
    "du Général de Gaulle",
    "Voltaire",
    "des Tilleuls",
    "de la Mairie",
    "Carnot",
    "du Château",
    "des Acacias",
    "de Paris",
    "Saint-Exupéry",
    "Foch",
    "de la Liberté",
    "des Vignes",
    "du Stade",
    "de la Fontaine",
    "Jules Ferry",
    "de Bretagne",
    "Lamartine",
]
CITIES = [
    ("69003", "Lyon"),
    ("69100", "Villeurbanne"),
    ("38000", "Grenoble"),
    ("42000", "Saint-Étienne"),
    ("73000", "Chambéry"),
    ("01000", "Bourg-en-Bresse"),
    ("69400", "Villefranche-sur-Saône"),
    ("26000", "Valence"),
    ("74000", "Annecy"),
    ("63000", "Clermont-Ferrand"),
    ("75011", "Paris"),
    ("13005", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("44000", "Nantes"),
    ("35000", "Rennes"),
    ("29200", "Brest"),
    ("97110", "Pointe-à-Pitre"),
]
DOMAINS = ["orange.fr", "free.fr", "gmail.com", "wanadoo.fr", "sfr.fr", "laposte.net"]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice("sdit")
    if op == "s":
        return word[:i] + rng.choice("aeioutnrsdm") + word[i + 1 :]
    if op == "d":
        return word[:i] + word[i + 1 :]
    if op == "i":
        return word[:i] + rng.choice("aeiolnrst") + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _phone_formats(rng: random.Random, digits: str) -> str:
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    return rng.choice(
        [
            " ".join(pairs),
            ".".join(pairs),
            digits,
            "+33 " + digits[1] + " " + " ".join(pairs[1:]),
            "+33" + digits[1:],
            "-".join(pairs),
        ]
    )


def _places(count: int) -> list[tuple[str, str]]:
    """The cities above, then made-up communes of the same departments up to ``count``."""
    rng = random.Random(3)
    places = list(CITIES)
    while len(places) < count:
        postcode, city = rng.choice(CITIES[:-1])
        places.append((postcode[:2] + f"{rng.randint(1, 99) * 10:03d}", f"{city} {len(places)}"))
    return places


def _original(
    rng: random.Random, emails: set[str], places: list[tuple[str, str]]
) -> dict[str, Any]:
    postcode, city = rng.choice(places)
    kind, abbr = rng.choice(STREETS)
    prefix = "06" if rng.random() < 0.6 else "04"
    if postcode.startswith("971"):
        prefix = "0690" if rng.random() < 0.6 else "0590"
    digits = prefix + "".join(rng.choice("0123456789") for _ in range(10 - len(prefix)))
    first, last = rng.choice(FIRST), rng.choice(LAST).replace("-", " ")
    email = ""
    if rng.random() < 0.6:
        user = f"{first[0]}.{last}" if rng.random() < 0.5 else f"{first}.{last}{rng.randint(1, 99)}"
        email = f"{user.lower().replace(' ', '')}@{rng.choice(DOMAINS)}"
        while email in emails:  # an address belongs to one person
            email = email.replace("@", str(rng.randint(0, 9)) + "@", 1)
        emails.add(email)
    return {
        "first_name": first,
        "last_name": last,
        "street": f"{rng.randint(1, 180)} {kind} {rng.choice(STREET_NAMES)}",
        "postcode": postcode,
        "city": city,
        "phone": digits,
        "email": email,
        "_abbr": (kind, abbr),
    }


def _messy_copy(rng: random.Random, rec: dict[str, Any]) -> dict[str, Any]:
    out = dict(rec)
    kind, abbr = out.pop("_abbr")
    first, last = out["first_name"], out["last_name"]
    r = rng.random()
    if r < 0.15:
        first, last = last, first
    elif r < 0.3:
        last, first = last.upper(), f"{first[0]}."
    elif r < 0.55:
        last = _typo(rng, last)
    elif r < 0.65:
        first = _typo(rng, first)
    elif r < 0.75:
        last = last.upper()
    out["first_name"], out["last_name"] = first, last
    out["phone"] = _phone_formats(rng, rec["phone"])
    if rng.random() < 0.5:
        out["street"] = out["street"].replace(kind, abbr, 1)
    if rng.random() < 0.15:
        out["street"] = _typo(rng, out["street"])
    if rng.random() < 0.1:
        out["city"] = out["city"].upper().replace("SAINT-", "ST ")
    # Missing fields: a source knows the phone, another the e-mail, a third the address.
    missing = rng.random()
    if missing < 0.2:
        out["phone"] = ""
    elif missing < 0.35:
        out["email"] = ""
    elif missing < 0.45:
        out["street"] = ""
    if not out["phone"] and not out["email"] and rng.random() < 0.5:
        out["email"] = rec["email"]
    return out


def generate(
    *, people: int, seed: int = 7, total: int | None = None
) -> tuple[dict[int, dict[str, Any]], set[tuple[int, int]]]:
    """(records by id, true duplicate pairs (low id, high id)).

    About a third of the people get one or two messy copies; ``total`` caps the number of
    records (the 100 000-record speed test).
    """
    rng = random.Random(seed)
    records: dict[int, dict[str, Any]] = {}
    groups: list[list[int]] = []
    next_id = 1
    emails: set[str] = set()
    # A regional firm's customers live in a few hundred communes: about 200 people each.
    places = _places(max(len(CITIES), people // 200))
    for _ in range(people):
        base = _original(rng, emails, places)
        group = [next_id]
        clean = dict(base)
        clean.pop("_abbr")
        records[next_id] = clean
        next_id += 1
        copies = 0 if rng.random() < 0.67 else rng.choice((1, 1, 2))
        for _copy in range(copies):
            records[next_id] = _messy_copy(rng, base)
            group.append(next_id)
            next_id += 1
        groups.append(group)
        if total is not None and next_id > total:
            break
    truth = {(a, b) for g in groups for i, a in enumerate(g) for b in g[i + 1 :]}
    if total is not None:
        records = {k: v for k, v in records.items() if k <= total}
        truth = {(a, b) for a, b in truth if b <= total}
    return records, truth
