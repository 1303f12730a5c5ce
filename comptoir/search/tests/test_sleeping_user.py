"""A colleague put to sleep keeps their history: checked here, where accounts and
activities may both be imported (search is the top layer)."""

from django.urls import reverse

from comptoir.activities.tests.factories import InteractionFactory
from comptoir.search.selectors import search


def test_interactions_of_a_sleeping_user_still_show_them_as_owner(manager_client, manager, agent):
    interaction = InteractionFactory(owner=agent, subject="Rappeler M. Dupont")

    manager_client.post(reverse("accounts:user_deactivate", args=[agent.pk]))

    agent.refresh_from_db()
    assert not agent.is_active
    detail = manager_client.get(reverse("activities:detail", args=[interaction.pk]))
    assert detail.status_code == 200
    assert agent.full_name in detail.content.decode()
    assert [r.object for r in search(manager, "rappeler dupont")] == [interaction]
