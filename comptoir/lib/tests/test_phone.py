"""Phone numbers: the quick path for French forms gives exactly what phonenumbers gives."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from comptoir.lib import phone
from comptoir.lib.normalize import phone_e164

REGIONS = ["FR", "GP", "GF", "MQ", "RE", "YT", "PM", "BL", "MF", "BE", "CH", "US", "fr", "XX"]
COUNTRY_CODES = ["33", "590", "594", "596", "262", "508", "32", "41", "1", "44", "330", "0"]


def _reference(raw: str, region: str) -> str | None:
    """``normalize_phone`` as it is written without the quick path: phonenumbers decides."""
    compact = phone._digits(raw.strip())
    if not compact or len(compact.lstrip("+")) < 4:
        return None
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if region == "FR" and not compact.startswith("+"):
        region = phone.OVERSEAS_PREFIX_REGION.get(compact[:4], region)
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _numbers() -> list[tuple[str, str]]:
    rng = random.Random(20250323)
    numbers = []

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    # Every national prefix 0X and 0XYZ of France and its overseas departments…
    for head in range(10, 100):
        for region in ("FR", "GP", "RE", "YT", "GF", "MQ", "PM"):
            numbers.append((f"0{head}{digits(7)}", region))
    for head in range(100, 1000):
        numbers.append((f"0{head}{digits(6)}", rng.choice(REGIONS)))
        numbers.append((f"+33 {head} {digits(6)}", "FR"))
    # …typed the ways people type them, and numbers that are not valid.
    for _ in range(4000):
        body = digits(rng.choice([5, 8, 9, 9, 10, 11]))
        form = rng.randrange(5)
        if form == 0:
            text = "0" + body
        elif form == 1:
            text = "+" + rng.choice(COUNTRY_CODES) + body
        elif form == 2:
            text = "00" + rng.choice(COUNTRY_CODES) + body
        elif form == 3:
            text = " ".join(("0" + body)[i : i + 2] for i in range(0, len(body) + 1, 2))
        else:
            text = ".".join(body[i : i + 2] for i in range(0, len(body), 2))
        numbers.append((text, rng.choice(REGIONS)))
    numbers += [
        ("０６１２３４５６７８", "FR"),
        ("06 12 34 56 78 poste 12", "FR"),
        ("+33 0612345678", "FR"),
    ]
    return numbers


def test_quick_path_gives_what_phonenumbers_gives():
    quick = 0
    for raw, region in _numbers():
        try:
            got: str | None = phone.normalize_phone(raw, region)
        except phone.InvalidPhone:
            got = None
        assert got == _reference(raw, region), (raw, region)
        compact = phone._digits(raw)
        compact = "+" + compact[2:] if compact.startswith("00") else compact
        if region == "FR" and not compact.startswith("+"):
            region = phone.OVERSEAS_PREFIX_REGION.get(compact[:4], region)
        quick += phone._quick_e164(compact, region) is not None
    # The quick path does decide most French numbers (else this test proves nothing).
    assert quick > 3000


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "GP", "+33612345678"),
        ("0033 4 50 12 34 56", "FR", "+33450123456"),
        ("0590 12 34 56", "FR", "+590590123456"),
        ("0690 12 34 56", "GP", "+590690123456"),
        ("0262 12 34 56", "RE", "+262262123456"),
        ("0269 61 23 45", "FR", "+262269612345"),
    ],
)
def test_common_forms(raw, region, e164):
    assert phone.normalize_phone(raw, region) == e164
    compact = phone._digits(raw).replace("0033", "+33", 1)
    if region == "FR" and not compact.startswith("+"):
        region = phone.OVERSEAS_PREFIX_REGION.get(compact[:4], region)
    assert phone._quick_e164(compact, region) == e164  # without a full parse


def test_an_overseas_address_reads_a_mainland_number_as_french():
    assert phone_e164("06 12 34 56 78", postcode="97100") == "+33612345678"
    assert phone_e164("0690 12 34 56", postcode="97100") == "+590690123456"
    assert phone_e164("01 23 45 67 89", country="FR", postcode="97400") == "+33123456789"
    assert phone_e164("12", postcode="97100") == ""
    # Another country stays that country's.
    assert phone_e164("06 12 34 56 78", country="BE") == ""
