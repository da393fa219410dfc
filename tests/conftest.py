"""Shared fixtures: the real content is loaded once per test database, then each test runs in a
transaction that is rolled back, so tests see the site a clinic gets from `make run`."""

import os

import pytest

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from wagtail.models import Page, Site

from caching import fragments, page_cache
from education.models import HomePage, PortalSettings
from review.models import UnreviewedPublish
from review.sign_off import publishing_without_sign_off


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), open(os.devnull, "w") as quiet:
        call_command("load_content", stdout=quiet)
        call_command("configure_site", stdout=quiet)


@pytest.fixture(autouse=True)
def publishing_as_the_content_team(request):
    """Tests set up content by publishing it, as the content loader does: let through without
    clinical sign-off (and recorded so). Tests of the sign-off rule itself are marked
    `sign_off_enforced` and get no such leave."""
    if request.node.get_closest_marker("sign_off_enforced"):
        yield
        return
    with publishing_without_sign_off(UnreviewedPublish.CONTENT_LOAD, "Test set-up"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test's database is rolled back, so nothing it cached may outlive it."""
    _forget_everything_cached()
    yield
    _forget_everything_cached()


def _forget_everything_cached():
    cache.clear()
    page_cache.local_copies.clear()
    fragments.worker_memory.clear()


@pytest.fixture
def site(db) -> Site:
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home(site) -> HomePage:
    return site.root_page.specific


@pytest.fixture
def portal_settings(site) -> PortalSettings:
    return PortalSettings.for_site(site)


def as_signed_off(path: str) -> Page:
    """The page at `path` as a clinical sign-off leaves it live (review dates and reviewer), written
    straight to its row: for tests of how a reviewed page is shown. How a page gets there is
    tested through the workflow in tests/review."""
    import datetime

    page = page_at(path)
    type(page).objects.filter(pk=page.pk).update(
        last_reviewed=datetime.date(2026, 11, 20),
        next_review_due=datetime.date(2027, 11, 20),
        reviewed_by="Rita Rao, Clinical nurse specialist",
    )
    return page_at(path)


def page_at(path: str) -> Page:
    """The page at an address such as /en/types/cytokines/ or /es/tipos/ (a path without a
    language, such as /types/cytokines/, is in the English tree)."""
    home = Site.objects.get(is_default_site=True).root_page
    language, _, rest = path.lstrip("/").partition("/")
    if language in dict(settings.LANGUAGES):
        home = Page.objects.get(translation_key=home.translation_key, locale__language_code=language)
        path = rest
    return Page.objects.get(url_path=home.url_path + path.lstrip("/")).specific


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("editor-admin", "admin@example.org", "a-long-password-1")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def channel_address(channel: str, address: str) -> str:
    """The address of a page's embed or handout: /en/types/cytokines/ → /en/handout/types/cytokines/."""
    language, _, rest = address.lstrip("/").partition("/")
    return f"/{language}/{channel}/{rest}"
