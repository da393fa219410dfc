"""Shared fixtures: the real content is loaded once per test database, then each test runs in a
transaction that is rolled back, so tests see the site a clinic gets from `make run`."""

import os

import pytest

from django.core.cache import cache
from django.core.management import call_command

from wagtail.models import Page, Site

from caching import fragments, page_cache
from education.models import HomePage, PortalSettings


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), open(os.devnull, "w") as quiet:
        call_command("load_content", stdout=quiet)
        call_command("configure_site", stdout=quiet)


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


def page_at(path: str) -> Page:
    """The live page at a site path such as /types/cytokines/."""
    site = Site.objects.get(is_default_site=True)
    return Page.objects.get(url_path=site.root_page.url_path + path.lstrip("/")).specific


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("editor-admin", "admin@example.org", "a-long-password-1")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client
