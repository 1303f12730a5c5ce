"""Text keys for search: lower-case, accents and punctuation removed."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9@.+]+")


def fold(text: str) -> str:
    """``"Élodie  D'Arçy"`` → ``"elodie d arcy"``: what search compares."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    stripped = stripped.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return _NON_WORD.sub(" ", stripped).strip()


def strip_spaces(text: str) -> str:
    """Remove every Unicode space (browsers format French numbers with U+202F)."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Zs")
