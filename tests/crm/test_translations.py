"""Every string has its Chinese translation, and the compiled catalogue matches the source."""

import gettext
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_source():
    """The .mo is committed (a fresh machine may lack gettext): it must be rebuilt with the .po."""
    po = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_no_string_is_missing_from_the_catalogue(tmp_path):
    """Re-extract the strings from a copy of the code: every msgid found must already be in the .po."""
    import shutil
    import subprocess
    import sys

    import pytest

    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed; .ci/run installs it")
    root = LOCALE.parents[2]
    copy = tmp_path / "src"
    shutil.copytree(
        root, copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "static", "staticfiles", "node_modules", "*.sqlite3",
                                      "__pycache__", "media"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete"],
        cwd=copy, env={"DEBUG": "1", "PATH": "/usr/bin:/bin"}, check=True, capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    known = {e.msgid for e in polib.pofile(str(LOCALE / "django.po"))}
    assert sorted(extracted - known) == [], "run `make messages` and add the Chinese translations"
