import datetime as dt

from django.urls import reverse

from comptoir.activities.models import Interaction, Kind, State
from comptoir.activities.tests.factories import AppointmentFactory, InteractionFactory
from comptoir.activities.tests.helpers import local, process
from comptoir.audit.models import AuditEntry
from comptoir.contacts.tests.factories import CompanyFactory, PersonFactory, SiteFactory

CREATE = reverse("activities:create")


def form_data(agent, **overrides):
    data = {
        "kind": "task",
        "subject": "Rappeler M. Petit",
        "process": process(agent.workspace, "vente").pk,
        "stage": "",
        "state": "open",
        "owner": agent.pk,
        "start_date": "2025-03-11",
        "start_time": "09:00",
        "deadline_date": "2025-03-12",
        "deadline_time": "17:30",
        "duration": "",
        "duration_custom": "",
        "person": "",
        "company": "",
        "site": "",
        "outcome": "",
    }
    data.update(overrides)
    return data


def test_create_a_task_and_land_on_its_page(agent_client, agent):
    response = agent_client.post(CREATE, form_data(agent))
    task = Interaction.objects.get()
    assert response.status_code == 302
    assert response.url == task.get_absolute_url()
    assert task.kind == Kind.TASK
    assert task.starts_at == local(dt.date(2025, 3, 11), 9)
    assert task.deadline == local(dt.date(2025, 3, 12), 17, 30)
    assert (task.owner, task.created_by, task.workspace) == (agent, agent, agent.workspace)
    assert AuditEntry.objects.filter(object_id=task.pk, action="create").exists()


def test_dates_are_read_in_paris_time_even_across_daylight_saving(agent_client, agent):
    agent_client.post(
        CREATE, form_data(agent, start_date="2025-07-01", deadline_date="", deadline_time="")
    )
    task = Interaction.objects.get()
    assert task.starts_at.utcoffset() is not None
    assert task.starts_at == dt.datetime(2025, 7, 1, 7, 0, tzinfo=dt.UTC)


def test_deadline_time_defaults_to_six_pm(agent_client, agent):
    agent_client.post(CREATE, form_data(agent, deadline_time=""))
    assert Interaction.objects.get().deadline == local(dt.date(2025, 3, 12), 18)


def test_create_an_appointment_with_a_preset_or_custom_duration(agent_client, agent, technician):
    agent_client.post(
        CREATE,
        form_data(
            agent, kind="appointment", duration="90", owner=technician.pk, subject="Dépannage"
        ),
    )
    rdv = Interaction.objects.get(subject="Dépannage")
    assert (rdv.kind, rdv.duration_minutes, rdv.deadline, rdv.owner) == (
        "appointment",
        90,
        None,
        technician,
    )
    assert rdv.ends_at == local(dt.date(2025, 3, 11), 10, 30)
    agent_client.post(
        CREATE,
        form_data(agent, kind="appointment", duration="60", duration_custom="75", subject="Long"),
    )
    assert Interaction.objects.get(subject="Long").duration_minutes == 75


def test_deadline_before_start_is_a_french_error_beside_the_field(agent_client, agent):
    response = agent_client.post(CREATE, form_data(agent, deadline_date="2025-03-10"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["deadline_date"] == ["L'échéance doit suivre le début."]
    html = response.content.decode()
    assert "rien n&#x27;a été enregistré" in html or "rien n'a été enregistré" in html
    assert 'aria-invalid="true" aria-describedby="id_deadline_date-error"' in html
    assert 'value="Rappeler M. Petit"' in html  # nothing typed is lost
    assert not Interaction.objects.exists()
    assert not AuditEntry.objects.exists()


def test_appointment_without_duration_is_refused(agent_client, agent):
    response = agent_client.post(CREATE, form_data(agent, kind="appointment"))
    assert response.context["form"].errors["duration"] == ["Indiquez la durée du rendez-vous."]
    assert not Interaction.objects.exists()


def test_missing_fields_are_reported_in_french(agent_client, agent):
    response = agent_client.post(CREATE, form_data(agent, subject="", start_date="32/13/2025"))
    errors = response.context["form"].errors
    assert errors["subject"] == ["Ce champ est obligatoire."]
    assert errors["start_date"] == ["Saisissez une date valide."]
    assert not Interaction.objects.exists()


def test_stage_of_another_process_is_refused(agent_client, agent):
    support_stage = process(agent.workspace, "support").stages.first()
    response = agent_client.post(CREATE, form_data(agent, stage=support_stage.pk))
    assert response.context["form"].errors["stage"]
    assert not Interaction.objects.exists()


def test_customer_of_another_workspace_is_refused(agent_client, agent, outsider):
    foreign = PersonFactory(workspace=outsider.workspace)
    response = agent_client.post(CREATE, form_data(agent, person=foreign.pk))
    assert "person" in response.context["form"].errors
    assert not Interaction.objects.exists()


def test_prefill_from_a_person(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace, last_name="Durand")
    site = SiteFactory(workspace=agent.workspace, person=person, name="Maison Durand")
    response = agent_client.get(CREATE, {"person": person.pk, "kind": "appointment"})
    form = response.context["form"]
    assert form.initial["person"] == person.pk
    assert form.initial["kind"] == Kind.APPOINTMENT
    html = response.content.decode()
    assert f'<option value="{person.pk}" selected>{person}</option>' in html
    assert "Maison Durand" in html  # the person's sites are offered
    assert f'<option value="{site.pk}"' in html


def test_prefill_from_a_company_or_a_site(agent_client, agent):
    company = CompanyFactory(workspace=agent.workspace, name="SCI Les Tilleuls")
    site = SiteFactory(workspace=agent.workspace, person=None, company=company, name="Bureaux")
    form = agent_client.get(CREATE, {"site": site.pk}).context["form"]
    assert (form.initial["site"], form.initial["company"]) == (site.pk, company.pk)
    form = agent_client.get(CREATE, {"company": company.pk}).context["form"]
    assert form.initial["company"] == company.pk


def test_prefill_with_another_workspace_customer_is_404(agent_client, outsider):
    for name, obj in (
        ("person", PersonFactory(workspace=outsider.workspace)),
        ("company", CompanyFactory(workspace=outsider.workspace)),
        ("site", SiteFactory(workspace=outsider.workspace)),
    ):
        assert agent_client.get(CREATE, {name: obj.pk}).status_code == 404
    assert agent_client.get(CREATE, {"person": "abc"}).status_code == 404


def test_created_from_the_customer_page_goes_back_there(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace)
    back = person.get_absolute_url()
    response = agent_client.post(CREATE + f"?next={back}", form_data(agent, person=person.pk))
    assert response.url == back
    assert Interaction.objects.get().person == person
    evil = agent_client.post(CREATE + "?next=https://evil.example/", form_data(agent))
    assert evil.url.startswith("/interactions/")


def test_edit_moves_and_reassigns(agent_client, agent, technician):
    rdv = AppointmentFactory(
        owner=agent, starts_at=local(dt.date(2025, 3, 10), 14), duration_minutes=60
    )
    url = reverse("activities:edit", args=[rdv.pk])
    page = agent_client.get(url)
    assert page.context["form"].initial["start_time"] == dt.time(14, 0)
    data = form_data(
        agent,
        kind="appointment",
        subject=rdv.subject,
        process=rdv.process_id,
        owner=technician.pk,
        start_date="2025-03-11",
        start_time="09:00",
        duration="120",
    )
    response = agent_client.post(url, data)
    assert response.status_code == 302
    rdv.refresh_from_db()
    assert (rdv.owner, rdv.starts_at, rdv.duration_minutes) == (
        technician,
        local(dt.date(2025, 3, 11), 9),
        120,
    )
    assert rdv.state == State.OPEN


def test_edit_with_bad_input_keeps_the_interaction_unchanged(agent_client, agent):
    task = InteractionFactory(
        owner=agent,
        starts_at=local(dt.date(2025, 3, 10), 9),
        deadline=local(dt.date(2025, 3, 10), 17),
    )
    url = reverse("activities:edit", args=[task.pk])
    response = agent_client.post(
        url, form_data(agent, subject="Nouveau", deadline_date="2025-03-01")
    )
    assert "L'échéance doit suivre le début." in response.context["form"].errors["deadline_date"]
    task.refresh_from_db()
    assert task.subject != "Nouveau"
    assert task.deadline == local(dt.date(2025, 3, 10), 17)


def test_edit_of_another_workspace_is_404(agent_client, outsider):
    foreign = InteractionFactory(owner=outsider)
    url = reverse("activities:edit", args=[foreign.pk])
    assert agent_client.get(url).status_code == 404
    assert agent_client.post(url, {"subject": "pris"}).status_code == 404


def test_stage_select_follows_the_process(agent_client, agent, outsider):
    vente = process(agent.workspace, "vente")
    html = agent_client.get(
        reverse("activities:stage_options"), {"process": vente.pk}
    ).content.decode()
    assert 'id="stage-field"' in html
    assert "01 Prise de contact" in html
    assert "Demande reçue" not in html
    foreign = process(outsider.workspace, "vente")
    html = agent_client.get(
        reverse("activities:stage_options"), {"process": foreign.pk}
    ).content.decode()
    assert "01 Prise de contact" not in html


def test_site_select_follows_the_customer(agent_client, agent):
    person = PersonFactory(workspace=agent.workspace)
    SiteFactory(workspace=agent.workspace, person=person, name="Chalet")
    html = agent_client.get(
        reverse("activities:site_options"), {"person": person.pk}
    ).content.decode()
    assert "Chalet" in html and 'id="site-field"' in html


def test_customer_search_finds_people_and_companies_of_the_workspace(agent_client, agent, outsider):
    PersonFactory(workspace=agent.workspace, first_name="Élodie", last_name="Dûrand")
    CompanyFactory(workspace=agent.workspace, name="Durand & Fils")
    PersonFactory(workspace=outsider.workspace, last_name="Durand")
    html = agent_client.get(
        reverse("activities:customer_options"), {"customer_q": "durand"}
    ).content.decode()
    assert "Choisir M. Élodie Dûrand" in html
    assert "Choisir Durand &amp; Fils" in html
    assert html.count("data-pick=") == 2


def test_deadline_time_without_date_is_asked_for(agent_client, agent):
    response = agent_client.post(CREATE, form_data(agent, deadline_date=""))
    assert response.context["form"].errors["deadline_date"] == ["Indiquez la date d'échéance."]
    assert not Interaction.objects.exists()
