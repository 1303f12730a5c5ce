import datetime as dt

import factory
from django.utils import timezone

from comptoir.accounts.tests.factories import UserFactory
from comptoir.activities.models import Interaction, Kind, Note, Process, State


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    owner = factory.SubFactory(UserFactory)
    workspace = factory.SelfAttribute("owner.workspace")
    kind = Kind.TASK
    state = State.OPEN
    subject = factory.Sequence(lambda n: f"Rappeler le client {n}")
    starts_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    created_by = factory.SelfAttribute("owner")

    @factory.lazy_attribute
    def process(self):
        return Process.objects.get(workspace=self.workspace, code="support")


class AppointmentFactory(InteractionFactory):
    kind = Kind.APPOINTMENT
    deadline = None
    duration_minutes = 60


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    interaction = factory.SubFactory(InteractionFactory)
    workspace = factory.SelfAttribute("interaction.workspace")
    author = factory.SelfAttribute("interaction.owner")
    body = "Client rappelé, devis à envoyer."
