from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from portal.spreadsheets import FormulaSafeExportMixin

from .models import PageFeedback
from .reports import FeedbackByPageReport


class FeedbackIndexView(FormulaSafeExportMixin, IndexView):
    pass


class PageFeedbackViewSet(ModelViewSet):
    """Every answer with its comment, filterable and exportable to CSV or Excel."""

    model = PageFeedback
    icon = "comment"
    menu_label = "Page feedback"
    menu_order = 270
    add_to_admin_menu = True
    list_display = ["page", "helpful", "comment", "created_at"]
    list_filter = ["helpful", "created_at"]
    list_export = ["page", "helpful", "comment", "created_at"]
    export_filename = "page-feedback"
    index_view_class = FeedbackIndexView
    search_fields = ["comment"]
    form_fields = ["helpful", "comment"]
    inspect_view_enabled = True


@hooks.register("register_admin_viewset")
def register_page_feedback_viewset():
    return PageFeedbackViewSet("page_feedback")


@hooks.register("register_admin_urls")
def register_feedback_report_urls():
    return [
        path("reports/feedback-by-page/", FeedbackByPageReport.as_view(), name="feedback_by_page"),
        path(
            "reports/feedback-by-page/results/",
            FeedbackByPageReport.as_view(results_only=True),
            name="feedback_by_page_results",
        ),
    ]


class FeedbackReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("feedback.view_pagefeedback")


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return FeedbackReportMenuItem("Feedback by page", reverse("feedback_by_page"), icon_name="comment", order=800)
