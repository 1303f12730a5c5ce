"""Draw the technician app's icons (PNG) into its static folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[2] / "static" / "field"
BLUE = (11, 92, 173, 255)
WHITE = (255, 255, 255, 255)


def draw_icon(size: int, *, maskable: bool = False) -> Image.Image:
    """A white diamond (the Comptoir mark) and a spanner-like bar on the brand blue."""
    image = Image.new("RGBA", (size, size), BLUE if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not maskable:
        radius = size // 5
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=radius, fill=BLUE)
    # Maskable icons keep their drawing inside the central 80 % safe zone.
    scale = 0.62 if maskable else 0.74
    half = size * scale / 2
    centre = size / 2
    draw.polygon(
        [
            (centre, centre - half),
            (centre + half, centre),
            (centre, centre + half),
            (centre - half, centre),
        ],
        fill=WHITE,
    )
    inner = half * 0.45
    draw.polygon(
        [
            (centre, centre - inner),
            (centre + inner, centre),
            (centre, centre + inner),
            (centre - inner, centre),
        ],
        fill=BLUE,
    )
    return image


class Command(BaseCommand):
    help = "Dessine les icônes PNG de l'application technicien (192, 512, maskable)."

    def handle(self, *args: Any, **options: Any) -> None:
        STATIC.mkdir(parents=True, exist_ok=True)
        for name, size, maskable in (
            ("icon-192.png", 192, False),
            ("icon-512.png", 512, False),
            ("icon-maskable-512.png", 512, True),
        ):
            draw_icon(size, maskable=maskable).save(STATIC / name, optimize=True)
            self.stdout.write(f"{STATIC / name}")
