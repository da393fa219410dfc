"""A page's own body is kept across other pages' publishes, and is still never stale: a new
address or an unpublished page reaches every link to it, and listings inside a body follow."""

from types import SimpleNamespace

import pytest

from education.templatetags import education_tags
from tests import factories
from tests.conftest import page_at

pytestmark = pytest.mark.django_db

LOOKUPS_LEFT_AFTER_ANOTHER_PUBLISH = 5


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


def publish(page, **changes) -> None:
    page = type(page).objects.get(pk=page.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


def link_to(page) -> str:
    return f'<p>Read about <a linktype="page" id="{page.pk}">{page.title}</a> first.</p>'


@pytest.fixture
def pages():
    """A reader's page whose body links to a therapy page, beside a page in the main menu."""
    hub = factories.SectionPageFactory(title="Widget treatments", show_in_menus=True)
    condition = factories.ConditionPageFactory(parent=hub, title="Widget disease")
    therapy = factories.TherapyTypePageFactory(parent=hub, title="Widget therapy", used_for=[condition])
    reader = factories.ArticlePageFactory(parent=hub, title="Widget reading", body__0__text__value=link_to(therapy))
    in_menu = factories.ArticlePageFactory(title="Widget news", show_in_menus=True)
    return SimpleNamespace(condition=condition, therapy=therapy, reader=reader, in_menu=in_menu)


def test_publishing_one_page_leaves_other_bodies_rendered_but_menus_change(client, body_renders, pages):
    client.get(pages.reader.url)
    publish(pages.in_menu, title="Widget news (new title)")
    body_renders.clear()
    html = client.get(pages.reader.url).content.decode()
    assert "Widget news (new title)" in html  # the menu, rendered again
    assert body_renders == []  # the body, kept
    assert "Widget news (new title)" in client.get(pages.in_menu.url).content.decode()
    assert body_renders == [1]  # the published page's own body is new


def test_a_new_address_reaches_links_in_other_pages_bodies(client, pages):
    assert 'href="/en/widget-treatments/widget-therapy/"' in client.get(pages.reader.url).content.decode()
    publish(pages.therapy, slug="widget-drugs")
    html = client.get(pages.reader.url).content.decode()
    assert (
        'href="/en/widget-treatments/widget-drugs/"' in html
        and 'href="/en/widget-treatments/widget-therapy/"' not in html
    )


def test_unpublishing_a_page_turns_links_to_it_into_plain_text(client, pages):
    assert 'href="/en/widget-treatments/widget-therapy/"' in client.get(pages.reader.url).content.decode()
    pages.therapy.unpublish()
    html = client.get(pages.reader.url).content.decode()
    assert 'href="/en/widget-treatments/widget-therapy/"' not in html and "Widget therapy" in html


def test_a_therapy_pages_list_of_conditions_follows_a_renamed_condition(client, pages):
    assert f'href="{pages.condition.url}"' in client.get(pages.therapy.url).content.decode()
    publish(pages.condition, title="Widget disease (renamed for this test)")
    assert "Widget disease (renamed for this test)" in client.get(pages.therapy.url).content.decode()


def test_the_api_body_is_kept_the_same_way_and_follows_a_new_address(client, pages):
    url = f"/api/v2/pages/{pages.reader.pk}/"
    assert 'href="/en/widget-treatments/widget-therapy/"' in client.get(url).json()["body"]
    publish(pages.in_menu, title="Another title")
    assert 'href="/en/widget-treatments/widget-therapy/"' in client.get(url).json()["body"]
    publish(pages.therapy, slug="widget-drugs")
    body = client.get(url).json()["body"]
    assert 'href="/en/widget-treatments/widget-drugs/"' in body and "widget-therapy/" not in body


def test_publishing_the_home_page_shows_its_new_text_at_once(client, pages):
    # The site's root page is kept with the site for every request, under SHARED: publishing
    # it at the same address must move SHARED, or the home page would show its old text.
    client.get("/en/")
    client.get(pages.reader.url)
    publish(page_at("/"), intro="<p>A new front-door sentence for this test.</p>")
    assert "A new front-door sentence for this test." in client.get("/en/").content.decode()


def test_publishing_another_page_keeps_what_every_request_looks_up(client, pages, django_assert_num_queries):
    # Only what changed is read again: the page itself and the menus and links kept under the
    # old version. The site, its settings and the restricted paths are kept: each would add one.
    client.get(pages.therapy.url)
    publish(pages.in_menu, title="Widget news (new title)")
    with django_assert_num_queries(LOOKUPS_LEFT_AFTER_ANOTHER_PUBLISH):
        assert "Widget news (new title)" in client.get(pages.therapy.url).content.decode()
