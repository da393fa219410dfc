"""How long the portal keeps what it stores: `manage.py clean_up_stored_data`, run daily by the
scheduler, deletes whatever is older than its retention period.

Each app deletes its own data (feedback/retention.py, search/retention.py,
portal/login_records.py); this module only calls them in turn. The periods come from settings,
so an operator changes them in the environment, not in code.
"""

import datetime
from collections.abc import Callable

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
