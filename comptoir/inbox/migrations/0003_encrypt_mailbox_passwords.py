"""Encrypt the IMAP passwords stored in clear; the reverse writes them back in clear.

Raw SQL: the model field decrypts on read, so the historical model cannot read clear values.
"""

from django.db import migrations

from comptoir.lib.crypto import decrypt_text, encrypt_text, is_token


def _rewrite(apps, schema_editor, convert):
    Mailbox = apps.get_model("inbox", "Mailbox")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Mailbox._meta.db_table)
    column = connection.ops.quote_name(Mailbox._meta.get_field("password").column)
    pk_column = connection.ops.quote_name(Mailbox._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk_column}, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
        rows = cursor.fetchall()
        for pk, value in rows:
            new = convert(value)
            if new != value:
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s",  # noqa: S608
                    [new, pk],
                )


def encrypt_passwords(apps, schema_editor):
    _rewrite(apps, schema_editor, lambda v: v if is_token(v) else encrypt_text(v))


def decrypt_passwords(apps, schema_editor):
    _rewrite(apps, schema_editor, lambda v: decrypt_text(v) if is_token(v) else v)


class Migration(migrations.Migration):

    dependencies = [
        ("inbox", "0002_mailbox_password_encrypted"),
    ]

    operations = [
        migrations.RunPython(encrypt_passwords, decrypt_passwords),
    ]
