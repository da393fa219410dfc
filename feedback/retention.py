"""How long readers' feedback is kept: settings.FEEDBACK_RETENTION_DAYS, then deleted."""

import datetime

from django.conf import settings

from .models import PageFeedback


def remove_expired(now: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    """Delete answers older than the retention period; how many were (or, dry, would be) removed."""
    cutoff = now - datetime.timedelta(days=settings.FEEDBACK_RETENTION_DAYS)
    expired = PageFeedback.objects.filter(created_at__lt=cutoff)
    count = expired.count()
    if count and not dry_run:
        expired.delete()
    return {"page feedback answers": count}
