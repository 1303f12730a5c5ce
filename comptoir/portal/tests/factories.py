"""Customers, their requests, visits and reports, and a signed-in portal client."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from comptoir.activities.models import Interaction, State
from comptoir.contacts.models import Affiliation, Company, ContactPoint, Person
from comptoir.field.models import InterventionReport, ReportStatus
from comptoir.field.tests import factories as field_factories
from comptoir.portal.models import SESSION_LIFETIME, PortalSession
from comptoir.portal.selectors import hash_secret
from comptoir.portal.views import COOKIE

PDF = b"%PDF-1.4\n% rapport\n"
_days = itertools.count()


def person(workspace: Any, last_name: str, email: str = "", mobile: str = "") -> Person:
    found = Person.objects.create(
        workspace=workspace, civility="M.", first_name="Pierre", last_name=last_name
    )
    if email:
        ContactPoint.objects.create(
            workspace=workspace, person=found, kind="email", value=email, normalized=email
        )
    if mobile:
        ContactPoint.objects.create(
            workspace=workspace,
            person=found,
            kind="phone",
            label="mobile",
            value=mobile,
            normalized="+33" + mobile.replace(" ", "")[1:],
        )
    return found


def company_contact(workspace: Any, who: Person, name: str = "SCI Les Tilleuls") -> Company:
    company = Company.objects.create(workspace=workspace, name=name)
    Affiliation.objects.create(workspace=workspace, person=who, company=company, is_primary=True)
    return company


def portal_client(who: Person) -> Client:
    """A browser signed in on the portal as ``who`` (the cookie a right code would give)."""
    key = secrets.token_urlsafe(16)
    now = timezone.now()
    PortalSession.objects.create(
        workspace=who.workspace,
        person=who,
        key_hash=hash_secret(key),
        expires_at=now + SESSION_LIFETIME,
    )
    client = Client()
    client.cookies[COOKIE] = key
    return client


def done_visit(technician: Any, who: Person, *, report: bool = True, request: Any = None) -> Any:
    visit = field_factories.visit(
        technician,
        person=who,
        starts_at=timezone.now().replace(microsecond=0) - dt.timedelta(days=2 + next(_days)),
        request=request,
    )
    Interaction.objects.filter(pk=visit.interaction_id).update(
        state=State.DONE, completed_at=timezone.now()
    )
    visit.interaction.refresh_from_db()
    if report:
        found = InterventionReport.objects.create(
            workspace=visit.workspace,
            visit=visit,
            technician=technician.user,
            status=ReportStatus.COMPLETED,
            completed_at=timezone.now(),
            work_done="Remplacement du disjoncteur",
        )
        found.pdf.save(f"rapport-{visit.reference}.pdf", ContentFile(PDF))
    return visit
