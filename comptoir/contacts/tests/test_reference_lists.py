"""Reference lists: workspace admins add, rename, reorder and deactivate entries."""

from html import unescape

import pytest
from django.urls import reverse

from comptoir.contacts.models import Domain, Industry, JobTitle, LegalForm, Source

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response):
    return unescape(response.content.decode())


def list_url(slug):
    return reverse("contacts:reference_list", args=[slug])


def test_index_opens_the_first_list(manager_client, manager):
    response = manager_client.get(reverse("contacts:reference_lists"))

    assert response.status_code == 302
    assert response["Location"] == list_url("legal-forms")


@pytest.mark.parametrize(
    "slug", ["legal-forms", "industries", "domains", "job-titles", "sources", "interests"]
)
def test_every_list_shows_its_entries(manager_client, slug):
    response = manager_client.get(list_url(slug))

    assert response.status_code == 200
    assert 'id="reference-list"' in text(response)


def test_unknown_list_is_404(manager_client):
    assert manager_client.get(list_url("nope")).status_code == 404


def test_non_admins_get_403(agent_client, workspace):
    item = LegalForm.objects.filter(workspace=workspace).first()

    assert agent_client.get(reverse("contacts:reference_lists")).status_code == 403
    assert agent_client.get(list_url("legal-forms")).status_code == 403
    assert (
        agent_client.post(
            reverse("contacts:reference_item_add", args=["legal-forms"]), {"name": "GIE"}
        ).status_code
        == 403
    )
    for name in ("rename", "move", "toggle"):
        response = agent_client.post(
            reverse(f"contacts:reference_item_{name}", args=["legal-forms", item.pk]),
            {"name": "X", "direction": "up", "active": "0"},
        )
        assert response.status_code == 403
    assert not LegalForm.objects.filter(name="GIE").exists()
    item.refresh_from_db()
    assert item.is_active and item.name != "X"


def test_list_is_workspace_scoped(manager_client, workspace, other_workspace):
    Source.objects.create(workspace=other_workspace, name="Source du concurrent")

    html = text(manager_client.get(list_url("sources")))

    assert "Bouche-à-oreille" in html
    assert "Source du concurrent" not in html


def test_add_an_entry_at_the_end(manager_client, workspace):
    response = manager_client.post(
        reverse("contacts:reference_item_add", args=["industries"]),
        {"name": "  Viticulture "},
        **HTMX,
    )

    assert "Viticulture" in text(response)
    item = Industry.objects.get(workspace=workspace, name="Viticulture")
    last = Industry.objects.filter(workspace=workspace).exclude(pk=item.pk).order_by("-position")[0]
    assert item.position == last.position + 1


def test_duplicate_name_is_refused_in_french(manager_client, workspace):
    before = LegalForm.objects.filter(workspace=workspace).count()

    response = manager_client.post(
        reverse("contacts:reference_item_add", args=["legal-forms"]), {"name": "sarl"}, **HTMX
    )

    assert "« sarl » existe déjà dans cette liste." in text(response)
    assert LegalForm.objects.filter(workspace=workspace).count() == before


def test_same_name_in_another_workspace_is_fine(manager_client, workspace, other_workspace):
    LegalForm.objects.create(workspace=other_workspace, name="GIE")

    manager_client.post(
        reverse("contacts:reference_item_add", args=["legal-forms"]), {"name": "GIE"}
    )

    assert LegalForm.objects.filter(workspace=workspace, name="GIE").exists()


def test_rename(manager_client, workspace):
    item = JobTitle.objects.get(workspace=workspace, name="Comptable")

    response = manager_client.post(
        reverse("contacts:reference_item_rename", args=["job-titles", item.pk]),
        {"name": "Expert-comptable"},
        **HTMX,
    )

    assert "Expert-comptable" in text(response)
    item.refresh_from_db()
    assert item.name == "Expert-comptable"


def test_rename_to_an_existing_name_is_refused(manager_client, workspace):
    item = JobTitle.objects.get(workspace=workspace, name="Comptable")

    response = manager_client.post(
        reverse("contacts:reference_item_rename", args=["job-titles", item.pk]),
        {"name": "SYNDIC"},
        **HTMX,
    )

    assert "« SYNDIC » existe déjà dans cette liste." in text(response)
    item.refresh_from_db()
    assert item.name == "Comptable"


def test_empty_name_is_refused(manager_client, workspace):
    item = JobTitle.objects.get(workspace=workspace, name="Comptable")

    response = manager_client.post(
        reverse("contacts:reference_item_rename", args=["job-titles", item.pk]),
        {"name": ""},
        **HTMX,
    )

    assert "Ce champ est obligatoire." in text(response)
    item.refresh_from_db()
    assert item.name == "Comptable"


def test_move_up_and_down(manager_client, workspace):
    names = list(
        Source.objects.filter(workspace=workspace)
        .order_by("position")
        .values_list("name", flat=True)
    )
    second = Source.objects.get(workspace=workspace, name=names[1])
    url = reverse("contacts:reference_item_move", args=["sources", second.pk])

    manager_client.post(url, {"direction": "up"}, **HTMX)

    order = list(
        Source.objects.filter(workspace=workspace)
        .order_by("position")
        .values_list("name", flat=True)
    )
    assert order[:2] == [names[1], names[0]]

    manager_client.post(url, {"direction": "down"})
    manager_client.post(url, {"direction": "down"})

    order = list(
        Source.objects.filter(workspace=workspace)
        .order_by("position")
        .values_list("name", flat=True)
    )
    assert order[:3] == [names[0], names[2], names[1]]


def test_deactivate_hides_from_forms_but_keeps_on_records(manager_client, workspace):
    item = LegalForm.objects.get(workspace=workspace, name="SCI")

    response = manager_client.post(
        reverse("contacts:reference_item_toggle", args=["legal-forms", item.pk]),
        {"active": "0"},
        **HTMX,
    )

    assert "Désactivé" in text(response)
    item.refresh_from_db()
    assert not item.is_active
    form = text(manager_client.get(reverse("contacts:company_create")))
    assert ">SCI<" not in form

    manager_client.post(
        reverse("contacts:reference_item_toggle", args=["legal-forms", item.pk]), {"active": "1"}
    )
    item.refresh_from_db()
    assert item.is_active


def test_add_a_subdomain(manager_client, workspace):
    energy = Domain.objects.get(workspace=workspace, name="Énergie", parent=None)

    manager_client.post(
        reverse("contacts:reference_item_add", args=["domains"]),
        {"name": "Stockage batterie", "parent": energy.pk},
    )

    html = text(manager_client.get(list_url("domains")))
    item = Domain.objects.get(workspace=workspace, name="Stockage batterie")
    assert item.parent == energy
    assert "Stockage batterie" in html
    # Same sub-domain name under another domain is allowed; twice under one is not.
    response = manager_client.post(
        reverse("contacts:reference_item_add", args=["domains"]),
        {"name": "stockage batterie", "parent": energy.pk},
        **HTMX,
    )
    assert "existe déjà dans cette liste" in text(response)


def test_parent_domain_of_another_workspace_is_refused(manager_client, workspace, other_workspace):
    foreign = Domain.objects.get(workspace=other_workspace, name="Énergie", parent=None)

    response = manager_client.post(
        reverse("contacts:reference_item_add", args=["domains"]),
        {"name": "Intrus", "parent": foreign.pk},
        **HTMX,
    )

    assert "Sélectionnez un choix valide" in text(response)
    assert not Domain.objects.filter(name="Intrus").exists()


def test_items_of_another_workspace_are_404(manager_client, other_workspace):
    foreign = LegalForm.objects.filter(workspace=other_workspace).first()

    for name in ("rename", "move", "toggle"):
        response = manager_client.post(
            reverse(f"contacts:reference_item_{name}", args=["legal-forms", foreign.pk]),
            {"name": "Piraté", "direction": "up", "active": "0"},
        )
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active and foreign.name != "Piraté"


def test_list_query_count_is_pinned(manager_client, django_assert_num_queries):
    # session, user, workspace, the entries, the parents for the add form
    with django_assert_num_queries(5):
        assert manager_client.get(list_url("domains")).status_code == 200
