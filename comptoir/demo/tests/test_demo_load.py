"""The demo workspace: loaded once for the module, checked as a visitor would notice it."""

import datetime as dt
import itertools
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from comptoir.accounts.models import Role, User, Workspace
from comptoir.activities import selectors as activities
from comptoir.activities.models import Interaction, Kind, Note, State
from comptoir.audit.models import AuditEntry
from comptoir.contacts.models import Affiliation, Company, ContactPoint, Person, Site
from comptoir.contacts.selectors import callers_matching
from comptoir.demo.loader import demo_remove
from comptoir.lib.identifiers import clean_siren, clean_siret

PARIS = ZoneInfo("Europe/Paris")
MODELS = [
    Workspace,
    User,
    Person,
    Company,
    Affiliation,
    Site,
    ContactPoint,
    Interaction,
    Note,
    AuditEntry,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once (about 6 s), share it read-only, remove it afterwards."""
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("demo_load", stdout=out)
        yield out.getvalue()
        demo_remove(Workspace.objects.get(slug="duret"))


def user(first_name):
    return User.objects.get(workspace__slug="duret", first_name=first_name)


@pytest.mark.django_db
def test_the_load_says_what_it_did_in_french(demo):
    assert "Espace « Duret Électricité » créé" in demo
    assert "utilisateurs" in demo
    assert "interactions" in demo


@pytest.mark.django_db
def test_a_second_run_changes_nothing(demo):
    before = counts()
    out = StringIO()
    call_command("demo_load", stdout=out)
    assert "existe déjà" in out.getvalue()
    assert counts() == before
    assert Workspace.objects.filter(slug="duret").count() == 1


@pytest.mark.django_db
def test_the_workspace_is_realistic(demo):
    workspace = Workspace.objects.get(slug="duret")
    assert workspace.name == "Duret Électricité"
    assert workspace.city == "Annecy"
    assert clean_siren(workspace.siren) == workspace.siren
    people = Person.objects.filter(workspace=workspace).count()
    companies = Company.objects.filter(workspace=workspace).count()
    assert 180 <= people + companies <= 320
    for company in Company.objects.filter(workspace=workspace):
        assert clean_siren(company.siren) == company.siren
        assert clean_siret(company.siret) == company.siret
    assert Affiliation.objects.filter(workspace=workspace, end__isnull=False).exists()
    assert Site.objects.filter(workspace=workspace).exclude(occupant_name="").exists()
    assert Site.objects.filter(workspace=workspace, occupant__isnull=False).exists()
    assert Site.objects.filter(workspace=workspace).exclude(access_notes="").count() > 30
    # Customers were created through the services: they have a creation entry in the history.
    assert AuditEntry.objects.filter(workspace=workspace, action="create").count() >= people


@pytest.mark.django_db
def test_the_four_users_can_sign_in(demo, client):
    expected = {
        "claire@duret.example": Role.AGENT,
        "gaetan@duret.example": Role.TECHNICIAN,
        "karim@duret.example": Role.TECHNICIAN,
        "sophie@duret.example": Role.ADMIN,
    }
    for email, role in expected.items():
        account = User.objects.get(email=email)
        assert account.check_password("comptoir-demo")
        assert account.role == role
        assert account.workspace.slug == "duret"
    assert client.login(email="claire@duret.example", password="comptoir-demo")
    assert client.get("/bureau/").status_code == 200


@pytest.mark.django_db
def test_marc_only_sees_sales_private_and_email(demo):
    marc = user("Marc")
    assert {p.code for p in activities.processes_for(marc)} == {"vente", "prive", "email"}
    assert not activities.interactions_for(marc).exclude(
        process__code__in=["vente", "prive", "email"]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["+33612345678", "06 12 34 56 78", "06.12.34.56.78"])
def test_dupont_is_found_from_his_phone(demo, number):
    found = callers_matching(user("Claire"), number)
    assert [str(p) for p in found] == ["M. Pierre Dupont"]
    dupont = found[0]
    assert dupont.street == "12 rue de la Mairie"
    assert dupont.postcode == "74000"
    assert dupont.contact_points.filter(normalized="p.dupont@gmail.com").exists()
    assert dupont.sites.filter(street="12 rue de la Mairie").exists()
    past = dupont.interactions.filter(kind=Kind.APPOINTMENT, state=State.DONE)
    assert past.count() >= 3


@pytest.mark.django_db
def test_claire_has_work_today_and_old_pans(demo):
    claire = user("Claire")
    board = activities.desk_for(claire, claire)
    assert board.today
    assert board.overdue_count >= 5


@pytest.mark.django_db
def test_mme_martin_has_a_quote_to_chase(demo):
    claire = user("Claire")
    martin = Person.objects.get(workspace__slug="duret", last_name="Martin", first_name="Sylvie")
    task = activities.interactions_for(claire).get(person=martin, subject="Relancer le devis")
    assert task.owner == claire
    assert task.state == State.OPEN
    assert task.process.code == "vente"
    assert task.stage.name == "03 Devis envoyé"
    assert task.is_late and task.overdue_days >= 2
    assert task in activities.desk_for(claire, claire).overdue


@pytest.mark.django_db
def test_technicians_work_in_working_hours_without_double_booking(demo):
    for name in ("Gaëtan", "Karim"):
        visits = list(
            Interaction.objects.filter(owner=user(name), kind=Kind.APPOINTMENT).order_by(
                "starts_at"
            )
        )
        assert visits
        for visit in visits:
            start = visit.starts_at.astimezone(PARIS)
            end = visit.ends_at.astimezone(PARIS)
            assert dt.time(8) <= start.time() and end.time() <= dt.time(18), visit
        for earlier, later in itertools.pairwise(visits):
            assert earlier.ends_at <= later.starts_at, (earlier, later)
        upcoming = [v for v in visits if v.starts_at > timezone.now()]
        assert len(upcoming) >= 5


@pytest.mark.django_db
def test_every_interaction_is_consistent(demo):
    rows = Interaction.objects.filter(workspace__slug="duret")
    for row in rows:
        assert row.ends_at == row.compute_ends_at(), row
        assert (row.state == State.DONE) == (row.completed_at is not None), row
        assert row.stage is None or row.stage.process_id == row.process_id, row
    assert not Note.objects.filter(created_at__gt=timezone.now()).exists()
