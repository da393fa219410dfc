"""The Spanish pages as a Spanish-speaking reader meets them: every page the issue names is there,
reads plainly by the Spanish formulas, keeps every urgent instruction of its English page at the
same urgency, and carries the Spanish care-team note and the way to urgent help."""

import re

import pytest

from django.conf import settings

from wagtail.models import Locale, Page

from education.loader import ContentReader
from education.management.commands.load_content import DEFAULT_CONTENT_DIR
from education.models import FAQ, GlossaryTerm, PortalSettings
from education.page_text import MIN_SPANISH_EASE, excluded_terms, page_text
from education.readability import score_spanish_text
from education.translations import translation_status

pytestmark = pytest.mark.django_db

SPANISH = next(
    content for content in ContentReader(DEFAULT_CONTENT_DIR).read().translations if content.language == "es"
)
TRANSLATED = sorted(spec.url_path for spec in SPANISH.pages)

# What the issue asks to be in Spanish at least (the English addresses).
REQUIRED = [
    "/",
    "/what-is-immunotherapy/",
    "/how-it-works/",
    "/types/checkpoint-inhibitors/",
    "/types/car-t-cell-therapy/",
    "/types/monoclonal-antibodies/",
    "/types/cancer-vaccines/",
    "/types/cytokines/",
    "/side-effects-and-monitoring/",
    "/get-help-now/",
    "/after-treatment/",
    "/faqs/",
    "/glossary/",
    "/alert-card/",
]


def english_page(english_path: str) -> Page:
    home = Page.objects.get(depth=2, locale__language_code=settings.LANGUAGE_CODE)
    return Page.objects.get(url_path=home.url_path + english_path.lstrip("/")).specific


def spanish_page(english_path: str) -> Page:
    return english_page(english_path).get_translation(Locale.objects.get(language_code="es")).specific


def test_every_page_the_issue_names_is_in_spanish():
    assert sorted(set(REQUIRED) - set(TRANSLATED)) == []


def test_every_question_and_glossary_term_is_in_spanish():
    for model in (FAQ, GlossaryTerm):
        english = set(model.objects.live().filter(locale__language_code="en").values_list("translation_key", flat=True))
        spanish = set(model.objects.live().filter(locale__language_code="es").values_list("translation_key", flat=True))
        assert english - spanish == set(), f"{model._meta.verbose_name} without a Spanish version"


@pytest.mark.parametrize("english_path", TRANSLATED)
def test_spanish_page_reads_plainly(english_path):
    page = spanish_page(english_path)
    scores = score_spanish_text(page_text(page), excluded_terms(page))
    hardest = "\n  ".join(scores.hardest_sentences[:3])
    assert scores.words > 0
    for formula, floor in MIN_SPANISH_EASE.items():
        assert getattr(scores, formula) >= floor, f"{formula} {getattr(scores, formula)}; hardest:\n  {hardest}"


def _urgency_levels(page: Page) -> list[str]:
    """The urgency of every instruction on the page, in order: callouts and symptom-table rows."""
    levels = []
    streams = [page.body, getattr(page, "serious_side_effects", [])]
    for stream in streams:
        for block in stream:
            if block.block_type == "urgent":
                levels.append(block.value["level"])
            elif block.block_type == "symptom_table":
                levels.extend(row["urgency"] for row in block.value["rows"])
    return levels


@pytest.mark.parametrize("english_path", TRANSLATED)
def test_spanish_page_keeps_every_urgent_instruction_at_its_urgency(english_path):
    assert _urgency_levels(spanish_page(english_path)) == _urgency_levels(english_page(english_path))


@pytest.mark.parametrize("english_path", TRANSLATED)
def test_spanish_page_is_spanish_for_the_reader(client, english_path):
    page = spanish_page(english_path)
    assert page.url.startswith("/es/")
    html = client.get(page.url).content.decode()
    assert '<html lang="es"' in html
    note = " ".join(PortalSettings.objects.get().standard_note_es.split())
    assert note in " ".join(html.split())
    help_page = spanish_page("/get-help-now/")
    assert f'href="{help_page.url}"' in html, "the way to urgent help leads to the Spanish page"
    assert len(re.findall(r"<h1[\s>]", html)) == 1


@pytest.mark.parametrize("english_path", TRANSLATED)
def test_loaded_translation_names_the_english_version_it_came_from(english_path):
    status = translation_status(spanish_page(english_path))
    assert status is not None and not status.stale
    assert status.translated_on is not None
    assert status.english_url == f"/{settings.LANGUAGE_CODE}{english_path}"


def test_a_spanish_pages_structured_data_says_it_is_in_spanish(client):
    html = client.get(spanish_page("/types/checkpoint-inhibitors/").url).content.decode()
    assert '"inLanguage": "es"' in html
    assert '"inLanguage": "en"' in client.get("/en/types/checkpoint-inhibitors/").content.decode()


def test_links_from_a_spanish_page_to_english_only_pages_say_so(client):
    """Related pages and cards that have no Spanish version yet are marked as English, for the
    reader and for a screen reader's voice."""
    html = client.get(spanish_page("/types/checkpoint-inhibitors/").url).content.decode()
    english_only = re.findall(r'<li[^>]* lang="en">\s*(?:<h\d[^>]*>)?<a href="(/en/[^"]+)" hreflang="en">', html)
    assert "/en/where-it-is-used/cancer/" in english_only
    assert html.count("(en inglés)") >= len(english_only)
    spanish_links = re.findall(r'<a href="(/es/[^"]+)" hreflang="en"', html)
    assert spanish_links == []


def test_the_spanish_alert_card_sends_a_doctor_to_the_spanish_clinicians_page(client):
    card = spanish_page("/alert-card/")
    clinicians = spanish_page("/alert-card/for-clinicians/")
    html = client.get(card.url).content.decode()
    assert f"testserver{clinicians.url}" in html, "the card prints the Spanish clinicians' page's address"
    assert "/en/alert-card/for-clinicians/" not in html


def test_the_handout_of_a_spanish_page_prints_in_spanish(client):
    page = spanish_page("/types/checkpoint-inhibitors/")
    response = client.get(f"/es/handout/{page.url.removeprefix('/es/')}")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="es">' in html
    assert page.title in html and "No reemplaza los consejos" in html
    assert f'href="{spanish_page("/get-help-now/").url}"' in html
