"""Reading the accounting's CSV: column names in any case and accents, dates as exported."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from comptoir.receivables.reading import check_file, header_key, parse_date, read_statement


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("N° facture", "n facture"),
        ("N° de facture", "n facture"),
        ("Date d'échéance", "date echeance"),
        ("ÉCHÉANCE", "echeance"),
        ("Montant dû", "montant du"),
        ("E-mail", "e mail"),
        ("Tél.", "tel"),
    ],
)
def test_header_key(raw, key):
    assert header_key(raw) == key


@pytest.mark.parametrize(
    "raw",
    [
        "12/03/2026",
        "12/03/26",
        "2026-03-12",
        "12.03.2026",
        "12-03-2026",
        "120326",
        "12032026",
        "12/03/2026 00:00:00",
        "2026-03-12T00:00",
    ],
)
def test_parse_date(raw):
    assert parse_date(raw) == dt.date(2026, 3, 12)


@pytest.mark.parametrize("raw", ["31/02/2026", "mars 2026", "2026", "12/13/2026"])
def test_parse_date_refuses(raw):
    with pytest.raises(ValueError):
        parse_date(raw)


def test_columns_are_found_whatever_their_order_case_and_accents():
    statement = read_statement(
        "MONTANT DU;ECHEANCE;numero de facture;Nom client;Code client;Libellé;Id ligne\n"
        "240,00;12/03/2026;F-1188;Dupont Pierre;411DUP;Dépannage;L-1\n"
    )

    line = statement.lines[0]
    assert (line.code, line.name, line.reference, line.key) == (
        "411DUP",
        "Dupont Pierre",
        "F-1188",
        "L-1",
    )
    assert line.label == "Dépannage"
    assert statement.has_key_column


def test_montant_du_wins_over_the_invoice_total():
    statement = read_statement(
        "Client;N° facture;Échéance;Montant;Montant dû\nDupont;F-1;12/03/2026;1000,00;240,00\n"
    )

    assert str(statement.lines[0].amount) == "240.00"


def test_an_unquoted_decimal_comma_in_a_comma_separated_file_is_refused():
    with pytest.raises(ValidationError, match="plus de colonnes"):
        read_statement("client,n facture,echeance,montant du\nDupont,F-1,12/03/2026,240,00\n")


def test_cp1252_is_decoded():
    text = check_file("x.csv", "Client;N° facture;Échéance;Montant dû\n".encode("cp1252"))

    assert text.startswith("Client;N° facture;Échéance")
