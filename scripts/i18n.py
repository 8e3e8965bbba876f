"""Refresh the translation catalogues after changing strings.

    .venv/bin/python scripts/i18n.py

1. collects every translatable string into frontdesk/locale/{zh_Hans,zh_Hant,en}/LC_MESSAGES/django.po
   (needs GNU gettext on the developer's machine: apt-get install gettext);
2. fills each zh_Hant entry that is still empty from its zh_Hans translation with OpenCC
   (Simplified to Traditional), so a translator only reviews it;
3. compiles the .mo files, which are committed so that a fresh install needs no gettext.
Translate new zh_Hans entries by hand between steps 1 and 3 (run the script again after).
"""

import os
import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "frontdesk" / "locale"
LANGUAGES = ["zh_Hans", "zh_Hant", "en"]


def catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def collect() -> None:
    args = [sys.executable, "-m", "frontdesk", "makemessages", "--no-location", "--no-obsolete", "--ignore", "tests/*"]
    for language in LANGUAGES:
        args += ["-l", language]
    subprocess.run(args, cwd=ROOT / "frontdesk", check=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "frontdesk.settings"})


def fill_traditional() -> int:
    simplified = {e.msgid: e for e in polib.pofile(str(catalogue("zh_Hans")))}
    converter = opencc.OpenCC("s2tw")  # Taiwan standard characters: 為, 裡, 著
    traditional = polib.pofile(str(catalogue("zh_Hant")))
    filled = 0
    for entry in traditional:
        source = simplified.get(entry.msgid)
        if source is None or not source.translated():
            continue
        if entry.msgid_plural:
            if not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {k: converter.convert(v) for k, v in source.msgstr_plural.items()}
                filled += 1
        elif not entry.msgstr:
            entry.msgstr = converter.convert(source.msgstr)
            filled += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    traditional.save()
    return filled


def compile_all() -> None:
    for language in LANGUAGES:
        po = polib.pofile(str(catalogue(language)))
        po.save_as_mofile(str(catalogue(language).with_suffix(".mo")))


if __name__ == "__main__":
    if "--compile-only" not in sys.argv:
        collect()
        print(f"zh_Hant entries filled from zh_Hans: {fill_traditional()}")
    compile_all()
    for language in LANGUAGES[:2]:
        po = polib.pofile(str(catalogue(language)))
        print(f"{language}: {po.percent_translated()}% translated, {len(po.untranslated_entries())} missing")
