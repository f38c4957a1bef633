"""English is complete: every Swedish msgid has an English msgstr, nothing fuzzy, and the .mo matches the .po."""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "samverkan" / "locale" / "en" / "LC_MESSAGES"


def _unquote(lines):
    """The string of a .po field: its quoted lines joined, escapes resolved, as UTF-8 text."""
    raw = "".join(re.findall(r'"(.*)"', lines))
    return raw.encode().decode("unicode_escape").encode("latin-1").decode()


def _entries():
    text = (LOCALE / "django.po").read_text()
    field = r'((?:".*"\n?)+)'
    pattern = rf"^msgid {field}(?:msgid_plural {field})?msgstr(?:\[0\])? {field}"
    for block in text.split("\n\n"):
        found = re.search(pattern, block, re.M)
        if found:
            context = re.search(r'^msgctxt "(.*)"', block, re.M)
            msgid = _unquote(found.group(1))
            # gettext keys an entry with a context (pgettext) as "context\x04msgid".
            yield block, f"{context.group(1)}\x04{msgid}" if context and msgid else msgid, _unquote(found.group(3))


def test_every_string_is_translated_and_none_is_fuzzy():
    untranslated = [msgid for block, msgid, msgstr in _entries() if msgid and not msgstr]
    fuzzy = [msgid for block, msgid, _ in _entries() if "fuzzy" in block.split("msgid")[0]]
    assert not untranslated and not fuzzy, (untranslated, fuzzy)


def test_compiled_catalogue_matches_the_source():
    catalogue = gettext.GNUTranslations(open(LOCALE / "django.mo", "rb"))
    stale = [
        msgid
        for block, msgid, msgstr in _entries()
        if msgid and "msgid_plural" not in block and catalogue.gettext(msgid) != msgstr
    ]
    assert not stale, f"run compilemessages: {stale[:5]}"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """makemessages on a copy of the code finds no msgid the catalogue lacks (a new string without English)."""
    import shutil
    import subprocess
    import sys

    package = LOCALE.parents[2]
    copy = tmp_path / "samverkan"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "migrations"))
    manage = package.parent / "manage.py"
    subprocess.run(
        [sys.executable, str(manage), "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text()
    missing = [b for b in fresh.split("\n\n") if re.search(r'^msgstr(\[0\])? ""\n(?!")', b + "\n", re.M)]
    missing = [b for b in missing if not b.startswith("# ") and 'msgid ""\nmsgstr ""\n"' not in b]
    assert not missing, "run makemessages and translate:\n" + "\n\n".join(missing[:5])
