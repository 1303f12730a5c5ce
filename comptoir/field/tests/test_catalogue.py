"""Catalogue totals (HT, VAT per rate, TTC) and French formats."""

from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.field.formats import parse_decimal, quantity
from comptoir.field.formats import rate as vat_rate
from comptoir.field.models import CatalogueItem, InterventionReport, MaterialLine
from comptoir.lib.money import euros

pytestmark = pytest.mark.django_db


def test_a_new_workspace_gets_an_electricians_catalogue_and_checklists(workspace):
    items = CatalogueItem.objects.filter(workspace=workspace)
    assert items.count() >= 10
    assert items.get(reference="DJ-16").unit_price_ht == Decimal("12.90")
    codes = set(workspace.checklistitem_set.values_list("service_type__code", flat=True).distinct())
    assert codes == {"depannage", "vmc", "irve"}


def test_totals_round_per_line_then_vat_per_rate(today_visit):
    report = InterventionReport.objects.create(
        workspace=today_visit.workspace, visit=today_visit, technician=today_visit.technician.user
    )
    for qty, price, rate in (
        ("3", "0.335", "20"),  # 1.005 → 1.01 (half up)
        ("1", "10.00", "5.5"),  # 0.55 VAT
        ("2", "1.115", "20"),  # 2.23
    ):
        MaterialLine.objects.create(
            workspace=today_visit.workspace,
            report=report,
            label="x",
            quantity=Decimal(qty),
            unit_price_ht=Decimal(price).quantize(Decimal("0.001")),
            vat_rate=Decimal(rate),
        )
    # Prices are stored to the cent: 0.34 and 1.12 (Decimal field rounding).
    report = InterventionReport.objects.get(pk=report.pk)
    lines = [line.total_ht for line in report.lines.all()]
    assert lines == [Decimal("1.02"), Decimal("10.00"), Decimal("2.24")]
    assert report.total_ht == Decimal("13.26")
    # 20 % of 3.26 = 0.652 → 0.65; 5.5 % of 10.00 = 0.55
    assert report.total_vat == Decimal("1.20")
    assert report.total_ttc == Decimal("14.46")


def test_french_money_and_quantities():
    assert euros(Decimal("1234.5")) == "1\u202f234,50\u202f€"
    assert euros(Decimal("0")) == "0,00\u202f€"
    assert euros(Decimal("1234567.891")) == "1\u202f234\u202f567,89\u202f€"
    assert quantity(Decimal("2.00")) == "2" and quantity(Decimal("1.50")) == "1,5"
    assert parse_decimal("1\u202f234,50") == Decimal("1234.50")
    assert parse_decimal("1,5") == Decimal("1.5")
    assert parse_decimal("deux") is None and parse_decimal("") is None


def test_english_money_and_quantities():
    with translation.override("en"):
        assert euros(Decimal("1234.5")) == "€1,234.50"
        assert euros(Decimal("-1234567.891")) == "-€1,234,567.89"
        assert quantity(Decimal("1.50")) == "1.5"
        assert vat_rate(Decimal("5.50")) == "5.5%"
    assert vat_rate(Decimal("5.50")) == "5,5\u202f%"
