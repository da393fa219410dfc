"""Admin reports: review dates, readability across pages, and internal links that lead nowhere.
Each lists what it finds, can be downloaded as CSV or XLSX, and is open to every staff role."""

import django_filters

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.functional import cached_property

from wagtail.admin.filters import ContentTypeFilter, LocaleFilter, WagtailFilterSet
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from education.page_text import AIM_GRADE, CEILING_GRADE
from portal.spreadsheets import FormulaSafeExportMixin

from .link_check import find_broken_links
from .models import PlainWord
from .readability_panel import readability_report
from .review_dates import STATUS_LABELS, UNREVIEWED, review_page_models, with_review_dates


def _date(value) -> str:
    return format_date(value, "j M Y") if value else ""


def _edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def _page_type(page: Page) -> str:
    return page.specific_class._meta.verbose_name.capitalize() if page.specific_class else ""


def _review_content_types(request=None):
    return ContentType.objects.filter(
        pk__in=[ct.pk for ct in ContentType.objects.get_for_models(*review_page_models()).values()]
    )


class ReviewDatesFilterSet(WagtailFilterSet):
    review_status = django_filters.ChoiceFilter(
        label="Review status", choices=list(STATUS_LABELS.items()), empty_label="Any"
    )
    content_type = ContentTypeFilter(label="Page type", queryset=_review_content_types)
    locale = LocaleFilter(label="Language", choices=settings.WAGTAIL_CONTENT_LANGUAGES, empty_label="Any")

    class Meta:
        model = Page
        fields = ["review_status", "content_type", "locale", "live"]


class ReviewDatesReportView(FormulaSafeExportMixin, ReportView):
    """Every page with its review dates, soonest due first."""

    page_title = "Review dates"
    header_icon = "calendar-check"
    index_url_name = "review:review_dates"
    index_results_url_name = "review:review_dates_results"
    filterset_class = ReviewDatesFilterSet
    default_ordering = "review_next_due"
    export_filename = "review-dates"
    columns = [
        TitleColumn("title", label="Page", get_url=_edit_url, sort_key="title"),
        Column("page_type", label="Type", accessor=_page_type),
        LiveStatusTagColumn(),
        Column("review_last_reviewed", label="Last reviewed", accessor=lambda page: _date(page.review_last_reviewed)),
        Column("review_reviewed_by", label="Reviewed by"),
        Column(
            "review_next_due",
            label="Next review due",
            accessor=lambda page: _date(page.review_next_due),
            sort_key="review_next_due",
        ),
        Column("review_status_label", label="Review status", accessor=lambda page: STATUS_LABELS[page.review_status]),
    ]
    list_export = [
        "title",
        "page_type",
        "full_url",
        "live",
        "review_last_reviewed",
        "review_reviewed_by",
        "review_next_due",
        "review_status_label",
    ]
    export_headings = {
        "title": "Page",
        "page_type": "Type",
        "full_url": "Address",
        "live": "Published",
        "review_last_reviewed": "Last reviewed",
        "review_reviewed_by": "Reviewed by",
        "review_next_due": "Next review due",
        "review_status_label": "Review status",
    }

    def get_queryset(self):
        self.queryset = with_review_dates(Page.objects.annotate_approved_schedule().prefetch_workflow_states())
        return super().get_queryset()

    def order_queryset(self, queryset):
        # Pages never signed off first, then those without a date, then the soonest due.
        if self.ordering == "review_next_due":
            never = Case(When(review_status=UNREVIEWED, then=Value(0)), default=Value(1), output_field=IntegerField())
            return queryset.order_by(never, F("review_next_due").asc(nulls_first=True), "path")
        if self.ordering == "-review_next_due":
            return queryset.order_by(F("review_next_due").desc(nulls_last=True), "path")
        return super().order_queryset(queryset)

    def decorate_paginated_queryset(self, object_list):
        pages = list(object_list)
        for page in pages:
            page.page_type = _page_type(page)
            page.review_status_label = STATUS_LABELS[page.review_status]
        return pages


class ReadabilityReportView(FormulaSafeExportMixin, ReportView):
    """Every live page's reading level, hardest first, measured as the content tests do."""

    page_title = "Readability"
    header_icon = "glasses"
    index_url_name = "review:readability"
    index_results_url_name = "review:readability_results"
    export_filename = "readability"
    columns = [
        TitleColumn("title", label="Page", get_url=_edit_url),
        Column("page_type", label="Type"),
        Column("fk_grade", label="Flesch-Kincaid grade"),
        Column("smog", label="SMOG grade"),
        Column("words", label="Words"),
        Column("verdict", label=f"Against the target (grade {CEILING_GRADE}, aim {AIM_GRADE})"),
        Column("plainer_word_count", label="Words with a plainer alternative"),
    ]
    list_export = ["title", "page_type", "full_url", "fk_grade", "smog", "words", "verdict", "plainer_words"]
    export_headings = {
        "title": "Page",
        "page_type": "Type",
        "full_url": "Address",
        "fk_grade": "Flesch-Kincaid grade",
        "smog": "SMOG grade",
        "words": "Words",
        "verdict": "Against the target",
        "plainer_words": "Words with a plainer alternative",
    }

    def get_queryset(self):
        plain_words = dict(PlainWord.objects.values_list("word", "alternative"))
        # Grades are English measures: a Spanish page's reading ease is in its editor panel.
        pages = list(
            Page.objects.live()
            .filter(content_type__in=_review_content_types(), locale__language_code=settings.LANGUAGE_CODE)
            .order_by("path")
            .specific()
        )
        for page in pages:
            report = readability_report(page, plain_words)
            page.page_type = _page_type(page)
            page.fk_grade = report.scores.fk_grade
            page.smog = report.scores.smog
            page.words = report.scores.words
            page.verdict = report.verdict(max(report.scores.fk_grade, report.scores.smog)).capitalize()
            page.plainer_word_count = sum(note.count for note in report.plainer_words)
            page.plainer_words = "; ".join(f"{note.word} → {note.alternative}" for note in report.plainer_words)
        return sorted(pages, key=lambda page: (-page.fk_grade, page.path))


class BrokenLinksReportView(FormulaSafeExportMixin, ReportView):
    """Links in pages, snippets and settings to pages that are unpublished or deleted."""

    page_title = "Links to unpublished or deleted pages"
    header_icon = "link"
    index_url_name = "review:broken_links"
    index_results_url_name = "review:broken_links_results"
    export_filename = "broken-internal-links"
    columns = [
        TitleColumn(
            "source_title",
            label="Where the link is",
            get_url=lambda row: row.source_edit_url,
            id_accessor="source_title",
        ),
        Column("source_type", label="Type"),
        Column("location", label="Field"),
        Column("target", label="Links to", accessor=lambda row: row.target_title or f"Page {row.target_id}"),
        Column("problem_label", label="Problem"),
        Column("shown_to_patients", label="Patients see the link"),
    ]
    list_export = [
        "source_title",
        "source_type",
        "location",
        "target_id",
        "target_title",
        "problem_label",
        "shown_to_patients",
    ]
    export_headings = {
        "source_title": "Where the link is",
        "source_type": "Type",
        "location": "Field",
        "target_id": "Linked page ID",
        "target_title": "Linked page",
        "problem_label": "Problem",
        "shown_to_patients": "Patients see the link",
    }

    @cached_property
    def broken_links(self):
        return find_broken_links()

    def get_queryset(self):
        return self.broken_links
