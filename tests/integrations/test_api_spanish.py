"""The API in two languages: ?locale= chooses the language of pages, questions and glossary terms
(English by default), every item says its language, and a Spanish draft or private page never
shows."""

import pytest

from wagtail.models import PageViewRestriction

from tests import factories
from tests.es_pages import spanish, spanish_home, translate

pytestmark = pytest.mark.django_db


def listing(client, path: str, **params) -> list[dict]:
    """Every item of a listing, 50 at a time."""
    items = []
    while True:
        response = client.get(f"/api/v2/{path}", {"limit": 50, "offset": len(items), **params})
        assert response.status_code == 200, response.content
        data = response.json()
        items += data["items"]
        if len(items) >= data["meta"]["total_count"]:
            return items


@pytest.fixture
def pages():
    english = factories.ArticlePageFactory(title="Widget API article")
    spanish_home()
    translated = translate(english, title="Artículo widget de la API")
    draft = translate(factories.ArticlePageFactory(title="Widget API draft"), published=False, title="Borrador")
    private = translate(factories.ArticlePageFactory(title="Widget API private"), title="Privado widget")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return english, translated, draft, private


def test_pages_listing_is_english_by_default_and_spanish_on_request(client, pages):
    english, translated, draft, private = pages
    default = listing(client, "pages/", search="widget")
    assert {item["id"] for item in default} >= {english.pk} and translated.pk not in {item["id"] for item in default}
    assert {item["meta"]["locale"] for item in default} == {"en"}
    spanish_items = listing(client, "pages/", locale="es", search="widget")
    assert {item["id"] for item in spanish_items} == {translated.pk}
    assert spanish_items[0]["meta"]["locale"] == "es"
    assert spanish_items[0]["meta"]["html_url"].endswith("/es/" + translated.url.split("/es/", 1)[1])


def test_spanish_drafts_and_private_pages_never_show(client, pages):
    _english, translated, draft, private = pages
    every_spanish_id = {item["id"] for item in listing(client, "pages/", locale="es", type="education.ArticlePage")}
    assert translated.pk in every_spanish_id
    assert not every_spanish_id & {draft.pk, private.pk}
    for hidden in (draft, private):
        assert client.get(f"/api/v2/pages/{hidden.pk}/").status_code == 404
    detail = client.get(f"/api/v2/pages/{translated.pk}/").json()
    assert detail["title"] == "Artículo widget de la API" and detail["meta"]["locale"] == "es"


def test_faqs_and_glossary_answer_in_the_requested_language(client):
    english = factories.GlossaryTermFactory(term="Widget API cell")
    factories.GlossaryTermFactory(
        term="Célula widget de la API", slug=english.slug, locale=spanish(), translation_key=english.translation_key
    )
    factories.GlossaryTermFactory(term="Célula borrador", locale=spanish(), published=False)
    factories.FAQFactory(question="¿Qué es un widget?", locale=spanish(), topic__locale=spanish())
    spanish_terms = listing(client, "glossary/", locale="es")
    shown = [item["term"] for item in spanish_terms]
    assert "Célula widget de la API" in shown and "Célula borrador" not in shown and "Widget API cell" not in shown
    assert {item["meta"]["locale"] for item in spanish_terms} == {"es"}
    english_terms = listing(client, "glossary/")
    assert "Widget API cell" in [item["term"] for item in english_terms]
    assert not [item for item in english_terms if item["term"].startswith("Célula")]
    assert {item["meta"]["locale"] for item in english_terms} == {"en"}
    spanish_faqs = listing(client, "faqs/", locale="es")
    assert "¿Qué es un widget?" in [item["question"] for item in spanish_faqs]
    assert {item["meta"]["locale"] for item in spanish_faqs} == {"es"}
    english_faqs = listing(client, "faqs/")
    assert "¿Qué es un widget?" not in [item["question"] for item in english_faqs]
    assert english_faqs and {item["meta"]["locale"] for item in english_faqs} == {"en"}


@pytest.mark.parametrize("path", ["pages/", "faqs/", "glossary/"])
@pytest.mark.parametrize("code", ["fr", "xx", "ES", ""])
def test_a_language_the_portal_does_not_have_is_a_clear_400(client, path, code):
    response = client.get(f"/api/v2/{path}", {"locale": code})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "locale must be one of en, es" in response.json()["message"]


def test_translation_of_an_english_page_finds_its_public_spanish_version(client, pages):
    english, translated, _draft, private = pages
    items = listing(client, "pages/", locale="es", translation_of=english.pk)
    assert [(item["id"], item["meta"]["locale"]) for item in items] == [(translated.pk, "es")]
    english_of_private = private.get_translation(english.locale)
    assert listing(client, "pages/", locale="es", translation_of=english_of_private.pk) == []
