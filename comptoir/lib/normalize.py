"""Clean what people type or export: civilities, names, addresses, postcodes, e-mails, phones.

Pure functions, shared by imports and by the entry forms: "DUPONT" becomes "Dupont",
"12 R. de la Paix" becomes "12 rue de la Paix", "69003 LYON" becomes ("69003", "Lyon").
A word typed in mixed case ("McDonald", "DuPont") is left as it is: someone chose it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from comptoir.lib import identifiers
from comptoir.lib.phone import InvalidPhone, normalize_phone, region_for
from comptoir.lib.text import fold

# An import normalizes the same words again and again (civilities, first names, towns,
# "rue", "de"…): the pure functions below keep their recent answers.
_CACHE = 65536

MR = "M."
MRS = "Mme"

# Folded civility → the Person model's value. "Mademoiselle" is no longer used by French
# administrations: it is stored as "Mme".
_CIVILITIES = {
    "m": MR,
    "mr": MR,
    "monsieur": MR,
    "messieurs": MR,
    "mme": MRS,
    "mmes": MRS,
    "madame": MRS,
    "mrs": MRS,
    "ms": MRS,
    "mlle": MRS,
    "melle": MRS,
    "mademoiselle": MRS,
}

# Kept lower-case inside a name or a street: "Jean de la Fontaine", "rue du Lac".
_PARTICLES = frozenset(
    {
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "d",
        "l",
        "et",
        "sur",
        "sous",
        "en",
        "aux",
        "au",
    }
)
_NAME_PARTICLES = frozenset({"de", "du", "des", "la", "le", "d", "l"})
# "Aix-en-Provence", "Fontenay-aux-Roses", "Bourg-en-Bresse".
_CITY_PARTICLES = _NAME_PARTICLES | {"les", "sur", "sous", "en", "aux", "au"}
# "M. et Mme DUPONT", "Monsieur ou Madame DUPONT", "M. & Mme DUPONT": a couple.
_COUPLE = frozenset({"et", "ou", "&"})


def civility(raw: str) -> str:
    """ "Monsieur", "M", "MR." → "M."; "Madame", "Mlle" → "Mme"; anything else → ""."""
    return _civility(raw or "")


@functools.lru_cache(maxsize=1024)
def _civility(raw: str) -> str:
    return _CIVILITIES.get(fold(raw).replace(".", "").strip(), "")


def split_civility(text: str) -> tuple[str, str]:
    """ "M. DUPONT Pierre" → ("M.", "DUPONT Pierre"); no civility → ("", text).

    A couple ("M. et Mme DUPONT") keeps the first civility, as the record's addressee.
    """
    text = " ".join((text or "").split())
    head, _sep, rest = text.partition(" ")
    found = civility(head)
    if not (found and rest):
        return "", text
    link, _sep, after = rest.partition(" ")
    second, _sep, name = after.partition(" ")
    if fold(link) in _COUPLE and civility(second) and name:
        return found, name
    return found, rest


def _is_cased_by_hand(word: str) -> bool:
    if word.isascii():
        # The letters are A-Z and a-z: isupper()/islower() look at them alone.
        return not (word.isupper() or word.islower()) and any(c.isalpha() for c in word)
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and not (
        all(c.isupper() for c in letters) or all(c.islower() for c in letters)
    )


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


@functools.lru_cache(maxsize=_CACHE)
def _case_word(word: str, *, inside: bool, particles: frozenset[str]) -> str:
    lower = word.lower()
    if _is_cased_by_hand(word) and not re.match(r"^[dl]['’]", lower):
        return word
    if "'" in lower or "’" in lower:
        # d'Artagnan, O'Neil, l'Église
        quote = "'" if "'" in lower else "’"
        head, _sep, tail = lower.partition(quote)
        head_cased = head if (inside or head in {"d", "l"}) and head in particles else _cap(head)
        return f"{head_cased}{quote}{_case_word(tail, inside=True, particles=particles)}"
    if "-" in lower:
        return "-".join(_cap(part) for part in lower.split("-"))
    if inside and lower in particles:
        return lower
    return _cap(lower)


def case_name(text: str) -> str:
    """ "DUPONT" → "Dupont", "jean-pierre" → "Jean-Pierre", "JEAN DE LA FONTAINE" →
    "Jean de la Fontaine"; a word already in mixed case stays as typed."""
    return _case_name(text or "")


@functools.lru_cache(maxsize=_CACHE)
def _case_name(text: str) -> str:
    words = " ".join(text.split()).split(" ")
    return " ".join(
        _case_word(w, inside=i > 0, particles=_NAME_PARTICLES) for i, w in enumerate(words) if w
    )


# "P.", "J.-P.", "J-P": initials, never a last name in capitals.
_INITIALS = re.compile(r"[A-Za-zÀ-ÿ]\.?(-[A-Za-zÀ-ÿ]\.?)?")


def split_full_name(text: str) -> tuple[str, str, str]:
    """A "Nom" cell holding a whole name → (civility, first name, last name).

    French exports write "DUPONT Pierre": the words in capitals are the last name.
    Otherwise "Pierre Dupont" (first name first) is assumed, and "Dupont P." keeps the
    initial as the first name.
    """
    title, rest = split_civility(text)
    words = rest.split()
    if not words:
        return title, "", ""
    if len(words) == 1:
        return title, "", case_name(words[0])
    upper = [
        w
        for w in words
        if sum(c.isalpha() for c in w) > 1 and w == w.upper() and not _INITIALS.fullmatch(w)
    ]
    if upper and len(upper) < len(words):
        last = [w for w in words if w in upper]
        first = [w for w in words if w not in upper]
        return title, case_name(" ".join(first)), case_name(" ".join(last))
    if _INITIALS.fullmatch(words[-1]):
        # "Dupont P." : an initial at the end is the first name.
        return title, words[-1].upper(), case_name(" ".join(words[:-1]))
    return title, case_name(words[0]), case_name(" ".join(words[1:]))


# --- Addresses -----------------------------------------------------------------------------

# Folded abbreviation → street type, as La Poste writes it in lower case after the number.
_STREET_TYPES = {
    "r": "rue",
    "rue": "rue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "boul": "boulevard",
    "boulevard": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "avenue": "avenue",
    "pl": "place",
    "place": "place",
    "ch": "chemin",
    "chem": "chemin",
    "chemin": "chemin",
    "imp": "impasse",
    "impasse": "impasse",
    "all": "allée",
    "allee": "allée",
    "rte": "route",
    "route": "route",
    "fg": "faubourg",
    "fbg": "faubourg",
    "faubourg": "faubourg",
    "sq": "square",
    "square": "square",
    "qu": "quai",
    "quai": "quai",
    "crs": "cours",
    "cours": "cours",
    "pass": "passage",
    "passage": "passage",
    "res": "résidence",
    "residence": "résidence",
    "lot": "lotissement",
    "lotissement": "lotissement",
    "za": "ZA",
    "zi": "ZI",
    "zac": "ZAC",
    # Post-office boxes stay in capitals: "BP 123", "CS 40012".
    "bp": "BP",
    "cs": "CS",
    "tsa": "TSA",
}
_REPEATS = {"b": "bis", "bis": "bis", "t": "ter", "ter": "ter", "q": "quater", "quater": "quater"}
_NUMBER = re.compile(r"^(\d+)\s*(bis|ter|quater|b|t|q)?(?=\s|,|$)", re.IGNORECASE)
_SAINT = {"st": "Saint", "ste": "Sainte"}


def normalize_street(text: str) -> str:
    """ "12B R. DE LA PAIX" → "12 bis rue de la Paix"; "Bd Voltaire" → "Boulevard Voltaire"."""
    return _normalize_street(text or "")


@functools.lru_cache(maxsize=_CACHE)
def _street_key(word: str) -> str:
    return fold(word).replace(" ", "").replace(".", "")


@functools.lru_cache(maxsize=_CACHE)
def _normalize_street(text: str) -> str:
    text = " ".join(text.replace(",", " , ").split()).replace(" , ", ", ")
    if not text:
        return ""
    number = ""
    match = _NUMBER.match(text)
    if match:
        number = match.group(1)
        if match.group(2):
            number += " " + _REPEATS[match.group(2).lower()]
        text = text[match.end() :].lstrip(" ,")
    words = text.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        if not word:
            continue
        key = _street_key(word)
        if index == 0 and key in _STREET_TYPES:
            kind = _STREET_TYPES[key]
            out.append(kind if number or kind.isupper() else _cap(kind))
            continue
        if key in _SAINT and index > 0 and index + 1 < len(words):
            words[index + 1] = (
                f"{_SAINT[key]}-{_case_word(words[index + 1], inside=False, particles=_PARTICLES)}"
            )
            continue
        out.append(_case_word(word, inside=bool(out) or bool(number), particles=_PARTICLES))
    street = " ".join(out)
    return f"{number} {street}".strip() if number else street


# Paris, Lyon and Marseille arrondissements: "Lyon 3e" → 69003.
_ARRONDISSEMENTS = {"paris": ("750", 20), "lyon": ("6900", 9), "marseille": ("130", 16)}
_ARR = re.compile(r"^(paris|lyon|marseille)\s+(\d{1,2})\s*(e|eme|er|ere)?$")
_POSTCODE = re.compile(r"\b(\d{5}|\d{2}\s\d{3}|^\d{4}(?=\s))\b")
_CEDEX = re.compile(r"\s+cedex(\s+\d{1,2})?$", re.IGNORECASE)


def case_city(text: str) -> str:
    """ "SAINT ETIENNE" → "Saint-Etienne", "ST GENIS LAVAL" → "Saint-Genis-Laval"."""
    return _case_city(text or "")


@functools.lru_cache(maxsize=_CACHE)
def _case_city(text: str) -> str:
    cased = _case_city_words(" ".join(text.split()))
    # A town's name starts with a capital, article included: "L'Isle d'Abeau", "Le Puy".
    return cased[:1].upper() + cased[1:]


def _case_city_words(text: str) -> str:
    if not text:
        return ""
    words = text.replace("-", " ").split(" ")
    if len(words) > 1 and fold(words[0]) in _SAINT | {"saint": 1, "sainte": 1}:
        head = _SAINT.get(fold(words[0]), _cap(words[0]))
        rest = [_case_word(w, inside=True, particles=_CITY_PARTICLES) for w in words[1:]]
        return "-".join([head, *rest])
    if "-" in text:
        return "-".join(
            _case_word(w, inside=i > 0, particles=_CITY_PARTICLES)
            for i, w in enumerate(text.split("-"))
        )
    return " ".join(
        _case_word(w, inside=i > 0, particles=_CITY_PARTICLES) for i, w in enumerate(words)
    )


def arrondissement_postcode(city: str) -> str:
    """ "Lyon 3e" → "69003", "Paris 15" → "75015"; "" when the city is not one of those."""
    match = _ARR.match(fold(city))
    if not match:
        return ""
    prefix, count = _ARRONDISSEMENTS[match.group(1)]
    number = int(match.group(2))
    if not 1 <= number <= count:
        return ""
    return f"{prefix}{number:0{5 - len(prefix)}d}"


def normalize_postcode(raw: str, country: str = "FR") -> str:
    """French postcodes have five digits: Excel drops the leading zero of 01000."""
    value = "".join((raw or "").split())
    if (country or "FR").upper() == "FR" and value.isdigit() and len(value) == 4:
        return "0" + value
    return value


def split_postcode_city(text: str, country: str = "FR") -> tuple[str, str]:
    """ "69003 LYON" → ("69003", "Lyon"); "Lyon 3e" → ("69003", "Lyon");
    "LYON CEDEX 03" → ("", "Lyon")."""
    return _split_postcode_city(text or "", country)


@functools.lru_cache(maxsize=_CACHE)
def _split_postcode_city(text: str, country: str) -> tuple[str, str]:
    text = _CEDEX.sub("", " ".join(text.split()))
    match = _POSTCODE.search(text)
    postcode = ""
    if match:
        postcode = match.group(1).replace(" ", "")
        text = (text[: match.start()] + " " + text[match.end() :]).strip(" ,-")
    by_arrondissement = arrondissement_postcode(text)
    if by_arrondissement:
        text = re.split(r"\s+\d", text)[0]
        postcode = postcode or by_arrondissement
    return normalize_postcode(postcode, country), case_city(text)


def split_street_postcode_city(text: str) -> tuple[str, str, str]:
    """A one-cell address "12 Rue Mairie 74000 Annecy" → (street, postcode, city)."""
    text = " ".join((text or "").split())
    matches = list(_POSTCODE.finditer(text))
    match = matches[-1] if matches else None
    if match is None or match.start() == 0:
        street, _sep, city = text.rpartition(",")
        if street and city.strip() and not any(c.isdigit() for c in city):
            return normalize_street(street), "", case_city(city)
        return normalize_street(text), "", ""
    street = text[: match.start()].strip(" ,")
    postcode, city = split_postcode_city(text[match.start() :])
    return normalize_street(street), postcode, city


# --- E-mails, phones, identifiers -------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(raw: str) -> str:
    """Trimmed and lower-cased; "" when it does not look like an address."""
    value = unicodedata.normalize("NFC", (raw or "").strip().strip("<>").strip()).lower()
    if value.startswith("mailto:"):
        value = value[7:]
    return value if _EMAIL.match(value) else ""


def phone_e164(raw: str, *, country: str = "FR", postcode: str = "") -> str:
    """E.164 for a number, its region taken from the address (0590… in 97100 is Guadeloupe);
    "" when it is not a phone number. A number that is not one of the overseas address's
    (a mainland mobile, 06…, kept by someone living in Guadeloupe) is read as French."""
    region = region_for(country, postcode)
    try:
        return normalize_phone(raw, region)
    except InvalidPhone:
        pass
    if region != "FR" and (country or "FR").upper() == "FR":
        try:
            return normalize_phone(raw, "FR")
        except InvalidPhone:
            pass
    return ""


def siren(raw: str) -> str:
    """A valid SIREN or "" (see ``comptoir.lib.identifiers``)."""
    try:
        return identifiers.clean_siren(raw)
    except identifiers.InvalidIdentifier:
        return ""


def siret(raw: str) -> str:
    try:
        return identifiers.clean_siret(raw)
    except identifiers.InvalidIdentifier:
        return ""


def vat(raw: str) -> str:
    try:
        return identifiers.clean_vat(raw)
    except identifiers.InvalidIdentifier:
        return ""


def name_key(*parts: str) -> str:
    """Accent- and case-insensitive key of a name: "Élodie D'Arçy" → "elodie d arcy"."""
    return " ".join(fold(p) for p in parts if p and fold(p))
