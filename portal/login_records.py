"""How long staff sign-in records are kept (django-axes, which the admin login goes through).

Axes keeps a row for every sign-in and sign-out (AccessLog: user name, address, browser, times)
and one for each user name and address whose password was wrong (AccessAttempt), which locks
them out for AXES_COOLOFF_TIME. It removes expired attempts itself only when someone next tries
to sign in, and never removes the sign-in log.
"""

import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from django.conf import settings
from django.db import transaction


def remove_expired(now: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    """Delete sign-ins older than LOGIN_RECORDS_RETENTION_DAYS and failed attempts whose lock-out
    is over; how many rows were (or, dry, would be) removed."""
    cutoff = now - datetime.timedelta(days=settings.LOGIN_RECORDS_RETENTION_DAYS)
    cool_off = get_cool_off()
    # Without a cool-off a lock-out lasts until an admin lifts it: keep its count as long as sign-ins.
    lockout_over = now - cool_off if cool_off is not None else cutoff
    removable = {
        "staff sign-in records": AccessLog.objects.filter(attempt_time__lt=cutoff),
        # Only written if AXES_ENABLE_ACCESS_FAILURE_LOG is switched on; kept as long as sign-ins.
        "failed staff sign-in records": AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        # A count of failures is needed only while it can lock someone out.
        "failed staff sign-in counts": AccessAttempt.objects.filter(attempt_time__lt=lockout_over),
    }
    counts = {label: rows.count() for label, rows in removable.items()}
    if not dry_run:
        with transaction.atomic():
            for rows in removable.values():
                rows.delete()
    return counts
