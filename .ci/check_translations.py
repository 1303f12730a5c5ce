"""Fail when a translation catalogue (django.po, djangojs.po…) ships an entry that is empty, fuzzy,
or whose translation lost or changed a placeholder or a leading/trailing line break."""

import re
import sys
from pathlib import Path

# Merge fields and template tags of the message templates, Python and brace formats.
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|%\(\w+\)[sdif]|\{\w*\}")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def problems(po: Path) -> list[str]:
    found: list[str] = []
    for entry in _entries(po):
        name = f"{po}: {{}}: {_short(entry.get('msgid', ''))}"
        if "fuzzy" in entry["flags"]:
            found.append(name.format("fuzzy" if entry.get("msgid") else "fuzzy header"))
            continue
        if not entry.get("msgid"):
            continue  # the header
        if "msgid_plural" in entry:
            forms = [entry[k] for k in sorted(entry) if k.startswith("msgstr[")]
            sources = [entry["msgid"]] + [entry["msgid_plural"]] * (len(forms) - 1)
        else:
            forms, sources = [entry.get("msgstr", "")], [entry["msgid"]]
        if not forms or any(not form for form in forms):
            found.append(name.format("empty"))
            continue
        allowed = set(PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for i, (source, form) in enumerate(zip(sources, forms, strict=True)):
            wanted, got = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(form))
            # A singular form may leave out the count ("one call"); nothing may be invented.
            if got - allowed or (i == len(forms) - 1 and wanted != got):
                found.append(name.format(f"placeholders {sorted(wanted)} → {sorted(got)}"))
                break
            if _breaks(source) != _breaks(form):
                found.append(name.format("line breaks at the start or end differ"))
                break
    return found


def _entries(po: Path) -> list[dict[str, str]]:
    """Each entry's fields (msgctxt, msgid, msgid_plural, msgstr, msgstr[n]) and its flags."""
    entries: list[dict[str, str]] = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, str] = {"flags": ""}
        current = ""
        for line in block.strip().splitlines():
            if line.startswith("#~"):
                current = ""
            elif line.startswith("#,"):
                entry["flags"] += line[2:]
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                entry[current] += _unquote(line)
            elif " " in line:
                current, text = line.split(" ", 1)
                entry[current] = _unquote(text)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text.strip()[1:-1])


def _breaks(text: str) -> tuple[int, int]:
    return len(text) - len(text.lstrip("\n")), len(text) - len(text.rstrip("\n"))


def _short(msgid: str) -> str:
    return msgid.replace("\n", "\\n")[:70] or "(header)"


def main() -> int:
    catalogues = sorted(Path("comptoir/locale").glob("*/LC_MESSAGES/*.po"))
    if not catalogues:
        print("no translation catalogue found")
        return 1
    errors = [p for po in catalogues for p in problems(po)]
    for error in errors:
        print(error)
    names = ", ".join(str(po) for po in catalogues)
    print(f"{len(catalogues)} catalogue(s) ({names}), {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
