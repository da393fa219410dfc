"""A page's own body is kept across other pages' publishes, and is still never stale: a new
address or an unpublished page reaches every link to it, and listings inside a body follow."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from education.templatetags import education_tags
from tests.conftest import page_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def body_renders(monkeypatch):
    """How many page bodies were rendered (glossary marking runs once per body render)."""
    calls = []
    real = education_tags.mark_terms

    def counting(html, matcher):
        calls.append(1)
        return real(html, matcher)

    monkeypatch.setattr(education_tags, "mark_terms", counting)
    return calls


def publish(path: str, **changes) -> None:
    page = page_at(path)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


def test_publishing_one_page_leaves_other_bodies_rendered_but_menus_change(client, body_renders):
    client.get("/types/monoclonal-antibodies/")
    publish("/what-is-immunotherapy/", title="What immunotherapy is (new title)")
    body_renders.clear()
    html = client.get("/types/monoclonal-antibodies/").content.decode()
    assert "What immunotherapy is (new title)" in html  # the menu, rendered again
    assert body_renders == []  # the body, kept
    assert "What immunotherapy is (new title)" in client.get("/what-is-immunotherapy/").content.decode()
    assert body_renders == [1]  # the published page's own body is new


def test_a_new_address_reaches_links_in_other_pages_bodies(client):
    assert 'href="/types/checkpoint-inhibitors/"' in client.get("/types/monoclonal-antibodies/").content.decode()
    publish("/types/checkpoint-inhibitors/", slug="checkpoint-drugs")
    html = client.get("/types/monoclonal-antibodies/").content.decode()
    assert 'href="/types/checkpoint-drugs/"' in html and 'href="/types/checkpoint-inhibitors/"' not in html


def test_unpublishing_a_page_turns_links_to_it_into_plain_text(client):
    client.get("/types/monoclonal-antibodies/")
    page_at("/types/checkpoint-inhibitors/").unpublish()
    assert 'href="/types/checkpoint-inhibitors/"' not in client.get("/types/monoclonal-antibodies/").content.decode()


def test_a_therapy_pages_list_of_conditions_follows_a_renamed_condition(client):
    assert 'href="/where-it-is-used/cancer/"' in client.get("/types/checkpoint-inhibitors/").content.decode()
    publish("/where-it-is-used/cancer/", title="Cancer (renamed for this test)")
    assert "Cancer (renamed for this test)" in client.get("/types/checkpoint-inhibitors/").content.decode()


def test_the_api_body_is_kept_the_same_way_and_follows_a_new_address(client):
    page = page_at("/types/monoclonal-antibodies/")
    url = f"/api/v2/pages/{page.pk}/"
    assert 'href="/types/checkpoint-inhibitors/"' in client.get(url).json()["body"]
    publish("/what-is-immunotherapy/", title="Another title")
    assert 'href="/types/checkpoint-inhibitors/"' in client.get(url).json()["body"]
    publish("/types/checkpoint-inhibitors/", slug="checkpoint-drugs")
    body = client.get(url).json()["body"]
    assert 'href="/types/checkpoint-drugs/"' in body and "checkpoint-inhibitors/" not in body


def test_publishing_the_home_page_shows_its_new_text_at_once(client):
    # The site's root page is kept with the site for every request, under SHARED: publishing
    # it at the same address must move SHARED, or the home page would show its old text.
    client.get("/")
    client.get("/types/")
    publish("/", intro="<p>A new front-door sentence for this test.</p>")
    assert "A new front-door sentence for this test." in client.get("/").content.decode()


def test_publishing_another_page_keeps_what_every_request_looks_up(client):
    client.get("/types/cytokines/")
    publish("/what-is-immunotherapy/", title="What immunotherapy is (new title)")
    with CaptureQueriesContext(connection) as captured:
        assert "What immunotherapy is (new title)" in client.get("/types/cytokines/").content.decode()
    tables_read = " ".join(query["sql"] for query in captured)
    for table in ("wagtailcore_site", "education_portalsettings", "wagtailcore_pageviewrestriction"):
        assert f'FROM "{table}"' not in tables_read
