"""Réglages › Impayés: a manager uploads the accounting's open items, previews, applies.

Each file is a snapshot: new lines are created, known ones updated, missing ones settled;
the same file twice changes nothing; lines without a single customer are listed, not
imported; a bad file is refused in French and changes nothing.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.audit.models import AuditEntry
from comptoir.contacts.models import ContactPoint
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory
from comptoir.receivables import services
from comptoir.receivables.models import ImportStatus, OpenItem, OpenItemImport
from comptoir.receivables.tests.factories import OpenItemFactory, OpenItemImportFactory

URL = reverse("receivables:import")
HEADER = "Code client;Client;E-mail;Téléphone;N° facture;Date;Échéance;Montant dû"
NNBSP = "\u202f"


def day(offset):
    return (timezone.localdate() + dt.timedelta(days=offset)).strftime("%d/%m/%Y")


def csv_file(*rows, header=HEADER, encoding="utf-8", name="echeances.csv"):
    text = "\r\n".join([header, *rows]) + "\r\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def customers(workspace):
    dupont = PersonFactory(
        workspace=workspace,
        civility="M.",
        first_name="Pierre",
        last_name="Dupont",
        external_ref="411DUP",
    )
    roux = PersonFactory(workspace=workspace, civility="Mme", first_name="Élodie", last_name="Roux")
    ContactPoint.objects.create(
        workspace=workspace,
        person=roux,
        kind="email",
        value="Elodie.Roux@example.fr",
        normalized="elodie.roux@example.fr",
    )
    tilleuls = CompanyFactory(workspace=workspace, name="SCI Les Tilleuls")
    ContactPoint.objects.create(
        workspace=workspace,
        company=tilleuls,
        kind="phone",
        value="04 50 99 88 77",
        normalized="+33450998877",
    )
    martin = PersonFactory(
        workspace=workspace, civility="Mme", first_name="Sylvie", last_name="Martin"
    )
    return {"dupont": dupont, "roux": roux, "tilleuls": tilleuls, "martin": martin}


def rows():
    """Four invoices, each customer found another way: code, e-mail, phone, name."""
    return [
        f"411DUP;DUPONT Pierre;;;F-2026-1188;{day(-35)};{day(-5)};240,00",
        f";Roux Élodie;ELODIE.ROUX@example.fr;;F-2026-1190;{day(-20)};{day(10)};1{NNBSP}234,56 €",
        f"411TIL;Les Tilleuls (SCI);;04.50.99.88.77;F-2026-1192;{day(-60)};{day(-30)};1 250,00",
        f";MARTIN Sylvie;;;F-2026-1195;{day(-3)};{day(27)};89,90",
    ]


def upload(client, file):
    return client.post(URL, {"file": file})


def apply(client, response):
    batch_id = int(response["Location"].rstrip("/").split("/")[-1])
    return client.post(reverse("receivables:import_apply", args=[batch_id]), follow=True)


def test_a_manager_previews_then_applies_and_each_invoice_finds_its_customer(
    manager_client, manager, customers
):
    response = upload(manager_client, csv_file(*rows()))

    assert response.status_code == 302
    preview = manager_client.get(response["Location"])
    html = preview.content.decode()
    assert "Aperçu de l'import" in html
    assert "4</strong> nouvelles" in html
    assert "SCI Les Tilleuls" in html
    assert f"1{NNBSP}234,56{NNBSP}€" in html
    assert not OpenItem.objects.exists(), "nothing is written before the manager confirms"

    done = apply(manager_client, response)

    assert "Impayés mis à jour : 4 nouvelles" in done.content.decode()
    items = {i.reference: i for i in OpenItem.objects.all()}
    assert items["F-2026-1188"].person == customers["dupont"]
    assert items["F-2026-1188"].amount_due == Decimal("240.00")
    assert items["F-2026-1188"].days_overdue == 5
    assert items["F-2026-1190"].person == customers["roux"]
    assert items["F-2026-1190"].amount_due == Decimal("1234.56")
    assert items["F-2026-1192"].company == customers["tilleuls"]
    assert items["F-2026-1192"].issued_on == timezone.localdate() - dt.timedelta(days=60)
    assert items["F-2026-1195"].person == customers["martin"]
    batch = OpenItemImport.objects.get()
    assert batch.status == ImportStatus.APPLIED
    assert batch.created_by == manager
    assert (batch.created_count, batch.settled_count, batch.unmatched_count) == (4, 0, 0)
    assert batch.open_total == Decimal("2814.46")
    assert batch.content == ""
    entry = AuditEntry.objects.get(object_id=batch.pk)
    assert entry.actor == manager
    assert entry.changes["created_count"] == ["", "4"]


def test_the_same_file_twice_changes_nothing(manager_client, customers):
    apply(manager_client, upload(manager_client, csv_file(*rows())))
    before = list(
        OpenItem.objects.order_by("pk").values_list(
            "pk", "amount_due", "due_on", "imported_at", "batch_id", "settled_at"
        )
    )

    again = upload(manager_client, csv_file(*rows()))
    preview = manager_client.get(again["Location"]).content.decode()
    done = apply(manager_client, again)

    assert "Ce fichier ne change rien" in preview
    assert "4</strong> inchangées" in preview
    assert "Impayés mis à jour" in done.content.decode()
    last = OpenItemImport.objects.filter(status=ImportStatus.APPLIED).order_by("pk").last()
    assert (last.created_count, last.updated_count, last.settled_count) == (0, 0, 0)
    assert last.unchanged_count == 4
    after = list(
        OpenItem.objects.order_by("pk").values_list(
            "pk", "amount_due", "due_on", "imported_at", "batch_id", "settled_at"
        )
    )
    assert after == before


def test_an_invoice_missing_from_the_next_file_is_settled_and_one_paid_in_part_updated(
    manager_client, customers
):
    apply(manager_client, upload(manager_client, csv_file(*rows())))
    _paid, second, third, fourth = rows()
    partly_paid = third.replace("1 250,00", "250,00")

    response = upload(manager_client, csv_file(second, partly_paid, fourth))
    preview = manager_client.get(response["Location"]).content.decode()
    apply(manager_client, response)

    assert "1</strong> soldée (payée)" in preview
    assert "1</strong> mise à jour" in preview
    settled = OpenItem.objects.get(reference="F-2026-1188")
    assert settled.settled_at is not None
    assert settled.days_overdue == 0
    assert OpenItem.objects.get(reference="F-2026-1192").amount_due == Decimal("250.00")
    assert OpenItem.objects.unpaid().count() == 3

    # The accounting reopens it (a cheque bounced): the item is owed again.
    apply(manager_client, upload(manager_client, csv_file(*rows())))
    assert OpenItem.objects.get(reference="F-2026-1188").settled_at is None


def test_lines_without_a_single_customer_are_listed_with_the_reason_and_not_imported(
    manager_client, workspace, customers
):
    PersonFactory(workspace=workspace, first_name="Paul", last_name="Durand")
    PersonFactory(workspace=workspace, first_name="Paul", last_name="Durand")
    response = upload(
        manager_client,
        csv_file(
            rows()[0],
            f"411XYZ;Inconnu SARL;;;F-2026-1300;{day(-10)};{day(20)};99,00",
            f";DURAND Paul;;;F-2026-1301;{day(-10)};{day(20)};45,00",
        ),
    )
    html = manager_client.get(response["Location"]).content.decode()
    apply(manager_client, response)

    assert "2</strong> lignes non rattachées" in html
    assert "411XYZ · Inconnu SARL" in html
    assert "Aucune fiche ne correspond" in html
    assert "Plusieurs fiches correspondent (même nom)" in html
    assert list(OpenItem.objects.values_list("reference", flat=True)) == ["F-2026-1188"]
    batch = OpenItemImport.objects.get()
    assert batch.unmatched_count == 2
    assert [u["lines"] for u in batch.unmatched] == [[3], [4]]
    detail = manager_client.get(reverse("receivables:import_detail", args=[batch.pk]))
    assert "F-2026-1301" in detail.content.decode()


def test_a_known_line_that_no_longer_finds_its_customer_is_kept_not_settled(
    manager_client, customers
):
    apply(manager_client, upload(manager_client, csv_file(rows()[0])))
    customers["dupont"].external_ref = ""
    customers["dupont"].last_name = "Dupond"
    customers["dupont"].save()

    apply(manager_client, upload(manager_client, csv_file(rows()[0])))

    item = OpenItem.objects.get()
    assert item.settled_at is None
    assert item.person == customers["dupont"]
    last = OpenItemImport.objects.filter(status=ImportStatus.APPLIED).order_by("pk").last()
    assert last.unmatched_count == 1


def test_a_windows_1252_export_with_a_title_line_and_its_total_is_read(manager_client, customers):
    file = csv_file(
        "Code client;Intitulé;N° de pièce;Date pièce;Date d'échéance;Solde dû",
        f"411DUP;Dupont Pierre;F-2026-1188;{day(-35)};{day(-5)};240,00",
        f";Roux Élodie;F-2026-1190;{day(-20)};{day(10)};12,50",
        ";Total;;;;252,50",
        header="Échéancier clients au 12/03/2026",
        encoding="cp1252",
    )

    apply(manager_client, upload(manager_client, file))

    assert set(OpenItem.objects.values_list("reference", "amount_due")) == {
        ("F-2026-1188", Decimal("240.00")),
        ("F-2026-1190", Decimal("12.50")),
    }
    assert OpenItem.objects.get(reference="F-2026-1190").person == customers["roux"]


def test_a_comma_separated_utf8_file_with_bom_and_quoted_amounts_is_read(manager_client, customers):
    text = (
        "\ufeffclient,email,numero facture,echeance,montant du\r\n"
        f'411DUP,,F-2026-1188,{day(-5)},"1 240,00"\r\n'
    )
    file = SimpleUploadedFile("export.csv", text.encode("utf-8"), content_type="text/csv")

    apply(manager_client, upload(manager_client, file))

    item = OpenItem.objects.get()
    assert item.amount_due == Decimal("1240.00")
    assert item.issued_on is None


def test_instalments_of_one_invoice_make_one_open_item(manager_client, customers):
    apply(
        manager_client,
        upload(
            manager_client,
            csv_file(
                f"411DUP;Dupont;;;F-2026-1188;{day(-35)};{day(-5)};120,00",
                f"411DUP;Dupont;;;F-2026-1188;{day(-35)};{day(25)};120,00",
            ),
        ),
    )

    item = OpenItem.objects.get()
    assert item.amount_due == Decimal("240.00")
    assert item.due_on == timezone.localdate() - dt.timedelta(days=5)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            SimpleUploadedFile("impayes.xlsx", b"PK\x03\x04\x14\x00rest-of-a-zip"),
            "Ce fichier est un classeur",
        ),
        (SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n\x00\x01binary"), "pas un CSV"),
        (SimpleUploadedFile("vide.csv", b"  \r\n"), "Le fichier est vide."),
        (
            csv_file("411DUP;Dupont;F-1;12/03/2026", header="Code client;Client;N° facture;Date"),
            "Colonne(s) manquante(s) : échéance, montant dû.",
        ),
        (
            csv_file("Nom;Prénom", "Dupont;Pierre", header="Liste des clients"),
            "Colonne(s) manquante(s) : n° facture, échéance, montant dû.",
        ),
        (
            csv_file(f"411DUP;Dupont;;;F-2026-1188;{day(-35)};{day(-5)};240 euros et 12"),
            "Ligne 2 : montant illisible « 240 euros et 12 ».",
        ),
        (
            csv_file(f"411DUP;Dupont;;;F-2026-1188;{day(-35)};31/02/2026;240,00"),
            "Ligne 2 : échéance illisible « 31/02/2026 ».",
        ),
        (
            csv_file(f"411DUP;Dupont;;;;{day(-35)};{day(-5)};240,00"),
            "Ligne 2 : n° de facture manquant.",
        ),
    ],
)
def test_a_bad_file_is_refused_in_french_and_changes_nothing(
    manager_client, workspace, customers, file, message
):
    item = OpenItemFactory(workspace=workspace, person=customers["dupont"])

    response = upload(manager_client, file)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not OpenItemImport.objects.exists()
    item.refresh_from_db()
    assert item.settled_at is None
    assert OpenItem.objects.count() == 1


def test_one_bad_line_among_good_ones_imports_none_of_them(manager_client, customers):
    good = rows()
    bad = f";Roux;;;F-2026-1400;{day(-1)};le 12 mars;10,00"

    response = upload(manager_client, csv_file(*good, bad))

    html = response.content.decode()
    assert "Rien n&#x27;a été importé" in html
    assert "Ligne 6 : échéance illisible « le 12 mars »." in html
    assert not OpenItem.objects.exists()


def test_another_workspace_is_neither_matched_nor_settled_nor_reachable(
    manager_client, customers, other_workspace, outsider
):
    PersonFactory(workspace=other_workspace, last_name="Inconnu", external_ref="411XYZ")
    theirs = OpenItemFactory(workspace=other_workspace, reference="F-9999")
    response = upload(
        manager_client,
        csv_file(rows()[0], f"411XYZ;Inconnu;;;F-2026-1300;{day(-10)};{day(20)};99,00"),
    )
    preview_url = response["Location"]
    batch = OpenItemImport.objects.get()

    outsider.role = Role.ADMIN
    outsider.save()
    manager_client.force_login(outsider)
    assert manager_client.get(preview_url).status_code == 404
    applied = manager_client.post(reverse("receivables:import_apply", args=[batch.pk]))
    assert applied.status_code == 404
    assert OpenItem.objects.filter(workspace=other_workspace).count() == 1

    manager_client.force_login(batch.created_by)
    apply(manager_client, response)

    assert list(
        OpenItem.objects.filter(workspace=batch.workspace).values_list("reference", flat=True)
    ) == ["F-2026-1188"]
    theirs.refresh_from_db()
    assert theirs.settled_at is None


@pytest.mark.parametrize("role", [Role.AGENT, Role.TECHNICIAN, Role.READ_ONLY])
def test_only_managers_import(client, workspace, manager, customers, role):
    user = UserFactory(workspace=workspace, role=role)
    client.force_login(manager)
    pending = upload(client, csv_file(*rows()))
    batch_id = OpenItemImport.objects.get().pk
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert upload(client, csv_file(*rows())).status_code == 403
    assert client.get(pending["Location"]).status_code == 403
    assert client.post(reverse("receivables:import_apply", args=[batch_id])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.import_upload(by=user, file_name="x.csv", data=b"x")
    assert not OpenItem.objects.exists()


def test_a_responsable_may_import(client, workspace, customers):
    client.force_login(UserFactory(workspace=workspace, role=Role.MANAGER))

    apply(client, upload(client, csv_file(*rows())))

    assert OpenItem.objects.count() == 4


def test_a_preview_is_applied_once_and_discarding_it_imports_nothing(manager_client, customers):
    response = upload(manager_client, csv_file(*rows()))
    batch_id = OpenItemImport.objects.get().pk
    apply(manager_client, response)

    again = manager_client.post(reverse("receivables:import_apply", args=[batch_id]), follow=True)

    assert "Cet import a déjà été appliqué ou abandonné." in again.content.decode()
    assert OpenItem.objects.count() == 4

    other = upload(manager_client, csv_file(rows()[0]))
    other_id = int(other["Location"].rstrip("/").split("/")[-1])
    discarded = manager_client.post(
        reverse("receivables:import_discard", args=[other_id]), follow=True
    )
    assert "rien n&#x27;a été importé" in discarded.content.decode()
    assert OpenItem.objects.unpaid().count() == 4
    assert not OpenItemImport.objects.filter(pk=other_id).exists()


def test_an_old_preview_cannot_undo_a_newer_import(manager, workspace, customers):
    old = services.import_upload(by=manager, file_name="lundi.csv", data=csv_file(rows()[0]).read())
    newer = OpenItemImportFactory(workspace=workspace, created_by=manager)
    newer.applied_at = old.created_at + dt.timedelta(seconds=1)
    newer.save()

    with pytest.raises(ValidationError, match="plus récent"):
        services.import_apply(batch=old, by=manager)
    assert not OpenItem.objects.exists()


def test_the_page_shows_what_is_owed_and_the_last_imports(manager_client, workspace, customers):
    apply(manager_client, upload(manager_client, csv_file(*rows())))

    html = manager_client.get(URL).content.decode()

    assert "4</strong> factures ouvertes" in html
    assert f"2{NNBSP}814,46{NNBSP}€" in html
    assert "2</strong> factures échues" in html
    assert "echeances.csv" in html
