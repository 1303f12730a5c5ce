"""What a column can become, per kind of record, and the column names that suggest it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.lib.text import fold

IGNORE = ""
EXTERNAL_KEY = "external_ref"


@dataclass(frozen=True)
class Target:
    name: str
    label: str | Promise
    synonyms: tuple[str, ...] = ()


def _t(name: str, label: str | Promise, *synonyms: str) -> Target:
    return Target(name, label, synonyms)


_KEY = _t(
    EXTERNAL_KEY,
    _("Référence externe (clé)"),
    "ref",
    "réf",
    "réf client",
    "ref client",
    "référence",
    "reference",
    "référence client",
    "code client",
    "code",
    "n° client",
    "no client",
    "num client",
    "numéro client",
    "id",
    "id client",
    "identifiant",
    "customer id",
    "client id",
)
_ADDRESS = (
    _t("street", _("Adresse"), "adresse", "adresse 1", "adresse1", "rue", "address", "voie"),
    _t(
        "street2",
        _("Complément d'adresse"),
        "adresse 2",
        "adresse2",
        "complément",
        "complément d'adresse",
        "address 2",
    ),
    _t("postcode", _("Code postal"), "cp", "code postal", "postcode", "zip", "code_postal"),
    _t("city", _("Ville"), "ville", "commune", "localité", "city", "town"),
    _t(
        "postcode_city",
        _("Code postal et ville"),
        "cp ville",
        "code postal ville",
        "code postal et ville",
    ),
    _t("full_address", _("Adresse complète (rue, CP, ville)"), "adresse complète"),
    _t("country", _("Pays"), "pays", "country"),
)
_CONTACTS = (
    _t(
        "phone",
        _("Téléphone"),
        "tél",
        "tel",
        "tél.",
        "téléphone",
        "telephone",
        "phone",
        "fixe",
        "tél fixe",
        "tél. fixe",
        "téléphone fixe",
        "tel fixe",
    ),
    _t(
        "mobile",
        _("Portable"),
        "portable",
        "mobile",
        "gsm",
        "tél portable",
        "tél. portable",
        "tel portable",
        "tél mobile",
        "tél. mobile",
        "cell",
        "téléphone portable",
    ),
    _t("phone2", _("Autre téléphone"), "tél 2", "tel 2", "téléphone 2", "autre téléphone"),
    _t("fax", _("Fax"), "fax", "télécopie"),
    _t(
        "email",
        _("E-mail"),
        "e-mail",
        "email",
        "e mail",
        "courriel",
        "mail",
        "adresse e-mail",
        "adresse email",
        "mél",
    ),
    _t("email2", _("Autre e-mail"), "e-mail 2", "email 2", "courriel 2"),
)
_CATEGORY = _t("category", _("Catégorie"), "catégorie", "categorie", "type client", "statut")
_NOTES = _t(
    "notes", _("Remarques"), "remarques", "remarque", "commentaire", "commentaires", "notes"
)

TARGETS: dict[str, tuple[Target, ...]] = {
    "people": (
        _KEY,
        _t("civility", _("Civilité"), "civilité", "civilite", "civ", "titre"),
        _t(
            "full_name",
            _("Nom complet (« DUPONT Pierre »)"),
            "nom complet",
            "nom client",
            "client",
            "nom et prénom",
            "nom prénom",
            "nom prenom",
            "contact",
            "name",
        ),
        _t("last_name", _("Nom"), "nom", "nom de famille", "last name", "surname"),
        _t("first_name", _("Prénom"), "prénom", "prenom", "first name"),
        _t(
            "company",
            _("Société (rattachement)"),
            "société",
            "societe",
            "entreprise",
            "raison sociale",
        ),
        _t("role", _("Rôle dans la société"), "fonction", "poste", "rôle", "role"),
        *_ADDRESS,
        *_CONTACTS,
        _t("birthday", _("Date de naissance"), "date de naissance", "né le", "naissance"),
        _CATEGORY,
        _NOTES,
    ),
    "companies": (
        _KEY,
        _t(
            "name",
            _("Raison sociale"),
            "raison sociale",
            "nom",
            "société",
            "societe",
            "entreprise",
            "nom client",
            "client",
            "dénomination",
            "company",
            "name",
        ),
        _t("siren", _("SIREN"), "siren", "n° siren"),
        _t("siret", _("SIRET"), "siret", "n° siret"),
        _t(
            "vat_number",
            _("N° TVA intracommunautaire"),
            "tva",
            "n° tva",
            "tva intracom",
            "tva intracommunautaire",
            "numéro de tva",
            "vat",
        ),
        *_ADDRESS,
        *_CONTACTS,
        _t("website", _("Site web"), "site web", "site internet", "web", "url", "website"),
        _CATEGORY,
        _NOTES,
    ),
    "sites": (
        _t("external_ref", _("Référence du site (clé)"), "réf site", "code site", "ref site"),
        _t("name", _("Nom du site"), "nom du site", "site", "libellé", "nom"),
        _t(
            "customer_ref",
            _("Référence du client"),
            "réf client",
            "ref client",
            "code client",
            "n° client",
        ),
        _t("customer_name", _("Client (nom)"), "client", "nom client", "raison sociale"),
        *_ADDRESS,
        _t("occupant_name", _("Occupant"), "occupant", "locataire"),
        _t("access_notes", _("Consignes d'accès"), "consignes", "accès", "acces", "digicode"),
        _t("phone", _("Téléphone du site"), "tél", "tel", "téléphone", "telephone"),
    ),
    "interactions": (
        _t("external_ref", _("Référence (clé)"), "réf", "ref", "référence", "n°", "numéro", "id"),
        _t(
            "customer_ref",
            _("Référence du client"),
            "réf client",
            "ref client",
            "code client",
            "n° client",
        ),
        _t("customer_name", _("Client (nom)"), "client", "nom client", "raison sociale"),
        _t(
            "subject",
            _("Objet"),
            "objet",
            "sujet",
            "libellé",
            "titre",
            "description",
            "intitulé",
        ),
        _t("starts_at", _("Date / début"), "date", "début", "date début", "date de début", "le"),
        _t("deadline", _("Échéance"), "échéance", "date limite", "date de fin", "fin"),
        _t("duration", _("Durée (minutes)"), "durée", "duree", "durée (min)"),
        _t("kind", _("Type (tâche ou rendez-vous)"), "type"),
        _t("state", _("État"), "état", "etat", "statut"),
        _t("process", _("Processus"), "processus", "activité"),
        _t(
            "owner",
            _("Responsable (e-mail)"),
            "responsable",
            "technicien",
            "utilisateur",
            "commercial",
        ),
        _t("notes", _("Note"), "note", "notes", "commentaire", "remarques", "compte rendu"),
    ),
}


def targets_for(kind: str) -> tuple[Target, ...]:
    return TARGETS[kind]


def target_names(kind: str) -> set[str]:
    return {t.name for t in TARGETS[kind]}


def known_labels() -> set[str]:
    """Every column name we recognize (folded), to find the header line of a file."""
    labels: set[str] = set()
    for targets in TARGETS.values():
        for target in targets:
            labels.update(fold(s) for s in target.synonyms)
    return labels


def suggest(kind: str, columns: list[str]) -> dict[str, str]:
    """column name → suggested target; each target is suggested once, exact names first."""
    folded_synonyms = [(t.name, {fold(s) for s in t.synonyms}) for t in TARGETS[kind]]
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        key = fold(column)
        for name, synonyms in folded_synonyms:
            if name not in taken and key in synonyms:
                chosen[column] = name
                taken.add(name)
                break
    # Then columns that contain a known name ("Tél. portable client" → mobile).
    for column in columns:
        if column in chosen:
            continue
        words = f" {fold(column)} "
        for name, synonyms in folded_synonyms:
            if name in taken:
                continue
            if any(len(s) > 3 and f" {s} " in words for s in synonyms):
                chosen[column] = name
                taken.add(name)
                break
    # A separate first name means "Nom" is the last name, not a whole name.
    if "first_name" in taken:
        for column, name in list(chosen.items()):
            if name == "full_name":
                chosen[column] = "last_name" if "last_name" not in taken else IGNORE
    return {c: chosen.get(c, IGNORE) for c in columns}
