"""French company identifiers (SIREN, SIRET) and EU VAT numbers, via python-stdnum."""

from stdnum import luhn
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from comptoir.lib.text import strip_spaces


class InvalidIdentifier(ValueError):
    """The identifier has the wrong length or check digit."""


def clean_siren(raw: str) -> str:
    value = strip_spaces(raw).replace(".", "")
    try:
        return str(fr_siren.validate(value))
    except ValidationError as exc:
        raise InvalidIdentifier(raw) from exc


def clean_siret(raw: str) -> str:
    value = strip_spaces(raw).replace(".", "")
    try:
        return str(fr_siret.validate(value))
    except ValidationError as exc:
        # La Poste's SIRETs (SIREN 356000000) use a different checksum that stdnum handles;
        # anything else failing Luhn is a typo.
        if value.isdigit() and len(value) == 14 and luhn.is_valid(value):
            return value
        raise InvalidIdentifier(raw) from exc


def clean_vat(raw: str) -> str:
    value = strip_spaces(raw).upper()
    try:
        return str(eu_vat.validate(value))
    except ValidationError as exc:
        raise InvalidIdentifier(raw) from exc
