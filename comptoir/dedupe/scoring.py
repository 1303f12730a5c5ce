"""Do two records describe the same person or company? Pure functions on plain dicts.

No database here: the app, the imports and the benchmark call the same code.

A record is a dict with the model's field names: ``first_name``, ``last_name`` (people),
``name`` (companies), ``email``/``emails``, ``phone``/``phones`` (as typed or E.164),
``street``, ``street2``, ``postcode``, ``city``, ``country``, ``siren``/``siret``,
``birthday`` and ``ident`` (any identifier shared across sources, such as a social security
number). Missing keys and empty values are simply unknown.

``prepare`` folds a record once (accents, case, "Bd" → "boulevard", phones in E.164, French
phonetic keys); ``block_keys`` gives the keys under which two records are compared at all;
``score`` compares two prepared records: a Fellegi-Sunter style sum of agreement weights,
mapped to 0-100, with the reasons in French when asked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import JaroWinkler
from rapidfuzz.fuzz import ratio, token_set_ratio

from comptoir.lib.phone import (
    OVERSEAS_PREFIX_REGION,
    format_phone,
    region_for,
    try_normalize_phone,
)
from comptoir.lib.text import fold

PERSON = "person"
COMPANY = "company"

# --- French phonetic key ----------------------------------------------------------------

_PHONETIC_RULES: tuple[tuple[str, str], ...] = (
    (r"[^a-z]", ""),
    (r"^mac", "mc"),
    (r"ph", "f"),
    (r"gu([ei])", r"g\1"),
    (r"qu", "k"),
    (r"sch", "ch"),
    (r"ch", "#"),
    (r"sh", "#"),
    (r"gn", "n"),
    (r"c([eiy])", r"s\1"),
    (r"g([eiy])", r"j\1"),
    (r"ck", "k"),
    (r"c", "k"),
    (r"q", "k"),
    (r"x", "ks"),
    (r"w", "v"),
    (r"z", "s"),
    (r"th", "t"),
    (r"h", ""),
    (r"eau", "o"),
    (r"au", "o"),
    (r"ou", "u"),
    (r"oi", "va"),
    (r"[ae]i", "e"),
    (r"y", "i"),
    (r"(an|en|am|em)(?=[^aeiou]|$)", "@"),
    (r"(on|om)(?=[^aeiou]|$)", "%"),
    (r"(in|im|ain|ein)(?=[^aeiou]|$)", "&"),
    (r"([^aeiou])\1+", r"\1"),
)
_PHONETIC = tuple((re.compile(pattern), repl) for pattern, repl in _PHONETIC_RULES)
_SILENT_END = re.compile(r"(?<=[a-z@%&#])(?:e?s|e?t|e?x|d|e?z|e)$")


@lru_cache(maxsize=100_000)
def phonetic_fr(word: str) -> str:
    """A sound key for a French name: Dupont, Dupond and Dupon share ``dp%``.

    Spelling variants that sound alike (ph/f, c/k/qu, au/eau/o, silent final letters,
    doubled consonants) get one key; vowels after the first letter are dropped except the
    nasal sounds, which separate names such as Martin and Marty.
    """
    text = fold(word).replace(" ", "")
    if not text:
        return ""
    text = _SILENT_END.sub("", text) or text
    for pattern, repl in _PHONETIC:
        text = pattern.sub(repl, text)
    if not text:
        return ""
    head, tail = text[0], re.sub(r"[aeiou]", "", text[1:])
    return (head + tail)[:6]


# --- Preparing a record --------------------------------------------------------------------

_STREET_WORDS = {
    "r": "rue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "boul": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "pl": "place",
    "ch": "chemin",
    "che": "chemin",
    "chem": "chemin",
    "imp": "impasse",
    "all": "allee",
    "rte": "route",
    "rt": "route",
    "fg": "faubourg",
    "fbg": "faubourg",
    "sq": "square",
    "crs": "cours",
    "qu": "quai",
    "st": "saint",
    "ste": "sainte",
    "res": "residence",
    "lot": "lotissement",
    "za": "zone artisanale",
    "zi": "zone industrielle",
    "zac": "zone activite",
    "pte": "porte",
    "mte": "montee",
    "hab": "hameau",
    "ham": "hameau",
}
_COMPANY_NOISE = {
    "sarl",
    "sas",
    "sasu",
    "sa",
    "eurl",
    "sci",
    "snc",
    "scop",
    "ei",
    "eirl",
    "et",
    "ets",
    "etablissements",
    "etablissement",
    "societe",
    "ste",
    "cie",
    "compagnie",
    "groupe",
    "the",
    "le",
    "la",
    "les",
    "l",
    "de",
    "des",
    "du",
    "d",
}
_CITY_WORDS = {"st": "saint", "ste": "sainte", "s": "sur", "ss": "sous"}
_CEDEX = re.compile(r"\bcedex\b.*$")


@lru_cache(maxsize=100_000)
def _words(text: str, table_name: str) -> str:
    table = _CITY_WORDS if table_name == "city" else _STREET_WORDS
    return " ".join(table.get(w, w) for w in fold(text).replace(".", " ").split())


def _as_list(data: dict[str, Any], single: str, many: str) -> list[str]:
    values: list[str] = []
    for key in (single, many):
        raw = data.get(key)
        if not raw:
            continue
        if isinstance(raw, str):
            values.extend(v for v in re.split(r"[;,/|]", raw) if v.strip())
        else:
            values.extend(str(v) for v in raw if v)
    return values


@dataclass(frozen=True)
class Prepared:
    """A record folded once, ready for comparisons."""

    kind: str
    first: str = ""
    last: str = ""
    name: str = ""
    phones: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    postcode: str = ""
    city: str = ""
    street: str = ""
    street_number: str = ""
    siren: str = ""
    ident: str = ""
    birthday: str = ""
    civility: str = ""
    raw: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}".strip() if self.kind == PERSON else self.name


_E164 = re.compile(r"\+\d{6,15}")
_NOT_DIGIT = re.compile(r"[^\d+]")
_MAINLAND = re.compile(r"0[1-9]\d{8}")


def _phones(data: dict[str, Any]) -> frozenset[str]:
    region = region_for(str(data.get("country") or "FR"), str(data.get("postcode") or ""))
    found = set()
    for raw in _as_list(data, "phone", "phones"):
        compact = _NOT_DIGIT.sub("", raw)
        if _E164.fullmatch(raw):
            e164: str | None = raw
        elif compact.startswith("+33") and len(compact) == 12 and compact[3] != "0":
            e164 = compact
        elif (
            region == "FR"
            and _MAINLAND.fullmatch(compact)
            and compact[:4] not in OVERSEAS_PREFIX_REGION
        ):
            e164 = "+33" + compact[1:]  # the common case, without a full parse
        else:
            e164 = try_normalize_phone(raw, region)
        if e164:
            found.add(e164)
    return frozenset(found)


def _street(data: dict[str, Any]) -> tuple[str, str]:
    text = _words(" ".join(str(data.get(k) or "") for k in ("street", "street2")), "street")
    number = ""
    match = re.match(r"^(\d+)\s*(?:(bis|ter|quater|[a-d])\b)?\s*", text)
    if match:
        number = match.group(1) + (match.group(2) or "")
        text = text[match.end() :]
    return text.strip(), number


@lru_cache(maxsize=100_000)
def _cached_name_fold(raw: str) -> str:
    return " ".join(_NOT_ALNUM.sub(" ", fold(raw)).split())


_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_NOT_DIGITS = re.compile(r"\D")
_CIVILITY = {"m": "m", "mr": "m", "monsieur": "m", "mme": "f", "madame": "f", "mlle": "f"}
_NOT_WORD = re.compile(r"\W")


def _name_fold(raw: Any) -> str:
    return _cached_name_fold(str(raw or "")) if raw else ""


def _company_name(raw: str) -> str:
    folded = _name_fold(raw)
    return " ".join(w for w in folded.split() if w not in _COMPANY_NOISE) or folded


def prepare(kind: str, data: dict[str, Any]) -> Prepared:
    """Fold a record (plain dict of model field names) for comparisons."""
    street, number = _street(data)
    siren = _NOT_DIGITS.sub("", str(data.get("siren") or ""))
    if not siren:
        siren = _NOT_DIGITS.sub("", str(data.get("siret") or ""))[:9]
    birthday = data.get("birthday") or ""
    if hasattr(birthday, "isoformat"):
        birthday = birthday.isoformat()
    first = _name_fold(data.get("first_name"))
    last = _name_fold(data.get("last_name"))
    if kind == PERSON and not first and " " in last:
        # "DUPONT Pierre" typed in one box: split on the last space.
        last, _sep, first = last.rpartition(" ")
    return Prepared(
        kind=kind,
        first=first,
        last=last,
        name=_company_name(str(data.get("name") or "")) if kind == COMPANY else "",
        phones=_phones(data),
        emails=frozenset(e.strip().lower() for e in _as_list(data, "email", "emails") if "@" in e),
        postcode=str(data.get("postcode") or "").replace(" ", ""),
        city=_CEDEX.sub("", _words(str(data.get("city") or ""), "city")).strip(),
        street=street,
        street_number=number,
        siren=siren if len(siren) == 9 else "",
        ident=_NOT_WORD.sub("", str(data.get("ident") or "")).lower(),
        birthday=str(birthday).replace("-", ""),
        civility=_CIVILITY.get(_name_fold(data.get("civility")), ""),
        raw={
            "first_name": str(data.get("first_name") or ""),
            "last_name": str(data.get("last_name") or ""),
            "name": str(data.get("name") or ""),
            "street": " ".join(str(data.get("street") or "").split()),
        },
    )


# --- Blocking ------------------------------------------------------------------------------


def _initial(name: str) -> bool:
    """ "p" (from "P."): prepared names hold no dots and no double spaces."""
    return len(name) <= 1


def block_keys(rec: Prepared) -> set[str]:
    """Keys under which records are compared: two records sharing none are never compared.

    Strong keys (phone, e-mail, SIREN, identifier) catch the same customer under any name;
    sound keys (postcode or birthday + phonetic name, both name orders) catch the typos.
    """
    keys = {f"t:{p}" for p in rec.phones} | {f"e:{e}" for e in rec.emails}
    if rec.siren:
        keys.add(f"s:{rec.siren}")
    if rec.ident:
        keys.add(f"i:{rec.ident}")
    if rec.kind == COMPANY:
        words = rec.name.split()
        if words:
            sound = phonetic_fr(words[0])
            keys.add(f"n:{rec.postcode[:2]}:{sound}")
            keys.add(f"w:{words[0][:4]}:{rec.postcode}")
        return keys
    last = "" if _initial(rec.last) else phonetic_fr(rec.last)
    first = "" if _initial(rec.first) else phonetic_fr(rec.first)
    if rec.postcode and last:
        keys.add(f"p:{rec.postcode}:{last}")
    # Either name's sound with the other's initial, in both orders: a typo in one name,
    # "Royer Stéphane" for "Stéphane Royer", "S. ROYER".
    for sound, other in ((last, rec.first), (first, rec.last)):
        if sound and other:
            if rec.postcode:
                keys.add(f"q:{rec.postcode}:{sound}:{other[0]}")
            if rec.birthday:
                keys.add(f"b:{rec.birthday}:{sound}")
    if last and first:
        keys.add(f"f:{rec.postcode[:2]}:{min(last, first)}:{max(last, first)}")
    if rec.birthday:
        keys.add(f"d:{rec.birthday}")
    if rec.street and rec.postcode:
        keys.add(f"a:{rec.postcode}:{rec.street_number}:{rec.street[:6]}")
    return keys


# --- Scoring -------------------------------------------------------------------------------


@dataclass
class Comparison:
    """The score of a pair (0-100) and, when asked, why the records look alike."""

    score: float
    reasons: list[str]


def _sim(a: str, b: str) -> float:
    """0-1 similarity: the best of Jaro-Winkler and edit ratio (typos, truncations)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return max(JaroWinkler.similarity(a, b), ratio(a, b) / 100)


def _name_weight(sim: float, *, strong: float, weak: float, bad: float) -> float:
    if sim >= 0.97:
        return strong
    if sim >= 0.9:
        return strong * 0.7
    if sim >= 0.8:
        return weak
    if sim >= 0.7:
        return 0.0
    return bad


def _part_weight(a: str, b: str, *, strong: float, weak: float, bad: float) -> tuple[float, float]:
    """Weight and similarity of two name parts, an initial ("P.") matching "Pierre"."""
    if not a or not b:
        return 0.0, 0.0
    if _initial(a) or _initial(b):
        return (1.5, 1.0) if a[0] == b[0] else (bad, 0.0)
    sim = _sim(a, b)
    return _name_weight(sim, strong=strong, weak=weak, bad=bad), sim


def _digits_close(a: str, b: str) -> bool:
    """One digit changed or two neighbours swapped: a typo rather than another value."""
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]


def _person_names(a: Prepared, b: Prepared, reasons: list[str] | None) -> float:
    last_w, last_sim = _part_weight(a.last, b.last, strong=4.0, weak=2.0, bad=-4.0)
    # Another first name under the same family name is most often a relative: strong veto.
    first_w, first_sim = _part_weight(a.first, b.first, strong=3.5, weak=1.5, bad=-5.0)
    straight = last_w + first_w
    swapped = -100.0
    if a.first and b.first:
        # "Royer Stéphane" typed first name first, or "S. ROYER" against "Royer Stéphane".
        cross_last, _s1 = _part_weight(a.last, b.first, strong=4.0, weak=2.0, bad=-4.0)
        cross_first, _s2 = _part_weight(a.first, b.last, strong=3.5, weak=1.5, bad=-5.0)
        swapped = cross_last + cross_first - 0.5
    if swapped > straight:
        if reasons is not None:
            reasons.append(_("prénom et nom inversés ({a} ≈ {b})").format(a=_show(a), b=_show(b)))
        return swapped
    if reasons is not None and a.last and b.last:
        initial = bool(a.first and b.first and a.first != b.first)
        if a.last == b.last and initial and (_initial(a.first) or _initial(b.first)):
            reasons.append(
                _("même nom, prénom en initiale ({a} ≈ {b})").format(a=_show(a), b=_show(b))
            )
        elif a.last == b.last and (first_sim >= 0.97 or not a.first or not b.first):
            reasons.append(_("même nom ({name})").format(name=_show(a)))
        elif last_sim >= 0.97 and first_sim < 0.8:
            reasons.append(
                _("même nom de famille, prénoms différents ({a} / {b})").format(
                    a=_show(a), b=_show(b)
                )
            )
        elif last_sim >= 0.8:
            reasons.append(
                _("nom proche ({a} ≈ {b}, {sim} %)").format(
                    a=_show(a), b=_show(b), sim=round(100 * min(last_sim, first_sim or 1))
                )
            )
    return straight


def _show(rec: Prepared) -> str:
    raw = rec.raw
    if rec.kind == COMPANY:
        return raw.get("name") or rec.name
    return " ".join(p for p in (raw.get("first_name"), raw.get("last_name")) if p) or rec.full


def _company_names(a: Prepared, b: Prepared, reasons: list[str] | None) -> float:
    if not a.name or not b.name:
        return 0.0
    sim = max(_sim(a.name, b.name), token_set_ratio(a.name, b.name) / 100 * 0.98)
    weight = _name_weight(sim, strong=6.0, weak=3.0, bad=-5.0)
    if reasons is not None and sim >= 0.8:
        if sim >= 0.97:
            reasons.append(_("même raison sociale ({name})").format(name=_show(a)))
        else:
            reasons.append(
                _("raison sociale proche ({a} ≈ {b}, {sim} %)").format(
                    a=_show(a), b=_show(b), sim=round(100 * sim)
                )
            )
    return weight


def _shared(
    a: frozenset[str], b: frozenset[str], *, match: float, miss: float
) -> tuple[float, str]:
    common = a & b
    if common:
        return match, sorted(common)[0]
    if a and b:
        return miss, ""
    return 0.0, ""


def _address(a: Prepared, b: Prepared, reasons: list[str] | None) -> float:
    weight = 0.0
    if a.postcode and b.postcode:
        if a.postcode == b.postcode:
            weight += 1.5
        elif _digits_close(a.postcode, b.postcode):
            weight += 0.5
        else:
            weight -= 1.5
    if a.city and b.city:
        weight += 1.0 if _sim(a.city, b.city) >= 0.9 else -0.5
    street = 0.0
    if a.street and b.street:
        sim = max(_sim(a.street, b.street), token_set_ratio(a.street, b.street) / 100)
        street = 2.5 if sim >= 0.9 else 1.0 if sim >= 0.8 else -2.0
        if a.street_number and b.street_number:
            street += 1.0 if a.street_number == b.street_number else -1.0
        weight += street
    if reasons is not None:
        if street >= 3.0 and a.postcode == b.postcode:
            shown = a.raw.get("street") or b.raw.get("street")
            reasons.append(
                _("même adresse ({street}, {postcode})").format(street=shown, postcode=a.postcode)
                if shown
                else _("même adresse ({postcode})").format(postcode=a.postcode)
            )
        elif a.postcode and a.postcode == b.postcode:
            reasons.append(_("même code postal {postcode}").format(postcode=a.postcode))
    return weight


# Prior log-odds: two records compared in a block are rarely the same customer.
PRIOR = -7.0
# Weights summed with the prior become a score: 50 at 0, 80 at 3, 96 at 7.
SCALE = 2.2


def score(a: Prepared, b: Prepared, *, explain: bool = False) -> Comparison:
    """Compare two prepared records of the same kind: a 0-100 score and its reasons."""
    reasons: list[str] | None = [] if explain else None
    total = PRIOR
    phone_w, phone = _shared(a.phones, b.phones, match=7.0, miss=-1.0)
    total += phone_w
    if reasons is not None and phone:
        reasons.append(_("même téléphone {phone}").format(phone=format_phone(phone)))
    email_w, email = _shared(a.emails, b.emails, match=7.0, miss=-0.5)
    total += email_w
    if reasons is not None and email:
        reasons.append(_("même e-mail {email}").format(email=email))
    if a.siren and b.siren:
        if a.siren == b.siren:
            total += 9.0
            if reasons is not None:
                reasons.append(
                    _("même SIREN {siren}").format(
                        siren=f"{a.siren[:3]} {a.siren[3:6]} {a.siren[6:]}"
                    )
                )
        else:
            total -= 6.0
    if a.ident and b.ident:
        if a.ident == b.ident:
            total += 10.0
            if reasons is not None:
                reasons.append(_("même identifiant {ident}").format(ident=a.ident))
        elif _digits_close(a.ident, b.ident):
            total += 3.0
        else:
            total -= 4.0
    if a.birthday and b.birthday:
        if a.birthday == b.birthday:
            total += 4.0
            if reasons is not None:
                reasons.append(_("même date de naissance"))
        elif _digits_close(a.birthday, b.birthday):
            total += 1.0
        else:
            total -= 4.0
    if a.kind == PERSON:
        total += _person_names(a, b, reasons)
        if a.civility and b.civility and a.civility != b.civility:
            total -= 2.5
    else:
        total += _company_names(a, b, reasons)
    total += _address(a, b, reasons)
    value = 100.0 / (1.0 + math.exp(-total / SCALE))
    return Comparison(score=round(value, 1), reasons=reasons or [])


def _(text: str) -> str:
    """French source text, translated when Django is configured (the app), as is otherwise."""
    try:
        from django.utils.translation import gettext

        return gettext(text)
    except Exception:
        return text


def compare(kind: str, left: dict[str, Any], right: dict[str, Any]) -> Comparison:
    """Score two plain records of ``kind`` with their reasons."""
    return score(prepare(kind, left), prepare(kind, right), explain=True)


# --- Batch ---------------------------------------------------------------------------------

# Keys shared by more records than this say little (a shared switchboard, a common name in a
# big town): their blocks are skipped, the other keys of the same records still pair them.
MAX_BLOCK = 60


def find_pairs(
    records: list[tuple[int, Prepared]],
    *,
    min_score: float,
    max_block: int = MAX_BLOCK,
    allowed: Callable[[int, int], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[int, int, float]]:
    """Every pair of ``records`` (id, prepared) scoring at least ``min_score``.

    Records are grouped by block key in a dict; each pair sharing a key is scored once.
    Cost grows with the number of pairs inside blocks, not with the square of the base.
    ``allowed(a, b)`` can leave pairs out (the benchmark links two files, not one).
    """
    blocks: dict[str, list[int]] = {}
    for index, (_pk, rec) in enumerate(records):
        for key in block_keys(rec):
            blocks.setdefault(key, []).append(index)
    seen: set[tuple[int, int]] = set()
    found: list[tuple[int, int, float]] = []
    todo = [members for members in blocks.values() if 1 < len(members) <= max_block]
    total = len(todo)
    for done, members in enumerate(todo, 1):
        for i, a in enumerate(members):
            pk_a, rec_a = records[a]
            for b in members[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair in seen:
                    continue
                seen.add(pair)
                pk_b, rec_b = records[b]
                if allowed is not None and not allowed(pk_a, pk_b):
                    continue
                result = score(rec_a, rec_b).score
                if result >= min_score:
                    found.append((pk_a, pk_b, result))
        if progress is not None and (done % 2000 == 0 or done == total):
            progress(done, total)
    if progress is not None and not total:
        progress(0, 0)
    return found
