"""The Spanish catalogue (locale/es/LC_MESSAGES): complete, compiled, and in step with the code.

A Spanish reader must never meet an English sentence in the interface because someone added
text and forgot the catalogue, nor a sentence whose phone number or link was lost in translation.
"""

import gettext
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
import yaml

from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from education.models import PortalSettings

ROOT = Path(settings.BASE_DIR)
PO_PATH = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# What `make messages` leaves out of the search (keep the two lists in step).
NOT_SEARCHED = {".git", ".venv", "node_modules", "staticfiles", "tests", "bench", "tooling", "locale"}
# The kinds of file makemessages reads.
SEARCHED_SUFFIXES = {".py", ".html", ".txt"}

# %(name)s and its kin, in Python's and in the templates' (blocktranslate) strings.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgG]")
TAG = re.compile(r"</?[a-z][^>]*>")


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = catalogue()
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy: msgfmt would drop the plural rule"
    assert po.metadata["Language"] == "es"
    assert len(po) > 200
    untranslated = [entry.msgid for entry in po if not all(translations(entry))]
    fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags]
    assert untranslated == [], "run `make messages` and translate these"
    assert fuzzy == [], "check these translations and remove the fuzzy flag"


def test_translations_keep_every_placeholder_and_tag():
    """A lost %(number)s is a lost phone number; a changed <a href=…> is a broken link."""
    wrong = []
    for entry in catalogue():
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        wanted_placeholders = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        wanted_tags = sorted(TAG.findall(entry.msgid))
        for text in translations(entry):
            if (
                sorted(set(PLACEHOLDER.findall(text))) != wanted_placeholders
                or sorted(TAG.findall(text)) != wanted_tags
            ):
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file():
    """The .mo the server reads says what the .po says: run `make messages` after editing it."""
    with MO_PATH.open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)._catalog
    expected = {}
    for entry in catalogue():
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(key(entry), int(index))] = text
        else:
            expected[key(entry)] = entry.msgstr
    compiled_messages = {message: text for message, text in mo.items() if message != ""}
    assert compiled_messages == expected


def _gettext_available() -> None:
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return
    reason = "GNU gettext (xgettext, msgmerge) is not installed: apt-get install gettext"
    if os.environ.get("PORTAL_REQUIRE_GETTEXT") == "1":
        pytest.fail(f"{reason}; PORTAL_REQUIRE_GETTEXT=1 is set, so this is an error.", pytrace=False)
    pytest.skip(reason)


def _not_searched(directory: str, names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if name in NOT_SEARCHED or (Path(directory, name).is_file() and Path(name).suffix not in SEARCHED_SUFFIXES)
    ]


def test_catalogue_holds_every_string_the_code_marks(tmp_path, monkeypatch):
    """makemessages over a copy of the code finds nothing the checked-in catalogue lacks."""
    _gettext_available()
    copy = tmp_path / "portal"
    shutil.copytree(ROOT, copy, ignore=_not_searched)
    shutil.copytree(PO_PATH.parent, copy / "locale" / "es" / "LC_MESSAGES")
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["es"], verbosity=0)
    regenerated = polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    checked_in = {key(entry) for entry in catalogue()}
    missing = [key(entry) for entry in regenerated if not entry.obsolete and key(entry) not in checked_in]
    assert missing == [], "run `make messages` and translate the new entries"
    # The check can fail: the copy's catalogue really came from the marked strings.
    assert "Skip to main content" in {entry.msgid for entry in regenerated if not entry.obsolete}


def test_search_form_speaks_the_active_language():
    english = render_to_string("components/search_form.html", {"id_suffix": "test"})
    with translation.override("es"):
        spanish = render_to_string("components/search_form.html", {"id_suffix": "test"})
    assert ">Search this site</label>" in english and ">Search</button>" in english
    assert ">Buscar en este sitio</label>" in spanish and ">Buscar</button>" in spanish
    assert "Search" not in spanish


def _standard_note(portal: PortalSettings) -> str:
    return render_to_string("components/standard_note.html", {"settings": {"education": {"PortalSettings": portal}}})


def test_standard_note_is_shown_in_the_readers_language():
    portal = PortalSettings(standard_note="Ask your care team.", standard_note_es="Pregunte a su equipo de atención.")
    assert "Ask your care team." in _standard_note(portal)
    with translation.override("es"):
        spanish = _standard_note(portal)
        assert "Pregunte a su equipo de atención." in spanish and "Ask your care team." not in spanish
        assert 'aria-label="Sobre esta información"' in spanish
        portal.standard_note_es = ""
        assert "Ask your care team." in _standard_note(portal), "no Spanish note: the English one, never none"


def test_the_content_files_ship_the_note_and_contact_sentence_in_spanish():
    """Shown on every page: site.yaml gives each its Spanish version."""
    site = yaml.safe_load((ROOT / "education" / "content" / "site.yaml").read_text())
    for field in ("standard_note", "care_team_contact_text"):
        assert site.get(f"{field}_es", "").strip(), f"site.yaml has no {field}_es"


def test_search_results_count_uses_the_spanish_plural():
    with translation.override("es"):
        one = translation.ngettext("%(counter)s result for %(text)s", "%(counter)s results for %(text)s", 1)
        many = translation.ngettext("%(counter)s result for %(text)s", "%(counter)s results for %(text)s", 7)
    assert one % {"counter": 1, "text": "fiebre"} == "1 resultado para fiebre"
    assert many % {"counter": 7, "text": "fiebre"} == "7 resultados para fiebre"
