"""Admin report: how many readers found each page helpful, with comment counts; exportable."""

from django.db.models import Count, Max, Q

from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy

from portal.spreadsheets import FormulaSafeExportMixin

from .models import PageFeedback


class FeedbackByPageReport(FormulaSafeExportMixin, ReportView):
    page_title = "Feedback by page"
    header_icon = "comment"
    index_url_name = "feedback_by_page"
    index_results_url_name = "feedback_by_page_results"
    permission_policy = ModelPermissionPolicy(PageFeedback)
    permission_required = "view"
    columns = [
        TitleColumn("title", label="Page", url_name="wagtailadmin_pages:edit"),
        Column("helpful_count", label="Helpful"),
        Column("not_helpful_count", label="Not helpful"),
        Column("comment_count", label="Comments"),
        DateColumn("latest_feedback", label="Latest answer"),
    ]
    list_export = ["title", "url_path", "helpful_count", "not_helpful_count", "comment_count", "latest_feedback"]
    export_headings = {"url_path": "Path", "latest_feedback": "Latest answer"}

    def get_filename(self) -> str:
        return "feedback-by-page"

    def get_queryset(self):
        return (
            Page.objects.filter(feedback__isnull=False)
            .annotate(
                helpful_count=Count("feedback", filter=Q(feedback__helpful=True)),
                not_helpful_count=Count("feedback", filter=Q(feedback__helpful=False)),
                comment_count=Count("feedback", filter=~Q(feedback__comment="")),
                latest_feedback=Max("feedback__created_at"),
            )
            .order_by("-not_helpful_count", "title")
        )
