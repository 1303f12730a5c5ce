from django.db import migrations


def seed(apps, schema_editor):
    from comptoir.field import defaults
    from comptoir.messaging import defaults as message_defaults

    Workspace = apps.get_model("accounts", "Workspace")
    CatalogueItem = apps.get_model("field", "CatalogueItem")
    ChecklistItem = apps.get_model("field", "ChecklistItem")
    ServiceType = apps.get_model("scheduling", "ServiceType")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    report_template = next(
        t for t in message_defaults.TEMPLATES if t.code == "intervention_report"
    )
    for workspace in Workspace.objects.all():
        known = set(
            CatalogueItem.objects.filter(workspace=workspace).values_list("reference", flat=True)
        )
        CatalogueItem.objects.bulk_create(
            CatalogueItem(
                workspace=workspace, reference=ref, label=label, unit=unit,
                unit_price_ht=price, vat_rate=vat,
            )
            for ref, label, unit, price, vat in defaults.CATALOGUE
            if ref not in known
        )
        services = ServiceType.objects.filter(
            workspace=workspace, code__in=list(defaults.CHECKLISTS)
        )
        for service in services:
            if ChecklistItem.objects.filter(service_type=service).exists():
                continue
            ChecklistItem.objects.bulk_create(
                ChecklistItem(
                    workspace=workspace, service_type=service, label=label,
                    is_required=required, position=position,
                )
                for position, (label, required) in enumerate(
                    defaults.CHECKLISTS[service.code], 1
                )
            )
        existing = set(
            MessageTemplate.objects.filter(
                workspace=workspace, code="intervention_report"
            ).values_list("channel", flat=True)
        )
        if "email" not in existing:
            MessageTemplate.objects.create(
                workspace=workspace, code="intervention_report", channel="email",
                subject=report_template.subject, body=report_template.email,
            )
        if "sms" not in existing:
            MessageTemplate.objects.create(
                workspace=workspace, code="intervention_report", channel="sms",
                body=report_template.sms,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("field", "0001_catalogue_checklists_reports_needs"),
        ("messaging", "0002_seed_templates_of_existing_workspaces"),
        ("scheduling", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
