"""Review dates across every page type, in one query.

The dates are fields of each concrete page model, so a plain `Page` queryset does not have
them. `with_review_dates` joins each page type's table once and annotates the page with its
dates and its review status, which the dashboard panel, the report, the page listing and the
reminders all filter and sort on.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, DateField, F, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from wagtail.models import Page, get_page_models

from education.models.mixins import ReviewDatesMixin

UNREVIEWED = "unreviewed"  # no clinical sign-off of the version readers see
OVERDUE = "overdue"
DUE_SOON = "due_soon"
CURRENT = "current"
NOT_SET = "not_set"
STATUS_LABELS = {
    UNREVIEWED: "Not yet signed off",
    OVERDUE: "Overdue",
    DUE_SOON: "Due soon",
    CURRENT: "Up to date",
    NOT_SET: "No review date",
}


def review_page_models() -> list[type[Page]]:
    """Page types that carry review dates."""
    return [model for model in get_page_models() if issubclass(model, ReviewDatesMixin) and not model._meta.abstract]


def due_soon_days() -> int:
    return getattr(settings, "REVIEW_DUE_SOON_DAYS", 30)


def _child_query_name(model: type[Page]) -> str:
    # Every reviewed page type inherits straight from Page; its table joins on page_ptr.
    return model._meta.get_field("page_ptr").remote_field.related_query_name or model._meta.model_name


def _coalesced(field_name: str, output_field):
    lookups = [F(f"{_child_query_name(model)}__{field_name}") for model in review_page_models()]
    if len(lookups) == 1:
        return lookups[0]
    return Coalesce(*lookups, output_field=output_field)


def annotate_review_dates(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """`queryset` with `review_last_reviewed`, `review_next_due`, `review_reviewed_by` and
    `review_status` (one of UNREVIEWED, OVERDUE, DUE_SOON, CURRENT, NOT_SET) on each page."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=due_soon_days())
    return queryset.annotate(
        review_last_reviewed=_coalesced("last_reviewed", DateField()),
        review_next_due=_coalesced("next_review_due", DateField()),
        review_reviewed_by=_coalesced("reviewed_by", CharField()),
        review_status=Case(
            When(review_last_reviewed__isnull=True, then=Value(UNREVIEWED)),
            When(review_next_due__isnull=True, then=Value(NOT_SET)),
            When(review_next_due__lt=today, then=Value(OVERDUE)),
            When(review_next_due__lte=soon, then=Value(DUE_SOON)),
            default=Value(CURRENT),
            output_field=CharField(),
        ),
    )


def with_review_dates(queryset: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Only the pages that have review dates, annotated as by `annotate_review_dates`."""
    content_types = ContentType.objects.get_for_models(*review_page_models()).values()
    return annotate_review_dates(queryset.filter(content_type__in=content_types), today)


def pages_due_for_review(today: datetime.date | None = None) -> QuerySet:
    """Live pages never signed off, overdue or due within the due-soon window, soonest first."""
    return (
        with_review_dates(Page.objects.live(), today)
        .filter(review_status__in=[UNREVIEWED, OVERDUE, DUE_SOON])
        .order_by("review_next_due", "path")
    )
