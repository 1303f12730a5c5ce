"""Phone numbers: parse what people type, store E.164, show the French way."""

import re

import phonenumbers

# French overseas departments use their own country codes, but their national numbers start
# like mainland ones (0590…): phonenumbers with region FR would turn them into +33.
OVERSEAS_PREFIX_REGION = {
    "0590": "GP",
    "0690": "GP",
    "0691": "GP",
    "0594": "GF",
    "0694": "GF",
    "0596": "MQ",
    "0696": "MQ",
    "0697": "MQ",
    "0262": "RE",
    "0263": "RE",
    "0692": "RE",
    "0693": "RE",
    "0269": "YT",
    "0639": "YT",
    "0508": "PM",
}
# Postcodes of the overseas departments, to take the region from an address.
OVERSEAS_POSTCODE_REGION = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT"}


class InvalidPhone(ValueError):
    """The text is not a phone number we can dial."""


def region_for(country: str = "FR", postcode: str = "") -> str:
    """The phonenumbers region for an address: overseas postcodes win over country FR."""
    country = (country or "FR").upper()
    if country == "FR" and postcode[:3] in OVERSEAS_POSTCODE_REGION:
        return OVERSEAS_POSTCODE_REGION[postcode[:3]]
    if postcode.startswith("975"):
        return "PM"
    return country


def _digits(raw: str) -> str:
    return re.sub(r"[^\d+]", "", raw)


def normalize_phone(raw: str, region: str = "FR") -> str:
    """Return the E.164 form of ``raw`` or raise InvalidPhone."""
    text = (raw or "").strip()
    compact = _digits(text)
    if not compact or len(compact.lstrip("+")) < 4:
        raise InvalidPhone(raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if region == "FR" and not compact.startswith("+"):
        region = OVERSEAS_PREFIX_REGION.get(compact[:4], region)
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(raw: str, region: str = "FR") -> str | None:
    """E.164 for ``raw`` or None when it is not a phone number (for search boxes)."""
    try:
        return normalize_phone(raw, region)
    except InvalidPhone:
        return None


def format_phone(e164: str) -> str:
    """Show a stored number the French way: ``06 12 34 56 78`` at home, international abroad."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 33:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return national
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
