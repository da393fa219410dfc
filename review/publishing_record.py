"""The publishing record a clinical lead hands to governance: every publish and unpublish of a page
or of a snippet patients read, who did it and when, which version, and the clinical sign-off it
rests on. Versions that went live without sign-off (urgent corrections first) come before the
rest. CSV and XLSX like every report."""

from types import SimpleNamespace

import django_filters

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Exists, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast
from django.utils.dateformat import format as format_date

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.models import ModelLogEntry, PageLogEntry, TaskState

from portal.spreadsheets import FormulaSafeExportMixin

from .models import ClinicalReviewTask, UnreviewedPublish
from .sign_off import reviewed_snippet_models

PUBLISHING_ACTIONS = {"wagtail.publish": "Published", "wagtail.unpublish": "Unpublished"}
KINDS = {"page": "Page", "faq": "FAQ", "glossaryterm": "Glossary term", "reference": "Reference"}


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


ROW_FIELDS = [
    "pk",
    "timestamp",
    "action",
    "label",
    "user_id",
    "revision_id",
    "what",
    "object_key",
    "signed_off_by_id",
    "signed_off_at",
    "unreviewed_kind",
    "unreviewed_reason",
    "concern",
]


def _record_rows(entries, what, object_key):
    """One log table's publishes and unpublishes, with the sign-off each rests on, as plain rows
    that line up with the other table's (so the two can be listed as one)."""
    return (
        entries.filter(action__in=PUBLISHING_ACTIONS)
        .annotate(
            what=what,
            object_key=object_key,
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
        .values(*ROW_FIELDS)
        .order_by()  # the union is ordered as a whole
    )


class PublishingRecordFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label="Action", choices=list(PUBLISHING_ACTIONS.items()), empty_label="Any")

    class Meta:
        model = PageLogEntry
        fields = ["action"]


class PublishingRecordView(FormulaSafeExportMixin, ReportView):
    """Pages and the snippets patients read (FAQs, glossary terms, references) in one list."""

    page_title = "Publishing record"
    header_icon = "history"
    index_url_name = "review:publishing_record"
    index_results_url_name = "review:publishing_record_results"
    filterset_class = PublishingRecordFilterSet
    export_filename = "publishing-record"
    columns = [
        Column("when", label="When"),
        Column("action_label", label="Action"),
        Column("what", label="What"),
        Column("page_title", label="Title"),
        Column("revision_id", label="Version"),
        Column("by", label="By"),
        Column("rests_on", label="Rests on"),
    ]
    list_export = ["when", "action_label", "what", "page_title", "object_key", "revision_id", "by", "rests_on"]
    export_headings = {
        "when": "When",
        "action_label": "Action",
        "what": "What",
        "page_title": "Title",
        "object_key": "ID",
        "revision_id": "Version",
        "by": "By",
        "rests_on": "Rests on",
    }

    def get_queryset(self):
        snippets = ModelLogEntry.objects.filter(
            content_type__in=ContentType.objects.get_for_models(*reviewed_snippet_models()).values()
        )
        parts = [
            _record_rows(PageLogEntry.objects.all(), Value("page", CharField()), Cast("page_id", CharField())),
            _record_rows(snippets, F("content_type__model"), F("object_id")),
        ]
        if self.filters and self.filters.is_valid():
            # Each part is filtered before the union: a union cannot be filtered.
            parts = [self.filters.filter_queryset(part) for part in parts]
        return parts[0].union(parts[1], all=True).order_by("concern", "-timestamp", "-pk")

    def filter_queryset(self, queryset):
        return queryset  # done in get_queryset, on each part

    def decorate_paginated_queryset(self, object_list):
        # The listing's table holds these very rows, so they are filled in where they are.
        rows = list(object_list)
        users = self._users({row["signed_off_by_id"] for row in rows} | {row["user_id"] for row in rows})
        for row in rows:
            entry = SimpleNamespace(**row)
            row.update(
                when=format_date(entry.timestamp, "j M Y, H:i"),
                action_label=PUBLISHING_ACTIONS[entry.action],
                what=KINDS.get(entry.what, entry.what),
                page_title=entry.label,
                by=_name(users.get(entry.user_id)) or "A script or scheduled job",
                rests_on=self._rests_on(entry, users),
            )
        return rows

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
        return {user.pk: user for user in get_user_model().objects.filter(pk__in=ids - {None})}
