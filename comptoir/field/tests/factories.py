import datetime as dt
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from comptoir.activities.models import Interaction, Kind, Process
from comptoir.contacts.models import ContactPoint, Person, Site
from comptoir.scheduling.models import Channel, ServiceType, Visit

_numbers = itertools.count(1)


def customer(workspace, *, last_name="Dupont", email="pierre.dupont@example.fr"):
    person = Person.objects.create(
        workspace=workspace,
        civility="M.",
        first_name="Pierre",
        last_name=last_name,
        street="12 rue de la Mairie",
        postcode="74000",
        city="Annecy",
        notes="Tableau Legrand de 1998, chauffe-eau 200 L au garage.",
    )
    site = Site.objects.create(
        workspace=workspace,
        person=person,
        street="12 rue de la Mairie",
        postcode="74000",
        city="Annecy",
        access_notes="Digicode 1234 · 3e étage · chat dans l'appartement",
    )
    if email:
        ContactPoint.objects.create(
            workspace=workspace, person=person, kind="email", value=email, normalized=email
        )
    ContactPoint.objects.create(
        workspace=workspace,
        person=person,
        kind="phone",
        value="06 12 34 56 78",
        normalized="+33612345678",
    )
    return person, site


def visit(technician, *, starts_at=None, person=None, site=None, service="depannage", request=None):
    """A confirmed visit written directly (no slot search, no confirmation message)."""
    workspace = technician.workspace
    starts_at = starts_at or timezone.now().replace(second=0, microsecond=0) + dt.timedelta(
        minutes=30
    )
    service_type = ServiceType.objects.get(workspace=workspace, code=service)
    interaction = Interaction.objects.create(
        workspace=workspace,
        kind=Kind.APPOINTMENT,
        process=Process.objects.get(workspace=workspace, code="support"),
        subject=f"{service_type.name} chez {person or 'client'}",
        owner=technician.user,
        person=person,
        site=site,
        starts_at=starts_at,
        duration_minutes=service_type.duration_minutes,
    )
    number = next(_numbers)
    return Visit.objects.create(
        workspace=workspace,
        interaction=interaction,
        technician=technician,
        service_type=service_type,
        request=request,
        starts_at=starts_at,
        ends_at=starts_at
        + dt.timedelta(minutes=service_type.duration_minutes + service_type.buffer_minutes),
        channel=Channel.PHONE,
        reference=f"R-2026-{number:04d}",
        requested_at=starts_at - dt.timedelta(days=1),
    )


def jpeg(name="apres.jpg", size=(64, 48), color=(200, 120, 40)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(name="signature.png"):
    out = io.BytesIO()
    image = Image.new("RGB", (300, 120), "white")
    from PIL import ImageDraw

    ImageDraw.Draw(image).line((10, 100, 120, 20, 200, 90, 290, 30), fill="black", width=3)
    image.save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
