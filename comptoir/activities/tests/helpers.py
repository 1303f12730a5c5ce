import datetime as dt

from django.utils import timezone

from comptoir.activities.models import Process


def process(workspace, code):
    return Process.objects.get(workspace=workspace, code=code)


def local(day, hour=12, minute=0):
    """An aware datetime at a wall-clock time in Paris."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def today_at(hour=12, minute=0):
    return local(timezone.localdate(), hour, minute)


def days_ago(days, hour=12):
    return local(timezone.localdate() - dt.timedelta(days=days), hour)


HTMX = {"HTTP_HX_REQUEST": "true"}
