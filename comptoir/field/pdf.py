"""The intervention report as an A4 PDF in the workspace's language (WeasyPrint), images embedded:
no URL fetched."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.field.formats import quantity, rate
from comptoir.field.images import png_data_uri, thumbnail_data_uri
from comptoir.field.models import InterventionReport, money
from comptoir.lib.money import euros
from comptoir.lib.phone import format_phone
from comptoir.messaging.services import appointment_context, workspace_language


def _read(field: Any) -> bytes:
    field.open("rb")
    try:
        return bytes(field.read())
    finally:
        field.close()


def report_context(report: InterventionReport) -> dict[str, Any]:
    from comptoir.field.services import customer_name, site_address

    visit = report.visit
    workspace = visit.workspace
    lines = list(report.lines.all())
    by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        by_rate[line.vat_rate] += line.total_ht
    vat_rows = [
        {"rate": rate(r), "base": euros(ht), "vat": euros(money(ht * r / 100))}
        for r, ht in sorted(by_rate.items())
    ]
    moment = appointment_context(
        workspace=workspace,
        client_name="",
        starts_at=visit.starts_at,
        ends_at=visit.interaction.ends_at,
    )["rdv"]
    zone = timezone.get_current_timezone()
    local = {
        name: timezone.localtime(value, zone).strftime("%H:%M") if value else ""
        for name, value in (("started", report.started_at), ("ended", report.ended_at))
    }
    signed = timezone.localtime(report.signed_at, zone) if report.signed_at else None
    customer = visit.interaction.person or visit.interaction.company
    return {
        "report": report,
        "visit": visit,
        "workspace": workspace,
        "workspace_phone": format_phone(workspace.phone or ""),
        "customer": customer_name(visit),
        "customer_address": getattr(customer, "address_line", "") or "",
        "site": visit.interaction.site,
        "site_address": site_address(visit),
        "date": moment["date"],
        "started": local["started"],
        "ended": local["ended"],
        "duration": _minutes(report.duration_minutes or 0),
        "technician": visit.technician.name,
        "lines": [
            {
                "label": line.label,
                "reference": line.item.reference if line.item else "",
                "quantity": quantity(line.quantity),
                "unit": line.unit,
                "unit_price": euros(line.unit_price_ht),
                "vat_rate": rate(line.vat_rate),
                "total": euros(line.total_ht),
            }
            for line in lines
        ],
        "vat_rows": vat_rows,
        "total_ht": euros(report.total_ht),
        "total_vat": euros(report.total_vat),
        "total_ttc": euros(report.total_ttc),
        "photos": [
            {"kind": photo.get_kind_display(), "src": thumbnail_data_uri(_read(photo.image))}
            for photo in report.photos.all()
        ],
        "signature": png_data_uri(_read(report.signature)) if report.signature else "",
        # "20/03/2025 à 10:05": the date and time of the signature, in the report's language.
        "signed_on": _("%(date)s à %(time)s")
        % {"date": signed.strftime("%d/%m/%Y"), "time": signed.strftime("%H:%M")}
        if signed
        else "",
    }


def _minutes(total: int) -> str:
    """``45 min``, ``1 h 30``, ``2 h`` (in the active language)."""
    hours, rest = divmod(int(total), 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    if rest:
        return _("%(hours)s h %(minutes)s") % {"hours": hours, "minutes": f"{rest:02d}"}
    return _("%(hours)s h") % {"hours": hours}


def report_html(report: InterventionReport) -> str:
    with translation.override(workspace_language(report.workspace)):
        return render_to_string("field/report_pdf.html", report_context(report))


def report_pdf(report: InterventionReport) -> bytes:
    import weasyprint  # type: ignore[import-untyped]

    return bytes(weasyprint.HTML(string=report_html(report)).write_pdf())
