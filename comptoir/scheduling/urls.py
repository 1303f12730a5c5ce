"""URLs of scheduling: the staff planning, the public booking pages, the calendar feeds."""

from comptoir.scheduling import feed_urls, public_urls, staff_urls

app_name = "scheduling"
urlpatterns = [*staff_urls.urlpatterns, *public_urls.urlpatterns, *feed_urls.urlpatterns]
