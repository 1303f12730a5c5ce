import datetime as dt

from django.db import migrations

CATEGORIES = ["Panne", "Devis", "Réclamation", "Information", "Entretien", "Autre"]
SLA_TARGETS = {1: (60, 240), 2: (240, 600), 3: (600, 1800), 4: (1200, 6000)}


def seed(apps, schema_editor):
    Workspace = apps.get_model("accounts", "Workspace")
    TicketCategory = apps.get_model("tickets", "TicketCategory")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    BusinessHours = apps.get_model("tickets", "BusinessHours")
    for workspace in Workspace.objects.all():
        for position, name in enumerate(CATEGORIES, start=1):
            TicketCategory.objects.get_or_create(
                workspace=workspace, name=name, defaults={"position": position}
            )
        for priority, (first, resolution) in SLA_TARGETS.items():
            SlaPolicy.objects.get_or_create(
                workspace=workspace,
                priority=priority,
                defaults={"first_response_minutes": first, "resolution_minutes": resolution},
            )
        for weekday in range(7):
            BusinessHours.objects.get_or_create(
                workspace=workspace,
                weekday=weekday,
                defaults={"is_open": weekday < 5, "opens": dt.time(8), "closes": dt.time(18)},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("tickets", "0001_tickets_sla_messages"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
