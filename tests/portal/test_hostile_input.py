"""Hostile input gets a 4xx with a clear message, never a 5xx, at every public endpoint.

The same hostile set goes into every parameter of every endpoint, into the path of the endpoints
that take one, and into every field of the feedback form. A patient who pastes something odd, or a
scanner probing the site, must get an answer a person can read, never "Sorry, something went
wrong" (and on PostgreSQL a NUL in a query used to be exactly that).
"""

import json

import pytest

from portal import faults
from tests.conftest import page_at

pytestmark = pytest.mark.django_db

# Each value as it appears in a URL query or form body: percent-escapes stand for the raw bytes.
# "{name}" is the parameter's own name, for repeating it.
HOSTILE = {
    "nul": "%00",
    "nul-in-word": "fever%00",
    "control-01": "%01",
    "control-1f": "%1F",
    "delete-7f": "%7F",
    "lone-surrogate": "%ED%A0%80",
    "invalid-utf8": "%FF",
    "10000-chars": "a" * 10_000,
    "5000-terms": "a+" * 5_000,
    "huge-integer": "99999999999999999999",
    "negative": "-1",
    "repeated": "1&{name}=2&{name}=fever",
}

# What goes into a path segment (raw bytes, as a scanner sends them, arrive the same way).
HOSTILE_SEGMENTS = {
    "nul": "%00",
    "control-01": "%01",
    "delete-7f": "%7F",
    "lone-surrogate": "%ED%A0%80",
    "invalid-utf8": "%FF",
    "10000-chars": "a" * 10_000,
    "2000-segments": "/".join(["a"] * 2_000),
    "dot-dot": "..",
    "encoded-dot-dot": "%2e%2e",
}

PAGE_API = [
    "search",
    "search_operator",
    "fields",
    "type",
    "child_of",
    "descendant_of",
    "ancestor_of",
    "translation_of",
    "limit",
    "offset",
    "order",
    "locale",
    "slug",
    "title",
    "show_in_menus",
    "id",
    "format",
]
INFOBUTTON = [
    "mainSearchCriteria.v.cs",
    "mainSearchCriteria.v.c",
    "mainSearchCriteria.v.dn",
    "informationRecipient.languageCode.c",
    "knowledgeResponseType",
    "callback",
]
# A valid Infobutton request by name (so the name is searched): each hostile value replaces one
# of these, or comes as the code.
INFOBUTTON_BASE = {
    "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90",
    "mainSearchCriteria.v.dn": "Melanoma",
    "knowledgeResponseType": "application/javascript",
    "callback": "show",
}

# Endpoint → the parameters it reads (and one it does not, which must be just as harmless).
ENDPOINTS = {
    "/en/": ["page", "unknown"],
    "/en/types/cytokines/": ["page", "unknown"],
    "/en/search/": ["q", "page", "unknown"],
    "/en/a-z/": ["unknown"],
    "/api/v2/pages/": PAGE_API,
    "/api/v2/pages/{page_id}/": ["fields", "type", "unknown"],
    "/api/v2/pages/find/": ["html_path", "id", "fields"],
    "/api/v2/faqs/": ["search", "fields", "limit", "offset", "order", "topic"],
    "/api/v2/faqs/find/": ["id"],
    "/api/v2/glossary/": ["search", "fields", "limit", "offset", "order", "term"],
    "/en/feeds/updates/": ["unknown"],
    "/en/embed/": ["unknown"],
    "/en/embed/types/cytokines/": ["unknown"],
    "/embed/host.js": ["unknown"],
    "/en/handout/types/cytokines/": ["unknown"],
    "/infobutton/service": INFOBUTTON,
    "/infobutton/application": INFOBUTTON,
    "/sitemap.xml": ["p"],
    "/robots.txt": ["unknown"],
    "/documents/{document_id}/{document_file}": ["unknown"],
    "/healthz": ["unknown"],
    "/readyz": ["unknown"],
}

PATH_TAKING = [
    "/{hostile}/",
    "/en/types/{hostile}/",
    "/api/v2/pages/{hostile}/",
    "/en/embed/{hostile}",
    "/en/handout/{hostile}",
    "/documents/{hostile}/x.pdf",
    "/documents/{document_id}/{hostile}",
    "/static/{hostile}",
    "/media/{hostile}",
]

FEEDBACK_FIELDS = ["page", "helpful", "comment", "unknown"]


def _query_cases():
    for endpoint, names in ENDPOINTS.items():
        for name in names:
            for label, value in HOSTILE.items():
                yield pytest.param(endpoint, name, value, id=f"{endpoint}?{name}={label}")


def _path_cases():
    for template in PATH_TAKING:
        for label, segment in HOSTILE_SEGMENTS.items():
            yield pytest.param(template, segment, id=f"{template.replace('{hostile}', label)}")


def _feedback_cases():
    for name in FEEDBACK_FIELDS:
        for label, value in HOSTILE.items():
            yield pytest.param(name, value, id=f"feedback:{name}={label}")


@pytest.fixture
def places():
    """Real ids for the endpoints that need one: a page and a served document."""
    from django.core.files.base import ContentFile

    from wagtail.documents.models import Document

    document = Document.objects.create(title="Leaflet", file=ContentFile(b"Leaflet text", name="leaflet.txt"))
    yield {
        "page_id": page_at("/en/types/cytokines/").pk,
        "document_id": document.pk,
        "document_file": document.filename,
    }
    document.file.delete(save=False)


@pytest.fixture(autouse=True)
def site_not_marked_down():
    """A query error must not pass for a database outage: that would answer every reader with
    the 503 for a few seconds (portal/faults.py), so one hostile request would take the site down."""
    faults._database_down_until = 0.0
    yield
    assert not faults.database_recently_failed(), "hostile input made the site answer 503 to everyone"


def assert_clear_answer(response):
    """Below 500, and an error says something a person can read: no traceback, no empty page."""
    assert response.status_code < 500, response.content[:300]
    if response.status_code < 400:
        return
    body = response.content.decode("utf-8")
    assert "Traceback" not in body
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        message = json.loads(body).get("message", "")
        assert len(message) > 10, body
    else:
        assert len(body.strip()) > 10, body


def _query_string(params: dict, name: str, value: str) -> str:
    other = "&".join(f"{key}={val}" for key, val in params.items() if key != name)
    hostile = f"{name}={value.replace('{name}', name)}"
    return f"{other}&{hostile}" if other else hostile


@pytest.mark.parametrize(("endpoint", "name", "value"), list(_query_cases()))
def test_hostile_query_parameter_is_answered_below_500(client, places, endpoint, name, value):
    client.raise_request_exception = False
    base = INFOBUTTON_BASE if endpoint.startswith("/infobutton/") else {}
    path = endpoint.format(**places)
    response = client.get(f"{path}?{_query_string(base, name, value)}")
    assert_clear_answer(response)


@pytest.mark.parametrize(("template", "segment"), list(_path_cases()))
def test_hostile_path_is_answered_below_500(client, places, template, segment):
    client.raise_request_exception = False
    response = client.get(template.format(hostile=segment, **{k: v for k, v in places.items()}))
    assert_clear_answer(response)
    assert b"DJANGO_SETTINGS_MODULE" not in response.content  # never manage.py or another source file


@pytest.mark.parametrize(("name", "value"), list(_feedback_cases()))
def test_hostile_feedback_field_is_answered_below_500(client, name, value):
    client.raise_request_exception = False
    form = {"page": str(page_at("/en/faqs/").pk), "helpful": "yes", "comment": "Clear"}
    body = _query_string(form, name, value)
    response = client.post(
        "/en/feedback/", body, content_type="application/x-www-form-urlencoded", HTTP_ORIGIN="http://testserver"
    )
    assert_clear_answer(response)


# What a refusal looks like, for the person or program that gets it.


def test_a_page_address_with_nul_gets_a_readable_400_page(client):
    response = client.get("/en/search/?q=fever%00")
    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not read that address" in html
    assert "control character (U+0000)" in html
    assert 'href="/en/"' in html  # a way back to the home page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_api_refuses_in_its_own_json_shape(client):
    response = client.get("/api/v2/pages/?search=%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "control character (U+0000)" in response.json()["message"]


def test_the_infobutton_feed_refuses_in_plain_text(client):
    response = client.get(
        "/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.dn=Mel%00"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "control character (U+0000)" in response.content.decode()


def test_broken_utf8_and_lone_surrogates_are_named(client):
    for address in ["/en/search/?q=%FF", "/en/search/?q=%ED%A0%80", "/api/v2/pages/?search=%ED%A0%80"]:
        response = client.get(address)
        assert response.status_code == 400, address
        assert "not valid UTF-8 text" in response.content.decode()


def test_a_path_in_broken_utf8_is_simply_not_found(client):
    response = client.get("/en/types/%ED%A0%80/")
    assert response.status_code == 404
    assert "We cannot find that page" in response.content.decode()


def test_a_nul_in_a_feedback_comment_is_refused_and_nothing_saved(client):
    from feedback.models import PageFeedback

    body = f"page={page_at('/en/faqs/').pk}&helpful=no&comment=Too%00long"
    response = client.post(
        "/en/feedback/", body, content_type="application/x-www-form-urlencoded", HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 400
    assert "The form contains a control character" in response.content.decode()
    assert not PageFeedback.objects.exists()


# Ordinary text, however unusual, still gets its normal answer.

LEGITIMATE_SEARCHES = [
    "inmunoterapia niños",
    "efectos secundarios más comunes",
    "😷 fever",
    "PD-1",
    "CAR-T",
    '"side effects"',
    "it's itchy",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", LEGITIMATE_SEARCHES)
def test_legitimate_search_gets_a_normal_escaped_results_page(client, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("query", LEGITIMATE_SEARCHES)
def test_legitimate_api_search_gets_results(client, query):
    response = client.get("/api/v2/pages/", {"search": query})
    assert response.status_code == 200
    assert "items" in response.json()


def test_api_search_finds_what_site_search_finds(client):
    found = {item["meta"]["html_url"] for item in client.get("/api/v2/pages/", {"search": "CAR-T"}).json()["items"]}
    assert "http://testserver/en/types/car-t-cell-therapy/" in found


def test_a_feedback_comment_over_several_lines_is_kept(client):
    from feedback.models import PageFeedback

    comment = "First line.\r\nSecond line,\twith a tab."
    response = client.post(
        "/en/feedback/",
        {"page": page_at("/en/faqs/").pk, "helpful": "no", "comment": comment},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 200
    assert PageFeedback.objects.get().comment == comment


def test_accented_infobutton_name_is_looked_up(client):
    response = client.get(
        "/infobutton/service",
        {"mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90", "mainSearchCriteria.v.dn": "Mélanome cutané"},
    )
    assert response.status_code == 200


# Bounded work at the source, whatever the guard lets through.


def test_api_search_reaches_the_backend_as_at_most_a_dozen_words(client, monkeypatch):
    from wagtail.api.v2 import filters

    asked = []
    backend = filters.get_search_backend()
    original = backend.search

    def search(query, *args, **kwargs):
        asked.append(query)
        return original(query, *args, **kwargs)

    monkeypatch.setattr(backend, "search", search)
    monkeypatch.setattr(filters, "get_search_backend", lambda: backend)
    response = client.get("/api/v2/pages/?search=" + "fever+" * 5_000)
    assert response.status_code == 200
    assert len(asked[0].split()) <= 12


def test_api_offset_past_any_database_gets_a_400_naming_it(client):
    response = client.get("/api/v2/pages/?offset=99999999999999999999")
    assert response.status_code == 400
    assert "offset" in response.json()["message"]


def test_api_unknown_format_and_find_misses_say_what_went_wrong(client):
    assert "JSON" in client.get("/api/v2/pages/?format=xml").json()["message"]
    assert "html_path" in client.get("/api/v2/pages/find/?html_path=/no-such-page/").json()["message"]
    assert client.get("/api/v2/pages/find/?id=abc").json()["message"] == "id must be a whole number"


@pytest.mark.parametrize("address", ["/static/../manage.py", "/static/%2e%2e/manage.py", "/media/../manage.py"])
def test_static_and_media_never_serve_files_from_outside(client, address):
    response = client.get(address)
    assert response.status_code in (400, 404)
    assert b"DJANGO_SETTINGS_MODULE" not in b"".join(getattr(response, "streaming_content", [response.content]))
