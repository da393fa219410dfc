"""The read-only JSON API: live public content only, HTML not Wagtail's storage format,
sane limits, caching headers, CORS for the allowlist only, clear 400s."""

import pytest

from wagtail.models import PageViewRestriction

from education.models import FAQ, GlossaryTerm
from integrations.models import EmbedSettings
from tests import factories
from tests.conftest import as_signed_off

pytestmark = pytest.mark.django_db


def api(client, path: str, **params):
    response = client.get(f"/api/v2/{path}", params)
    return response, (response.json() if response["Content-Type"].startswith("application/json") else None)


def every_item(client, path: str, **params) -> list[dict]:
    """All items of a listing, a page of 50 (the most the API gives) at a time."""
    items, offset = [], 0
    while True:
        response, data = api(client, path, limit=50, offset=offset, **params)
        assert response.status_code == 200, data
        items += data["items"]
        offset += 50
        if offset >= data["meta"]["total_count"]:
            return items


def test_page_detail_has_summary_html_body_dates_references_and_terms(client):
    factories.GlossaryTermFactory(term="Widget cell")
    source = factories.ReferenceFactory(key="TESTAPI2024", doi="10.5555/api.2024")
    target = factories.ArticlePageFactory()
    page = factories.TherapyTypePageFactory(
        parent=factories.SectionPageFactory(title="Widget treatments"),
        title="Widget therapy",
        how_it_works=f'<p>It wakes up a Widget cell. <a linktype="page" id="{target.pk}">Read more</a>.</p>',
        serious_side_effects__0__urgent__level="emergency",
        body__0__text__value="<p>Each Widget cell has a job.</p>",
        references=[("reference", source)],
    )
    response, data = api(client, f"pages/{page.pk}/")
    assert response.status_code == 200
    assert data["summary"] == page.search_description
    assert data["meta"]["html_url"] == "http://testserver/en/widget-treatments/widget-therapy/"
    assert data["last_reviewed"] is None and data["reviewed_by"] == ""  # published without sign-off
    page = as_signed_off(page.url.removeprefix("/en"))
    data = api(client, f"pages/{page.pk}/")[1]
    assert data["last_reviewed"] == page.last_reviewed.isoformat() == "2026-11-20"
    assert data["next_review_due"] == page.next_review_due.isoformat()
    assert any(ref["key"] == "TESTAPI2024" and ref["doi"] == "10.5555/api.2024" for ref in data["references"])
    assert {"term", "slug", "definition"} <= set(data["glossary_terms"][0])
    assert "widget-cell" in [term["slug"] for term in data["glossary_terms"]]
    assert "<p>" in data["how_it_works"] and 'linktype="page"' not in data["how_it_works"]
    assert f'href="{target.url}"' in data["how_it_works"]
    assert 'class="urgent urgent--emergency"' in data["serious_side_effects"]


def test_rich_text_links_are_resolved_not_internal(client):
    target = factories.ArticlePageFactory()
    page = factories.ArticlePageFactory(
        body__0__text__value=f'<p>See <a linktype="page" id="{target.pk}">this</a>.</p>'
    )
    _, data = api(client, f"pages/{page.pk}/")
    assert 'linktype="page"' not in data["body"]
    assert f'href="{target.url}"' in data["body"]


def test_listing_is_paginated_with_a_maximum(client):
    for _ in range(6):
        factories.ArticlePageFactory()
    response, data = api(client, "pages/", limit=5)
    assert response.status_code == 200 and len(data["items"]) == 5
    response, data = api(client, "pages/", limit=1000)
    assert response.status_code == 400 and "limit" in data["message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "abc"}, "limit must be a positive integer"),
        ({"fields": "no_such_field"}, "unknown fields: no_such_field"),
        ({"type": "nope.Nope"}, "type doesn't exist"),
        ({"order": "password"}, "cannot order by 'password'"),
        ({"colour": "blue"}, "query parameter is not an operation or a recognised field: colour"),
    ],
)
def test_invalid_parameters_get_a_400_with_a_message(client, params, message):
    response, data = api(client, "pages/", **params)
    assert response.status_code == 400
    assert message in data["message"]


def test_faq_and_glossary_endpoints(client):
    target = factories.ArticlePageFactory()
    factories.FAQFactory(answer=f'<p>Read <a linktype="page" id="{target.pk}">this page</a>.</p>')
    factories.FAQFactory(question="Is this question a draft?", published=False)
    factories.GlossaryTermFactory(term="Widget cell")
    factories.GlossaryTermFactory(term="Widget draft", published=False)
    _, faqs = api(client, "faqs/", limit=50)
    assert faqs["meta"]["total_count"] == FAQ.objects.live().filter(locale__language_code="en").count()
    assert {"question", "answer", "topic"} <= set(faqs["items"][0])
    every_faq = every_item(client, "faqs/")
    answers = "".join(item["answer"] for item in every_faq)
    assert 'linktype="page"' not in answers and f'href="{target.url}"' in answers
    assert "Is this question a draft?" not in [item["question"] for item in every_faq]
    _, terms = api(client, "glossary/", limit=50)
    assert terms["meta"]["total_count"] == GlossaryTerm.objects.live().filter(locale__language_code="en").count()
    assert {"term", "slug", "definition"} <= set(terms["items"][0])


def test_only_live_public_pages_ever_appear(client):
    edited = factories.ArticlePageFactory(title="Widget benefits")
    edited.title = "Widget benefits API-DRAFT-MARKER"
    edited.save_revision()
    unpublished = factories.ArticlePageFactory(title="Widget aftercare")
    unpublished.unpublish()
    restricted_section = factories.SectionPageFactory(title="Widget uses")
    hidden = factories.ArticlePageFactory(parent=restricted_section, title="Widget hidden use")
    PageViewRestriction.objects.create(page=restricted_section, restriction_type="login")
    items = every_item(client, "pages/", fields="title")
    titles = [item["title"] for item in items]
    paths = [item["meta"]["html_url"] for item in items]
    assert "Widget benefits API-DRAFT-MARKER" not in titles and "Widget benefits" in titles
    assert not any("widget-aftercare" in path or "widget-uses" in path for path in paths)
    assert api(client, f"pages/{hidden.pk}/")[0].status_code == 404
    assert "API-DRAFT-MARKER" not in client.get("/api/v2/pages/", {"search": "API-DRAFT-MARKER"}).content.decode()


def test_etag_and_last_modified_give_304(client):
    response = client.get("/api/v2/pages/")
    assert response["ETag"] and response["Last-Modified"]
    again = client.get("/api/v2/pages/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_cors_only_for_allowlisted_origins_and_never_credentials(client):
    settings = EmbedSettings.load()
    settings.allowed_origins = "https://intranet.example.org"
    settings.save()
    allowed = client.get("/api/v2/pages/", HTTP_ORIGIN="https://intranet.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://intranet.example.org"
    assert "Access-Control-Allow-Credentials" not in allowed
    assert "Origin" in allowed["Vary"]
    other = client.get("/api/v2/pages/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
