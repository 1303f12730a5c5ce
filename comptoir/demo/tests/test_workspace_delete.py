import pytest
from django.db.models import RestrictedError

from comptoir.accounts.models import Workspace
from comptoir.activities.models import Interaction
from comptoir.contacts.models import Company, LegalForm, Person
from comptoir.demo.loader import demo_load


def test_a_whole_workspace_can_be_deleted_but_a_used_reference_cannot(db):
    demo_load(log=lambda *args: None)
    duret = Workspace.objects.get(slug="duret")
    used = LegalForm.objects.filter(workspace=duret, company__isnull=False).first()
    assert used is not None

    with pytest.raises(RestrictedError):
        used.delete()

    duret.delete()
    assert not Person.objects.exists()
    assert not Company.objects.exists()
    assert not Interaction.objects.exists()
