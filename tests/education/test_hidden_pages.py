"""A page a reader may not see (unpublished, or restricted by login, password or group, on itself or
an ancestor, and every alias of it) is never named or linked anywhere a reader looks: menus,
listings, breadcrumbs, related pages, rich-text links, the help link, search, the A–Z, the API,
the feed, the sitemap, embeds, handouts and Infobutton."""

import json

import pytest

from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction

from education.models import PortalSettings
from tests import factories
from tests.conftest import channel_address, page_at

pytestmark = pytest.mark.django_db

HIDDEN = "/en/widget-types/widget-checkpoints/"
ALIAS = "/en/widget-uses/widget-checkpoints-alias/"
# Its summary is shown wherever a listing names it.
SUMMARY = "take the brakes off your widget cells so they can attack the test disease"
RXNORM_CODE = "990001"

# Public pages that list or link it when it is public (its hub, a page whose body links it, the
# condition it is used for, a page relating it, the FAQ, glossary and reference pages), and every
# other channel.
PAGES = [
    "/en/",
    "/en/widget-types/",
    "/en/widget-basics/",
    "/en/widget-uses/",
    "/en/widget-uses/widget-disease/",
    "/en/widget-types/widget-vaccines/",
    "/en/widget-questions/",
    "/en/widget-words/",
    "/en/widget-sources/",
]
CHANNELS = [
    "/en/search/?q=widget+checkpoints",
    "/en/search/?q=quintarumab",
    "/en/a-z/",
    "/en/feeds/updates/",
    "/sitemap.xml",
    "/en/embed/widget-types/",
    "/en/embed/widget-uses/widget-disease/",
    "/en/handout/widget-uses/widget-disease/",
    f"/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.88&mainSearchCriteria.v.c={RXNORM_CODE}",
    f"/infobutton/application?mainSearchCriteria.v.cs=2.16.840.1.113883.6.88&mainSearchCriteria.v.c={RXNORM_CODE}",
    "/api/v2/pages/?limit=50",
    "/api/v2/pages/?type=education.TherapyTypePage&fields=related_pages,used_for",
    "/api/v2/pages/?type=education.ConditionPage&fields=related_pages",
    "/api/v2/pages/?type=education.ArticlePage&fields=related_pages",
    "/api/v2/pages/?search=widget",
]


def hide(how: str) -> None:
    page = page_at(HIDDEN)
    if how == "unpublished":
        page.unpublish()
        return
    target = page_at("/en/widget-types/") if how == "restricted section" else page
    kind = {"login": "login", "password": "password", "groups": "groups", "restricted section": "login"}[how]
    restriction = PageViewRestriction.objects.create(page=target, restriction_type=kind, password="ward-only-1")
    if kind == "groups":
        restriction.groups.add(Group.objects.create(name="Ward 4"))


def link_to(page) -> str:
    return f'<p>Read about <a linktype="page" id="{page.pk}">this treatment</a>.</p>'


@pytest.fixture
def hidden_page(request):
    types = factories.SectionPageFactory(title="Widget types", show_in_menus=True)
    uses = factories.SectionPageFactory(title="Widget uses", show_in_menus=True)
    disease = factories.ConditionPageFactory(parent=uses, title="Widget disease")
    source = factories.ReferenceFactory()
    page = factories.TherapyTypePageFactory(
        parent=types,
        title="Widget checkpoints",
        search_description=f"Widget checkpoints {SUMMARY}.",
        medicines__0__medicine__generic_name="quintarumab",
        clinical_codes__0__code__system="rxnorm",
        clinical_codes__0__code__code=RXNORM_CODE,
        references=[("reference", source)],
        used_for=[disease],
    )
    factories.TherapyTypePageFactory(parent=types, title="Widget vaccines", related_pages=[("page", page)])
    factories.ArticlePageFactory(title="Widget basics", body__0__text__value=link_to(page))
    factories.FAQFactory(answer=link_to(page))
    factories.FAQIndexPageFactory(title="Widget questions")
    factories.GlossaryPageFactory(title="Widget words")
    factories.ReferenceIndexPageFactory(title="Widget sources")
    page.create_alias(parent=uses, update_slug="widget-checkpoints-alias")
    # Also the site's "Get help now" link, and a related page of the condition it is used for.
    PortalSettings.objects.update(help_page=page)
    disease.related_pages = [("page", page)]
    disease.save_revision().publish()
    return page


def names_it(body: str, page_id: int, alias_id: int) -> list[str]:
    found = [text for text in (HIDDEN, ALIAS, SUMMARY) if text in body]
    if body.lstrip().startswith("{"):
        ids = _ids_in(json.loads(body))
        found += [f"id {pk}" for pk in (page_id, alias_id) if pk in ids]
    return found


def _ids_in(data) -> set[int]:
    """Every page id a JSON answer names: listing items, related pages (value) and used_for (id)."""
    if isinstance(data, list):
        return set().union(*(_ids_in(item) for item in data)) if data else set()
    if not isinstance(data, dict):
        return set()
    ids = set()
    if data.get("type") == "page" and isinstance(data.get("value"), int):
        ids.add(data["value"])
    if isinstance(data.get("id"), int):
        ids.add(data["id"])
    return ids.union(*(_ids_in(value) for value in data.values()))


def test_while_public_it_is_named_where_the_test_looks(client, hidden_page):
    """The check below can fail: while the page is public, these do name it."""
    alias = page_at(ALIAS)
    for path in [
        "/en/widget-types/",
        "/en/widget-uses/widget-disease/",
        "/en/widget-sources/",
        "/sitemap.xml",
        "/api/v2/pages/?limit=50",
    ]:
        assert names_it(client.get(path).content.decode(), hidden_page.pk, alias.pk), path
    for path in ["/en/widget-basics/", "/en/widget-types/widget-vaccines/", "/en/widget-questions/"]:
        assert f'href="{HIDDEN}"' in client.get(path).content.decode(), path
    assert "Get help now" in client.get("/en/widget-words/").content.decode()
    for path in ["/en/search/?q=quintarumab", CHANNELS[8]]:
        assert HIDDEN in client.get(path).content.decode(), path


@pytest.mark.parametrize("how", ["unpublished", "login", "password", "groups", "restricted section"])
def test_a_page_readers_may_not_see_is_named_nowhere(client, hidden_page, how):
    alias = page_at(ALIAS)
    hide(how)
    for path in [
        HIDDEN,
        ALIAS,
        channel_address("embed", HIDDEN),
        channel_address("handout", HIDDEN),
        f"/api/v2/pages/{hidden_page.pk}/",
    ]:
        assert client.get(path).status_code in (302, 404) or 'type="password"' in client.get(path).content.decode()
    under_restriction = ("/en/widget-types/", "/en/embed/widget-types/") if how == "restricted section" else ()
    for path in [
        path for path in [*PAGES, *CHANNELS] if not (under_restriction and path.startswith(under_restriction))
    ]:
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        found = names_it(response.content.decode(), hidden_page.pk, alias.pk)
        assert not found, f"{path} names the {how} page: {found}"
