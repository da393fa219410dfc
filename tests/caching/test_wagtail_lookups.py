"""The kept lookups reach Wagtail only through attributes Wagtail reads before it asks the database.
Each test here fails if a Wagtail upgrade stops reading one, so the portal would silently go back
to looking everything up on every request (or, worse, serve what the attribute says)."""

import pytest

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from caching import wagtail_lookups
from caching.page_cache import PAGE_VIEWS, query_read_at
from education.models import PortalSettings
from integrations.models import EmbedSettings
from tests.conftest import page_at

pytestmark = pytest.mark.django_db


def test_wagtail_takes_the_site_from_the_request():
    request = RequestFactory().get("/")
    other = Site(hostname="elsewhere.example", root_page=page_at("/types/"))
    setattr(request, wagtail_lookups.SITE_ATTRIBUTE, other)
    assert Site.find_for_request(request) is other


def test_wagtail_takes_the_route_from_the_request():
    request = RequestFactory().get("/types/")
    cytokines = page_at("/types/cytokines/")
    setattr(request, wagtail_lookups.ROUTE_ATTRIBUTE, RouteResult(cytokines))
    assert Page.find_for_request(request, "/types/") == cytokines


def test_a_page_takes_the_sites_root_paths_from_itself():
    page = page_at("/types/cytokines/")
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
    assert query_read_at("/types/cytokines/") == ()
    from django.urls import resolve

    assert resolve("/types/cytokines/").func in PAGE_VIEWS


def test_no_page_type_routes_its_own_way():
    """Routing by URL path is only Wagtail's answer while no page type overrides route()."""
    assert wagtail_lookups._routes_like_wagtail()


def test_a_warm_page_view_looks_up_nothing(client):
    client.get("/types/cytokines/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/types/cytokines/")
    looked_up = [query["sql"] for query in captured if "wagtailcore_site" in query["sql"]]
    assert looked_up == []
    assert len(captured) == 1  # the page itself


def test_the_kept_page_link_handler_replaced_wagtails():
    from wagtail.rich_text import expand_db_html

    cytokines = page_at("/types/cytokines/")
    html = expand_db_html(f'<a linktype="page" id="{cytokines.pk}">Cytokines</a>')
    assert html == '<a href="/types/cytokines/">Cytokines</a>'
    cytokines.unpublish()
    assert expand_db_html(f'<a linktype="page" id="{cytokines.pk}">Cytokines</a>') == "<a>Cytokines</a>"
