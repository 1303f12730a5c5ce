"""The /media/ view: a file is served only when a row the visitor may see points to it."""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from comptoir.accounts.models import Workspace
from comptoir.field.models import DetectedNeed, InterventionReport, ReportPhoto
from comptoir.field.selectors import field_visits_for, needs_for
from comptoir.imports.models import ImportJob
from comptoir.imports.selectors import jobs_for
from comptoir.inbox.models import InboundAttachment, InboundMessage
from comptoir.inbox.selectors import inbound_attachments_for, inbound_messages_for
from comptoir.tickets.models import TicketAttachment
from comptoir.tickets.selectors import tickets_for

# Only these types are shown in the browser; every other file is a download of opaque bytes,
# so an uploaded page or SVG never runs in our origin.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})


@dataclass(frozen=True)
class FileKind:
    """One upload field: its model and the rows of it a user may open (None: anyone)."""

    model: type[models.Model]
    field: str
    visible: Callable[[Any], QuerySet[Any]] | None


def _reports(user: Any) -> QuerySet[InterventionReport]:
    return InterventionReport.objects.filter(
        workspace_id=user.workspace_id, visit__in=field_visits_for(user)
    )


def _photos(user: Any) -> QuerySet[ReportPhoto]:
    return ReportPhoto.objects.filter(
        workspace_id=user.workspace_id, report__visit__in=field_visits_for(user)
    )


def _needs(user: Any) -> QuerySet[DetectedNeed]:
    return needs_for(user).filter(visit__in=field_visits_for(user))


def _ticket_files(user: Any) -> QuerySet[TicketAttachment]:
    return TicketAttachment.objects.filter(
        workspace_id=user.workspace_id, ticket__in=tickets_for(user)
    )


# First folder of the stored name (see each field's ``upload_to``) → the fields that may own it.
# A file whose owning row is not found is never served; a test checks every upload field is here.
KINDS: dict[str, tuple[FileKind, ...]] = {
    # The workspace logo is its public brand, meant for customer-facing pages and e-mails.
    "logos": (FileKind(Workspace, "logo", None),),
    "tickets": (FileKind(TicketAttachment, "file", _ticket_files),),
    "field": (
        FileKind(InterventionReport, "pdf", _reports),
        FileKind(InterventionReport, "signature", _reports),
        FileKind(ReportPhoto, "image", _photos),
        FileKind(DetectedNeed, "photo", _needs),
    ),
    "inbox": (
        FileKind(InboundAttachment, "file", inbound_attachments_for),
        FileKind(InboundMessage, "raw", inbound_messages_for),
    ),
    "imports": (FileKind(ImportJob, "file", jobs_for),),
}


def _clean(path: str) -> str | None:
    """The stored name asked for, or None when it could leave the media folder."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    if any(part in {"", ".", ".."} for part in path.split("/")):
        return None
    return path


def _member(request: HttpRequest) -> Any:
    user: Any = request.user
    if user.is_authenticated and user.is_active and user.workspace_id:
        return user
    return None


def _find(request: HttpRequest, name: str) -> tuple[FieldFile, bool] | None:
    """The file named ``name`` and whether it is public, if the visitor may open it."""
    for kind in KINDS.get(name.split("/", 1)[0], ()):
        if kind.visible is None:
            rows: QuerySet[Any] = kind.model._default_manager.all()
        else:
            user = _member(request)
            if user is None:
                return None
            rows = kind.visible(user)
        rows = rows.select_related(None).filter(**{kind.field: name})
        row = rows.only("pk", kind.field).first()
        if row is not None:
            return getattr(row, kind.field), kind.visible is None
    return None


@require_safe
def serve(request: HttpRequest, path: str) -> FileResponse:
    """One uploaded file; anything not found, not allowed or malformed is the same 404."""
    name = _clean(path)
    found = _find(request, name) if name else None
    if name is None or found is None:
        raise Http404
    file, public = found
    try:
        handle = file.open("rb")
    except OSError:
        raise Http404 from None
    guessed, encoding = mimetypes.guess_type(name)
    inline = guessed in INLINE_TYPES and encoding is None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=posixpath.basename(name),
        content_type=guessed if inline and guessed else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if public:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response
