"""The kept lookups reach Wagtail only through attributes Wagtail reads before it asks the database.
Each test here fails if a Wagtail upgrade stops reading one, so the portal would silently go back
to looking everything up on every request (or, worse, serve what the attribute says)."""

import pytest

from django.test import RequestFactory

from wagtail.models import Page, Site, get_page_models
from wagtail.url_routing import RouteResult

from caching import wagtail_lookups
from caching.page_cache import PAGE_VIEWS, query_read_at
from education.models import PortalSettings
from integrations.models import EmbedSettings
from tests import factories

pytestmark = pytest.mark.django_db


def test_wagtail_takes_the_site_from_the_request():
    request = RequestFactory().get("/")
    other = Site(hostname="elsewhere.example", root_page=factories.SectionPageFactory())
    setattr(request, wagtail_lookups.SITE_ATTRIBUTE, other)
    assert Site.find_for_request(request) is other


def test_wagtail_takes_the_route_from_the_request():
    hub = factories.SectionPageFactory()
    page = factories.ArticlePageFactory(parent=hub)
    request = RequestFactory().get(hub.url)
    setattr(request, wagtail_lookups.ROUTE_ATTRIBUTE, RouteResult(page))
    assert Page.find_for_request(request, hub.url) == page


def test_a_page_takes_the_sites_root_paths_from_itself():
    page = factories.ArticlePageFactory()
    root_paths = Site.get_site_root_paths()
    moved = [path._replace(root_url="https://moved.example") for path in root_paths]
    setattr(page, wagtail_lookups.ROOT_PATHS_ATTRIBUTE, moved)
    assert page.get_full_url().startswith("https://moved.example/")


def test_settings_are_taken_from_the_request():
    request = RequestFactory().get("/")
    kept = PortalSettings(organisation_name="From the request")
    setattr(request, PortalSettings.get_cache_attr_name(), kept)
    assert PortalSettings.for_request(request) is kept
    embed = EmbedSettings(allowed_origins="https://from.example")
    setattr(request, EmbedSettings.get_cache_attr_name(), embed)
    assert EmbedSettings.load(request_or_site=request) is embed


def test_wagtail_still_serves_pages_with_its_own_view():
    """The page cache and the route hand-over know Wagtail's page view by name."""
    from django.urls import resolve

    page = factories.ArticlePageFactory()
    assert query_read_at(page.url) == ()
    assert resolve(page.url).func in PAGE_VIEWS


def test_no_page_type_routes_its_own_way(client, django_assert_num_queries):
    """Routing by URL path is only Wagtail's answer while no page type overrides route(): then a
    warm worker finds a page three levels down in the one query it makes for it."""
    assert all(model.route is Page.route for model in get_page_models())
    page = factories.ArticlePageFactory(parent=factories.SectionPageFactory(parent=factories.SectionPageFactory()))
    client.get(page.url)
    with django_assert_num_queries(1):
        assert client.get(page.url).status_code == 200


def test_a_warm_page_view_looks_up_nothing(client, django_assert_num_queries):
    page = factories.TherapyTypePageFactory(parent=factories.SectionPageFactory())
    client.get(page.url)
    with django_assert_num_queries(1):  # the page itself: no site, settings, route or restrictions
        assert client.get(page.url).status_code == 200


def test_the_kept_page_link_handler_replaced_wagtails():
    from wagtail.rich_text import expand_db_html

    page = factories.ArticlePageFactory(title="Widget facts")
    html = expand_db_html(f'<a linktype="page" id="{page.pk}">Widget facts</a>')
    assert html == '<a href="/en/widget-facts/">Widget facts</a>'
    page.unpublish()
    assert expand_db_html(f'<a linktype="page" id="{page.pk}">Widget facts</a>') == "<a>Widget facts</a>"
