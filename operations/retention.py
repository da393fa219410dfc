"""What the portal stores, and for how long: one list that the privacy notice shows and one
clean-up (`manage.py clean_up_stored_data`, run daily by the scheduler) that enforces it.

Each app deletes its own data (feedback/retention.py, search/retention.py,
portal/login_records.py); this module only calls them in turn. The periods come from settings,
so the notice shows what is configured, never what someone once wrote down.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from feedback import retention as feedback_retention
from portal import login_records
from search import retention as search_retention

Remover = Callable[..., dict[str, int]]

REMOVERS: tuple[Remover, ...] = (
    feedback_retention.remove_expired,
    search_retention.remove_expired,
    login_records.remove_expired,
)


def clean_up(now: datetime.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete everything older than its retention period: {what: rows removed (or, dry, to remove)}."""
    now = now or timezone.now()
    removed: dict[str, int] = {}
    for remove_expired in REMOVERS:
        removed.update(remove_expired(now, dry_run=dry_run))
    return removed


def duration(seconds: float) -> str:
    """'365 days', '2 hours', '15 minutes': the largest whole unit, as the notice words it."""
    seconds = int(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "0 seconds"


@dataclass(frozen=True)
class StoredData:
    """One row of the privacy notice's table."""

    what: str
    why: str
    how_long: str


def _longest_rate_limit_window() -> int:
    return max((window for _, window in settings.RATE_LIMITS.values()), default=0)


def _lockout_seconds() -> float | None:
    from axes.helpers import get_cool_off  # axes reads its settings on import

    cool_off = get_cool_off()
    return cool_off.total_seconds() if cool_off is not None else None


def stored_data() -> list[StoredData]:
    """Everything the portal stores about people who use it, in plain words, with the configured periods."""
    days = 24 * 3600
    lockout = _lockout_seconds()
    rows = [
        StoredData(
            "Your answer to “Was this page helpful?”: yes or no, any comment you write, the page and the time.",
            "To find pages we need to fix.",
            f"{duration(settings.FEEDBACK_RETENTION_DAYS * days)}, then we delete it.",
        ),
        StoredData(
            "The words people search for, and how many times each day each search was made. Not who searched.",
            "To learn what people look for and cannot find.",
            f"{duration(settings.SEARCH_COUNTS_RETENTION_DAYS * days)}, then we delete it.",
        ),
        StoredData(
            "When you search, send an answer, or (for staff) sign in or ask for a new password: "
            "a scrambled code made from your internet address, and how many times you did it.",
            "To stop anyone from flooding the site.",
            f"Up to {duration(_longest_rate_limit_window())}, then it is gone.",
        ),
        StoredData(
            "For staff who sign in to edit the site: their user name, internet address and web browser, "
            "and when they signed in and out.",
            "To keep the editing site safe.",
            f"{duration(settings.LOGIN_RECORDS_RETENTION_DAYS * days)}, then we delete it.",
        ),
        StoredData(
            "For staff who type a wrong password: the user name they tried, their internet address and web browser.",
            "To lock out anyone who tries to guess a password.",
            f"Until the lock-out ends ({duration(lockout)}), then we delete it within a day."
            if lockout
            else f"Until the lock-out is lifted, and {duration(settings.LOGIN_RECORDS_RETENTION_DAYS * days)} at most.",
        ),
        StoredData(
            "For staff who sign in: a cookie that keeps them signed in.",
            "So staff do not have to sign in on every page.",
            f"Until they sign out, or {duration(settings.STAFF_SESSION_IDLE_SECONDS)} without using the site, "
            f"and {duration(settings.STAFF_SESSION_MAX_SECONDS)} after they signed in at most.",
        ),
        StoredData(
            "For staff: their name and email address, and who wrote, checked and published each page, and when.",
            "So we can always tell who wrote and checked a page.",
            "As long as the account or the page is kept.",
        ),
    ]
    return rows
