"""URLs of scheduling: the staff planning, its settings and figures, the public booking pages,
the calendar feeds."""

from comptoir.scheduling import desk_urls, feed_urls, public_urls, settings_urls, staff_urls

app_name = "scheduling"
urlpatterns = [
    *staff_urls.urlpatterns,
    *desk_urls.urlpatterns,
    *settings_urls.urlpatterns,
    *public_urls.urlpatterns,
    *feed_urls.urlpatterns,
]
