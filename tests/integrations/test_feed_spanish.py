"""One feed per language: English pages at /en/feeds/updates/, Spanish at /es/feeds/updates/,
each feed titled in and declaring its language; Spanish drafts and private pages never listed."""

import feedparser
import pytest

from wagtail.models import PageViewRestriction

from education.models import PortalSettings
from tests import factories
from tests.es_pages import spanish_home, translate

pytestmark = pytest.mark.django_db


def feed(client, language: str):
    response = client.get(f"/{language}/feeds/updates/")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return response, parsed


def test_each_language_has_its_own_feed(client):
    english = factories.ArticlePageFactory(title="Widget feed article")
    spanish_home()
    translated = translate(english, title="Artículo widget del canal")
    draft = translate(factories.ArticlePageFactory(title="Widget feed draft"), published=False, title="Borrador widget")
    private = translate(factories.ArticlePageFactory(title="Widget feed private"), title="Privado widget")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    response, spanish_feed = feed(client, "es")
    assert b'xml:lang="es"' in response.content
    assert "páginas nuevas y actualizadas" in spanish_feed.feed.title
    assert spanish_feed.feed.subtitle == PortalSettings.objects.get().standard_note_es
    links = [entry.link for entry in spanish_feed.entries]
    assert f"http://testserver{translated.url}" in links
    assert all("/es/" in link for link in links)
    titles = {entry.title for entry in spanish_feed.entries}
    assert not titles & {draft.title, private.title, english.title}

    response, english_feed = feed(client, "en")
    assert b'xml:lang="en"' in response.content
    assert english_feed.feed.title.endswith("new and updated pages")
    english_links = [entry.link for entry in english_feed.entries]
    assert f"http://testserver{english.url}" in english_links
    assert not [link for link in english_links if "/es/" in link]
