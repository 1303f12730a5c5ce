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
from comptoir.dedupe import selectors as dedupe
from comptoir.dedupe.models import DuplicatePair
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
    # His old Excel record (« Dupond ») has the same mobile until someone merges them.
    assert [str(p) for p in found] == ["M. Pierre Dupont", "Pierre Dupond"]
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


@pytest.mark.django_db
def test_the_doublons_queue_has_the_dupont_case_ranked_with_reasons(demo, client):
    workspace = Workspace.objects.get(slug="duret")
    dupont = Person.objects.get(workspace=workspace, last_name="Dupont", first_name="Pierre")
    pairs = list(DuplicatePair.objects.filter(workspace=workspace, status="open"))
    assert {p.kind for p in pairs} == {"person", "company"}
    with_dupont = [p for p in pairs if p.kind == "person" and dupont.pk in (p.left_id, p.right_id)]
    others = {
        str(Person.objects.get(pk=p.right_id if p.left_id == dupont.pk else p.left_id))
        for p in with_dupont
    }
    assert others == {"Pierre Dupond", "M. P. DUPONT"}
    assert all(p.score >= 90 for p in with_dupont)
    reasons = [r for p in with_dupont for r in p.reasons]
    assert "même téléphone 06 12 34 56 78" in reasons
    assert "même adresse (12 rue de la Mairie, 74000)" in reasons
    assert "même e-mail p.dupont@gmail.com" in reasons
    client.login(email="claire@duret.example", password="comptoir-demo")
    html = client.get("/doublons/").content.decode()
    assert html.index("Pierre Dupond") < html.index("Favre")  # best score first
    assert "paires de personnes" in html


@pytest.mark.django_db
def test_each_dupont_record_says_which_source_gave_what(demo):
    claire = user("Claire")
    sage = Person.objects.get(workspace__slug="duret", last_name="DUPONT")
    fields = {f.name: f for f in dedupe.provenance_of(claire, "person", sage.pk).fields}
    assert [(s.source, s.value, s.source_ref) for s in fields["last_name"].sources] == [
        ("SAGE", "DUPONT", "411DUPONT")
    ]
    assert fields["email"].sources[0].value == "p.dupont@gmail.com"
    excel = Person.objects.get(workspace__slug="duret", last_name="Dupond")
    fields = {f.name: f for f in dedupe.provenance_of(claire, "person", excel.pk).fields}
    assert fields["street"].sources[0].value == "12 r. de la Mairie"
    assert fields["phone"].sources[0].value == "06 12 34 56 78"
    assert fields["phone"].sources[0].source == "Excel"


@pytest.mark.django_db
def test_the_service_dashboard_has_figures_from_the_start(demo, client):
    client.login(email="sophie@duret.example", password="comptoir-demo")
    response = client.get("/tableau-de-bord/service/?periode=90j")
    assert response.context["requests"].total == 41
    assert {s.code for s in response.context["requests"].series} >= {"phone", "email", "portal"}
    times = response.context["times"]
    assert times.first_response is not None and times.resolution is not None
    sla = response.context["sla"]
    assert sla.rate is not None and 50 <= sla.rate < 100
    calls = response.context["calls"]
    assert calls.total == 60 and calls.rate == 100.0
    assert 0 < calls.missed == calls.callbacks
    workload = response.context["workload"]
    assert {w.name for w in workload} == {"Gaëtan Perrin", "Karim Benali"}
    assert all(w.booked_minutes > 0 for w in workload)
    html = response.content.decode()
    assert 'data-chart="channels"' in html and 'data-chart="workload"' in html
