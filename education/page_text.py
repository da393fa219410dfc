"""The words a patient reads on a page, taken from the live page object.

The content tests and `manage.py content_report` measure this text (and the editor's readability
panel is to reuse it), so a page gets the same grade wherever it is measured. The title, navigation,
generated listings, reference lists and the standard note are left out: they are not the
page's own writing. Every paragraph, list item, heading and table cell is one line, which is
how `education.readability.score_text` expects it.
"""

import re
from html import unescape

from django.utils.html import strip_tags

from wagtail import blocks
from wagtail.blocks import StreamValue
from wagtail.models import Page

from education.blocks import FAQListBlock, StoredDataBlock, UrgencyCalloutBlock
from education.models import GlossaryTerm, HomePage, TherapyTypePage

# Reading-level targets from the content brief (section 10.1), the one place every check reads
# them from (content tests, content_report, the editor's readability panel): a hard ceiling for
# explanations, by both formulas (a page passes only if SMOG is within it), the grade to aim for,
# and a lower ceiling for the boxes that tell a reader what to do about a symptom.
CEILING_GRADE = 8
AIM_GRADE = 6
MAX_URGENT_FK_GRADE = 6
# The same targets for Spanish pages, on the Spanish reading-ease scales (higher is easier):
# Fernández-Huerta 60 ("normal") matches the grade-8 ceiling, 70 ("fairly easy") the aim;
# Szigriszt-Pazos's INFLESZ scale calls 55 "normal".
MIN_SPANISH_EASE = {"fernandez_huerta": 60, "szigriszt_pazos": 55}
AIM_SPANISH_EASE = {"fernandez_huerta": 70, "szigriszt_pazos": 65}

# Generic drug names that pages use in running text without listing them as the page's own
# medicines (for example the antibodies named on the cancer page). Like the medicine lists,
# they are needed and would otherwise inflate the grade. Add a name here when a page uses it.
RUNNING_TEXT_DRUG_NAMES = [
    "adalimumab",
    "blinatumomab",
    "daratumumab",
    "etanercept",
    "infliximab",
    "linvoseltamab",
    "pembrolizumab",
    "rituximab",
    "sipuleucel-T",
    "tebentafusp",
    "teclistamab",
    "tocilizumab",
]

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6])>|<br\s*/?>", re.IGNORECASE)


def richtext_lines(html: str) -> str:
    """Rich text as plain text, one paragraph or list item per line."""
    text = unescape(strip_tags(_BLOCK_END.sub("\n", html)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def block_lines(block: blocks.Block, value) -> list[str]:
    """The patient text in a block's value, read from the block's own definition, so a new block
    is measured with no change here. Choices and chosen objects are keys, not the page's words."""
    if value is None:
        return []
    if isinstance(block, FAQListBlock):
        return [
            value["heading"],
            *(line for faq in value["faqs"] if faq for line in (faq.question, richtext_lines(faq.answer))),
        ]
    if isinstance(block, StoredDataBlock):
        # The rows are written by the site (operations/retention.py), but patients read them here.
        return [value["caption"], *(cell for row in block.rows() for cell in (row.what, row.why, row.how_long))]
    if isinstance(block, blocks.StreamBlock):
        return [line for child in value for line in block_lines(child.block, child.value)]
    if isinstance(block, blocks.StructBlock):
        return [line for name, child in block.child_blocks.items() for line in block_lines(child, value.get(name))]
    if isinstance(block, blocks.ListBlock):
        return [line for item in value for line in block_lines(block.child_block, item)]
    if isinstance(block, blocks.RichTextBlock):
        return [richtext_lines(value.source)]
    if isinstance(block, (blocks.CharBlock, blocks.TextBlock)):
        return [value]
    return []


def _stream_lines(stream: StreamValue) -> list[str]:
    return block_lines(stream.stream_block, stream)


def _therapy_lines(page: TherapyTypePage) -> list[str]:
    medicines = []
    for block in page.medicines:
        # As the medicine list shows it: "generic (brand): note".
        medicine = block.value
        brand = f" ({medicine['brand_name']})" if medicine["brand_name"] else ""
        note = f": {medicine['note']}" if medicine["note"] else ""
        medicines.append(f"{medicine['generic_name']}{brand}{note}")
    return [
        richtext_lines(page.how_it_works),
        *_stream_lines(page.how_it_works_figure),
        *medicines,
        richtext_lines(page.how_given),
        richtext_lines(page.common_side_effects),
        *_stream_lines(page.serious_side_effects),
        *(block.value for block in page.questions),
    ]


def page_text(page: Page) -> str:
    """The page's own patient text, in the order the page shows it; the title is left out."""
    lines = [page.search_description]
    if isinstance(page, HomePage):
        lines.append(richtext_lines(page.intro))
    if isinstance(page, TherapyTypePage):
        lines.extend(_therapy_lines(page))
    lines.extend(_stream_lines(page.body))
    return "\n".join(line for line in lines if line)


def urgent_texts(page: Page) -> list[str]:
    """Each urgency callout on the page (heading and text), for the stricter safety target."""
    streams = [page.body]
    if isinstance(page, TherapyTypePage):
        streams.append(page.serious_side_effects)
    return [
        "\n".join(block_lines(block.block, block.value))
        for stream in streams
        for block in stream
        if isinstance(block.block, UrgencyCalloutBlock)
    ]


def excluded_terms(page: Page) -> list[str]:
    """Words left out of the score: glossary terms, and drug names (brief, section 10.2)."""
    terms = [*glossary_forms(page.locale_id), *RUNNING_TEXT_DRUG_NAMES]
    if isinstance(page, TherapyTypePage):
        terms.extend(block.value["generic_name"] for block in page.medicines)
    return terms


def glossary_forms(locale_id: int) -> list[str]:
    """Every glossary term of a language and its other forms, as the site marks them in text."""
    terms = GlossaryTerm.objects.live().filter(locale_id=locale_id)
    return [form for term in terms for form in (term.term, *term.other_forms)]
