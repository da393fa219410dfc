import unicodedata

from django.core.exceptions import ValidationError
from django.db import models

from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index

from education.blocks import RICH_TEXT_FEATURES

from .mixins import ReviewDatesMixin


class PublishedQuerySet(models.QuerySet):
    def live(self):
        """What readers may see: each snippet's published version; drafts never published, and
        snippets taken down, are left out."""
        return self.filter(live=True)


class ReviewedSnippet(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, ReviewDatesMixin, index.Indexed
):
    """A snippet patients read: drafts, revisions and the Clinical review workflow, like a page.

    Its row holds the published version (an editor's changes wait in a revision until the
    workflow publishes them), so public queries ask for `live()` rows and show them as they are.
    The review dates are stamped by a sign-off as on pages (review/stamping.py). Its preview
    shows reviewers the version they are asked to sign off as patients will see it.
    """

    objects = PublishedQuerySet.as_manager()

    def get_preview_template(self, request, mode_name):
        return f"education/previews/{self._meta.model_name}.html"

    review_search_fields = [index.FilterField("live")]

    class Meta:
        abstract = True


class Reference(ReviewedSnippet):
    """A source that pages cite, rendered in a numbered reference list."""

    key = models.SlugField(
        max_length=60, unique=True, help_text="A short stable key, for example IBIS2023.", allow_unicode=False
    )
    authors = models.CharField(max_length=500, blank=True, help_text="Vancouver style: Ibis B, Aliazis K, …")
    title = models.CharField(max_length=500)
    publisher = models.CharField(
        max_length=200, help_text="The journal, or the organisation that published the web page."
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume_pages = models.CharField(max_length=60, blank=True, help_text="For example 14:1197364.")
    doi = models.CharField("DOI", max_length=200, blank=True, help_text="Without https://doi.org/.")
    pmid = models.CharField("PMID", max_length=12, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="For example how the source was checked.")

    search_fields = [
        index.SearchField("title"),
        index.SearchField("authors"),
        index.AutocompleteField("title"),
        index.FilterField("key"),
        *ReviewedSnippet.review_search_fields,
    ]

    panels = [
        FieldPanel("key"),
        FieldPanel("authors"),
        FieldPanel("title"),
        FieldPanel("publisher"),
        FieldPanel("year"),
        FieldPanel("volume_pages"),
        FieldPanel("doi"),
        FieldPanel("pmid"),
        FieldPanel("url"),
        FieldPanel("note"),
        *ReviewDatesMixin.review_panels,
    ]

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    def clean(self):
        super().clean()
        if self.doi.lower().startswith(("http://", "https://", "doi:")):
            raise ValidationError({"doi": "Enter the DOI alone, for example 10.3389/fimmu.2023.1197364."})
        if self.pmid and not self.pmid.isdigit():
            raise ValidationError({"pmid": "A PMID is a number, for example 37342323."})

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def link(self) -> str:
        return self.url or self.doi_url or self.pubmed_url


class GlossaryTerm(TranslatableMixin, ReviewedSnippet):
    """A term with a plain one-line definition, listed A–Z and marked where pages use it. Each
    language has its own terms; a Spanish term shares its English term's slug and translation key."""

    term = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, help_text="Used in the glossary page's anchor links.")
    also_known_as = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other forms of the term, separated by commas, for example 'T cells, T-cell'.",
    )
    definition = models.TextField(max_length=400, help_text="One plain sentence, grade 6 or lower.")

    search_fields = [
        index.SearchField("term", boost=3),
        index.SearchField("also_known_as", boost=2),
        index.SearchField("definition"),
        index.AutocompleteField("term"),
        *ReviewedSnippet.review_search_fields,
        index.FilterField("locale"),  # each language searches its own (search/views.py)
    ]

    panels = [
        FieldPanel("term"),
        FieldPanel("slug"),
        FieldPanel("also_known_as"),
        FieldPanel("definition"),
        *ReviewDatesMixin.review_panels,
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["locale", "term"], name="glossary_term_unique_in_language"),
            models.UniqueConstraint(fields=["locale", "slug"], name="glossary_slug_unique_in_language"),
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def other_forms(self) -> list[str]:
        return [form.strip() for form in self.also_known_as.split(",") if form.strip()]

    @property
    def shown_forms(self) -> list[str]:
        """The other forms a reader is shown: a spelling without its accents ("aferesis"), kept so
        that what readers type is found and marked, would read as a typo, and is left out."""
        seen, shown = {_folded(self.term)}, []
        for form in self.other_forms:
            if _folded(form) not in seen:
                seen.add(_folded(form))
                shown.append(form)
        return shown

    @property
    def sort_key(self) -> str:
        """A to Z as a reader expects it: "Órgano" among the O's, not after Z."""
        return _folded(self.term)

    @property
    def first_letter(self) -> str:
        return self.sort_key[:1].upper()


def _folded(text: str) -> str:
    """Text without accents or case, as a reader sorts and compares words."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)).casefold()


class FAQTopic(TranslatableMixin, models.Model):
    """A group of questions on the FAQ page, in one language."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    sort_order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "name"]
        verbose_name = "FAQ topic"
        constraints = [
            models.UniqueConstraint(fields=["locale", "name"], name="faq_topic_name_unique_in_language"),
            models.UniqueConstraint(fields=["locale", "slug"], name="faq_topic_slug_unique_in_language"),
        ]

    def __str__(self) -> str:
        return self.name


class FAQ(TranslatableMixin, ReviewedSnippet, ClusterableModel):
    """A question and a short answer, reused on the FAQ page and on related pages. A translated
    question keeps its English question's key and translation key."""

    key = models.SlugField(max_length=80, help_text="A short stable key for this question, the same in every language.")
    topic = models.ForeignKey(FAQTopic, on_delete=models.PROTECT, related_name="faqs")
    question = models.CharField(max_length=200)
    answer = RichTextField(features=RICH_TEXT_FEATURES, help_text="A short answer that links to the detailed page.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    references = ParentalManyToManyField(Reference, blank=True, related_name="faqs")

    search_fields = [
        index.SearchField("question", boost=2),
        index.SearchField("answer"),
        index.AutocompleteField("question"),
        index.FilterField("topic_id"),
        *ReviewedSnippet.review_search_fields,
        index.FilterField("locale"),  # each language searches its own (search/views.py)
    ]

    panels = [
        FieldPanel("topic"),
        FieldPanel("question"),
        FieldPanel("answer"),
        FieldPanel("references"),
        FieldPanel("key"),
        FieldPanel("sort_order"),
        *ReviewDatesMixin.review_panels,
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["topic__sort_order", "sort_order", "question"]
        verbose_name = "FAQ"
        constraints = [models.UniqueConstraint(fields=["locale", "key"], name="faq_key_unique_in_language")]

    def __str__(self) -> str:
        return self.question
