"""Page types. Each declares where it may live, what is searchable and what the API shows."""

from collections import defaultdict

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import cached_property, classproperty
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.blocks import CharBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, ReferenceIndex
from wagtail.search import index

from education.blocks import RICH_TEXT_FEATURES, BodyBlock, FigureBlock, MedicineBlock
from education.panels import EmbedCodePanel, TranslationSourcePanel
from education.public import view_restrictions, visible
from education.translation_form import PortalPageForm

from .mixins import (
    CitationsMixin,
    ClinicalCodesMixin,
    RelatedPagesMixin,
    ReviewDatesMixin,
    SummaryMixin,
    TranslationMixin,
)
from .snippets import FAQ, FAQTopic, GlossaryTerm, Reference

PROMOTE_PANELS = [
    MultiFieldPanel(
        [FieldPanel("slug"), FieldPanel("seo_title"), FieldPanel("show_in_menus")],
        heading="Address and menus",
    ),
    EmbedCodePanel(heading="Embed this page in another site"),
]


class PortalPage(SummaryMixin, ReviewDatesMixin, CitationsMixin, RelatedPagesMixin, TranslationMixin, Page):
    """What every content page has: summary, body, review dates, references, related pages."""

    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, SummaryMixin.summary_panel, FieldPanel("body")]
    sources_panels = [*ReviewDatesMixin.review_panels, FieldPanel("references"), FieldPanel("related_pages")]
    coded_sources_panels = [*sources_panels, FieldPanel("clinical_codes")]
    promote_panels = PROMOTE_PANELS
    translation_panels = [TranslationSourcePanel("translated_from_current_english")]
    base_form_class = PortalPageForm

    search_fields = [*Page.search_fields, *SummaryMixin.summary_search_fields, index.SearchField("body")]

    class Meta:
        abstract = True

    @classproperty
    def edit_handler(cls):
        # A class property, so each page type's own panel lists make its tabs.
        return TabbedInterface(
            [
                ObjectList(cls.content_panels, heading="Content"),
                ObjectList(cls.sources_panels, heading="Review and sources"),
                ObjectList(cls.promote_panels, heading="Promote"),
                ObjectList(cls.settings_panels, heading="Settings"),
                ObjectList(cls.translation_panels, heading="Translation"),
            ]
        )

    @property
    def holds_alert_card(self) -> bool:
        """Whether the body has the printable alert card. That page asks the reader to write their
        name, on paper: it offers no text box beside it where they might type it instead."""
        # The stored block types only: iterating the body would load every snippet it chooses,
        # a query for each kind on every render, where the rendered body is a kept fragment.
        return any(block["type"] == "alert_card" for block in self.body.raw_data)

    def get_view_restrictions(self):
        # Wagtail checks these before it serves a page: decided where every channel decides.
        return view_restrictions(self)

    def get_sitemap_urls(self, request=None):
        # The address the reader used (validated by ALLOWED_HOSTS), not the Site record's
        # hostname, which a single-site intranet install rarely keeps up to date.
        url = request.build_absolute_uri(self.get_url(request)) if request else self.get_full_url()
        return [{"location": url, "lastmod": self.last_published_at or self.latest_revision_created_at}]


class HomePage(PortalPage):
    """The front door: a short definition and routes to every section."""

    intro = RichTextField(features=["bold", "link"], help_text="One or two sentences that say what immunotherapy is.")

    content_panels = [*Page.content_panels, SummaryMixin.summary_panel, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*PortalPage.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "education.SectionPage",
        "education.ArticlePage",
        "education.FAQIndexPage",
        "education.GlossaryPage",
        "education.ReferenceIndexPage",
    ]
    # One front door per language: the Spanish home is the English home's translation.
    max_count = len(settings.WAGTAIL_CONTENT_LANGUAGES)

    class Meta:
        verbose_name = "home page"


class SectionPage(PortalPage):
    """A hub, such as 'Types of immunotherapy', that lists its pages with their summaries."""

    parent_page_types = ["education.HomePage", "education.SectionPage"]
    subpage_types = [
        "education.ArticlePage",
        "education.TherapyTypePage",
        "education.ConditionPage",
        "education.SectionPage",
    ]

    class Meta:
        verbose_name = "section page"


class ArticlePage(PortalPage):
    """A page of explanation, such as 'Side effects and monitoring'."""

    parent_page_types = ["education.HomePage", "education.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = "article page"


class ConditionPage(ClinicalCodesMixin, PortalPage):
    """Where immunotherapy is used; lists the therapy types that name this condition.

    A broad condition (cancer) is the hub of the narrower ones under it (melanoma, lung cancer …):
    it lists them, the breadcrumbs show the way back, and Infobutton answers the narrow page first.
    """

    GROUPS = [
        ("cancer", _("Cancer")),
        ("autoimmune", _("Autoimmune condition")),
        ("infection", _("Long-term infection")),
    ]
    condition_group = models.CharField(max_length=20, choices=GROUPS, default="cancer")

    content_panels = [
        *Page.content_panels,
        SummaryMixin.summary_panel,
        FieldPanel("condition_group"),
        FieldPanel("body"),
    ]
    sources_panels = PortalPage.coded_sources_panels
    search_fields = [*PortalPage.search_fields, index.FilterField("condition_group")]

    parent_page_types = ["education.SectionPage", "education.ConditionPage"]
    subpage_types = ["education.ConditionPage"]

    class Meta:
        verbose_name = "condition page"


class TherapyTypePage(ClinicalCodesMixin, PortalPage):
    """One type of immunotherapy, in the sections a patient scans for."""

    how_it_works = RichTextField(features=RICH_TEXT_FEATURES)
    how_it_works_figure = StreamField(
        [("figure", FigureBlock())],
        blank=True,
        max_num=1,
        verbose_name="how it works: diagram",
        help_text="A diagram from the site's own set, shown under 'How it works'.",
    )
    how_given = RichTextField("how it is given", features=RICH_TEXT_FEATURES)
    used_for = ParentalManyToManyField(
        "education.ConditionPage",
        blank=True,
        related_name="therapy_types",
        help_text="The conditions this type is used for. The condition pages link back automatically.",
    )
    common_side_effects = RichTextField(features=RICH_TEXT_FEATURES)
    serious_side_effects = StreamField(
        BodyBlock(),
        blank=True,
        help_text="Serious side effects and when to get help: use urgency callouts and symptom tables.",
    )
    questions = StreamField(
        [("question", CharBlock(max_length=200, icon="help"))],
        blank=True,
        help_text="Questions a patient can ask the care team.",
    )
    medicines = StreamField(
        [("medicine", MedicineBlock())],
        blank=True,
        help_text="Example medicines, generic name first. Availability differs by country.",
    )

    content_panels = [
        *Page.content_panels,
        SummaryMixin.summary_panel,
        FieldPanel("how_it_works"),
        FieldPanel("how_it_works_figure"),
        FieldPanel("medicines"),
        FieldPanel("how_given"),
        FieldPanel("used_for", widget=forms.CheckboxSelectMultiple),
        FieldPanel("common_side_effects"),
        FieldPanel("serious_side_effects"),
        FieldPanel("questions"),
        FieldPanel("body", heading="More information"),
    ]
    sources_panels = PortalPage.coded_sources_panels
    search_fields = [
        *PortalPage.search_fields,
        index.SearchField("how_it_works"),
        index.SearchField("how_it_works_figure"),
        index.SearchField("how_given"),
        index.SearchField("common_side_effects"),
        index.SearchField("serious_side_effects"),
        index.SearchField("medicines", boost=2),
    ]
    parent_page_types = ["education.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = "therapy type page"


class FAQIndexPage(PortalPage):
    """Every FAQ, grouped by topic."""

    parent_page_types = ["education.HomePage"]
    subpage_types = []
    # One under each language's home.
    max_count_per_parent = 1

    class Meta:
        verbose_name = "FAQ page"

    @cached_property
    def topics(self) -> list[FAQTopic]:
        """The topics that have questions, each with its questions. Read only when the page's article
        or its JSON-LD is rendered again (both are kept as fragments), and then once for the two."""
        questions = models.Prefetch("faqs", queryset=FAQ.objects.live())
        topics = FAQTopic.objects.filter(locale_id=self.locale_id).prefetch_related(questions)
        return [topic for topic in topics if topic.faqs.all()]


class GlossaryPage(PortalPage):
    """Every glossary term, A to Z."""

    parent_page_types = ["education.HomePage"]
    subpage_types = []
    # One under each language's home.
    max_count_per_parent = 1

    class Meta:
        verbose_name = "glossary page"

    @cached_property
    def letters(self) -> list[tuple[str, list[GlossaryTerm]]]:
        """The terms by first letter: read only when the page's article is rendered again."""
        by_letter = defaultdict(list)
        terms = GlossaryTerm.objects.live().filter(locale_id=self.locale_id)
        for term in sorted(terms, key=lambda term: term.sort_key):
            by_letter[term.first_letter].append(term)
        return sorted(by_letter.items())


class ReferenceIndexPage(PortalPage):
    """Every source, with the pages that cite it."""

    parent_page_types = ["education.HomePage"]
    subpage_types = []
    # One under each language's home.
    max_count_per_parent = 1

    class Meta:
        verbose_name = "references page"

    @cached_property
    def citing_pages(self) -> dict[int, list[Page]]:
        """Pages citing each reference, from Wagtail's reference index in two queries."""
        links = ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(Reference),
            base_content_type=ContentType.objects.get_for_model(Page),
        ).values_list("to_object_id", "object_id")
        page_ids = {int(page_id) for _, page_id in links}
        pages = {page.pk: page for page in visible(Page.objects.filter(pk__in=page_ids)).order_by("path")}
        citing = defaultdict(list)
        for reference_id, page_id in links:
            page = pages.get(int(page_id))
            if page and page not in citing[int(reference_id)]:
                citing[int(reference_id)].append(page)
        return citing

    @cached_property
    def all_references(self) -> list[tuple[Reference, list[Page]]]:
        """Each source with the pages citing it: read only when the page's article is rendered again."""
        return [(reference, self.citing_pages.get(reference.pk, [])) for reference in Reference.objects.live()]
