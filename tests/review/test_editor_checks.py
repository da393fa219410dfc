"""What editors see while writing: the readability figures in the editor's Checks panel (the same
measure as the content tests) and the accessibility checker's extra rules."""

import json
import re
from html import unescape

import pytest

from django.urls import reverse

from education.models import ArticlePage
from education.page_text import excluded_terms, page_text
from education.readability import score_text
from review.content_checker import PortalContentChecker
from review.models import PlainWord
from tests import factories
from tests.conftest import page_at

from .conftest import add_article_url, article_data, client_for, edit_url

pytestmark = pytest.mark.django_db


def readability_section(html: str) -> str:
    start = html.index("data-portal-readability")
    return html[start : html.index("</section>", start)]


def figure(section: str, name: str) -> str:
    return re.search(rf"data-readability-{name}>([^<]*)<", section).group(1)


SENTENCES = (
    "<p>Your widget cells guard you. They rest most of the time. This treatment wakes them up. "
    "Then they find the harmful cells and attack them with considerable determination and vigour. "
    "Some people feel tired afterwards. Tell your care team how you feel.</p>"
)
PAGES = {
    "therapy type": lambda: factories.TherapyTypePageFactory(
        parent=factories.SectionPageFactory(), how_it_works=SENTENCES, body__0__text__value=SENTENCES
    ),
    "article": lambda: factories.ArticlePageFactory(body__0__text__value=SENTENCES),
    "home": lambda: page_at("/"),
}


@pytest.mark.parametrize("kind", PAGES)
def test_panel_figures_equal_the_content_tests_measure(kind, editor):
    page = PAGES[kind]()
    html = client_for(editor).get(edit_url(page)).content.decode()
    section = readability_section(html)
    expected = score_text(page_text(page), excluded_terms(page))
    assert figure(section, "fk") == f"{expected.fk_grade:.1f}"
    assert figure(section, "smog") == f"{expected.smog:.1f}"
    assert f"{expected.words} words, {expected.sentences} sentences" in section
    hardest = re.findall(r"<li class=\"w-mb-2\">(.*?)</li>", section)
    assert [unescape(sentence) for sentence in hardest] == expected.hardest_sentences
    assert len(hardest) == 5
    assert "Target: grade 8 or lower. Aim: grade 6." in section


def test_panel_measures_the_latest_saved_draft_and_suggests_plainer_words(editor):
    client = client_for(editor)
    text = [
        "We will administer the medicine prior to your first visit.",
        "Staff administered it to you when treatment commenced and will facilitate your recovery.",
    ]
    client.post(add_article_url(), article_data("Your first dose", "first-dose", text))
    page = ArticlePage.objects.get(slug="first-dose")
    section = readability_section(client.get(edit_url(page)).content.decode())
    draft = page.get_latest_revision_as_object()
    expected = score_text(page_text(draft), excluded_terms(draft))
    assert figure(section, "fk") == f"{expected.fk_grade:.1f}"
    plainer = section[section.index("data-readability-plainer") :]
    assert "“administer” (2×): try “give”" in unescape(plainer)
    assert "“prior to” (1×): try “before”" in unescape(plainer)
    assert "“commence” (1×): try “start”" in unescape(plainer)

    # The list is editable: a new pair shows up at once.
    PlainWord.objects.create(word="recovery", alternative="getting better")
    section = readability_section(client.get(edit_url(page)).content.decode())
    assert "“recovery” (1×): try “getting better”" in unescape(section)


def test_panel_on_a_new_page_asks_for_text(editor):
    url = reverse("wagtailadmin_pages:add", args=("education", "articlepage", page_at("/").pk))
    html = client_for(editor).get(url).content.decode()
    assert "Save a draft with some text to see its reading level." in html


def axe_configuration(html: str) -> dict:
    match = re.search(r'<script id="checker-axe-configuration" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_editor_checks_keep_wagtails_rules_and_add_the_sites(editor):
    html = client_for(editor).get(edit_url(factories.ArticlePageFactory())).content.decode()
    config = axe_configuration(html)
    run_only = config["options"]["runOnly"]
    for rule in ["heading-order", "empty-heading", "link-name", "alt-text-quality", "image-alt", "list", "listitem"]:
        assert rule in run_only, rule
    assert config["messages"]["image-alt"]["error_name"] == "Image has no alt text"
    # Nothing compiled from strings: the site's Content-Security-Policy forbids 'unsafe-eval',
    # and one failing check would stop them all.
    assert all("evaluate" not in check for check in config["spec"]["checks"])


def test_userbar_on_live_pages_runs_the_same_rules(editor):
    checker = PortalContentChecker(in_editor=False)
    assert checker.get_axe_run_only(None) == PortalContentChecker(in_editor=True).get_axe_run_only(None)
    html = client_for(editor).get(factories.ArticlePageFactory().url).content.decode()
    assert "image-alt" in unescape(html)


def test_links_that_do_not_say_where_they_go_are_listed(editor):
    client = client_for(editor)
    data = article_data(
        "Fevers",
        "fevers",
        [
            'To read about fevers, <a href="https://example.org/fever">click here</a>. '
            'Or <a href="https://example.org/diet">Read more.</a> '
            'See <a href="https://example.org/help">getting help</a>.'
        ],
    )
    client.post(add_article_url(), data)
    page = ArticlePage.objects.get(slug="fevers")
    section = unescape(readability_section(client.get(edit_url(page)).content.decode()))
    vague = section[section.index("data-readability-vague-links") :]
    assert "“click here” in Body → Text" in vague
    assert "“Read more.” in Body → Text" in vague
    assert "getting help" not in vague

    target = factories.ArticlePageFactory(title="Widget help line")
    clear = factories.ArticlePageFactory(
        body__0__text__value=f'<p>See <a linktype="page" id="{target.pk}">who to call about a fever</a>.</p>'
    )
    clear_section = unescape(readability_section(client.get(edit_url(clear)).content.decode()))
    assert "Every link says where it goes." in clear_section
