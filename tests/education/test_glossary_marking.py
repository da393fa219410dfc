"""Glossary terms are marked on first use, never inside links or headings, with the definition
on the same page (keyboard, touch, no JavaScript)."""

import pytest

from education.glossary_marking import current_matcher, mark_terms
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def widget_cell():
    return factories.GlossaryTermFactory(term="Widget cell", also_known_as="Widget cells")


def test_first_use_only_and_not_in_links_or_headings(widget_cell):
    html = (
        "<h2>Widget cells</h2><p>Your <a href='/x/'>Widget cells</a> are busy.</p>"
        "<p>Widget cells fight. More Widget cells help.</p><details><summary>Widget cells</summary></details>"
    )
    marked, used = mark_terms(html, current_matcher("en"))
    assert marked.count('class="glossary-term"') == 1
    assert "<h2>Widget cells</h2>" in marked
    assert "<a href='/x/'>Widget cells</a>" in marked
    assert (
        '<p><a class="glossary-term" id="term-widget-cell" href="#define-widget-cell">Widget cells</a> fight.' in marked
    )
    assert [term.slug for term in used] == ["widget-cell"]


def test_abbreviations_match_only_in_capitals():
    factories.GlossaryTermFactory(term="Widget gadget therapy", also_known_as="WGT")
    marked, used = mark_terms("<p>The wgt park is near. WGT cells are made.</p>", current_matcher("en"))
    assert "The wgt park" in marked
    assert 'href="#define-widget-gadget-therapy">WGT</a> cells' in marked


def test_page_shows_definitions_of_the_words_it_uses(client, widget_cell):
    page = factories.ArticlePageFactory(body__0__text__value="<p>Your Widget cells keep you well.</p>")
    html = client.get(page.url).content.decode()
    assert 'id="page-glossary-heading"' in html
    assert 'href="#define-widget-cell"' in html and 'id="define-widget-cell"' in html
    assert 'href="#term-widget-cell"' in html


def test_changed_definition_shows_at_once(client, widget_cell):
    page = factories.ArticlePageFactory(body__0__text__value="<p>Your Widget cells keep you well.</p>")
    client.get(page.url)  # the page and its definitions are kept, then must change
    widget_cell.definition = "A new plain definition of a widget cell."
    widget_cell.save()
    assert "A new plain definition of a widget cell." in client.get(page.url).content.decode()
