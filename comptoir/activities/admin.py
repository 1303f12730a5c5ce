"""Technical admin for interactions (superusers)."""

from django.contrib import admin

from comptoir.activities import models

for model in (models.Process, models.Stage, models.ProcessAccess, models.Interaction, models.Note):
    admin.site.register(model)
