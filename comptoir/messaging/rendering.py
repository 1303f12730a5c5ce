"""Render message templates safely: Django template syntax over plain data, nothing else.

The engine has no loaders (no ``include``/``extends``), no tag libraries to ``load`` and only a
short list of harmless tags and filters. Contexts are reduced to dicts, lists and strings
before rendering, so a template can only read the merge fields it is given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import (
    Context,
    Engine,
    Library,
    Template,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.lib.phone import format_phone

ALLOWED_TAGS = ("if", "for", "with", "firstof", "comment", "spaceless", "now")
ALLOWED_FILTERS = (
    "default",
    "default_if_none",
    "upper",
    "lower",
    "capfirst",
    "title",
    "truncatechars",
    "truncatewords",
    "yesno",
    "pluralize",
    "length",
    "first",
    "last",
    "join",
    "cut",
    "linebreaksbr",
)


def _library() -> Library:
    library = Library()
    for name in ALLOWED_TAGS:
        library.tags[name] = defaulttags.register.tags[name]
    for name in ALLOWED_FILTERS:
        library.filters[name] = defaultfilters.register.filters[name]
    return library


def _engine() -> Engine:
    engine = Engine(loaders=[], libraries={}, autoescape=False, debug=True)
    # Replace Django's default builtins (url, include, debug, csrf_token, load…) by the short list.
    engine.template_builtins = [_library()]
    return engine


ENGINE = _engine()


class TemplateError(Exception):
    """A template that cannot be compiled or rendered, explained in French."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _line_of(exc: Exception) -> int | None:
    debug = getattr(exc, "template_debug", None)
    return int(debug["line"]) if debug else None


def _explain(exc: Exception) -> str:
    text = str(exc)
    quoted = re.findall(r"'([^']*)'", text)
    name = quoted[0] if quoted else ""
    if "Invalid block tag" in text or "is not a registered tag library" in text:
        return _("balise « {name} » inconnue ou non autorisée").format(name=name)
    if "Invalid filter" in text:
        return _("filtre « {name} » inconnu ou non autorisé").format(name=name)
    if "Unclosed tag" in text:
        return _("balise « {name} » jamais fermée (il manque {{% end{name} %}})").format(name=name)
    if "may not begin with underscores" in text:
        return _("champ interdit « {name} »").format(name=name)
    if "Could not parse" in text:
        return _("expression illisible « {name} »").format(name=name or text)
    if "Empty variable tag" in text:
        return _("champ vide {{ }}")
    return text


def compile_template(source: str) -> Template:
    """Compile ``source`` or raise TemplateError with the faulty line."""
    try:
        return Template(source, engine=ENGINE)
    except TemplateSyntaxError as exc:
        line = _line_of(exc)
        detail = _explain(exc)
        if line:
            message = _("Erreur ligne {line} : {detail}").format(line=line, detail=detail)
        else:
            message = _("Erreur dans le modèle : {detail}").format(detail=detail)
        raise TemplateError(message, line) from exc


def plain(value: Any) -> Any:
    """Reduce a context to dicts, lists, strings, numbers and booleans (anything else → str)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def render(source: str, context: Mapping[str, Any]) -> str:
    """Render ``source`` over ``context`` (made plain first); TemplateError when it fails."""
    template = compile_template(source)
    try:
        return template.render(Context(plain(context), autoescape=False))
    except TemplateError:
        raise
    except Exception as exc:
        raise TemplateError(
            _("Le modèle n'a pas pu être rempli : {detail}").format(detail=exc), _line_of(exc)
        ) from exc


# --- date and time formats of merge fields, in the workspace's language -----------------------

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _english(language: str) -> bool:
    return language.lower().startswith("en")


def long_date(day: dt.date, language: str = "fr") -> str:
    """``jeudi 20 mars 2025`` (and ``1er`` for the first of the month); in English
    ``Thursday 20 March 2025``."""
    if _english(language):
        return f"{EN_DAYS[day.weekday()]} {day.day} {EN_MONTHS[day.month - 1]} {day.year}"
    number = "1er" if day.day == 1 else str(day.day)
    return f"{DAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date, language: str = "fr") -> str:
    """``jeu. 20/03``; in English ``Thu 20/03``."""
    if _english(language):
        return f"{EN_DAYS[day.weekday()][:3]} {day:%d/%m}"
    return f"{DAYS[day.weekday()][:3]}. {day:%d/%m}"


def spoken_time(moment: dt.time | dt.datetime, language: str = "fr") -> str:
    """``8 h 30``, ``14 h``; in English ``8:30``, ``14:00``."""
    if _english(language):
        return f"{moment.hour}:{moment.minute:02d}"
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def workspace_language(workspace: Any) -> str:
    """The language the workspace writes to its customers in."""
    return str(getattr(workspace, "locale", "") or settings.LANGUAGE_CODE)


def appointment_context(
    *,
    workspace: Any,
    client_name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    address: str = "",
    service: str = "",
    technician: str = "",
    reference: str = "",
    change_url: str = "",
    client_first_name: str = "",
) -> dict[str, Any]:
    """The merge fields of an appointment message, formatted in the workspace's language and zone.

    Keys (see docs/messaging.md): ``client.nom``, ``client.prenom``, ``rdv.date``,
    ``rdv.date_courte``, ``rdv.heure``, ``rdv.fin``, ``rdv.adresse``, ``rdv.prestation``,
    ``rdv.technicien``, ``rdv.reference``, ``rdv.lien_modifier``, ``entreprise.nom``,
    ``entreprise.telephone``.
    """
    zone = ZoneInfo(getattr(workspace, "timezone", "") or "Europe/Paris")
    start = starts_at.astimezone(zone)
    end = ends_at.astimezone(zone)
    language = workspace_language(workspace)
    return {
        "client": {"nom": client_name, "prenom": client_first_name},
        "rdv": {
            "date": long_date(start.date(), language),
            "date_courte": short_date(start.date(), language),
            "heure": spoken_time(start, language),
            "fin": spoken_time(end, language),
            "adresse": address,
            "prestation": service,
            "technicien": technician,
            "reference": reference,
            "lien_modifier": change_url,
        },
        "entreprise": company_context(workspace),
    }


def company_context(workspace: Any) -> dict[str, str]:
    return {"nom": workspace.name, "telephone": format_phone(workspace.phone or "")}


@dataclass(frozen=True)
class MergeField:
    name: str
    description: str
    example: str

    @property
    def tag(self) -> str:
        return "{{ " + self.name + " }}"


def sample_context(workspace: Any = None) -> dict[str, Any]:
    """Typical values, for previews and to check that SMS texts stay short."""
    context = appointment_context(
        workspace=workspace or _SampleWorkspace(),
        client_name=_("M. Jean Dupont"),
        client_first_name=_("Jean"),
        starts_at=dt.datetime(2025, 3, 20, 8, 30, tzinfo=ZoneInfo("Europe/Paris")),
        ends_at=dt.datetime(2025, 3, 20, 10, 0, tzinfo=ZoneInfo("Europe/Paris")),
        address="12 rue des Lilas, 69003 Lyon",
        service=_("Dépannage électrique"),
        technician="Gaëtan",
        reference="R-2025-0118",
        change_url="https://comptoir.example/r/duret/rdv/k3P9xQ/",
    )
    if not context["entreprise"]["telephone"]:
        context["entreprise"]["telephone"] = "04 78 00 00 00"
    return context


class _SampleWorkspace:
    name = "Duret Électricité"
    phone = "+33478000000"
    timezone = "Europe/Paris"

    @property
    def locale(self) -> str:
        return translation.get_language() or settings.LANGUAGE_CODE


def merge_fields() -> list[MergeField]:
    """What a template may use, with an example of each (shown next to the editor)."""
    sample = sample_context()
    descriptions = [
        ("client.nom", _("nom du client tel qu'on s'adresse à lui")),
        ("client.prenom", _("prénom du client")),
        ("rdv.date", _("date du rendez-vous, en toutes lettres")),
        ("rdv.date_courte", _("date du rendez-vous, abrégée")),
        ("rdv.heure", _("heure d'arrivée")),
        ("rdv.fin", _("heure de fin")),
        ("rdv.adresse", _("adresse de l'intervention")),
        ("rdv.prestation", _("prestation réservée")),
        ("rdv.technicien", _("prénom du technicien")),
        ("rdv.reference", _("référence du rendez-vous")),
        ("rdv.lien_modifier", _("lien pour modifier ou annuler")),
        ("entreprise.nom", _("nom de votre entreprise")),
        ("entreprise.telephone", _("téléphone de votre entreprise")),
    ]
    fields = []
    for name, description in descriptions:
        group, key = name.split(".")
        fields.append(MergeField(name, description, str(sample[group][key])))
    return fields


# --- SMS length ------------------------------------------------------------------------------

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "^{}\\[~]|€\f"


@dataclass(frozen=True)
class SmsLength:
    characters: int
    segments: int
    unicode: bool


def sms_length(text: str) -> SmsLength:
    """Characters and billed parts: 160 (153 per part) in GSM 7-bit, 70 (67) otherwise."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        units = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, part = 160, 153
        unicode = False
    else:
        units = len(text)
        single, part = 70, 67
        unicode = True
    segments = 1 if units <= single else -(-units // part)
    return SmsLength(characters=len(text), segments=segments if text else 0, unicode=unicode)
