"""Fail when a translation catalogue ships an empty or fuzzy entry."""

import sys
from pathlib import Path


def problems(po: Path) -> list[str]:
    found: list[str] = []
    entries = po.read_text(encoding="utf-8").split("\n\n")
    for entry in entries[1:]:  # the first entry is the header
        lines = [line for line in entry.strip().splitlines() if line and not line.startswith("#~")]
        if not lines:
            continue
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            found.append(f"{po}: fuzzy: {_msgid(lines)}")
            continue
        for i, line in enumerate(lines):
            if line.startswith("msgstr") and line.endswith('""'):
                following = lines[i + 1] if i + 1 < len(lines) else ""
                if not following.startswith('"'):
                    found.append(f"{po}: empty: {_msgid(lines)}")
    return found


def _msgid(lines: list[str]) -> str:
    for i, line in enumerate(lines):
        if line.startswith("msgid "):
            text = line[6:].strip('"') or "".join(x.strip('"') for x in lines[i + 1 : i + 3])
            return text[:70]
    return "?"


def main() -> int:
    catalogues = sorted(Path("comptoir/locale").glob("*/LC_MESSAGES/*.po"))
    if not catalogues:
        print("no translation catalogue found")
        return 1
    errors = [p for po in catalogues for p in problems(po)]
    for error in errors:
        print(error)
    print(f"{len(catalogues)} catalogue(s), {len(errors)} untranslated entr(y/ies)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
