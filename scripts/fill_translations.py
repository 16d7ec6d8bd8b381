"""Fill empty msgstr entries of the Chinese catalogue from a JSON map {msgid: msgstr}, then compile.

    .venv/bin/python scripts/fill_translations.py translations.json
    .venv/bin/python scripts/fill_translations.py --from other/django.po   # take them from another catalogue

Used after `make messages` (which adds new msgids with empty translations) and when merging branches whose
catalogues both grew: regenerate, then fill from each branch's .po.

Entries are matched on (context, msgid): a JSON key "context\\u0004msgid" (gettext's own separator) names a
`pgettext` entry, a plain key an entry without context. A plural entry takes a list [singular, plural] in JSON
(Chinese has one form: both are the same text) or the other catalogue's forms.
"""

import json
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SEPARATOR = "\x04"


def _key(entry) -> str:
    return f"{entry.msgctxt}{SEPARATOR}{entry.msgid}" if entry.msgctxt else entry.msgid


def main(argv: list[str]) -> int:
    known: dict[str, str | list[str]] = {}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--from":
            for entry in polib.pofile(args.pop(0)).translated_entries():
                if entry.msgid_plural:
                    known.setdefault(_key(entry), [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)])
                else:
                    known.setdefault(_key(entry), entry.msgstr)
        else:
            known.update(json.loads(Path(arg).read_text(encoding="utf-8")))
    po = polib.pofile(str(CATALOGUE))
    missing = []
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgctxt = None
            entry.msgstr = ""
            if entry.msgid_plural:
                entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
        found = known.get(_key(entry))
        if entry.msgid_plural:
            if not any(entry.msgstr_plural.values()):
                forms = [found] if isinstance(found, str) else list(found or [])
                if forms:
                    entry.msgstr_plural = {0: forms[0]}  # Chinese: one plural form
                else:
                    missing.append(_key(entry))
        elif not entry.msgstr:
            entry.msgstr = found if isinstance(found, str) else ""
            if not entry.msgstr:
                missing.append(_key(entry))
    po.save()
    po.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    for msgid in missing:
        print("untranslated:", msgid.replace(SEPARATOR, " | "))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
