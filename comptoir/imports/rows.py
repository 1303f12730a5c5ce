"""One row of a file → typed, normalized values and French messages (no database access)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from comptoir.lib import normalize
from comptoir.lib.text import fold

CATEGORIES = {
    "client": "client",
    "clients": "client",
    "prospect": "prospect",
    "partenaire": "partner",
    "partner": "partner",
    "fournisseur": "supplier",
    "supplier": "supplier",
}
KINDS = {"tache": "task", "task": "task", "rdv": "appointment", "rendez vous": "appointment"}
KINDS.update(
    {"rendez-vous": "appointment", "appointment": "appointment", "intervention": "appointment"}
)
STATES = {
    "ouvert": "open",
    "a faire": "open",
    "open": "open",
    "en cours": "in_progress",
    "in progress": "in_progress",
    "termine": "done",
    "fait": "done",
    "clos": "done",
    "done": "done",
    "annule": "cancelled",
}
COUNTRIES = {"france": "FR", "belgique": "BE", "suisse": "CH", "luxembourg": "LU", "monaco": "MC"}
ADDRESS_FIELDS = ("street", "street2", "postcode", "city", "country")


@dataclass
class Contact:
    kind: str  # "phone" or "email"
    value: str  # as typed
    normalized: str
    label: str


@dataclass
class CleanRow:
    """What one row says, ready to be written."""

    line: int
    raw: list[str]
    fields: dict[str, Any] = field(default_factory=dict)  # model fields
    contacts: list[Contact] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # company, role, customer_ref…
    external_key: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The stable identity of the row in its source: its external key or a fingerprint."""
        if self.external_key:
            return f"ref:{self.external_key}"[:200]
        return "fp:" + fingerprint(self)


def fingerprint(row: CleanRow) -> str:
    f = row.fields
    phones = sorted(c.normalized for c in row.contacts if c.kind == "phone")
    emails = sorted(c.normalized for c in row.contacts if c.kind == "email")
    parts = [
        fold(f.get("last_name", "")),
        fold(f.get("first_name", "")),
        fold(f.get("name", "")),
        f.get("siren", "") or f.get("siret", ""),
        f.get("postcode", ""),
        fold(f.get("street", "")),
        fold(f.get("subject", "")),
        str(f.get("starts_at", "")),
        row.extra.get("customer_ref", ""),
        fold(row.extra.get("customer_name", "")),
        (phones or [""])[0],
        (emails or [""])[0],
    ]
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()


def mapped_values(columns: list[str], mapping: dict[str, str], cells: list[str]) -> dict[str, str]:
    """target → cell text (several columns on one target are joined by a space)."""
    return value_mapper(columns, mapping)(cells)


def value_mapper(
    columns: list[str], mapping: dict[str, str]
) -> Callable[[list[str]], dict[str, str]]:
    """``mapped_values`` for many rows of one file: the mapping is read once."""
    pairs = [(index, mapping[c]) for index, c in enumerate(columns) if mapping.get(c, "")]

    def values_of(cells: list[str]) -> dict[str, str]:
        values: dict[str, str] = {}
        width = len(cells)
        for index, target in pairs:
            if index >= width:
                continue
            cell = cells[index].strip()
            if not cell:
                continue
            values[target] = f"{values[target]} {cell}" if target in values else cell
        return values

    return values_of


_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %Hh%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
)


def parse_datetime(text: str) -> dt.datetime | None:
    text = " ".join(text.replace(" à ", " ").split())
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _clean_address(values: dict[str, str], row: CleanRow) -> None:
    f = row.fields
    country = values.get("country", "").strip()
    if country:
        f["country"] = COUNTRIES.get(fold(country), country.upper()[:2])
    if "full_address" in values:
        street, postcode, city = normalize.split_street_postcode_city(values["full_address"])
        f.update(
            {k: v for k, v in (("street", street), ("postcode", postcode), ("city", city)) if v}
        )
    if "street" in values:
        f["street"] = normalize.normalize_street(values["street"])[:200]
    if "street2" in values:
        f["street2"] = normalize.normalize_street(values["street2"])[:200]
    if "postcode_city" in values:
        postcode, city = normalize.split_postcode_city(
            values["postcode_city"], f.get("country", "FR")
        )
        if postcode:
            f["postcode"] = postcode
        if city:
            f["city"] = city
    if "city" in values:
        postcode, city = normalize.split_postcode_city(values["city"], f.get("country", "FR"))
        f["city"] = city[:100]
        if postcode and not values.get("postcode"):
            f["postcode"] = postcode
    if "postcode" in values:
        postcode = normalize.normalize_postcode(values["postcode"], f.get("country", "FR"))
        if f.get("country", "FR") == "FR" and not re.fullmatch(r"\d{5}", postcode):
            row.errors.append(
                ("postcode", _("Code postal invalide : « %(v)s ».") % {"v": values["postcode"]})
            )
        else:
            f["postcode"] = postcode[:10]


def _clean_contacts(values: dict[str, str], row: CleanRow) -> None:
    country = row.fields.get("country", "FR")
    postcode = row.fields.get("postcode", "")
    for target, label in (
        ("mobile", "mobile"),
        ("phone", "landline"),
        ("phone2", "other"),
        ("fax", "fax"),
    ):
        raw = values.get(target, "")
        if not raw:
            continue
        e164 = normalize.phone_e164(raw, country=country, postcode=postcode)
        if not e164:
            row.warnings.append(
                (target, _("« %(v)s » n'est pas un numéro de téléphone : ignoré.") % {"v": raw})
            )
            continue
        if target == "phone" and e164.startswith(("+336", "+337")):
            label = "mobile"
        if all(c.normalized != e164 for c in row.contacts):
            row.contacts.append(Contact("phone", raw[:254], e164, label))
    for target in ("email", "email2"):
        raw = values.get(target, "")
        if not raw:
            continue
        email = normalize.normalize_email(raw)
        if not email:
            row.warnings.append(
                (target, _("« %(v)s » n'est pas une adresse e-mail : ignorée.") % {"v": raw})
            )
            continue
        if all(c.normalized != email for c in row.contacts):
            row.contacts.append(Contact("email", email, email, "other"))


def _clean_common(values: dict[str, str], row: CleanRow) -> None:
    if "category" in values:
        category = CATEGORIES.get(fold(values["category"]))
        if category:
            row.fields["category"] = category
        else:
            row.warnings.append(
                (
                    "category",
                    _("Catégorie inconnue « %(v)s » : ignorée.") % {"v": values["category"]},
                )
            )
    if "notes" in values:
        row.fields["notes"] = values["notes"]


def _clean_person(values: dict[str, str], row: CleanRow) -> None:
    f = row.fields
    title = normalize.civility(values.get("civility", ""))
    first = values.get("first_name", "")
    last = values.get("last_name", "")
    if "full_name" in values:
        title2, first2, last2 = normalize.split_full_name(values["full_name"])
        title, first, last = title or title2, first or first2, last or last2
    elif last and not first and " " in last.strip():
        # "DUPONT Pierre" in a "Nom" column: split only when the case says where the name is.
        words = last.split()
        mixed = any(w.isupper() and len(w) > 1 for w in words) and not all(
            w.isupper() for w in words
        )
        title2, _rest = normalize.split_civility(last)
        if mixed or title2 or re.fullmatch(r"\S+ [A-Za-zÀ-ÿ]\.", last.strip()):
            title2, first, last = normalize.split_full_name(last)
            title = title or title2
    else:
        title2, last = normalize.split_civility(last)
        title = title or title2
    f["civility"] = title
    f["first_name"] = normalize.case_name(first)[:100]
    f["last_name"] = normalize.case_name(last)[:100]
    if not f["last_name"]:
        row.errors.append(("last_name", _("Le nom est obligatoire.")))
    if "birthday" in values:
        when = parse_datetime(values["birthday"])
        if when is None or when.date() > dt.date.today():
            row.errors.append(
                (
                    "birthday",
                    _("Date de naissance invalide : « %(v)s ».") % {"v": values["birthday"]},
                )
            )
        else:
            f["birthday"] = when.date()
    for name in ("company", "role"):
        if values.get(name):
            row.extra[name] = values[name][:200]


def _clean_company(values: dict[str, str], row: CleanRow) -> None:
    f = row.fields
    name = " ".join(values.get("name", "").split())
    if not name:
        row.errors.append(("name", _("La raison sociale est obligatoire.")))
    f["name"] = name[:200]
    for target, check, message in (
        ("siren", normalize.siren, _("SIREN invalide : « %(v)s ».")),
        ("siret", normalize.siret, _("SIRET invalide : « %(v)s ».")),
        ("vat_number", normalize.vat, _("N° de TVA invalide : « %(v)s ».")),
    ):
        raw = values.get(target, "")
        if not raw:
            continue
        clean = check(raw)
        if clean:
            f[target] = clean
        else:
            row.errors.append((target, message % {"v": raw}))
    if f.get("siret") and not f.get("siren"):
        f["siren"] = f["siret"][:9]
    if f.get("siret") and f.get("siren") and f["siret"][:9] != f["siren"]:
        row.errors.append(("siret", _("Le SIRET doit commencer par le SIREN de la société.")))
    if values.get("website"):
        site = values["website"].strip()
        f["website"] = site if "://" in site else f"https://{site}"


def _clean_site(values: dict[str, str], row: CleanRow) -> None:
    for name in ("name", "occupant_name", "access_notes"):
        if values.get(name):
            row.fields[name] = values[name][:200] if name != "access_notes" else values[name]
    for name in ("customer_ref", "customer_name"):
        if values.get(name):
            row.extra[name] = values[name]
    if not row.extra:
        row.errors.append(("customer_ref", _("Indiquez le client du site (référence ou nom).")))
    if not (row.fields.get("street") or row.fields.get("city") or row.fields.get("name")):
        row.errors.append(("street", _("Le site n'a ni nom ni adresse.")))


def _clean_interaction(values: dict[str, str], row: CleanRow) -> None:
    f = row.fields
    f["subject"] = values.get("subject", "")[:200]
    if not f["subject"]:
        row.errors.append(("subject", _("L'objet est obligatoire.")))
    for name in ("customer_ref", "customer_name", "process", "owner"):
        if values.get(name):
            row.extra[name] = values[name]
    starts = parse_datetime(values.get("starts_at", ""))
    if starts is None:
        row.errors.append(
            (
                "starts_at",
                _("Date invalide : « %(v)s » (JJ/MM/AAAA attendu).")
                % {"v": values.get("starts_at", "")},
            )
        )
    else:
        f["starts_at"] = starts
    if values.get("deadline"):
        deadline = parse_datetime(values["deadline"])
        if deadline is None:
            row.errors.append(
                ("deadline", _("Échéance invalide : « %(v)s ».") % {"v": values["deadline"]})
            )
        else:
            f["deadline"] = deadline
    kind = KINDS.get(fold(values.get("kind", "")), "")
    if values.get("duration"):
        digits = re.sub(r"[^\d]", "", values["duration"])
        if digits:
            f["duration_minutes"] = int(digits)
            kind = kind or "appointment"
    f["kind"] = kind or "task"
    if f["kind"] == "appointment" and not f.get("duration_minutes"):
        f["duration_minutes"] = 60
    if values.get("state"):
        state = STATES.get(fold(values["state"]))
        if state is None:
            row.warnings.append(
                ("state", _("État inconnu « %(v)s » : Ouvert.") % {"v": values["state"]})
            )
        f["state"] = state or "open"
    if values.get("notes"):
        row.extra["notes"] = values["notes"]


_CLEANERS = {
    "people": (_clean_person, True),
    "companies": (_clean_company, True),
    "sites": (_clean_site, True),
    "interactions": (_clean_interaction, False),
}


def clean_row(kind: str, line: int, cells: list[str], values: dict[str, str]) -> CleanRow:
    """Normalize one row's values; French messages name the column's meaning."""
    row = CleanRow(line=line, raw=cells)
    row.external_key = values.get("external_ref", "").strip()[:190]
    cleaner, with_address = _CLEANERS[kind]
    if with_address:
        _clean_address(values, row)
    if kind in {"people", "companies"}:
        _clean_contacts(values, row)
        _clean_common(values, row)
    if kind == "sites" and values.get("phone"):
        _clean_contacts({"phone": values["phone"]}, row)
    cleaner(values, row)
    return row
