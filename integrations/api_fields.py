"""API serializer fields: what an intranet needs to show a page, not Wagtail's storage format."""

from rest_framework import serializers

from wagtail.contrib.settings.context_processors import settings as settings_context

from education.glossary_marking import current_matcher, mark_terms


def _render_context(serializer_field) -> dict:
    request = serializer_field.context["request"]
    return {"request": request, **settings_context(request)}


class RenderedStreamField(serializers.Field):
    """A StreamField as the HTML a patient sees, with page links resolved and the site's phone numbers."""

    def to_representation(self, value) -> str:
        return str(value.render_as_block(context=_render_context(self)))


class GlossaryTermsUsedField(serializers.Field):
    """The glossary terms a page's body uses, with their definitions."""

    def __init__(self, stream_field_name: str = "body", **kwargs):
        self.stream_field_name = stream_field_name
        super().__init__(source="*", **kwargs)

    def to_representation(self, page) -> list[dict]:
        html = str(getattr(page, self.stream_field_name).render_as_block(context=_render_context(self)))
        _, used = mark_terms(html, current_matcher())
        return [{"term": term.term, "slug": term.slug, "definition": term.definition} for term in used]


class CitationsField(serializers.Field):
    """The page's references as citations, in the order the page lists them."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, page) -> list[dict]:
        return [
            {
                "number": number,
                "key": reference.key,
                "authors": reference.authors,
                "title": reference.title,
                "publisher": reference.publisher,
                "year": reference.year,
                "doi": reference.doi,
                "pmid": reference.pmid,
                "url": reference.link,
            }
            for number, reference in enumerate(page.cited_references, start=1)
        ]
