"""Fill empty msgstr entries of the Chinese catalogue from a JSON map {msgid: msgstr}, then compile.

    .venv/bin/python scripts/fill_translations.py translations.json
    .venv/bin/python scripts/fill_translations.py --from other/django.po   # take them from another catalogue

Used after `make messages` (which adds new msgids with empty translations) and when merging branches whose
catalogues both grew: regenerate, then fill from each branch's .po.
"""

import json
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main(argv: list[str]) -> int:
    known: dict[str, str] = {}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--from":
            for entry in polib.pofile(args.pop(0)).translated_entries():
                if not entry.msgid_plural:
                    known.setdefault(entry.msgid, entry.msgstr)
        else:
            known.update(json.loads(Path(arg).read_text(encoding="utf-8")))
    po = polib.pofile(str(CATALOGUE))
    missing = []
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = known.get(entry.msgid, "")
            entry.previous_msgid = None
        if not entry.msgstr and not entry.msgid_plural:
            entry.msgstr = known.get(entry.msgid, "")
            if not entry.msgstr:
                missing.append(entry.msgid)
    po.save()
    po.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
