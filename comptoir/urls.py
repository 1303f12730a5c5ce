"""Root URLs: each app mounts its own, the API lives under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from comptoir.media.views import serve as serve_media

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="activities:desk", permanent=False)),
    path("comptes/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("comptoir.accounts.urls")),
    path("", include("comptoir.contacts.urls")),
    path("", include("comptoir.activities.urls")),
    path("", include("comptoir.messaging.urls")),
    path("", include("comptoir.tickets.urls")),
    path("", include("comptoir.calls.urls")),
    path("field/", include("comptoir.field.urls")),
    path("", include("comptoir.inbox.urls")),
    path("", include("comptoir.portal.urls")),
    path("", include("comptoir.reports.urls")),
    path("", include("comptoir.scheduling.urls")),
    path("", include("comptoir.dedupe.urls")),
    path("", include("comptoir.receivables.urls")),
    path("", include("comptoir.imports.urls")),
    path("", include("comptoir.live.urls")),
    path("recherche/", include("comptoir.search.urls")),
    path("api/v1/", include("comptoir.api.urls")),
    path("admin/", admin.site.urls),
]
if settings.COMPTOIR_SERVE_MEDIA:
    # Uploaded files go through a view that checks who may see each one (docs/adr/0003); a web
    # server in front must never serve MEDIA_ROOT itself. An object store hands out signed URLs.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media, name="media")]
