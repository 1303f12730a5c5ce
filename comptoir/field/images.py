"""Check uploaded photos and signatures: a real image, not too heavy; French errors."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def check_image(upload: Any, *, label: str) -> str:
    """The image's MIME type, or ValidationError: not an image, unsupported type, over 10 Mo."""
    name = getattr(upload, "name", "") or label
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("« {name} » pèse {size} Mo : 10 Mo au plus.").format(
                name=name, size=f"{size / 1024 / 1024:.1f}".replace(".", ",")
            ),
            code="too_big",
        )
    declared = getattr(upload, "content_type", "") or ""
    if declared and not declared.startswith("image/"):
        raise ValidationError(
            _("« {name} » n'est pas une image : envoyez une photo JPEG, PNG ou WebP.").format(
                name=name
            ),
            code="not_image",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind = image.format or ""
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _(
                "« {name} » n'est pas une image lisible : envoyez une photo JPEG, PNG ou WebP."
            ).format(name=name),
            code="not_image",
        ) from None
    finally:
        upload.seek(0)
    if kind not in ALLOWED_FORMATS:
        raise ValidationError(
            _("« {name} » est au format {kind} : envoyez une photo JPEG, PNG ou WebP.").format(
                name=name, kind=kind or "?"
            ),
            code="format",
        )
    return ALLOWED_FORMATS[kind]


def thumbnail_data_uri(data: bytes, *, size: int = 640) -> str:
    """A small JPEG of an image as a ``data:`` URI, to embed in the PDF without any fetch."""
    with Image.open(io.BytesIO(data)) as source:
        image = source.convert("RGB")
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def png_data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
