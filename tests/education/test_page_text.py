"""The patient text of a page, which the reading-level checks score: every kind of field, in the
order the page shows it, without the title."""

import pytest

from education.page_text import page_text
from tests import factories
from tests.conftest import page_at

pytestmark = pytest.mark.django_db


def test_page_text_holds_every_kind_of_field():
    faq = factories.FAQFactory(question="Can I take a widget on holiday?")
    page = factories.TherapyTypePageFactory(
        parent=factories.SectionPageFactory(),
        title="Widget therapy",
        search_description="Widget therapy wakes up tired immune cells.",
        how_it_works="<p>Most widget drugs block the ZQ-9 switch.</p>",
        medicines__0__medicine__generic_name="quintarumab",
        medicines__0__medicine__brand_name="Quintrana",
        medicines__0__medicine__note="Blocks ZQ-9",
        how_given="<p>A visit for the drip takes about an hour.</p>",
        common_side_effects="<p>Aches in your joints.</p>",
        serious_side_effects=[
            {
                "type": "urgent",
                "value": {
                    "level": "emergency",
                    "team": "care_team",
                    "heading": "Call the emergency number now if you have",
                    "text": "<ul><li>chest pain</li><li>trouble breathing</li></ul>",
                },
            },
            {
                "type": "symptom_table",
                "value": {
                    "caption": "Signs to report",
                    "rows": [
                        {"symptom": "Yellow skin or eyes", "action": "Call your team today", "urgency": "same_day"}
                    ],
                },
            },
        ],
        questions__0__question__value="Will I get an alert card to carry?",
        body__0__faqs__faqs=[faq],
        body__1__key_points__points=["Widget therapy is the most common type."],
    )
    text = page_text(page)
    for words in [
        "Widget therapy wakes up tired immune cells.",  # summary
        "Most widget drugs block the ZQ-9 switch.",  # how it works (rich text)
        "quintarumab (Quintrana): Blocks ZQ-9",  # medicines
        "A visit for the drip takes about an hour.",  # how it is given
        "Aches in your joints.",  # common side effects
        "Call the emergency number now if you have\nchest pain\n",  # urgent callout, an item a line
        "Yellow skin or eyes",  # symptom table cell
        "Will I get an alert card to carry?",  # questions
        "Can I take a widget on holiday?",  # inline FAQ
        "Widget therapy is the most common type.",  # key points
    ]:
        assert words in text
    assert page.title not in text.splitlines()


def test_the_home_pages_text_holds_its_intro():
    home = page_at("/")
    home.intro = "<p>Widgets help your body find what went wrong.</p>"
    home.save_revision().publish()
    assert "Widgets help your body find what went wrong." in page_text(page_at("/"))
