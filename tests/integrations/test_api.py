"""The read-only JSON API: live public content only, HTML not Wagtail's storage format,
sane limits, caching headers, CORS for the allowlist only, clear 400s."""

import pytest

from wagtail.models import PageViewRestriction

from integrations.models import EmbedSettings
from tests.conftest import as_signed_off, page_at

pytestmark = pytest.mark.django_db


def api(client, path: str, **params):
    response = client.get(f"/api/v2/{path}", params)
    return response, (response.json() if response["Content-Type"].startswith("application/json") else None)


def test_page_detail_has_summary_html_body_dates_references_and_terms(client):
    page = page_at("/types/checkpoint-inhibitors/")
    response, data = api(client, f"pages/{page.pk}/")
    assert response.status_code == 200
    assert data["summary"] == page.search_description
    assert data["meta"]["html_url"] == "http://testserver/types/checkpoint-inhibitors/"
    assert data["last_reviewed"] is None and data["reviewed_by"] == ""  # loaded content: no sign-off
    page = as_signed_off("/types/checkpoint-inhibitors/")
    data = api(client, f"pages/{page.pk}/")[1]
    assert data["last_reviewed"] == page.last_reviewed.isoformat() == "2026-11-20"
    assert data["next_review_due"] == page.next_review_due.isoformat()
    assert any(ref["key"] == "IBIS2023" and ref["doi"] == "10.3389/fimmu.2023.1197364" for ref in data["references"])
    assert {"term", "slug", "definition"} <= set(data["glossary_terms"][0])
    assert "<p>" in data["how_it_works"] and 'linktype="page"' not in data["how_it_works"]
    assert 'class="urgent urgent--emergency"' in data["serious_side_effects"]


def test_rich_text_links_are_resolved_not_internal(client):
    page = page_at("/what-is-immunotherapy/")
    _, data = api(client, f"pages/{page.pk}/")
    assert 'linktype="page"' not in data["body"]
    assert 'href="/how-it-works/"' in data["body"] or 'href="/types/"' in data["body"]


def test_listing_is_paginated_with_a_maximum(client):
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
    _, faqs = api(client, "faqs/", limit=50)
    assert faqs["meta"]["total_count"] >= 25
    assert {"question", "answer", "topic"} <= set(faqs["items"][0])
    assert 'linktype="page"' not in "".join(item["answer"] for item in faqs["items"])
    _, terms = api(client, "glossary/", limit=50)
    assert terms["meta"]["total_count"] >= 35
    assert {"term", "slug", "definition"} <= set(terms["items"][0])


def test_only_live_public_pages_ever_appear(client):
    draft = page_at("/benefits-and-limits/")
    draft.title = "Benefits API-DRAFT-MARKER"
    draft.save_revision()
    page_at("/after-treatment/").unpublish()
    PageViewRestriction.objects.create(page=page_at("/where-it-is-used/"), restriction_type="login")
    _, data = api(client, "pages/", limit=50, fields="title")
    titles = [item["title"] for item in data["items"]]
    paths = [item["meta"]["html_url"] for item in data["items"]]
    assert "Benefits API-DRAFT-MARKER" not in titles and "Benefits and limits" in titles
    assert not any("after-treatment" in path or "where-it-is-used" in path for path in paths)
    hidden = page_at("/where-it-is-used/cancer/")
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
