"""The Dupont case: three exports of one customer end as one record, with every variant."""

from comptoir.contacts.models import ContactPoint, Person, Site
from comptoir.dedupe.services import provenance_for
from comptoir.imports.tests.helpers import data_file, run_import, xlsx_bytes


def test_three_exports_of_pierre_dupont_make_one_record(agent):
    erp = run_import(agent, data_file("erp_mde.csv"), source="ERP MDE", name="erp_mde.csv")
    assert (erp.created_count, erp.error_count) == (3, 0), erp.errors
    sage = run_import(agent, data_file("sage.csv"), source="SAGE", name="sage.csv")
    excel = run_import(
        agent,
        xlsx_bytes(
            [
                ["Nom", "Prénom", "Portable", "E-mail", "Code postal", "Ville"],
                ["Dupond", "Pierre", "06.12.34.56.78", "pierre.dupont@orange.fr", 74000, "ANNECY"],
            ]
        ),
        source="Excel",
        name="clients.xlsx",
    )
    dupont = Person.objects.get(workspace=agent.workspace, last_name__in=["Dupont", "Dupond"])
    assert (dupont.first_name, dupont.last_name) == ("Pierre", "Dupont")
    assert sage.updated_count == 1 and sage.created_count == 1  # Dupont merged, Roux new
    assert excel.updated_count == 1 and excel.created_count == 0
    points = set(ContactPoint.objects.filter(person=dupont).values_list("normalized", flat=True))
    assert points == {"+33612345678", "p.dupont@gmail.com", "pierre.dupont@orange.fr"}
    addresses = {dupont.street} | set(
        Site.objects.filter(person=dupont).values_list("street", flat=True)
    )
    assert {"12 rue de la Mairie", "12 rue Mairie"} <= addresses
    sources = {p.source for p in provenance_for(dupont)}
    assert sources == {"ERP MDE", "SAGE", "Excel"}
    history = " ".join(str(e.changes.get("import", ["", ""])[1]) for e in dupont_history(dupont))
    for source in ("ERP MDE", "SAGE", "Excel"):
        assert source in history


def dupont_history(person):
    from comptoir.audit.models import AuditEntry

    return AuditEntry.objects.filter(object_id=person.pk, content_type__model="person")
