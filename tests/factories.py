"""Factories for code tests: each test builds the pages and snippets it asserts on, so an edit to
the content files cannot break a test of code.

Pages and reviewed snippets go live as an editor's publish does (a revision, then its publish), so
the clinical sign-off rule, the publishing record and the record of change all see them. In tests
that publish is let through sign-off by the autouse fixture in tests/conftest.py. Pass
`published=False` for a page or snippet that exists only as a draft.

Names are invented ("Testumab", "Widget cell"), so they never collide with the loaded content's
unique titles, slugs and keys, and a test that finds one finds its own.
"""

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from django.utils.text import slugify

from wagtail.blocks import RichTextBlock
from wagtail.models import Site

from education import blocks
from education.models import (
    FAQ,
    ArticlePage,
    ConditionPage,
    FAQIndexPage,
    FAQTopic,
    GlossaryPage,
    GlossaryTerm,
    HomePage,
    Reference,
    ReferenceIndexPage,
    SectionPage,
    TherapyTypePage,
)

# Blocks


class RichTextBlockFactory(wagtail_factories.blocks.BlockFactory):
    """Rich text from an HTML string: `text__value="<p>…</p>"`."""

    value = "<p>Plain test words.</p>"

    class Meta:
        model = RichTextBlock

    @classmethod
    def _construct_block(cls, block_class, *args, value, **kwargs):
        return block_class().to_python(value)


class HeadingBlockFactory(wagtail_factories.StructBlockFactory):
    text = factory.Sequence(lambda n: f"Test heading {n}")
    level = "2"

    class Meta:
        model = blocks.HeadingBlock


class UrgencyCalloutBlockFactory(wagtail_factories.StructBlockFactory):
    level = "same_day"
    team = "care_team"
    heading = "Call your team today if you have"
    text = factory.LazyFunction(lambda: RichTextBlock().to_python("<ul><li>a new test symptom</li></ul>"))

    class Meta:
        model = blocks.UrgencyCalloutBlock


class KeyPointsBlockFactory(wagtail_factories.StructBlockFactory):
    heading = "Key points"
    points = factory.LazyFunction(lambda: ["A first test point.", "A second test point."])

    class Meta:
        model = blocks.KeyPointsBlock


class FAQListBlockFactory(wagtail_factories.StructBlockFactory):
    """Shared questions in a page: `body__0__faqs__faqs=[faq, …]`."""

    heading = "Common questions"
    faqs = factory.LazyFunction(list)

    class Meta:
        model = blocks.FAQListBlock


class SourcesBlockFactory(wagtail_factories.StructBlockFactory):
    """Sources for a section: `body__0__sources__references=[reference, …]`."""

    heading = "Sources for this section"
    references = factory.LazyFunction(list)

    class Meta:
        model = blocks.SourcesBlock


class BodyBlockFactory(wagtail_factories.StreamBlockFactory):
    """The page body: `body__0__heading__text="…"`, `body__1__text__value="<p>…</p>"`."""

    heading = factory.SubFactory(HeadingBlockFactory)
    text = factory.SubFactory(RichTextBlockFactory)
    urgent = factory.SubFactory(UrgencyCalloutBlockFactory)
    key_points = factory.SubFactory(KeyPointsBlockFactory)
    faqs = factory.SubFactory(FAQListBlockFactory)
    sources = factory.SubFactory(SourcesBlockFactory)

    class Meta:
        model = blocks.BodyBlock


class MedicineBlockFactory(wagtail_factories.StructBlockFactory):
    generic_name = factory.Sequence(lambda n: f"testumab{n}")
    brand_name = factory.Sequence(lambda n: f"Testra{n}")
    note = ""

    class Meta:
        model = blocks.MedicineBlock


class ClinicalCodeBlockFactory(wagtail_factories.StructBlockFactory):
    system = "icd10cm"
    code = "Z99"
    display = ""

    class Meta:
        model = blocks.ClinicalCodeBlock


# Snippets


class ReviewedSnippetFactory(DjangoModelFactory):
    """A snippet patients read, published from a revision as an editor's publish does."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, published=True, **kwargs):
        instance = model_class(*args, live=False, **kwargs)
        instance.save()
        revision = instance.save_revision()
        if published:
            revision.publish()
            instance.refresh_from_db()
        return instance


class ReferenceFactory(ReviewedSnippetFactory):
    key = factory.Sequence(lambda n: f"TEST{n:04d}")
    authors = "Tester A, Checker B"
    title = factory.Sequence(lambda n: f"A test source number {n}")
    publisher = "Journal of Tests"
    year = 2024
    doi = factory.Sequence(lambda n: f"10.5555/test.{n}")
    pmid = factory.Sequence(lambda n: str(90000000 + n))

    class Meta:
        model = Reference


class GlossaryTermFactory(ReviewedSnippetFactory):
    term = factory.Sequence(lambda n: f"Widget term {n}")
    slug = factory.LazyAttribute(lambda term: slugify(term.term))
    definition = factory.LazyAttribute(lambda term: f"A plain test meaning of {term.term.lower()}.")

    class Meta:
        model = GlossaryTerm


class FAQTopicFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Test topic {n}")
    slug = factory.LazyAttribute(lambda topic: slugify(topic.name))
    sort_order = 0

    class Meta:
        model = FAQTopic


class FAQFactory(ReviewedSnippetFactory):
    key = factory.Sequence(lambda n: f"test-question-{n}")
    topic = factory.SubFactory(FAQTopicFactory)
    question = factory.Sequence(lambda n: f"What is test question {n}?")
    answer = factory.LazyAttribute(lambda faq: f"<p>A short test answer to {faq.question.lower()}</p>")

    class Meta:
        model = FAQ


# Pages


def default_home() -> HomePage:
    """The site's home page, which the loaded site always has: pages go under it unless told. (A
    site has one home page, so there is no factory for a second.)"""
    return Site.objects.get(is_default_site=True).root_page.specific


class PortalPageFactory(wagtail_factories.PageFactory):
    """A content page under `parent` (the site's home page by default), live from a revision."""

    title = factory.Sequence(lambda n: f"Test page {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title))
    search_description = factory.LazyAttribute(lambda page: f"A short test summary of {page.title.lower()}.")
    body = wagtail_factories.StreamFieldFactory(BodyBlockFactory)

    class Meta:
        abstract = True
        # What a hook changes it publishes itself (TherapyTypePageFactory.used_for).
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class, *args, published=True, **kwargs):
        parent = kwargs.pop("parent", None) or default_home()
        page = model_class(*args, live=False, **kwargs)
        parent.add_child(instance=page)
        revision = page.save_revision()
        if published:
            revision.publish()
        return model_class.objects.get(pk=page.pk)


class ArticlePageFactory(PortalPageFactory):
    class Meta:
        model = ArticlePage


class SectionPageFactory(PortalPageFactory):
    class Meta:
        model = SectionPage


class ConditionPageFactory(PortalPageFactory):
    condition_group = "cancer"
    clinical_codes = wagtail_factories.StreamFieldFactory({"code": factory.SubFactory(ClinicalCodeBlockFactory)})

    class Meta:
        model = ConditionPage


class TherapyTypePageFactory(PortalPageFactory):
    how_it_works = "<p>It helps test cells find what they look for.</p>"
    how_given = "<p>Through a drip into a vein.</p>"
    common_side_effects = "<p>Feeling tired.</p>"
    serious_side_effects = wagtail_factories.StreamFieldFactory(BodyBlockFactory)
    medicines = wagtail_factories.StreamFieldFactory({"medicine": factory.SubFactory(MedicineBlockFactory)})
    clinical_codes = wagtail_factories.StreamFieldFactory({"code": factory.SubFactory(ClinicalCodeBlockFactory)})
    questions = wagtail_factories.StreamFieldFactory(
        {"question": factory.SubFactory(wagtail_factories.CharBlockFactory)}
    )

    class Meta:
        model = TherapyTypePage

    @factory.post_generation
    def used_for(page, create, conditions, **kwargs):
        """`used_for=[condition, …]`: saved with a new published revision, as an editor would."""
        if create and conditions:
            page.used_for = conditions
            page.save_revision().publish()


class FAQIndexPageFactory(PortalPageFactory):
    class Meta:
        model = FAQIndexPage


class GlossaryPageFactory(PortalPageFactory):
    class Meta:
        model = GlossaryPage


class ReferenceIndexPageFactory(PortalPageFactory):
    class Meta:
        model = ReferenceIndexPage
