"""Search in Spanish: /es/search/ finds Spanish pages, questions and glossary terms only, with
Spanish synonyms and accents optional; /en/search/ never shows a Spanish page. On PostgreSQL,
Spanish is stemmed as Spanish ('tratamientos' finds 'tratamiento')."""

import pytest

from django.db import connection

from wagtail.models import PageViewRestriction

from education.models import FAQIndexPage, GlossaryPage
from search.models import SearchSynonym
from search.query import clean, expand_synonyms, restore_accents
from tests import factories
from tests.es_pages import spanish, spanish_home, translate

pytestmark = pytest.mark.django_db


def found(client, language: str, query: str) -> list[str]:
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return [result.url for result in response.context["results"] or []]


@pytest.fixture
def article():
    """An English article and its Spanish translation, each with a word of its own."""
    english = factories.ArticlePageFactory(title="Zorblax fever care", search_description="English zorblax words.")
    spanish_home()
    return english, translate(english, title="Cuidados de la fiebre zorblax", search_description="Palabras zorblax.")


def test_each_language_finds_only_its_own_pages(client, article):
    english, translated = article
    assert translated.url.startswith("/es/") and english.url.startswith("/en/")
    assert found(client, "es", "zorblax") == [translated.url]
    assert found(client, "en", "zorblax") == [english.url]
    # A word only the Spanish page has finds nothing in English.
    assert found(client, "en", "cuidados fiebre") == []


def test_draft_and_private_spanish_pages_are_never_found(client, article):
    english, translated = article
    draft = translate(factories.ArticlePageFactory(title="Zorblax draft"), published=False, title="Borrador zorblax")
    private = translate(factories.ArticlePageFactory(title="Zorblax private"), title="Privada zorblax")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    results = found(client, "es", "zorblax borrador privada")
    assert translated.url in results
    assert draft.pk and private.url not in results and len(results) == 1


def test_spanish_questions_and_glossary_terms_show_only_in_spanish(client):
    spanish_home()
    for model in (FAQIndexPage, GlossaryPage):
        english_page = model.objects.live().filter(locale__language_code="en").first()
        if english_page.get_translation_or_none(spanish()) is None:
            translate(english_page)
    english_term = factories.GlossaryTermFactory(term="Zorblax cell", definition="An invented cell.")
    spanish_term = factories.GlossaryTermFactory(
        term="Célula zorblax",
        slug=english_term.slug,
        definition="Una célula inventada.",
        locale=spanish(),
        translation_key=english_term.translation_key,
    )
    question = factories.FAQFactory(
        question="¿Qué es la célula zorblax?", answer="<p>Una prueba.</p>", locale=spanish(), topic__locale=spanish()
    )
    # One rare word: the loaded Spanish glossary has many "célula" terms of its own.
    spanish_response = client.get("/es/search/", {"q": "zorblax"})
    lines = {(line.kind, line.title) for line in spanish_response.context["results"]}
    assert ("Word list", spanish_term.term) in lines and ("Question", question.question) in lines
    assert ("Word list", english_term.term) not in lines
    english_lines = {
        (line.kind, line.title) for line in client.get("/en/search/", {"q": "zorblax cell"}).context["results"]
    }
    assert ("Word list", english_term.term) in english_lines
    assert not {title for _kind, title in english_lines} & {spanish_term.term, question.question}


def test_spanish_synonyms_expand_spanish_searches_only(client, article):
    english, translated = article
    # Seeded by migration 0006: both ways round.
    assert SearchSynonym.objects.filter(language="es", term="terapia inmunitaria", expansion="inmunoterapia").exists()
    SearchSynonym.objects.create(language="es", term="quemazón", expansion="zorblax")
    assert found(client, "es", "quemazón") == [translated.url]
    assert found(client, "en", "quemazón") == []
    # Typed without its accent, the synonym still applies.
    assert found(client, "es", "quemazon") == [translated.url]


def test_spanish_queries_find_words_written_with_accents():
    query = clean("celula T linfocito")
    restore_accents(query, {"célula", "t", "linfocito", "células"})
    assert query.words == ["célula", "T", "linfocito"]
    query = clean("celula t")
    expand_synonyms(query, {"célula t": "linfocito t"}, accents_matter=False)
    assert query.expansions == ["linfocito", "t"]
    english = clean("celula t")
    expand_synonyms(english, {"célula t": "linfocito t"})
    assert english.expansions == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's text search")
def test_spanish_is_stemmed_as_spanish_on_postgresql(client):
    spanish_home()
    english = factories.ArticlePageFactory(title="Zorblax treatment")
    translated = translate(english, title="El tratamiento zorblax", search_description="Una célula inventada.")
    # Plural to singular: Spanish stemming ('tratamient'); the English stemmer would keep the 'o'.
    assert translated.url in found(client, "es", "tratamientos")
    # No accent typed: the site's accented word is searched.
    assert translated.url in found(client, "es", "celula")
    # English is still stemmed as English.
    assert english.url in found(client, "en", "treatments")
