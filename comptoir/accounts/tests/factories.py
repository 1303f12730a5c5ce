import factory

from comptoir.accounts.models import Role, User, Workspace
from comptoir.accounts.services import workspace_create


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Entreprise {n}")
    slug = factory.Sequence(lambda n: f"entreprise-{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the service, so reference lists and processes are seeded as in real life.
        return workspace_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    workspace = factory.SubFactory(WorkspaceFactory)
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    role = Role.AGENT
    password = factory.django.Password("secret-pass")
