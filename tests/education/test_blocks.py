"""Every body block renders through its own template and refuses bad input with a clear message."""

import pytest

from django.core.exceptions import ValidationError
from django.test import RequestFactory

from wagtail.blocks import StreamValue
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.rich_text import RichText

from education import blocks
from education.models import PortalSettings
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(site):
    request = RequestFactory().get("/")
    request.site = site
    from wagtail.contrib.settings.context_processors import settings as settings_processor

    return {"request": request, **settings_processor(request)}


def render(block, raw_value, context) -> str:
    value = block.to_python(raw_value) if not isinstance(raw_value, StreamValue) else raw_value
    return block.render(value, context)


def test_heading_block_renders_level_and_anchor(context):
    html = render(blocks.HeadingBlock(), {"text": "How is it given?", "level": "3"}, context)
    assert html.strip() == '<h3 id="how-is-it-given">How is it given?</h3>'


def test_heading_block_refuses_a_trailing_colon():
    block = blocks.HeadingBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"text": "Symptoms:", "level": "2"}))
    assert "should not end with a colon" in str(error.value.block_errors["text"])


@pytest.mark.parametrize(
    ("level", "label", "number"),
    [
        ("emergency", "Emergency", "999"),
        ("team_now", "Urgent: call now, day or night", "0000 000 000"),
        ("same_day", "Urgent: get advice today", "0000 000 000"),
        ("contact_team", "Contact your care team", "0000 000 000"),
    ],
)
def test_urgency_callout_shows_level_and_numbers_from_settings(context, portal_settings, level, label, number):
    html = render(
        blocks.UrgencyCalloutBlock(),
        {"level": level, "heading": "If you have a fever", "text": "<p>Act now.</p>"},
        context,
    )
    assert f"urgent--{level}" in html
    assert label in html
    assert number in html
    assert "If you have a fever" in html


def test_a_car_t_callout_shows_the_car_t_teams_own_number_or_else_the_care_teams(context, portal_settings):
    value = {"level": "team_now", "team": "cell_therapy", "heading": "Had CAR T cells?", "text": "<p>A fever.</p>"}
    html = render(blocks.UrgencyCalloutBlock(), value, context)
    assert "Call the CAR-T team's 24-hour number now." in html and 'href="tel:0000000000"' in html
    portal_settings.cell_therapy_team_phone = "0161 446 3000"
    portal_settings.save()
    context = {**context, "settings": {"education": {"PortalSettings": portal_settings}}}
    html = render(blocks.UrgencyCalloutBlock(), value, context)
    assert 'href="tel:01614463000"' in html and "0161 446 3000" in html and "0000 000 000" not in html


def test_urgency_callout_refuses_typed_phone_numbers():
    block = blocks.UrgencyCalloutBlock()
    value = block.to_python({"level": "same_day", "heading": "Call", "text": "<p>Ring 0161 555 0199.</p>"})
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "Do not type phone numbers here" in str(error.value.block_errors["text"])


def test_callout_block_renders_kind_and_heading(context):
    html = render(blocks.CalloutBlock(), {"kind": "warning", "heading": "Be careful", "text": "<p>Text.</p>"}, context)
    assert "callout--warning" in html and "Be careful" in html and "<p>Text.</p>" in html


def test_details_block_uses_native_details(context):
    html = render(blocks.DetailsBlock(), {"summary": "More about T cells", "text": "<p>They fight.</p>"}, context)
    assert "<details" in html and "<summary>More about T cells</summary>" in html


def test_do_dont_block_renders_both_lists(context):
    html = render(blocks.DoDontBlock(), {"do": ["Rest"], "dont": ["Treat it yourself"]}, context)
    assert "<h3>Do</h3>" in html and "<li>Rest</li>" in html
    assert "<h3>Don't</h3>" in html and "<li>Treat it yourself</li>" in html


def test_do_dont_block_needs_an_item():
    block = blocks.DoDontBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"do": [], "dont": []}))


def test_key_points_block_renders_points(context):
    html = render(blocks.KeyPointsBlock(), {"heading": "Key points", "points": ["One", "Two"]}, context)
    assert "<li>One</li>" in html and "<li>Two</li>" in html


def test_key_points_block_allows_at_most_seven():
    block = blocks.KeyPointsBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"heading": "Key points", "points": [str(n) for n in range(8)]}))


def test_symptom_table_renders_an_accessible_table(context):
    html = render(
        blocks.SymptomTableBlock(),
        {"caption": "Report these", "rows": [{"symptom": "Chest pain", "action": "Call now", "urgency": "emergency"}]},
        context,
    )
    assert '<caption id="table-report-these">Report these</caption>' in html
    # A phone-width table may scroll, so its region is named and reachable by keyboard.
    assert 'role="region" tabindex="0" aria-labelledby="table-report-these"' in html
    assert '<th scope="row">Chest pain</th>' in html
    assert "Emergency: call now" in html


def test_faq_block_renders_chosen_questions_and_refuses_duplicates(context):
    faq = factories.FAQFactory(question="Can I test a widget's block?")
    block = blocks.FAQListBlock()
    html = render(block, {"heading": "Questions", "faqs": [faq.pk]}, context)
    assert faq.question.replace("'", "&#x27;") in html
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"heading": "Questions", "faqs": [faq.pk, faq.pk]}))
    assert "Each question can appear only once." in str(error.value.block_errors["faqs"])


def test_sources_block_renders_citations(context):
    reference = factories.ReferenceFactory(doi="10.5555/block.2024", pmid="91230000")
    html = render(blocks.SourcesBlock(), {"heading": "Sources", "references": [reference.pk]}, context)
    assert "doi:10.5555/block.2024" in html and "PMID: 91230000" in html


def test_medicine_block_puts_generic_name_first(context):
    html = render(
        blocks.MedicineBlock(), {"generic_name": "nivolumab", "brand_name": "Opdivo", "note": "PD-1"}, context
    )
    assert html.strip() == "<li><strong>nivolumab</strong> (Opdivo): PD-1</li>"


def test_text_block_renders_rich_text(context):
    block = blocks.BodyBlock().child_blocks["text"]
    assert "<p>Hello</p>" in block.render(RichText("<p>Hello</p>"), context)


def test_image_block_needs_alt_text_or_decorative(context):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Drip", file=get_test_image_file())
    block = blocks.PortalImageBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "decorative": False}))
    html = render(block, {"image": image.pk, "alt_text": "A drip stand", "decorative": False}, context)
    assert 'alt="A drip stand"' in html
    decorative = render(block, {"image": image.pk, "alt_text": "", "decorative": True}, context)
    assert 'alt=""' in decorative


def test_every_body_block_has_a_template_icon_and_description():
    for name, block in blocks.BodyBlock().child_blocks.items():
        assert block.meta.template, name
        assert block.meta.icon, name
        assert block.meta.description, name


def test_settings_numbers_become_tel_links(portal_settings):
    portal_settings.care_team_phone = "+44 (0)20 7946 0000"
    assert portal_settings.care_team_phone_href == "tel:+4402079460000"
    assert PortalSettings(emergency_number="9-1-1").emergency_number_href == "tel:911"
