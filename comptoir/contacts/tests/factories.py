import factory

from comptoir.accounts.tests.factories import WorkspaceFactory
from comptoir.contacts.models import Affiliation, Company, ContactPoint, Person, Site


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Société {n}")
    city = "Annecy"
    postcode = "74000"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    workspace = factory.SubFactory(WorkspaceFactory)
    civility = "M."
    first_name = "Pierre"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    city = "Annecy"
    postcode = "74000"


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    company = factory.SubFactory(
        CompanyFactory, workspace=factory.SelfAttribute("..person.workspace")
    )
    workspace = factory.SelfAttribute("person.workspace")
    role = "Gérant"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    person = factory.SubFactory(PersonFactory)
    workspace = factory.SelfAttribute("person.workspace")
    street = "12 rue de la Mairie"
    postcode = "74000"
    city = "Annecy"


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    person = factory.SubFactory(PersonFactory)
    workspace = factory.SelfAttribute("person.workspace")
    kind = "phone"
    label = "mobile"
    value = "06 12 34 56 78"
    normalized = "+33612345678"
