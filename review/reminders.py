"""E-mail reminders about pages that are due for clinical review.

Each page that is overdue, or due within REVIEW_DUE_SOON_DAYS, is mentioned to its owner and to
the members of REVIEW_REMINDER_GROUP, at most once every REVIEW_REMINDER_EVERY_DAYS days. Every
recipient gets one e-mail listing their pages. A page is claimed (a `ReviewReminder` row, unique
per page and day) before anything is sent, so two overlapping cron runs cannot both send about it;
if a send fails, its claims are released and the next run tries again.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import Page

from .models import ReviewReminder
from .review_dates import OVERDUE, pages_due_for_review

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    """What one run did: pages mentioned, e-mails sent, and failures."""

    pages: list[Page] = field(default_factory=list)
    sent_to: list[str] = field(default_factory=list)
    skipped_recently_reminded: int = 0
    pages_without_recipients: list[Page] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _reminder_group_users():
    group_name = getattr(settings, "REVIEW_REMINDER_GROUP", "")
    if not group_name:
        return []
    return list(get_user_model().objects.filter(groups__name=group_name, is_active=True).exclude(email=""))


def _recipients_by_email(pages: list[Page]) -> dict[str, list[Page]]:
    group_users = _reminder_group_users()
    by_email: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        users = list(group_users)
        if page.owner and page.owner.is_active and page.owner.email:
            users.append(page.owner)
        for email in sorted({user.email.lower() for user in users}):
            by_email[email].append(page)
    return by_email


def admin_edit_url(obj) -> str:
    """The editor of a page (or snippet), as an address an e-mail can carry."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + AdminURLFinder().get_edit_url(obj)


def _message(pages: list[Page], today: datetime.date) -> tuple[str, str]:
    rows = [
        {"page": page, "overdue": page.review_status == OVERDUE, "edit_url": admin_edit_url(page)}
        for page in sorted(pages, key=lambda page: (page.review_next_due, page.path))
    ]
    overdue = sum(row["overdue"] for row in rows)
    subject = f"{len(rows)} page{'s' if len(rows) != 1 else ''} due for clinical review"
    if overdue:
        subject += f" ({overdue} overdue)"
    body = render_to_string(
        "review/review_reminder_email.txt",
        {"rows": rows, "today": today, "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "")},
    )
    return subject, body


def _claim(page: Page, today: datetime.date, now: datetime.datetime) -> ReviewReminder | None:
    try:
        with transaction.atomic():
            return ReviewReminder.objects.create(page=page, sent_on=today, sent_at=now)
    except IntegrityError:
        return None


def send_review_reminders(now: datetime.datetime | None = None, dry_run: bool = False) -> ReminderRun:
    """Send the reminders that are due at `now` (default: the current time)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    every = datetime.timedelta(days=getattr(settings, "REVIEW_REMINDER_EVERY_DAYS", 7))
    run = ReminderRun()

    due = list(pages_due_for_review(today).select_related("owner"))
    recently = set(
        ReviewReminder.objects.filter(page__in=due, sent_on__gt=today - every).values_list("page_id", flat=True)
    )
    candidates = [page for page in due if page.pk not in recently]
    run.skipped_recently_reminded = len(due) - len(candidates)
    if dry_run:
        run.pages = candidates
        run.sent_to = sorted(_recipients_by_email(candidates))
        return run

    claims = {}
    for page in candidates:
        claim = _claim(page, today, now)
        if claim is not None:
            claims[page.pk] = claim
    claimed = [page for page in candidates if page.pk in claims]

    by_email = _recipients_by_email(claimed)
    run.pages_without_recipients = [page for page in claimed if not any(page in pages for pages in by_email.values())]
    mentioned: dict[int, list[str]] = defaultdict(list)
    failed_pages: set[int] = set()
    for email, pages in by_email.items():
        subject, body = _message(pages, today)
        try:
            send_mail(subject, body, None, [email])
        except Exception:  # the mail server's error; log it and let the next run try again
            logger.exception("Could not send the review reminder to %s", email)
            run.failed.append(email)
            failed_pages.update(page.pk for page in pages)
            continue
        run.sent_to.append(email)
        for page in pages:
            mentioned[page.pk].append(email)

    for page in claimed:
        claim = claims[page.pk]
        if page.pk in failed_pages or page in run.pages_without_recipients:
            claim.delete()
        else:
            claim.recipients = ", ".join(mentioned[page.pk])
            claim.save(update_fields=["recipients"])
            run.pages.append(page)
    return run
