"""Private pages stay private: a restriction on a page or any ancestor (or on an alias's source)
holds everywhere at once, and lifting it makes the page public at once."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from tests.conftest import page_at

pytestmark = pytest.mark.django_db

SECRET_LINE = "Checkpoint inhibitors"


def restrict(path: str, kind: str = PageViewRestriction.LOGIN) -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page_at(path), restriction_type=kind, password="a-password-1")


def test_a_login_restriction_on_a_section_covers_every_page_under_it(client):
    restrict("/types/")
    response = client.get("/types/checkpoint-inhibitors/")
    assert response.status_code == 302 and "login/?next=/types/checkpoint-inhibitors/" in response["Location"]
    for channel in ("/embed/types/checkpoint-inhibitors/", "/handout/types/checkpoint-inhibitors/"):
        assert client.get(channel).status_code == 404


def test_a_password_restriction_shows_the_password_form_not_the_page(client):
    restrict("/types/checkpoint-inhibitors/", PageViewRestriction.PASSWORD)
    html = client.get("/types/checkpoint-inhibitors/").content.decode()
    assert 'type="password"' in html and "PD-1" not in html


def test_lifting_a_restriction_makes_the_page_public_at_once(client):
    restriction = restrict("/types/")
    assert client.get("/types/checkpoint-inhibitors/").status_code == 302
    restriction.delete()
    assert client.get("/types/checkpoint-inhibitors/").status_code == 200


def test_an_alias_follows_the_restriction_on_its_source_page(client):
    source = page_at("/types/checkpoint-inhibitors/")
    source.create_alias(parent=page_at("/where-it-is-used/"), update_slug="checkpoint-inhibitors-copy")
    assert client.get("/where-it-is-used/checkpoint-inhibitors-copy/").status_code == 200
    restrict("/types/checkpoint-inhibitors/")
    assert client.get("/where-it-is-used/checkpoint-inhibitors-copy/").status_code == 302


def test_an_alias_made_of_an_already_private_page_is_private_at_once(client):
    restrict("/types/checkpoint-inhibitors/")
    client.get("/where-it-is-used/")  # the restricted paths are now kept
    assert client.get("/where-it-is-used/checkpoint-inhibitors-copy/").status_code == 404  # and the miss
    source = page_at("/types/checkpoint-inhibitors/")
    source.create_alias(parent=page_at("/where-it-is-used/"), update_slug="checkpoint-inhibitors-copy")
    assert client.get("/where-it-is-used/checkpoint-inhibitors-copy/").status_code == 302


def test_a_new_alias_is_listed_and_served_at_once(client):
    # An alias is created live, without a publish: its creation alone must reach menus and routes.
    assert "checkpoint-inhibitors-copy" not in client.get("/where-it-is-used/").content.decode()
    assert client.get("/where-it-is-used/checkpoint-inhibitors-copy/").status_code == 404
    source = page_at("/types/checkpoint-inhibitors/")
    source.create_alias(parent=page_at("/where-it-is-used/"), update_slug="checkpoint-inhibitors-copy")
    assert 'href="/where-it-is-used/checkpoint-inhibitors-copy/"' in client.get("/where-it-is-used/").content.decode()
    assert client.get("/where-it-is-used/checkpoint-inhibitors-copy/").status_code == 200


def test_a_public_page_is_checked_without_asking_the_database_once_warm(client):
    client.get("/types/checkpoint-inhibitors/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/types/checkpoint-inhibitors/").status_code == 200
    assert not [query for query in captured if "pageviewrestriction" in query["sql"]]
