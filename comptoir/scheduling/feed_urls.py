"""Phone calendars: the private .ics feed and the page that gives its address."""

from django.urls import URLPattern, path, re_path

from comptoir.scheduling import feed_views

urlpatterns: list[URLPattern] = [
    re_path(r"^agenda/flux/(?P<token>[A-Za-z0-9_-]{16,64})\.ics$", feed_views.feed, name="feed"),
    path("agenda/telephone/", feed_views.feed_panel, name="feed_panel"),
    path("agenda/telephone/regenerer/", feed_views.feed_regenerate, name="feed_regenerate"),
]
