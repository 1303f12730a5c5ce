"""Technical admin for customers (superusers)."""

from django.contrib import admin

from comptoir.contacts import models

for model in (
    models.LegalForm,
    models.Industry,
    models.Domain,
    models.JobTitle,
    models.Source,
    models.Interest,
    models.Company,
    models.Person,
    models.Affiliation,
    models.Site,
    models.ContactPoint,
):
    admin.site.register(model)
