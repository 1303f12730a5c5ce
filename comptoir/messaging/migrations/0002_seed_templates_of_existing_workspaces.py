from django.db import migrations


def seed(apps, schema_editor):
    from comptoir.messaging import defaults

    Workspace = apps.get_model("accounts", "Workspace")
    MessageTemplate = apps.get_model("messaging", "MessageTemplate")
    for workspace in Workspace.objects.all():
        existing = set(
            MessageTemplate.objects.filter(workspace=workspace).values_list("code", "channel")
        )
        rows = []
        for d in defaults.TEMPLATES:
            if (d.code, "email") not in existing:
                rows.append(
                    MessageTemplate(
                        workspace=workspace, code=d.code, channel="email",
                        subject=d.subject, body=d.email,
                    )
                )
            if (d.code, "sms") not in existing:
                rows.append(
                    MessageTemplate(workspace=workspace, code=d.code, channel="sms", body=d.sms)
                )
        MessageTemplate.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("messaging", "0001_outbox_and_templates"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
