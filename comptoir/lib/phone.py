"""Phone numbers: parse what people type, store E.164, show the French way."""

import functools
import re
from dataclasses import dataclass

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


_NOT_DIGITS = re.compile(r"[^\d+]")


def _digits(raw: str) -> str:
    return _NOT_DIGITS.sub("", raw)


# Regions where a national number (0…) is checked without a full parse: France and its
# overseas departments (see ``_quick_e164``).
QUICK_REGIONS = frozenset({"FR", "GP", "BL", "MF", "GF", "MQ", "RE", "YT", "PM"})
_ASCII_DIGITS = re.compile(r"[0-9]+")
# The types phonenumbers tries, in its order, before calling a number invalid.
_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


@dataclass(frozen=True)
class _Rules:
    """What phonenumbers reads in a region's metadata to parse and validate a number."""

    country_code: int
    general_lengths: frozenset[int]  # lengths the region's numbers may have
    parse_lengths: frozenset[int]  # lengths for which a national prefix is stripped
    general: re.Pattern[str]
    by_length: dict[int, re.Pattern[str]]  # the number types' patterns, by length
    leading: re.Pattern[str] | None
    idd: str | None


@functools.cache
def _rules(region: str) -> _Rules | None:
    """The region's rules, read from phonenumbers' own metadata, or None when the region
    does not fit the quick path (a national prefix other than "0", or transformed)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or metadata.country_code is None:
        return None
    if metadata.national_prefix_for_parsing not in (None, "0") or (
        metadata.national_prefix_transform_rule
    ):
        return None
    general = metadata.general_desc
    if general is None or not general.national_number_pattern or not general.possible_length:
        return None
    by_length: dict[int, re.Pattern[str]] = {}
    for length in general.possible_length:
        patterns = []
        for name in _TYPES:
            desc = getattr(metadata, name)
            if desc is None or not desc.national_number_pattern:
                continue
            if desc.possible_length and length not in desc.possible_length:
                continue
            patterns.append(f"(?:{desc.national_number_pattern})")
        if patterns:
            by_length[length] = re.compile("|".join(patterns))
    return _Rules(
        country_code=metadata.country_code,
        general_lengths=frozenset(general.possible_length),
        parse_lengths=frozenset(general.possible_length)
        - frozenset(general.possible_length_local_only or ()),
        general=re.compile(general.national_number_pattern),
        by_length=by_length,
        leading=re.compile(metadata.leading_digits) if metadata.leading_digits else None,
        idd=metadata.international_prefix,
    )


def _valid_in(rules: _Rules, national: str) -> bool:
    # phonenumbers' _number_type_helper(…) != UNKNOWN.
    if len(national) not in rules.general_lengths or not rules.general.fullmatch(national):
        return False
    pattern = rules.by_length.get(len(national))
    return pattern is not None and pattern.fullmatch(national) is not None


def _valid(country_code: int, national: str) -> bool | None:
    """phonenumbers.is_valid_number for +country_code national; None when unsure."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions:
        return None
    all_rules = [_rules(region) for region in regions]
    if any(rules is None for rules in all_rules):
        return None
    if len(regions) == 1:
        assert all_rules[0] is not None
        return _valid_in(all_rules[0], national)
    # The region of the number: the first whose leading digits match, or that validates it.
    for rules in all_rules:
        assert rules is not None
        if rules.leading is not None:
            if rules.leading.match(national):
                return _valid_in(rules, national)
        elif _valid_in(rules, national):
            return True
    return False


def _quick_e164(compact: str, region: str) -> str | None:
    """E.164 of the common forms (``0612345678`` in France or overseas, ``+33612345678``)
    without a full parse; "" when phonenumbers would call it invalid; None when unsure: then
    phonenumbers decides. The same steps as phonenumbers on its own metadata."""
    if compact.startswith("+"):
        digits = compact[1:]
        if not _ASCII_DIGITS.fullmatch(digits) or digits.startswith("0"):
            return None
        # phonenumbers takes the first one to three digits that form a country code.
        for size in (1, 2, 3):
            code = int(digits[:size])
            if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                national = digits[size:]
                break
        else:
            return None
        main = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code][0]
        # A national prefix after the country code (+33 0 6…) is left to phonenumbers.
        if _rules(main) is None or national.startswith("0"):
            return None
    else:
        if region not in QUICK_REGIONS or not _ASCII_DIGITS.fullmatch(compact):
            return None
        rules = _rules(region)
        if rules is None or rules.idd != "00" or not compact.startswith("0"):
            return None
        national = compact[1:]
        if national.startswith("0") or len(national) not in rules.parse_lengths:
            return None
        # phonenumbers strips the national prefix "0" unless the whole number looks like a
        # number of the region and what remains does not.
        if rules.general.fullmatch(compact) and not rules.general.fullmatch(national):
            return None
        code = rules.country_code
    valid = _valid(code, national)
    if valid is None:
        return None
    return f"+{code}{national}" if valid else ""


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
    quick = _quick_e164(compact, region)
    if quick == "":
        raise InvalidPhone(raw)
    if quick is not None:
        return quick
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
