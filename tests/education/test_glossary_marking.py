"""Glossary terms are marked on first use, never inside links or headings, with the definition
on the same page (keyboard, touch, no JavaScript)."""

import pytest

from education.glossary_marking import current_matcher, mark_terms
from education.models import GlossaryTerm

pytestmark = pytest.mark.django_db


def test_first_use_only_and_not_in_links_or_headings():
    html = (
        "<h2>T cells</h2><p>Your <a href='/x/'>T cells</a> are busy.</p>"
        "<p>T cells fight. More T cells help.</p><details><summary>T cells</summary></details>"
    )
    marked, used = mark_terms(html, current_matcher())
    assert marked.count('class="glossary-term"') == 1
    assert "<h2>T cells</h2>" in marked
    assert "<a href='/x/'>T cells</a>" in marked
    assert '<p><a class="glossary-term" id="term-t-cell" href="#define-t-cell">T cells</a> fight.' in marked
    assert [term.slug for term in used] == ["t-cell"]


def test_abbreviations_match_only_in_capitals():
    marked, used = mark_terms("<p>The car park is near. CAR T cells are made.</p>", current_matcher())
    assert "The car park" in marked
    assert 'href="#define-car-t-cell-therapy">CAR T</a> cells' in marked


def test_page_shows_definitions_of_the_words_it_uses(client):
    html = client.get("/types/checkpoint-inhibitors/").content.decode()
    assert 'id="page-glossary-heading"' in html
    assert 'href="#define-t-cell"' in html and 'id="define-t-cell"' in html
    assert 'href="#term-t-cell"' in html


def test_changed_definition_shows_at_once(client):
    term = GlossaryTerm.objects.get(slug="t-cell")
    term.definition = "A new plain definition of a T cell."
    term.save()
    assert "A new plain definition of a T cell." in client.get("/types/checkpoint-inhibitors/").content.decode()
