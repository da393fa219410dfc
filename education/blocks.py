"""Typed body blocks: clinical content is structure, not free rich text."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.text import slugify

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from education.clinical_codes import is_icd10cm
from education.diagrams import DIAGRAMS, diagram_choices

# Plain-language guidance prefers bold to italics; no headings, embeds or raw HTML in body text.
RICH_TEXT_FEATURES = ["bold", "link", "ol", "ul"]

URGENCY_LEVELS = [
    ("contact_team", "Contact your care team"),
    ("same_day", "Get urgent advice today"),
    # At once, day or night, but the team rather than emergency services: fever after CAR T-cell
    # therapy or a bispecific antibody (content brief: STJ, ECT).
    ("team_now", "Call the team now, day or night"),
    ("emergency", "Call emergency services now"),
]
# Whose number a callout shows; a cell-therapy centre often has its own (PortalSettings).
TEAMS = [("care_team", "The care team"), ("cell_therapy", "The CAR-T (cell therapy) team")]

# Phone numbers live in site settings so that one change updates every page.
PHONE_NUMBER = re.compile(r"\d[\d ()-]{5,}\d")


def _struct_error(field: str, message: str) -> StructBlockValidationError:
    return StructBlockValidationError(block_errors={field: ValidationError(message)})


class HeadingBlock(blocks.StructBlock):
    """A section heading that knows its level and gives itself an anchor."""

    text = blocks.CharBlock(max_length=120, help_text="Short and plain. A question works well.")
    level = blocks.ChoiceBlock(choices=[("2", "Section (h2)"), ("3", "Subsection (h3)")], default="2")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["anchor"] = slugify(value["text"])
        return context

    def clean(self, value):
        value = super().clean(value)
        if value["text"].strip().endswith(":"):
            raise _struct_error("text", "Headings should not end with a colon.")
        return value

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        description = "A heading that starts a new section of the page."
        preview_value = {"text": "How is it given?", "level": "2"}


class UrgencyCalloutBlock(blocks.StructBlock):
    """What to do about a symptom, at one of four levels of urgency, with the number to call."""

    level = blocks.ChoiceBlock(choices=URGENCY_LEVELS, default="contact_team")
    # Not required: a callout saved before teams existed, or posted without one, is the care team's.
    team = blocks.ChoiceBlock(
        choices=TEAMS,
        default="care_team",
        required=False,
        help_text="Whose number the callout shows (not for emergencies, which show the emergency number).",
    )
    heading = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        help_text="Action first, very short sentences. Phone numbers come from site settings.",
    )

    def clean(self, value):
        value = super().clean(value)
        if PHONE_NUMBER.search(value["text"].source):
            raise _struct_error(
                "text",
                "Do not type phone numbers here: the callout shows the numbers from site settings.",
            )
        return value

    class Meta:
        icon = "warning"
        template = "blocks/urgency_callout_block.html"
        description = "Tells the reader who to contact and how fast, using the site's phone numbers."
        preview_value = {
            "level": "same_day",
            "heading": "Call your team today if you have",
            "text": "<ul><li>a new cough</li><li>diarrhoea</li></ul>",
        }


class CalloutBlock(blocks.StructBlock):
    """A boxed note: information or a warning that is not about urgent symptoms."""

    kind = blocks.ChoiceBlock(choices=[("info", "Information"), ("warning", "Warning")], default="info")
    heading = blocks.CharBlock(max_length=120, required=False)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        template = "blocks/callout_block.html"
        description = "An information or warning box."
        preview_value = {"kind": "info", "heading": "Good to know", "text": "<p>Results vary.</p>"}


class DetailsBlock(blocks.StructBlock):
    """A section the reader opens when they want more detail."""

    summary = blocks.CharBlock(max_length=160, help_text="The label the reader clicks or taps.")
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "list-ul"
        template = "blocks/details_block.html"
        description = "A closed section that opens to show more detail."
        preview_value = {"summary": "What is a T cell?", "text": "<p>A white blood cell.</p>"}


class DoDontBlock(blocks.StructBlock):
    """Two short lists: what to do and what not to do."""

    do = blocks.ListBlock(blocks.CharBlock(max_length=200), label="Do", min_num=0)
    dont = blocks.ListBlock(blocks.CharBlock(max_length=200), label="Don't", min_num=0)

    def clean(self, value):
        value = super().clean(value)
        if not value["do"] and not value["dont"]:
            raise _struct_error("do", "Add at least one 'do' or 'don't' item.")
        return value

    class Meta:
        icon = "tick"
        template = "blocks/do_dont_block.html"
        description = "Lists of things to do and not to do."
        preview_value = {"do": ["Tell your team about new symptoms"], "dont": ["Treat side effects yourself"]}


class KeyPointsBlock(blocks.StructBlock):
    """The few facts a reader should take away."""

    heading = blocks.CharBlock(max_length=80, default="Key points")
    points = blocks.ListBlock(blocks.CharBlock(max_length=240), min_num=1, max_num=7)

    class Meta:
        icon = "pick"
        template = "blocks/key_points_block.html"
        description = "A short box of the main points (seven at most)."
        preview_value = {"heading": "Key points", "points": ["Results vary", "Report side effects early"]}


class SymptomRowBlock(blocks.StructBlock):
    symptom = blocks.CharBlock(max_length=200)
    action = blocks.CharBlock(max_length=240, label="What to do")
    urgency = blocks.ChoiceBlock(choices=URGENCY_LEVELS, label="How fast")


class SymptomTableBlock(blocks.StructBlock):
    """Symptom, what to do, and how fast: the format patients act on."""

    caption = blocks.CharBlock(max_length=160)
    rows = blocks.ListBlock(SymptomRowBlock(), min_num=1)

    class Meta:
        icon = "table"
        template = "blocks/symptom_table_block.html"
        description = "A table of symptoms with what to do and how fast."
        preview_value = {
            "caption": "Side effects to report",
            "rows": [{"symptom": "New cough", "action": "Call your team", "urgency": "same_day"}],
        }


class FAQListBlock(blocks.StructBlock):
    """Shared questions and answers shown inside a page."""

    heading = blocks.CharBlock(max_length=120, default="Common questions")
    faqs = blocks.ListBlock(SnippetChooserBlock("education.FAQ"), min_num=1)

    def clean(self, value):
        value = super().clean(value)
        ids = [faq.pk for faq in value["faqs"] if faq]
        if len(ids) != len(set(ids)):
            raise _struct_error("faqs", "Each question can appear only once.")
        return value

    class Meta:
        icon = "help"
        template = "blocks/faq_list_block.html"
        description = "Questions and answers from the shared FAQ list."


class SourcesBlock(blocks.StructBlock):
    """Sources for one section, when the page's reference list is not enough."""

    heading = blocks.CharBlock(max_length=80, default="Sources for this section")
    references = blocks.ListBlock(SnippetChooserBlock("education.Reference"), min_num=1)

    class Meta:
        icon = "doc-full"
        template = "blocks/sources_block.html"
        description = "A short list of sources, chosen from the shared reference list."


class PortalImageBlock(ImageBlock):
    """An image that needs alt text unless marked decorative (Wagtail's ImageBlock)."""

    class Meta:
        template = "blocks/image_block.html"
        description = "An image with alt text, or marked as decorative."


class FigureBlock(blocks.StructBlock):
    """A diagram from the vetted set (education/diagrams.py) with a caption, alt text and a long
    description shown under it, so the figure makes sense with images off or unseen."""

    diagram = blocks.ChoiceBlock(
        choices=diagram_choices, help_text="Pick a diagram. New diagrams are added by developers."
    )
    caption = blocks.CharBlock(max_length=160, help_text="A short title shown above the diagram.")
    alt = blocks.CharBlock(
        max_length=250,
        label="Alt text",
        help_text="One or two sentences on what the diagram shows, for people who cannot see it.",
    )
    description = blocks.TextBlock(
        max_length=1500,
        label="Long description",
        help_text="Everything the diagram says, in words, shown under it. Leave a blank line between paragraphs.",
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # A diagram since taken out of the set leaves its caption and description on the page.
        context["diagram"] = DIAGRAMS.get(value["diagram"])
        # The description's id must be unique on the page; the same diagram twice needs two captions.
        context["figure_id"] = f"figure-{value['diagram']}-{slugify(value['caption'])[:40].strip('-')}"
        return context

    def clean(self, value):
        # Checked before the children so an editor reads what to do, not a generic "invalid choice".
        errors = {}
        if value.get("diagram") not in DIAGRAMS:
            names = ", ".join(DIAGRAMS)
            errors["diagram"] = ValidationError(f"There is no diagram {value.get('diagram')!r}. Pick one of: {names}.")
        if not (value.get("alt") or "").strip():
            errors["alt"] = ValidationError("Add alt text: say in a sentence what the diagram shows.")
        try:
            value = super().clean(value)
        except StructBlockValidationError as error:
            errors = {**error.block_errors, **errors}
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    class Meta:
        icon = "image"
        template = "blocks/figure_block.html"
        label = "Diagram"
        description = "A diagram from the site's own set, with a caption, alt text and a description in words."
        preview_value = {
            "diagram": "immune_check",
            "caption": "How your immune system spots cells that have gone wrong",
            "alt": "A T cell leaves a healthy cell alone and kills a cancer cell with a wrong marker.",
            "description": "A T cell checks the markers on two cells.\n\nIt leaves the healthy cell alone. It kills the cancer cell.",
        }


class StoredDataBlock(blocks.StructBlock):
    """What the portal stores about people and for how long, for a privacy notice. The rows are
    written in code beside the clean-up (settings.STORED_DATA_ROWS, operations/retention.py) and
    the periods read from settings, so the table always says what the site really does; editors
    choose only its caption. Named in settings: the content model imports no app above it."""

    caption = blocks.CharBlock(max_length=160, default="What we store and for how long")

    @staticmethod
    def rows() -> list:
        return import_string(settings.STORED_DATA_ROWS)()

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["rows"] = self.rows()
        return context

    class Meta:
        icon = "table"
        template = "blocks/stored_data_block.html"
        label = "Stored data and retention table"
        description = "The privacy table: what the site stores, why, and for how long (filled in by the site)."
        preview_value = {"caption": "What we store and for how long"}


class AlertCardBlock(blocks.StaticBlock):
    """The wallet-sized alert card a patient prints, fills in by hand and shows to any doctor or
    emergency team. Its wording is fixed in its template, each sentence traced there to the content
    brief; the organisation, phone numbers and the QR code's page come from the site settings, so
    editors place the card but do not write it. It has no form: the site stores nothing about
    the person who carries it."""

    class Meta:
        icon = "doc-full"
        template = "blocks/alert_card_block.html"
        label = "Printable alert card"
        admin_text = (
            "The printable alert card. Its organisation, phone numbers and QR code come from the "
            "Portal settings; its wording is fixed."
        )
        description = "A wallet-sized card to print, cut out and fold, filled in from the site settings."


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="blocks/text_block.html",
        description="Paragraphs and lists.",
        preview_value="<p>Immunotherapy helps your immune system fight cancer.</p>",
    )
    urgent = UrgencyCalloutBlock(label="Urgency callout")
    callout = CalloutBlock()
    details = DetailsBlock()
    do_dont = DoDontBlock(label="Do and don't")
    key_points = KeyPointsBlock()
    symptom_table = SymptomTableBlock()
    image = PortalImageBlock()
    figure = FigureBlock()
    faqs = FAQListBlock(label="FAQs")
    sources = SourcesBlock()
    stored_data = StoredDataBlock()
    alert_card = AlertCardBlock()

    class Meta:
        # A page prints one card.
        block_counts = {"alert_card": {"max_num": 1}}


class MedicineBlock(blocks.StructBlock):
    """An example medicine: generic name first, brand in brackets."""

    generic_name = blocks.CharBlock(max_length=80)
    brand_name = blocks.CharBlock(max_length=80, required=False)
    note = blocks.CharBlock(max_length=200, required=False, help_text="For example what it targets.")

    class Meta:
        icon = "pick"
        template = "blocks/medicine_block.html"
        preview_value = {"generic_name": "pembrolizumab", "brand_name": "Keytruda", "note": "Blocks PD-1"}


CODE_SYSTEMS = [
    ("icd10cm", "ICD-10-CM (diagnoses)"),
    ("snomed", "SNOMED CT"),
    ("rxnorm", "RxNorm (medicines)"),
    ("loinc", "LOINC (tests)"),
]


class ClinicalCodeBlock(blocks.StructBlock):
    """A code that an electronic health record uses for this condition or medicine (Infobutton)."""

    system = blocks.ChoiceBlock(choices=CODE_SYSTEMS)
    code = blocks.CharBlock(
        max_length=40, help_text="For example C43 (ICD-10-CM; also matches C43.9) or 1547545 (RxNorm)."
    )
    display = blocks.CharBlock(max_length=120, required=False, help_text="The code's name, for editors' reference.")

    def clean(self, value):
        value = super().clean(value)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,39}", value["code"]):
            raise _struct_error("code", "Use letters, digits, dots and hyphens only, for example C43 or C43.9.")
        if value["system"] == "icd10cm" and not is_icd10cm(value["code"]):
            # A shorter stem would answer codes outside its category (C4 would take C43 and C44).
            raise _struct_error(
                "code", "An ICD-10-CM code is a category (C43), a subcode (C43.9) or a block of categories (C00-D49)."
            )
        return value

    class Meta:
        icon = "tag"
        template = "blocks/clinical_code_block.html"
        description = "A diagnosis or medicine code that links health records to this page."
        preview_value = {"system": "icd10cm", "code": "C43", "display": "Malignant melanoma of skin"}
