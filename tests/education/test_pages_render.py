"""Every page type renders the facts a patient came for, with the safety furniture around them."""

import html as html_lib
import re

import pytest

from django.utils.html import strip_tags

from tests import factories
from tests.conftest import page_at
from tests.html_outline import flat_headings

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(strip_tags(response.content.decode())))


def a_section(**kwargs):
    return factories.SectionPageFactory(show_in_menus=True, **kwargs)


# One page of each type, as an editor makes it. The home page is the site's own: a site has one.
PAGE_OF_EACH_TYPE = {
    "home": lambda: page_at("/"),
    "section": a_section,
    "article": factories.ArticlePageFactory,
    "therapy type": lambda: factories.TherapyTypePageFactory(parent=a_section(), medicines__0="medicine"),
    "condition": lambda: factories.ConditionPageFactory(parent=a_section()),
    "FAQ index": factories.FAQIndexPageFactory,
    "glossary": factories.GlossaryPageFactory,
    "references": factories.ReferenceIndexPageFactory,
}


@pytest.fixture(params=PAGE_OF_EACH_TYPE, ids=list(PAGE_OF_EACH_TYPE))
def page_of_each_type(request):
    return PAGE_OF_EACH_TYPE[request.param]()


def test_every_page_type_has_standard_note_help_link_and_says_it_is_unreviewed(
    client, portal_settings, page_of_each_type
):
    response = client.get(page_of_each_type.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert portal_settings.standard_note in html
    assert f'href="{portal_settings.help_page.url}"' in html
    # Published without clinical sign-off: it claims no review and says so.
    assert "This page has not yet been checked by a clinician." in html
    assert "Page last reviewed" not in html and "Next review due" not in html
    assert html.count("<h1") == 1
    assert f'href="tel:{portal_settings.emergency_number}"' in html


def test_headings_inside_a_section_sit_below_its_own(client, page_of_each_type):
    # Cards listed under "What it is used for" were h2s beside it: a screen reader's list of
    # headings showed them as new sections of the page, not as the list inside that one.
    assert flat_headings(client.get(page_of_each_type.url).content.decode()) == []


def test_the_outline_check_finds_a_card_at_its_sections_level():
    html = "<section><h2>Used for</h2><ul><li><h2>Melanoma</h2></li></ul></section><h2>Next</h2>"
    assert flat_headings(html) == ["h2 'Melanoma' at its section's level h2"]


def test_home_routes_to_every_section(client):
    in_menu = a_section(title="Widget treatments")
    footer_page = factories.ArticlePageFactory(title="About widgets", show_in_menus=False)
    html = client.get("/en/").content.decode()
    nav = html[html.index('aria-label="Main"') :]
    nav = nav[: nav.index("</nav>")]
    assert f'href="{in_menu.url}"' in nav and f'href="{footer_page.url}"' not in nav
    entry_points = html[html.index('id="entry-heading"') :]
    entry_points = entry_points[: entry_points.index("</section>")]
    assert f'href="{in_menu.url}"' in entry_points and f'href="{footer_page.url}"' in entry_points
    assert "Get help now" in html


def test_hub_lists_its_pages_with_summaries(client):
    hub = a_section()
    children = [factories.ArticlePageFactory(parent=hub) for _ in range(3)]
    response = client.get(hub.url)
    for child in children:
        assert f'href="{child.url}"' in response.content.decode()
        assert child.search_description in text_of(response)


def test_therapy_page_shows_structured_sections_and_medicines(client):
    therapy = factories.TherapyTypePageFactory(
        parent=a_section(),
        medicines__0__medicine__generic_name="testumab",
        medicines__0__medicine__brand_name="Testra",
        medicines__1__medicine__generic_name="examplimab",
        medicines__1__medicine__brand_name="Exampla",
        questions__0__question__value="Will it make me tired?",
        used_for=[factories.ConditionPageFactory(parent=a_section())],
    )
    text = text_of(client.get(therapy.url))
    for heading in [
        "How it works",
        "Examples of medicines",
        "How it is given",
        "What it is used for",
        "Side effects",
        "Serious side effects and when to get help",
        "Questions to ask your care team",
    ]:
        assert heading in text
    # Generic name first, brand in brackets.
    assert "testumab (Testra)" in text
    assert "examplimab (Exampla)" in text


def test_urgent_callouts_use_numbers_from_site_settings(client, portal_settings):
    portal_settings.emergency_number = "112"
    portal_settings.care_team_phone = "020 7946 0000"
    portal_settings.save()
    page = factories.ArticlePageFactory(body__0__urgent__level="emergency", body__1__urgent__level="same_day")
    html = client.get(page.url).content.decode()
    assert 'href="tel:112"' in html
    assert 'href="tel:02079460000"' in html
    assert html.count("urgent--emergency") >= 1 and html.count("urgent--same_day") >= 1


def conditions_and_therapies():
    hub = a_section()
    condition = factories.ConditionPageFactory(parent=hub)
    therapies = [factories.TherapyTypePageFactory(parent=hub, used_for=[condition]) for _ in range(2)]
    return condition, therapies


def test_condition_page_lists_therapy_types_entered_on_the_therapy_pages(client):
    condition, therapies = conditions_and_therapies()
    html = client.get(condition.url).content.decode()
    for therapy in therapies:
        assert f'href="{therapy.url}"' in html


def test_unpublished_therapy_type_disappears_from_condition_page(client):
    condition, (kept, unpublished) = conditions_and_therapies()
    client.get(condition.url)  # the listing is kept, then must change
    unpublished.unpublish()
    html = client.get(condition.url).content.decode()
    listing = html[html.index('id="therapy-types-heading"') :]
    listing = listing[: listing.index("</section>")]
    assert f'href="{kept.url}"' in listing
    assert f'href="{unpublished.url}"' not in listing
    assert client.get(unpublished.url).status_code == 404


def test_faq_page_groups_questions_by_topic(client):
    from education.models import FAQ, FAQTopic

    later, sooner = factories.FAQTopicFactory(sort_order=9), factories.FAQTopicFactory(sort_order=1)
    asked = [factories.FAQFactory(topic=later), factories.FAQFactory(topic=sooner)]
    draft = factories.FAQFactory(topic=sooner, question="Is this question still a draft?", published=False)
    factories.FAQTopicFactory(name="Test topic with no questions")
    url = factories.FAQIndexPageFactory().url
    html = client.get(url).content.decode()
    assert html.index(f'id="{sooner.slug}"') < html.index(f'id="{later.slug}"')
    assert 'id="test-topic-with-no-questions"' not in html
    for topic in FAQTopic.objects.filter(locale__language_code="en"):
        if topic.faqs.filter(live=True).exists():
            assert f'id="{topic.slug}"' in html
    text = text_of(client.get(url))
    assert all(faq.question in text for faq in FAQ.objects.live().filter(locale__language_code="en"))
    assert asked[0].question in text and draft.question not in text


def test_glossary_lists_terms_a_to_z(client):
    from education.models import GlossaryTerm

    for term in ("Widget zeta", "Widget alpha", "Widget mu"):
        factories.GlossaryTermFactory(term=term)
    html = client.get(factories.GlossaryPageFactory().url).content.decode()
    # A to Z as readers expect it: case and accents do not change a term's place.
    terms = sorted(GlossaryTerm.objects.filter(locale__language_code="en"), key=lambda term: term.sort_key)
    positions = [html.index(f'id="{term.slug}"') for term in terms]
    assert positions == sorted(positions)
    assert html.index('id="widget-alpha"') < html.index('id="widget-mu"') < html.index('id="widget-zeta"')
    assert "<dfn>Widget mu</dfn>" in html


def test_a_cited_reference_shows_its_doi_and_pmid_and_lists_the_citing_page(client):
    source = factories.ReferenceFactory(key="TESTCITE2024", doi="10.5555/cite.2024", pmid="91234567")
    page = factories.ArticlePageFactory(references=[("reference", source)])
    html = client.get(page.url).content.decode()
    assert "10.5555/cite.2024" in html
    assert "91234567" in html
    references = client.get(factories.ReferenceIndexPageFactory().url).content.decode()
    assert 'id="ref-testcite2024"' in references
    assert f'href="{page.url}"' in references


def test_breadcrumbs_lead_back_home(client):
    hub = a_section()
    page = factories.ArticlePageFactory(parent=hub)
    html = client.get(page.url).content.decode()
    crumbs = html[html.index('aria-label="Breadcrumb"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert 'href="/en/"' in crumbs and f'href="{hub.url}"' in crumbs
    assert 'aria-current="page"' in crumbs


def test_main_navigation_marks_the_current_section(client):
    hub = a_section()
    html = client.get(factories.ArticlePageFactory(parent=hub).url).content.decode()
    nav = html[html.index('aria-label="Main"') :]
    nav = nav[: nav.index("</nav>")]
    assert f'<a href="{hub.url}" aria-current="true">' in nav


def test_missing_page_gets_friendly_404(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "We cannot find that page" in response.content.decode()


def test_server_error_page_is_static_and_friendly(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert "Traceback" not in response.content.decode()
