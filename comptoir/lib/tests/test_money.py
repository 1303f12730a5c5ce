"""French money: shown as "1 234,56 €", read back from what accounting software exports."""

from decimal import Decimal

import pytest

from comptoir.lib.money import euros, parse_amount

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("240"), f"240,00{NNBSP}€"),
        (Decimal("1234.5"), f"1{NNBSP}234,50{NNBSP}€"),
        (Decimal("1234567.891"), f"1{NNBSP}234{NNBSP}567,89{NNBSP}€"),
        (Decimal("-50"), f"-50,00{NNBSP}€"),
        (None, f"0,00{NNBSP}€"),
        (0.005, f"0,01{NNBSP}€"),
    ],
)
def test_euros(value, shown):
    assert euros(value) == shown


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("240,00", "240.00"),
        ("240", "240.00"),
        ("1 234,56 €", "1234.56"),
        (f"1{NNBSP}234,56{NNBSP}€", "1234.56"),  # what browsers and Excel write in French
        ("1\u00a0234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567.00"),
        ("-12,00", "-12.00"),
        ("12,00-", "-12.00"),
        ("(12,00)", "-12.00"),
        ("EUR 12,5", "12.50"),
        ("12,345", "12.35"),
        (",50", "0.50"),
    ],
)
def test_parse_amount(raw, amount):
    assert parse_amount(raw) == Decimal(amount)


@pytest.mark.parametrize("raw", ["", "abc", "12,3,4", "1.2.3", "12 euros et 5", "--12", "1e5", "€"])
def test_parse_amount_refuses_what_is_not_an_amount(raw):
    with pytest.raises(ValueError):
        parse_amount(raw)
