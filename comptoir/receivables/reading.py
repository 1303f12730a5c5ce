"""Read the open items exported by accounting software (SAGE, EBP, Excel) as CSV.

``;`` or ``,`` (or tab) separated, UTF-8 with or without BOM, or Windows-1252; French column
names in any case, with or without accents; a title above the header is skipped. Any line
that cannot be read (amount, date, invoice number) rejects the whole file: an import of
balances that leaves lines out would say a customer owes less than they do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from comptoir.lib.money import parse_amount
from comptoir.lib.normalize import normalize_email, phone_e164
from comptoir.lib.text import fold

MAX_BYTES = 5 * 1024 * 1024
DELIMITERS = (";", ",", "\t", "|")
HEADER_SCAN_ROWS = 15
MAX_ERRORS = 10
REFERENCE_MAX = 60
KEY_MAX = 100
LABEL_MAX = 200

# "du" stays: "montant dû" is not "montant".
_STOP_WORDS = frozenset({"de", "d", "des", "la", "le", "l", "a", "en", "au"})

# Role → accepted column names, most specific first, written as ``header_key`` makes them.
ALIASES: dict[str, tuple[str, ...]] = {
    "code": (
        "code client",
        "client code",
        "compte client",
        "n client",
        "no client",
        "numero client",
        "ref client",
        "reference client",
        "code tiers",
        "compte tiers",
        "compte",
        "tiers",
    ),
    "name": (
        "nom client",
        "intitule client",
        "intitule compte",
        "intitule",
        "raison sociale",
        "nom",
    ),
    "client": ("client",),
    "email": ("e mail", "email", "mail", "courriel", "adresse e mail", "adresse email"),
    "phone": ("telephone", "tel", "telephone client", "portable", "mobile"),
    "reference": (
        "n facture",
        "no facture",
        "numero facture",
        "facture",
        "n piece",
        "no piece",
        "numero piece",
        "piece",
        "reference facture",
        "reference",
        "ref",
        "n document",
        "document",
    ),
    "issued_on": ("date facture", "date piece", "date emission", "date document", "date"),
    "due_on": (
        "echeance",
        "date echeance",
        "echeance facture",
        "date limite paiement",
        "date limite",
    ),
    "amount": (
        "montant du",
        "reste du",
        "restant du",
        "solde du",
        "reste payer",
        "montant restant",
        "solde",
        "montant",
    ),
    "label": ("libelle", "objet", "designation", "libelle ecriture"),
    "key": (
        "id ligne",
        "identifiant ligne",
        "n ligne",
        "numero ligne",
        "id ecriture",
        "n ecriture",
        "identifiant",
        "id",
        "cle",
    ),
}
# What the messages call each column.
LABELS = {
    "client": "client",
    "reference": "n° facture",
    "due_on": "échéance",
    "amount": "montant dû",
}
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d-%m-%Y")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$")


def expected_columns() -> str:
    return _(
        "client (code ou nom), e-mail ou téléphone (facultatifs), n° facture, date, "
        "échéance, montant dû"
    )


@dataclass(frozen=True)
class Line:
    """One line of the file, read and checked."""

    number: int  # as a spreadsheet numbers it (the header is line 1 when it comes first)
    code: str
    name: str
    email: str  # normalized, "" when absent or not an address
    phone: str  # E.164, "" when absent or not a number
    reference: str
    issued_on: dt.date | None
    due_on: dt.date
    amount: Decimal
    label: str
    key: str

    @property
    def client(self) -> str:
        """The customer as the file names it, for messages."""
        if self.code and self.name and self.code != self.name:
            return f"{self.code} · {self.name}"
        return self.code or self.name or self.email or self.phone


@dataclass(frozen=True)
class Statement:
    """The lines of a file, and whether it gave each line its own key."""

    lines: list[Line]
    has_key_column: bool
    delimiter: str


def header_key(text: str) -> str:
    """ "N° de facture" → "n facture", "Date d'échéance" → "date echeance"."""
    words = fold(text).replace(".", " ").replace("@", " ").replace("+", " ").split()
    return " ".join(w for w in words if w not in _STOP_WORDS)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes strictly, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # A few bytes are undefined in cp1252 (0x81, 0x8d…): latin-1 reads anything.
        return data.decode("latin-1")


def check_file(file_name: str, data: bytes) -> str:
    """The text of an uploaded file, or a ValidationError saying why it is not a CSV."""
    if not data.strip():
        raise ValidationError(_("Le fichier est vide."))
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("Le fichier dépasse %(size)s Mo : exportez seulement les échéances ouvertes.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    name = file_name.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xls", ".ods")):
        raise ValidationError(
            _(
                "Ce fichier est un classeur (Excel ou LibreOffice) : enregistrez-le au format "
                "CSV (séparateur point-virgule) puis importez le fichier .csv."
            )
        )
    if data[:5] == b"%PDF-" or b"\x00" in data[:65536]:
        raise ValidationError(
            _(
                "Ce fichier n'est pas un CSV : exportez les échéances ouvertes de votre "
                "comptabilité au format CSV (texte, séparateur point-virgule)."
            )
        )
    return decode(data)


def _rows(text: str, delimiter: str) -> Iterable[list[str]]:
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [cell.strip() for cell in row]


def _roles(header: list[str]) -> dict[str, int]:
    """Role → index of its column in ``header``."""
    keys = [header_key(cell) for cell in header]
    found: dict[str, int] = {}
    taken: set[int] = set()
    for role, aliases in ALIASES.items():
        for alias in aliases:
            index = next((i for i, k in enumerate(keys) if k == alias and i not in taken), None)
            if index is not None:
                found[role] = index
                taken.add(index)
                break
    return found


def _missing(roles: dict[str, int]) -> list[str]:
    missing = []
    if not {"code", "name", "client"} & roles.keys():
        missing.append(LABELS["client"])
    missing += [LABELS[r] for r in ("reference", "due_on", "amount") if r not in roles]
    return missing


def _find_header(text: str) -> tuple[str, int, list[str], dict[str, int]]:
    """(delimiter, index of the header row, header, roles) or a ValidationError naming what
    lacks."""
    best: tuple[int, list[str]] | None = None
    for delimiter in DELIMITERS:
        for index, row in enumerate(_rows(text, delimiter)):
            if index >= HEADER_SCAN_ROWS:
                break
            roles = _roles(row)
            missing = _missing(roles)
            if not missing:
                return delimiter, index, row, roles
            if roles and (best is None or len(roles) > best[0]):
                best = (len(roles), missing)
    if best is None:
        raise ValidationError(
            _(
                "Aucune ligne d'en-tête reconnue : la première ligne du fichier doit nommer "
                "les colonnes. Colonnes attendues : %(expected)s."
            )
            % {"expected": expected_columns()}
        )
    raise ValidationError(
        _("Colonne(s) manquante(s) : %(missing)s. Colonnes attendues : %(expected)s.")
        % {"missing": ", ".join(best[1]), "expected": expected_columns()}
    )


def parse_date(raw: str) -> dt.date:
    """ "12/03/2026", "12/03/26", "2026-03-12", "12.03.2026", "120326", "12032026"."""
    text = _TIME_SUFFIX.sub("", raw.strip())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if text.isdigit() and len(text) in (6, 8):
        fmt = "%d%m%y" if len(text) == 6 else "%d%m%Y"
        return dt.datetime.strptime(text, fmt).date()
    raise ValueError(raw)


def _cell(row: list[str], roles: dict[str, int], role: str) -> str:
    index = roles.get(role)
    return row[index] if index is not None and index < len(row) else ""


def _is_total(row: list[str], roles: dict[str, int]) -> bool:
    """A "Total" line at the bottom of an export: no invoice number, "total" in front."""
    if _cell(row, roles, "reference"):
        return False
    first = next((cell for cell in row if cell), "")
    return fold(first).startswith("total")


def read_statement(text: str) -> Statement:
    """Every line of the file, or a ValidationError listing the lines that cannot be read."""
    delimiter, header_index, header, roles = _find_header(text)
    lines: list[Line] = []
    errors: list[str] = []
    error_count = 0
    for index, row in enumerate(_rows(text, delimiter)):
        if index <= header_index or not any(row) or _is_total(row, roles):
            continue
        number = index + 1
        problems: list[str] = []
        if any(row[len(header) :]):
            problems.append(
                _(
                    "plus de colonnes que l'en-tête (un montant écrit avec une virgule "
                    "doit être entre guillemets, ou choisissez le séparateur point-virgule)"
                )
            )
        reference = _cell(row, roles, "reference")
        if not reference:
            problems.append(_("n° de facture manquant"))
        elif len(reference) > REFERENCE_MAX:
            problems.append(
                _("n° de facture trop long (%(max)s caractères au plus)") % {"max": REFERENCE_MAX}
            )
        raw_amount = _cell(row, roles, "amount")
        amount = Decimal(0)
        if not raw_amount:
            problems.append(_("montant dû manquant"))
        else:
            try:
                amount = parse_amount(raw_amount)
            except ValueError:
                problems.append(_("montant illisible « %(value)s »") % {"value": raw_amount})
            else:
                if abs(amount) >= Decimal("10000000000"):
                    problems.append(_("montant trop grand « %(value)s »") % {"value": raw_amount})
        due_on = dt.date.min
        raw_due = _cell(row, roles, "due_on")
        if not raw_due:
            problems.append(_("échéance manquante"))
        else:
            try:
                due_on = parse_date(raw_due)
            except ValueError:
                problems.append(_("échéance illisible « %(value)s »") % {"value": raw_due})
        issued_on = None
        raw_issued = _cell(row, roles, "issued_on")
        if raw_issued:
            try:
                issued_on = parse_date(raw_issued)
            except ValueError:
                problems.append(_("date illisible « %(value)s »") % {"value": raw_issued})
        key = _cell(row, roles, "key") if "key" in roles else reference
        if "key" in roles and not key:
            problems.append(_("identifiant de ligne manquant"))
        elif len(key) > KEY_MAX:
            problems.append(_("identifiant de ligne trop long"))
        if problems:
            error_count += 1
            if len(errors) < MAX_ERRORS:
                errors.append(
                    _("Ligne %(number)s : %(problems)s.")
                    % {"number": number, "problems": ", ".join(problems)}
                )
            continue
        client = _cell(row, roles, "client")
        lines.append(
            Line(
                number=number,
                code=_cell(row, roles, "code") or client,
                name=_cell(row, roles, "name") or client,
                email=normalize_email(_cell(row, roles, "email")),
                phone=phone_e164(_cell(row, roles, "phone")),
                reference=reference,
                issued_on=issued_on,
                due_on=due_on,
                amount=amount,
                label=_cell(row, roles, "label")[:LABEL_MAX],
                key=key,
            )
        )
    if error_count:
        if error_count > len(errors):
            errors.append(
                _("… et %(count)s autre(s) ligne(s) illisible(s).")
                % {"count": error_count - len(errors)}
            )
        raise ValidationError(
            [_("Rien n'a été importé : corrigez le fichier puis recommencez."), *errors]
        )
    if not lines:
        raise ValidationError(_("Le fichier ne contient aucune ligne sous l'en-tête."))
    return Statement(lines=lines, has_key_column="key" in roles, delimiter=delimiter)
