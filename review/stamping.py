"""Recording a clinical review on the version a reviewer signs off.

The review dates live on the page (`ReviewDatesMixin`). Editors see them read-only; they change
only here, when a reviewer signs off in the "Clinical review" workflow, or when the content
loader applies a content file.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.dispatch import receiver
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import Page, Revision, TaskState

from education.models.mixins import ReviewDatesMixin

from .models import ClinicalReviewTask, ReviewSettings, StaffProfile, signing_off

DEFAULT_ROLE = "Clinical reviewer"
STAMP_LOG_ACTION = "review.signed_off"


@dataclass(frozen=True)
class ReviewStamp:
    last_reviewed: datetime.date
    next_review_due: datetime.date
    reviewed_by: str


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st becomes the month's last day where needed."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def reviewer_credit(user: AbstractBaseUser) -> str:
    """'Name, job title' as the page shows who reviewed it."""
    name = user.get_full_name().strip() or user.get_username()
    profile = StaffProfile.objects.filter(user=user).first()
    role = profile.job_title if profile else DEFAULT_ROLE
    max_length = ReviewDatesMixin._meta.get_field("reviewed_by").max_length
    return f"{name}, {role}"[:max_length]


def review_stamp(page: Page, reviewer: AbstractBaseUser, today: datetime.date | None = None) -> ReviewStamp:
    """The dates a sign-off of `page` by `reviewer` records today."""
    today = today or timezone.localdate()
    months = ReviewSettings.for_page(page).review_interval_months(page)
    return ReviewStamp(
        last_reviewed=today,
        next_review_due=add_months(today, months),
        reviewed_by=reviewer_credit(reviewer),
    )


def stamp_revision(revision: Revision, reviewer: AbstractBaseUser, today: datetime.date | None = None):
    """Write the review dates into `revision`, so they go live when that revision is published."""
    page = revision.as_object()
    if not isinstance(page, ReviewDatesMixin):
        return None
    stamp = review_stamp(page, reviewer, today)
    values = {
        "last_reviewed": stamp.last_reviewed,
        "next_review_due": stamp.next_review_due,
        "reviewed_by": stamp.reviewed_by,
    }
    revision.content.update({name: str(value) for name, value in values.items()})
    revision.save(update_fields=["content"])
    if not page.live:
        # A page that has never been published keeps its draft in its own row; keep it in step.
        type(page).objects.filter(pk=page.pk).update(**values)
    log(
        instance=page,
        action=STAMP_LOG_ACTION,
        user=reviewer,
        revision=revision,
        data={
            "last_reviewed": str(stamp.last_reviewed),
            "next_review_due": str(stamp.next_review_due),
            "reviewed_by": stamp.reviewed_by,
        },
    )
    return stamp


def stamp_signed_off_revision(task_state: TaskState, reviewer: AbstractBaseUser) -> ReviewStamp | None:
    """Stamp the version a reviewer is signing off, if the sign-off will count.

    With WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT a sign-off counts only for the latest
    version: if the page changed after review started, Wagtail restarts the review, and the
    stamp waits for the sign-off of the new version. Without re-approval the workflow goes on to
    publish the latest version, so that is the one stamped.
    """
    # The workflow publishes the page's latest revision as its content object has it cached, so
    # stamp that very instance, or a publish in this same request would publish stale content.
    latest = task_state.workflow_state.content_object.get_latest_revision()
    if latest.pk != task_state.revision_id and getattr(settings, "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False):
        return None
    stamp = stamp_revision(latest, reviewer)
    if latest.pk == task_state.revision_id:
        task_state.revision.content = latest.content
    return stamp


@receiver(signing_off, sender=ClinicalReviewTask, dispatch_uid="review.stamping.stamp")
def stamp_on_sign_off(sender, task_state: TaskState, user: AbstractBaseUser, **kwargs) -> None:
    stamp_signed_off_revision(task_state, user)
