"""sitemap.xml lists both languages' public pages, each naming its public translations as hreflang
alternates (English as x-default); a Spanish draft or private page is neither listed nor named."""

from xml.etree import ElementTree

import pytest

from wagtail.models import PageViewRestriction

from tests import factories
from tests.es_pages import spanish_home, translate

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def sitemap(client) -> dict[str, dict[str, str]]:
    """Each listed address, with its alternates by hreflang."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    listed = {}
    for url in root.findall("sm:url", NS):
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)}
        listed[url.find("sm:loc", NS).text] = alternates
    return listed


def test_both_languages_listed_with_alternates_for_public_translations_only(client):
    english = factories.ArticlePageFactory(title="Widget sitemap article")
    alone = factories.ArticlePageFactory(title="Widget sitemap alone")
    spanish_home()
    translated = translate(english, title="Artículo widget del mapa")
    with_draft = factories.ArticlePageFactory(title="Widget sitemap with draft")
    draft = translate(with_draft, published=False, title="Borrador widget")
    with_private = factories.ArticlePageFactory(title="Widget sitemap with private")
    private = translate(with_private, title="Privado widget")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    listed = sitemap(client)
    en_url, es_url = (f"http://testserver{page.url}" for page in (english, translated))
    expected = {"en": en_url, "es": es_url, "x-default": en_url}
    assert listed[en_url] == expected and listed[es_url] == expected
    assert listed[f"http://testserver{alone.url}"] == {}
    # The Spanish draft and private page: not listed, and not named by their English pages.
    hidden = (f"/es/{with_draft.slug}/", f"/es/{with_private.slug}/")
    assert [url for url in listed if url.endswith(f"/es/{english.slug}/")] == [es_url]
    assert not [url for url in listed if url.endswith(hidden)]
    for english_page in (with_draft, with_private):
        assert listed[f"http://testserver{english_page.url}"] == {}
    assert draft.pk and private.pk
