"""The service dashboard « Tableau de bord du service »."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comptoir.accounts.models import Role
from comptoir.reports import selectors
from comptoir.reports.period import period_from


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def chart_text() -> dict[str, str]:
    """Legends and axis titles of the charts, translated."""
    return {
        "first_response": _("Première réponse (médiane)"),
        "resolution": _("Résolution (médiane)"),
        "sla": _("SLA tenus"),
        "calls": _("Appels tracés"),
        "sla_target": _("Objectif SLA"),
        "calls_target": _("Objectif appels"),
        "csat": _("CSAT (sur 5)"),
        "booked": _("Réservé"),
        "capacity": _("Capacité"),
        "captured": _("Détectés"),
        "converted": _("Devenus ventes"),
        "hours": _("heures"),
        "min": _("min"),
    }


def _chart_data(
    requests: selectors.Requests,
    times: selectors.Times,
    sla: selectors.Sla,
    calls: selectors.Calls,
    satisfaction: selectors.Satisfaction,
    workload: list[selectors.Workload],
    needs: selectors.Needs,
) -> dict[str, Any]:
    labels = [selectors.week_label(m) for m in requests.weeks]
    return {
        "text": chart_text(),
        "labels": labels,
        "channels": [
            {"code": s.code, "label": s.label, "counts": s.counts} for s in requests.series
        ],
        "times": {
            "first_response": [
                _hours(w.first_response.median if w.first_response else None) for w in times.weeks
            ],
            "resolution": [
                _hours(w.resolution.median if w.resolution else None) for w in times.weeks
            ],
        },
        "sla": {"rates": [w.rate for w in sla.weeks], "target": sla.target},
        "calls": {
            "rates": [selectors.rate(traced, total) for _m, total, traced in calls.weeks],
            "target": calls.target,
        },
        "satisfaction": {
            "csat": [w.csat for w in satisfaction.weeks],
            "nps": [w.nps for w in satisfaction.weeks],
        },
        "workload": {
            "names": [w.name for w in workload],
            "booked": [w.booked_hours for w in workload],
            "capacity": [w.capacity_hours for w in workload],
        },
        "needs": {
            "captured": [c for _m, c, _w in needs.weeks],
            "converted": [w for _m, _c, w in needs.weeks],
        },
    }


@login_required
@require_GET
def service_dashboard(request: HttpRequest) -> HttpResponse:
    """Figures of the service over a period. Office roles and read-only accounts see the whole
    workspace; a technician sees only their own workload and the needs they captured."""
    user: Any = request.user
    workspace_id = getattr(user, "workspace_id", None)
    if workspace_id is None:
        raise PermissionDenied
    tz = selectors.workspace_tz(workspace_id)
    today = timezone.localtime(timezone.now(), tz).date()
    period = period_from(request.GET, today)
    start, end = period.start, period.end
    own_only = user.role == Role.TECHNICIAN
    user_filter = user.pk if own_only else None
    workload = selectors.technician_workload(workspace_id, start, end, user_id=user_filter)
    needs = selectors.needs_captured(workspace_id, start, end, user_id=user_filter)
    context: dict[str, Any] = {
        "period": period,
        "period_choices": [
            ("mois", _("Ce mois-ci")),
            ("30j", _("30 derniers jours")),
            ("90j", _("90 derniers jours")),
            ("perso", _("Autres dates")),
        ],
        "own_only": own_only,
        "workload": workload,
        "needs": needs,
        "weeks": selectors.weeks_between(start, end),
    }
    if not own_only:
        requests = selectors.requests_by_channel(workspace_id, start, end)
        times = selectors.response_times(workspace_id, start, end)
        sla = selectors.sla_compliance(workspace_id, start, end)
        backlog = selectors.backlog(workspace_id, start, end)
        calls = selectors.calls_traced(workspace_id, start, end)
        satisfaction = selectors.satisfaction(workspace_id, start, end)
        context.update(
            requests=requests,
            times=times,
            sla=sla,
            backlog=backlog,
            calls=calls,
            satisfaction=satisfaction,
            week_rows=[
                {
                    "monday": monday,
                    "label": selectors.week_label(monday),
                    "channels": [s.counts[i] for s in requests.series],
                    "requests": sum(s.counts[i] for s in requests.series),
                    "backlog": backlog.weeks[i][1],
                    "times": times.weeks[i],
                    "sla": sla.weeks[i],
                    "calls": calls.weeks[i],
                    "satisfaction": satisfaction.weeks[i],
                    "needs": needs.weeks[i],
                }
                for i, monday in enumerate(requests.weeks)
            ],
            chart=_chart_data(requests, times, sla, calls, satisfaction, workload, needs),
        )
    else:
        context.update(
            week_rows=[
                {"monday": m, "label": selectors.week_label(m), "needs": needs.weeks[i]}
                for i, m in enumerate(context["weeks"])
            ],
            chart={
                "text": chart_text(),
                "labels": [selectors.week_label(m) for m in context["weeks"]],
                "workload": {
                    "names": [w.name for w in workload],
                    "booked": [w.booked_hours for w in workload],
                    "capacity": [w.capacity_hours for w in workload],
                },
                "needs": {
                    "captured": [c for _m, c, _w in needs.weeks],
                    "converted": [w for _m, _c, w in needs.weeks],
                },
            },
        )
    return render(request, "reports/service.html", context)
