"""The "Doublons" review queue: pairs, side-by-side merge, history with undo, background scan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.accounts.services import require_writer
from comptoir.contacts.models import Company, Person
from comptoir.dedupe import selectors, services
from comptoir.dedupe.forms import DedupeSettingsForm
from comptoir.dedupe.models import DuplicatePair, Kind, PairStatus

PAGE_SIZE = 50
LIVE_MIN_SCORE = 50


def _writer(request: HttpRequest) -> None:
    require_writer(request.user)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Open pairs, best score first, with their reasons; filters person / company."""
    _writer(request)
    kind = request.GET.get("type", "")
    kind = kind if kind in (Kind.PERSON, Kind.COMPANY) else ""
    page = Paginator(selectors.open_pairs(request.user, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    pairs = list(page.object_list)
    records = selectors.records_of(pairs)
    rows = [
        {
            "pair": pair,
            "left": records.get((pair.kind, pair.left_id)),
            "right": records.get((pair.kind, pair.right_id)),
        }
        for pair in pairs
    ]
    just_merged = None
    if request.GET.get("fusion", "").isdigit():
        found = selectors.merges_for(request.user).filter(pk=int(request.GET["fusion"])).first()
        if found is not None and found.undone_at is None:
            just_merged = found
    return render(
        request,
        "dedupe/queue.html",
        {
            "rows": rows,
            "page": page,
            "kind": kind,
            "counts": selectors.open_counts(request.user),
            "job": selectors.latest_scan(request.user),
            "just_merged": just_merged,
        },
    )


def _field_rows(pair: DuplicatePair, left: Any, right: Any) -> list[dict[str, Any]]:
    defaults = services.default_choices(pair.kind, left, right)
    rows = []
    for name in services.CHOICE_FIELDS[pair.kind]:
        model_field = left._meta.get_field(name)
        a, b = _shown(left, name), _shown(right, name)
        if not a and not b:
            continue
        rows.append(
            {
                "name": name,
                "label": model_field.verbose_name,
                "left": a,
                "right": b,
                "same": a == b,
                "default": defaults[name],
            }
        )
    return rows


def _shown(obj: Any, name: str) -> str:
    value = getattr(obj, name)
    if value in (None, ""):
        return ""
    display = getattr(obj, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


@login_required
@require_GET
def pair_detail(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Both records side by side, a radio per differing field, what each brings along."""
    _writer(request)
    pair = selectors.pair_detail(request.user, pair_id)
    records = selectors.records_of([pair])
    left, right = records.get((pair.kind, pair.left_id)), records.get((pair.kind, pair.right_id))
    if left is None or right is None:
        messages.warning(request, _("Une des deux fiches n'existe plus."))
        return redirect("dedupe:queue")
    sides = []
    for side, obj in (("left", left), ("right", right)):
        sides.append(
            {
                "side": side,
                "obj": obj,
                "points": list(obj.contact_points.all()),
                "counts": services.related_counts(obj),
                "provenance": services.provenance_for(obj),
            }
        )
    return render(
        request,
        "dedupe/pair.html",
        {
            "pair": pair,
            "left": left,
            "right": right,
            "sides": sides,
            "fields": _field_rows(pair, left, right),
            "is_open": pair.status == PairStatus.OPEN,
        },
    )


@login_required
@require_POST
def pair_merge(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = selectors.pair_detail(request.user, pair_id)
    keep = request.POST.get("keep", "left")
    choices = {
        name: request.POST[f"f_{name}"]
        for name in services.CHOICE_FIELDS.get(pair.kind, [])
        if request.POST.get(f"f_{name}") in ("left", "right")
    }
    try:
        record = services.merge_pair(pair=pair, by=request.user, keep=keep, choices=choices)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("dedupe:pair", pair_id=pair.pk)
    # The queue says so itself, with the button to undo it.
    return redirect(f"{reverse('dedupe:queue')}?fusion={record.pk}")


@login_required
@require_POST
def pair_dismiss(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = selectors.pair_detail(request.user, pair_id)
    try:
        services.pair_dismiss(pair=pair, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Paire écartée : ce ne sont pas des doublons."))
    return redirect("dedupe:queue")


@login_required
@require_GET
def merge_list(request: HttpRequest) -> HttpResponse:
    _writer(request)
    page = Paginator(selectors.merges_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "dedupe/merges.html", {"page": page})


@login_required
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    record = selectors.merge_detail(request.user, merge_id)
    try:
        services.merge_undo(merge=record, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("Fusion annulée : « %(merged)s » est rétabli.") % {"merged": record.merged_repr},
        )
    return redirect(request.POST.get("next") or reverse("dedupe:merges"))


@login_required
@require_POST
def scan_start(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("type", "")
    job = services.scan_start(by=request.user, kind=kind if kind in ("person", "company") else None)
    job.refresh_from_db()
    return render(request, "dedupe/_scan.html", {"job": job})


@login_required
@require_GET
def scan_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    _writer(request)
    job = selectors.scan_detail(request.user, job_id)
    return render(request, "dedupe/_scan.html", {"job": job})


@login_required
@require_GET
def lookalikes(request: HttpRequest) -> HttpResponse:
    """Live warning while typing a new person or company: existing records that resemble it."""
    kind = Kind.COMPANY if request.GET.get("type") == "company" else Kind.PERSON
    user: Any = request.user
    data: dict[str, Any] = {
        key: str(request.GET.get(key, "")).strip()
        for key in ("first_name", "last_name", "name", "postcode", "city", "street", "siren")
    }
    data["country"] = request.GET.get("country") or "FR"
    typed = {k: str(v).strip() for k, v in request.GET.items() if not k.endswith("_label")}
    data["phones"] = [v for k, v in typed.items() if k.startswith("phone") and v]
    data["emails"] = [v for k, v in typed.items() if k.startswith("email") and v]
    name_given = data["name"] if kind == Kind.COMPANY else data["last_name"]
    found: list[dict[str, Any]] = []
    if name_given or data["phones"] or data["emails"]:
        raw_exclude = str(request.GET.get("exclude", ""))
        exclude = [int(raw_exclude)] if raw_exclude.isdigit() else []
        candidates = services.candidates_for(
            workspace=user.workspace_id,
            kind=kind,
            data=data,
            exclude=exclude,
            limit=3,
            # What is typed so far says less than a full record: warn a little earlier.
            min_score=LIVE_MIN_SCORE,
        )
        model: type[Person] | type[Company] = Person if kind == Kind.PERSON else Company
        objs = model.objects.filter(
            workspace_id=user.workspace_id, pk__in=[c.record_id for c in candidates]
        ).in_bulk()
        found = [
            {"obj": objs[c.record_id], "score": c.score, "reasons": c.reasons}
            for c in candidates
            if c.record_id in objs
        ]
    return render(request, "dedupe/_lookalikes.html", {"found": found})


@login_required
@require_GET
def provenance_panel(request: HttpRequest, kind: str, record_id: int) -> HttpResponse:
    """The "Sources" panel of a person's or company's page: which source said what, when."""
    found = selectors.provenance_of(request.user, kind, record_id)
    return render(request, "dedupe/_provenance.html", {"provenance": found})


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Réglages › Doublons: the thresholds; everyone of the workspace reads, managers change."""
    user: Any = request.user
    if getattr(user, "workspace_id", None) is None:
        raise PermissionDenied
    can_edit = bool(user.is_manager and user.can_write)
    current = services.settings_for(user.workspace_id)
    saved = (current.review_threshold, current.auto_merge_threshold)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = DedupeSettingsForm(request.POST, instance=current)
        if form.is_valid():
            try:
                services.settings_update(by=user, **form.cleaned_data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("Réglages des doublons enregistrés."))
                return redirect("dedupe:settings")
        status = 422
    else:
        form = DedupeSettingsForm(instance=current)
    return render(
        request,
        "dedupe/settings.html",
        {
            "form": form,
            "can_edit": can_edit,
            "review": saved[0],
            "auto": saved[1],
            "counts": selectors.open_counts(user),
        },
        status=status,
    )
