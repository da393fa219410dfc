"""Small behaviours shared by the content pages."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.blocks import PageChooserBlock
from wagtail.fields import StreamField
from wagtail.search import index
from wagtail.snippets.blocks import SnippetChooserBlock

from education.blocks import ClinicalCodeBlock

SUMMARY_MAX_LENGTH = 300


class ReviewDatesMixin(models.Model):
    """When a page was last clinically reviewed, by whom, and when it is due again."""

    last_reviewed = models.DateField("page last reviewed", null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    reviewed_by = models.CharField(max_length=120, blank=True, help_text="Name and role of the clinical reviewer.")

    # Read-only in the admin: set when a clinical reviewer signs the page off in the "Clinical
    # review" workflow (review/stamping.py). A version that goes live without sign-off has its
    # review claim cleared and is due at once (review/sign_off.py).
    review_panels = [
        MultiFieldPanel(
            [
                FieldPanel("last_reviewed", read_only=True),
                FieldPanel("next_review_due", read_only=True),
                FieldPanel("reviewed_by", read_only=True),
            ],
            heading="Clinical review",
            help_text="Set when a clinical reviewer signs off this page in the Clinical review workflow.",
        )
    ]

    class Meta:
        abstract = True

    @property
    def clinically_reviewed(self) -> bool:
        """Whether a clinical reviewer signed off the version readers see."""
        return bool(self.last_reviewed and self.reviewed_by)

    def clean(self):
        super().clean()
        if self.last_reviewed and self.next_review_due and self.next_review_due <= self.last_reviewed:
            raise ValidationError({"next_review_due": "The next review must come after the last review."})
        if self.last_reviewed and self.last_reviewed > timezone.localdate() + datetime.timedelta(days=1):
            raise ValidationError({"last_reviewed": "The last review cannot be in the future."})


class SummaryMixin(models.Model):
    """The plain-text summary used in listings, the meta description, search and the API.

    It is Wagtail's own `search_description`, so listings read it from the core page table
    without one query per page type.
    """

    summary_panel = FieldPanel(
        "search_description",
        heading="Summary",
        help_text=(
            "One or two plain sentences saying what the page is about. Shown in listings, search "
            f"results and the API. At most {SUMMARY_MAX_LENGTH} characters."
        ),
    )
    summary_search_fields = [index.SearchField("search_description", boost=2)]

    class Meta:
        abstract = True

    @property
    def summary(self) -> str:
        return self.search_description

    def clean(self):
        super().clean()
        summary = self.search_description.strip()
        if not summary:
            raise ValidationError({"search_description": "Write a short summary of the page."})
        if len(summary) > SUMMARY_MAX_LENGTH:
            raise ValidationError(
                {"search_description": f"Keep the summary to {SUMMARY_MAX_LENGTH} characters or fewer."}
            )
        self.search_description = summary


class CitationsMixin(models.Model):
    """The sources behind a page's facts, shown as a numbered reference list."""

    references = StreamField(
        [("reference", SnippetChooserBlock("education.Reference"))],
        blank=True,
        help_text="The sources for the facts on this page, in the order they are shown.",
    )

    class Meta:
        abstract = True

    @property
    def cited_references(self) -> list:
        """The chosen references readers may see (published ones), each once."""
        seen, cited = set(), []
        for block in self.references:
            if block.value and block.value.live and block.value.pk not in seen:
                seen.add(block.value.pk)
                cited.append(block.value)
        return cited


class RelatedPagesMixin(models.Model):
    """Hand-picked pages a reader may want next."""

    related_pages = StreamField(
        [("page", PageChooserBlock())],
        blank=True,
        help_text="Pages a reader of this page may want next. Unpublished and private pages are not shown.",
    )

    class Meta:
        abstract = True


class ClinicalCodesMixin(models.Model):
    """Codes that health records send (Infobutton), so they can link straight to this page."""

    clinical_codes = StreamField(
        [("code", ClinicalCodeBlock())],
        blank=True,
        help_text="Diagnosis or medicine codes for this page, used when a health record asks for information.",
    )

    class Meta:
        abstract = True

    def codes_for(self, system: str) -> list[str]:
        return [block.value["code"] for block in self.clinical_codes if block.value["system"] == system]


class TranslationMixin(models.Model):
    """Which English version a translated page was made from (education/translations.py tells
    readers when the English page has changed since)."""

    translated_from = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The English page's version this translation was made from.",
    )

    class Meta:
        abstract = True
