"""What the API shows of each kind of content, declared beside the API rather than on the models:
the API reads the content model, the content model knows nothing of the API. Wagtail's viewsets
look fields up per model (`get_body_fields`); ReadOnlyAPIMixin asks here instead of `api_fields`."""

from rest_framework import serializers

from wagtail.api import APIField

from education.models import FAQ, ConditionPage, GlossaryTerm, HomePage, TherapyTypePage
from education.models.pages import PortalPage

from .api_fields import (
    CitationsField,
    GlossaryTermsUsedField,
    RenderedStreamField,
    VisibleChosenPagesField,
    VisiblePagesField,
)

EVERY_PAGE = [
    APIField("summary", serializer=serializers.CharField(source="search_description")),
    APIField("body", serializer=RenderedStreamField()),
    APIField("last_reviewed"),
    APIField("next_review_due"),
    APIField("reviewed_by"),
    APIField("references", serializer=CitationsField()),
    APIField("glossary_terms", serializer=GlossaryTermsUsedField()),
    APIField("related_pages", serializer=VisibleChosenPagesField()),
]

FIELDS: dict[type, list[APIField]] = {
    PortalPage: EVERY_PAGE,
    HomePage: [*EVERY_PAGE, APIField("intro")],
    ConditionPage: [*EVERY_PAGE, APIField("condition_group"), APIField("clinical_codes")],
    TherapyTypePage: [
        *EVERY_PAGE,
        APIField("how_it_works"),
        APIField("how_it_works_figure", serializer=RenderedStreamField()),
        APIField("how_given"),
        APIField("used_for", serializer=VisiblePagesField()),
        APIField("common_side_effects"),
        APIField("serious_side_effects", serializer=RenderedStreamField()),
        APIField("questions"),
        APIField("medicines"),
        APIField("clinical_codes"),
    ],
    GlossaryTerm: [APIField("term"), APIField("slug"), APIField("definition"), APIField("other_forms")],
    FAQ: [
        APIField("question"),
        APIField("answer"),
        APIField("topic", serializer=serializers.CharField(source="topic.name")),
    ],
}


def api_fields(model: type) -> list[APIField]:
    """The fields of the nearest kind of content the model is (an article is a PortalPage)."""
    return next((FIELDS[kind] for kind in model.__mro__ if kind in FIELDS), [])
