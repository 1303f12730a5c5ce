import datetime as dt

import factory

from comptoir.accounts.models import Role
from comptoir.accounts.tests.factories import UserFactory
from comptoir.scheduling.models import Absence, ServiceType, Skill, Technician, WorkingHours


class TechnicianFactory(factory.django.DjangoModelFactory):
    """A technician working 8:00-12:00 / 14:00-18:00 Monday to Friday, based in Lyon."""

    class Meta:
        model = Technician
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.TECHNICIAN, first_name="Gaëtan")
    workspace = factory.SelfAttribute("user.workspace")
    home_postcode = "69003"
    home_latitude = 45.7597
    home_longitude = 4.8422
    daily_capacity_minutes = 300

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        periods = extracted if extracted is not None else [(8, 12), (14, 18)]
        for day in range(5):
            for start, end in periods:
                WorkingHours.objects.create(
                    workspace=self.workspace,
                    technician=self,
                    weekday=day,
                    starts=dt.time(start),
                    ends=dt.time(end),
                )

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        for code in extracted if extracted is not None else ["depannage"]:
            self.skills.add(Skill.objects.get(workspace=self.workspace, code=code))


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    technician = factory.SubFactory(TechnicianFactory)
    workspace = factory.SelfAttribute("technician.workspace")
    reason = "Formation"


def service(workspace, code="depannage", **fields):
    """A seeded service type, adjusted."""
    found = ServiceType.objects.get(workspace=workspace, code=code)
    for name, value in fields.items():
        setattr(found, name, value)
    found.save()
    return found
