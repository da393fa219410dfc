"""The publishing record a clinical lead hands to governance: every publish and unpublish, who did
it and when, which version, and the clinical sign-off it rests on. Versions that went live without
sign-off (urgent corrections first) come before the rest. CSV and XLSX like every report."""

import django_filters

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.utils.dateformat import format as format_date

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.models import PageLogEntry, TaskState

from .models import ClinicalReviewTask, UnreviewedPublish

PUBLISHING_ACTIONS = {"wagtail.publish": "Published", "wagtail.unpublish": "Unpublished"}


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _sign_offs():
    return TaskState.objects.filter(
        revision_id=OuterRef("revision_id"),
        status=TaskState.STATUS_APPROVED,
        task_id__in=ClinicalReviewTask.objects.values("pk"),
    ).order_by("-finished_at")


def _unreviewed(kind: str | None = None):
    found = UnreviewedPublish.objects.filter(revision_id=OuterRef("revision_id"))
    return found.filter(kind=kind) if kind else found


class PublishingRecordFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label="Action", choices=list(PUBLISHING_ACTIONS.items()), empty_label="Any")

    class Meta:
        model = PageLogEntry
        fields = ["action"]


class PublishingRecordView(ReportView):
    page_title = "Publishing record"
    header_icon = "history"
    index_url_name = "review:publishing_record"
    index_results_url_name = "review:publishing_record_results"
    filterset_class = PublishingRecordFilterSet
    export_filename = "publishing-record"
    columns = [
        Column("when", label="When"),
        Column("action_label", label="Action"),
        Column("page_title", label="Page"),
        Column("revision_id", label="Version"),
        Column("by", label="By"),
        Column("rests_on", label="Rests on"),
    ]
    list_export = ["when", "action_label", "page_title", "page_id", "revision_id", "by", "rests_on"]
    export_headings = {
        "when": "When",
        "action_label": "Action",
        "page_title": "Page",
        "page_id": "Page ID",
        "revision_id": "Version",
        "by": "By",
        "rests_on": "Rests on",
    }

    def get_queryset(self):
        return (
            PageLogEntry.objects.filter(action__in=PUBLISHING_ACTIONS)
            .select_related("user", "page")
            .annotate(
                signed_off_by_id=Subquery(_sign_offs().values("finished_by_id")[:1]),
                signed_off_at=Subquery(_sign_offs().values("finished_at")[:1]),
                unreviewed_kind=Subquery(_unreviewed().values("kind")[:1]),
                unreviewed_reason=Subquery(_unreviewed().values("reason")[:1]),
                # Urgent corrections first, then anything else without sign-off, then the rest.
                concern=Case(
                    When(Exists(_unreviewed(UnreviewedPublish.BREAK_GLASS)), then=Value(0)),
                    When(action="wagtail.publish", signed_off_by_id__isnull=True, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                ),
            )
            .order_by("concern", "-timestamp", "-pk")
        )

    def decorate_paginated_queryset(self, object_list):
        entries = list(object_list)
        reviewers = self._users({entry.signed_off_by_id for entry in entries} - {None})
        for entry in entries:
            entry.when = format_date(entry.timestamp, "j M Y, H:i")
            entry.action_label = PUBLISHING_ACTIONS[entry.action]
            entry.page_title = entry.label
            entry.by = _name(entry.user) or "A script or scheduled job"
            entry.rests_on = self._rests_on(entry, reviewers)
        return entries

    @staticmethod
    def _rests_on(entry, reviewers) -> str:
        if entry.action != "wagtail.publish":
            return "Withdrawn (no sign-off needed)"
        if entry.signed_off_by_id:
            when = format_date(entry.signed_off_at, "j M Y") if entry.signed_off_at else ""
            return f"Clinical sign-off by {_name(reviewers.get(entry.signed_off_by_id))} on {when}"
        if entry.unreviewed_kind == UnreviewedPublish.BREAK_GLASS:
            return f"PUBLISHED WITHOUT SIGN-OFF (urgent correction): {entry.unreviewed_reason}"
        if entry.unreviewed_kind == UnreviewedPublish.CONTENT_LOAD:
            return f"Published without sign-off: {entry.unreviewed_reason}"
        return "Published without sign-off (before sign-off was enforced)"

    @staticmethod
    def _users(ids):
        return {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)}
