"""Infobutton in Spanish: informationRecipient.languageCode.c=es (es-ES, es-US) answers with each
page's public Spanish translation, and with the English page marked 'Solo disponible en inglés'
where there is none; a Spanish draft or private page is never given."""

import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest

from wagtail.models import PageViewRestriction

from integrations.infobutton import LANGUAGE_SCHEME
from tests import factories
from tests.es_pages import spanish_home, translate

# What a Spanish-speaking recipient reads beside an English-only page.
ONLY_IN_ENGLISH = "Solo disponible en inglés."

pytestmark = pytest.mark.django_db
ICD10CM = "2.16.840.1.113883.6.90"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def ask(client, code: str, language: str | None = None, **extra):
    params = {"mainSearchCriteria.v.cs": ICD10CM, "mainSearchCriteria.v.c": code, **extra}
    if language:
        params["informationRecipient.languageCode.c"] = language
    response = client.get(f"/infobutton/service?{urlencode(params)}")
    assert response.status_code == 200
    return response


@pytest.fixture
def conditions():
    """A condition page with a Spanish translation, one without, one whose translation is a draft
    and one whose translation is private: each coded Z98.1x."""
    section = factories.SectionPageFactory(title="Widget conditions")
    spanish_home()
    translate(section, title="Afecciones widget")

    def condition(title, code):
        return factories.ConditionPageFactory(
            parent=section, title=title, clinical_codes__0__code__code=code, clinical_codes__0__code__display=title
        )

    translated = condition("Widget fever", "Z98.11")
    english_only = condition("Widget rash", "Z98.12")
    with_draft = condition("Widget cough", "Z98.13")
    with_private = condition("Widget ache", "Z98.14")
    spanish = translate(translated, title="Fiebre widget", search_description="Un resumen en español.")
    translate(with_draft, published=False, title="Tos widget")
    private = translate(with_private, title="Dolor widget")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return {
        "translated": (translated, spanish),
        "english_only": english_only,
        "draft": with_draft,
        "private": with_private,
    }


@pytest.mark.parametrize("language", ["es", "es-ES", "es-US", "ES"])
def test_spanish_recipient_gets_the_spanish_page(client, conditions, language):
    english, spanish = conditions["translated"]
    root = ElementTree.fromstring(ask(client, "Z98.11", language).content)
    assert root.get(XML_LANG) == "es"
    assert root.find(f"{ATOM}title").text == "Información para pacientes sobre la inmunoterapia"
    entry = root.find(f"{ATOM}entry")
    assert entry.get(XML_LANG) == "es"
    assert entry.find(f"{ATOM}title").text == "Fiebre widget"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{spanish.url}"
    assert entry.find(f"{ATOM}link").get("hreflang") == "es"
    assert entry.find(f"{ATOM}summary").text == "Un resumen en español."
    assert entry.find(f"{ATOM}category") is None


@pytest.mark.parametrize("which", ["english_only", "draft", "private"])
def test_without_a_public_spanish_page_the_english_one_is_marked(client, conditions, which):
    english = conditions[which]
    root = ElementTree.fromstring(ask(client, english.codes_for("icd10cm")[0], "es").content)
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.get(XML_LANG) == "en"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{english.url}"
    assert entry.find(f"{ATOM}title").text == english.title
    assert entry.find(f"{ATOM}summary").text.startswith(ONLY_IN_ENGLISH)
    category = entry.find(f"{ATOM}category")
    assert (category.get("scheme"), category.get("term"), category.get("label")) == (
        LANGUAGE_SCHEME,
        "en",
        ONLY_IN_ENGLISH,
    )
    assert not [link for link in root.iter(f"{ATOM}link") if "/es/" in link.get("href")], "no Spanish page leaks"


def test_json_answer_carries_the_same_languages(client, conditions):
    english, spanish = conditions["translated"]
    by_title = {}
    for code in ("Z98.11", "Z98.12", "Z98.13", "Z98.14"):
        feed = json.loads(ask(client, code, "es", knowledgeResponseType="application/json").content)["feed"]
        assert feed["xml:lang"] == "es"
        by_title.update({entry["title"]["_value"]: entry for entry in feed["entry"]})
    assert by_title["Fiebre widget"]["xml:lang"] == "es" and "category" not in by_title["Fiebre widget"]
    rash = by_title["Widget rash"]
    assert rash["xml:lang"] == "en" and rash["summary"]["_value"].startswith(ONLY_IN_ENGLISH)
    assert rash["category"] == [{"scheme": LANGUAGE_SCHEME, "term": "en", "label": ONLY_IN_ENGLISH}]
    assert not {"Tos widget", "Dolor widget", english.title} & set(by_title)


def test_english_and_other_languages_are_answered_in_english(client, conditions):
    english, _spanish = conditions["translated"]
    for language in (None, "en", "fr"):
        root = ElementTree.fromstring(ask(client, "Z98.11", language).content)
        assert root.get(XML_LANG) == "en"
        entry = root.find(f"{ATOM}entry")
        assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{english.url}"
        assert entry.find(f"{ATOM}category") is None
