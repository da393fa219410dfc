"""API serializer fields: what an intranet needs to show a page, not Wagtail's storage format."""

from rest_framework import serializers

from wagtail.contrib.settings.context_processors import settings as settings_context
from wagtail.models import Page

from caching import record
from caching.fragments import cached
from education.glossary_marking import current_matcher, mark_terms
from education.locales import language_of
from education.public import visible


def _rendered(serializer_field, page, stream_field_name: str) -> str:
    """A page's StreamField as HTML, kept like the page's body on the site: under the site-wide
    generation and the page's revision, so another page's publish does not render it again."""
    request = serializer_field.context["request"]

    def render() -> str:
        context = {"request": request, **settings_context(request)}
        return str(getattr(page, stream_field_name).render_as_block(context=context))

    revision = getattr(page, "live_revision_id", None)
    if revision is None or page.alias_of_id:
        return render()
    key = f"api-stream:{page.pk}:{revision}:{stream_field_name}:{request.get_host()}"
    return cached(key, render, scope=record.SITEWIDE_CHANGE)


class RenderedStreamField(serializers.Field):
    """A StreamField as the HTML a patient sees, with page links resolved and the site's phone numbers."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, page) -> str:
        return _rendered(self, page, self.field_name)


class GlossaryTermsUsedField(serializers.Field):
    """The glossary terms a page's body uses, with their definitions."""

    def __init__(self, stream_field_name: str = "body", **kwargs):
        self.stream_field_name = stream_field_name
        super().__init__(source="*", **kwargs)

    def to_representation(self, page) -> list[dict]:
        _, used = mark_terms(_rendered(self, page, self.stream_field_name), current_matcher(language_of(page)))
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


def _visible_ids(ids) -> set[int]:
    return set(visible(Page.objects.filter(pk__in=ids)).values_list("pk", flat=True))


class VisibleChosenPagesField(serializers.Field):
    """A StreamField of chosen pages (related pages), as Wagtail gives it, leaving out every page a
    reader may not see: a draft's or a private page's id is never named."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, page) -> list[dict]:
        stream = getattr(page, self.field_name)
        items = stream.stream_block.get_api_representation(stream, self.context)
        shown = _visible_ids([item["value"] for item in items])
        return [item for item in items if item["value"] in shown]


class VisiblePagesField(serializers.Field):
    """Pages related many-to-many (the conditions a therapy is used for), as Wagtail lists related
    pages, leaving out every page a reader may not see."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, page) -> list[dict]:
        # Imported here: the module loads Wagtail's page model, and this one is loaded by the models.
        from wagtail.api.v2.utils import get_object_detail_url

        request, router = self.context["request"], self.context["router"]
        return [
            {
                "id": linked.pk,
                "meta": {
                    "type": linked._meta.label,
                    "detail_url": get_object_detail_url(router, request, Page, linked.pk),
                },
                "title": linked.title,
            }
            for linked in visible(getattr(page, self.field_name).all()).order_by("path")
        ]
