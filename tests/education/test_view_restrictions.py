"""Private pages stay private: a restriction on a page or any ancestor (or on an alias's source)
holds everywhere at once, and lifting it makes the page public at once."""

import pytest

from wagtail.models import PageViewRestriction

from tests import factories
from tests.conftest import channel_address, page_at

pytestmark = pytest.mark.django_db

SECRET_LINE = "Widget cells are told a ward-only secret."
PATH = "/en/widget-treatments/widget-therapy/"
ALIAS = "/en/widget-uses/widget-therapy-copy/"


@pytest.fixture(autouse=True)
def pages():
    """A therapy page in its hub, and a second hub where aliases of it are made."""
    hub = factories.SectionPageFactory(title="Widget treatments")
    factories.TherapyTypePageFactory(parent=hub, title="Widget therapy", how_it_works=f"<p>{SECRET_LINE}</p>")
    factories.SectionPageFactory(title="Widget uses")


def restrict(path: str, kind: str = PageViewRestriction.LOGIN) -> PageViewRestriction:
    return PageViewRestriction.objects.create(page=page_at(path), restriction_type=kind, password="a-password-1")


def make_alias() -> None:
    page_at(PATH).create_alias(parent=page_at("/en/widget-uses/"), update_slug="widget-therapy-copy")


def test_a_login_restriction_on_a_section_covers_every_page_under_it(client):
    restrict("/en/widget-treatments/")
    response = client.get(PATH)
    assert response.status_code == 302 and f"login/?next={PATH}" in response["Location"]
    for channel in (channel_address("embed", PATH), channel_address("handout", PATH)):
        assert client.get(channel).status_code == 404


def test_a_password_restriction_shows_the_password_form_not_the_page(client):
    assert SECRET_LINE in client.get(PATH).content.decode()
    restrict(PATH, PageViewRestriction.PASSWORD)
    html = client.get(PATH).content.decode()
    assert 'type="password"' in html and SECRET_LINE not in html


def test_lifting_a_restriction_makes_the_page_public_at_once(client):
    restriction = restrict("/en/widget-treatments/")
    assert client.get(PATH).status_code == 302
    restriction.delete()
    assert client.get(PATH).status_code == 200


def test_an_alias_follows_the_restriction_on_its_source_page(client):
    make_alias()
    assert client.get(ALIAS).status_code == 200
    restrict(PATH)
    assert client.get(ALIAS).status_code == 302


def test_an_alias_made_of_an_already_private_page_is_private_at_once(client):
    restrict(PATH)
    client.get("/en/widget-uses/")  # the restricted paths are now kept
    assert client.get(ALIAS).status_code == 404  # and the miss
    make_alias()
    assert client.get(ALIAS).status_code == 302


def test_a_new_alias_is_listed_and_served_at_once(client):
    # An alias is created live, without a publish: its creation alone must reach menus and routes.
    assert "widget-therapy-copy" not in client.get("/en/widget-uses/").content.decode()
    assert client.get(ALIAS).status_code == 404
    make_alias()
    assert f'href="{ALIAS}"' in client.get("/en/widget-uses/").content.decode()
    assert client.get(ALIAS).status_code == 200


def test_a_public_page_is_checked_without_asking_the_database_once_warm(client, django_assert_num_queries):
    # Restrictions exist elsewhere in the site; a warm worker knows them and reads only the page.
    restrict("/en/widget-uses/")
    client.get(PATH)
    with django_assert_num_queries(1):
        assert client.get(PATH).status_code == 200
