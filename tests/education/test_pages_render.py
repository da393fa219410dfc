"""Every page type renders the facts a patient came for, with the safety furniture around them."""

import html as html_lib
import re

import pytest

from django.utils.html import strip_tags

from tests.conftest import page_at
from tests.html_outline import flat_headings

pytestmark = pytest.mark.django_db

ALL_PAGES = [
    "/",
    "/what-is-immunotherapy/",
    "/how-it-works/",
    "/types/",
    "/types/checkpoint-inhibitors/",
    "/types/car-t-cell-therapy/",
    "/types/monoclonal-antibodies/",
    "/types/cancer-vaccines/",
    "/types/cytokines/",
    "/where-it-is-used/",
    "/where-it-is-used/cancer/",
    "/where-it-is-used/autoimmune-conditions/",
    "/where-it-is-used/chronic-infections/",
    "/benefits-and-limits/",
    "/side-effects-and-monitoring/",
    "/get-help-now/",
    "/after-treatment/",
    "/research-and-future/",
    "/supporting-someone/",
    "/faqs/",
    "/glossary/",
    "/references/",
    "/about-this-information/",
    "/privacy/",
    "/accessibility/",
]


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(strip_tags(response.content.decode())))


@pytest.mark.parametrize("path", ALL_PAGES)
def test_every_page_has_standard_note_help_link_and_says_it_is_unreviewed(client, portal_settings, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert portal_settings.standard_note in html
    assert 'href="/get-help-now/"' in html
    # The loaded content has had no clinical sign-off: it claims no review and says so.
    assert "This page has not yet been checked by a clinician." in html
    assert "Page last reviewed" not in html and "Next review due" not in html
    assert html.count("<h1") == 1
    assert f'href="tel:{portal_settings.emergency_number}"' in html


@pytest.mark.parametrize("path", ALL_PAGES)
def test_headings_inside_a_section_sit_below_its_own(client, path):
    # Cards listed under "What it is used for" were h2s beside it: a screen reader's list of
    # headings showed them as new sections of the page, not as the list inside that one.
    assert flat_headings(client.get(path).content.decode()) == []


def test_the_outline_check_finds_a_card_at_its_sections_level():
    html = "<section><h2>Used for</h2><ul><li><h2>Melanoma</h2></li></ul></section><h2>Next</h2>"
    assert flat_headings(html) == ["h2 'Melanoma' at its section's level h2"]


def test_home_routes_to_every_section(client):
    html = client.get("/").content.decode()
    for path in ["/what-is-immunotherapy/", "/types/", "/where-it-is-used/", "/side-effects-and-monitoring/", "/faqs/"]:
        assert f'href="{path}"' in html
    assert "Get help now" in html


def test_hub_lists_its_pages_with_summaries(client):
    response = client.get("/types/")
    for path in [
        "checkpoint-inhibitors",
        "car-t-cell-therapy",
        "monoclonal-antibodies",
        "cancer-vaccines",
        "cytokines",
    ]:
        assert f'href="/types/{path}/"' in response.content.decode()
        assert page_at(f"/types/{path}/").search_description in text_of(response)


def test_therapy_page_shows_structured_sections_and_medicines(client):
    text = text_of(client.get("/types/checkpoint-inhibitors/"))
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
    assert "pembrolizumab (Keytruda)" in text
    assert "ipilimumab (Yervoy)" in text


def test_urgent_callouts_use_numbers_from_site_settings(client, portal_settings):
    portal_settings.emergency_number = "112"
    portal_settings.care_team_phone = "020 7946 0000"
    portal_settings.save()
    html = client.get("/get-help-now/").content.decode()
    assert 'href="tel:112"' in html
    assert 'href="tel:02079460000"' in html
    assert html.count("urgent--emergency") >= 1 and html.count("urgent--same_day") >= 1


def test_condition_page_lists_therapy_types_entered_on_the_therapy_pages(client):
    cancer = page_at("/where-it-is-used/cancer/")
    therapy_paths = {page.url_path for page in cancer.therapy_types.live()}
    assert therapy_paths, "at least one therapy page links to the cancer page"
    html = client.get("/where-it-is-used/cancer/").content.decode()
    for therapy in cancer.therapy_types.live():
        assert f'href="{therapy.url}"' in html


def test_unpublished_therapy_type_disappears_from_condition_page(client):
    therapy = page_at("/types/cytokines/")
    cancer = page_at("/where-it-is-used/cancer/")
    assert therapy in cancer.therapy_types.all()
    therapy.unpublish()
    html = client.get("/where-it-is-used/cancer/").content.decode()
    listing = html[html.index('id="therapy-types-heading"') :]
    listing = listing[: listing.index("</section>")]
    assert 'href="/types/checkpoint-inhibitors/"' in listing
    assert 'href="/types/cytokines/"' not in listing
    assert client.get("/types/cytokines/").status_code == 404


def test_faq_page_groups_questions_by_topic(client):
    from education.models import FAQ, FAQTopic

    html = client.get("/faqs/").content.decode()
    for topic in FAQTopic.objects.all():
        if topic.faqs.exists():
            assert f'id="{topic.slug}"' in html
    text = text_of(client.get("/faqs/"))
    assert all(faq.question in text for faq in FAQ.objects.all())


def test_glossary_lists_terms_a_to_z(client):
    from education.models import GlossaryTerm

    html = client.get("/glossary/").content.decode()
    terms = list(GlossaryTerm.objects.order_by("term"))
    positions = [html.index(f'id="{term.slug}"') for term in terms]
    assert positions == sorted(positions)
    assert "<dfn>T cell</dfn>" in html


def test_ibis_reference_is_cited_with_doi_and_pmid(client):
    html = client.get("/side-effects-and-monitoring/").content.decode()
    assert "10.3389/fimmu.2023.1197364" in html
    assert "37342323" in html
    references = client.get("/references/").content.decode()
    assert 'id="ref-ibis2023"' in references
    assert 'href="/side-effects-and-monitoring/"' in references


def test_breadcrumbs_lead_back_home(client):
    html = client.get("/types/cytokines/").content.decode()
    crumbs = html[html.index('aria-label="Breadcrumb"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert 'href="/"' in crumbs and 'href="/types/"' in crumbs
    assert 'aria-current="page"' in crumbs


def test_main_navigation_marks_the_current_section(client):
    html = client.get("/types/cytokines/").content.decode()
    nav = html[html.index('aria-label="Main"') :]
    nav = nav[: nav.index("</nav>")]
    assert '<a href="/types/" aria-current="true">' in nav


def test_missing_page_gets_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We cannot find that page" in response.content.decode()


def test_server_error_page_is_static_and_friendly(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
    assert "Traceback" not in response.content.decode()
