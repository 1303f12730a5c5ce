"""Scheduling settings: technicians (profile, hours, absences), skills, service types, booking
rules. Managers edit, the others read, another workspace's ids are 404."""

import datetime as dt

import pytest
from django.urls import reverse

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.audit.models import AuditEntry
from comptoir.contacts.tests.factories import PersonFactory, SiteFactory
from comptoir.scheduling.models import (
    BookingSettings,
    ServiceType,
    Skill,
    Technician,
    WorkingHours,
)
from comptoir.scheduling.services import visit_book
from comptoir.scheduling.settings_views import hours_summary
from comptoir.scheduling.tests.conftest import at
from comptoir.scheduling.tests.factories import AbsenceFactory, TechnicianFactory, service


def _hours(periods_by_day):
    return [
        WorkingHours(weekday=day, starts=dt.time(*a), ends=dt.time(*b))
        for day, periods in periods_by_day.items()
        for a, b in periods
    ]


def test_hours_summary_joins_alike_days():
    week = {d: [((8,), (12,)), ((14,), (18,))] for d in range(5)}
    assert hours_summary(_hours(week)) == "lun.–ven. 8 h–12 h, 14 h–18 h"
    week[5] = [((9, 30), (12,))]
    assert hours_summary(_hours(week)) == "lun.–ven. 8 h–12 h, 14 h–18 h ; sam. 9 h 30–12 h"
    assert hours_summary(_hours({0: [((8,), (12,))], 1: [((8,), (12,))], 3: [((8,), (17,))]})) == (
        "lun., mar. 8 h–12 h ; jeu. 8 h–17 h"
    )
    assert hours_summary([]) == "aucun horaire : jamais réservable"


@pytest.fixture
def boss(workspace):
    """A manager who is not an admin."""
    return UserFactory(workspace=workspace, role=Role.MANAGER, email="marc@duret.example")


@pytest.fixture
def boss_client(client, boss):
    client.force_login(boss)
    return client


def _profile(technician, **changes):
    data = {
        "skills": [s.pk for s in technician.skills.all()],
        "home_postcode": technician.home_postcode,
        "zone_postcodes": technician.zone_postcodes,
        "zone_radius_km": technician.zone_radius_km or "",
        "capacity_profile": technician.capacity_profile,
        "daily_capacity_minutes": technician.daily_capacity_minutes,
        "color": technician.color,
        "is_active": "on" if technician.is_active else "",
    }
    data.update(changes)
    return data


def _week(**days):
    """POST data of the hours editor: d0_0_start=08:00…, the given days only."""
    data = {}
    for key, periods in days.items():
        day = int(key[1:])
        for index, (start, end) in enumerate(periods):
            data[f"d{day}_{index}_start"] = start
            data[f"d{day}_{index}_end"] = end
    return data


# --- technicians -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_technicians_list_shows_skills_zone_capacity_and_hours(agent_client, gaetan):
    gaetan.zone_postcodes = "69, 01700"
    gaetan.save()
    page = agent_client.get(reverse("scheduling:settings_technicians")).content.decode()
    assert "Gaëtan" in page
    assert "Dépannage" in page
    assert "69, 01700" in page
    assert "300 min/jour" in page
    assert "lun.–ven. 8 h–12 h, 14 h–18 h" in page
    assert "Lecture seule" in page  # an agent reads, without the switches
    assert "settings_technician_toggle" not in page and 'role="switch"' not in page


@pytest.mark.django_db
def test_a_technician_user_is_made_bookable(boss_client, workspace, technician):
    page = boss_client.get(reverse("scheduling:settings_technicians")).content.decode()
    assert "Rendre réservable" in page

    response = boss_client.post(
        reverse("scheduling:settings_technician_enable"), {"user": technician.pk}
    )

    made = Technician.objects.get(user=technician)
    assert response.status_code == 302
    assert response.url == reverse("scheduling:settings_technician", args=[made.pk])
    assert made.hours.count() == 10
    page = boss_client.get(reverse("scheduling:settings_technicians")).content.decode()
    assert "Rendre réservable" not in page


@pytest.mark.django_db
def test_agents_and_other_workspaces_cannot_enable(agent_client, client, technician, outsider):
    url = reverse("scheduling:settings_technician_enable")
    assert agent_client.post(url, {"user": technician.pk}).status_code == 403
    boss = UserFactory(workspace=outsider.workspace, role=Role.MANAGER, email="b@c.example")
    client.force_login(boss)
    assert client.post(url, {"user": technician.pk}).status_code == 404
    assert not Technician.objects.exists()


@pytest.mark.django_db
def test_profile_change_locates_the_new_home_postcode(boss_client, workspace, gaetan):
    vmc = Skill.objects.get(workspace=workspace, code="vmc")
    url = reverse("scheduling:settings_technician", args=[gaetan.pk])

    response = boss_client.post(
        url,
        _profile(
            gaetan,
            home_postcode="74000",
            skills=[vmc.pk],
            capacity_profile="breakfix",
            daily_capacity_minutes=200,
            zone_postcodes="74 ; 73",
        ),
    )

    assert response.status_code == 302
    gaetan.refresh_from_db()
    assert gaetan.home_postcode == "74000"
    assert gaetan.home_latitude == pytest.approx(45.9, abs=0.1)  # Annecy, not Lyon any more
    assert gaetan.home_longitude == pytest.approx(6.12, abs=0.1)
    assert list(gaetan.skills.all()) == [vmc]
    assert gaetan.capacity_profile == "breakfix"
    assert gaetan.daily_capacity_minutes == 200
    assert gaetan.zone_postcodes == "74, 73"
    assert AuditEntry.objects.filter(object_id=gaetan.pk, action="update").exists()


@pytest.mark.django_db
def test_bad_profile_changes_nothing(boss_client, gaetan):
    url = reverse("scheduling:settings_technician", args=[gaetan.pk])
    response = boss_client.post(
        url, _profile(gaetan, home_postcode="Lyon", zone_postcodes="69, abc", color="rouge")
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Un code postal a 5 chiffres" in page
    assert "Pas un début de code postal : abc." in page
    gaetan.refresh_from_db()
    assert gaetan.home_postcode == "69003"


@pytest.mark.django_db
def test_active_toggle(boss_client, gaetan):
    url = reverse("scheduling:settings_technician_toggle", args=[gaetan.pk])
    boss_client.post(url)
    gaetan.refresh_from_db()
    assert not gaetan.is_active
    boss_client.post(url)
    gaetan.refresh_from_db()
    assert gaetan.is_active


@pytest.mark.django_db
def test_working_hours_are_replaced(boss_client, gaetan):
    url = reverse("scheduling:settings_technician_hours", args=[gaetan.pk])
    data = _week(
        d0=[("07:30", "12:00"), ("13:30", "17:00")],
        d2=[("08:00", "12:00")],
        d5=[("09:00", "12:00")],
    )

    response = boss_client.post(url, data)

    assert response.status_code == 302
    rows = [(h.weekday, h.starts, h.ends) for h in gaetan.hours.order_by("weekday", "starts")]
    assert rows == [
        (0, dt.time(7, 30), dt.time(12)),
        (0, dt.time(13, 30), dt.time(17)),
        (2, dt.time(8), dt.time(12)),
        (5, dt.time(9), dt.time(12)),
    ]
    page = boss_client.get(reverse("scheduling:settings_technicians")).content.decode()
    assert "lun. 7 h 30–12 h, 13 h 30–17 h ; mer. 8 h–12 h ; sam. 9 h–12 h" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("week", "message"),
    [
        ({"d1": [("12:00", "08:00")]}, "Mardi : 12:00–08:00 : la fin doit être après le début."),
        (
            {"d0": [("08:00", "12:00"), ("11:00", "15:00")]},
            "08:00–12:00 et 11:00–15:00 se chevauchent.",
        ),
        ({"d3": [("08:00", "")]}, "Plage 1 : indiquez le début et la fin."),
        ({"d4": [("8h", "12:00")]}, "Une heure comme 08:30."),
    ],
)
def test_bad_hours_are_refused_in_french(boss_client, gaetan, week, message):
    url = reverse("scheduling:settings_technician_hours", args=[gaetan.pk])
    response = boss_client.post(url, _week(**week))
    assert response.status_code == 422
    page = response.content.decode()
    assert message.split(" : ", 1)[-1] in page
    assert gaetan.hours.count() == 10


@pytest.mark.django_db
def test_absence_over_a_confirmed_visit_is_kept_with_a_warning(
    boss_client, workspace, gaetan, monday
):
    person = PersonFactory(workspace=workspace, last_name="Dupont")
    site = SiteFactory(person=person, postcode="69003", latitude=45.764, longitude=4.8357)
    visit = visit_book(
        service=service(workspace), starts_at=at(monday, 14), channel="phone", site=site
    )
    url = reverse("scheduling:settings_absence_add", args=[gaetan.pk])

    response = boss_client.post(
        url,
        {
            "starts_at": f"{monday:%Y-%m-%d}T08:00",
            "ends_at": f"{monday:%Y-%m-%d}T18:00",
            "reason": "Formation",
        },
        follow=True,
    )

    absence = gaetan.absences.get()
    assert absence.reason == "Formation"
    assert absence.starts_at == at(monday, 8)
    page = response.content.decode()
    assert "1 rendez-vous confirmé tombe pendant cette absence : déplacez-le" in page
    assert visit.reference in page
    assert "à déplacer" in page


@pytest.mark.django_db
def test_absence_over_two_confirmed_visits_says_them_in_the_plural(
    boss_client, workspace, gaetan, monday
):
    person = PersonFactory(workspace=workspace, last_name="Dupont")
    site = SiteFactory(person=person, postcode="69003", latitude=45.764, longitude=4.8357)
    for hour in (9, 14):
        visit_book(
            service=service(workspace), starts_at=at(monday, hour), channel="phone", site=site
        )

    response = boss_client.post(
        reverse("scheduling:settings_absence_add", args=[gaetan.pk]),
        {"starts_at": f"{monday:%Y-%m-%d}T08:00", "ends_at": f"{monday:%Y-%m-%d}T18:00"},
        follow=True,
    )

    page = response.content.decode()
    assert "2 rendez-vous confirmés tombent pendant cette absence : déplacez-les" in page


@pytest.mark.django_db
def test_absence_that_ends_before_it_starts_is_refused(boss_client, gaetan, monday):
    url = reverse("scheduling:settings_absence_add", args=[gaetan.pk])
    response = boss_client.post(
        url, {"starts_at": f"{monday:%Y-%m-%d}T18:00", "ends_at": f"{monday:%Y-%m-%d}T08:00"}
    )
    assert response.status_code == 422
    assert "La fin de l&#x27;absence doit être après son début." in response.content.decode()
    assert not gaetan.absences.exists()


@pytest.mark.django_db
def test_absence_delete_and_other_workspace_ids(boss_client, gaetan, other_workspace, monday):
    absence = AbsenceFactory(technician=gaetan, starts_at=at(monday, 8), ends_at=at(monday, 12))
    elsewhere = TechnicianFactory(
        user=UserFactory(workspace=other_workspace, role=Role.TECHNICIAN, email="t@x.example")
    )
    foreign_absence = AbsenceFactory(
        technician=elsewhere, starts_at=at(monday, 8), ends_at=at(monday, 12)
    )
    assert (
        boss_client.get(reverse("scheduling:settings_technician", args=[elsewhere.pk])).status_code
        == 404
    )
    assert (
        boss_client.post(
            reverse("scheduling:settings_technician_toggle", args=[elsewhere.pk])
        ).status_code
        == 404
    )
    wrong_pair = reverse("scheduling:settings_absence_delete", args=[gaetan.pk, foreign_absence.pk])
    assert boss_client.post(wrong_pair).status_code == 404

    boss_client.post(reverse("scheduling:settings_absence_delete", args=[gaetan.pk, absence.pk]))

    assert not gaetan.absences.exists()
    assert elsewhere.absences.exists()


@pytest.mark.django_db
def test_agent_reads_a_technician_but_cannot_change_it(agent_client, gaetan):
    url = reverse("scheduling:settings_technician", args=[gaetan.pk])
    page = agent_client.get(url).content.decode()
    assert "Horaires de travail" in page and "<fieldset disabled" in page
    assert agent_client.post(url, _profile(gaetan, daily_capacity_minutes=60)).status_code == 403
    hours = reverse("scheduling:settings_technician_hours", args=[gaetan.pk])
    assert agent_client.post(hours, _week(d0=[("08:00", "09:00")])).status_code == 403
    gaetan.refresh_from_db()
    assert gaetan.daily_capacity_minutes == 300
    assert gaetan.hours.count() == 10


# --- skills ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_skills_add_rename_and_delete(boss_client, workspace):
    url = reverse("scheduling:settings_skills")
    assert boss_client.post(url, {"name": "Photovoltaïque"}).status_code == 302
    skill = Skill.objects.get(workspace=workspace, name="Photovoltaïque")
    assert skill.code == "photovoltaique"

    duplicate = boss_client.post(url, {"name": "photovoltaïque"})
    assert duplicate.status_code == 422
    assert "Cette compétence existe déjà." in duplicate.content.decode()

    boss_client.post(reverse("scheduling:settings_skill_rename", args=[skill.pk]), {"name": "PV"})
    skill.refresh_from_db()
    assert skill.name == "PV" and skill.code == "photovoltaique"

    boss_client.post(reverse("scheduling:settings_skill_delete", args=[skill.pk]))
    assert not Skill.objects.filter(pk=skill.pk).exists()


@pytest.mark.django_db
def test_a_skill_required_by_a_service_type_cannot_be_deleted(boss_client, workspace):
    vmc = Skill.objects.get(workspace=workspace, code="vmc")
    response = boss_client.post(
        reverse("scheduling:settings_skill_delete", args=[vmc.pk]), follow=True
    )
    page = response.content.decode()
    assert "« VMC » est requise par Entretien VMC" in page
    assert Skill.objects.filter(pk=vmc.pk).exists()


@pytest.mark.django_db
def test_skills_of_another_workspace_are_404(boss_client, other_workspace):
    foreign = Skill.objects.get(workspace=other_workspace, code="vmc")
    url = reverse("scheduling:settings_skill_rename", args=[foreign.pk])
    assert boss_client.post(url, {"name": "X"}).status_code == 404


# --- service types ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_service_type_create_and_edit(boss_client, workspace):
    irve = Skill.objects.get(workspace=workspace, code="irve")
    data = {
        "name": "Pose de borne de recharge",
        "code": "pose-borne",
        "duration_minutes": 180,
        "buffer_minutes": 30,
        "skill": irve.pk,
        "price_label": "Sur devis",
        "position": 3,
        "is_active": "on",
    }
    response = boss_client.post(reverse("scheduling:settings_service_new"), data)
    assert response.status_code == 302
    created = ServiceType.objects.get(workspace=workspace, code="pose-borne")
    assert (created.duration_minutes, created.skill, created.bookable_online) == (180, irve, False)

    data.update(bookable_online="on", is_urgent="on", duration_minutes=150)
    boss_client.post(reverse("scheduling:settings_service", args=[created.pk]), data)
    created.refresh_from_db()
    assert created.bookable_online and created.is_urgent
    assert created.duration_minutes == 150

    page = boss_client.get(reverse("scheduling:settings_services")).content.decode()
    assert "Pose de borne de recharge" in page and "150 min" in page


@pytest.mark.django_db
def test_service_type_code_must_be_unique_and_duration_positive(boss_client, workspace):
    data = {"name": "Autre", "code": "vmc", "duration_minutes": 0, "buffer_minutes": 0}
    response = boss_client.post(reverse("scheduling:settings_service_new"), data)
    assert response.status_code == 422
    assert "Assurez-vous que cette valeur est supérieure ou égale à 5." in (
        response.content.decode()
    )
    data["duration_minutes"] = 30
    response = boss_client.post(reverse("scheduling:settings_service_new"), data)
    assert response.status_code == 422
    assert "Une autre prestation a déjà ce code." in response.content.decode()
    assert ServiceType.objects.filter(workspace=workspace, code="vmc").count() == 1


@pytest.mark.django_db
def test_service_types_of_another_workspace_are_404(boss_client, other_workspace):
    foreign = ServiceType.objects.get(workspace=other_workspace, code="vmc")
    url = reverse("scheduling:settings_service", args=[foreign.pk])
    assert boss_client.get(url).status_code == 404
    assert boss_client.post(url, {"name": "X"}).status_code == 404


# --- booking rules ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_booking_rules_are_saved_and_the_public_link_shown(boss_client, workspace):
    url = reverse("scheduling:settings_booking")
    page = boss_client.get(url).content.decode()
    assert "/r/duret/" in page
    assert "Copier" in page

    response = boss_client.post(
        url,
        {
            "min_notice_hours": 4,
            "change_notice_hours": 48,
            "horizon_days": 30,
            "slot_step_minutes": 15,
            "reminder_day_before_hour": 19,
            "reminder_same_day_hour": 8,
            "average_speed_kmh": 35,
        },
    )

    assert response.status_code == 302
    rules = BookingSettings.objects.get(workspace=workspace)
    assert not rules.online_enabled
    assert (rules.min_notice_hours, rules.slot_step_minutes, rules.reminder_day_before_hour) == (
        4,
        15,
        19,
    )


@pytest.mark.django_db
def test_bad_booking_rules_change_nothing(boss_client, workspace):
    url = reverse("scheduling:settings_booking")
    response = boss_client.post(
        url,
        {
            "online_enabled": "on",
            "min_notice_hours": 2,
            "change_notice_hours": 24,
            "horizon_days": 60,
            "slot_step_minutes": 30,
            "reminder_day_before_hour": 25,
            "reminder_same_day_hour": 7,
            "average_speed_kmh": 40,
        },
    )
    assert response.status_code == 422
    assert "Au plus 23." in response.content.decode()
    assert BookingSettings.objects.get(workspace=workspace).reminder_day_before_hour == 18


@pytest.mark.django_db
def test_technician_reads_booking_rules_but_cannot_post(client, technician, workspace):
    client.force_login(technician)
    url = reverse("scheduling:settings_booking")
    assert client.get(url).status_code == 200
    assert client.post(url, {"horizon_days": 5}).status_code == 403


@pytest.mark.django_db
def test_settings_pages_are_linked_from_reglages(manager_client):
    page = manager_client.get(reverse("accounts:account")).content.decode()
    assert reverse("scheduling:settings_technicians") in page
